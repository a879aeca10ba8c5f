//! A synthetic SaaS schema of `N` tables, the workload of the build-speed
//! benchmark.
//!
//! Shaped like the schemas that grow in real products: tables in business
//! areas (billing, CRM, support, ...), each with a UUID key, 1 to 3 foreign
//! keys to earlier tables (some optional), a `#[db_enum]` status, a unique
//! `code`, one composite index, value columns drawn from one shared pool
//! (`name`, `amount`, `due_at`, ...; so many tables share column names, as
//! they do in practice), `#[timestamps]` on every table, `#[versioned]` on a
//! third and `#[soft_delete]` on a fifth. Every table has 8 to 15 columns,
//! counting the ones the attributes add. No tenancy. Deterministic: the same
//! `N` gives the same source.
//!
//! One [`SyntheticSchema`] renders three ways: with tablewright's attributes
//! ([`SyntheticSchema::tablewright_source`]), as the same structs with serde's
//! derives ([`SyntheticSchema::serde_source`], the macro-cost comparison) and
//! as plain structs ([`SyntheticSchema::plain_source`], the baseline crate).
//!
//! ```
//! let schema = tablewright_bench::synthetic::generate(50);
//! assert_eq!(schema.tables.len(), 50);
//! assert!(schema.tablewright_source().contains("#[entity]"));
//! ```

use std::fmt::Write as _;

use tablewright_core::naming::snake_case;

/// A schema to render.
#[derive(Clone, Debug)]
pub struct SyntheticSchema {
    pub enums: Vec<SyntheticEnum>,
    pub tables: Vec<Table>,
}

/// A `#[db_enum]`.
#[derive(Clone, Debug)]
pub struct SyntheticEnum {
    pub name: String,
    pub variants: Vec<&'static str>,
}

/// One `#[entity]` struct.
#[derive(Clone, Debug)]
pub struct Table {
    /// The struct name, e.g. `BillingInvoice`.
    pub name: String,
    pub doc: String,
    pub soft_delete: bool,
    pub versioned: bool,
    /// The composite index, by column.
    pub composite: [String; 2],
    pub fields: Vec<Field>,
}

/// One declared field.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    /// The Rust type as written, `Option<...>` included.
    pub ty: String,
    /// tablewright's field attributes, each as written (`#[unique]`).
    pub attrs: Vec<String>,
    pub doc: Option<&'static str>,
}

const AREAS: &[&str] = &[
    "Billing",
    "Crm",
    "Support",
    "Inventory",
    "People",
    "Marketing",
    "Projects",
    "Analytics",
    "Catalog",
    "Shipping",
    "Finance",
    "Compliance",
];

const NOUNS: &[&str] = &[
    "Account",
    "Invoice",
    "Ticket",
    "Order",
    "Contact",
    "Campaign",
    "Product",
    "Shipment",
    "Payment",
    "Report",
    "Team",
    "Policy",
    "Asset",
    "Contract",
    "Budget",
    "Vendor",
    "Review",
    "Schedule",
    "Document",
    "Channel",
    "Segment",
    "Warehouse",
    "Survey",
    "Quote",
    "Lead",
    "Task",
    "Note",
    "Event",
    "Rule",
    "Metric",
];

const QUALIFIERS: &[&str] = &[
    "Line", "Item", "Entry", "Version", "Link", "Snapshot", "Export", "Batch", "Template", "Revision", "Share", "Log",
];

const VARIANTS: &[&str] =
    &["Draft", "Active", "Pending", "Approved", "Rejected", "Archived", "Open", "Closed", "Paused", "Failed"];

/// The shared pool of value columns: name, type, attributes, doc.
const POOL: &[(&str, &str, &str, Option<&str>)] = &[
    ("name", "String", "#[column(max_len = 200)]", Some("Display name.")),
    ("title", "String", "#[column(max_len = 300)]", None),
    ("description", "Option<String>", "", Some("Free text shown on the detail page.")),
    ("notes", "Option<String>", "", None),
    ("email", "String", "#[column(max_len = 320)]", None),
    ("phone", "Option<String>", "#[column(max_len = 40)]", None),
    ("priority", "i32", "#[default(0)]", None),
    ("quantity", "i32", "", None),
    ("amount", "Decimal", "#[column(precision = 12, scale = 2)]", Some("In the currency's major unit.")),
    ("currency", "String", "#[column(max_len = 3)]", None),
    ("is_active", "bool", "#[default(true)]", None),
    ("score", "f64", "", None),
    ("metadata", "Json", "", None),
    ("due_at", "Option<DateTime<Utc>>", "", None),
    ("starts_on", "Option<NaiveDate>", "", None),
    ("external_ref", "Option<String>", "#[column(max_len = 100)]", None),
    ("sort_order", "i32", "#[default(0)]", None),
    ("url", "Option<String>", "", None),
    ("color", "Option<String>", "#[column(max_len = 7)]", None),
    ("weight", "Option<f64>", "", None),
    ("archived_at", "Option<DateTime<Utc>>", "", None),
    ("counter", "i64", "#[default(0)]", None),
];

/// Prefixes for a second key to the same target.
const ROLES: &[&str] = &["owner", "source", "related", "parent"];

/// splitmix64: small, deterministic, good enough to shape a schema.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// The struct name of table `i`: area and noun first, then a qualifier.
fn table_name(i: usize) -> String {
    let pairs = AREAS.len() * NOUNS.len();
    let area = AREAS[i % AREAS.len()];
    let noun = NOUNS[(i / AREAS.len()) % NOUNS.len()];
    match i / pairs {
        0 => format!("{area}{noun}"),
        k => {
            let qualifier = QUALIFIERS[(k - 1) % QUALIFIERS.len()];
            let round = (k - 1) / QUALIFIERS.len();
            if round == 0 { format!("{area}{noun}{qualifier}") } else { format!("{area}{noun}{qualifier}V{round}") }
        }
    }
}

/// The synthetic schema of `n` tables.
pub fn generate(n: usize) -> SyntheticSchema {
    let mut rng = Rng(0x7AB1_E3A1_6417 ^ n as u64);
    let enum_count = (n / 25).max(4);
    let enums: Vec<SyntheticEnum> = (0..enum_count)
        .map(|k| {
            let count = 3 + rng.below(4);
            let start = rng.below(VARIANTS.len());
            let variants = (0..count).map(|v| VARIANTS[(start + v) % VARIANTS.len()]).collect();
            SyntheticEnum { name: format!("{}Status{k}", AREAS[k % AREAS.len()]), variants }
        })
        .collect();
    let mut tables: Vec<Table> = Vec::with_capacity(n);
    for i in 0..n {
        let name = table_name(i);
        let soft_delete = rng.one_in(5);
        let versioned = rng.one_in(3);
        let mut fields = vec![Field { name: "id".into(), ty: "Uuid".into(), attrs: vec!["#[id]".into()], doc: None }];
        // 1 to 3 keys to earlier tables (the first table has none).
        let keys = (1 + rng.below(3)).min(i);
        let mut key_names: Vec<String> = Vec::new();
        for k in 0..keys {
            // Mostly recent tables: parents live near their children, as areas do.
            let window = i.min(40);
            let target = i - 1 - rng.below(window);
            let target_name = tables[target].name.clone();
            let base = format!("{}_id", snake_case(&target_name));
            let field = if key_names.contains(&base) { format!("{}_{base}", ROLES[k % ROLES.len()]) } else { base };
            let optional = k > 0 && rng.one_in(3);
            let mut attrs = Vec::new();
            if k > 0 && !rng.one_in(3) {
                attrs.push("#[index]".to_string());
            }
            attrs.push(if optional {
                format!("#[belongs_to({target_name}, on_delete = set_null)]")
            } else if rng.one_in(2) {
                format!("#[belongs_to({target_name}, on_delete = cascade)]")
            } else {
                format!("#[belongs_to({target_name})]")
            });
            let ty = if optional { "Option<Uuid>" } else { "Uuid" };
            fields.push(Field { name: field.clone(), ty: ty.into(), attrs, doc: None });
            key_names.push(field);
        }
        fields.push(Field {
            name: "code".into(),
            ty: "String".into(),
            attrs: vec!["#[unique]".into(), "#[column(max_len = 64)]".into()],
            doc: Some("Human-readable key, unique per table."),
        });
        let status_enum = &enums[rng.below(enums.len())];
        fields.push(Field {
            name: "status".into(),
            ty: status_enum.name.clone(),
            attrs: vec![format!("#[default({}::{})]", status_enum.name, status_enum.variants[0])],
            doc: None,
        });
        // 8 to 15 columns in all: id, keys, code, status, the timestamps,
        // version / deleted_at, then values from the pool.
        let total = 8 + rng.below(8);
        let fixed = fields.len() + 2 + usize::from(versioned) + usize::from(soft_delete);
        let values = total.saturating_sub(fixed);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < values {
            let p = rng.below(POOL.len());
            if !picked.contains(&p) {
                picked.push(p);
            }
        }
        for p in picked {
            let (name, ty, attr, doc) = POOL[p];
            let attrs = if attr.is_empty() { Vec::new() } else { vec![attr.to_string()] };
            fields.push(Field { name: name.into(), ty: ty.into(), attrs, doc });
        }
        let composite = match key_names.first() {
            Some(key) => [key.clone(), "status".to_string()],
            None => ["status".to_string(), "created_at".to_string()],
        };
        let area = snake_case(&name).split('_').next().unwrap_or_default().to_string();
        let doc = format!("{} records of the {area} area.", snake_case(&name).replace('_', " "));
        tables.push(Table { name, doc, soft_delete, versioned, composite, fields });
    }
    SyntheticSchema { enums, tables }
}

impl SyntheticEnum {
    /// The enum under `attributes` (each line ending in `\n`).
    fn write(&self, out: &mut String, attributes: &str) {
        let _ = write!(out, "\n{attributes}pub enum {} {{\n", self.name);
        for v in &self.variants {
            let _ = writeln!(out, "    {v},");
        }
        out.push_str("}\n");
    }
}

/// The field a cross-cutting attribute adds, for the variants without them.
fn added_fields(table: &Table) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![("created_at", "DateTime<Utc>"), ("updated_at", "DateTime<Utc>")];
    if table.soft_delete {
        out.push(("deleted_at", "Option<DateTime<Utc>>"));
    }
    if table.versioned {
        out.push(("version", "i32"));
    }
    out
}

impl SyntheticSchema {
    /// The schema written in tablewright's DSL: one `src/schema.rs`.
    pub fn tablewright_source(&self) -> String {
        self.tablewright_source_with(false)
    }

    /// The same schema made multi-tenant, as a SaaS product's schema is: an
    /// `Organization` `#[tenant]`, every table `#[tenant_scoped]` (row-level
    /// security, tenant indexes, the pgTAP suite) and every fifth table
    /// `#[audited]` (triggers into the audit log tablewright adds). The
    /// workload of `build_speed --stages N --tenancy`: the emitters the
    /// issue's schema (no tenancy) never exercises.
    ///
    /// ```
    /// let source = tablewright_bench::synthetic::generate(50).tablewright_source_multi_tenant();
    /// assert_eq!(source.matches("#[tenant_scoped]").count(), 50);
    /// assert_eq!(source.matches("#[audited]").count(), 10);
    /// ```
    pub fn tablewright_source_multi_tenant(&self) -> String {
        self.tablewright_source_with(true)
    }

    fn tablewright_source_with(&self, tenancy: bool) -> String {
        let mut out =
            String::from("//! A synthetic SaaS schema (tablewright-bench).\n\nuse tablewright::prelude::*;\n");
        if tenancy {
            out.push_str(
                "\n/// The customer every row belongs to.\n#[entity]\n#[tenant]\n#[timestamps]\n\
                 pub struct Organization {\n    #[id]\n    pub id: Uuid,\n    #[column(max_len = 200)]\n    pub name: String,\n}\n",
            );
        }
        for e in &self.enums {
            e.write(&mut out, "#[db_enum]\n");
        }
        for (i, t) in self.tables.iter().enumerate() {
            let _ = write!(out, "\n/// {}\n#[entity]\n#[timestamps]\n", t.doc);
            if tenancy {
                out.push_str(if i % 5 == 0 { "#[tenant_scoped]\n#[audited]\n" } else { "#[tenant_scoped]\n" });
            }
            if t.soft_delete {
                out.push_str("#[soft_delete]\n");
            }
            if t.versioned {
                out.push_str("#[versioned]\n");
            }
            let _ = writeln!(out, "#[index({}, {})]", t.composite[0], t.composite[1]);
            let _ = writeln!(out, "pub struct {} {{", t.name);
            for f in &t.fields {
                if let Some(doc) = f.doc {
                    let _ = writeln!(out, "    /// {doc}");
                }
                for a in &f.attrs {
                    let _ = writeln!(out, "    {a}");
                }
                let _ = writeln!(out, "    pub {}: {},", f.name, f.ty);
            }
            out.push_str("}\n");
        }
        out
    }

    /// The same structs and enums with `#[derive(Serialize, Deserialize)]`
    /// instead of tablewright's attributes (the fields the attributes add
    /// written out), for comparing the macros' cost.
    pub fn serde_source(&self) -> String {
        self.rust_source(
            "use serde::{Deserialize, Serialize};\nuse tablewright::prelude::{DateTime, Decimal, Json, NaiveDate, Utc, Uuid};\n",
            "#[derive(Serialize, Deserialize)]\n",
        )
    }

    /// The same structs and enums without any derive or attribute: the
    /// baseline crate of the same size.
    pub fn plain_source(&self) -> String {
        self.rust_source("use tablewright::prelude::{DateTime, Decimal, Json, NaiveDate, Utc, Uuid};\n", "")
    }

    fn rust_source(&self, uses: &str, derive: &str) -> String {
        let mut out = format!("//! A synthetic SaaS schema (tablewright-bench).\n#![allow(dead_code)]\n\n{uses}");
        for e in &self.enums {
            e.write(&mut out, derive);
        }
        for t in &self.tables {
            let _ = write!(out, "\n/// {}\n{derive}pub struct {} {{\n", t.doc, t.name);
            for f in &t.fields {
                if let Some(doc) = f.doc {
                    let _ = writeln!(out, "    /// {doc}");
                }
                let _ = writeln!(out, "    pub {}: {},", f.name, f.ty);
            }
            for (name, ty) in added_fields(t) {
                let _ = writeln!(out, "    pub {name}: {ty},");
            }
            out.push_str("}\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_matches_the_issue() {
        for n in [50, 200, 1000] {
            let schema = generate(n);
            assert_eq!(schema.tables.len(), n);
            let mut names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "struct names are unique");
            for (i, t) in schema.tables.iter().enumerate() {
                let keys = t.fields.iter().filter(|f| f.attrs.iter().any(|a| a.starts_with("#[belongs_to"))).count();
                assert!((if i == 0 { 0 } else { 1 }..=3).contains(&keys), "{}: {keys} keys", t.name);
                let columns = t.fields.len() + added_fields(t).len();
                assert!((8..=15).contains(&columns), "{}: {columns} columns", t.name);
            }
        }
        assert_eq!(generate(200).tablewright_source(), generate(200).tablewright_source());
    }

    /// The schema is valid, generates every target, and the console of its
    /// build stays short although the review finds something in most tables.
    #[test]
    fn the_schema_generates_and_its_console_stays_short() {
        let n = 200;
        let dir = std::env::temp_dir().join(format!("tw-bench-synthetic-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/schema.rs"), generate(n).tablewright_source()).unwrap();
        let artifacts = tablewright_core::build::Builder::new()
            .with_crate_dir(&dir)
            .generate()
            .unwrap_or_else(|e| panic!("the synthetic schema does not generate:\n{e}"));
        std::fs::remove_dir_all(&dir).unwrap();

        let text = |path: &str| String::from_utf8(artifacts.get(path).expect(path).contents.clone()).unwrap();
        assert_eq!(text("drizzle/schema.ts").matches("= pgTable(").count(), n);
        assert_eq!(text("migrations/postgres/0001_initial.up.sql").matches("CREATE TABLE").count(), n);

        let warnings = artifacts.diagnostics().len();
        let console = artifacts.cargo_directives().iter().filter(|l| l.starts_with("cargo::warning=")).count();
        assert!(warnings > n, "the review finds something in most tables: {warnings}");
        assert!(console <= 120, "{console} console lines for {warnings} warnings");
        // Random sharing of generic columns is no copied group.
        assert!(text("review.md").contains("| `duplicated_columns` | 0 | 0 | 0 |"));
    }
}

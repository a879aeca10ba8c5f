//! The source writer: a [`Schema`] written back as `#[entity]` Rust source.
//!
//! It is the inverse of the front end plus the cross-cutting transforms
//! ([`tablewright_core::transform`]): what an attribute adds (the tenant key,
//! `created_at`/`updated_at`, `deleted_at`, `version`, `created_by`/
//! `updated_by`, a polymorphic type column, a junction's keys, the audit log
//! table, the partial uniques of a soft-delete table, the `(tenant, id)`
//! uniques and composite same-tenant keys) is left to the attribute, so the
//! transformed model of a crate (its `schema.snapshot.json`) writes back to
//! source that builds the same model. Everything else is spelled out field by
//! field, and what the DSL cannot say is listed in the header comment
//! instead of being dropped silently.
//!
//! Importers (a live database, a Prisma schema) build a model, mark what they
//! recognise with the traits and [`ColumnOrigin`]s the transforms would have
//! set, and call [`write_source`] with their own notes.
//!
//! ```
//! use tablewright_core::model::{Column, ColumnType, Entity, Generated, Schema};
//! use tablewright_cli::import::source::write_source;
//!
//! let mut id = Column::new("id", ColumnType::I64);
//! id.generated = Generated::Identity;
//! let title = Column::new("title", ColumnType::String);
//! let schema = Schema::new(vec![], vec![Entity::new("Note", "notes", vec![id, title], &["id"])]);
//! let source = write_source(&schema, &["table `legacy` has no primary key: skipped".to_string()]);
//! assert!(source.contains("// - table `legacy` has no primary key: skipped"));
//! assert!(source.contains("#[entity]\npub struct Note {\n    #[id(auto)]\n    pub id: i64,\n    pub title: String,\n}"));
//! ```

use tablewright_core::frontend::types::describe;
use tablewright_core::model::{
    Check, Column, ColumnOrigin, ColumnType, DefaultValue, Entity, EnumType, ForeignKey, Generated, Index,
    ReferentialAction, Schema,
};
use tablewright_core::naming;
use tablewright_core::transform::NOT_DELETED;

/// Writes `schema` as one formatted Rust source file (`src/schema.rs`).
///
/// The file starts with a header comment listing `notes` (what the importer
/// could not express) followed by what the writer itself could not express
/// (a foreign key to a non-key column, an enum value no variant name spells,
/// ...); then the `#[db_enum]`s and `#[entity]`s in the order of the model.
/// The output is deterministic: the same model gives the same bytes.
pub fn write_source(schema: &Schema, notes: &[String]) -> String {
    render(schema, notes).source
}

/// Written source and the whole report: `notes` followed by what the writer
/// itself could not express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub source: String,
    pub report: Vec<String>,
}

/// [`write_source`], also returning the report its header lists.
pub fn render(schema: &Schema, notes: &[String]) -> Written {
    let mut writer = Writer { schema, notes: Vec::new() };
    let mut items = String::from("use tablewright::prelude::*;\n\n");
    for e in &schema.enums {
        items.push_str(&writer.db_enum(e));
    }
    for e in schema.entities.iter().filter(|e| !e.traits.audit_log) {
        items.push_str(&writer.entity(e));
    }
    let body = match syn::parse_file(&items) {
        Ok(file) => separate_items(&prettyplease::unparse(&file)),
        // Every piece above is built from escaped literals and checked
        // identifiers, so this is a bug in the writer; keep the text so the
        // user sees what went wrong instead of losing the import.
        Err(e) => {
            writer.notes.push(format!("the writer produced source that does not parse ({e}); it is left unformatted"));
            items
        }
    };
    let mut out =
        String::from("// Imported by `tablewright import`. Review it, then let `cargo build` write the migrations.\n");
    let all: Vec<String> = notes.iter().chain(writer.notes.iter()).cloned().collect();
    if all.is_empty() {
        out.push_str("//\n// Everything in the source was expressed in the DSL.\n");
    } else {
        out.push_str("//\n// Not expressed in the DSL (kept out of this file, or approximated as said):\n");
        for note in &all {
            let mut lines = note.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("// - {first}\n"));
            }
            for line in lines {
                out.push_str(&format!("//   {line}\n"));
            }
        }
    }
    out.push('\n');
    out.push_str(&body);
    Written { source: out, report: all }
}

struct Writer<'a> {
    schema: &'a Schema,
    /// What the writer itself could not express.
    notes: Vec<String>,
}

impl Writer<'_> {
    fn db_enum(&mut self, e: &EnumType) -> String {
        let mut out = doc_attrs(e.doc.as_deref());
        if e.sql_name == naming::snake_case(&e.name) {
            out.push_str("#[db_enum]\n");
        } else {
            out.push_str(&format!("#[db_enum(name = {})]\n", lit(&e.sql_name)));
        }
        out.push_str(&format!("pub enum {} {{\n", ident(&e.name)));
        for v in &e.variants {
            if naming::snake_case(&v.name) != v.value {
                self.notes.push(format!(
                    "enum `{}`: the value {} is stored as {} by the variant `{}`",
                    e.sql_name,
                    lit(&v.value),
                    lit(&naming::snake_case(&v.name)),
                    v.name
                ));
            }
            out.push_str(&doc_attrs(v.doc.as_deref()));
            out.push_str(&format!("{},\n", ident(&v.name)));
        }
        out.push_str("}\n\n");
        out
    }

    fn entity(&mut self, e: &Entity) -> String {
        let mut out = doc_attrs(e.doc.as_deref());
        if e.table == naming::table_name(&e.name) {
            out.push_str("#[entity]\n");
        } else {
            out.push_str(&format!("#[entity(table = {})]\n", lit(&e.table)));
        }
        out.push_str(&self.entity_traits(e));
        let tenant_column = e.tenant_scope.as_ref().map(|s| s.column.as_str());
        let junction_keys: Vec<String> =
            e.junction.iter().flat_map(|j| [naming::key_column(&j.left), naming::key_column(&j.right)]).collect();

        // Foreign keys: which ones a field attribute spells, which ones an
        // attribute adds (left out), which ones the DSL cannot say.
        let mut belongs_to: Vec<(&str, &ForeignKey)> = Vec::new();
        for fk in &e.foreign_keys {
            if fk.origin != ColumnOrigin::Declared {
                continue;
            }
            let column = match (fk.columns.as_slice(), tenant_column) {
                ([one], _) => one.as_str(),
                // A same-tenant reference: the transform made it composite.
                ([tenant, one], Some(t)) if tenant == t => one.as_str(),
                _ => {
                    self.notes.push(format!(
                        "table `{}`: the foreign key `{}` ({}) -> `{}` ({}) has several columns; `#[belongs_to]` takes one",
                        e.table,
                        fk.name,
                        fk.columns.join(", "),
                        fk.target_table,
                        fk.target_columns.join(", ")
                    ));
                    continue;
                }
            };
            if e.junction.is_some() && junction_keys.iter().any(|k| k == column) {
                continue;
            }
            let target_key = self.schema.entity(&fk.target).map(|t| t.primary_key.columns.clone());
            // `#[belongs_to]` points at a single-column primary key (the
            // same-tenant form at the tenant column and that key).
            let points_at_key = match &target_key {
                Some(key) => {
                    key.len() == 1
                        && (fk.target_columns.is_empty() || fk.target_columns.last() == key.first())
                        && fk.target_columns.len() <= fk.columns.len()
                }
                None => true,
            };
            if !points_at_key {
                self.notes.push(format!(
                    "table `{}`: the foreign key `{}` points at `{}`.{}, not at a single-column primary key ({}); `#[belongs_to]` always does",
                    e.table,
                    fk.name,
                    fk.target_table,
                    fk.target_columns.join(", "),
                    target_key.unwrap_or_default().join(", ")
                ));
                continue;
            }
            if belongs_to.iter().any(|(c, _)| *c == column) {
                self.notes.push(format!(
                    "table `{}`: `{column}` has a second foreign key `{}`; only the first is kept",
                    e.table, fk.name
                ));
                continue;
            }
            let default_name = naming::constraint_name("fk", &e.table, &[column]);
            if fk.name != default_name && !fk.name.is_empty() {
                self.notes.push(format!(
                    "table `{}`: the foreign key `{}` is named `{default_name}` by tablewright",
                    e.table, fk.name
                ));
            }
            belongs_to.push((column, fk));
        }

        // Indexes: field-level where the front end would name them the same,
        // struct-level otherwise.
        let mut field_unique: Vec<&str> = Vec::new();
        let mut field_index: Vec<&str> = Vec::new();
        let mut struct_indexes: Vec<String> = Vec::new();
        for index in &e.indexes {
            if index.origin != ColumnOrigin::Declared {
                continue;
            }
            if is_junction_reverse_index(e, index) {
                continue;
            }
            let predicate = written_predicate(e, index);
            if let ([col], None, true) = (index.columns.as_slice(), &predicate, index.include.is_empty())
                && !col.desc
            {
                let prefix = if index.unique { "uq" } else { "idx" };
                let list = if index.unique { &mut field_unique } else { &mut field_index };
                if index.name == naming::constraint_name(prefix, &e.table, &[&col.name])
                    && !list.contains(&col.name.as_str())
                {
                    list.push(&col.name);
                    continue;
                }
            }
            struct_indexes.push(index_attr(e, index, predicate.as_deref()));
        }
        for attr in &struct_indexes {
            out.push_str(attr);
        }

        // Checks: on the column when the front end would name them the same.
        let mut column_checks: Vec<(&str, &Check)> = Vec::new();
        let mut struct_checks = 0;
        for check in &e.checks {
            if check.origin != ColumnOrigin::Declared {
                continue;
            }
            let on_column =
                e.columns.iter().find(|c| check.name == naming::constraint_name("ck", &e.table, &[&c.name]));
            match on_column {
                Some(c) if !column_checks.iter().any(|(n, _)| *n == c.name) => column_checks.push((&c.name, check)),
                _ => {
                    struct_checks += 1;
                    let positional = naming::shorten(&format!("ck_{}_{struct_checks}", e.table));
                    if check.name == positional {
                        out.push_str(&format!("#[check({})]\n", lit(&check.expr)));
                    } else {
                        out.push_str(&format!("#[check(name = {}, {})]\n", lit(&check.name), lit(&check.expr)));
                    }
                }
            }
        }

        // The primary key: `#[id]` fields, in field order.
        let key = &e.primary_key.columns;
        let declared_key: Vec<&String> = e.columns.iter().map(|c| &c.name).filter(|c| key.contains(c)).collect();
        if e.junction.is_none() && !key.iter().eq(declared_key.iter().copied()) {
            self.notes.push(format!(
                "table `{}`: the primary key ({}) is in another order than its columns; tablewright orders it like the fields",
                e.table,
                key.join(", ")
            ));
        }
        let default_pk = naming::shorten(&format!("pk_{}", e.table));
        if e.primary_key.name != default_pk && !e.primary_key.name.is_empty() {
            self.notes.push(format!(
                "table `{}`: the primary key `{}` is named `{default_pk}` by tablewright",
                e.table, e.primary_key.name
            ));
        }

        // Field names, unique within the struct (`Order Date` and
        // `order_date` would both be `order_date`).
        // A column that needs no renaming keeps its name; the others yield.
        let mut fields: Vec<(String, String)> = Vec::new();
        let declared = e.columns.iter().filter(|c| c.origin == ColumnOrigin::Declared);
        let (plain, renamed): (Vec<&Column>, Vec<&Column>) = declared.partition(|c| !field_name(c).1);
        for c in plain.into_iter().chain(renamed) {
            let (mut field, _) = field_name(c);
            let mut n = 2;
            while fields.iter().any(|(_, f)| *f == field) {
                field = format!("{}_{n}", field_name(c).0);
                n += 1;
            }
            fields.push((c.name.clone(), field));
        }
        out.push_str(&format!("pub struct {} {{\n", ident(&e.name)));
        for c in &e.columns {
            if c.origin != ColumnOrigin::Declared {
                continue;
            }
            // A polymorphic link's type column comes with `#[polymorphic]`.
            if e.polymorphic.iter().any(|p| p.type_column == c.name) {
                continue;
            }
            out.push_str(&doc_attrs(c.doc.as_deref()));
            if e.junction.is_none() && key.contains(&c.name) {
                out.push_str(&self.id_attr(e, c));
            }
            if field_unique.contains(&c.name.as_str()) {
                out.push_str("#[unique]\n");
            }
            if field_index.contains(&c.name.as_str()) {
                out.push_str("#[index]\n");
            }
            if let Some((_, fk)) = belongs_to.iter().find(|(col, _)| *col == c.name) {
                out.push_str(&belongs_to_attr(e, fk));
            }
            if let Some(p) = e.polymorphic.iter().find(|p| p.id_column == c.name) {
                let targets: Vec<String> = p.targets.iter().map(|t| ident(&t.entity)).collect();
                let action = if p.on_delete.is_cascade() { "" } else { ", on_delete = restrict" };
                out.push_str(&format!("#[polymorphic({}{action})]\n", targets.join(", ")));
            }
            let check = column_checks.iter().find(|(n, _)| *n == c.name).map(|(_, ck)| *ck);
            let field = fields.iter().find(|(n, _)| *n == c.name).map(|(_, f)| f.clone()).unwrap_or_default();
            out.push_str(&column_attr(c, &field, check));
            if let Some(default) = &c.default
                && let Some(attr) = self.default_attr(e, c, default)
            {
                out.push_str(&attr);
            }
            out.push_str(&format!("pub {field}: {},\n", rust_type(c)));
        }
        out.push_str("}\n\n");
        out
    }

    /// The struct-level attributes of the cross-cutting traits.
    fn entity_traits(&mut self, e: &Entity) -> String {
        let t = &e.traits;
        let mut out = String::new();
        if t.tenant {
            match &t.membership {
                Some(m) => {
                    let mut args = format!("membership = {}, role = {}", ident(&m.entity), ident(&m.role_column));
                    let roles = |r: &[String]| r.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ");
                    args.push_str(&format!(", admin_roles = [{}]", roles(&m.admin_roles)));
                    if !m.read_only_roles.is_empty() {
                        args.push_str(&format!(", read_only_roles = [{}]", roles(&m.read_only_roles)));
                    }
                    out.push_str(&format!("#[tenant({args})]\n"));
                }
                None => out.push_str("#[tenant]\n"),
            }
        }
        if t.tenant_scoped {
            // Name the tenant only when the schema has several.
            let tenants = self.schema.entities.iter().filter(|x| x.traits.tenant).count();
            match (&e.tenant_scope, tenants) {
                (Some(scope), n) if n > 1 => out.push_str(&format!("#[tenant_scoped({})]\n", ident(&scope.tenant))),
                _ => out.push_str("#[tenant_scoped]\n"),
            }
        }
        if t.global {
            out.push_str("#[global]\n");
        }
        if let Some(j) = &e.junction {
            out.push_str(&format!("#[many_to_many({}, {})]\n", ident(&j.left), ident(&j.right)));
        }
        for p in &t.policies {
            let mut args = format!("{}, name = {}", p.command.keyword(), lit(&p.name));
            if let Some(using) = &p.using {
                args.push_str(&format!(", using = {}", lit(using)));
            }
            if let Some(check) = &p.check {
                args.push_str(&format!(", check = {}", lit(check)));
            }
            out.push_str(&format!("#[policy({args})]\n"));
        }
        if t.soft_delete {
            out.push_str("#[soft_delete]\n");
        }
        if t.timestamps {
            out.push_str("#[timestamps]\n");
        }
        if let Some(u) = &t.userstamps {
            match &u.user {
                Some(user) => out.push_str(&format!("#[userstamps({})]\n", ident(user))),
                None => out.push_str("#[userstamps]\n"),
            }
        }
        if t.audited {
            out.push_str(if t.audit_readable { "#[audited(readable)]\n" } else { "#[audited]\n" });
        }
        if t.versioned {
            out.push_str("#[versioned]\n");
        }
        out
    }

    fn id_attr(&mut self, e: &Entity, c: &Column) -> String {
        match (c.generated, &c.ty) {
            (Generated::Identity, ColumnType::I32 | ColumnType::I64) => "#[id(auto)]\n".into(),
            (Generated::Cuid, ColumnType::String) => "#[id(cuid)]\n".into(),
            (Generated::None, ColumnType::Uuid) => {
                self.notes.push(format!(
                    "table `{}`: the key `{}` has no default; `#[id]` on a `Uuid` gives it `gen_random_uuid()` where the dialect has it",
                    e.table, c.name
                ));
                "#[id]\n".into()
            }
            (Generated::None | Generated::RandomUuid, _) => "#[id]\n".into(),
            (g, ty) => {
                self.notes.push(format!(
                    "table `{}`: the key `{}` is generated ({g:?}) but its type {ty:?} cannot be; written as a plain `#[id]`",
                    e.table, c.name
                ));
                "#[id]\n".into()
            }
        }
    }

    fn default_attr(&mut self, e: &Entity, c: &Column, default: &DefaultValue) -> Option<String> {
        use ColumnType as T;
        let ty = &c.ty;
        let numeric = matches!(ty, T::I16 | T::I32 | T::I64 | T::F32 | T::F64 | T::Decimal | T::Other(_));
        let value = match default {
            DefaultValue::Bool(b) if matches!(ty, T::Bool | T::Other(_)) => b.to_string(),
            DefaultValue::Int(i) if numeric => i.to_string(),
            DefaultValue::Float(f) if matches!(ty, T::F32 | T::F64 | T::Decimal | T::Other(_)) => {
                let f = f.trim();
                match f.parse::<f64>() {
                    Ok(_) if f.contains(['.', 'e', 'E']) => f.to_string(),
                    Ok(_) => format!("{f}.0"),
                    Err(_) => format!("sql = {}", lit(f)),
                }
            }
            DefaultValue::String(s) if matches!(ty, T::String | T::Other(_)) => lit(s),
            DefaultValue::EnumValue(v) => match ty {
                T::Enum(name) => {
                    match self.schema.enum_type(name).and_then(|en| en.variants.iter().find(|x| x.value == *v)) {
                        Some(variant) => format!("{}::{}", ident(name), ident(&variant.name)),
                        None => {
                            self.notes.push(format!(
                                "table `{}`: the default {} of `{}` is not a value of `{name}`; left out",
                                e.table,
                                lit(v),
                                c.name
                            ));
                            return None;
                        }
                    }
                }
                _ => format!("sql = {}", lit(&sql_string(v))),
            },
            DefaultValue::Now
                if matches!(ty, T::DateTimeUtc | T::NaiveDateTime | T::NaiveDate | T::NaiveTime | T::Other(_)) =>
            {
                "now".into()
            }
            DefaultValue::Sql(s) => format!("sql = {}", lit(s)),
            // A literal the column's Rust type does not take: as SQL.
            DefaultValue::Bool(b) => format!("sql = {}", lit(if *b { "TRUE" } else { "FALSE" })),
            DefaultValue::Int(i) => format!("sql = {}", lit(&i.to_string())),
            DefaultValue::Float(f) => format!("sql = {}", lit(f)),
            DefaultValue::String(s) => format!("sql = {}", lit(&sql_string(s))),
            DefaultValue::Now => "sql = \"CURRENT_TIMESTAMP\"".into(),
        };
        Some(format!("#[default({value})]\n"))
    }
}

/// A blank line after each top-level item, which prettyplease leaves out.
fn separate_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let ends_item = line == "}" || (line.starts_with("use ") && line.ends_with(';'));
        if ends_item && lines.peek().is_some_and(|next| !next.is_empty()) {
            out.push('\n');
        }
    }
    out
}

/// Whether `index` is the reverse index `#[many_to_many]` adds.
fn is_junction_reverse_index(e: &Entity, index: &Index) -> bool {
    let Some(j) = &e.junction else { return false };
    let right = naming::key_column(&j.right);
    !index.unique
        && index.predicate.is_none()
        && index.include.is_empty()
        && index.columns.len() == 1
        && index.columns[0].name == right
        && !index.columns[0].desc
        && index.name == naming::constraint_name("idx", &e.table, &[&right])
}

/// The predicate to write: a soft-delete table's uniques get
/// `deleted_at IS NULL` from the transform, so it is taken back off.
fn written_predicate(e: &Entity, index: &Index) -> Option<String> {
    let p = index.predicate.clone()?;
    if !(e.traits.soft_delete && index.unique) {
        return Some(p);
    }
    if p == NOT_DELETED {
        return None;
    }
    match p.strip_prefix('(').and_then(|rest| rest.strip_suffix(&format!(") AND {NOT_DELETED}"))) {
        Some(inner) => Some(inner.to_string()),
        None => Some(p),
    }
}

fn index_attr(e: &Entity, index: &Index, predicate: Option<&str>) -> String {
    let cols: Vec<String> = index
        .columns
        .iter()
        .map(|c| format!("{}{}", column_ident(&c.name), if c.desc { " desc" } else { "" }))
        .collect();
    let names: Vec<&str> = index.columns.iter().map(|c| c.name.as_str()).collect();
    let prefix = if index.unique { "uq" } else { "idx" };
    let default_name = naming::constraint_name(prefix, &e.table, &names);
    let plain = predicate.is_none() && index.include.is_empty() && index.columns.iter().all(|c| !c.desc);
    if index.unique && plain && index.name == default_name {
        return format!("#[unique({})]\n", cols.join(", "));
    }
    let mut args = cols;
    if index.unique {
        args.push("unique".into());
    }
    if let Some(p) = predicate {
        args.push(format!("where = {}", lit(p)));
    }
    if !index.include.is_empty() {
        let include: Vec<String> = index.include.iter().map(|c| column_ident(c)).collect();
        args.push(format!("include({})", include.join(", ")));
    }
    if index.name != default_name {
        args.push(format!("name = {}", lit(&index.name)));
    }
    format!("#[index({})]\n", args.join(", "))
}

fn belongs_to_attr(e: &Entity, fk: &ForeignKey) -> String {
    let target = if fk.target == e.name { "Self".to_string() } else { ident(&fk.target) };
    let mut args = vec![target];
    let action = |a: ReferentialAction| match a {
        ReferentialAction::Cascade => "cascade",
        ReferentialAction::Restrict => "restrict",
        ReferentialAction::SetNull => "set_null",
        ReferentialAction::SetDefault => "set_default",
        ReferentialAction::NoAction => "no_action",
    };
    if fk.on_delete != ReferentialAction::NoAction {
        args.push(format!("on_delete = {}", action(fk.on_delete)));
    }
    if fk.on_update != ReferentialAction::NoAction {
        args.push(format!("on_update = {}", action(fk.on_update)));
    }
    if fk.deferrable {
        args.push("deferrable".into());
    }
    format!("#[belongs_to({})]\n", args.join(", "))
}

fn column_attr(c: &Column, field: &str, check: Option<&Check>) -> String {
    let mut args = Vec::new();
    if field.trim_start_matches("r#") != c.name {
        args.push(format!("name = {}", lit(&c.name)));
    }
    if let Some(n) = c.max_len {
        args.push(format!("max_len = {n}"));
    }
    if let Some(p) = c.precision {
        args.push(format!("precision = {p}"));
    }
    if let (Some(s), Some(_)) = (c.scale, c.precision) {
        args.push(format!("scale = {s}"));
    }
    if let Some(ck) = check {
        args.push(format!("check = {}", lit(&ck.expr)));
    }
    if let Some(t) = &c.sql_type {
        args.push(format!("sql_type = {}", lit(t)));
    }
    if args.is_empty() { String::new() } else { format!("#[column({})]\n", args.join(", ")) }
}

/// The field for a column (before making it unique in its struct), and
/// whether it needs `#[column(name = "...")]`.
fn field_name(c: &Column) -> (String, bool) {
    let field = if is_identifier(&c.field) { c.field.clone() } else { sanitize(&c.name) };
    let written = ident(&field);
    let column_of_field = written.trim_start_matches("r#").to_string();
    (written, column_of_field != c.name)
}

/// A column named in an attribute: as an identifier (`r#type` for a keyword).
fn column_ident(name: &str) -> String {
    if is_identifier(name) { ident(name) } else { sanitize(name) }
}

fn rust_type(c: &Column) -> String {
    // The front end's spelling, which it reads back as the same type.
    let inner = match &c.ty {
        ColumnType::Enum(name) => ident(name),
        ColumnType::Other(t) if syn::parse_str::<syn::Type>(t).is_err() => "String".into(),
        ty => describe(ty),
    };
    if c.nullable { format!("Option<{inner}>") } else { inner }
}

/// `///` lines (as `#[doc]` attributes; prettyplease prints them as `///`).
fn doc_attrs(doc: Option<&str>) -> String {
    let Some(doc) = doc else { return String::new() };
    doc.lines().map(|line| format!("#[doc = {}]\n", lit(&format!(" {line}")))).collect()
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A SQL string literal.
fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// `name` as an identifier: raw for a keyword (`r#type`); the four that
/// cannot be raw get a trailing `_`.
pub fn ident(name: &str) -> String {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => format!("{name}_"),
        n if KEYWORDS.contains(&n) => format!("r#{n}"),
        n => n.to_string(),
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

/// A snake_case identifier for any column name: `Order Date` -> `order_date`,
/// `2fa` -> `_2fa`.
pub fn sanitize(name: &str) -> String {
    let mut out = String::new();
    for c in naming::snake_case(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        None => "column".into(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;

//! Seed data from the schema: rows for every entity, in dependency order,
//! that load into a freshly migrated database with every constraint on.
//!
//! The generator reads the transformed [`Schema`] and nothing else:
//!
//! - **Foreign keys** point at rows generated earlier. A composite key
//!   (`(organization_id, project_id) -> projects (organization_id, id)`)
//!   copies *every* referenced column of one parent row, and a parent is
//!   only taken when it agrees with the columns the row already has, so the
//!   tenant columns always match. Nullable keys are sometimes NULL.
//! - **Tenants**: the `#[tenant]` entity gets [`SeedOptions::tenants`] rows; each
//!   `#[tenant_scoped]` entity gets [`SeedOptions::rows_per_tenant`] rows per
//!   tenant, and every row references only rows of its own tenant (also
//!   through single-column keys, and through polymorphic links).
//! - **Self-references** point at an earlier row of the same table (or are
//!   NULL), so they form trees, never cycles.
//! - **Uniques** (the primary key, single and composite unique indexes,
//!   partial ones treated as total) are unique; text is compared
//!   case-insensitively, as MySQL's collations do. A row that cannot be made
//!   unique after a few attempts (a junction whose pairs ran out) is skipped,
//!   so a table may get fewer rows than asked.
//! - **Checks** hold: each is parsed and evaluated on every candidate row
//!   (comparisons, `BETWEEN`, `IN`, `NOT`, `AND`, `OR`, `IS NULL`, `LIKE`,
//!   `length`, `lower`, `upper`, arithmetic, over one column or several:
//!   `ends_at > starts_at`), the values of the columns a failing check names
//!   are drawn again, and the ranges and sets a check spells out
//!   (`x BETWEEN 1 AND 5`, `x IN (...)`, `length(x) <= 80`, an `OR` of
//!   ranges) steer the draws. A table with a check the generator cannot
//!   evaluate (a regular expression, a subquery, an unknown function) is left
//!   empty, with the part it cannot evaluate and the columns to give
//!   `#[seed(values = [...])]` or `#[seed(range = a..b)]` (which vouch for
//!   the check); every other table is seeded.
//! - **Values** come from the column's name and type through the `fake`
//!   crate (emails, names, slugs, titles, URLs, phone numbers, IPs, user
//!   agents, MIME types, file names, money with the column's scale, dates
//!   around [`SeedOptions::now`], ...), cut to `max_len` on a character
//!   boundary. Enums draw from their values; literal defaults are used now and
//!   then; `created_at <= updated_at <= deleted_at <= now`; versions start at 1;
//!   [`SeedOptions::soft_deleted_percent`] of soft-delete rows are deleted.
//! - **Keys**: identity keys get explicit values `1..=n` (the SQL files then
//!   move Postgres sequences past them with `setval`; MySQL and SQLite move on
//!   by themselves); UUID keys come from the seeded RNG.
//! - **Deterministic**: each table has its own RNG seeded from
//!   [`SeedOptions::seed`] and the table name, so the same schema and seed give
//!   the same rows, byte for byte, and adding a table leaves the others alone.
//!
//! Rows stream: [`Generator::next_table`] yields one table's rows as an
//! iterator. Only the referenced key columns of tables that other tables
//! point at, and the values of tracked unique constraints, are kept in memory.
//!
//! ```
//! use tablewright_core::model::Schema;
//! use tablewright_core::seed::{Generator, SeedOptions};
//! let schema: Schema = serde_json::from_str(r#"{"enums": [], "entities": [{
//!     "name": "Note", "table": "notes", "traits": {},
//!     "columns": [
//!       {"name": "id", "field": "id", "type": {"kind": "i64"}, "nullable": false, "generated": "identity"},
//!       {"name": "title", "field": "title", "type": {"kind": "string"}, "nullable": false, "max_len": 20}],
//!     "primary_key": {"name": "pk_notes", "columns": ["id"]}}]}"#).unwrap();
//! let mut generator = Generator::new(&schema, &SeedOptions::default()).unwrap();
//! let table = generator.next_table().unwrap();
//! assert_eq!(table.entity().table, "notes");
//! let rows: Vec<_> = table.collect();
//! assert_eq!(rows.len(), 6);
//! assert!(rows.iter().all(|r| matches!(&r[1], tablewright_core::seed::Value::Text(t) if t.chars().count() <= 20)));
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::{RngExt, SeedableRng};

use crate::analysis::Analysis;
use crate::diagnostics::Diagnostic;
use crate::model::*;

mod checks;
mod links;
mod order;
pub mod render;
pub mod sql;
mod values;

pub use links::LinkUpdates;
pub use order::Skipped;

use checks::{Lit, Rules};
use values::{Ctx, Kind};

/// How much seed data to make, and from which seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedOptions {
    /// The RNG seed: same schema + same seed = same rows.
    pub seed: u64,
    /// Rows of the `#[tenant]` entity (unless it says `#[seed(count = N)]`).
    pub tenants: u32,
    /// Rows per tenant of each `#[tenant_scoped]` entity.
    pub rows_per_tenant: u32,
    /// Rows of each entity that is neither a tenant nor tenant-scoped.
    pub rows: u32,
    /// Percent of the rows of a `#[soft_delete]` entity that are deleted.
    pub soft_deleted_percent: u8,
    /// Percent of nullable values (and nullable foreign keys) left NULL.
    pub null_percent: u8,
    /// "Now" for timestamps and dates (UTC). Fixed, never the wall clock, so
    /// output is reproducible.
    pub now: NaiveDateTime,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            seed: 42,
            tenants: 2,
            rows_per_tenant: 4,
            rows: 6,
            soft_deleted_percent: 10,
            null_percent: 20,
            now: NaiveDate::from_ymd_opt(2025, 1, 15).and_then(|d| d.and_hms_opt(12, 0, 0)).unwrap_or_default(),
        }
    }
}

impl SeedOptions {
    /// Uses another RNG seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Row counts: tenants, rows per tenant for scoped entities, rows of the others.
    pub fn with_counts(mut self, tenants: u32, rows_per_tenant: u32, rows: u32) -> Self {
        self.tenants = tenants;
        self.rows_per_tenant = rows_per_tenant;
        self.rows = rows;
        self
    }

    /// The fixed "now" timestamps are generated around.
    pub fn with_now(mut self, now: NaiveDateTime) -> Self {
        self.now = now;
        self
    }
}

/// A value of one column of one generated row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A decimal as text with exactly the column's scale: `123.45`.
    Decimal(String),
    Text(String),
    Uuid(u128),
    Date(NaiveDate),
    /// A timestamp in UTC (rendered with `+00` for `DateTime<Utc>` columns on Postgres).
    DateTime(NaiveDateTime),
    Time(NaiveTime),
    /// JSON text.
    Json(String),
    Bytes(Vec<u8>),
    TextArray(Vec<String>),
}

impl Value {
    /// The comparison key for uniqueness and tenant matching: text compared
    /// case-insensitively and without trailing spaces (MySQL's collations).
    pub fn key_text(&self) -> String {
        match self {
            Value::Text(s) | Value::Json(s) => s.trim_end().to_lowercase(),
            Value::Uuid(u) => render::uuid_text(*u),
            other => render::copy_text_value(other, None),
        }
    }
}

/// A seed that cannot be generated: a check the generator cannot read, a
/// column type it cannot fill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedError {
    pub location: Location,
    pub message: String,
    pub help: String,
}

impl SeedError {
    /// As a build diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(&self.location, self.message.clone()).with_help(self.help.clone())
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}\n  help: {}", self.location, self.message, self.help)
    }
}

impl std::error::Error for SeedError {}

/// How a column is filled.
#[derive(Clone, Debug)]
enum Strategy {
    /// Set by a foreign key, the tenant or a polymorphic link; NULL if left unset.
    Linked,
    Identity,
    Cuid,
    Values(Vec<Value>),
    Range(i64, i64),
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
    OneOf(Vec<Value>),
    Null,
    Generate {
        kind: Kind,
        default: Option<Value>,
    },
}

struct ColumnPlan<'s> {
    column: &'s Column,
    strategy: Strategy,
    rules: Rules,
    cap: Option<usize>,
    unique: bool,
}

struct FkPlan {
    /// The foreign key's name.
    name: String,
    target: String,
    columns: Vec<usize>,
    target_columns: Vec<String>,
    self_ref: bool,
    same_tenant: bool,
    /// In membership mode, a key of a tenant-scoped row to the user entity:
    /// `(membership entity, its user column)`. Only the row's tenant's
    /// members are candidates.
    members_of: Option<(String, String)>,
    /// Its target is filled after this table (a cycle broken at this
    /// nullable key): NULL at insert, set by a link update (see `links`).
    later: bool,
}

struct PolyPlan {
    type_col: usize,
    id_col: usize,
    /// (target entity, stored value, key column, same tenant)
    targets: Vec<(String, String, String, bool)>,
}

#[derive(Clone, Copy, Debug)]
enum SlotKind {
    Count(u64),
    PerTenant(u64),
    PerParent { fk: usize, each: u64 },
}

struct TablePlan<'s> {
    entity: &'s Entity,
    columns: Vec<ColumnPlan<'s>>,
    /// The checks every row is tested against.
    checks: Vec<checks::Check>,
    fks: Vec<FkPlan>,
    polys: Vec<PolyPlan>,
    uniques: Vec<Vec<usize>>,
    tenant_col: Option<usize>,
    slots: SlotKind,
    /// Columns kept for the tables that reference this one.
    stored: Vec<String>,
    /// The stored column rows are bucketed by: the tenant column, or the key of the tenant itself.
    bucket: Option<String>,
}

/// The kept columns of a generated table, for the tables that reference it.
#[derive(Default)]
struct Store {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
    bucket: Option<usize>,
    buckets: HashMap<String, Vec<u32>>,
}

impl Store {
    fn position(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }
}

/// The streaming seed generator; see the module docs.
pub struct Generator<'s> {
    options: SeedOptions,
    plans: Vec<TablePlan<'s>>,
    next: usize,
    stores: HashMap<String, Store>,
    tenant: Option<(String, String)>,
    skipped: Vec<Skipped<'s>>,
}

const ATTEMPTS: u32 = 12;
/// How often one attempt at a row draws the columns of failing checks again.
const REDRAWS: u32 = 64;

impl<'s> Generator<'s> {
    /// Plans every table of the schema (the audit log aside: triggers fill it).
    /// Fails with every column or check it cannot fill.
    pub fn new(schema: &'s Schema, options: &SeedOptions) -> Result<Self, Vec<SeedError>> {
        let analysis = Analysis::new(schema);
        let mut errors = Vec::new();
        let tenant = schema.tenant();
        let tenant_key = tenant.and_then(|t| match t.primary_key.columns.as_slice() {
            [k] => Some((t.name.clone(), k.clone())),
            _ => None,
        });
        // Which columns of each entity are referenced (and so kept).
        // In membership mode a scoped row's user comes from the membership table,
        // so that table is filled first.
        let member = membership(schema).map(|(member, _)| member.name.as_str());
        let excluded: Vec<order::Excluded> = schema.entities.iter().filter_map(unevaluable).collect();
        let order = order::plan(schema, analysis.dependency_order().to_vec(), member, &excluded);
        let mut needed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // A table whose key is set later keeps its primary key for the updates.
        for (holder, _) in &order.later {
            if let Some(e) = schema.entity(holder) {
                needed.entry(holder.clone()).or_default().extend(e.primary_key.columns.iter().cloned());
            }
        }
        for e in &schema.entities {
            for fk in &e.foreign_keys {
                needed.entry(fk.target.clone()).or_default().extend(fk.target_columns.iter().cloned());
            }
            for link in &e.polymorphic {
                for t in &link.targets {
                    if let Some(target) = analysis.entity(&t.entity) {
                        needed.entry(t.entity.clone()).or_default().extend(target.primary_key.columns.iter().cloned());
                    }
                }
            }
        }
        if let Some((member, m)) = membership(schema) {
            needed.entry(member.name.clone()).or_default().push(m.user_column.clone());
        }
        let mut plans = Vec::new();
        for entity in order.tables.iter().copied() {
            if entity.traits.audit_log {
                continue;
            }
            let bucket = match (&entity.tenant_scope, &tenant_key) {
                (Some(scope), _) => Some(scope.column.clone()),
                (None, Some((name, key))) if *name == entity.name => Some(key.clone()),
                _ => None,
            };
            let mut stored = needed.get(&entity.name).cloned().unwrap_or_default();
            if !stored.is_empty()
                && let Some(b) = &bucket
            {
                stored.push(b.clone());
            }
            stored.sort();
            stored.dedup();
            match plan_table(&analysis, entity, options, tenant_key.as_ref(), stored, bucket, &order.later) {
                Ok(plan) => plans.push(plan),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Generator {
            options: options.clone(),
            plans,
            next: 0,
            stores: HashMap::new(),
            tenant: tenant_key,
            skipped: order.skipped,
        })
    }

    /// The tables the seed leaves empty, each with the reason (a cycle of
    /// NOT NULL keys, or a NOT NULL key to such a table).
    pub fn skipped(&self) -> &[Skipped<'s>] {
        &self.skipped
    }

    /// The tables that will be generated, in order: (entity, table).
    pub fn tables(&self) -> Vec<&'s Entity> {
        self.plans.iter().map(|p| p.entity).collect()
    }

    /// The next table's rows; `None` when every table is done. Consume (or
    /// drop) it before asking for the next: the tables after it reference its
    /// rows.
    pub fn next_table(&mut self) -> Option<TableRows<'_, 's>> {
        let index = self.next;
        if index >= self.plans.len() {
            return None;
        }
        self.next += 1;
        let plan = &self.plans[index];
        let own = Store {
            columns: plan.stored.clone(),
            bucket: plan.bucket.as_ref().and_then(|b| plan.stored.iter().position(|c| c == b)),
            ..Store::default()
        };
        let tenants: Vec<Value> = match (&self.tenant, plan.tenant_col) {
            (Some((name, key)), Some(_)) => match self.stores.get(name) {
                Some(store) => match store.position(key) {
                    Some(p) => store.rows.iter().map(|r| r[p].clone()).collect(),
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        let total = match plan.slots {
            SlotKind::Count(n) => n,
            SlotKind::PerTenant(each) => each * tenants.len() as u64,
            SlotKind::PerParent { fk, each } => {
                let f = &plan.fks[fk];
                let parents = if f.self_ref { 0 } else { self.stores.get(&f.target).map_or(0, |s| s.rows.len()) };
                each * parents as u64
            }
        };
        let uniques = plan.uniques.iter().map(|_| HashSet::new()).collect();
        let rng = ChaCha8Rng::seed_from_u64(self.options.seed ^ fnv(&plan.entity.table));
        Some(TableRows { generator: self, index, own, tenants, total, slot: 0, accepted: 0, uniques, rng })
    }
}

/// Why the seed leaves `entity` out: a check it cannot evaluate whose
/// columns have no `#[seed(...)]` override.
fn unevaluable(entity: &Entity) -> Option<order::Excluded> {
    let (_, _, unevaluable) = checks::rules(entity);
    let stuck: Vec<_> = unevaluable
        .into_iter()
        .filter(|u| {
            u.columns.is_empty() || !u.columns.iter().all(|c| entity.column(c).is_some_and(|c| !c.seed.is_empty()))
        })
        .collect();
    let first = stuck.first()?;
    let reason = stuck
        .iter()
        .map(|u| {
            format!("the seed generator cannot evaluate its check `{}` (`{}`): {}", u.check.name, u.check.expr, u.why)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let help = if first.columns.is_empty() {
        let all: Vec<String> = entity.columns.iter().map(|c| format!("`{}`", c.name)).collect();
        format!(
            "the check names none of the columns of `{}` ({}): write it over them, or use forms the generator \
             evaluates (comparisons, BETWEEN, IN, LIKE, length, lower, upper, arithmetic)",
            entity.table,
            all.join(", ")
        )
    } else {
        let fields: Vec<String> = first
            .columns
            .iter()
            .filter_map(|c| entity.column(c))
            .map(|c| {
                if c.field == c.name {
                    format!("`{}`", c.field)
                } else {
                    format!("`{}` (column `{}`)", c.field, c.name)
                }
            })
            .collect();
        format!(
            "give the columns it names values that pass it, with `#[seed(values = [...])]` or \
             `#[seed(range = a..b)]` on the field{} {}",
            if fields.len() > 1 { "s" } else { "" },
            fields.join(", ")
        )
    };
    Some(order::Excluded { entity: entity.name.clone(), reason, help })
}

/// The membership entity of a membership-mode tenant, and its declaration.
fn membership(schema: &Schema) -> Option<(&Entity, &crate::model::Membership)> {
    let m = schema.tenant()?.traits.membership.as_ref()?;
    Some((schema.entity(&m.entity)?, m))
}

/// FNV-1a: a stable hash of a table name (std's hashers are not stable across releases).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// One table's rows, generated lazily. Yields the values of
/// [`TableRows::columns`], in that order.
pub struct TableRows<'g, 's> {
    generator: &'g mut Generator<'s>,
    index: usize,
    own: Store,
    tenants: Vec<Value>,
    total: u64,
    slot: u64,
    accepted: u64,
    uniques: Vec<HashSet<String>>,
    rng: ChaCha8Rng,
}

impl<'s> TableRows<'_, 's> {
    /// The entity these rows belong to.
    pub fn entity(&self) -> &'s Entity {
        self.generator.plans[self.index].entity
    }

    /// The columns every row fills, in table order.
    pub fn columns(&self) -> Vec<&'s Column> {
        self.generator.plans[self.index].columns.iter().map(|c| c.column).collect()
    }

    /// How many rows are planned (a few may be skipped; see the module docs).
    pub fn planned(&self) -> u64 {
        self.total
    }

    /// The identity columns given explicit values, for resetting sequences.
    pub fn identity_columns(&self) -> Vec<&'s Column> {
        self.generator.plans[self.index]
            .columns
            .iter()
            .filter(|c| matches!(c.strategy, Strategy::Identity))
            .map(|c| c.column)
            .collect()
    }
}

impl Drop for TableRows<'_, '_> {
    fn drop(&mut self) {
        let name = self.generator.plans[self.index].entity.name.clone();
        if !self.own.columns.is_empty() {
            self.generator.stores.insert(name, std::mem::take(&mut self.own));
        }
    }
}

impl Iterator for TableRows<'_, '_> {
    type Item = Vec<Value>;

    fn next(&mut self) -> Option<Vec<Value>> {
        while self.slot < self.total {
            let slot = self.slot;
            self.slot += 1;
            for attempt in 0..ATTEMPTS {
                if let Some(row) = self.try_row(slot, attempt) {
                    self.accepted += 1;
                    return Some(row);
                }
            }
        }
        None
    }
}

impl TableRows<'_, '_> {
    fn store<'a>(&'a self, fk_target: &str, self_ref: bool) -> Option<&'a Store> {
        if self_ref { Some(&self.own) } else { self.generator.stores.get(fk_target) }
    }

    fn try_row(&mut self, slot: u64, attempt: u32) -> Option<Vec<Value>> {
        let plan = &self.generator.plans[self.index];
        let options = &self.generator.options;
        let n = plan.columns.len();
        let mut vals: Vec<Option<Value>> = vec![None; n];
        let mut tenant: Option<Value> = match plan.slots {
            SlotKind::PerTenant(each) => self.tenants.get((slot / each.max(1)) as usize).cloned(),
            _ => None,
        };
        // per_parent: the parent is fixed by the slot.
        if let SlotKind::PerParent { fk, each } = plan.slots {
            let f = &plan.fks[fk];
            let store = self.store(&f.target, f.self_ref)?;
            let parent = store.rows.get((slot / each.max(1)) as usize)?;
            if f.same_tenant {
                tenant = store.bucket.map(|b| parent[b].clone());
            }
            for (c, tc) in f.columns.iter().zip(&f.target_columns) {
                vals[*c] = Some(parent[store.position(tc)?].clone());
            }
        }
        if let Some(tc) = plan.tenant_col {
            if tenant.is_none() && !self.tenants.is_empty() {
                tenant = self.tenants.get(slot as usize % self.tenants.len()).cloned();
            }
            vals[tc] = Some(tenant.clone()?);
        }
        let tenant_key = tenant.as_ref().map(Value::key_text);
        let mut self_point: Option<&FkPlan> = None;
        // Foreign keys, tenant key first (plan order).
        for f in &plan.fks {
            let open: Vec<usize> = f.columns.iter().copied().filter(|c| vals[*c].is_none()).collect();
            if open.is_empty() {
                continue;
            }
            let nullable = open.iter().all(|c| plan.columns[*c].column.nullable);
            if f.later {
                // Set by a link update once the target's rows exist.
                for c in open {
                    vals[c] = Some(Value::Null);
                }
                continue;
            }
            if f.self_ref && !nullable && self.own.rows.is_empty() {
                // The first row of a required self-reference points at itself
                // (the key is checked at the end of the statement); the key
                // is copied in once the row's own key is made.
                for c in open {
                    vals[c] = Some(Value::Null);
                }
                self_point = Some(f);
                continue;
            }
            let null_chance = if f.self_ref { 40 } else { options.null_percent as u32 };
            if nullable && self.rng.random_range(0..100u32) < null_chance {
                for c in open {
                    vals[c] = Some(Value::Null);
                }
                continue;
            }
            if let Some((member, user_column)) = &f.members_of
                && let (Some(key), [column]) = (tenant_key.as_deref(), f.columns.as_slice())
            {
                // A user of this row's tenant: one of its members.
                let store = self.generator.stores.get(member)?;
                let position = store.position(user_column)?;
                let members = candidates(store, Some(key));
                vals[*column] = Some(match members.is_empty() {
                    true if nullable => Value::Null,
                    true => return None,
                    false => store.rows[members[self.rng.random_range(0..members.len())] as usize][position].clone(),
                });
                continue;
            }
            let store = if f.self_ref { Some(&self.own) } else { self.generator.stores.get(&f.target) };
            let picked = store.and_then(|s| {
                pick(
                    s,
                    &f.columns,
                    &f.target_columns,
                    &vals,
                    f.same_tenant.then_some(tenant_key.as_deref()).flatten(),
                    &mut self.rng,
                )
                .map(|row| (s, row))
            });
            match picked {
                Some((s, row)) => {
                    for (c, tc) in f.columns.iter().zip(&f.target_columns) {
                        vals[*c] = Some(s.rows[row][s.position(tc)?].clone());
                    }
                }
                None if nullable => {
                    for c in open {
                        vals[c] = Some(Value::Null);
                    }
                }
                None => return None,
            }
        }
        // Polymorphic links: an existing row of one of the targets, same tenant.
        for p in &plan.polys {
            if vals[p.id_col].is_some() {
                continue;
            }
            let nullable = plan.columns[p.id_col].column.nullable && plan.columns[p.type_col].column.nullable;
            if nullable && self.rng.random_range(0..100u32) < options.null_percent as u32 {
                vals[p.id_col] = Some(Value::Null);
                vals[p.type_col] = Some(Value::Null);
                continue;
            }
            let start = self.rng.random_range(0..p.targets.len().max(1));
            let mut done = false;
            for k in 0..p.targets.len() {
                let (entity, value, key, same) = &p.targets[(start + k) % p.targets.len()];
                let Some(store) = self.generator.stores.get(entity) else { continue };
                let Some(kp) = store.position(key) else { continue };
                let bucket = if *same { tenant_key.as_deref() } else { None };
                let candidates = candidates(store, bucket);
                if candidates.is_empty() {
                    continue;
                }
                let row = candidates[self.rng.random_range(0..candidates.len())];
                vals[p.id_col] = Some(store.rows[row as usize][kp].clone());
                vals[p.type_col] = Some(Value::Text(value.clone()));
                done = true;
                break;
            }
            if !done {
                if !nullable {
                    return None;
                }
                vals[p.id_col] = Some(Value::Null);
                vals[p.type_col] = Some(Value::Null);
            }
        }
        // Everything else.
        let now = options.now;
        let created = values::days_before(now, &mut self.rng, 365);
        let updated = created + Duration::seconds(self.rng.random_range(0..=(now - created).num_seconds().max(0)));
        let deleted = updated + Duration::seconds(self.rng.random_range(0..=(now - updated).num_seconds().max(0)));
        let row_no = self.accepted;
        let mut out = Vec::with_capacity(n);
        // Columns a failing check may draw again: not keys, links or times.
        let mut redrawable = vec![false; n];
        for (i, cp) in plan.columns.iter().enumerate() {
            if let Some(v) = vals[i].take() {
                out.push(v);
                continue;
            }
            let times = [created, updated, deleted];
            out.push(draw(cp, &mut self.rng, options, now, times, row_no, attempt)?);
            redrawable[i] = cp.strategy.redrawable();
        }
        if let Some(f) = self_point {
            for (c, tc) in f.columns.iter().zip(&f.target_columns) {
                let own = plan.columns.iter().position(|cp| cp.column.name == *tc)?;
                out[*c] = out[own].clone();
            }
        }
        // Checks: generate and test, drawing the columns of a failing check again.
        let mut redraws = 0;
        loop {
            let row = &out;
            let value = |name: &str| plan.columns.iter().position(|cp| cp.column.name == name).map(|i| &row[i]);
            let failing: Vec<&checks::Check> = plan.checks.iter().filter(|c| !c.holds(plan.entity, &value)).collect();
            if failing.is_empty() {
                break;
            }
            if redraws == REDRAWS {
                return None;
            }
            redraws += 1;
            let columns: Vec<usize> = failing
                .iter()
                .flat_map(|c| &c.columns)
                .filter_map(|name| plan.columns.iter().position(|cp| cp.column.name == *name))
                .filter(|i| redrawable[*i])
                .collect();
            if columns.is_empty() {
                return None;
            }
            for i in columns {
                out[i] =
                    draw(&plan.columns[i], &mut self.rng, options, now, [created, updated, deleted], row_no, attempt)?;
            }
        }
        // Uniques: check all, then record.
        let mut keys = Vec::with_capacity(plan.uniques.len());
        for (u, cols) in plan.uniques.iter().enumerate() {
            if cols.iter().any(|c| out[*c] == Value::Null) {
                keys.push(None);
                continue;
            }
            let key: Vec<String> = cols.iter().map(|c| out[*c].key_text()).collect();
            let key = key.join("\u{1f}");
            if self.uniques[u].contains(&key) {
                return None;
            }
            keys.push(Some(key));
        }
        for (u, key) in keys.into_iter().enumerate() {
            if let Some(k) = key {
                self.uniques[u].insert(k);
            }
        }
        if !self.own.columns.is_empty() {
            let kept: Vec<Value> = self
                .own
                .columns
                .iter()
                .map(|c| {
                    plan.columns.iter().position(|cp| cp.column.name == *c).map_or(Value::Null, |p| out[p].clone())
                })
                .collect();
            let index = self.own.rows.len() as u32;
            if let Some(b) = self.own.bucket {
                self.own.buckets.entry(kept[b].key_text()).or_default().push(index);
            }
            self.own.rows.push(kept);
        }
        Some(out)
    }
}

/// A value for a column the row's links did not set; `None` when the row
/// cannot be made (a required link with no target).
fn draw(
    cp: &ColumnPlan<'_>,
    rng: &mut ChaCha8Rng,
    options: &SeedOptions,
    now: NaiveDateTime,
    [created, updated, deleted]: [NaiveDateTime; 3],
    row_no: u64,
    attempt: u32,
) -> Option<Value> {
    let col = cp.column;
    let v = match &cp.strategy {
        Strategy::Linked if col.nullable => Value::Null,
        Strategy::Linked => return None,
        Strategy::Identity => Value::Int(row_no as i64 + 1),
        Strategy::Cuid => {
            let mut s = String::from("c");
            for _ in 0..24 {
                s.push(char::from_digit(rng.random_range(0..36u32), 36).unwrap_or('0'));
            }
            Value::Text(s)
        }
        Strategy::Values(vs) | Strategy::OneOf(vs) => vs[rng.random_range(0..vs.len())].clone(),
        Strategy::Range(lo, hi) => {
            let x = if hi > lo { rng.random_range(*lo..=*hi) } else { *lo };
            number_value(x as f64, col)
        }
        Strategy::CreatedAt => Value::DateTime(created),
        Strategy::UpdatedAt => Value::DateTime(updated),
        Strategy::DeletedAt => {
            if rng.random_range(0..100u32) < options.soft_deleted_percent as u32 {
                Value::DateTime(deleted)
            } else {
                Value::Null
            }
        }
        Strategy::Version => Value::Int(*[1, 1, 1, 2, 3].get(rng.random_range(0..5usize)).unwrap_or(&1)),
        Strategy::Null => Value::Null,
        Strategy::Generate { kind, default } => {
            if col.nullable && !cp.rules.not_null && rng.random_range(0..100u32) < options.null_percent as u32 {
                Value::Null
            } else if let Some(d) = default.as_ref().filter(|_| !cp.unique && rng.random_range(0..4u32) == 0) {
                d.clone()
            } else {
                let raw = values::generate(kind, col, &mut Ctx { rng, now });
                let raw = if cp.unique && attempt >= 2 { uniquify(raw, row_no, attempt, cp.cap) } else { raw };
                // An OR of ranges: one alternative per draw.
                let rules = match cp.rules.any_of.len() {
                    0 => std::borrow::Cow::Borrowed(&cp.rules),
                    k => std::borrow::Cow::Owned(cp.rules.merged(&cp.rules.any_of[rng.random_range(0..k)])),
                };
                values::conform(raw, col, &rules, cp.cap, rng)
            }
        }
    };
    Some(v)
}

impl Strategy {
    /// Whether a failing check may draw this column again.
    fn redrawable(&self) -> bool {
        matches!(self, Strategy::Values(_) | Strategy::OneOf(_) | Strategy::Range(..) | Strategy::Generate { .. })
    }
}

/// The candidate parent rows: a tenant's bucket or every row.
fn candidates<'a>(store: &'a Store, bucket: Option<&str>) -> std::borrow::Cow<'a, [u32]> {
    match (bucket, store.bucket) {
        (Some(key), Some(_)) => std::borrow::Cow::Borrowed(store.buckets.get(key).map_or(&[][..], |v| v.as_slice())),
        _ => std::borrow::Cow::Owned((0..store.rows.len() as u32).collect()),
    }
}

/// A parent row agreeing with the row's already-set key columns.
fn pick(
    store: &Store,
    columns: &[usize],
    target_columns: &[String],
    vals: &[Option<Value>],
    bucket: Option<&str>,
    rng: &mut ChaCha8Rng,
) -> Option<usize> {
    let fixed: Vec<(usize, String)> = columns
        .iter()
        .zip(target_columns)
        .filter_map(|(c, tc)| Some((store.position(tc)?, vals[*c].as_ref()?.key_text())))
        .collect();
    let agrees = |row: usize| fixed.iter().all(|(p, k)| store.rows[row][*p].key_text() == *k);
    let n = match (bucket, store.bucket) {
        (Some(key), Some(_)) => store.buckets.get(key).map_or(0, Vec::len),
        _ => store.rows.len(),
    };
    if n == 0 {
        return None;
    }
    let at = |i: usize| -> usize {
        match (bucket, store.bucket) {
            (Some(key), Some(_)) => store.buckets.get(key).map_or(0, |v| v[i] as usize),
            _ => i,
        }
    };
    for _ in 0..8 {
        let row = at(rng.random_range(0..n));
        if agrees(row) {
            return Some(row);
        }
    }
    let start = rng.random_range(0..n);
    (0..n.min(10_000)).map(|k| at((start + k) % n)).find(|r| agrees(*r))
}

/// Makes a text value distinct on a retry: `base-<row><attempt>`, cut to fit.
fn uniquify(value: Value, row: u64, attempt: u32, cap: Option<usize>) -> Value {
    match value {
        Value::Text(s) => {
            let suffix = format!("-{row}{attempt}");
            let room = cap.map_or(usize::MAX, |c| c.saturating_sub(suffix.len()));
            Value::Text(format!("{}{suffix}", values::truncate(&s, room)))
        }
        Value::Int(i) => Value::Int(i.wrapping_add(row as i64 * 7919 + attempt as i64)),
        other => other,
    }
}

/// A whole number as a value of the column's type.
fn number_value(x: f64, column: &Column) -> Value {
    match column.ty {
        ColumnType::Decimal => values::decimal(x, column),
        ColumnType::F32 | ColumnType::F64 => Value::Float(x),
        ColumnType::String => Value::Text(format!("{x}")),
        _ => Value::Int(x as i64),
    }
}

fn literal_value(lit: &SeedLiteral, column: &Column) -> Value {
    match lit {
        SeedLiteral::Bool(b) => match column.ty {
            ColumnType::Bool => Value::Bool(*b),
            _ => Value::Text(b.to_string()),
        },
        SeedLiteral::Int(i) => match column.ty {
            ColumnType::String | ColumnType::Enum(_) => Value::Text(i.to_string()),
            _ => number_value(*i as f64, column),
        },
        SeedLiteral::Float(f) => match column.ty {
            ColumnType::String | ColumnType::Enum(_) => Value::Text(f.clone()),
            _ => number_value(f.parse().unwrap_or(0.0), column),
        },
        SeedLiteral::String(s) => match column.ty {
            ColumnType::Bool if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                Value::Bool(s.eq_ignore_ascii_case("true"))
            }
            _ => Value::Text(s.clone()),
        },
    }
}

fn default_value(d: &DefaultValue, column: &Column) -> Option<Value> {
    Some(match d {
        DefaultValue::Bool(b) => literal_value(&SeedLiteral::Bool(*b), column),
        DefaultValue::Int(i) => literal_value(&SeedLiteral::Int(*i), column),
        DefaultValue::Float(f) => literal_value(&SeedLiteral::Float(f.clone()), column),
        DefaultValue::String(s) | DefaultValue::EnumValue(s) => Value::Text(s.clone()),
        DefaultValue::Now | DefaultValue::Sql(_) => return None,
    })
}

fn plan_table<'s>(
    analysis: &Analysis<'s>,
    entity: &'s Entity,
    options: &SeedOptions,
    tenant_key: Option<&(String, String)>,
    stored: Vec<String>,
    bucket: Option<String>,
    later: &std::collections::BTreeSet<(String, String)>,
) -> Result<TablePlan<'s>, Vec<SeedError>> {
    let mut errors = Vec::new();
    // Checks it cannot evaluate were vouched for by `#[seed(...)]` (or the
    // table was left out before planning): only the others are tested.
    let (mut rules, checks, _) = checks::rules(entity);
    let tenant_col_name = entity.tenant_scope.as_ref().map(|s| s.column.clone());
    // Userstamps are the database's to fill from the session's user: a seed
    // (loaded without one) leaves them NULL.
    let seeded_keys = || entity.foreign_keys.iter().filter(|f| f.origin != ColumnOrigin::Userstamps);
    let linked: HashSet<&str> = seeded_keys()
        .flat_map(|f| f.columns.iter().map(String::as_str))
        .chain(entity.polymorphic.iter().flat_map(|p| [p.id_column.as_str(), p.type_column.as_str()]))
        .chain(tenant_col_name.as_deref())
        .collect();
    let mut uniques: Vec<Vec<String>> = vec![entity.primary_key.columns.clone()];
    for i in entity.indexes.iter().filter(|i| i.unique) {
        uniques.push(i.columns.iter().map(|c| c.name.clone()).collect());
    }
    let keyed: HashSet<&str> = entity
        .indexes
        .iter()
        .flat_map(|i| i.columns.iter().map(|c| c.name.as_str()))
        .chain(entity.primary_key.columns.iter().map(String::as_str))
        .chain(linked.iter().copied())
        .collect();
    let mut columns = Vec::new();
    for col in &entity.columns {
        let r = rules.remove(&col.name).unwrap_or_default();
        let strategy = if col.origin == ColumnOrigin::Userstamps {
            Strategy::Null
        } else if linked.contains(col.name.as_str()) {
            Strategy::Linked
        } else if col.generated == Generated::Identity {
            Strategy::Identity
        } else if !col.seed.values.is_empty() {
            Strategy::Values(col.seed.values.iter().map(|l| literal_value(l, col)).collect())
        } else if let Some(range) = &col.seed.range {
            let end = if range.inclusive { range.end } else { range.end - 1 };
            Strategy::Range(range.start, end.max(range.start))
        } else if col.generated == Generated::Cuid {
            Strategy::Cuid
        } else if is_time(col)
            && (col.origin == ColumnOrigin::Timestamps || col.name == "created_at" || col.name == "updated_at")
        {
            if col.name == "updated_at" { Strategy::UpdatedAt } else { Strategy::CreatedAt }
        } else if is_time(col) && (col.origin == ColumnOrigin::SoftDelete || col.name == "deleted_at") && col.nullable {
            Strategy::DeletedAt
        } else if col.origin == ColumnOrigin::Versioned {
            Strategy::Version
        } else if let Some(lits) = &r.one_of {
            Strategy::OneOf(
                lits.iter()
                    .map(|l| match l {
                        Lit::Str(s) => Value::Text(s.clone()),
                        Lit::Num(n) => literal_value(&SeedLiteral::Float(n.clone()), col),
                    })
                    .collect(),
            )
        } else if let ColumnType::Enum(name) = &col.ty {
            match analysis.enum_type(name) {
                Some(e) if !e.variants.is_empty() => {
                    Strategy::OneOf(e.variants.iter().map(|v| Value::Text(v.value.clone())).collect())
                }
                _ => {
                    errors.push(SeedError {
                        location: col.location.clone(),
                        message: format!("`{}.{}` uses the enum `{name}`, which has no values", entity.name, col.field),
                        help: format!("give `{name}` variants, or the field `#[seed(values = [...])]`"),
                    });
                    Strategy::Null
                }
            }
        } else if matches!(col.ty, ColumnType::Other(_)) {
            if col.nullable {
                Strategy::Null
            } else {
                errors.push(SeedError {
                    location: col.location.clone(),
                    message: format!(
                        "the seed generator cannot make values for `{}.{}` (Rust type `{}`, SQL type `{}`)",
                        entity.name,
                        col.field,
                        match &col.ty {
                            ColumnType::Other(t) => t.as_str(),
                            _ => "?",
                        },
                        col.sql_type.as_deref().unwrap_or("?")
                    ),
                    help: format!("add `#[seed(values = [...])]` to the field `{}`", col.field),
                });
                Strategy::Null
            }
        } else {
            Strategy::Generate {
                kind: values::kind_for(col, &entity.name),
                default: col.default.as_ref().and_then(|d| default_value(d, col)),
            }
        };
        let cap = match (&col.ty, col.max_len) {
            (_, Some(n)) => Some(n as usize),
            (ColumnType::String, None) if keyed.contains(col.name.as_str()) => {
                Some(crate::types::MYSQL_KEYED_VARCHAR as usize)
            }
            _ => None,
        };
        let unique = uniques.iter().any(|u| u.contains(&col.name));
        columns.push(ColumnPlan { column: col, strategy, rules: r, cap, unique });
    }
    let index_of = |name: &str| columns.iter().position(|c: &ColumnPlan<'_>| c.column.name == name);
    let tenant_col = tenant_col_name.as_deref().and_then(index_of);
    let tenant_entity = entity.tenant_scope.as_ref().map(|s| s.tenant.as_str());
    let same_tenant = |target: &str| -> bool {
        let Some(te) = tenant_entity else { return false };
        target == te || analysis.entity(target).and_then(|t| t.tenant_scope.as_ref()).is_some_and(|s| s.tenant == te)
    };
    // Membership mode: a scoped row's user is a member of the row's tenant
    // (the membership table itself says who is).
    let members_of = |target: &str| -> Option<(String, String)> {
        let (member, m) = membership(analysis.schema())?;
        let user_fk = member.foreign_keys.iter().find(|fk| fk.columns.last() == Some(&m.user_column))?;
        let scoped = entity.tenant_scope.is_some() && !entity.traits.tenant;
        (scoped && member.name != entity.name && user_fk.target == target)
            .then(|| (member.name.clone(), m.user_column.clone()))
    };
    let mut fks: Vec<FkPlan> = seeded_keys()
        .filter_map(|f| {
            Some(FkPlan {
                name: f.name.clone(),
                target: f.target.clone(),
                columns: f.columns.iter().map(|c| index_of(c)).collect::<Option<Vec<_>>>()?,
                target_columns: f.target_columns.clone(),
                self_ref: f.target == entity.name,
                same_tenant: same_tenant(&f.target),
                members_of: members_of(&f.target),
                later: later.contains(&(entity.name.clone(), f.name.clone())),
            })
        })
        .collect();
    // The tenant key first, so every other key is picked within the tenant.
    fks.sort_by_key(|f| !(tenant_col.is_some() && f.columns == [tenant_col.unwrap_or(usize::MAX)]));
    let polys = entity
        .polymorphic
        .iter()
        .filter_map(|p| {
            Some(PolyPlan {
                type_col: index_of(&p.type_column)?,
                id_col: index_of(&p.id_column)?,
                targets: p
                    .targets
                    .iter()
                    .filter_map(|t| {
                        let target = analysis.entity(&t.entity)?;
                        let [key] = target.primary_key.columns.as_slice() else { return None };
                        Some((t.entity.clone(), t.value.clone(), key.clone(), same_tenant(&t.entity)))
                    })
                    .collect(),
            })
        })
        .collect();
    // Unique by construction (identity, random UUIDs, cuids): not tracked, so memory stays flat.
    let by_construction = |c: &ColumnPlan<'_>| {
        matches!(c.strategy, Strategy::Identity | Strategy::Cuid)
            || matches!(&c.strategy, Strategy::Generate { kind: Kind::Uuid, .. })
    };
    let uniques: Vec<Vec<usize>> = uniques
        .into_iter()
        .filter_map(|u| u.iter().map(|c| index_of(c)).collect::<Option<Vec<_>>>())
        .filter(|u| !u.is_empty() && !u.iter().any(|c| by_construction(&columns[*c])))
        .collect();
    let is_tenant = tenant_key.is_some_and(|(n, _)| *n == entity.name);
    let count = |default: u32| u64::from(entity.seed.count.unwrap_or(default));
    let slots = if let Some(each) = entity.seed.per_parent {
        let parent = fks
            .iter()
            .position(|f| !f.self_ref && Some(f.columns.as_slice()) != tenant_col.map(|t| vec![t]).as_deref());
        match parent {
            Some(fk) => SlotKind::PerParent { fk, each: u64::from(each) },
            None => {
                errors.push(SeedError {
                    location: entity.location.clone(),
                    message: format!(
                        "`#[seed(per_parent = {each})]` on `{}`, which references no other entity",
                        entity.name
                    ),
                    help: "use `#[seed(count = N)]`, or give the entity a `#[belongs_to(...)]`".to_string(),
                });
                SlotKind::Count(0)
            }
        }
    } else if is_tenant {
        SlotKind::Count(count(options.tenants))
    } else if tenant_col.is_some() {
        SlotKind::PerTenant(count(options.rows_per_tenant))
    } else {
        SlotKind::Count(count(options.rows))
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(TablePlan { entity, columns, checks, fks, polys, uniques, tenant_col, slots, stored, bucket })
}

fn is_time(c: &Column) -> bool {
    matches!(c.ty, ColumnType::DateTimeUtc | ColumnType::NaiveDateTime)
}

/// Every table's rows in memory, for small seeds (the SQL files):
/// `(entity, columns, rows)` in load order.
pub type TableData<'s> = (&'s Entity, Vec<&'s Column>, Vec<Vec<Value>>);

/// Generates every table into memory. For big seeds stream with [`Generator`].
pub fn generate_all<'s>(schema: &'s Schema, options: &SeedOptions) -> Result<Vec<TableData<'s>>, Vec<SeedError>> {
    let mut generator = Generator::new(schema, options)?;
    Ok(generator.all_tables())
}

impl<'s> Generator<'s> {
    /// Every remaining table's rows, in memory; [`Generator::links`] may follow.
    pub fn all_tables(&mut self) -> Vec<TableData<'s>> {
        let mut out = Vec::new();
        while let Some(table) = self.next_table() {
            let entity = table.entity();
            let columns = table.columns();
            let rows: Vec<Vec<Value>> = table.collect();
            out.push((entity, columns, rows));
        }
        out
    }
}

#[cfg(all(test, feature = "frontend"))]
mod tests;

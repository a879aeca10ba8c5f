//! The schema model: plain, owned data, free of syntax types.
//!
//! The front end builds it from Rust source, the cross-cutting transforms
//! ([`crate::transform`]) complete it, and every emitter reads it and nothing
//! else. It serializes to JSON as the migration snapshot, so field order and
//! the order of every list are part of the output and must be deterministic.
//!
//! Source locations ([`Location`]) are kept for diagnostics but never
//! serialized: moving a struct down a file must not change the snapshot.

use serde::{Deserialize, Serialize};

/// Where an item came from, for `path:line:col: message` diagnostics.
///
/// Lines and columns are 1-based, as editors and rustc print them.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A whole schema: every entity and enum of a crate.
///
/// After [`Schema::normalize`], entities are sorted by table name and enums by
/// SQL name, so the declaration order in the source does not leak into output.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub enums: Vec<EnumType>,
    pub entities: Vec<Entity>,
}

/// A `#[db_enum]`: a closed set of string values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumType {
    /// The Rust name, e.g. `TaskStatus`.
    pub name: String,
    /// The SQL type name on Postgres, snake_case: `task_status`.
    pub sql_name: String,
    pub variants: Vec<EnumVariant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumVariant {
    /// The Rust variant, e.g. `InProgress`.
    pub name: String,
    /// The stored value, snake_case: `in_progress`.
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// One table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The Rust struct name, e.g. `TaskLabel`.
    pub name: String,
    /// The table name, e.g. `task_labels`.
    pub table: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Columns in table order: declared fields in source order, with the
    /// columns a cross-cutting attribute adds placed by [`crate::transform`].
    pub columns: Vec<Column>,
    pub primary_key: PrimaryKey,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Every index, unique ones included (`#[unique]`, `#[unique(a, b)]` and
    /// `#[index(..., unique)]` all become unique indexes, so a soft-delete
    /// entity can make them partial uniformly).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    pub traits: EntityTraits,
    /// Set on `#[tenant_scoped]` entities once the tenant is resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_scope: Option<TenantScope>,
    /// Set on `#[many_to_many(A, B)]` junctions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub junction: Option<Junction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub polymorphic: Vec<Polymorphic>,
    /// `#[allow_lint(rule, ...)]` on the struct: schema-review rules
    /// ([`crate::lint`]) silenced for this entity. Never serialized: silencing
    /// a lint is not a schema change.
    #[serde(skip)]
    pub allowed_lints: Vec<String>,
    /// `#[seed(count = N)]` / `#[seed(per_parent = N)]`: how many rows the
    /// seed generator ([`crate::seed`]) makes for this entity.
    #[serde(default, skip_serializing_if = "EntitySeed::is_empty")]
    pub seed: EntitySeed,
    #[serde(skip)]
    pub location: Location,
}

/// `#[seed(...)]` on an entity: row counts for the seed generator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySeed {
    /// `count = N`: rows per tenant for a `#[tenant_scoped]` entity, rows in
    /// all otherwise (for the `#[tenant]` entity: the number of tenants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// `per_parent = N`: N rows for each row of the entity's first
    /// `#[belongs_to]` target (a junction: its left side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_parent: Option<u32>,
}

impl EntitySeed {
    pub fn is_empty(&self) -> bool {
        self.count.is_none() && self.per_parent.is_none()
    }
}

/// `#[seed(...)]` on a field: the values the seed generator draws from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSeed {
    /// `values = ["a", "b", 3, true]`: one of these, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<SeedLiteral>,
    /// `range = 1..100` (or `1..=100`): a whole number in the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<SeedRange>,
}

impl ColumnSeed {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.range.is_none()
    }
}

/// One literal of `#[seed(values = [...])]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum SeedLiteral {
    Bool(bool),
    Int(i64),
    /// Kept as written, like [`DefaultValue::Float`].
    Float(String),
    String(String),
}

/// `#[seed(range = a..b)]` / `a..=b`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRange {
    pub start: i64,
    pub end: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inclusive: bool,
}

/// The cross-cutting attributes written on an entity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityTraits {
    /// `#[tenant]`: this entity is the tenant root.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tenant: bool,
    /// `#[tenant_scoped]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tenant_scoped: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub soft_delete: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub timestamps: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub audited: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub versioned: bool,
    /// The `audit_logs` table that `#[audited]` entities write to: added by
    /// the transforms, append-only for the application role.
    #[serde(default, skip_serializing_if = "is_false")]
    pub audit_log: bool,
    /// `#[tenant(membership = ..., role = ..., admin_roles = [...])]` on the
    /// tenant: access goes through a membership table (row-level security's
    /// membership mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
}

/// The membership table of a tenant in membership mode: a user (the
/// `app.user_id` setting) sees the rows of every tenant they are a member of,
/// and only members whose role is one of `admin_roles` may delete.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The membership entity's Rust name, e.g. `OrganizationMember`.
    pub entity: String,
    /// Its column holding the member's user key, e.g. `user_id`.
    pub user_column: String,
    /// Its column holding the member's role, e.g. `role`.
    pub role_column: String,
    /// The stored role values allowed to delete, e.g. `owner`, `admin`.
    pub admin_roles: Vec<String>,
    /// Where `#[tenant(membership = ...)]` was written, for diagnostics.
    #[serde(skip)]
    pub location: Location,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How a `#[tenant_scoped]` entity points at its tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantScope {
    /// The tenant entity's Rust name, e.g. `Organization`.
    pub tenant: String,
    /// The tenant key column, named after the tenant: `organization_id`.
    pub column: String,
}

/// A `#[many_to_many(A, B)]` junction: its two sides, by entity name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Junction {
    pub left: String,
    pub right: String,
}

/// A `#[polymorphic(A, B)]` link: `type_column` names the target entity,
/// `id_column` holds its key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Polymorphic {
    pub id_column: String,
    pub type_column: String,
    pub targets: Vec<PolymorphicTarget>,
    /// What deleting a target row does to the rows pointing at it
    /// (`#[polymorphic(A, B, on_delete = restrict)]`); enforced by triggers.
    #[serde(default, skip_serializing_if = "PolymorphicAction::is_cascade")]
    pub on_delete: PolymorphicAction,
}

/// `on_delete` of a `#[polymorphic(...)]` link.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolymorphicAction {
    /// Delete the pointing rows with the target (the default, like a junction's keys).
    #[default]
    Cascade,
    /// Refuse to delete a target that rows still point at.
    Restrict,
}

impl PolymorphicAction {
    pub fn is_cascade(&self) -> bool {
        matches!(self, PolymorphicAction::Cascade)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolymorphicTarget {
    /// The target entity's Rust name, e.g. `Comment`.
    pub entity: String,
    /// The value stored in the type column: snake_case of the name, `comment`.
    pub value: String,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The SQL column name.
    pub name: String,
    /// The Rust field that holds it.
    pub field: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// How the database fills the key when the insert leaves it out.
    #[serde(default, skip_serializing_if = "Generated::is_none")]
    pub generated: Generated,
    /// `#[column(max_len = N)]`: VARCHAR(N) instead of TEXT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    /// `#[column(precision = P, scale = S)]` for decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// `#[column(sql_type = "...")]`: used verbatim on every dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Which attribute put this column here.
    #[serde(default, skip_serializing_if = "ColumnOrigin::is_declared")]
    pub origin: ColumnOrigin,
    /// `#[allow_lint(rule, ...)]` on the field: schema-review rules silenced
    /// for this column. Never serialized.
    #[serde(skip)]
    pub allowed_lints: Vec<String>,
    /// `#[seed(values = [...])]` / `#[seed(range = a..b)]`: what the seed
    /// generator puts in this column.
    #[serde(default, skip_serializing_if = "ColumnSeed::is_empty")]
    pub seed: ColumnSeed,
    #[serde(skip)]
    pub location: Location,
}

/// The Rust types the DSL maps to columns. The per-dialect, TypeScript and
/// Python mappings live in [`crate::types`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum ColumnType {
    String,
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
    Uuid,
    /// `DateTime<Utc>`: timestamp with time zone.
    DateTimeUtc,
    /// `NaiveDateTime`: timestamp without time zone.
    NaiveDateTime,
    NaiveDate,
    NaiveTime,
    Json,
    Decimal,
    /// `Vec<u8>`.
    Bytes,
    /// `Vec<String>`: a Postgres `text[]`.
    StringArray,
    /// A `#[db_enum]`, by Rust name.
    Enum(String),
    /// Any other Rust type, allowed only with `#[column(sql_type = "...")]`;
    /// holds the Rust type as written.
    Other(String),
}

/// `#[default(...)]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    /// Kept as written (`0.0`, `1.5e3`) so output never depends on float printing.
    Float(String),
    String(String),
    /// `#[default(TaskStatus::Todo)]`: the stored value, `todo`.
    EnumValue(String),
    /// `#[default(now)]`: the current timestamp.
    Now,
    /// `#[default(sql = "...")]`: a raw SQL expression, used verbatim.
    Sql(String),
}

/// How a key column is generated when an insert leaves it out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generated {
    #[default]
    None,
    /// `#[id(auto)]`: an identity / auto-increment integer.
    Identity,
    /// `#[id]` on a `Uuid`: `gen_random_uuid()` where the dialect has it.
    RandomUuid,
    /// `#[id(cuid)]` on a `String`: generated by the application.
    Cuid,
}

impl Generated {
    pub fn is_none(&self) -> bool {
        matches!(self, Generated::None)
    }
}

/// Which attribute added a column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnOrigin {
    /// A field the user wrote.
    #[default]
    Declared,
    /// `#[tenant_scoped]`: the tenant key.
    Tenant,
    /// `#[soft_delete]`: `deleted_at`.
    SoftDelete,
    /// `#[timestamps]`: `created_at`, `updated_at`.
    Timestamps,
    /// `#[versioned]`: `version`.
    Versioned,
    /// `#[polymorphic(...)]`: the `entity_type` column.
    Polymorphic,
}

impl ColumnOrigin {
    pub fn is_declared(&self) -> bool {
        matches!(self, ColumnOrigin::Declared)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Usually `pk_<table>`.
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// `fk_<table>_<columns>`; see [`crate::naming`].
    pub name: String,
    pub columns: Vec<String>,
    /// The target entity's Rust name.
    pub target: String,
    pub target_table: String,
    pub target_columns: Vec<String>,
    pub on_delete: ReferentialAction,
    pub on_update: ReferentialAction,
    /// Why it is here: a declared `#[belongs_to]`, the tenant key, a junction side.
    #[serde(default, skip_serializing_if = "ColumnOrigin::is_declared")]
    pub origin: ColumnOrigin,
    /// `#[belongs_to(X, deferrable)]`: checked at commit, not per statement
    /// (`DEFERRABLE INITIALLY DEFERRED` on PostgreSQL and SQLite), so rows
    /// whose NOT NULL keys point at each other can be inserted in one
    /// transaction.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    Cascade,
    Restrict,
    SetNull,
    SetDefault,
    #[default]
    NoAction,
}

impl ReferentialAction {
    /// The SQL spelling: `CASCADE`, `SET NULL`, ...
    pub fn sql(&self) -> &'static str {
        match self {
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
            ReferentialAction::NoAction => "NO ACTION",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// `idx_<table>_<columns>` or `uq_<table>_<columns>`, or the user's `name = "..."`.
    pub name: String,
    pub columns: Vec<IndexColumn>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// A partial index's predicate (`where = "..."`), raw SQL.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "where")]
    pub predicate: Option<String>,
    /// Covering columns (`include(...)`), Postgres only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "ColumnOrigin::is_declared")]
    pub origin: ColumnOrigin,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexColumn {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub desc: bool,
}

/// A CHECK constraint. `expr` is raw SQL, used verbatim on every dialect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: String,
    #[serde(default, skip_serializing_if = "ColumnOrigin::is_declared")]
    pub origin: ColumnOrigin,
    #[serde(skip)]
    pub location: Location,
}

impl Schema {
    /// Sorts entities by table name and enums by SQL name: the canonical order
    /// every emitter starts from.
    pub fn normalize(&mut self) {
        self.entities.sort_by(|a, b| a.table.cmp(&b.table));
        self.enums.sort_by(|a, b| a.sql_name.cmp(&b.sql_name));
    }

    pub fn entity(&self, name: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.name == name)
    }

    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The `#[tenant]` entity, if there is exactly one.
    pub fn tenant(&self) -> Option<&Entity> {
        let mut tenants = self.entities.iter().filter(|e| e.traits.tenant);
        match (tenants.next(), tenants.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    }

    /// Entities in foreign-key dependency order: every entity after the ones it
    /// references (self-references aside), ties broken by table name. Cycles
    /// are reported by the whole-schema checks before emission; here the
    /// remaining entities of a cycle are appended in table order.
    pub fn dependency_order(&self) -> Vec<&Entity> {
        let mut by_table: Vec<&Entity> = self.entities.iter().collect();
        by_table.sort_by(|a, b| a.table.cmp(&b.table));
        let mut done: Vec<&str> = Vec::new();
        let mut out: Vec<&Entity> = Vec::new();
        while out.len() < by_table.len() {
            let next = by_table.iter().find(|e| {
                !done.contains(&e.name.as_str())
                    && e.foreign_keys.iter().all(|fk| fk.target == e.name || done.contains(&fk.target.as_str()))
            });
            let next = match next {
                Some(e) => *e,
                // A cycle: take the first remaining entity so output stays total.
                None => *by_table
                    .iter()
                    .find(|e| !done.contains(&e.name.as_str()))
                    .expect("loop runs while entities remain"),
            };
            done.push(&next.name);
            out.push(next);
        }
        out
    }
}

impl Index {
    /// The `(tenant, key)` uniqueness that same-tenant foreign keys point at
    /// ([`crate::transform`] adds it). The migrations write it as a table
    /// `UNIQUE` constraint rather than a unique index, so it exists as soon
    /// as its table does: tools that add foreign keys before creating
    /// indexes (drizzle-kit) can point at it, and the ORM targets declare it
    /// as a unique constraint.
    pub fn is_unique_constraint(&self) -> bool {
        self.unique
            && self.origin == ColumnOrigin::Tenant
            && self.predicate.is_none()
            && self.include.is_empty()
            && self.columns.iter().all(|c| !c.desc)
    }
}

impl Entity {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `column` is part of the primary key, a foreign key or an
    /// index: MySQL gives such an unsized `String` `VARCHAR(255)`
    /// ([`crate::types::MYSQL_KEYED_VARCHAR`]), since it cannot index TEXT.
    pub fn is_keyed(&self, column: &str) -> bool {
        self.primary_key.columns.iter().any(|c| c == column)
            || self.foreign_keys.iter().any(|fk| fk.columns.iter().any(|c| c == column))
            || self.indexes.iter().any(|i| i.columns.iter().any(|c| c.name == column))
    }

    /// The primary key's Rust-level type when it is a single column.
    pub fn single_key_type(&self) -> Option<&ColumnType> {
        match self.primary_key.columns.as_slice() {
            [one] => self.column(one).map(|c| &c.ty),
            _ => None,
        }
    }
}

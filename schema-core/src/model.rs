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
#[derive(Clone, Debug, Default, PartialEq, Hash, Serialize, Deserialize)]
pub struct Schema {
    pub enums: Vec<EnumType>,
    pub entities: Vec<Entity>,
    /// How the PostgreSQL migrations of this schema spell `#[default(now)]`
    /// on a timestamp column. Always [`PostgresNow::Now`] for a schema the
    /// front end reads; a snapshot recorded before the respelling has no
    /// such key and reads back as [`PostgresNow::CurrentTimestamp`], so the
    /// planner knows what the database it describes holds.
    #[serde(default = "PostgresNow::before_respelling")]
    pub postgres_now: PostgresNow,
    /// How the migration role reads the membership table of a
    /// membership-mode tenancy. Always [`MembershipRead::OwnerPolicy`] for
    /// a schema the front end reads; a snapshot recorded before that policy
    /// existed has no such key and reads back as
    /// [`MembershipRead::TenantPoliciesOnly`], so the planner adds the
    /// policy to the database it describes as a step.
    #[serde(default = "MembershipRead::before_owner_policy")]
    pub membership_read: MembershipRead,
}

/// The spelling of `#[default(now)]` on a PostgreSQL timestamp column.
///
/// PostgreSQL prints `DEFAULT now()` back as `now()` and `DEFAULT
/// CURRENT_TIMESTAMP` as `CURRENT_TIMESTAMP`: the same value, but ORMs that
/// compare catalog text (TypeORM rewrites `CURRENT_TIMESTAMP` to `now()`
/// before comparing) see a difference in the second. Migrations recorded
/// before the respelling created `CURRENT_TIMESTAMP`; the step that
/// respells them is planned like any other change
/// ([`crate::evolve::respell`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostgresNow {
    /// `now()`.
    #[default]
    Now,
    /// `CURRENT_TIMESTAMP`, as the first releases wrote it.
    CurrentTimestamp,
}

impl PostgresNow {
    /// What a snapshot without the key describes.
    pub fn before_respelling() -> Self {
        PostgresNow::CurrentTimestamp
    }
}

/// How the migration role, which owns the tables and the `SECURITY DEFINER`
/// membership functions, reads the membership table.
///
/// The tables are under FORCE ROW LEVEL SECURITY, which holds their owner
/// to the policies too. The membership functions run as the owner, and the
/// membership table's own policies call them: a superuser skips the
/// policies, but an owner that is not one (managed PostgreSQL: RDS, Cloud
/// SQL, Supabase, Neon) recursed until PostgreSQL stopped with "stack depth
/// limit exceeded", and every query of the application role with it. The
/// owner-only policy ([`crate::security`]) lets the owner read the table;
/// the owner could lift FORCE on its own tables anyway, so this gives it
/// nothing it did not have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipRead {
    /// The membership table has a SELECT policy for the migration role.
    #[default]
    OwnerPolicy,
    /// Only the tenant policies, as the first releases wrote them.
    TenantPoliciesOnly,
}

impl MembershipRead {
    /// What a snapshot without the key describes.
    pub fn before_owner_policy() -> Self {
        MembershipRead::TenantPoliciesOnly
    }
}

/// A `#[db_enum]`: a closed set of string values.
#[derive(Clone, Debug, PartialEq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Hash, Serialize, Deserialize)]
pub struct EnumVariant {
    /// The Rust variant, e.g. `InProgress`.
    pub name: String,
    /// The stored value, snake_case: `in_progress`.
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// One table.
#[derive(Clone, Debug, PartialEq, Hash, Serialize, Deserialize)]
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
    /// `#[entity(renamed_from = "old_table")]`: the table this one was
    /// called before; the next migration renames it in place. A hint for the
    /// migration planner, not a fact of the schema: never serialized.
    #[serde(skip)]
    pub renamed_from: Option<String>,
    #[serde(skip)]
    pub location: Location,
}

/// `#[seed(...)]` on an entity: row counts for the seed generator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum SeedLiteral {
    Bool(bool),
    Int(i64),
    /// Kept as written, like [`DefaultValue::Float`].
    Float(String),
    String(String),
}

/// `#[seed(range = a..b)]` / `a..=b`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeedRange {
    pub start: i64,
    pub end: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inclusive: bool,
}

/// The cross-cutting attributes written on an entity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// `#[global]`: a table shared by every tenant, in a schema with a
    /// `#[tenant]`. The application role may read it; it writes only what
    /// the entity's [`policies`](Self::policies) allow.
    #[serde(default, skip_serializing_if = "is_false")]
    pub global: bool,
    /// `#[audited(readable)]` on a global entity: the application role may
    /// read the audit rows of this table (they belong to no tenant, so by
    /// default nobody but the owner reads them).
    #[serde(default, skip_serializing_if = "is_false")]
    pub audit_readable: bool,
    /// `#[userstamps]` / `#[userstamps(User)]`: `created_by` and `updated_by`,
    /// filled by the database from the current user setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userstamps: Option<Userstamps>,
    /// `#[policy(...)]`: row-level-security policies written in the schema
    /// (PostgreSQL). On a tenant-scoped table each one is combined with the
    /// tenant condition; on a global table they are what the application
    /// role may do besides reading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<RowPolicy>,
}

/// `#[userstamps]`: who created and who last changed each row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Userstamps {
    /// `#[userstamps(User)]`: the user entity the columns reference (a
    /// foreign key, `ON DELETE SET NULL`, typed as its key). `None`: text
    /// columns holding the user setting as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The SQL command a [`RowPolicy`] applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub const ALL: [PolicyCommand; 4] =
        [PolicyCommand::Select, PolicyCommand::Insert, PolicyCommand::Update, PolicyCommand::Delete];

    /// `SELECT`, `INSERT`, `UPDATE`, `DELETE`.
    pub fn sql(&self) -> &'static str {
        match self {
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }

    /// `select`, `insert`, `update`, `delete`: as written in `#[policy(...)]`.
    pub fn keyword(&self) -> &'static str {
        match self {
            PolicyCommand::Select => "select",
            PolicyCommand::Insert => "insert",
            PolicyCommand::Update => "update",
            PolicyCommand::Delete => "delete",
        }
    }

    /// Whether the command reads existing rows (`USING`).
    pub fn has_using(&self) -> bool {
        !matches!(self, PolicyCommand::Insert)
    }

    /// Whether the command writes rows (`WITH CHECK`).
    pub fn has_check(&self) -> bool {
        matches!(self, PolicyCommand::Insert | PolicyCommand::Update)
    }
}

/// One `#[policy(...)]`: a permissive row-level-security policy for one
/// command. Expressions are SQL over the table's columns; `None` means the
/// command is allowed on every row (within the tenant, for a tenant-scoped
/// table).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowPolicy {
    /// The policy's name in the database (`name = "..."`, or
    /// `<command>_policy`).
    pub name: String,
    pub command: PolicyCommand,
    /// `using = "..."`: which existing rows the command may see or touch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// `check = "..."`: which new row versions it may write (`INSERT`,
    /// `UPDATE`; an update without `check` re-checks `using`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    #[serde(skip)]
    pub location: Location,
}

impl RowPolicy {
    /// The expression of `WITH CHECK`: `check`, else (update) `using`.
    pub fn check_expr(&self) -> Option<&str> {
        match (self.command, &self.check, &self.using) {
            (_, Some(check), _) => Some(check),
            (PolicyCommand::Update, None, Some(using)) => Some(using),
            _ => None,
        }
    }

    /// A policy with no condition at all: the command is allowed on every row.
    pub fn is_unconditional(&self) -> bool {
        let trivial = |e: &Option<String>| e.as_deref().is_none_or(|e| e.trim().eq_ignore_ascii_case("true"));
        trivial(&self.using) && trivial(&self.check)
    }
}

/// The membership table of a tenant in membership mode: a user (the
/// `app.user_id` setting) sees the rows of every tenant they are a member of,
/// and only members whose role is one of `admin_roles` may delete.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// The membership entity's Rust name, e.g. `OrganizationMember`.
    pub entity: String,
    /// Its column holding the member's user key, e.g. `user_id`.
    pub user_column: String,
    /// Its column holding the member's role, e.g. `role`.
    pub role_column: String,
    /// The stored role values allowed to delete, e.g. `owner`, `admin`.
    pub admin_roles: Vec<String>,
    /// The stored role values that may only read, e.g. `viewer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_only_roles: Vec<String>,
    /// Where `#[tenant(membership = ...)]` was written, for diagnostics.
    #[serde(skip)]
    pub location: Location,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How a `#[tenant_scoped]` entity points at its tenant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TenantScope {
    /// The tenant entity's Rust name, e.g. `Organization`.
    pub tenant: String,
    /// The tenant key column, named after the tenant: `organization_id`.
    pub column: String,
}

/// A `#[many_to_many(A, B)]` junction: its two sides, by entity name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Junction {
    pub left: String,
    pub right: String,
}

/// A `#[polymorphic(A, B)]` link: `type_column` names the target entity,
/// `id_column` holds its key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolymorphicTarget {
    /// The target entity's Rust name, e.g. `Comment`.
    pub entity: String,
    /// The value stored in the type column: snake_case of the name, `comment`.
    pub value: String,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Hash, Serialize, Deserialize)]
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
    /// `#[column(renamed_from, backfill, using)]`: how existing rows get to
    /// this column. Hints for the migration planner, never serialized.
    #[serde(skip)]
    pub evolution: ColumnEvolution,
    #[serde(skip)]
    pub location: Location,
}

/// How the migration planner takes existing rows to a column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ColumnEvolution {
    /// `renamed_from = "old_name"`: the column this one was called before;
    /// the next migration renames it in place.
    pub renamed_from: Option<String>,
    /// `backfill = "sql expression"`: the value existing rows get when the
    /// column is added NOT NULL without a default.
    pub backfill: Option<String>,
    /// `using = "sql expression"`: how existing values convert when the
    /// column's type changes (the old value by the column's name).
    pub using: Option<String>,
    /// `dual_write` (with `renamed_from`): the rename is planned as expand
    /// and contract: the new column is added beside the old one, a trigger
    /// keeps both in step while the previous release still reads and writes
    /// the old name, and the contract migration drops the old column.
    pub dual_write: bool,
}

impl Column {
    /// A NOT NULL column declared by the user, with no default, length or
    /// doc: the field is named like the column.
    ///
    /// ```
    /// use tablewright_core::model::{Column, ColumnType};
    /// let c = Column::new("title", ColumnType::String);
    /// assert_eq!((c.field.as_str(), c.nullable), ("title", false));
    /// ```
    pub fn new(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            field: name.to_string(),
            ty,
            nullable: false,
            default: None,
            generated: Generated::None,
            max_len: None,
            precision: None,
            scale: None,
            sql_type: None,
            doc: None,
            origin: ColumnOrigin::Declared,
            allowed_lints: Vec::new(),
            seed: ColumnSeed::default(),
            evolution: ColumnEvolution::default(),
            location: Location::default(),
        }
    }
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
#[derive(Clone, Debug, PartialEq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// `#[userstamps]`: `created_by`, `updated_by`.
    Userstamps,
}

impl ColumnOrigin {
    pub fn is_declared(&self) -> bool {
        matches!(self, ColumnOrigin::Declared)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Usually `pk_<table>`.
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexColumn {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub desc: bool,
}

/// A CHECK constraint. `expr` is raw SQL, used verbatim on every dialect.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: String,
    #[serde(default, skip_serializing_if = "ColumnOrigin::is_declared")]
    pub origin: ColumnOrigin,
    #[serde(skip)]
    pub location: Location,
}

impl Schema {
    /// A schema of these enums and entities, spelled as the current
    /// release writes it.
    pub fn new(enums: Vec<EnumType>, entities: Vec<Entity>) -> Self {
        Schema { enums, entities, postgres_now: PostgresNow::default(), membership_read: MembershipRead::default() }
    }

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
    ///
    /// Computed in `O((entities + keys) log entities)`; a build computes it
    /// once ([`crate::analysis::Analysis`]) and every emitter reads that.
    pub fn dependency_order(&self) -> Vec<&Entity> {
        let mut by_table: Vec<&Entity> = self.entities.iter().collect();
        by_table.sort_by(|a, b| a.table.cmp(&b.table));
        let order = stable_topological_order(
            &by_table,
            |e| e.name.as_str(),
            |e| e.foreign_keys.iter().map(|fk| fk.target.as_str()).filter(|t| *t != e.name).collect(),
        );
        order.into_iter().map(|i| by_table[i]).collect()
    }
}

/// Orders `items` so that each comes after the items it depends on, keeping
/// the given order otherwise: at every step the first item (in `items`
/// order) whose dependencies are all placed. `key` names an item; `deps`
/// lists the keys it waits for (a key no item has is never ready). A cycle is
/// broken by placing the first remaining item. Returns indexes into `items`.
///
/// A priority queue over ready items makes it `O((items + deps) log items)`
/// where the obvious "scan for the first ready item" loop is quadratic.
pub(crate) fn stable_topological_order<'a, T>(
    items: &[T],
    key: impl Fn(&T) -> &'a str,
    deps: impl Fn(&T) -> Vec<&'a str>,
) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashMap, HashSet};

    let mut pending: Vec<usize> = Vec::with_capacity(items.len());
    let mut waiting: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut ready: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    for (i, item) in items.iter().enumerate() {
        let mut wanted = deps(item);
        wanted.sort_unstable();
        wanted.dedup();
        pending.push(wanted.len());
        for d in wanted {
            waiting.entry(d).or_default().push(i);
        }
        if pending[i] == 0 {
            ready.push(Reverse(i));
        }
    }
    let mut placed = vec![false; items.len()];
    let mut done_keys: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    // The first item not placed yet, for breaking cycles; only moves forward.
    let mut first_unplaced = 0;
    while out.len() < items.len() {
        let next = loop {
            match ready.pop() {
                Some(Reverse(i)) if placed[i] => continue,
                Some(Reverse(i)) => break i,
                None => {
                    while placed[first_unplaced] {
                        first_unplaced += 1;
                    }
                    break first_unplaced;
                }
            }
        };
        placed[next] = true;
        out.push(next);
        let k = key(&items[next]);
        if done_keys.insert(k) {
            for &j in waiting.get(k).map(Vec::as_slice).unwrap_or_default() {
                pending[j] -= 1;
                if pending[j] == 0 && !placed[j] {
                    ready.push(Reverse(j));
                }
            }
        }
    }
    out
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
    /// An entity with these columns and primary key (named `pk_<table>`)
    /// and nothing else: no keys, indexes, checks or attributes.
    ///
    /// ```
    /// use tablewright_core::model::Entity;
    /// let e = Entity::new("Note", "notes", vec![], &["id"]);
    /// assert_eq!(e.primary_key.name, "pk_notes");
    /// assert!(e.foreign_keys.is_empty());
    /// ```
    pub fn new(name: impl Into<String>, table: impl Into<String>, columns: Vec<Column>, key: &[&str]) -> Entity {
        let table = table.into();
        Entity {
            name: name.into(),
            primary_key: PrimaryKey {
                name: format!("pk_{table}"),
                columns: key.iter().map(|k| k.to_string()).collect(),
            },
            table,
            doc: None,
            columns,
            foreign_keys: vec![],
            indexes: vec![],
            checks: vec![],
            traits: EntityTraits::default(),
            tenant_scope: None,
            junction: None,
            polymorphic: vec![],
            seed: EntitySeed::default(),
            allowed_lints: vec![],
            renamed_from: None,
            location: Location::default(),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The order as first written: a scan for the first ready entity at every
    /// step (quadratic). The fast one must agree with it exactly.
    fn reference_order(schema: &Schema) -> Vec<&str> {
        let mut by_table: Vec<&Entity> = schema.entities.iter().collect();
        by_table.sort_by(|a, b| a.table.cmp(&b.table));
        let mut done: Vec<&str> = Vec::new();
        while done.len() < by_table.len() {
            let next = by_table
                .iter()
                .find(|e| {
                    !done.contains(&e.name.as_str())
                        && e.foreign_keys.iter().all(|fk| fk.target == e.name || done.contains(&fk.target.as_str()))
                })
                .or_else(|| by_table.iter().find(|e| !done.contains(&e.name.as_str())))
                .expect("entities remain");
            done.push(&next.name);
        }
        done
    }

    fn entity(name: String, targets: &[String]) -> Entity {
        let mut e = Entity::new(name.clone(), name.to_lowercase(), vec![], &[]);
        e.foreign_keys = targets
            .iter()
            .map(|t| ForeignKey {
                name: format!("fk_{name}_{t}"),
                columns: vec![],
                target: t.clone(),
                target_table: t.to_lowercase(),
                target_columns: vec![],
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
                deferrable: false,
                origin: ColumnOrigin::Declared,
                location: Location::default(),
            })
            .collect();
        e
    }

    #[test]
    fn dependency_order_matches_the_quadratic_scan_on_random_graphs() {
        // Random keys among 0..n entities: forward and backward (cycles),
        // self-references, duplicates and targets that do not exist.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for round in 0..200 {
            let n = 1 + next(30) as usize;
            let entities = (0..n)
                .map(|i| {
                    let keys = next(4) as usize;
                    let targets: Vec<String> = (0..keys)
                        .map(|_| match next(10) {
                            0 => "Ghost".to_string(),
                            1 => format!("E{i}"),
                            _ => format!("E{}", next(n as u64)),
                        })
                        .collect();
                    entity(format!("E{i}"), &targets)
                })
                .collect();
            let schema = Schema::new(vec![], entities);
            let fast: Vec<&str> = schema.dependency_order().iter().map(|e| e.name.as_str()).collect();
            assert_eq!(fast, reference_order(&schema), "round {round}");
        }
    }
}

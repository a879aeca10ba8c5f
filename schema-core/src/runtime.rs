//! What the `#[entity]` and `#[db_enum]` macros implement, and what
//! application code reads at run time. Compiled without syn.

/// The SQLSTATE the PostgreSQL trigger of a `#[versioned]` table raises for
/// an update made from a stale version.
pub const VERSION_CONFLICT_SQLSTATE: &str = "TW409";
/// How every version-conflict message starts, on every database (the
/// triggers write it, the clients recognize it).
pub const VERSION_CONFLICT_PREFIX: &str = "tablewright: version conflict on ";

/// A struct marked `#[entity]`: one table.
///
/// The macro implements it; application code uses the constants and the
/// sea-query identifiers to build queries against the same names the
/// migrations create.
///
/// See the `tablewright` crate's documentation for an example.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tablewright entity",
    label = "this type has no `#[entity]` attribute",
    note = "relations (`belongs_to`, `many_to_many`, `polymorphic`, `tenant_scoped`) must point at a struct marked `#[entity]`"
)]
pub trait Entity {
    /// The table name.
    const TABLE: &'static str;
    /// Every column, in table order (including the ones cross-cutting attributes add).
    const COLUMNS: &'static [&'static str];
    /// The primary-key columns.
    const PRIMARY_KEY: &'static [&'static str];
    /// The Rust type of the primary key; a tuple for a composite key.
    type PrimaryKey;
    /// The sea-query identifiers: `Table` and one variant per column.
    type Iden: sea_query::Iden + Copy + 'static;
    /// The tenant key column of a `#[tenant_scoped]` entity (`organization_id`).
    const TENANT_COLUMN: Option<&'static str> = None;
    /// `#[soft_delete]`: rows are deleted by setting `deleted_at`.
    const SOFT_DELETE: bool = false;
    /// `#[timestamps]`: `created_at` and `updated_at`, the latter kept by the database.
    const TIMESTAMPS: bool = false;
    /// `#[versioned]`: the database bumps `version` and rejects stale updates.
    const VERSIONED: bool = false;
    /// `#[audited]`: the database writes every change to `audit_logs`.
    const AUDITED: bool = false;
}

/// A `#[db_enum]`: a closed set of values stored as strings.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a supported column type",
    label = "not a DSL column type and not marked `#[db_enum]`",
    note = "mark the enum `#[db_enum]`, use one of the DSL types (String, i16, i32, i64, f32, f64, bool, Uuid, DateTime<Utc>, NaiveDateTime, NaiveDate, NaiveTime, Json, Decimal, Vec<u8>, Vec<String>), or give the column `#[column(sql_type = \"...\")]`"
)]
pub trait DbEnum: Sized + 'static {
    /// The SQL type name (Postgres `CREATE TYPE`): snake_case of the Rust name.
    const SQL_NAME: &'static str;
    /// Every stored value, in declaration order.
    const VALUES: &'static [&'static str];
    /// The stored value of this variant.
    fn as_str(&self) -> &'static str;
    /// The variant stored as `value`, if any.
    fn from_str_value(value: &str) -> Option<Self>;
}

/// Support for macro-generated code. Not public API.
#[doc(hidden)]
pub mod __private {
    /// Asserts at compile time that a foreign key's Rust type equals the
    /// primary-key type of the entity it points at.
    #[diagnostic::on_unimplemented(
        message = "foreign key type `{Self}` does not match the primary key type `{Key}` of the entity it references",
        label = "this field must have the referenced entity's key type `{Key}`",
        note = "a foreign key column has the same type as the primary key it references (wrapped in `Option` when nullable)"
    )]
    pub trait SameKeyType<Key> {}
    impl<T> SameKeyType<T> for T {}

    /// Asserts that the targets of one `#[polymorphic(...)]` share a key type.
    #[diagnostic::on_unimplemented(
        message = "polymorphic targets have different key types: `{Self}` and `{Key}`",
        label = "every target of `#[polymorphic(...)]` must have the same primary key type",
        note = "one `entity_id` column cannot hold keys of different types"
    )]
    pub trait SamePolymorphicKey<Key> {}
    impl<T> SamePolymorphicKey<T> for T {}

    pub const fn assert_entity<E: super::Entity>() {}
    pub const fn assert_db_enum<E: super::DbEnum>() {}
    pub const fn assert_same_key<Field: SameKeyType<Key>, Key>() {}
    pub const fn assert_same_polymorphic_key<A: SamePolymorphicKey<B>, B>() {}

    /// Asserts that `E` is an entity and that a foreign key of type `Key`
    /// holds its primary key. One bound fails at a time, so a relation to a
    /// non-entity is one error, not two.
    pub const fn assert_references<E: super::Entity, Key: SameKeyType<E::PrimaryKey>>() {}

    /// Asserts that `Other` is an entity whose key type equals that of
    /// `First`, the first target of the same `#[polymorphic(...)]`.
    pub const fn assert_polymorphic_target<First: super::Entity, Other: super::Entity>()
    where
        Other::PrimaryKey: SamePolymorphicKey<First::PrimaryKey>,
    {
    }
}

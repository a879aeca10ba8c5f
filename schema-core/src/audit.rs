//! The audit log: one `audit_logs` table that triggers on every `#[audited]`
//! table fill, with the row before and after each change.
//!
//! Its shape is fixed (the names below), so application code can query it
//! with the facade's `tablewright::audit::AuditLogIden` whatever the schema:
//!
//! | column | type | |
//! |---|---|---|
//! | `id` | `i64` identity | primary key |
//! | `tenant_id` | the tenant's key type, NULL | the changed row's tenant (the tenant row itself for the tenant table); NULL for global tables, or when the schema has no tenant (then the column is absent) |
//! | `actor_id` | text, NULL | the `app.user_id` setting (Postgres), `@app_user_id` (MySQL); NULL on SQLite and when unset |
//! | `action` | `VARCHAR(100)` | `<table>.insert`, `<table>.update` or `<table>.delete` |
//! | `entity_type` | `VARCHAR(100)` | the changed row's table |
//! | `entity_id` | `VARCHAR(255)` | its primary key as text; a composite key's values joined with `,` in key order |
//! | `before` | JSON, NULL | the row before the change (NULL for an insert) |
//! | `after` | JSON, NULL | the row after the change (NULL for a delete) |
//! | `occurred_at` | timestamp | when the change was written |
//!
//! Indexes: `(tenant_id, occurred_at DESC)` for "latest events of a tenant" and
//! `(entity_type, entity_id, occurred_at DESC)` for "history of one row".
//! The table has no foreign keys: it is history, and outlives the rows (and
//! the tenants) it describes.

/// The audit log's table name.
pub const TABLE: &str = "audit_logs";
/// The Rust name of the entity the transform adds.
pub const ENTITY: &str = "AuditLog";
/// The key: a 64-bit identity.
pub const ID: &str = "id";
/// The tenant of the changed row (present when the schema has a `#[tenant]`).
pub const TENANT_ID: &str = "tenant_id";
/// Who made the change: the `app.user_id` setting, as text.
pub const ACTOR_ID: &str = "actor_id";
/// `<table>.insert`, `<table>.update` or `<table>.delete`.
pub const ACTION: &str = "action";
/// The changed row's table.
pub const ENTITY_TYPE: &str = "entity_type";
/// The changed row's primary key as text.
pub const ENTITY_ID: &str = "entity_id";
/// The row before the change, as JSON.
pub const BEFORE: &str = "before";
/// The row after the change, as JSON.
pub const AFTER: &str = "after";
/// When the change was written.
pub const OCCURRED_AT: &str = "occurred_at";

/// The Postgres setting the audit trigger reads the actor from.
pub const USER_SETTING: &str = "app.user_id";
/// The MySQL/MariaDB session variable the audit trigger reads the actor from
/// (MySQL has no custom settings), without the `@`.
pub const MYSQL_USER_VARIABLE: &str = "app_user_id";

#[cfg(feature = "model")]
pub use transform::add_audit_log;

#[cfg(feature = "model")]
mod transform {
    use super::*;
    use crate::diagnostics::Diagnostic;
    use crate::model::*;
    use crate::naming;

    /// Adds the `audit_logs` entity when any entity is `#[audited]`, marked
    /// [`EntityTraits::audit_log`]. A user-declared table named `audit_logs`
    /// is an error then. Idempotent: an existing generated audit log is kept.
    pub fn add_audit_log(schema: &mut Schema, diagnostics: &mut Vec<Diagnostic>) {
        let audited: Vec<&Entity> = schema.entities.iter().filter(|e| e.traits.audited).collect();
        let Some(first) = audited.first() else { return };
        let first_location = first.location.clone();
        let first_name = first.name.clone();
        let mut clash = false;
        for e in schema.entities.iter().filter(|e| e.table == TABLE && !e.traits.audit_log) {
            clash = true;
            diagnostics.push(
                Diagnostic::error(
                    &e.location,
                    format!(
                        "`{}` uses the table name `{TABLE}`, which tablewright reserves for the audit log \
                         of `#[audited]` entities (such as `{first_name}`)",
                        e.name
                    ),
                )
                .with_help(
                    "remove this struct: the audit log is created for you; query it with \
                     `tablewright::audit::AuditLogIden` (or rename the table: #[entity(table = \"...\")])",
                ),
            );
        }
        if clash || schema.entities.iter().any(|e| e.traits.audit_log) {
            return;
        }
        let tenant_type = schema.tenant().and_then(|t| t.single_key_type().cloned());
        schema.entities.push(entity(tenant_type, &first_location));
    }

    fn entity(tenant_type: Option<ColumnType>, location: &Location) -> Entity {
        let column = |name: &str, ty: ColumnType, nullable: bool, max_len: Option<u32>, doc: &str| Column {
            name: name.to_string(),
            field: name.to_string(),
            ty,
            nullable,
            default: None,
            generated: Generated::None,
            max_len,
            precision: None,
            scale: None,
            sql_type: None,
            doc: Some(doc.to_string()),
            origin: ColumnOrigin::Declared,
            seed: Default::default(),
            allowed_lints: Vec::new(),
            evolution: Default::default(),
            location: location.clone(),
        };
        let mut id = column(ID, ColumnType::I64, false, None, "The event's number.");
        id.generated = Generated::Identity;
        let mut columns = vec![id];
        if let Some(ty) = tenant_type.clone() {
            columns.push(column(TENANT_ID, ty, true, None, "The tenant of the changed row; NULL for global tables."));
        }
        columns.extend([
            column(ACTOR_ID, ColumnType::String, true, Some(255), "Who made the change (the app.user_id setting)."),
            column(ACTION, ColumnType::String, false, Some(100), "<table>.insert, <table>.update or <table>.delete."),
            column(ENTITY_TYPE, ColumnType::String, false, Some(100), "The table of the changed row."),
            column(ENTITY_ID, ColumnType::String, false, Some(255), "The primary key of the changed row, as text."),
            column(BEFORE, ColumnType::Json, true, None, "The row before the change; NULL for an insert."),
            column(AFTER, ColumnType::Json, true, None, "The row after the change; NULL for a delete."),
        ]);
        let mut occurred = column(OCCURRED_AT, ColumnType::DateTimeUtc, false, None, "When the change was written.");
        occurred.default = Some(DefaultValue::Now);
        columns.push(occurred);

        let index = |cols: &[&str]| Index {
            name: naming::constraint_name("idx", TABLE, cols),
            columns: cols.iter().map(|c| IndexColumn { name: c.to_string(), desc: *c == OCCURRED_AT }).collect(),
            unique: false,
            predicate: None,
            include: Vec::new(),
            origin: ColumnOrigin::Declared,
            location: location.clone(),
        };
        let mut indexes = Vec::new();
        if tenant_type.is_some() {
            indexes.push(index(&[TENANT_ID, OCCURRED_AT]));
        }
        indexes.push(index(&[ENTITY_TYPE, ENTITY_ID, OCCURRED_AT]));
        Entity {
            name: ENTITY.to_string(),
            table: TABLE.to_string(),
            doc: Some(
                "What happened to the rows of #[audited] tables: who, when, and the row before and after. \
                 Written by triggers only."
                    .to_string(),
            ),
            columns,
            primary_key: PrimaryKey { name: format!("pk_{TABLE}"), columns: vec![ID.to_string()] },
            foreign_keys: Vec::new(),
            indexes,
            checks: Vec::new(),
            traits: EntityTraits { audit_log: true, ..Default::default() },
            tenant_scope: None,
            junction: None,
            polymorphic: Vec::new(),
            seed: Default::default(),
            allowed_lints: Vec::new(),
            renamed_from: None,
            location: location.clone(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn plain(name: &str, audited: bool) -> Entity {
            let mut e = entity(None, &Location::default());
            e.name = name.to_string();
            e.table = naming::table_name(name);
            e.traits = EntityTraits { audited, ..Default::default() };
            e
        }

        #[test]
        fn added_once_when_something_is_audited() {
            let mut schema = Schema::new(vec![], vec![plain("Note", false)]);
            let mut diags = Vec::new();
            add_audit_log(&mut schema, &mut diags);
            assert_eq!(schema.entities.len(), 1);
            schema.entities[0].traits.audited = true;
            add_audit_log(&mut schema, &mut diags);
            add_audit_log(&mut schema, &mut diags);
            assert!(diags.is_empty(), "{diags:?}");
            let log: Vec<&Entity> = schema.entities.iter().filter(|e| e.traits.audit_log).collect();
            assert_eq!(log.len(), 1);
            let names: Vec<&str> = log[0].columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                ["id", "actor_id", "action", "entity_type", "entity_id", "before", "after", "occurred_at"]
            );
        }

        #[test]
        fn a_declared_audit_logs_table_is_an_error() {
            let mut mine = plain("AuditLog", false);
            mine.location.line = 7;
            let mut schema = Schema::new(vec![], vec![plain("Note", true), mine]);
            let mut diags = Vec::new();
            add_audit_log(&mut schema, &mut diags);
            assert_eq!(diags.len(), 1);
            assert!(diags[0].message.contains("reserves for the audit log"), "{}", diags[0]);
            assert_eq!(diags[0].location.line, 7);
        }
    }
}

//! The audit log that triggers on every `#[audited]` table fill.
//!
//! tablewright adds one `audit_logs` table to a schema with `#[audited]`
//! entities. Its shape is fixed, so it is queried with the fixed
//! [`AuditLogIden`] rather than a struct of your own:
//!
//! | column | |
//! |---|---|
//! | `id` | 64-bit identity |
//! | `tenant_id` | the changed row's tenant (the tenant's key type; NULL for global tables); absent without a `#[tenant]` |
//! | `actor_id` | the `app.user_id` setting as text (MySQL: `@app_user_id`; SQLite: NULL) |
//! | `action` | `<table>.insert`, `<table>.update` or `<table>.delete` |
//! | `entity_type` | the changed row's table |
//! | `entity_id` | its primary key as text (a composite key's values joined with `,`) |
//! | `before`, `after` | the row as JSON before and after the change (NULL for insert / delete) |
//! | `occurred_at` | when the change was written |
//!
//! The application role reads it (on PostgreSQL, its own tenant's rows only)
//! and never writes it: the triggers do.
//!
//! ```
//! use tablewright::audit::AuditLogIden;
//! use tablewright::sea_query::{Expr, ExprTrait, Order, PostgresQueryBuilder, Query};
//!
//! // The history of one task, newest first.
//! let sql = Query::select()
//!     .columns([AuditLogIden::Action, AuditLogIden::ActorId, AuditLogIden::After])
//!     .from(AuditLogIden::Table)
//!     .and_where(Expr::col(AuditLogIden::EntityType).eq("tasks"))
//!     .and_where(Expr::col(AuditLogIden::EntityId).eq("0b7e0d5c-8d9e-4f55-9d63-2a8e0c1f4b11"))
//!     .order_by(AuditLogIden::OccurredAt, Order::Desc)
//!     .to_string(PostgresQueryBuilder);
//! assert_eq!(
//!     sql,
//!     r#"SELECT "action", "actor_id", "after" FROM "audit_logs" WHERE "entity_type" = 'tasks' AND "entity_id" = '0b7e0d5c-8d9e-4f55-9d63-2a8e0c1f4b11' ORDER BY "occurred_at" DESC"#
//! );
//! ```

use tablewright_core::audit as names;

/// The sea-query identifiers of the `audit_logs` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditLogIden {
    Table,
    Id,
    TenantId,
    ActorId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    OccurredAt,
}

impl sea_query::Iden for AuditLogIden {
    fn unquoted(&self) -> &str {
        match self {
            AuditLogIden::Table => names::TABLE,
            AuditLogIden::Id => names::ID,
            AuditLogIden::TenantId => names::TENANT_ID,
            AuditLogIden::ActorId => names::ACTOR_ID,
            AuditLogIden::Action => names::ACTION,
            AuditLogIden::EntityType => names::ENTITY_TYPE,
            AuditLogIden::EntityId => names::ENTITY_ID,
            AuditLogIden::Before => names::BEFORE,
            AuditLogIden::After => names::AFTER,
            AuditLogIden::OccurredAt => names::OCCURRED_AT,
        }
    }
}

/// The audit log's table name, `audit_logs`.
pub const TABLE: &str = names::TABLE;
/// The Postgres setting the audit triggers read the actor from, `app.user_id`.
pub const USER_SETTING: &str = names::USER_SETTING;

//! Statements for what the cross-cutting attributes mean at run time:
//! the tenant and user of a transaction, reads filtered to one tenant's live
//! rows, soft delete and restore, and optimistic-locking updates.
//!
//! Every function returns a sea-query statement; build it for your database
//! and driver (`build(PostgresQueryBuilder)` gives SQL with placeholders and
//! the values to bind; `to_string(...)` inlines the values, escaped). Nothing
//! here talks to a database, so any driver works.
//!
//! On PostgreSQL the database enforces the same rules (row-level security on
//! the tenant, triggers on `version`): these helpers are how an application
//! plays along, and they keep queries correct on MySQL and SQLite, where
//! there is no row-level security.
//!
//! ```
//! use tablewright::prelude::*;
//! use tablewright::query;
//! use tablewright::sea_query::{Expr, PostgresQueryBuilder, SqliteQueryBuilder};
//!
//! #[entity]
//! #[tenant]
//! pub struct Organization {
//!     #[id]
//!     pub id: Uuid,
//! }
//!
//! #[entity]
//! #[tenant_scoped(Organization)]
//! #[soft_delete]
//! #[versioned]
//! pub struct Note {
//!     #[id]
//!     pub id: i64,
//!     pub body: String,
//! }
//!
//! // Inside a transaction: who is acting, for which tenant.
//! let tenant = Uuid::nil();
//! assert_eq!(
//!     query::set_tenant(tenant).to_string(PostgresQueryBuilder),
//!     "SELECT set_config('app.tenant_id', '00000000-0000-0000-0000-000000000000', TRUE)"
//! );
//!
//! // The tenant's live notes.
//! assert_eq!(
//!     query::scoped_select::<Note>(tenant).to_string(PostgresQueryBuilder),
//!     r#"SELECT "id", "organization_id", "body", "deleted_at", "version" FROM "notes" WHERE "organization_id" = '00000000-0000-0000-0000-000000000000' AND "deleted_at" IS NULL"#
//! );
//!
//! // An edit made from version 3 of note 7: rejected by the database if the
//! // row has moved on since.
//! let update = query::versioned_update::<Note>(7, 3, [(NoteIden::Body, Expr::value("new text"))]);
//! assert_eq!(
//!     update.to_string(SqliteQueryBuilder),
//!     r#"UPDATE "notes" SET "body" = 'new text', "version" = 3 WHERE "id" = 7"#
//! );
//!
//! // Soft delete and restore.
//! assert_eq!(
//!     query::soft_delete::<Note>(7).to_string(PostgresQueryBuilder),
//!     r#"UPDATE "notes" SET "deleted_at" = CURRENT_TIMESTAMP WHERE "id" = 7 AND "deleted_at" IS NULL"#
//! );
//! assert_eq!(
//!     query::restore::<Note>(7).to_string(PostgresQueryBuilder),
//!     r#"UPDATE "notes" SET "deleted_at" = NULL WHERE "id" = 7 AND "deleted_at" IS NOT NULL"#
//! );
//! ```

use std::fmt;

use sea_query::{Expr, ExprTrait, Func, Query, SelectStatement, UpdateStatement, Value};

use crate::Entity;

/// The Postgres setting row-level security reads the tenant from.
pub const TENANT_SETTING: &str = "app.tenant_id";
/// The Postgres setting the audit triggers read the acting user from.
pub const USER_SETTING: &str = tablewright_core::audit::USER_SETTING;
/// The MySQL/MariaDB session variable the audit triggers read the acting user
/// from (without the `@`).
pub const MYSQL_USER_VARIABLE: &str = tablewright_core::audit::MYSQL_USER_VARIABLE;
/// The SQLSTATE PostgreSQL reports for a stale `version`.
pub const VERSION_CONFLICT_SQLSTATE: &str = tablewright_core::runtime::VERSION_CONFLICT_SQLSTATE;
/// How every version-conflict message starts, on every database.
pub const VERSION_CONFLICT_PREFIX: &str = tablewright_core::runtime::VERSION_CONFLICT_PREFIX;

/// `SELECT set_config(<setting>, <value>, true)`: sets a Postgres setting for
/// the rest of the current transaction only (like `SET LOCAL`, but the value
/// is an ordinary bound parameter, never spliced into SQL).
///
/// ```
/// use tablewright::query::set_local;
/// use tablewright::sea_query::PostgresQueryBuilder;
/// let (sql, values) = set_local("app.tenant_id", "t-1").build(PostgresQueryBuilder);
/// assert_eq!(sql, "SELECT set_config($1, $2, $3)");
/// assert_eq!(values.0.len(), 3);
/// ```
pub fn set_local(setting: &str, value: impl fmt::Display) -> SelectStatement {
    Query::select().expr(Func::cust("set_config").arg(setting.to_string()).arg(value.to_string()).arg(true)).to_owned()
}

/// Sets the tenant (`app.tenant_id`) for the current transaction: every
/// row-level-security policy reads it. Run it right after `BEGIN`; when the
/// transaction ends the setting is gone, so a pooled connection never leaks
/// one request's tenant into the next.
pub fn set_tenant(tenant: impl fmt::Display) -> SelectStatement {
    set_local(TENANT_SETTING, tenant)
}

/// Sets the acting user (`app.user_id`) for the current transaction: the
/// audit triggers record it as `actor_id`.
pub fn set_user(user: impl fmt::Display) -> SelectStatement {
    set_local(USER_SETTING, user)
}

/// `SELECT @app_user_id := <user>`: the acting user on MySQL/MariaDB, where
/// the audit triggers read this session variable. It lasts for the session:
/// set it (or `NULL`) at the start of every unit of work on a pooled
/// connection.
///
/// ```
/// use tablewright::query::mysql_set_user;
/// use tablewright::sea_query::MysqlQueryBuilder;
/// assert_eq!(mysql_set_user("u-1").to_string(MysqlQueryBuilder), "SELECT @app_user_id := 'u-1'");
/// ```
pub fn mysql_set_user(user: impl fmt::Display) -> SelectStatement {
    Query::select().expr(Expr::cust_with_values(format!("@{MYSQL_USER_VARIABLE} := ?"), [user.to_string()])).to_owned()
}

/// Every column of `E`'s live rows in one tenant: `WHERE <tenant column> =
/// tenant` (for a `#[tenant_scoped]` entity) `AND deleted_at IS NULL` (for a
/// `#[soft_delete]` one). Add conditions, order and limits to the statement.
pub fn scoped_select<E: Entity>(tenant: impl Into<Value>) -> SelectStatement {
    let mut select = Query::select();
    select.columns(E::COLUMNS.iter().copied()).from(E::TABLE);
    if let Some(column) = E::TENANT_COLUMN {
        select.and_where(Expr::col(column).eq(tenant));
    }
    if E::SOFT_DELETE {
        select.and_where(Expr::col("deleted_at").is_null());
    }
    select
}

/// `WHERE <key> = key` for a single-column key.
fn by_key<E: Entity>(update: &mut UpdateStatement, key: impl Into<Value>) {
    const {
        assert!(E::PRIMARY_KEY.len() == 1, "tablewright::query needs an entity with a single-column primary key");
    }
    update.and_where(Expr::col(E::PRIMARY_KEY[0]).eq(key));
}

/// Soft-deletes the row with primary key `key`: `UPDATE ... SET deleted_at =
/// CURRENT_TIMESTAMP WHERE <key> = key AND deleted_at IS NULL`. Zero rows
/// affected: no live row has that key (or it belongs to another tenant).
///
/// Compiles only for `#[soft_delete]` entities with a single-column key.
pub fn soft_delete<E: Entity>(key: impl Into<Value>) -> UpdateStatement {
    const { assert!(E::SOFT_DELETE, "tablewright::query::soft_delete needs a #[soft_delete] entity") };
    let mut update = Query::update();
    update.table(E::TABLE).value("deleted_at", Expr::current_timestamp());
    by_key::<E>(&mut update, key);
    update.and_where(Expr::col("deleted_at").is_null());
    update
}

/// Restores a soft-deleted row: `UPDATE ... SET deleted_at = NULL WHERE <key>
/// = key AND deleted_at IS NOT NULL`.
///
/// On PostgreSQL the application role does not see deleted rows (row-level
/// security hides them), so this affects zero rows for it: run restores as a
/// role allowed to see deleted rows (an admin or maintenance role).
pub fn restore<E: Entity>(key: impl Into<Value>) -> UpdateStatement {
    const { assert!(E::SOFT_DELETE, "tablewright::query::restore needs a #[soft_delete] entity") };
    let mut update = Query::update();
    update.table(E::TABLE).value("deleted_at", Expr::val(Value::String(None)));
    by_key::<E>(&mut update, key);
    update.and_where(Expr::col("deleted_at").is_not_null());
    update
}

/// An optimistic-locking update of a `#[versioned]` row: `UPDATE ... SET
/// <values>, version = read_version WHERE <key> = key`.
///
/// The contract with the database: `read_version` is the `version` the
/// caller read. If another update committed since, the database rejects this
/// one (PostgreSQL: SQLSTATE `TW409`; MySQL: `45000`; SQLite: an abort), and
/// [`VersionConflict::from_error`] recognizes the error; otherwise the
/// database stores `read_version + 1`. Zero rows affected means the row is
/// gone or not visible: [`VersionConflict::check_rows`].
pub fn versioned_update<E: Entity>(
    key: impl Into<Value>,
    read_version: i32,
    values: impl IntoIterator<Item = (E::Iden, Expr)>,
) -> UpdateStatement {
    const { assert!(E::VERSIONED, "tablewright::query::versioned_update needs a #[versioned] entity") };
    let mut update = Query::update();
    update.table(E::TABLE);
    for (column, value) in values {
        update.value(column, value);
    }
    update.value("version", read_version);
    by_key::<E>(&mut update, key);
    update
}

/// A `#[versioned]` update that lost: the row changed (or vanished) since it
/// was read. Re-read the row and apply the change again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionConflict {
    /// The table, when the database named it.
    pub table: Option<String>,
    /// The database's message, or a description of what happened.
    pub message: String,
}

impl VersionConflict {
    /// Recognizes the error a stale update raises: `sqlstate` is the error's
    /// SQLSTATE when the driver has one (PostgreSQL `TW409`), `message` its
    /// text. `None` for any other error.
    ///
    /// ```
    /// use tablewright::query::VersionConflict;
    /// let conflict = VersionConflict::from_error(
    ///     Some("TW409"),
    ///     "tablewright: version conflict on tasks (42): the row is at version 3, the update was made from version 2",
    /// )
    /// .unwrap();
    /// assert_eq!(conflict.table.as_deref(), Some("tasks"));
    /// assert!(VersionConflict::from_error(Some("23505"), "duplicate key").is_none());
    /// ```
    pub fn from_error(sqlstate: Option<&str>, message: &str) -> Option<VersionConflict> {
        let at = message.find(VERSION_CONFLICT_PREFIX);
        if sqlstate != Some(VERSION_CONFLICT_SQLSTATE) && at.is_none() {
            return None;
        }
        let table = at.map(|at| {
            let rest = &message[at + VERSION_CONFLICT_PREFIX.len()..];
            rest.split([' ', ':', '(']).next().unwrap_or_default().to_string()
        });
        let message = match at {
            Some(at) => message[at..].trim_end().to_string(),
            None => message.trim_end().to_string(),
        };
        Some(VersionConflict { table: table.filter(|t| !t.is_empty()), message })
    }

    /// The outcome of a [`versioned_update`] that raised no error: one row
    /// affected is success; zero means the row is gone, soft-deleted or
    /// invisible to this session.
    pub fn check_rows(table: &str, rows_affected: u64) -> Result<(), VersionConflict> {
        if rows_affected > 0 {
            return Ok(());
        }
        Err(VersionConflict {
            table: Some(table.to_string()),
            message: format!("{VERSION_CONFLICT_PREFIX}{table}: the row to update no longer exists or is not visible"),
        })
    }
}

impl fmt::Display for VersionConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VersionConflict {}

//! Row-level security artifacts: `postgres/rls.sql` (the policies, roles and
//! grants the Postgres migration applies, for reading) and
//! `postgres/rls_test.sql` (a pgTAP suite generated from the schema that
//! proves them, see [`super::pgtap`]).
//!
//! MariaDB/MySQL and SQLite have no row-level security: for a schema with a
//! tenant this emitter warns once, at the tenant entity.

use super::sql::HEADER;
use super::sql::rls::{RlsStatements, statements};
use super::{Artifact, Context, Emitted, Emitter};
use crate::diagnostics::Diagnostic;

/// How tenant isolation is enforced on PostgreSQL. Set it with
/// `Builder::with_tenancy`; the defaults are the documented contract.
///
/// ```
/// use tablewright_core::emit::{TenancyMode, TenancyOptions};
/// let options = TenancyOptions::default();
/// assert_eq!(options.role, "app_user");
/// assert_eq!(options.tenant_setting, "app.tenant_id");
/// assert_eq!(options.user_setting, "app.user_id");
/// assert_eq!(options.mode, TenancyMode::Auto);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenancyOptions {
    /// The application role the policies confine (`NOLOGIN NOSUPERUSER
    /// NOBYPASSRLS`, created if missing; grant it to the login role the
    /// application connects as). Default `app_user`.
    pub role: String,
    /// The role allowed to see and restore soft-deleted rows of its tenant
    /// while [`include_deleted_setting`](Self::include_deleted_setting) is
    /// `on`; it inherits [`role`](Self::role). Default `app_admin`.
    pub admin_role: String,
    /// The session setting holding the current tenant's key (setting mode).
    /// Default `app.tenant_id`.
    pub tenant_setting: String,
    /// The session setting holding the current user's key (membership mode,
    /// audit actor). Default `app.user_id`.
    pub user_setting: String,
    /// The setting the admin role turns `on` to see deleted rows. Default
    /// `app.include_deleted`.
    pub include_deleted_setting: String,
    pub mode: TenancyMode,
}

impl Default for TenancyOptions {
    fn default() -> Self {
        TenancyOptions {
            role: "app_user".to_string(),
            admin_role: "app_admin".to_string(),
            tenant_setting: "app.tenant_id".to_string(),
            user_setting: "app.user_id".to_string(),
            include_deleted_setting: "app.include_deleted".to_string(),
            mode: TenancyMode::Auto,
        }
    }
}

/// Which predicate decides a row's visibility.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TenancyMode {
    /// Membership mode when the tenant names a membership table
    /// (`#[tenant(membership = ...)]`), setting mode otherwise.
    #[default]
    Auto,
    /// A row is visible when its tenant column equals the tenant setting.
    Setting,
    /// A row is visible when the user of the user setting is a member of its
    /// tenant; only admin roles may delete. Requires `#[tenant(membership = ...)]`.
    Membership,
}

/// Writes `postgres/rls.sql` and `postgres/rls_test.sql`.
pub struct RlsArtifacts;

impl Emitter for RlsArtifacts {
    fn name(&self) -> &'static str {
        "rls"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let (schema, options) = (cx.schema(), cx.options());
        let Some(tenant) = schema.tenant() else { return };
        // Errors of the tenancy setup are reported once, by the migration emitter.
        let rls = statements(schema, &options.tenancy, &mut Vec::new());
        if rls.up.is_empty() {
            return;
        }
        out.diagnostics.push(
            Diagnostic::warning(
                &tenant.location,
                format!(
                    "MySQL/MariaDB and SQLite have no row-level security: on those databases `{}` isolation is up to the application (same-tenant foreign keys are still enforced)",
                    tenant.name
                ),
            )
            .with_help(
                "use PostgreSQL for database-enforced isolation, or filter every query by the tenant column; see README \"Row-level security\"",
            ),
        );
        out.artifacts.push(Artifact::text("postgres/rls.sql", rls_sql(&rls)));
        if let Some(suite) = super::pgtap::suite(schema, &options.tenancy) {
            out.artifacts.push(Artifact::text("postgres/rls_test.sql", suite));
        }
    }
}

fn rls_sql(rls: &RlsStatements) -> String {
    let mut out = format!(
        "{HEADER}\n-- Row-level security (PostgreSQL): part of the migration; this copy is for reading.\n\
         -- Applied after every table exists; the down migration runs the statements at the end first.\n"
    );
    for statement in &rls.up {
        out.push('\n');
        out.push_str(statement);
        out.push_str(";\n");
    }
    out.push_str("\n-- The down migration undoes them with (the roles stay: they are cluster-wide):\n");
    for statement in &rls.down {
        out.push_str("--\n");
        for line in statement.lines() {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
        out.pop();
        out.push_str(";\n");
    }
    out
}

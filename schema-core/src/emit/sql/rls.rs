//! Row-level security for PostgreSQL: the application role and its grants,
//! `ENABLE` + `FORCE ROW LEVEL SECURITY` and the policies of every
//! tenant-scoped table and of the tenant itself.
//!
//! These statements end the Postgres migration (after tables and triggers)
//! and start its down script; [`crate::emit::rls`] also writes them to
//! `postgres/rls.sql`, with a pgTAP suite that proves them.
//!
//! The contract (names configurable through [`TenancyOptions`]):
//!
//! - Setting mode: a row is visible and writable when its tenant column equals
//!   `NULLIF(current_setting('app.tenant_id', true), '')::<key type>`. A session
//!   that set nothing, or reset it, sees nothing and writes nothing (`NULL`
//!   equals nothing; the `NULLIF` turns the `''` left by `RESET` into `NULL`
//!   instead of a cast error).
//! - Membership mode: a row is visible when its tenant is one the user of
//!   `app.user_id` is a member of (read through a `SECURITY DEFINER` function,
//!   so the membership table's own policy is not recursed into); only members
//!   with an admin role may delete, and only they may change memberships.
//! - Soft delete: a deleted row is hidden. The policy shows rows with
//!   `deleted_at IS NULL OR deleted_at >= now()`: PostgreSQL checks the *new*
//!   row of an `UPDATE ... WHERE` / `RETURNING` against the SELECT policies, so
//!   a policy on `deleted_at IS NULL` alone would reject the soft delete
//!   itself. A row soft-deleted with `deleted_at = now()` stays visible to the
//!   transaction that deleted it and is hidden from every later one.
//! - Restore: members of the admin role (default `app_admin`, which inherits
//!   the application role) see and update deleted rows of their tenant while
//!   `app.include_deleted` is `on` in their transaction.
//! - The roles are created `NOLOGIN NOSUPERUSER NOBYPASSRLS` if missing; a
//!   deployment grants them to its login roles. The down script revokes what
//!   the up script granted in this database and drops the functions, but
//!   keeps the roles: roles are cluster-wide and other databases may use them.

use crate::diagnostics::Diagnostic;
use crate::emit::{TenancyMode, TenancyOptions};
use crate::model::{Entity, Generated, Membership, Schema};
use crate::quote::{ident, string_literal};
use crate::types::{Dialect, sql_type};

const D: Dialect = Dialect::Postgres;

/// The name of the function returning the tenants the current user is a member of.
pub const MEMBER_FUNCTION: &str = "tw_member_tenants";
/// The name of the function returning the tenants where the current user has an admin role.
pub const ADMIN_FUNCTION: &str = "tw_admin_tenants";

/// The row-level-security statements of a schema, without terminating `;`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RlsStatements {
    /// Run after every table exists.
    pub up: Vec<String>,
    /// Run before any table is dropped.
    pub down: Vec<String>,
}

/// How a schema's tenancy resolved: what the policies and the pgTAP suite read.
#[derive(Clone, Debug)]
pub struct Tenancy<'a> {
    pub options: &'a TenancyOptions,
    /// The `#[tenant]` entity.
    pub tenant: &'a Entity,
    /// Its key column.
    pub tenant_key: String,
    /// The Postgres type of the key, for the setting's cast: `UUID`.
    pub key_type: String,
    /// `Some` in membership mode.
    pub membership: Option<(&'a Entity, &'a Membership)>,
    /// Every table under row-level security, tenant first, then in dependency order.
    pub tables: Vec<&'a Entity>,
}

impl<'a> Tenancy<'a> {
    /// `None` when the schema has no tenant (nothing to isolate). Reports a
    /// membership mode the schema cannot support.
    pub fn resolve(
        schema: &'a Schema,
        options: &'a TenancyOptions,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Tenancy<'a>> {
        let tenant = schema.tenant()?;
        let [tenant_key] = tenant.primary_key.columns.as_slice() else { return None };
        let key_type = sql_type(D, tenant.column(tenant_key)?, None, true);
        let declared = tenant.traits.membership.as_ref();
        let membership = match (options.mode, declared) {
            (TenancyMode::Setting, _) => None,
            (TenancyMode::Auto | TenancyMode::Membership, Some(m)) => match schema.entity(&m.entity) {
                Some(e) if e.tenant_scope.is_some() => Some((e, m)),
                _ => {
                    diagnostics.push(
                        Diagnostic::error(
                            &tenant.location,
                            format!(
                                "the membership entity `{}` of `{}` is not a `#[tenant_scoped]` entity",
                                m.entity, tenant.name
                            ),
                        )
                        .with_help(format!("mark `{}` with `#[entity]` and `#[tenant_scoped]`", m.entity)),
                    );
                    return None;
                }
            },
            (TenancyMode::Membership, None) => {
                diagnostics.push(
                    Diagnostic::error(
                        &tenant.location,
                        format!("the build asks for membership tenancy but `{}` names no membership table", tenant.name),
                    )
                    .with_help(
                        "write `#[tenant(membership = OrganizationMember, role = role, admin_roles = [\"owner\", \"admin\"])]`",
                    ),
                );
                return None;
            }
            (TenancyMode::Auto, None) => None,
        };
        let mut tables = vec![tenant];
        tables.extend(schema.dependency_order().into_iter().filter(|e| e.tenant_scope.is_some() && !e.traits.tenant));
        Some(Tenancy { options, tenant, tenant_key: tenant_key.clone(), key_type, membership, tables })
    }

    /// The tenant column of a table under row-level security (the key of the tenant itself).
    pub fn tenant_column<'e>(&'e self, entity: &'e Entity) -> &'e str {
        match &entity.tenant_scope {
            Some(scope) if !entity.traits.tenant => &scope.column,
            _ => &self.tenant_key,
        }
    }

    /// `NULLIF(current_setting('<setting>', true), '')::<type>`: the setting, or NULL.
    pub fn setting_expr(&self, setting: &str, ty: &str) -> String {
        format!("NULLIF(current_setting({}, true), '')::{ty}", string_literal(setting))
    }

    /// The user key type: the membership's user column type, else the tenant key type.
    pub fn user_key_type(&self) -> String {
        match self.membership {
            Some((entity, m)) => {
                entity.column(&m.user_column).map_or_else(|| self.key_type.clone(), |c| sql_type(D, c, None, true))
            }
            None => self.key_type.clone(),
        }
    }

    /// Rows of the current tenant(s): the read predicate without soft delete.
    fn tenant_match(&self, entity: &Entity) -> String {
        let column = ident(D, self.tenant_column(entity));
        match self.membership {
            None => format!("{column} = {}", self.setting_expr(&self.options.tenant_setting, &self.key_type)),
            Some(_) => format!("{column} IN (SELECT {}())", MEMBER_FUNCTION),
        }
    }

    /// Rows the current user may delete (membership mode: admins only).
    fn admin_match(&self, entity: &Entity) -> String {
        match self.membership {
            None => self.tenant_match(entity),
            Some(_) => format!("{} IN (SELECT {}())", ident(D, self.tenant_column(entity)), ADMIN_FUNCTION),
        }
    }

    fn is_membership_table(&self, entity: &Entity) -> bool {
        self.membership.is_some_and(|(m, _)| m.name == entity.name)
    }
}

/// The statements for `schema`; empty when it has no tenant.
///
/// ```
/// use tablewright_core::emit::TenancyOptions;
/// use tablewright_core::emit::sql::rls::statements;
/// let schema = tablewright_core::model::Schema::default();
/// let rls = statements(&schema, &TenancyOptions::default(), &mut Vec::new());
/// assert!(rls.up.is_empty() && rls.down.is_empty());
/// ```
pub fn statements(schema: &Schema, options: &TenancyOptions, diagnostics: &mut Vec<Diagnostic>) -> RlsStatements {
    let Some(t) = Tenancy::resolve(schema, options, diagnostics) else { return RlsStatements::default() };
    let role = &options.role;
    let admin = &options.admin_role;
    let mut up = Vec::new();
    let mut down = Vec::new();

    up.push(create_role(role, None));
    up.push(create_role(admin, Some(role)));
    up.push(on_current_schema("GRANT USAGE ON SCHEMA %I TO %I", role));

    for entity in schema.dependency_order() {
        let privileges = if entity.traits.audit_log { "SELECT, INSERT" } else { "SELECT, INSERT, UPDATE, DELETE" };
        up.push(format!("GRANT {privileges} ON TABLE {} TO {}", ident(D, &entity.table), ident(D, role)));
        for column in entity.columns.iter().filter(|c| c.generated == Generated::Identity) {
            up.push(format!(
                "DO $$\nBEGIN\n  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence({}, {}), {});\nEND\n$$",
                string_literal(&ident(D, &entity.table)),
                string_literal(&column.name),
                string_literal(role)
            ));
        }
    }

    if let Some((member_entity, m)) = t.membership {
        up.extend(membership_functions(&t, member_entity, m));
        for f in [MEMBER_FUNCTION, ADMIN_FUNCTION] {
            up.push(format!("REVOKE ALL ON FUNCTION {f}() FROM PUBLIC"));
            up.push(format!("GRANT EXECUTE ON FUNCTION {f}() TO {}", ident(D, role)));
        }
    }

    for entity in &t.tables {
        up.extend(table_policies(&t, entity));
    }

    // Down: the functions (and, with CASCADE, the policies that call them),
    // then the schema grant. Tables, their policies and grants go with the tables.
    if t.membership.is_some() {
        for f in [ADMIN_FUNCTION, MEMBER_FUNCTION] {
            down.push(format!("DROP FUNCTION IF EXISTS {f}() CASCADE"));
        }
    }
    down.push(format!(
        "DO $$\nBEGIN\n  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {}) THEN\n    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), {});\n  END IF;\nEND\n$$",
        string_literal(role),
        string_literal(role)
    ));
    RlsStatements { up, down }
}

/// `CREATE ROLE` when missing (CREATE ROLE has no IF NOT EXISTS; a concurrent
/// migration creating it first is fine), and a refusal to go on when an
/// existing role of that name would bypass row-level security.
fn create_role(name: &str, member_of: Option<&str>) -> String {
    let lit = string_literal(name);
    let mut sql = format!(
        "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {lit}) THEN\n    \
         BEGIN\n      CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS;\n    \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;\n    END;\n  END IF;\n  \
         IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {lit} AND (rolsuper OR rolbypassrls)) THEN\n    \
         RAISE EXCEPTION 'role % bypasses row-level security (SUPERUSER or BYPASSRLS); tenant isolation needs a role without', {lit};\n  \
         END IF;\n",
        ident(D, name)
    );
    if let Some(parent) = member_of {
        sql.push_str(&format!(
            "  IF NOT pg_catalog.pg_has_role({lit}, {}, 'MEMBER') THEN\n    GRANT {} TO {};\n  END IF;\n",
            string_literal(parent),
            ident(D, parent),
            ident(D, name)
        ));
    }
    sql.push_str("END\n$$");
    sql
}

/// A statement on the schema the migration runs in, through `format`.
fn on_current_schema(template: &str, role: &str) -> String {
    format!(
        "DO $$\nBEGIN\n  EXECUTE format({}, current_schema(), {});\nEND\n$$",
        string_literal(template),
        string_literal(role)
    )
}

/// The two `SECURITY DEFINER` functions of membership mode: owned by the
/// migration's role, so they read the membership table without its policy
/// (no recursion); `STABLE`; `search_path` pinned, tables schema-qualified.
fn membership_functions(t: &Tenancy<'_>, member: &Entity, m: &Membership) -> Vec<String> {
    let tenant_column = t.tenant_column(member);
    let user = t.setting_expr(&t.options.user_setting, &t.user_key_type());
    let admin_roles: Vec<String> = m.admin_roles.iter().map(|r| string_literal(r)).collect();
    let admin_filter = if admin_roles.is_empty() {
        "false".to_string()
    } else {
        format!("m.{}::text IN ({})", ident(D, &m.role_column), admin_roles.join(", "))
    };
    [(MEMBER_FUNCTION, "true".to_string()), (ADMIN_FUNCTION, admin_filter)]
        .into_iter()
        .map(|(name, filter)| {
            let body = format!(
                "SELECT m.{tc} FROM %1$I.{table} AS m WHERE m.{uc} = {user} AND {filter}",
                tc = ident(D, tenant_column),
                table = ident(D, &member.table),
                uc = ident(D, &m.user_column),
            );
            let create = format!(
                "CREATE OR REPLACE FUNCTION %1$I.{name}() RETURNS SETOF {ty} LANGUAGE sql STABLE SECURITY DEFINER \
                 SET search_path = pg_catalog, pg_temp AS $body$ {body} $body$",
                ty = t.key_type,
            );
            format!("DO $do$\nBEGIN\n  EXECUTE format({}, current_schema());\nEND\n$do$", string_literal(&create))
        })
        .collect()
}

/// One `CREATE POLICY`, structured, for targets that have a policy API
/// (Drizzle's `pgPolicy`); [`Policy::sql`] is the statement the migration runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The table, unquoted.
    pub table: String,
    /// `tenant_select`, `restore_update`, ...
    pub name: &'static str,
    /// `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: &'static str,
    /// The role it applies to, unquoted; `None`: every role (`PUBLIC`).
    pub role: Option<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    /// What it allows, for `COMMENT ON POLICY`.
    pub comment: &'static str,
}

impl Policy {
    /// The `CREATE POLICY` statement, without `;`.
    pub fn sql(&self) -> String {
        let mut sql = format!("CREATE POLICY {} ON {} FOR {}", self.name, ident(D, &self.table), self.command);
        if let Some(role) = &self.role {
            sql.push_str(&format!(" TO {}", ident(D, role)));
        }
        if let Some(using) = &self.using {
            sql.push_str(&format!(" USING ({using})"));
        }
        if let Some(check) = &self.with_check {
            sql.push_str(&format!(" WITH CHECK ({check})"));
        }
        sql
    }
}

/// Every policy of `schema`, tenant first, then in dependency order; empty
/// when it has no tenant. Diagnostics are the migration's to report.
///
/// ```
/// use tablewright_core::emit::TenancyOptions;
/// use tablewright_core::emit::sql::rls::policies;
/// assert!(policies(&Default::default(), &TenancyOptions::default()).is_empty());
/// ```
pub fn policies(schema: &Schema, options: &TenancyOptions) -> Vec<Policy> {
    let Some(t) = Tenancy::resolve(schema, options, &mut Vec::new()) else { return Vec::new() };
    t.tables.iter().flat_map(|entity| table_policy_list(&t, entity)).collect()
}

/// `ENABLE` + `FORCE` and the policies of one table.
fn table_policies(t: &Tenancy<'_>, entity: &Entity) -> Vec<String> {
    let table = ident(D, &entity.table);
    let policies = table_policy_list(t, entity);
    let mut out = vec![
        format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
        format!("ALTER TABLE {table} FORCE ROW LEVEL SECURITY"),
    ];
    out.extend(policies.iter().map(Policy::sql));
    out.extend(
        policies.iter().map(|p| format!("COMMENT ON POLICY {} ON {table} IS {}", p.name, string_literal(p.comment))),
    );
    out
}

/// The policies of one table, in the order they are created.
fn table_policy_list(t: &Tenancy<'_>, entity: &Entity) -> Vec<Policy> {
    let read = t.tenant_match(entity);
    let soft = entity.traits.soft_delete && entity.column("deleted_at").is_some();
    let live =
        |p: &str| if soft { format!("{p} AND (deleted_at IS NULL OR deleted_at >= now())") } else { p.to_string() };
    let strictly_live = |p: &str| if soft { format!("{p} AND deleted_at IS NULL") } else { p.to_string() };
    let membership_table = t.is_membership_table(entity);
    let is_tenant = entity.traits.tenant;
    // Who may write: the tenant's members (admins for the membership table and,
    // in membership mode, the tenant row itself).
    let write =
        if membership_table || (is_tenant && t.membership.is_some()) { t.admin_match(entity) } else { read.clone() };
    let policy = |name, command, role: Option<&String>, using: Option<String>, with_check: Option<String>| Policy {
        table: entity.table.clone(),
        name,
        command,
        role: role.cloned(),
        using,
        with_check,
        comment: match name {
            "tenant_select" if soft => "rows of the current tenant that are not soft-deleted",
            "tenant_select" => "rows of the current tenant",
            "tenant_insert" => "new rows must belong to the current tenant",
            "tenant_update" => "rows of the current tenant, which must stay in it",
            "tenant_delete" if t.membership.is_some() => "rows of a tenant where the user has an admin role",
            "tenant_delete" => "rows of the current tenant",
            _ => "soft-deleted rows, for the admin role with the include-deleted setting on",
        },
    };

    let mut out = vec![policy("tenant_select", "SELECT", None, Some(live(&read)), None)];
    // A new tenant row is created by a provisioning role in membership mode:
    // no member exists yet who could be checked.
    if !(is_tenant && t.membership.is_some()) {
        out.push(policy("tenant_insert", "INSERT", None, None, Some(write.clone())));
    }
    if !entity.traits.audit_log {
        out.push(policy("tenant_update", "UPDATE", None, Some(strictly_live(&write)), Some(write.clone())));
        out.push(policy("tenant_delete", "DELETE", None, Some(t.admin_match(entity)), None));
    }
    if soft {
        let admin = Some(&t.options.admin_role);
        let include = format!("current_setting({}, true) = 'on'", string_literal(&t.options.include_deleted_setting));
        out.push(policy("restore_select", "SELECT", admin, Some(format!("{read} AND {include}")), None));
        out.push(policy(
            "restore_update",
            "UPDATE",
            admin,
            Some(format!("{write} AND {include}")),
            Some(write.clone()),
        ));
    }
    out
}

//! Who may do what, as values: the application roles, what each table grants
//! them, which tables are under row-level security and with which policies,
//! and the helper functions the policies call. PostgreSQL enforces all of it;
//! [`crate::emit::sql`] renders it as the end of the migration,
//! [`crate::emit::pgtap`] proves it, the Drizzle target declares the same
//! policies. Nothing here is SQL text but the policy expressions, which are
//! PostgreSQL expressions by nature.
//!
//! # The contract (names configurable through [`TenancyOptions`])
//!
//! Every table of a schema with a `#[tenant]` falls in one [`Access`] class:
//!
//! | class | application role may | row-level security |
//! |---|---|---|
//! | the tenant, `#[tenant_scoped]` tables (and their junctions) | SELECT, INSERT, UPDATE, DELETE | ENABLE + FORCE; rows of the current tenant(s) only; custom `#[policy]`s narrow or replace a command's rule, always within the tenant |
//! | the audit log | SELECT | ENABLE + FORCE; rows of the current tenant(s) only, plus the rows of global tables marked `#[audited(readable)]`; only the `SECURITY DEFINER` audit triggers write |
//! | `#[global]` | SELECT, plus each command a `#[policy]` opens | none without policies (every row readable); with policies ENABLE + FORCE, SELECT open unless a policy narrows it |
//!
//! A table of a tenant schema in none of these classes is a build error
//! ([`check`]): forgetting `#[tenant_scoped]` must not leave a table open.
//!
//! - Setting mode: a row is visible and writable when its tenant column equals
//!   `NULLIF(current_setting('app.tenant_id', true), '')::<key type>`. A session
//!   that set nothing, or reset it, sees nothing and writes nothing (`NULL`
//!   equals nothing; the `NULLIF` turns the `''` left by `RESET` into `NULL`
//!   instead of a cast error).
//! - Membership mode: a row is visible when its tenant is one the user of
//!   `app.user_id` is a member of (read through a `SECURITY DEFINER` function,
//!   so the membership table's own policy is not recursed into). Members whose
//!   role is one of the read-only roles write nothing; only members with an
//!   admin role delete, and only they change memberships.
//! - Soft delete: a deleted row is hidden. The policy shows rows with
//!   `deleted_at IS NULL OR deleted_at >= now()`: PostgreSQL checks the *new*
//!   row of an `UPDATE ... WHERE` / `RETURNING` against the SELECT policies, so
//!   a policy on `deleted_at IS NULL` alone would reject the soft delete
//!   itself. A row soft-deleted with `deleted_at = now()` stays visible to the
//!   transaction that deleted it and is hidden from every later one.
//! - Restore: members of the admin role (default `app_admin`, which inherits
//!   the application role) see and update deleted rows of their tenant while
//!   `app.include_deleted` is `on` in their transaction.
//! - Custom policies: every policy PostgreSQL sees is permissive, and
//!   permissive policies are OR-ed, so a custom policy of a tenant-scoped
//!   table carries the tenant condition in its own expression
//!   (`<tenant condition> AND (<custom>)`) and replaces the default policy of
//!   its command: whatever it says, it cannot reach another tenant's rows.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::model::{Entity, Generated, Membership, MembershipRead, PolicyCommand, RowPolicy, Schema};
use crate::quote::{ident, string_literal};
use crate::types::{Dialect, sql_type};

const D: Dialect = Dialect::Postgres;

/// The function returning the tenants the current user is a member of.
pub const MEMBER_FUNCTION: &str = "tw_member_tenants";
/// The function returning the tenants where the current user has an admin role.
pub const ADMIN_FUNCTION: &str = "tw_admin_tenants";
/// The function returning the tenants where the current user may write (a
/// role that is not read-only).
pub const WRITER_FUNCTION: &str = "tw_writer_tenants";
/// The function returning the current user's key (the user setting), for
/// custom policies: `author_id = tw_current_user()`.
pub const CURRENT_USER_FUNCTION: &str = "tw_current_user";

/// How tenant isolation is enforced on PostgreSQL. Set it with
/// `Builder::with_tenancy`; the defaults are the documented contract.
///
/// ```
/// use tablewright_core::security::{TenancyMode, TenancyOptions};
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
    /// audit actor, userstamps). Default `app.user_id`.
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

/// The access class of a table in a schema with a `#[tenant]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The `#[tenant]` entity itself.
    Tenant,
    /// A `#[tenant_scoped]` table (junctions of scoped entities included).
    TenantScoped,
    /// The `audit_logs` table of `#[audited]` entities.
    AuditLog,
    /// `#[global]`: shared by every tenant.
    Global,
    /// None of the above: a build error in a tenant schema ([`check`]).
    Unclassified,
}

impl Access {
    pub fn of(entity: &Entity) -> Access {
        if entity.traits.tenant {
            Access::Tenant
        } else if entity.traits.audit_log {
            Access::AuditLog
        } else if entity.tenant_scope.is_some() || entity.traits.tenant_scoped {
            Access::TenantScoped
        } else if entity.traits.global {
            Access::Global
        } else {
            Access::Unclassified
        }
    }
}

/// The role a policy applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyRole {
    /// Every role (`PUBLIC`): what the grants let in, the policy confines.
    Public,
    /// A named role.
    Named(String),
    /// `CURRENT_USER`: the role running the migration, which owns the tables
    /// and the `SECURITY DEFINER` trigger functions (FORCE ROW LEVEL SECURITY
    /// holds the owner to the policies too).
    MigrationRole,
}

/// One `CREATE POLICY`, structured, for the SQL migration and for targets
/// that have a policy API (Drizzle's `pgPolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The table, unquoted.
    pub table: String,
    /// `tenant_select`, `restore_update`, a custom policy's name, ...
    pub name: String,
    pub command: PolicyCommand,
    pub role: PolicyRole,
    pub using: Option<String>,
    pub with_check: Option<String>,
    /// What it allows, for `COMMENT ON POLICY`.
    pub comment: String,
}

impl Policy {
    /// The `CREATE POLICY` statement, without `;`.
    pub fn sql(&self) -> String {
        let mut sql =
            format!("CREATE POLICY {} ON {} FOR {}", ident(D, &self.name), ident(D, &self.table), self.command.sql());
        match &self.role {
            PolicyRole::Public => {}
            PolicyRole::Named(role) => sql.push_str(&format!(" TO {}", ident(D, role))),
            PolicyRole::MigrationRole => sql.push_str(" TO CURRENT_USER"),
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

/// What one role may do on one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The table, unquoted.
    pub table: String,
    pub role: String,
    /// In `SELECT, INSERT, UPDATE, DELETE` order.
    pub privileges: Vec<PolicyCommand>,
}

/// A SQL function the policies (or custom policies) call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    /// `SETOF UUID`, `UUID`, `TEXT`.
    pub returns: String,
    /// The body, a `SELECT`; tables are qualified with `%1$I.` (the schema,
    /// filled in by `format` at migration time) in `SECURITY DEFINER` ones.
    pub body: String,
    /// `SECURITY DEFINER` (reads the membership table past its own policy).
    pub definer: bool,
}

/// A table under row-level security and its policies, in creation order.
#[derive(Clone, Debug)]
pub struct SecuredTable<'a> {
    pub entity: &'a Entity,
    pub access: Access,
    pub policies: Vec<Policy>,
}

/// Everything PostgreSQL enforces for a tenant schema.
#[derive(Clone, Debug)]
pub struct SecurityPlan<'a> {
    pub tenancy: Tenancy<'a>,
    /// One per table, in dependency order.
    pub grants: Vec<Grant>,
    /// `(table, column)` of identity columns whose sequence the application
    /// role uses (tables it may insert into).
    pub sequences: Vec<(String, String)>,
    /// Created before the policies, dropped (with `CASCADE`) first.
    pub functions: Vec<Function>,
    /// The tenant first, then the other tables under row-level security in
    /// dependency order.
    pub tables: Vec<SecuredTable<'a>>,
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
    /// The Postgres type of a user key: the membership's user column, else
    /// the key of the `#[userstamps(User)]` entity, else `TEXT`.
    pub user_type: String,
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
        let user_type = membership
            .and_then(|(entity, m)| entity.column(&m.user_column))
            .or_else(|| userstamp_user_key(schema))
            .map_or_else(|| "TEXT".to_string(), |c| sql_type(D, c, None, true));
        Some(Tenancy { options, tenant, tenant_key: tenant_key.clone(), key_type, membership, user_type })
    }

    /// The tenant column of a table under row-level security (the key of the
    /// tenant itself, `tenant_id` of the audit log).
    pub fn tenant_column<'e>(&'e self, entity: &'e Entity) -> &'e str {
        match &entity.tenant_scope {
            Some(scope) if !entity.traits.tenant => &scope.column,
            _ if entity.traits.audit_log => crate::audit::TENANT_ID,
            _ => &self.tenant_key,
        }
    }

    /// `NULLIF(current_setting('<setting>', true), '')::<type>`: the setting, or NULL.
    pub fn setting_expr(&self, setting: &str, ty: &str) -> String {
        format!("NULLIF(current_setting({}, true), '')::{ty}", string_literal(setting))
    }

    /// The membership user column's type (the membership functions compare
    /// the user setting with it), else the tenant key type.
    pub fn member_key_type(&self) -> String {
        match self.membership {
            Some((entity, m)) => {
                entity.column(&m.user_column).map_or_else(|| self.key_type.clone(), |c| sql_type(D, c, None, true))
            }
            None => self.key_type.clone(),
        }
    }

    /// Whether the membership names read-only roles.
    pub fn has_read_only_roles(&self) -> bool {
        self.membership.is_some_and(|(_, m)| !m.read_only_roles.is_empty())
    }

    /// Rows of the current tenant(s): the read predicate without soft delete.
    pub fn tenant_match(&self, entity: &Entity) -> String {
        self.in_tenants(entity, MEMBER_FUNCTION)
    }

    /// Rows the current user may write: the tenant's members without a
    /// read-only role (setting mode: the current tenant).
    pub fn writer_match(&self, entity: &Entity) -> String {
        self.in_tenants(entity, WRITER_FUNCTION)
    }

    /// Rows the current user may delete (membership mode: admins only).
    pub fn admin_match(&self, entity: &Entity) -> String {
        self.in_tenants(entity, ADMIN_FUNCTION)
    }

    /// `<tenant column> = <setting>` in setting mode, `<tenant column> IN
    /// (SELECT <function>())` in membership mode.
    fn in_tenants(&self, entity: &Entity, function: &str) -> String {
        let column = ident(D, self.tenant_column(entity));
        match self.membership {
            None => format!("{column} = {}", self.setting_expr(&self.options.tenant_setting, &self.key_type)),
            Some(_) => format!("{column} IN (SELECT {function}())"),
        }
    }

    pub fn is_membership_table(&self, entity: &Entity) -> bool {
        self.membership.is_some_and(|(m, _)| m.name == entity.name)
    }
}

/// The key column of the entity `#[userstamps(User)]` names, if any.
fn userstamp_user_key(schema: &Schema) -> Option<&crate::model::Column> {
    let user = schema.entities.iter().find_map(|e| e.traits.userstamps.as_ref()?.user.as_deref())?;
    let user = schema.entity(user)?;
    let [key] = user.primary_key.columns.as_slice() else { return None };
    user.column(key)
}

/// The security plan of `schema`; `None` when it has no tenant.
///
/// ```
/// use tablewright_core::security::{TenancyOptions, plan};
/// let schema = tablewright_core::model::Schema::default();
/// assert!(plan(&schema, &TenancyOptions::default(), &mut Vec::new()).is_none());
/// ```
pub fn plan<'a>(
    schema: &'a Schema,
    options: &'a TenancyOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SecurityPlan<'a>> {
    let t = Tenancy::resolve(schema, options, diagnostics)?;
    let order = schema.dependency_order();
    let mut grants = Vec::new();
    let mut sequences = Vec::new();
    let mut tables = Vec::new();
    for entity in std::iter::once(t.tenant).chain(order.iter().copied().filter(|e| !e.traits.tenant)) {
        let access = Access::of(entity);
        let mut policies = match access {
            Access::Tenant | Access::TenantScoped => tenant_policies(&t, entity),
            Access::AuditLog => audit_policies(&t, schema, entity),
            Access::Global => global_policies(entity),
            Access::Unclassified => Vec::new(),
        };
        if t.is_membership_table(entity) && schema.membership_read == MembershipRead::OwnerPolicy {
            policies.push(membership_read_policy(entity));
        }
        if !policies.is_empty() {
            tables.push(SecuredTable { entity, access, policies: policies.clone() });
        }
        let privileges = privileges(access, &policies);
        if privileges.contains(&PolicyCommand::Insert) {
            for column in entity.columns.iter().filter(|c| c.generated == Generated::Identity) {
                sequences.push((entity.table.clone(), column.name.clone()));
            }
        }
        if !privileges.is_empty() {
            grants.push((entity.table.clone(), privileges));
        }
    }
    // Grants in dependency order (the tenant where it falls), as before the
    // access classes existed.
    let grants = order
        .iter()
        .filter_map(|e| grants.iter().find(|(table, _)| *table == e.table))
        .map(|(table, privileges)| Grant {
            table: table.clone(),
            role: options.role.clone(),
            privileges: privileges.clone(),
        })
        .collect();
    let sequences =
        order.iter().flat_map(|e| sequences.iter().filter(move |(table, _)| *table == e.table)).cloned().collect();
    let functions = functions(&t);
    Some(SecurityPlan { tenancy: t, grants, sequences, functions, tables })
}

/// What the application role may do on a table of `access` with `policies`.
fn privileges(access: Access, policies: &[Policy]) -> Vec<PolicyCommand> {
    match access {
        Access::Tenant | Access::TenantScoped => PolicyCommand::ALL.to_vec(),
        Access::AuditLog => vec![PolicyCommand::Select],
        Access::Global => {
            let opened: BTreeSet<PolicyCommand> = policies.iter().map(|p| p.command).collect();
            PolicyCommand::ALL.into_iter().filter(|c| *c == PolicyCommand::Select || opened.contains(c)).collect()
        }
        Access::Unclassified => Vec::new(),
    }
}

/// The helper functions, the same four in both modes so that a custom
/// policy reads the same whichever mode builds it: the current user, and the
/// tenants the current user may read, write and administer. In membership
/// mode the tenant functions are `SECURITY DEFINER` functions that read the
/// membership table; in setting mode each returns the tenant setting.
fn functions(t: &Tenancy<'_>) -> Vec<Function> {
    let mut out = vec![Function {
        name: CURRENT_USER_FUNCTION,
        returns: t.user_type.clone(),
        body: format!("SELECT {}", t.setting_expr(&t.options.user_setting, &t.user_type)),
        definer: false,
    }];
    let returns = format!("SETOF {}", t.key_type);
    let Some((member, m)) = t.membership else {
        let current = format!("SELECT {}", t.setting_expr(&t.options.tenant_setting, &t.key_type));
        for name in [MEMBER_FUNCTION, ADMIN_FUNCTION, WRITER_FUNCTION] {
            out.push(Function { name, returns: returns.clone(), body: current.clone(), definer: false });
        }
        return out;
    };
    let literals = |roles: &[String]| roles.iter().map(|r| string_literal(r)).collect::<Vec<_>>().join(", ");
    let role = format!("m.{}::text", ident(D, &m.role_column));
    let admin_filter = if m.admin_roles.is_empty() {
        "false".to_string()
    } else {
        format!("{role} IN ({})", literals(&m.admin_roles))
    };
    let writer_filter = if m.read_only_roles.is_empty() {
        "true".to_string()
    } else {
        format!("{role} NOT IN ({})", literals(&m.read_only_roles))
    };
    let user = t.setting_expr(&t.options.user_setting, &t.member_key_type());
    for (name, filter) in
        [(MEMBER_FUNCTION, "true".to_string()), (ADMIN_FUNCTION, admin_filter), (WRITER_FUNCTION, writer_filter)]
    {
        out.push(Function {
            name,
            returns: returns.clone(),
            body: format!(
                "SELECT m.{tc} FROM %1$I.{table} AS m WHERE m.{uc} = {user} AND {filter}",
                tc = ident(D, t.tenant_column(member)),
                table = ident(D, &member.table),
                uc = ident(D, &m.user_column),
            ),
            definer: true,
        });
    }
    out
}

/// The policies of the tenant or a tenant-scoped table, in creation order.
fn tenant_policies(t: &Tenancy<'_>, entity: &Entity) -> Vec<Policy> {
    let read = t.tenant_match(entity);
    let soft = entity.traits.soft_delete && entity.column("deleted_at").is_some();
    let live =
        |p: &str| if soft { format!("{p} AND (deleted_at IS NULL OR deleted_at >= now())") } else { p.to_string() };
    let strictly_live = |p: &str| if soft { format!("{p} AND deleted_at IS NULL") } else { p.to_string() };
    let is_tenant = entity.traits.tenant;
    // Who may write: the tenant's members without a read-only role; admins
    // for the membership table and, in membership mode, the tenant row itself.
    let write = if t.is_membership_table(entity) || (is_tenant && t.membership.is_some()) {
        t.admin_match(entity)
    } else {
        t.writer_match(entity)
    };
    let policy = |name: &str, command, role, using: Option<String>, with_check: Option<String>, comment: &str| Policy {
        table: entity.table.clone(),
        name: name.to_string(),
        command,
        role,
        using,
        with_check,
        comment: comment.to_string(),
    };
    let and = |base: &Option<String>, extra: Option<&str>| match (base, extra) {
        (Some(base), Some(extra)) => Some(format!("{base} AND ({extra})")),
        (base, _) => base.clone(),
    };

    let mut out = Vec::new();
    for command in PolicyCommand::ALL {
        // A new tenant row is created by a provisioning role in membership
        // mode: no member exists yet who could be checked.
        if command == PolicyCommand::Insert && is_tenant && t.membership.is_some() {
            continue;
        }
        // The tenant condition every policy of the command carries, and the
        // default policy, which a custom one replaces.
        let (using, check) = match command {
            PolicyCommand::Select => (Some(live(&read)), None),
            PolicyCommand::Insert => (None, Some(write.clone())),
            PolicyCommand::Update => (Some(strictly_live(&write)), Some(write.clone())),
            PolicyCommand::Delete => (Some(write.clone()), None),
        };
        let custom: Vec<&RowPolicy> = entity.traits.policies.iter().filter(|p| p.command == command).collect();
        if custom.is_empty() {
            let (name, comment) = match command {
                PolicyCommand::Select if soft => {
                    ("tenant_select", "rows of the current tenant that are not soft-deleted")
                }
                PolicyCommand::Select => ("tenant_select", "rows of the current tenant"),
                PolicyCommand::Insert => ("tenant_insert", "new rows must belong to the current tenant"),
                PolicyCommand::Update => ("tenant_update", "rows of the current tenant, which must stay in it"),
                PolicyCommand::Delete if t.membership.is_some() => {
                    ("tenant_delete", "rows of a tenant where the user has an admin role")
                }
                PolicyCommand::Delete => ("tenant_delete", "rows of the current tenant"),
            };
            // Deleting takes an admin role in membership mode.
            let default_using =
                if command == PolicyCommand::Delete { Some(t.admin_match(entity)) } else { using.clone() };
            out.push(policy(name, command, PolicyRole::Public, default_using, check.clone(), comment));
        }
        for p in custom {
            let comment = format!("#[policy] {}, within the current tenant", command.keyword());
            let (using, check) = (and(&using, p.using.as_deref()), and(&check, p.check_expr()));
            out.push(policy(&p.name, command, PolicyRole::Public, using, check, &comment));
        }
    }
    if soft {
        let admin = PolicyRole::Named(t.options.admin_role.clone());
        let include = format!("current_setting({}, true) = 'on'", string_literal(&t.options.include_deleted_setting));
        let comment = "soft-deleted rows, for the admin role with the include-deleted setting on";
        out.push(policy(
            "restore_select",
            PolicyCommand::Select,
            admin.clone(),
            Some(format!("{read} AND {include}")),
            None,
            comment,
        ));
        out.push(policy(
            "restore_update",
            PolicyCommand::Update,
            admin,
            Some(format!("{write} AND {include}")),
            Some(write.clone()),
            comment,
        ));
    }
    out
}

/// Every row of the membership table, for the migration role only: the
/// `SECURITY DEFINER` membership functions run as that role, and without
/// this policy one that is not a superuser recursed through the table's
/// tenant policies (see [`MembershipRead`]). `USING (true)` is what keeps
/// it from recursing: PostgreSQL combines permissive policies with OR and
/// folds `true OR ...` away before it would call the functions; a narrower
/// condition would leave the tenant policies to be evaluated (and recurse)
/// on the rows it does not admit.
fn membership_read_policy(membership: &Entity) -> Policy {
    Policy {
        table: membership.table.clone(),
        name: "membership_read".to_string(),
        command: PolicyCommand::Select,
        role: PolicyRole::MigrationRole,
        using: Some("true".to_string()),
        with_check: None,
        comment: "the membership functions (SECURITY DEFINER, owned by the migration role) read every membership"
            .to_string(),
    }
}

/// The audit log: readable per tenant (plus the rows of global tables marked
/// `#[audited(readable)]`), written only by the audit triggers, which run as
/// the migration role.
fn audit_policies(t: &Tenancy<'_>, schema: &Schema, log: &Entity) -> Vec<Policy> {
    let mut read = t.tenant_match(log);
    let readable: Vec<String> = schema
        .entities
        .iter()
        .filter(|e| e.traits.audited && e.traits.audit_readable && Access::of(e) == Access::Global)
        .map(|e| string_literal(&e.table))
        .collect();
    let mut comment = "audit rows of the current tenant".to_string();
    if !readable.is_empty() {
        read = format!(
            "{read} OR ({} IS NULL AND {} IN ({}))",
            ident(D, crate::audit::TENANT_ID),
            ident(D, crate::audit::ENTITY_TYPE),
            readable.join(", ")
        );
        comment.push_str(", and of the global tables marked #[audited(readable)]");
    }
    vec![
        Policy {
            table: log.table.clone(),
            name: "audit_select".to_string(),
            command: PolicyCommand::Select,
            role: PolicyRole::Public,
            using: Some(read),
            with_check: None,
            comment,
        },
        Policy {
            table: log.table.clone(),
            name: "audit_insert".to_string(),
            command: PolicyCommand::Insert,
            role: PolicyRole::MigrationRole,
            using: None,
            with_check: Some("true".to_string()),
            comment: "the audit triggers (SECURITY DEFINER, owned by the migration role) write every row".to_string(),
        },
    ]
}

/// A global table: none without custom policies (every row readable, nothing
/// writable); else the custom policies, with SELECT open unless one narrows it.
fn global_policies(entity: &Entity) -> Vec<Policy> {
    if entity.traits.policies.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !entity.traits.policies.iter().any(|p| p.command == PolicyCommand::Select) {
        out.push(Policy {
            table: entity.table.clone(),
            name: "global_select".to_string(),
            command: PolicyCommand::Select,
            role: PolicyRole::Public,
            using: Some("true".to_string()),
            with_check: None,
            comment: "every row: the table is global".to_string(),
        });
    }
    for command in PolicyCommand::ALL {
        for p in entity.traits.policies.iter().filter(|p| p.command == command) {
            let always = || Some("true".to_string());
            out.push(Policy {
                table: entity.table.clone(),
                name: p.name.clone(),
                command,
                role: PolicyRole::Public,
                using: command.has_using().then(|| p.using.clone().or_else(always)).flatten(),
                with_check: command.has_check().then(|| p.check_expr().map(str::to_string).or_else(always)).flatten(),
                comment: format!("#[policy] {} on a global table", command.keyword()),
            });
        }
    }
    out
}

/// Whole-schema checks of the access classes, policies and userstamps.
///
/// In a schema with a `#[tenant]`, every table must be the tenant,
/// tenant-scoped or `#[global]` (the audit log is classified by
/// tablewright). `#[global]`, `#[policy]` and `#[audited(readable)]` are
/// errors where they mean nothing.
pub fn check(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let tenant = schema.tenant();
    for entity in &schema.entities {
        let access = Access::of(entity);
        match (tenant, access) {
            (Some(tenant), Access::Unclassified) => diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!(
                        "`{}` is neither `#[tenant_scoped]` nor `#[global]`: in a schema with the tenant `{}`, \
                         every table must say whether its rows belong to one tenant",
                        entity.name, tenant.name
                    ),
                )
                .with_help(format!(
                    "add `#[tenant_scoped]` (rows of one {}, isolated by row-level security) or `#[global]` \
                     (shared by every tenant: the application role reads it and writes only what a `#[policy]` allows)",
                    crate::naming::snake_case(&tenant.name).replace('_', " ")
                )),
            ),
            (None, _) if entity.traits.global => diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!("`{}` is `#[global]`, but the schema has no `#[tenant]`", entity.name),
                )
                .with_help(
                    "remove `#[global]`: without a tenant every table is shared and no row-level security is generated",
                ),
            ),
            _ => {}
        }
        if tenant.is_none()
            && let Some(p) = entity.traits.policies.first()
        {
            diagnostics.push(
                Diagnostic::error(
                    &p.location,
                    format!("`#[policy]` on `{}`, but the schema has no `#[tenant]`", entity.name),
                )
                .with_help(
                    "policies are row-level security for the application role of a multi-tenant schema; \
                     mark the tenant entity `#[tenant]`, or remove the policy",
                ),
            );
        }
        if entity.traits.audit_readable && !(entity.traits.audited && access == Access::Global) {
            diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!("`#[audited(readable)]` on `{}`, which is not a `#[global]` table", entity.name),
                )
                .with_help(
                    "the audit rows of tenant-scoped tables are readable by their tenant already; \
                     `readable` opens the audit rows of a global table to the application role",
                ),
            );
        }
        check_policies(schema, entity, diagnostics);
    }
}

fn check_policies(schema: &Schema, entity: &Entity, diagnostics: &mut Vec<Diagnostic>) {
    let mut names: Vec<&str> = Vec::new();
    for p in &entity.traits.policies {
        if names.contains(&p.name.as_str()) {
            diagnostics.push(
                Diagnostic::error(&p.location, format!("two policies of `{}` are named `{}`", entity.name, p.name))
                    .with_help("give each `#[policy(...)]` of a table its own `name = \"...\"`"),
            );
        }
        names.push(&p.name);
        let reserved = ["tenant_select", "tenant_insert", "tenant_update", "tenant_delete", "restore_select"];
        if reserved.contains(&p.name.as_str()) || p.name == "restore_update" || p.name == "global_select" {
            diagnostics.push(
                Diagnostic::error(
                    &p.location,
                    format!("the policy name `{}` of `{}` is one tablewright generates", p.name, entity.name),
                )
                .with_help("choose another `name = \"...\"`"),
            );
        }
        if entity.traits.tenant
            && p.command == PolicyCommand::Insert
            && schema.tenant().is_some_and(|t| t.traits.membership.is_some())
        {
            diagnostics.push(
                Diagnostic::error(
                    &p.location,
                    format!("`#[policy(insert)]` on the tenant `{}` in membership mode", entity.name),
                )
                .with_help(
                    "a new tenant has no members yet whose membership could admit the insert; \
                     create tenants as a provisioning role that bypasses row-level security",
                ),
            );
        }
    }
}

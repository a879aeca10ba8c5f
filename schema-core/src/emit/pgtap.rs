//! `postgres/rls_test.sql`: a pgTAP suite generated from the schema that
//! proves the row-level security of every table under it.
//!
//! Run it with `pg_prove -d <db> rls_test.sql` as a role that bypasses row
//! security (a superuser or `BYPASSRLS` owner: it inserts the fixtures of two
//! tenants), in a database migrated with `CREATE EXTENSION pgtap`. The
//! checks themselves run as the application role (`SET LOCAL ROLE`). All of
//! it happens in one transaction that is rolled back.
//!
//! Per table: nothing visible or insertable while the setting is unset and
//! after it is reset; with tenant A set, A's rows are visible and B's are not
//! read, inserted, updated (or moved into) or deleted; soft-deleted rows are
//! hidden, the application role can soft-delete, and the admin role with the
//! include-deleted setting sees and restores them. Every `#[audited]` table's
//! insert, update and delete write audit rows the tenant sees; every
//! `#[versioned]` table rejects a stale version (`TW409`) and bumps a fresh
//! one. In membership mode a member without an admin role deletes nothing.
//!
//! Fixture values come from the column types: keys are derived from the
//! table and row, foreign keys point at the same tenant's row of the target
//! (in dependency order, polymorphic targets included), nullable columns and
//! columns with a default are left out.

use std::collections::HashMap;

use super::TenancyOptions;
use super::sql::HEADER;
use super::sql::triggers;
use crate::analysis::Analysis;
use crate::audit;
use crate::model::{self, ColumnType, Entity, Generated, PolicyCommand, Schema};
use crate::quote::{ident, string_literal};
use crate::security::{Access, PolicyRole, SecurityPlan, Tenancy, plan};
use crate::types::Dialect;

const D: Dialect = Dialect::Postgres;
/// SQLSTATE of "new row violates row-level security policy" and "permission denied".
const DENIED: &str = "42501";

/// Fixture rows: tenant A's, tenant B's, a soft-deleted one of tenant A, and
/// fresh rows for the insert attempts.
const SLOT_A: u32 = 1;
const SLOT_B: u32 = 2;
const SLOT_DELETED: u32 = 3;
/// In membership mode: the user who is a member of A without an admin role.
const SLOT_PLAIN_MEMBER: u32 = 13;
/// In membership mode with read-only roles: a member of A with a read-only role.
const SLOT_VIEWER: u32 = 14;
/// The row the audit checks insert, update and delete.
const SLOT_AUDIT: u32 = 21;

/// The suite, or `None` when the schema has no tenant.
pub fn suite(analysis: &Analysis<'_>, options: &TenancyOptions) -> Option<String> {
    let schema = analysis.schema();
    let plan = plan(schema, options, &mut Vec::new())?;
    let t = &plan.tenancy;
    let f = Fixtures::new(analysis, t);
    let mut s = Suite::default();
    // The tenant and the tenant-scoped tables, in the plan's order.
    let scoped: Vec<&Entity> = plan
        .tables
        .iter()
        .filter(|st| matches!(st.access, Access::Tenant | Access::TenantScoped))
        .map(|st| st.entity)
        .collect();
    let log = plan.tables.iter().find(|st| st.access == Access::AuditLog).map(|st| st.entity);
    let globals: Vec<&Entity> =
        schema.dependency_order().into_iter().filter(|e| Access::of(e) == Access::Global).collect();

    s.stmt("BEGIN");
    let plan_at = s.lines.len();
    s.stmt("-- Fixtures, inserted by the session user (who must bypass row-level security)");
    for entity in &f.order {
        for row in f.rows_of(entity) {
            s.stmt(&f.insert(entity, &row));
        }
    }
    if let Some(log) = log {
        for row in audit_fixtures(schema, &f) {
            s.stmt(&audit_insert(log, &row));
        }
    }

    catalog_checks(&mut s, &plan);

    let role = ident(D, &options.role);
    let setting = if t.membership.is_some() { &options.user_setting } else { &options.tenant_setting };
    let a = f.setting_value(SLOT_A);
    let tenants = (f.key(t.tenant, &t.tenant_key, SLOT_A), f.key(t.tenant, &t.tenant_key, SLOT_B));

    s.stmt(&format!("-- As the application role, with {setting} never set"));
    s.stmt(&format!("SET LOCAL ROLE {role}"));
    for entity in &scoped {
        let table = ident(D, &entity.table);
        s.test(format!(
            "is((SELECT count(*) FROM {table}), 0::bigint, {})",
            desc(entity, "no row is visible while the setting is unset")
        ));
        s.throws(&f.insert(entity, &Row::fresh(11, 1)), &desc(entity, "no insert while the setting is unset"));
    }
    if let Some(log) = log {
        s.test(format!(
            "is((SELECT count(*) FROM {} WHERE {}), 0::bigint, {})",
            ident(D, &log.table),
            audit_hidden(schema),
            desc(
                log,
                "no audit row of a tenant (or of an unreadable global table) is visible while the setting is unset"
            )
        ));
    }

    s.stmt(&format!("-- Tenant A set: {setting} = {a}"));
    s.stmt(&format!("SELECT set_config({}, {}, true)", string_literal(setting), string_literal(&a)));
    for entity in &scoped {
        let table = ident(D, &entity.table);
        let col = ident(D, t.tenant_column(entity));
        let (ta, tb) = (string_literal(&tenants.0), string_literal(&tenants.1));
        // A custom policy decides which of the tenant's rows are visible and
        // writable: only the tenant boundary is generic.
        let custom = |c: PolicyCommand| entity.traits.policies.iter().any(|p| p.command == c);
        if !custom(PolicyCommand::Select) {
            s.test(format!(
                "ok((SELECT count(*) FROM {table} WHERE {col} = {ta}) > 0, {})",
                desc(entity, "the current tenant's rows are visible")
            ));
        }
        s.test(format!(
            "is((SELECT count(*) FROM {table} WHERE {col} = {tb}), 0::bigint, {})",
            desc(entity, "another tenant's rows are invisible")
        ));
        s.throws(&f.insert(entity, &Row::fresh(12, 2)), &desc(entity, "insert into another tenant is denied"));
        s.with_count(
            &format!("UPDATE {table} SET {col} = {col} WHERE {col} = {tb} RETURNING 1"),
            0,
            &desc(entity, "another tenant's rows cannot be updated"),
        );
        if !custom(PolicyCommand::Update) {
            s.throws(
                &format!("UPDATE {table} SET {col} = {tb} WHERE {col} = {ta}"),
                &desc(entity, "a row cannot be moved to another tenant"),
            );
        }
        s.with_count(
            &format!("DELETE FROM {table} WHERE {col} = {tb} RETURNING 1"),
            0,
            &desc(entity, "another tenant's rows cannot be deleted"),
        );
        if let Some(key) = f.single_key(entity)
            && f.soft(entity)
            && !entity.traits.tenant
        {
            let deleted = string_literal(&f.key(entity, &key, SLOT_DELETED));
            s.test(format!(
                "is((SELECT count(*) FROM {table} WHERE {} = {deleted}), 0::bigint, {})",
                ident(D, &key),
                desc(entity, "soft-deleted rows are hidden")
            ));
        }
    }
    if let Some(log) = log {
        audit_log_checks(&mut s, schema, log, &tenants);
    }
    for entity in &globals {
        global_checks(&mut s, &f, entity);
    }

    audit_and_version_checks(&mut s, &f, &scoped, &tenants.0);

    if let Some((member, _)) = t.membership {
        let plain = f.key(f.user_entity(member)?, &f.user_key_column(member)?, SLOT_PLAIN_MEMBER);
        s.stmt("-- A member of tenant A without an admin role");
        s.stmt(&format!("SELECT set_config({}, {}, true)", string_literal(setting), string_literal(&plain)));
        for entity in &scoped {
            let table = ident(D, &entity.table);
            let col = ident(D, t.tenant_column(entity));
            let ta = string_literal(&tenants.0);
            if !entity.traits.policies.iter().any(|p| p.command == PolicyCommand::Select) {
                s.test(format!(
                    "ok((SELECT count(*) FROM {table} WHERE {col} = {ta}) > 0, {})",
                    desc(entity, "a plain member sees the tenant's rows")
                ));
            }
            if !entity.traits.policies.iter().any(|p| p.command == PolicyCommand::Delete) {
                s.with_count(
                    &format!("DELETE FROM {table} WHERE {col} = {ta} RETURNING 1"),
                    0,
                    &desc(entity, "a plain member deletes nothing"),
                );
            }
        }
        if t.has_read_only_roles() {
            viewer_checks(&mut s, &f, &scoped, setting, &tenants.0, member)?;
        }
    }

    s.stmt(&format!("-- {setting} reset"));
    s.stmt(&format!("RESET {}", setting.split('.').map(|p| ident(D, p)).collect::<Vec<_>>().join(".")));
    for entity in &scoped {
        let table = ident(D, &entity.table);
        s.test(format!(
            "is((SELECT count(*) FROM {table}), 0::bigint, {})",
            desc(entity, "no row is visible after the setting is reset")
        ));
        s.throws(&f.insert(entity, &Row::fresh(13, 1)), &desc(entity, "no insert after the setting is reset"));
    }
    if let Some(log) = log {
        s.test(format!(
            "is((SELECT count(*) FROM {} WHERE {}), 0::bigint, {})",
            ident(D, &log.table),
            audit_hidden(schema),
            desc(log, "no audit row of a tenant is visible after the setting is reset")
        ));
    }

    let soft_all: Vec<&&Entity> = scoped.iter().filter(|e| f.soft(e) && f.single_key(e).is_some()).collect();
    let soft: Vec<&&Entity> = soft_all.iter().copied().filter(|e| !e.traits.tenant).collect();
    if !soft_all.is_empty() {
        let include = string_literal(&options.include_deleted_setting);
        s.stmt("-- Soft delete and restore, tenant A");
        s.stmt(&format!("SELECT set_config({}, {}, true)", string_literal(setting), string_literal(&a)));
        s.stmt(&format!("SELECT set_config({include}, 'on', true)"));
        for entity in &soft {
            let table = ident(D, &entity.table);
            let key = f.single_key(entity)?;
            let deleted = string_literal(&f.key(entity, &key, SLOT_DELETED));
            let key = ident(D, &key);
            s.test(format!(
                "is((SELECT count(*) FROM {table} WHERE {key} = {deleted}), 0::bigint, {})",
                desc(entity, "the include-deleted setting means nothing to the application role")
            ));
        }
        s.stmt(&format!("SET LOCAL ROLE {}", ident(D, &options.admin_role)));
        for entity in &soft {
            let table = ident(D, &entity.table);
            let key = f.single_key(entity)?;
            let deleted = string_literal(&f.key(entity, &key, SLOT_DELETED));
            let key = ident(D, &key);
            s.test(format!(
                "is((SELECT count(*) FROM {table} WHERE {key} = {deleted}), 1::bigint, {})",
                desc(entity, "the admin role sees deleted rows with the include-deleted setting on")
            ));
            s.with_count(
                &format!("UPDATE {table} SET deleted_at = NULL WHERE {key} = {deleted} RETURNING 1"),
                1,
                &desc(entity, "the admin role restores a deleted row"),
            );
        }
        s.stmt(&format!("SET LOCAL ROLE {role}"));
        for entity in &soft_all {
            let table = ident(D, &entity.table);
            let key = f.single_key(entity)?;
            let (deleted, live) =
                (string_literal(&f.key(entity, &key, SLOT_DELETED)), string_literal(&f.key(entity, &key, SLOT_A)));
            let key = ident(D, &key);
            if !entity.traits.tenant {
                s.test(format!(
                    "is((SELECT count(*) FROM {table} WHERE {key} = {deleted}), 1::bigint, {})",
                    desc(entity, "a restored row is visible again")
                ));
            }
            s.with_count(
                &format!("UPDATE {table} SET deleted_at = now() WHERE {key} = {live} RETURNING 1"),
                1,
                &desc(entity, "the application role can soft-delete"),
            );
        }
    }

    s.stmt("SELECT * FROM finish()");
    s.stmt("ROLLBACK");
    s.lines.insert(plan_at, format!("SELECT plan({});", s.tests));
    let mut out = format!(
        "{HEADER}\n-- pgTAP suite for the row-level security of this schema.\n\
         -- Run: pg_prove -d <database> rls_test.sql (as a superuser or BYPASSRLS owner; CREATE EXTENSION pgtap first).\n\
         -- Everything happens in one transaction that is rolled back.\n\n"
    );
    for line in s.lines {
        out.push_str(&line);
        out.push('\n');
    }
    Some(out)
}

/// As the application role with tenant A set: every `#[audited]` table's
/// insert, update and delete each write one audit row the tenant sees, with
/// the right action and actor; every `#[versioned]` table rejects an update
/// made from a stale version (SQLSTATE `TW409`) and bumps the version of a
/// fresh one. Tables with a composite key are left out (their audit
/// `entity_id` joins the key values).
fn audit_and_version_checks(s: &mut Suite, f: &Fixtures<'_>, scoped: &[&Entity], tenant_a: &str) {
    let log = f.schema.entities.iter().find(|e| e.traits.audit_log);
    // A custom policy decides which of the tenant's rows the role may
    // write: such tables are left to the schema's own tests.
    let audited: Vec<&&Entity> = scoped
        .iter()
        .filter(|e| e.traits.audited && !e.traits.tenant && e.traits.policies.is_empty() && f.single_key(e).is_some())
        .collect();
    if let Some(log) = log.filter(|_| !audited.is_empty()) {
        s.stmt("-- Audit trail: each change of an audited table writes one audit row the tenant sees");
        let log_table = ident(D, &log.table);
        let tenant_filter = if log.column(audit::TENANT_ID).is_some() {
            format!(" AND {} = {}", ident(D, audit::TENANT_ID), string_literal(tenant_a))
        } else {
            String::new()
        };
        for entity in audited {
            let Some(key) = f.single_key(entity) else { continue };
            let table = ident(D, &entity.table);
            let id = f.key(entity, &key, SLOT_AUDIT);
            let key = ident(D, &key);
            let logged = |action: &str| {
                format!(
                    "is((SELECT count(*) FROM {log_table} WHERE {} = {} AND {} = {} AND {} = {}{tenant_filter} \
                     AND {} IS NOT DISTINCT FROM NULLIF(current_setting({}, true), '')), 1::bigint, {})",
                    ident(D, audit::ENTITY_TYPE),
                    string_literal(&entity.table),
                    ident(D, audit::ENTITY_ID),
                    string_literal(&id),
                    ident(D, audit::ACTION),
                    string_literal(&format!("{}.{action}", entity.table)),
                    ident(D, audit::ACTOR_ID),
                    string_literal(audit::USER_SETTING),
                    desc(entity, &format!("the {action} writes one `{}.{action}` audit row", entity.table)),
                )
            };
            let insert = f.insert(entity, &Row::fresh(SLOT_AUDIT, 1));
            s.test(format!("lives_ok($tw${insert}$tw$, {})", desc(entity, "the application role inserts a row")));
            s.test(logged("insert"));
            let id = string_literal(&id);
            s.with_count(
                &format!("UPDATE {table} SET {key} = {key} WHERE {key} = {id} RETURNING 1"),
                1,
                &desc(entity, "the application role updates the row"),
            );
            s.test(logged("update"));
            s.with_count(
                &format!("DELETE FROM {table} WHERE {key} = {id} RETURNING 1"),
                1,
                &desc(entity, "the application role deletes the row"),
            );
            s.test(logged("delete"));
        }
    }

    let versioned: Vec<&&Entity> = scoped
        .iter()
        .filter(|e| {
            e.traits.versioned
                && e.column("version").is_some()
                && f.single_key(e).is_some()
                && !e.traits.policies.iter().any(|p| p.command == PolicyCommand::Update)
        })
        .collect();
    if versioned.is_empty() {
        return;
    }
    s.stmt("-- Optimistic locking: a stale version is rejected, a fresh one bumps the version");
    for entity in versioned {
        let Some(key) = f.single_key(entity) else { continue };
        let table = ident(D, &entity.table);
        let id = string_literal(&f.key(entity, &key, SLOT_A));
        let key = ident(D, &key);
        let read = string_literal(&format!("tw.version_{}", entity.table));
        s.stmt(&format!("SELECT set_config({read}, (SELECT version::text FROM {table} WHERE {key} = {id}), true)"));
        s.test(format!(
            "throws_ok($tw$UPDATE {table} SET version = version - 1 WHERE {key} = {id}$tw$, '{}', NULL, {})",
            triggers::VERSION_CONFLICT_SQLSTATE,
            desc(entity, "an update made from a stale version is rejected")
        ));
        s.lines.push(format!(
            "WITH changed AS (UPDATE {table} SET version = version WHERE {key} = {id} RETURNING version) \
             SELECT is((SELECT version::bigint FROM changed), current_setting({read})::bigint + 1, {});",
            desc(entity, "an update made from the current version bumps it")
        ));
        s.tests += 1;
    }
}

/// Catalog checks, as the session user: every table grants the application
/// role exactly the privileges of the plan; every table under row-level
/// security has it enabled and forced, with exactly the plan's policies,
/// each for its command and roles.
fn catalog_checks(s: &mut Suite, plan: &SecurityPlan<'_>) {
    let role = string_literal(&plan.tenancy.options.role);
    s.stmt("-- What the application role is granted, and which tables are under row-level security");
    for grant in &plan.grants {
        let privileges: Vec<String> = grant.privileges.iter().map(|c| string_literal(c.sql())).collect();
        s.test(format!(
            "table_privs_are({}, {role}, ARRAY[{}], {})",
            string_literal(&grant.table),
            privileges.join(", "),
            string_literal(&format!(
                "{}: the application role is granted exactly {}",
                grant.table,
                privileges.join(", ").replace('\'', "")
            ))
        ));
    }
    for table in &plan.tables {
        let name = string_literal(&table.entity.table);
        s.test(format!(
            "ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_catalog.pg_class WHERE oid = {}::regclass), {})",
            string_literal(&ident(D, &table.entity.table)),
            desc(table.entity, "row-level security is enabled and forced")
        ));
        let names: Vec<String> = table.policies.iter().map(|p| string_literal(&p.name)).collect();
        s.test(format!(
            "policies_are({name}, ARRAY[{}], {})",
            names.join(", "),
            desc(table.entity, "exactly the generated policies")
        ));
        for p in &table.policies {
            s.test(format!(
                "policy_cmd_is({name}, {}, {}, {})",
                string_literal(&p.name),
                string_literal(p.command.sql()),
                desc(table.entity, &format!("policy {} is for {}", p.name, p.command.sql()))
            ));
            match &p.role {
                // PUBLIC is role 0, which pgTAP's policy_roles_are (a join
                // on pg_roles) cannot name.
                PolicyRole::Public => s.test(format!(
                    "ok((SELECT polroles = ARRAY[0]::oid[] FROM pg_catalog.pg_policy WHERE polrelid = {}::regclass \
                     AND polname = {}), {})",
                    string_literal(&ident(D, &table.entity.table)),
                    string_literal(&p.name),
                    desc(table.entity, &format!("policy {} applies to every role", p.name))
                )),
                PolicyRole::Named(role) => s.test(format!(
                    "policy_roles_are({name}, {}, ARRAY[{}], {})",
                    string_literal(&p.name),
                    string_literal(role),
                    desc(table.entity, &format!("policy {} applies to {role}", p.name))
                )),
                // The role that ran the migration, whoever that was: the
                // tables' owner, and no other role.
                PolicyRole::MigrationRole => s.test(format!(
                    "ok((SELECT p.polroles = ARRAY[c.relowner] FROM pg_catalog.pg_policy AS p JOIN pg_catalog.pg_class \
                     AS c ON c.oid = p.polrelid WHERE p.polrelid = {}::regclass AND p.polname = {}), {})",
                    string_literal(&ident(D, &table.entity.table)),
                    string_literal(&p.name),
                    desc(table.entity, &format!("policy {} applies to the table's owner only", p.name))
                )),
            }
        }
    }
}

/// Audit rows the application role must not see: another tenant's, and
/// those of global tables not marked `#[audited(readable)]`. With `tenant`
/// set, the complement of what it sees; as a `WHERE` clause.
fn audit_hidden(schema: &Schema) -> String {
    let readable = readable_audit_tables(schema);
    let tenant = ident(D, audit::TENANT_ID);
    if readable.is_empty() {
        return "true".to_string();
    }
    format!("{tenant} IS NOT NULL OR {} NOT IN ({})", ident(D, audit::ENTITY_TYPE), readable.join(", "))
}

/// The table names (as literals) whose global audit rows are readable.
fn readable_audit_tables(schema: &Schema) -> Vec<String> {
    schema
        .entities
        .iter()
        .filter(|e| e.traits.audited && e.traits.audit_readable && Access::of(e) == Access::Global)
        .map(|e| string_literal(&e.table))
        .collect()
}

/// One audit row the fixtures insert directly: its tenant slot (`None`: a
/// global table's row) and entity type.
struct AuditRow {
    tenant: Option<String>,
    entity_type: String,
}

/// An audit row of tenant A, one of tenant B, one of an unreadable global
/// table, and one per readable global table.
fn audit_fixtures(schema: &Schema, f: &Fixtures<'_>) -> Vec<AuditRow> {
    let t = f.t;
    let mut rows = vec![
        AuditRow { tenant: Some(f.key(t.tenant, &t.tenant_key, SLOT_A)), entity_type: "tw_fixture".into() },
        AuditRow { tenant: Some(f.key(t.tenant, &t.tenant_key, SLOT_B)), entity_type: "tw_fixture".into() },
        AuditRow { tenant: None, entity_type: "tw_fixture_global".into() },
    ];
    for e in schema.entities.iter().filter(|e| e.traits.audited && e.traits.audit_readable) {
        rows.push(AuditRow { tenant: None, entity_type: e.table.clone() });
    }
    rows
}

fn audit_insert(log: &Entity, row: &AuditRow) -> String {
    let tenant = row.tenant.as_deref().map_or_else(|| "NULL".to_string(), string_literal);
    format!(
        "INSERT INTO {} ({}, {}, {}, {}) VALUES ({tenant}, {}, {}, '1')",
        ident(D, &log.table),
        ident(D, audit::TENANT_ID),
        ident(D, audit::ACTION),
        ident(D, audit::ENTITY_TYPE),
        ident(D, audit::ENTITY_ID),
        string_literal(&format!("{}.insert", row.entity_type)),
        string_literal(&row.entity_type),
    )
}

/// The audit log, tenant A set: A's rows visible, B's and unreadable global
/// ones not, readable global ones visible; nothing written directly.
fn audit_log_checks(s: &mut Suite, schema: &Schema, log: &Entity, tenants: &(String, String)) {
    let table = ident(D, &log.table);
    let tenant = ident(D, audit::TENANT_ID);
    let etype = ident(D, audit::ENTITY_TYPE);
    s.test(format!(
        "ok((SELECT count(*) FROM {table} WHERE {tenant} = {}) > 0, {})",
        string_literal(&tenants.0),
        desc(log, "the current tenant's audit rows are visible")
    ));
    s.test(format!(
        "is((SELECT count(*) FROM {table} WHERE {tenant} = {}), 0::bigint, {})",
        string_literal(&tenants.1),
        desc(log, "another tenant's audit rows are invisible")
    ));
    s.test(format!(
        "is((SELECT count(*) FROM {table} WHERE {tenant} IS NULL AND {etype} = 'tw_fixture_global'), 0::bigint, {})",
        desc(log, "audit rows of a global table not marked readable are invisible")
    ));
    for readable in readable_audit_tables(schema) {
        s.test(format!(
            "ok((SELECT count(*) FROM {table} WHERE {tenant} IS NULL AND {etype} = {readable}) > 0, {})",
            desc(log, &format!("audit rows of the readable global table {} are visible", readable.trim_matches('\''))),
        ));
    }
    s.throws(
        &format!(
            "INSERT INTO {table} ({tenant}, {}, {etype}, {}) VALUES ({}, 'x.insert', 'x', '1')",
            ident(D, audit::ACTION),
            ident(D, audit::ENTITY_ID),
            string_literal(&tenants.0)
        ),
        &desc(log, "the application role cannot write audit rows"),
    );
    s.throws(
        &format!("UPDATE {table} SET {tenant} = {tenant} WHERE {tenant} = {}", string_literal(&tenants.0)),
        &desc(log, "the audit log cannot be updated"),
    );
    s.throws(
        &format!("DELETE FROM {table} WHERE {tenant} = {}", string_literal(&tenants.0)),
        &desc(log, "the audit log cannot be deleted from"),
    );
}

/// A global table: readable (unless a policy narrows reading), and every
/// command no policy opens is denied.
fn global_checks(s: &mut Suite, f: &Fixtures<'_>, entity: &Entity) {
    let table = ident(D, &entity.table);
    let opened = |c: PolicyCommand| entity.traits.policies.iter().any(|p| p.command == c);
    if !opened(PolicyCommand::Select) {
        s.test(format!(
            "ok((SELECT count(*) FROM {table}) > 0, {})",
            desc(entity, "a global table is readable by every tenant")
        ));
    }
    if !opened(PolicyCommand::Insert) {
        s.throws(&f.insert(entity, &Row::fresh(15, 1)), &desc(entity, "no insert: no policy opens it"));
    }
    if !opened(PolicyCommand::Update) {
        let column = entity.primary_key.columns.first().map_or_else(|| "ctid".to_string(), |c| ident(D, c));
        s.throws(&format!("UPDATE {table} SET {column} = {column}"), &desc(entity, "no update: no policy opens it"));
    }
    if !opened(PolicyCommand::Delete) {
        s.throws(&format!("DELETE FROM {table}"), &desc(entity, "no delete: no policy opens it"));
    }
}

/// A member of tenant A with a read-only role: sees the tenant's rows,
/// writes none of them.
fn viewer_checks(
    s: &mut Suite,
    f: &Fixtures<'_>,
    scoped: &[&Entity],
    setting: &str,
    tenant_a: &str,
    member: &Entity,
) -> Option<()> {
    let t = f.t;
    let viewer = f.key(f.user_entity(member)?, &f.user_key_column(member)?, SLOT_VIEWER);
    s.stmt("-- A member of tenant A with a read-only role");
    s.stmt(&format!("SELECT set_config({}, {}, true)", string_literal(setting), string_literal(&viewer)));
    let ta = string_literal(tenant_a);
    for entity in scoped {
        let table = ident(D, &entity.table);
        let col = ident(D, t.tenant_column(entity));
        if !entity.traits.policies.iter().any(|p| p.command == PolicyCommand::Select) {
            s.test(format!(
                "ok((SELECT count(*) FROM {table} WHERE {col} = {ta}) > 0, {})",
                desc(entity, "a read-only member sees the tenant's rows")
            ));
        }
        if !(entity.traits.tenant && t.membership.is_some()) {
            s.throws(&f.insert(entity, &Row::fresh(16, 1)), &desc(entity, "a read-only member inserts nothing"));
        }
        s.with_count(
            &format!("UPDATE {table} SET {col} = {col} WHERE {col} = {ta} RETURNING 1"),
            0,
            &desc(entity, "a read-only member updates nothing"),
        );
        s.with_count(
            &format!("DELETE FROM {table} WHERE {col} = {ta} RETURNING 1"),
            0,
            &desc(entity, "a read-only member deletes nothing"),
        );
    }
    Some(())
}

fn desc(entity: &Entity, what: &str) -> String {
    string_literal(&format!("{}: {what}", entity.table))
}

#[derive(Default)]
struct Suite {
    lines: Vec<String>,
    tests: usize,
}

impl Suite {
    fn stmt(&mut self, sql: &str) {
        if sql.starts_with("--") {
            self.lines.push(format!("\n{sql}"));
        } else {
            self.lines.push(format!("{sql};"));
        }
    }

    fn test(&mut self, call: String) {
        self.lines.push(format!("SELECT {call};"));
        self.tests += 1;
    }

    fn throws(&mut self, sql: &str, desc: &str) {
        self.test(format!("throws_ok($tw${sql}$tw$, '{DENIED}', NULL, {desc})"));
    }

    /// A data-modifying statement with `RETURNING 1`, and the number of rows it must touch.
    fn with_count(&mut self, sql: &str, expected: u32, desc: &str) {
        self.lines
            .push(format!("WITH changed AS ({sql}) SELECT is(count(*), {expected}::bigint, {desc}) FROM changed;"));
        self.tests += 1;
    }
}

/// One fixture row: its slot (which key it gets) and its tenant (1 = A, 2 = B).
#[derive(Clone, Copy)]
struct Row {
    slot: u32,
    tenant: u32,
    deleted: bool,
}

impl Row {
    fn fresh(slot: u32, tenant: u32) -> Row {
        Row { slot, tenant, deleted: false }
    }
}

struct Fixtures<'a> {
    schema: &'a Schema,
    analysis: &'a Analysis<'a>,
    t: &'a Tenancy<'a>,
    /// Insert order: foreign-key and polymorphic targets first.
    order: Vec<&'a Entity>,
    /// Each entity's 1-based position in the schema, by name: the number its
    /// fixture keys are made of, looked up per fixture column.
    positions: HashMap<&'a str, usize>,
}

impl<'a> Fixtures<'a> {
    fn new(analysis: &'a Analysis<'a>, t: &'a Tenancy<'a>) -> Self {
        let schema = analysis.schema();
        let positions: HashMap<&str, usize> =
            schema.entities.iter().enumerate().rev().map(|(i, e)| (e.name.as_str(), i + 1)).collect();
        // The dependency order again, now with polymorphic targets as edges
        // too (a link's target row must exist before the row pointing at
        // it); names that are no entity are no edge.
        let base = analysis.dependency_order();
        let order = model::stable_topological_order(
            base,
            |e| e.name.as_str(),
            |e| {
                let keys = e.foreign_keys.iter().map(|fk| fk.target.as_str()).filter(|t| *t != e.name);
                let links = e.polymorphic.iter().flat_map(|p| p.targets.iter().map(|t| t.entity.as_str()));
                keys.chain(links).filter(|d| positions.contains_key(d)).collect()
            },
        );
        let order = order.into_iter().map(|i| base[i]).collect();
        Fixtures { schema, analysis, t, order, positions }
    }

    fn entity(&self, name: &str) -> Option<&'a Entity> {
        self.analysis.entity(name)
    }

    fn index(&self, entity: &Entity) -> usize {
        self.positions.get(entity.name.as_str()).copied().unwrap_or(1)
    }

    fn soft(&self, entity: &Entity) -> bool {
        entity.traits.soft_delete && entity.column("deleted_at").is_some()
    }

    fn single_key(&self, entity: &Entity) -> Option<String> {
        match entity.primary_key.columns.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    fn scoped(&self, entity: &Entity) -> bool {
        entity.traits.tenant || entity.tenant_scope.is_some()
    }

    fn rows_of(&self, entity: &Entity) -> Vec<Row> {
        let mut rows = vec![Row::fresh(SLOT_A, 1), Row::fresh(SLOT_B, 2)];
        let is_membership = self.t.membership.is_some_and(|(m, _)| m.name == entity.name);
        let is_user = self.t.membership.and_then(|(m, _)| self.user_entity(m)).is_some_and(|u| u.name == entity.name);
        // The tenant row is its own tenant: a deleted tenant row would be another tenant.
        if entity.tenant_scope.is_some() && !entity.traits.tenant && self.soft(entity) {
            rows.push(Row { slot: SLOT_DELETED, tenant: 1, deleted: true });
        }
        if is_membership || is_user {
            rows.push(Row::fresh(SLOT_PLAIN_MEMBER, 1));
            if self.t.has_read_only_roles() {
                rows.push(Row::fresh(SLOT_VIEWER, 1));
            }
        }
        rows
    }

    /// The value the test sets the setting to for tenant A (slot 1) or B (slot 2).
    fn setting_value(&self, slot: u32) -> String {
        match self.t.membership {
            Some((m, _)) => match (self.user_entity(m), self.user_key_column(m)) {
                (Some(u), Some(k)) => self.key(u, &k, slot),
                _ => String::new(),
            },
            None => self.key(self.t.tenant, &self.t.tenant_key, slot),
        }
    }

    /// The users entity the membership table points at.
    fn user_entity(&self, member: &Entity) -> Option<&'a Entity> {
        let (_, m) = self.t.membership?;
        let fk = member.foreign_keys.iter().find(|fk| fk.columns.last() == Some(&m.user_column))?;
        self.entity(&fk.target)
    }

    fn user_key_column(&self, member: &Entity) -> Option<String> {
        self.single_key(self.user_entity(member)?)
    }

    /// A key value (unquoted) for `column` of `entity` in `slot`.
    fn key(&self, entity: &Entity, column: &str, slot: u32) -> String {
        let n = self.index(entity);
        match entity.column(column).map(|c| &c.ty) {
            Some(ColumnType::Uuid) => format!("00000000-0000-4000-8000-{n:04x}{slot:08x}"),
            Some(ColumnType::I16 | ColumnType::I32 | ColumnType::I64) => format!("{}", n * 1000 + slot as usize),
            _ => format!("k{n}x{slot}"),
        }
    }

    /// The `INSERT` of one fixture row.
    fn insert(&self, entity: &Entity, row: &Row) -> String {
        // In membership mode, the plain member's user row and membership use
        // their own slot for keys but belong to tenant A.
        let mut names = Vec::new();
        let mut values = Vec::new();
        let plain_member = row.slot == SLOT_PLAIN_MEMBER || row.slot == SLOT_VIEWER;
        for column in &entity.columns {
            let value = self.value(entity, column, row, plain_member);
            if let Some(v) = value {
                names.push(ident(D, &column.name));
                values.push(v);
            }
        }
        format!("INSERT INTO {} ({}) VALUES ({})", ident(D, &entity.table), names.join(", "), values.join(", "))
    }

    fn value(&self, entity: &Entity, column: &crate::model::Column, row: &Row, plain_member: bool) -> Option<String> {
        let tenant_slot = row.tenant;
        let membership = self.t.membership.filter(|(m, _)| m.name == entity.name).map(|(_, m)| m);
        // The tenant column of a scoped table.
        if let Some(scope) = &entity.tenant_scope
            && !entity.traits.tenant
            && scope.column == column.name
        {
            return Some(string_literal(&self.key(self.t.tenant, &self.t.tenant_key, tenant_slot)));
        }
        if column.name == "deleted_at" && self.soft(entity) {
            return row.deleted.then(|| "now() - interval '1 day'".to_string());
        }
        if let Some(m) = membership
            && column.name == m.role_column
        {
            let role = match row.slot {
                SLOT_VIEWER => m.read_only_roles.first().cloned(),
                SLOT_PLAIN_MEMBER => self.plain_role(column),
                _ => m.admin_roles.first().cloned(),
            };
            return role.map(|r| string_literal(&r));
        }
        // A foreign key column: the same tenant's row of the target (for the
        // plain member, user slot 13).
        if let Some(fk) = entity.foreign_keys.iter().find(|fk| fk.columns.last() == Some(&column.name)) {
            if column.nullable || fk.target == entity.name {
                return None;
            }
            let target = self.entity(&fk.target)?;
            let target_column = fk.target_columns.last()?;
            let slot = if plain_member && !self.scoped(target) { row.slot } else { tenant_slot };
            return Some(string_literal(&self.key(target, target_column, slot)));
        }
        // A polymorphic pair: the first target's row.
        for link in &entity.polymorphic {
            let first = link.targets.first()?;
            if column.name == link.type_column {
                return Some(string_literal(&first.value));
            }
            if column.name == link.id_column {
                let target = self.entity(&first.entity)?;
                let key = self.single_key(target)?;
                return Some(string_literal(&self.key(target, &key, tenant_slot)));
            }
        }
        if entity.primary_key.columns.contains(&column.name) {
            return Some(string_literal(&self.key(entity, &column.name, row.slot)));
        }
        if column.nullable || column.default.is_some() || column.generated != Generated::None {
            return None;
        }
        let n = self.index(entity) * 1000 + row.slot as usize;
        Some(match &column.ty {
            ColumnType::String => {
                let text = n.to_string();
                let max = column.max_len.map_or(text.len(), |m| m as usize).max(1);
                string_literal(&text[text.len().saturating_sub(max)..])
            }
            ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => (n % 30000).to_string(),
            ColumnType::F32 | ColumnType::F64 | ColumnType::Decimal => "0".to_string(),
            ColumnType::Bool => "false".to_string(),
            ColumnType::Uuid => string_literal(&format!("00000000-0000-4000-9000-{:012x}", n)),
            ColumnType::DateTimeUtc => "'2024-01-01T00:00:00Z'".to_string(),
            ColumnType::NaiveDateTime => "'2024-01-01T00:00:00'".to_string(),
            ColumnType::NaiveDate => "'2024-01-01'".to_string(),
            ColumnType::NaiveTime => "'00:00:00'".to_string(),
            ColumnType::Json => "'{}'".to_string(),
            ColumnType::Bytes => "'\\x00'".to_string(),
            ColumnType::StringArray => "'{}'".to_string(),
            ColumnType::Enum(name) => string_literal(&self.schema.enum_type(name)?.variants.first()?.value),
            ColumnType::Other(_) => "DEFAULT".to_string(),
        })
    }

    /// A role value that is neither an admin nor a read-only role: the role
    /// column's first enum value outside both, else `member`.
    fn plain_role(&self, column: &crate::model::Column) -> Option<String> {
        let (_, m) = self.t.membership?;
        if let ColumnType::Enum(name) = &column.ty {
            let e = self.schema.enum_type(name)?;
            return e
                .variants
                .iter()
                .map(|v| v.value.clone())
                .find(|v| !m.admin_roles.contains(v) && !m.read_only_roles.contains(v));
        }
        Some("member".to_string())
    }
}

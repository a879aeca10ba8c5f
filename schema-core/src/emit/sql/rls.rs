//! Row-level security for PostgreSQL, rendered from the values of
//! [`crate::security`]: the roles, the grants, the helper functions,
//! `ENABLE` + `FORCE ROW LEVEL SECURITY` and the policies of every table that
//! has them.
//!
//! These statements end the Postgres migration (after tables and triggers)
//! and start its down script; [`crate::emit::rls`] also writes them to
//! `postgres/rls.sql`, with a pgTAP suite that proves them. The contract is
//! documented in [`crate::security`].
//!
//! The roles are created `NOLOGIN NOSUPERUSER NOBYPASSRLS` if missing; a
//! deployment grants them to its login roles. The down script revokes what
//! the up script granted in this database and drops the functions, but keeps
//! the roles: roles are cluster-wide and other databases may use them.

use crate::diagnostics::Diagnostic;
use crate::model::Schema;
use crate::quote::{ident, string_literal};
use crate::security::{Function, SecuredTable, SecurityPlan, TenancyOptions, plan};
use crate::types::Dialect;

const D: Dialect = Dialect::Postgres;

/// The row-level-security statements of a schema, without terminating `;`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RlsStatements {
    /// Run after every table exists.
    pub up: Vec<String>,
    /// Run before any table is dropped.
    pub down: Vec<String>,
}

/// The statements for `schema`; empty when it has no tenant.
///
/// ```
/// use tablewright_core::security::TenancyOptions;
/// use tablewright_core::emit::sql::rls::statements;
/// let schema = tablewright_core::model::Schema::default();
/// let rls = statements(&schema, &TenancyOptions::default(), &mut Vec::new());
/// assert!(rls.up.is_empty() && rls.down.is_empty());
/// ```
pub fn statements(schema: &Schema, options: &TenancyOptions, diagnostics: &mut Vec<Diagnostic>) -> RlsStatements {
    match plan(schema, options, diagnostics) {
        Some(plan) => render(&plan),
        None => RlsStatements::default(),
    }
}

/// The statements of `schema`'s [`statements`] that need no table: the
/// roles, the schema grant and the helper functions with their privileges.
/// A tool that creates the tables and their policies itself (drizzle-kit)
/// runs these first, because its policies name the roles and call the
/// functions. The functions read tables, so they must be created with
/// `check_function_bodies` off when the tables do not exist yet.
///
/// ```
/// use tablewright_core::security::TenancyOptions;
/// use tablewright_core::emit::sql::rls::statements_before_tables;
/// let schema = tablewright_core::model::Schema::default();
/// assert!(statements_before_tables(&schema, &TenancyOptions::default(), &mut Vec::new()).is_empty());
/// ```
pub fn statements_before_tables(
    schema: &Schema,
    options: &TenancyOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    match plan(schema, options, diagnostics) {
        Some(plan) => {
            let mut out = role_statements(&plan);
            out.extend(function_statements(&plan));
            out
        }
        None => Vec::new(),
    }
}

/// The roles and the schema grant.
fn role_statements(plan: &SecurityPlan<'_>) -> Vec<String> {
    let options = plan.tenancy.options;
    let role = &options.role;
    vec![
        create_role(role, None),
        create_role(&options.admin_role, Some(role)),
        on_current_schema("GRANT USAGE ON SCHEMA %I TO %I", role),
    ]
}

/// Each helper function, its `REVOKE` from `PUBLIC` and its `GRANT EXECUTE`.
fn function_statements(plan: &SecurityPlan<'_>) -> Vec<String> {
    let role = &plan.tenancy.options.role;
    let mut out = Vec::new();
    for function in &plan.functions {
        out.push(create_function(function));
        out.push(format!("REVOKE ALL ON FUNCTION {}() FROM PUBLIC", function.name));
        out.push(format!("GRANT EXECUTE ON FUNCTION {}() TO {}", function.name, ident(D, role)));
    }
    out
}

/// The statements of a security plan.
pub fn render(plan: &SecurityPlan<'_>) -> RlsStatements {
    let role = &plan.tenancy.options.role;
    let mut up = role_statements(plan);
    for grant in &plan.grants {
        let privileges: Vec<&str> = grant.privileges.iter().map(|c| c.sql()).collect();
        up.push(format!(
            "GRANT {} ON TABLE {} TO {}",
            privileges.join(", "),
            ident(D, &grant.table),
            ident(D, &grant.role)
        ));
        for (_, column) in plan.sequences.iter().filter(|(table, _)| *table == grant.table) {
            up.push(format!(
                "DO $$\nBEGIN\n  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence({}, {}), {});\nEND\n$$",
                string_literal(&ident(D, &grant.table)),
                string_literal(column),
                string_literal(role)
            ));
        }
    }
    up.extend(function_statements(plan));
    for table in &plan.tables {
        up.extend(table_statements(table));
    }

    // Down: the functions (and, with CASCADE, the policies that call them),
    // then the schema grant. Tables, their policies and grants go with the tables.
    let mut down: Vec<String> =
        plan.functions.iter().rev().map(|f| format!("DROP FUNCTION IF EXISTS {}() CASCADE", f.name)).collect();
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

/// A helper function: plain SQL, `STABLE`; a `SECURITY DEFINER` one is
/// owned by the migration's role, so it reads the membership table without
/// its policy (no recursion), with `search_path` pinned and tables
/// schema-qualified through `format`.
fn create_function(f: &Function) -> String {
    if !f.definer {
        return format!(
            "CREATE OR REPLACE FUNCTION {}() RETURNS {} LANGUAGE sql STABLE AS $$ {} $$",
            f.name, f.returns, f.body
        );
    }
    let create = format!(
        "CREATE OR REPLACE FUNCTION %1$I.{}() RETURNS {} LANGUAGE sql STABLE SECURITY DEFINER \
         SET search_path = pg_catalog, pg_temp AS $body$ {} $body$",
        f.name, f.returns, f.body
    );
    format!("DO $do$\nBEGIN\n  EXECUTE format({}, current_schema());\nEND\n$do$", string_literal(&create))
}

/// `ENABLE` + `FORCE`, the policies and their comments of one table.
fn table_statements(secured: &SecuredTable<'_>) -> Vec<String> {
    let table = ident(D, &secured.entity.table);
    let mut out = vec![
        format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
        format!("ALTER TABLE {table} FORCE ROW LEVEL SECURITY"),
    ];
    out.extend(secured.policies.iter().map(|p| p.sql()));
    out.extend(
        secured
            .policies
            .iter()
            .map(|p| format!("COMMENT ON POLICY {} ON {table} IS {}", ident(D, &p.name), string_literal(&p.comment))),
    );
    out
}

/// The statements of a security plan as units the migration planner
/// compares one by one ([`super::parts::BehaviorUnit`]): the roles and the
/// schema grant; each table's grants; each function (replaced in place:
/// `CREATE OR REPLACE`); each table's `ENABLE` + `FORCE`; each table's
/// policies with their comments.
pub fn units(plan: &SecurityPlan<'_>) -> Vec<super::parts::BehaviorUnit> {
    use super::parts::BehaviorUnit;
    let options = plan.tenancy.options;
    let role = &options.role;
    let unit = |key: String, up: Vec<String>, down: Vec<String>, replaceable: bool| BehaviorUnit {
        key,
        up,
        down,
        replaceable,
        table: None,
    };
    let mut out = vec![unit(
        "rls:roles".to_string(),
        vec![
            create_role(role, None),
            create_role(&options.admin_role, Some(role)),
            on_current_schema("GRANT USAGE ON SCHEMA %I TO %I", role),
        ],
        vec![format!(
            "DO $$\nBEGIN\n  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {}) THEN\n    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), {});\n  END IF;\nEND\n$$",
            string_literal(role),
            string_literal(role)
        )],
        false,
    )];
    for grant in &plan.grants {
        let table = ident(D, &grant.table);
        let privileges: Vec<&str> = grant.privileges.iter().map(|c| c.sql()).collect();
        let mut up = vec![format!("GRANT {} ON TABLE {table} TO {}", privileges.join(", "), ident(D, &grant.role))];
        for (_, column) in plan.sequences.iter().filter(|(t, _)| *t == grant.table) {
            up.push(format!(
                "DO $$\nBEGIN\n  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence({}, {}), {});\nEND\n$$",
                string_literal(&table),
                string_literal(column),
                string_literal(role)
            ));
        }
        let down = vec![format!("REVOKE ALL ON TABLE {table} FROM {}", ident(D, &grant.role))];
        out.push(unit(format!("rls:grant {table}"), up, down, false));
    }
    for f in &plan.functions {
        let up = vec![
            create_function(f),
            format!("REVOKE ALL ON FUNCTION {}() FROM PUBLIC", f.name),
            format!("GRANT EXECUTE ON FUNCTION {}() TO {}", f.name, ident(D, role)),
        ];
        out.push(unit(
            format!("rls:function {}", f.name),
            up,
            vec![format!("DROP FUNCTION IF EXISTS {}() CASCADE", f.name)],
            true,
        ));
    }
    for secured in &plan.tables {
        let table = ident(D, &secured.entity.table);
        out.push(unit(
            format!("rls:enable {table}"),
            vec![
                format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
                format!("ALTER TABLE {table} FORCE ROW LEVEL SECURITY"),
            ],
            vec![
                format!("ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"),
                format!("ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"),
            ],
            false,
        ));
        let statements = table_statements(secured);
        out.push(unit(
            format!("rls:policies {table}"),
            statements[2..].to_vec(),
            secured
                .policies
                .iter()
                .map(|p| format!("DROP POLICY IF EXISTS {} ON {table}", ident(D, &p.name)))
                .collect(),
            false,
        ));
    }
    out
}

//! Row-level security of the showcase, proven on a real PostgreSQL:
//!
//! - the generated pgTAP suite (`generated/postgres/rls_test.sql`) passes
//!   with `pg_prove` on a freshly migrated database, and FAILS on a copy with
//!   row-level security disabled on one table (the suite can fail);
//! - membership mode (the showcase's): a user sees the organizations they are
//!   a member of, only owners/admins delete, nobody escalates their own role;
//! - setting mode (the showcase rebuilt with `TenancyMode::Setting`): two
//!   tenants and the non-superuser application role: isolation, a
//!   cross-tenant foreign key rejected, unset and reset settings, soft-delete
//!   visibility and restore through the admin role.
//!
//! Needs PostgreSQL (`TABLEWRIGHT_PG_URL`) and `pg_prove` (Debian
//! `postgresql-15-pgtap`, `libtap-parser-sourcehandler-pgtap-perl`; `scripts/test`
//! installs both).

mod common;
#[path = "../src/isolation.rs"]
mod isolation;

use std::path::PathBuf;

use common::{Database, PgDatabase};
use postgres::Client;

const ORG_A: &str = "0000000a-0000-4000-8000-000000000001";
const ORG_B: &str = "0000000b-0000-4000-8000-000000000002";
const USER_A: &str = "0000000a-0000-4000-8000-0000000000a1";
const USER_B: &str = "0000000b-0000-4000-8000-0000000000b1";
const PROJECT_A: &str = "0000000a-0000-4000-8000-00000000c0a1";
const PROJECT_B: &str = "0000000b-0000-4000-8000-00000000c0b1";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}; run `cargo build` first"))
}

/// The showcase's recorded PostgreSQL up migrations, in order: (file name, SQL).
fn recorded_up_steps() -> Vec<(String, String)> {
    let dir = root().join("generated/migrations/postgres");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo build` first", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".up.sql"))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    names.into_iter().map(|n| (n.clone(), read(&format!("generated/migrations/postgres/{n}")))).collect()
}

/// A fresh database with the showcase's recorded Postgres migrations applied
/// (membership mode, as generated); `None` when skipping.
fn migrated() -> Option<PgDatabase> {
    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    for (name, sql) in recorded_up_steps() {
        db.execute_batch(&sql).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    Some(db)
}

/// A fresh database with the showcase built in setting mode
/// (`TenancyMode::Setting`: isolation by `app.tenant_id`) and migrated.
fn migrated_setting_mode() -> Option<(PgDatabase, tempfile::TempDir)> {
    use tablewright::build::{Builder, TenancyMode, TenancyOptions};
    let out = tempfile::tempdir().unwrap();
    Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_out_dir(out.path())
        .with_tenancy(TenancyOptions { mode: TenancyMode::Setting, ..Default::default() })
        .generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .write()
        .unwrap_or_else(|e| panic!("{e}"));
    let up = std::fs::read_to_string(out.path().join("migrations/postgres/0001_initial.up.sql")).unwrap();
    // Setting mode reads the tenant setting; its tenant functions (for
    // custom policies) return that setting and read no membership table.
    assert!(up.contains("tw_member_tenants() RETURNS SETOF UUID LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::UUID $$"), "{up}");
    assert!(
        !up.contains("SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$"),
        "setting mode must not read the membership table"
    );
    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    db.execute_batch(&up).unwrap_or_else(|e| panic!("{e}"));
    Some((db, out))
}

#[test]
fn generated_pgtap_suite_passes_and_fails_when_rls_is_disabled_on_one_table() {
    let Some(mut db) = migrated() else { return };
    db.execute_batch("CREATE EXTENSION IF NOT EXISTS pgtap").unwrap_or_else(|e| panic!("{e}"));
    let suite = root().join("generated/postgres/rls_test.sql");
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(passed, "the generated pgTAP suite failed on the migrated showcase:\n{output}");
    assert!(output.contains("All tests successful"), "{output}");
    let checks = output.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(checks > 50, "suspiciously few checks ({checks}):\n{output}");

    // The same suite against a deliberately broken copy must fail, and name the table.
    db.execute_batch("ALTER TABLE \"labels\" DISABLE ROW LEVEL SECURITY").unwrap_or_else(|e| panic!("{e}"));
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(!passed, "the suite passed although labels has no row-level security:\n{output}");
    assert!(output.contains("not ok") && output.contains("labels: another tenant's rows are invisible"), "{output}");
    assert!(
        !output.lines().any(|l| l.starts_with("not ok") && !l.contains("labels:")),
        "only labels may fail:\n{output}"
    );

    // Another broken copy: RLS back on, but the triggers of `tasks` (audit,
    // version) off. The audit and optimistic-locking checks must catch it.
    db.execute_batch("ALTER TABLE \"labels\" ENABLE ROW LEVEL SECURITY; ALTER TABLE \"tasks\" DISABLE TRIGGER USER")
        .unwrap_or_else(|e| panic!("{e}"));
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(!passed, "the suite passed although tasks has no audit or version trigger:\n{output}");
    for check in [
        "tasks: the insert writes one `tasks.insert` audit row",
        "tasks: the update writes one `tasks.update` audit row",
        "tasks: the delete writes one `tasks.delete` audit row",
        "tasks: an update made from a stale version is rejected",
        "tasks: an update made from the current version bumps it",
    ] {
        assert!(
            output.lines().any(|l| l.starts_with("not ok") && l.contains(check)),
            "{check} did not fail:\n{output}"
        );
    }
    assert!(
        !output.lines().any(|l| l.starts_with("not ok") && !l.contains("tasks:")),
        "only tasks may fail:\n{output}"
    );
}

#[test]
fn setting_mode_generated_pgtap_suite_passes() {
    let Some((mut db, out)) = migrated_setting_mode() else { return };
    db.execute_batch("CREATE EXTENSION IF NOT EXISTS pgtap").unwrap_or_else(|e| panic!("{e}"));
    let suite = out.path().join("postgres/rls_test.sql");
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(passed, "the generated pgTAP suite failed on the showcase in setting mode:\n{output}");
    assert!(output.contains("All tests successful"), "{output}");
    for check in [
        "projects: the update writes one `projects.update` audit row",
        "tasks: an update made from a stale version is rejected",
    ] {
        assert!(output.lines().any(|l| l.starts_with("ok") && l.contains(check)), "missing check {check}:\n{output}");
    }
    // Broken: RLS off on projects.
    db.execute_batch("ALTER TABLE \"projects\" DISABLE ROW LEVEL SECURITY").unwrap_or_else(|e| panic!("{e}"));
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(!passed && output.contains("projects: another tenant's rows are invisible"), "{output}");
}

/// Two tenants, a user and a project each, inserted by the (superuser) owner.
fn seed(client: &mut Client) {
    client
        .batch_execute(&format!(
            "INSERT INTO organizations (id, name, slug) VALUES ('{ORG_A}', 'A', 'a'), ('{ORG_B}', 'B', 'b');
             INSERT INTO users (id, email, display_name) VALUES ('{USER_A}', 'a@x', 'A'), ('{USER_B}', 'b@x', 'B');
             INSERT INTO projects (id, organization_id, name, code) VALUES
               ('{PROJECT_A}', '{ORG_A}', 'PA', 'PA'), ('{PROJECT_B}', '{ORG_B}', 'PB', 'PB');"
        ))
        .unwrap_or_else(|e| panic!("seed: {e}"));
}

/// Runs `f` in a transaction as `role` with `settings`, rolled back afterwards.
fn as_role<T>(
    client: &mut Client,
    role: &str,
    settings: &[(&str, &str)],
    f: impl FnOnce(&mut postgres::Transaction) -> T,
) -> T {
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(&format!("SET LOCAL ROLE {role}")).expect("set role");
    for (name, value) in settings {
        tx.execute("SELECT set_config($1, $2, true)", &[name, value]).expect("set_config");
    }
    let out = f(&mut tx);
    tx.rollback().expect("rollback");
    out
}

fn count(tx: &mut postgres::Transaction, sql: &str) -> i64 {
    tx.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

#[test]
fn setting_mode_the_application_role_sees_and_writes_only_its_tenant() {
    let Some((mut db, _out)) = migrated_setting_mode() else { return };
    let client = db.client();
    seed(client);
    let role: (bool, bool) = client
        .query_one("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'app_user'", &[])
        .map(|r| (r.get(0), r.get(1)))
        .expect("app_user exists");
    assert_eq!(role, (false, false), "app_user must be NOSUPERUSER NOBYPASSRLS");

    for (org, project, other) in [(ORG_A, PROJECT_A, PROJECT_B), (ORG_B, PROJECT_B, PROJECT_A)] {
        let seen: Vec<String> = as_role(client, "app_user", &[("app.tenant_id", org)], |tx| {
            tx.query("SELECT id::text FROM projects ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect()
        });
        assert_eq!(seen, [project.to_string()], "tenant {org} sees only its project");
        let orgs = as_role(client, "app_user", &[("app.tenant_id", org)], |tx| {
            count(tx, "SELECT count(*) FROM organizations")
        });
        assert_eq!(orgs, 1, "the tenant table shows only the tenant's own row");
        // Cross-tenant update and delete touch nothing.
        let touched = as_role(client, "app_user", &[("app.tenant_id", org)], |tx| {
            let u = tx.execute(&format!("UPDATE projects SET name = 'x' WHERE id = '{other}'"), &[]).unwrap();
            let d = tx.execute(&format!("DELETE FROM projects WHERE id = '{other}'"), &[]).unwrap();
            u + d
        });
        assert_eq!(touched, 0);
    }

    // Insert into the other tenant: denied by the policy.
    let err = as_role(client, "app_user", &[("app.tenant_id", ORG_A)], |tx| {
        tx.batch_execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_B}', 'n', 'N')"))
            .unwrap_err()
    });
    let db_err = err.as_db_error().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(db_err.code().code(), "42501", "{db_err}");
    assert!(db_err.message().contains("row-level security"), "{db_err}");

    // A task of tenant A pointing at tenant B's project: the composite
    // same-tenant foreign key rejects it (the app cannot even see the project,
    // but knowing its id is not enough).
    let err = as_role(client, "app_user", &[("app.tenant_id", ORG_A)], |tx| {
        tx.batch_execute(&format!(
            "INSERT INTO tasks (organization_id, project_id, title, created_by_id) VALUES ('{ORG_A}', '{PROJECT_B}', 't', '{USER_A}')"
        ))
        .unwrap_err()
    });
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("23503"), "{err}");
    // The same insert as the superuser owner (no RLS): still rejected by the schema.
    let err = client
        .batch_execute(&format!(
            "INSERT INTO tasks (organization_id, project_id, title, created_by_id) VALUES ('{ORG_A}', '{PROJECT_B}', 't', '{USER_A}')"
        ))
        .unwrap_err();
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("23503"), "{err}");

    // Unset and reset settings: nothing visible, nothing writable.
    let unset = as_role(client, "app_user", &[], |tx| count(tx, "SELECT count(*) FROM projects"));
    assert_eq!(unset, 0);
    let reset = as_role(client, "app_user", &[("app.tenant_id", ORG_A)], |tx| {
        tx.batch_execute("RESET app.tenant_id").unwrap();
        let n = count(tx, "SELECT count(*) FROM projects");
        let insert = tx
            .batch_execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_A}', 'n', 'N')"));
        (n, insert.is_err())
    });
    assert_eq!(reset, (0, true));
}

#[test]
fn setting_mode_soft_deleted_rows_are_hidden_and_the_admin_role_restores_them() {
    let Some((mut db, _out)) = migrated_setting_mode() else { return };
    let client = db.client();
    seed(client);
    let a = [("app.tenant_id", ORG_A)];
    // The app role soft-deletes (UPDATE ... WHERE ... RETURNING passes the policies),
    // still sees the row in that transaction, and not after it.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&format!("SET LOCAL ROLE app_user; SELECT set_config('app.tenant_id', '{ORG_A}', true)")).unwrap();
    let returned = tx
        .query(&format!("UPDATE projects SET deleted_at = now() WHERE id = '{PROJECT_A}' RETURNING id"), &[])
        .unwrap_or_else(|e| panic!("soft delete as app_user: {e}"));
    assert_eq!(returned.len(), 1);
    tx.commit().unwrap();
    assert_eq!(as_role(client, "app_user", &a, |tx| count(tx, "SELECT count(*) FROM projects")), 0);
    // The include-deleted setting means nothing to app_user ...
    let include = [("app.tenant_id", ORG_A), ("app.include_deleted", "on")];
    assert_eq!(as_role(client, "app_user", &include, |tx| count(tx, "SELECT count(*) FROM projects")), 0);
    // ... nor to the admin role without it, but with it the admin role sees and restores.
    assert_eq!(as_role(client, "app_admin", &a, |tx| count(tx, "SELECT count(*) FROM projects")), 0);
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&format!(
        "SET LOCAL ROLE app_admin; SELECT set_config('app.tenant_id', '{ORG_A}', true); SELECT set_config('app.include_deleted', 'on', true)"
    ))
    .unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM projects"), 1);
    // Not across tenants, even for the admin role.
    assert_eq!(tx.execute(&format!("UPDATE projects SET deleted_at = NULL WHERE id = '{PROJECT_B}'"), &[]).unwrap(), 0);
    assert_eq!(tx.execute(&format!("UPDATE projects SET deleted_at = NULL WHERE id = '{PROJECT_A}'"), &[]).unwrap(), 1);
    tx.commit().unwrap();
    assert_eq!(as_role(client, "app_user", &a, |tx| count(tx, "SELECT count(*) FROM projects")), 1);
}

#[test]
fn the_showcase_demonstration_shows_each_tenant_only_its_rows() {
    let Some(mut db) = migrated() else { return };
    let lines = isolation::demonstrate_isolation(db.client()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains("isolation-demo-a") && lines[0].contains("[\"DEMOA\"]"), "{lines:?}");
    assert!(lines[2].contains("sees 0 projects"), "{lines:?}");
    // Rolled back: nothing left behind.
    let left: i64 = db.client().query_one("SELECT count(*) FROM organizations", &[]).unwrap().get(0);
    assert_eq!(left, 0);
    // And it detects broken isolation.
    db.execute_batch("ALTER TABLE projects DISABLE ROW LEVEL SECURITY").unwrap();
    let err = isolation::demonstrate_isolation(db.client()).unwrap_err();
    assert!(err.starts_with("isolation broken"), "{err}");
}

const USER_BOTH: &str = "0000000c-0000-4000-8000-0000000000c1";
const OWNER_A: &str = "0000000a-0000-4000-8000-0000000000a2";

/// Membership mode: `USER_BOTH` is a plain member of A and B, `USER_A` a plain
/// member of A, `OWNER_A` the owner of A; `USER_B` is a member of B.
fn seed_members(client: &mut Client) {
    seed(client);
    client
        .batch_execute(&format!(
            "INSERT INTO users (id, email, display_name) VALUES ('{USER_BOTH}', 'both@x', 'Both'), ('{OWNER_A}', 'o@x', 'O');
             INSERT INTO organization_members (organization_id, user_id, role) VALUES
               ('{ORG_A}', '{USER_BOTH}', 'member'), ('{ORG_B}', '{USER_BOTH}', 'member'),
               ('{ORG_A}', '{USER_A}', 'member'), ('{ORG_A}', '{OWNER_A}', 'owner'), ('{ORG_B}', '{USER_B}', 'admin');"
        ))
        .unwrap_or_else(|e| panic!("seed members: {e}"));
}

fn ids(tx: &mut postgres::Transaction, sql: &str) -> Vec<String> {
    tx.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect()
}

#[test]
fn membership_mode_users_see_the_organizations_they_belong_to() {
    let Some(mut db) = migrated() else { return };
    let client = db.client();
    seed_members(client);
    let projects = "SELECT id::text FROM projects ORDER BY id";
    let orgs = "SELECT id::text FROM organizations ORDER BY id";

    let both = [("app.user_id", USER_BOTH)];
    assert_eq!(as_role(client, "app_user", &both, |tx| ids(tx, projects)), [PROJECT_A, PROJECT_B]);
    assert_eq!(as_role(client, "app_user", &both, |tx| ids(tx, orgs)), [ORG_A, ORG_B]);
    let a = [("app.user_id", USER_A)];
    assert_eq!(as_role(client, "app_user", &a, |tx| ids(tx, projects)), [PROJECT_A]);
    assert_eq!(as_role(client, "app_user", &a, |tx| ids(tx, orgs)), [ORG_A]);
    // The tenant setting means nothing in membership mode.
    let a_with_b = [("app.user_id", USER_A), ("app.tenant_id", ORG_B)];
    assert_eq!(as_role(client, "app_user", &a_with_b, |tx| ids(tx, projects)), [PROJECT_A]);
    // No user set, or reset: nothing visible, nothing writable.
    assert!(as_role(client, "app_user", &[], |tx| ids(tx, projects)).is_empty());
    assert!(as_role(client, "app_user", &[], |tx| ids(tx, orgs)).is_empty());
    let reset = as_role(client, "app_user", &a, |tx| {
        tx.batch_execute("RESET app.user_id").unwrap();
        let seen = ids(tx, projects);
        let insert = tx
            .batch_execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_A}', 'n', 'N')"));
        (seen.len(), insert.is_err())
    });
    assert_eq!(reset, (0, true));
    // A member writes in their organization, not in another one.
    let err = as_role(client, "app_user", &a, |tx| {
        tx.batch_execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_B}', 'n', 'N')"))
            .unwrap_err()
    });
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("42501"), "{err}");
    let inserted = as_role(client, "app_user", &a, |tx| {
        tx.execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_A}', 'n', 'N')"), &[])
    });
    assert_eq!(inserted.unwrap_or_else(|e| panic!("{e}")), 1);
}

#[test]
fn membership_mode_only_owners_and_admins_delete_and_change_memberships() {
    let Some(mut db) = migrated() else { return };
    let client = db.client();
    seed_members(client);
    let delete_pa = format!("DELETE FROM projects WHERE id = '{PROJECT_A}'");
    // A plain member deletes nothing (the row is visible, the delete policy filters it).
    for user in [USER_A, USER_BOTH] {
        let n = as_role(client, "app_user", &[("app.user_id", user)], |tx| tx.execute(&delete_pa, &[]).unwrap());
        assert_eq!(n, 0, "plain member {user} deleted a project");
    }
    // The owner of A does; the admin of B does not delete A's rows.
    let n = as_role(client, "app_user", &[("app.user_id", OWNER_A)], |tx| tx.execute(&delete_pa, &[]).unwrap());
    assert_eq!(n, 1);
    let n = as_role(client, "app_user", &[("app.user_id", USER_B)], |tx| tx.execute(&delete_pa, &[]).unwrap());
    assert_eq!(n, 0);

    // No self-escalation: a plain member cannot change a role, nor add an owner membership.
    let escalate = format!("UPDATE organization_members SET role = 'owner' WHERE user_id = '{USER_A}'");
    let n = as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| tx.execute(&escalate, &[]).unwrap());
    assert_eq!(n, 0, "a plain member escalated their role");
    let err = as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| {
        tx.batch_execute(&format!(
            "INSERT INTO organization_members (organization_id, user_id, role) VALUES ('{ORG_B}', '{USER_A}', 'owner')"
        ))
        .unwrap_err()
    });
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("42501"), "{err}");
    let n = as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| {
        tx.execute(&format!("DELETE FROM organization_members WHERE user_id = '{OWNER_A}'"), &[]).unwrap()
    });
    assert_eq!(n, 0, "a plain member removed the owner");
    // The owner can change roles in A.
    let n = as_role(client, "app_user", &[("app.user_id", OWNER_A)], |tx| tx.execute(&escalate, &[]).unwrap());
    assert_eq!(n, 1);
    let role: String = client
        .query_one(&format!("SELECT role::text FROM organization_members WHERE user_id = '{USER_A}'"), &[])
        .unwrap()
        .get(0);
    assert_eq!(role, "member", "as_role rolls back");
}

/// The holes a security review found, closed: the generated suite fails on a
/// copy where the audit log has no row-level security, and on a copy that
/// grants the application role INSERT on it (each hole alone).
#[test]
fn generated_pgtap_suite_fails_on_each_audit_log_hole() {
    let Some(mut db) = migrated() else { return };
    db.execute_batch("CREATE EXTENSION IF NOT EXISTS pgtap").unwrap_or_else(|e| panic!("{e}"));
    let suite = root().join("generated/postgres/rls_test.sql");
    for (hole, undo, must_fail) in [
        (
            "ALTER TABLE audit_logs DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY",
            &[
                "audit_logs: another tenant's audit rows are invisible",
                "audit_logs: row-level security is enabled and forced",
            ][..],
        ),
        (
            "GRANT INSERT ON audit_logs TO app_user",
            "REVOKE INSERT ON audit_logs FROM app_user",
            &["audit_logs: the application role is granted exactly SELECT"][..],
        ),
        (
            "GRANT DELETE ON users TO app_user",
            "REVOKE DELETE ON users FROM app_user",
            &["users: the application role is granted exactly SELECT, INSERT, UPDATE"][..],
        ),
        (
            "CREATE POLICY widen ON comments FOR SELECT USING (true)",
            "DROP POLICY widen ON comments",
            &["comments: exactly the generated policies", "comments: another tenant's rows are invisible"][..],
        ),
    ] {
        db.execute_batch(hole).unwrap_or_else(|e| panic!("{hole}: {e}"));
        let (passed, output) = common::tools::pg_prove(db.name(), &suite);
        assert!(!passed, "the suite passed with `{hole}`:\n{output}");
        for check in must_fail {
            assert!(
                output.lines().any(|l| l.starts_with("not ok") && l.contains(check)),
                "`{hole}`: {check} did not fail:\n{output}"
            );
        }
        db.execute_batch(undo).unwrap_or_else(|e| panic!("{undo}: {e}"));
    }
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(passed, "the suite must pass again once every hole is closed:\n{output}");
}

const COMMENT_A: &str = "0000000a-0000-4000-8000-00000000e0a1";
const COMMENT_B: &str = "0000000b-0000-4000-8000-00000000e0b1";
const TASK_A: &str = "0000000a-0000-4000-8000-00000000d0a1";
const TASK_B: &str = "0000000b-0000-4000-8000-00000000d0b1";
const VIEWER_A: &str = "0000000a-0000-4000-8000-0000000000a3";
const USER_OUT: &str = "0000000d-0000-4000-8000-0000000000d1";

/// [`seed_members`], plus a viewer of A, a user of no organization, a task
/// in each organization, a comment by `USER_A` on A's task and one by
/// `USER_A` on B's task (put there by the owner, bypassing the policies),
/// and audit rows of A, B and a global table (the users).
fn seed_comments(client: &mut Client) {
    seed_members(client);
    client
        .batch_execute(&format!(
            "INSERT INTO users (id, email, display_name) VALUES ('{VIEWER_A}', 'v@x', 'V'), ('{USER_OUT}', 'out@x', 'Out');
             INSERT INTO organization_members (organization_id, user_id, role) VALUES ('{ORG_A}', '{VIEWER_A}', 'viewer');
             INSERT INTO tasks (id, organization_id, project_id, title, created_by_id) VALUES
               ('{TASK_A}', '{ORG_A}', '{PROJECT_A}', 'ta', '{USER_A}'), ('{TASK_B}', '{ORG_B}', '{PROJECT_B}', 'tb', '{USER_B}');
             INSERT INTO comments (id, organization_id, task_id, author_id, body) VALUES
               ('{COMMENT_A}', '{ORG_A}', '{TASK_A}', '{USER_A}', 'mine'),
               ('{COMMENT_B}', '{ORG_B}', '{TASK_B}', '{USER_A}', 'planted in B');"
        ))
        .unwrap_or_else(|e| panic!("seed comments: {e}"));
}

fn denied(err: postgres::Error) -> String {
    let db = err.as_db_error().unwrap_or_else(|| panic!("not a database error: {err}"));
    assert_eq!(db.code().code(), "42501", "{db}");
    db.message().to_string()
}

#[test]
fn membership_mode_audit_log_is_isolated_and_append_only() {
    let Some(mut db) = migrated() else { return };
    let client = db.client();
    seed_comments(client);
    let total: i64 = client.query_one("SELECT count(*) FROM audit_logs", &[]).unwrap().get(0);
    let of = |org: &str| format!("SELECT count(*) FROM audit_logs WHERE tenant_id = '{org}'");
    let global = "SELECT count(*) FROM audit_logs WHERE tenant_id IS NULL";
    assert!(total > 0 && count_as_owner(client, &of(ORG_B)) > 0 && count_as_owner(client, global) > 0);

    let a = [("app.user_id", USER_A)];
    assert!(as_role(client, "app_user", &a, |tx| count(tx, &of(ORG_A))) > 0, "a member reads its tenant's audit");
    assert_eq!(as_role(client, "app_user", &a, |tx| count(tx, &of(ORG_B))), 0, "cross-tenant audit reads");
    assert_eq!(as_role(client, "app_user", &a, |tx| count(tx, global)), 0, "audit rows of the users table");
    assert_eq!(as_role(client, "app_user", &[], |tx| count(tx, "SELECT count(*) FROM audit_logs")), 0, "no user set");
    let reset = as_role(client, "app_user", &a, |tx| {
        tx.batch_execute("RESET app.user_id").unwrap();
        count(tx, "SELECT count(*) FROM audit_logs")
    });
    assert_eq!(reset, 0, "user reset");
    // Forging, rewriting or erasing history: refused for every tenant.
    for sql in [
        format!(
            "INSERT INTO audit_logs (tenant_id, actor_id, action, entity_type, entity_id) VALUES ('{ORG_A}', '{OWNER_A}', 'projects.delete', 'projects', '{PROJECT_A}')"
        ),
        format!(
            "INSERT INTO audit_logs (tenant_id, action, entity_type, entity_id) VALUES ('{ORG_B}', 'x.insert', 'x', '1')"
        ),
        format!("UPDATE audit_logs SET actor_id = 'nobody' WHERE tenant_id = '{ORG_A}'"),
        format!("DELETE FROM audit_logs WHERE tenant_id = '{ORG_A}'"),
    ] {
        let err = as_role(client, "app_user", &[("app.user_id", OWNER_A)], |tx| tx.batch_execute(&sql).unwrap_err());
        assert!(denied(err).contains("permission denied"), "{sql}");
    }
    // The triggers still write it: a member's change lands in the log.
    let logged = as_role(client, "app_user", &a, |tx| {
        tx.batch_execute(&format!("UPDATE projects SET name = 'renamed' WHERE id = '{PROJECT_A}'")).unwrap();
        count(
            tx,
            &format!("SELECT count(*) FROM audit_logs WHERE action = 'projects.update' AND actor_id = '{USER_A}'"),
        )
    });
    assert_eq!(logged, 1);
    let after: i64 = client.query_one("SELECT count(*) FROM audit_logs", &[]).unwrap().get(0);
    assert_eq!(after, total, "nothing written outside the rolled-back transactions");
}

fn count_as_owner(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

#[test]
fn membership_mode_users_are_global_with_least_privilege() {
    let Some(mut db) = migrated() else { return };
    let client = db.client();
    seed_comments(client);
    let users = "SELECT id::text FROM users ORDER BY id";
    // A user sees themselves and the members of their organizations.
    let mut expected = vec![USER_A, OWNER_A, VIEWER_A, USER_BOTH];
    expected.sort();
    assert_eq!(as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| ids(tx, users)), expected);
    assert_eq!(as_role(client, "app_user", &[("app.user_id", USER_OUT)], |tx| ids(tx, users)), [USER_OUT]);
    assert!(as_role(client, "app_user", &[], |tx| ids(tx, users)).is_empty());
    // Updates: one's own profile only.
    let rename = |who: &str| format!("UPDATE users SET display_name = 'new' WHERE id = '{who}'");
    let a = [("app.user_id", USER_A)];
    assert_eq!(as_role(client, "app_user", &a, |tx| tx.execute(&rename(USER_A), &[]).unwrap()), 1);
    assert_eq!(as_role(client, "app_user", &a, |tx| tx.execute(&rename(OWNER_A), &[]).unwrap()), 0);
    assert_eq!(as_role(client, "app_user", &a, |tx| tx.execute(&rename(USER_B), &[]).unwrap()), 0);
    // Sign-up: a session creates its own user row, no one else's.
    const NEW: &str = "0000000e-0000-4000-8000-0000000000e1";
    let sign_up = |id: &str| format!("INSERT INTO users (id, email, display_name) VALUES ('{id}', '{id}@x', 'N')");
    let created = as_role(client, "app_user", &[("app.user_id", NEW)], |tx| tx.execute(&sign_up(NEW), &[]));
    assert_eq!(created.unwrap_or_else(|e| panic!("sign-up: {e}")), 1);
    let err = as_role(client, "app_user", &a, |tx| tx.batch_execute(&sign_up(NEW)).unwrap_err());
    assert!(denied(err).contains("row-level security"));
    // Nobody deletes a user (no policy opens it): the cascade would reach
    // other tenants' memberships.
    let err = as_role(client, "app_user", &a, |tx| {
        tx.batch_execute(&format!("DELETE FROM users WHERE id = '{USER_A}'")).unwrap_err()
    });
    assert!(denied(err).contains("permission denied"));
}

#[test]
fn membership_mode_custom_policies_and_read_only_members() {
    let Some(mut db) = migrated() else { return };
    let client = db.client();
    seed_comments(client);
    let edit = |id: &str| format!("UPDATE comments SET body = 'edited' WHERE id = '{id}'");
    let remove = |id: &str| format!("DELETE FROM comments WHERE id = '{id}'");
    let run = |client: &mut Client, user: &str, sql: &str| {
        as_role(client, "app_user", &[("app.user_id", user)], |tx| tx.execute(sql, &[]).unwrap())
    };
    // The author edits; another plain member does not; an admin does.
    assert_eq!(run(client, USER_A, &edit(COMMENT_A)), 1, "author");
    assert_eq!(run(client, USER_BOTH, &edit(COMMENT_A)), 0, "a plain member who is not the author");
    assert_eq!(run(client, OWNER_A, &edit(COMMENT_A)), 1, "the owner");
    assert_eq!(run(client, USER_BOTH, &remove(COMMENT_A)), 0);
    assert_eq!(run(client, USER_A, &remove(COMMENT_A)), 1);
    // A comment in one's own name only.
    let write = |author: &str| {
        format!(
            "INSERT INTO comments (organization_id, task_id, author_id, body) VALUES ('{ORG_A}', '{TASK_A}', '{author}', 'x')"
        )
    };
    assert_eq!(
        as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| tx.execute(&write(USER_A), &[]).unwrap()),
        1
    );
    let err =
        as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| tx.batch_execute(&write(OWNER_A)).unwrap_err());
    assert!(denied(err).contains("row-level security"));
    // The custom policy cannot widen the tenant boundary: USER_A authored the
    // comment planted in B, but is no member of B.
    let planted = format!("SELECT count(*) FROM comments WHERE id = '{COMMENT_B}'");
    assert_eq!(as_role(client, "app_user", &[("app.user_id", USER_A)], |tx| count(tx, &planted)), 0);
    assert_eq!(run(client, USER_A, &edit(COMMENT_B)), 0);
    assert_eq!(run(client, USER_A, &remove(COMMENT_B)), 0);

    // A viewer reads the organization's rows and writes none.
    let v = [("app.user_id", VIEWER_A)];
    assert_eq!(as_role(client, "app_user", &v, |tx| ids(tx, "SELECT id::text FROM projects")), [PROJECT_A]);
    for sql in [
        format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_A}', 'v', 'V')"),
        format!("INSERT INTO labels (organization_id, name) VALUES ('{ORG_A}', 'v')"),
        write(VIEWER_A),
    ] {
        let err = as_role(client, "app_user", &v, |tx| tx.batch_execute(&sql).unwrap_err());
        assert!(denied(err).contains("row-level security"), "{sql}");
    }
    for sql in [
        format!("UPDATE projects SET name = 'v' WHERE id = '{PROJECT_A}'"),
        format!("UPDATE projects SET deleted_at = now() WHERE id = '{PROJECT_A}'"),
        format!("DELETE FROM tasks WHERE id = '{TASK_A}'"),
        format!("UPDATE organization_members SET role = 'owner' WHERE user_id = '{VIEWER_A}'"),
    ] {
        assert_eq!(run(client, VIEWER_A, &sql), 0, "a viewer wrote: {sql}");
    }
}

/// A custom policy that tries to open every row (`true`) of a tenant-scoped
/// table: combined with the tenant condition, the generated suite still
/// finds every table isolated; the same policy written by hand without the
/// tenant condition makes the suite fail.
#[test]
fn a_custom_policy_cannot_widen_the_tenant_boundary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        r#"use tablewright::prelude::*;
#[entity]
#[tenant]
pub struct Org { #[id] pub id: Uuid }
#[entity]
#[tenant_scoped]
#[policy(select, update, delete, name = "everything", using = "true")]
#[policy(insert, name = "anything", check = "true")]
pub struct Note { #[id] pub id: Uuid, pub body: String }
"#,
    )
    .unwrap();
    let out = dir.path().join("generated");
    tablewright::build::Builder::new()
        .with_crate_dir(dir.path())
        .generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .write()
        .unwrap_or_else(|e| panic!("{e}"));
    let up = std::fs::read_to_string(out.join("migrations/postgres/0001_initial.up.sql")).unwrap();
    assert!(
        up.contains(
            "CREATE POLICY \"everything_select\" ON \"notes\" FOR SELECT USING (\"org_id\" = NULLIF(current_setting('app.tenant_id', true), '')::UUID AND (true))"
        ),
        "{up}"
    );
    let Some(mut db) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    db.execute_batch(&up).unwrap_or_else(|e| panic!("{e}"));
    db.execute_batch("CREATE EXTENSION IF NOT EXISTS pgtap").unwrap();
    let suite = out.join("postgres/rls_test.sql");
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(passed, "{output}");
    for check in ["notes: another tenant's rows are invisible", "notes: insert into another tenant is denied"] {
        assert!(output.lines().any(|l| l.starts_with("ok") && l.contains(check)), "{check}:\n{output}");
    }
    // Written without the tenant condition, the same policy leaks.
    db.execute_batch(
        "DROP POLICY everything_select ON notes; CREATE POLICY everything_select ON notes FOR SELECT USING (true)",
    )
    .unwrap();
    let (passed, output) = common::tools::pg_prove(db.name(), &suite);
    assert!(
        !passed && output.contains("not ok") && output.contains("notes: another tenant's rows are invisible"),
        "{output}"
    );
}

/// Managed PostgreSQL (RDS, Cloud SQL, Supabase, Neon) migrates as a role
/// that owns the tables but is not a superuser. FORCE ROW LEVEL SECURITY
/// holds that owner to the policies, and the membership functions run as
/// it: before `0004_membership_read_policy` they recursed through the
/// membership table's own policies, and every query of the application role
/// failed. The recorded steps run here as such a role; after 0003 the failure
/// is there, after 0004 the application role works and stays isolated.
#[test]
fn a_migration_role_that_is_not_a_superuser_gets_working_isolation() {
    let Some(mut db) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    let mut client = db.owned_by_a_login_role().unwrap_or_else(|e| panic!("{e}"));
    let owner = client.query_one("SELECT current_user::text", &[]).expect("current_user").get::<_, String>(0);
    let steps = recorded_up_steps();
    let (before, after): (Vec<_>, Vec<_>) = steps.iter().partition(|(name, _)| name.as_str() < "0004");
    for (name, sql) in &before {
        client.batch_execute(sql).unwrap_or_else(|e| panic!("{name} as a non-superuser owner: {e}"));
    }
    // The rows, written past row-level security by the test's superuser; the
    // owner may act as the application role.
    seed_members(db.client());
    db.client().batch_execute(&format!("GRANT app_user TO \"{owner}\"")).unwrap_or_else(|e| panic!("{e}"));

    let projects = "SELECT id::text FROM projects ORDER BY id";
    let a = [("app.user_id", USER_A)];
    let failure = as_role(&mut client, "app_user", &a, |tx| tx.query(projects, &[]).map(|_| ()));
    let err = failure.expect_err("before 0004 the membership functions recurse");
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("54001"), "stack depth limit exceeded: {err}");

    for (name, sql) in &after {
        client.batch_execute(sql).unwrap_or_else(|e| panic!("{name} as a non-superuser owner: {e}"));
    }
    let members = "SELECT organization_id::text || ' ' || user_id::text FROM organization_members ORDER BY 1";
    assert_eq!(as_role(&mut client, "app_user", &a, |tx| ids(tx, projects)), [PROJECT_A]);
    assert_eq!(as_role(&mut client, "app_user", &a, |tx| ids(tx, "SELECT id::text FROM organizations")), [ORG_A]);
    // The owner's read is the owner's: the application role sees the
    // memberships of its own organizations only, and none without a user.
    let seen = as_role(&mut client, "app_user", &a, |tx| ids(tx, members));
    assert!(!seen.is_empty() && seen.iter().all(|m| m.starts_with(ORG_A)), "{seen:?}");
    let b = [("app.user_id", USER_B)];
    let seen = as_role(&mut client, "app_user", &b, |tx| ids(tx, members));
    assert!(!seen.is_empty() && seen.iter().all(|m| m.starts_with(ORG_B)), "{seen:?}");
    assert!(as_role(&mut client, "app_user", &[], |tx| ids(tx, members)).is_empty());
    let both = [("app.user_id", USER_BOTH)];
    assert_eq!(as_role(&mut client, "app_user", &both, |tx| ids(tx, projects)), [PROJECT_A, PROJECT_B]);
    // Writes keep to the tenant boundary too.
    let err = as_role(&mut client, "app_user", &a, |tx| {
        tx.batch_execute(&format!("INSERT INTO projects (organization_id, name, code) VALUES ('{ORG_B}', 'n', 'N')"))
            .unwrap_err()
    });
    assert_eq!(err.as_db_error().map(|e| e.code().code()), Some("42501"), "{err}");
    drop(client);
}

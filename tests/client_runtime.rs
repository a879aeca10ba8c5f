//! The runtime contract in each ORM client (generated/{prisma,drizzle,typeorm}/tenant.ts,
//! generated/alembic/tenant.py), exercised through the client itself on one
//! PostgreSQL database our migrations built, as a login role granted the
//! application role:
//!
//! - two organizations, each with its own owner: through each client, each
//!   user sees exactly the live tasks of their organization, and a client
//!   with no context sees nothing;
//! - an update made from a stale version surfaces as the documented error
//!   (`VersionConflictError`; SQLAlchemy's `VersionConflict`, a
//!   `StaleDataError`, and the ORM's own `StaleDataError` for a stale copy);
//! - `live` (Drizzle) and `hide_deleted` (SQLAlchemy) hide soft-deleted rows
//!   where no policy does (the table owner, past row-level security).
//!
//! The type checkers see the helpers too: tsc `--strict` compiles each
//! TypeScript helper with its client and the script using it; mypy
//! `--strict` and pyright strict accept tenant.py. The four clients run side
//! by side, each with its own task for the stale update.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::PgDatabase;
use common::tools::{TempDir, copy_dir, node_bin, node_dir, postgres_up_sql, python, root, run, venv_bin};
use serde_json::Value;

const ORG_A: &str = "0a000000-0000-4000-8000-00000000000a";
const ORG_B: &str = "0b000000-0000-4000-8000-00000000000b";
const USER_A: &str = "1a000000-0000-4000-8000-00000000000a";
const USER_B: &str = "1b000000-0000-4000-8000-00000000000b";
/// One task of organization A per client, each updated from a stale version.
const CLIENTS: [(&str, &str); 4] = [
    ("prisma", "2a000000-0000-4000-8000-000000000001"),
    ("drizzle", "2a000000-0000-4000-8000-000000000002"),
    ("typeorm", "2a000000-0000-4000-8000-000000000003"),
    ("sqlalchemy", "2a000000-0000-4000-8000-000000000004"),
];
/// A soft-deleted task of organization A: hidden from everyone.
const DELETED_A: &str = "2a000000-0000-4000-8000-0000000000de";
const TASKS_B: [&str; 2] = ["2b000000-0000-4000-8000-000000000001", "2b000000-0000-4000-8000-000000000002"];

/// Two organizations, an owner each, a project each, their tasks. Written
/// by the superuser, past row-level security.
fn fixture() -> String {
    let mut sql = format!(
        "INSERT INTO users (id, email, display_name) VALUES ('{USER_A}', 'a@example.com', 'A'), ('{USER_B}', 'b@example.com', 'B');
INSERT INTO organizations (id, name, slug) VALUES ('{ORG_A}', 'A', 'org-a'), ('{ORG_B}', 'B', 'org-b');
INSERT INTO organization_members (organization_id, user_id, role) VALUES ('{ORG_A}', '{USER_A}', 'owner'), ('{ORG_B}', '{USER_B}', 'owner');
INSERT INTO projects (id, organization_id, name, code) VALUES
  ('3a000000-0000-4000-8000-00000000000a', '{ORG_A}', 'Project A', 'PA'),
  ('3b000000-0000-4000-8000-00000000000b', '{ORG_B}', 'Project B', 'PB');
"
    );
    let task = |id: &str, org: &str, project: &str, user: &str, deleted: bool| {
        format!(
            "INSERT INTO tasks (id, organization_id, project_id, title, created_by_id, deleted_at) VALUES ('{id}', '{org}', '{project}', 'task {id}', '{user}', {});\n",
            if deleted { "now()" } else { "NULL" }
        )
    };
    for (_, id) in CLIENTS {
        sql.push_str(&task(id, ORG_A, "3a000000-0000-4000-8000-00000000000a", USER_A, false));
    }
    sql.push_str(&task(DELETED_A, ORG_A, "3a000000-0000-4000-8000-00000000000a", USER_A, true));
    for id in TASKS_B {
        sql.push_str(&task(id, ORG_B, "3b000000-0000-4000-8000-00000000000b", USER_B, false));
    }
    sql
}

/// A login role granted the application role, dropped on drop (roles are
/// cluster-wide).
struct LoginRole {
    name: String,
    admin_url: String,
}

impl LoginRole {
    fn create(db: &mut PgDatabase) -> LoginRole {
        let name = format!("tw_client_{}", common::unique_db_name());
        db.client()
            .batch_execute(&format!("CREATE ROLE \"{name}\" LOGIN PASSWORD 'client'; GRANT app_user TO \"{name}\";"))
            .unwrap_or_else(|e| panic!("cannot create the login role: {e}"));
        LoginRole { name, admin_url: db.url() }
    }

    /// The test database's URL with this role as the user.
    fn url(&self) -> String {
        let (_, server) = self.admin_url.rsplit_once('@').expect("a URL with a user");
        format!("postgres://{}:client@{server}", self.name)
    }
}

impl Drop for LoginRole {
    fn drop(&mut self) {
        // The database is dropped after this guard: its grants go with it,
        // but DROP ROLE needs the database's objects of the role gone.
        if let Ok(mut client) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP OWNED BY \"{0}\"; DROP ROLE \"{0}\"", self.name));
        }
    }
}

/// A tsconfig for a scratch project: strict, resolving packages from
/// tools/node (through a `node_modules` link in the project).
fn ts_project(dir: &Path, module: &str, decorators: bool) {
    let modules = node_dir().join("node_modules");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&modules, dir.join("node_modules")).expect("link node_modules");
    let esm = module == "nodenext";
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true,
            "target": "ES2022",
            "module": module,
            "moduleResolution": if esm { "nodenext" } else { "node10" },
            "rewriteRelativeImportExtensions": esm,
            "experimentalDecorators": decorators,
            "emitDecoratorMetadata": decorators,
            "skipLibCheck": true,
            "noEmitOnError": true,
            "outDir": "out",
            "types": ["node"],
        },
        "include": ["**/*.ts"],
        "exclude": ["node_modules", "out"],
    });
    fs::write(dir.join("tsconfig.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    if esm {
        // tsc and node read the module format from the nearest package.json.
        fs::write(dir.join("package.json"), "{\"type\": \"module\"}\n").unwrap();
    }
}

fn tsc(dir: &Path) -> Result<(), String> {
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.args(["-p", "tsconfig.json", "--pretty", "false"]);
    run(cmd, dir).map(drop)
}

/// Prepares a client's scratch project and returns the command that runs its script.
fn prepare(client: &str, work: &Path) -> Result<Command, String> {
    let generated = root().join("generated");
    let script = root().join("tests/clients").join(client);
    match client {
        "prisma" => {
            fs::create_dir_all(work.join("prisma")).unwrap();
            for file in ["schema.prisma", "tenant.ts"] {
                fs::copy(generated.join("prisma").join(file), work.join("prisma").join(file)).unwrap();
            }
            fs::write(
                work.join("prisma.config.ts"),
                "import { defineConfig } from \"prisma/config\";\nexport default defineConfig({ schema: \"prisma/schema.prisma\" });\n",
            )
            .unwrap();
            fs::copy(script.with_extension("ts"), work.join("main.ts")).unwrap();
            ts_project(work, "nodenext", false);
            // Prisma's CLI fetches its schema engine before any command;
            // `generate` does not use it (see TOOLCHAIN.md).
            let mut generate = Command::new(node_bin("prisma"));
            generate.args(["generate"]).env("PRISMA_SCHEMA_ENGINE_BINARY", "/bin/true");
            run(generate, work)?;
            fs::remove_file(work.join("prisma.config.ts")).unwrap();
            tsc(work)?;
            let mut cmd = Command::new("node");
            cmd.arg("out/main.js");
            Ok(cmd)
        }
        "drizzle" | "drizzle-broken" => {
            for file in ["schema.ts", "tenant.ts"] {
                fs::copy(generated.join("drizzle").join(file), work.join(file)).unwrap();
            }
            if client == "drizzle-broken" {
                let helper = fs::read_to_string(work.join("tenant.ts")).unwrap();
                // The user is never set: the same query, without the context.
                let broken = helper.replace("${context.userId ?? \"\"}", "${\"\"}");
                assert_ne!(broken, helper, "the helper sets no context to break");
                fs::write(work.join("tenant.ts"), broken).unwrap();
            }
            fs::copy(root().join("tests/clients/drizzle.ts"), work.join("main.ts")).unwrap();
            ts_project(work, "nodenext", false);
            tsc(work)?;
            let mut cmd = Command::new("node");
            cmd.arg("out/main.js");
            Ok(cmd)
        }
        "typeorm" => {
            copy_dir(&generated.join("typeorm/entities"), &work.join("entities"));
            for file in ["enums.ts", "tenant.ts"] {
                fs::copy(generated.join("typeorm").join(file), work.join(file)).unwrap();
            }
            fs::copy(script.with_extension("ts"), work.join("main.ts")).unwrap();
            ts_project(work, "commonjs", true);
            tsc(work)?;
            let mut cmd = Command::new("node");
            cmd.arg("out/main.js");
            Ok(cmd)
        }
        "sqlalchemy" => {
            let alembic = generated.join("alembic");
            for file in ["models.py", "tenant.py"] {
                fs::copy(alembic.join(file), work.join(file)).unwrap();
            }
            fs::copy(script.with_extension("py"), work.join("main.py")).unwrap();
            let mut mypy = Command::new(venv_bin("mypy"));
            mypy.args(["--strict", "--cache-dir"]).arg(work.join(".mypy_cache")).args(["models.py", "tenant.py"]);
            run(mypy, work)?;
            fs::write(
                work.join("pyrightconfig.json"),
                "{\"typeCheckingMode\": \"strict\", \"include\": [\"models.py\", \"tenant.py\"]}\n",
            )
            .unwrap();
            let mut pyright = Command::new(node_bin("pyright"));
            pyright.arg("-p").arg("pyrightconfig.json").arg("--pythonpath").arg(python());
            run(pyright, work)?;
            let mut cmd = Command::new(python());
            cmd.arg("main.py").env("PYTHONDONTWRITEBYTECODE", "1");
            Ok(cmd)
        }
        other => Err(format!("no client {other}")),
    }
}

/// Runs one client's script against the database: its JSON report.
fn exercise(client: &str, task: &str, login_url: &str, admin_url: &str) -> Result<Value, String> {
    let work = TempDir::new(&format!("client-{client}"));
    let mut cmd = prepare(client, work.path())?;
    cmd.env("DATABASE_URL", login_url)
        .env("ADMIN_URL", admin_url)
        .env("USER_A", USER_A)
        .env("USER_B", USER_B)
        .env("ORG_A", ORG_A)
        .env("TASK", task);
    let output = run(cmd, work.path())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| format!("{client} printed no JSON report ({e}):\n{stdout}"))
}

fn ids(value: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect();
    ids.sort();
    ids
}

#[test]
fn each_client_runs_as_its_tenant_and_reports_version_conflicts() {
    let Some(mut db) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    let generated = root().join("generated");
    db.client().batch_execute(&postgres_up_sql(&generated)).unwrap_or_else(|e| panic!("migrations: {e}"));
    db.client().batch_execute(&fixture()).unwrap_or_else(|e| panic!("fixture: {e}"));
    let role = LoginRole::create(&mut db);
    let (login_url, admin_url) = (role.url(), db.url());

    let reports: Vec<(&str, Result<Value, String>)> = std::thread::scope(|scope| {
        let running: Vec<_> = CLIENTS
            .iter()
            .map(|&(client, task)| {
                let (login_url, admin_url) = (&login_url, &admin_url);
                (client, scope.spawn(move || exercise(client, task, login_url, admin_url)))
            })
            .collect();
        running.into_iter().map(|(client, handle)| (client, handle.join().expect("a client thread"))).collect()
    });

    let mut expected_a: Vec<String> = CLIENTS.iter().map(|(_, id)| id.to_string()).collect();
    expected_a.sort();
    let expected_b: Vec<String> = TASKS_B.iter().map(|id| id.to_string()).collect();
    let mut failures = Vec::new();
    for (client, report) in reports {
        let report = match report {
            Ok(report) => report,
            Err(e) => {
                failures.push(format!("{client}: {e}"));
                continue;
            }
        };
        let mut check = |ok: bool, what: &str| {
            if !ok {
                failures.push(format!("{client}: {what}; report: {report}"));
            }
        };
        check(ids(&report["a"]) == expected_a, "user A does not see exactly organization A's live tasks");
        check(ids(&report["b"]) == expected_b, "user B does not see exactly organization B's tasks");
        check(report["none"].as_array().is_some_and(Vec::is_empty), "without a context something is visible");
        let conflict = &report["conflict"];
        let name = if client == "sqlalchemy" { "VersionConflict" } else { "VersionConflictError" };
        check(conflict["name"] == name && conflict["typed"] == true, "the stale update is not the documented error");
        check(conflict["table"] == "tasks", "the conflict does not name the table");
        check(conflict["rowVersion"] == 2 && conflict["staleVersion"] == 1, "the conflict's versions are wrong");
        if client == "sqlalchemy" {
            check(report["orm_conflict"] == "StaleDataError", "a stale ORM copy is not a StaleDataError");
        }
        if matches!(client, "drizzle" | "sqlalchemy") {
            check(report["all"] == 5 && report["live"] == 4, "the soft-delete filter does not hide the deleted task");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    drop(role);
}

/// The negative control: a copy of the Drizzle helper that sets no context
/// lets nobody see anything, so the test above sees rows because the helper
/// sets the tenant and the user, not because the role bypasses security.
#[test]
fn a_helper_that_sets_no_context_sees_nothing() {
    let Some(mut db) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    db.client().batch_execute(&postgres_up_sql(&root().join("generated"))).unwrap_or_else(|e| panic!("{e}"));
    db.client().batch_execute(&fixture()).unwrap_or_else(|e| panic!("{e}"));
    let role = LoginRole::create(&mut db);
    let err = exercise("drizzle-broken", CLIENTS[1].1, &role.url(), &db.url()).expect_err("no context, no rows");
    assert!(err.contains("the task is not visible"), "{err}");
}

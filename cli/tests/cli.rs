//! The `tablewright` binary, run as a user runs it, on a small crate in a
//! temporary directory and on real PostgreSQL, MariaDB and SQLite databases
//! (each test makes its own and drops it).
//!
//! The servers are `TABLEWRIGHT_PG_URL` / `TABLEWRIGHT_MYSQL_URL` (defaults
//! 127.0.0.1, as `scripts/test` sets up); an unreachable server fails the
//! test unless `TABLEWRIGHT_SKIP_DB_TESTS=1`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tablewright_cli::db::{Connection, DbUrl, Dialect, Scratch};

const SCHEMA: &str = r#"use tablewright::prelude::*;

/// A customer.
#[entity]
#[timestamps]
pub struct Customer {
    #[id(auto)]
    pub id: i64,
    #[unique]
    pub email: String,
    pub name: String,
}

#[db_enum]
pub enum OrderState {
    Open,
    Paid,
}

#[entity]
#[index(customer_id)]
pub struct Order {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Customer, on_delete = cascade)]
    pub customer_id: i64,
    pub state: OrderState,
    #[column(check = "total_cents >= 0")]
    pub total_cents: i64,
}
"#;

/// A crate with [`SCHEMA`] in a temporary directory.
fn krate(schema: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("tw-cli-").tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\ntablewright = \"0.1\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("build.rs"), "fn main() {\n    tablewright::build::Builder::new().run();\n}\n").unwrap();
    fs::write(dir.path().join("src/schema.rs"), schema).unwrap();
    dir
}

fn tw(krate: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tablewright").expect("the binary is built");
    cmd.arg("--crate-dir").arg(krate).env_remove("DATABASE_URL");
    cmd
}

/// `tablewright generate` in `krate`.
fn generate(krate: &Path) {
    tw(krate).arg("generate").assert().success().stdout(predicate::str::contains("wrote"));
}

/// The server URL of a dialect (SQLite: a file in a temp dir), or `None`
/// when it is unreachable and skipping is allowed.
fn server(dialect: Dialect) -> Option<DbUrl> {
    let (var, default) = match dialect {
        Dialect::Postgres => ("TABLEWRIGHT_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        Dialect::Mysql => ("TABLEWRIGHT_MYSQL_URL", "mysql://root@127.0.0.1:3306/"),
        Dialect::Sqlite => return Some(DbUrl::parse("sqlite::memory:").unwrap()),
    };
    let url = std::env::var(var).ok().filter(|u| !u.is_empty()).unwrap_or_else(|| default.to_string());
    let url = DbUrl::parse(&url).unwrap_or_else(|e| panic!("{var}: {e}"));
    match url.connect() {
        Ok(_) => Some(url),
        Err(e) if std::env::var("TABLEWRIGHT_SKIP_DB_TESTS").is_ok_and(|v| v == "1") => {
            eprintln!("note: skipping the {dialect:?} part: {e}; TABLEWRIGHT_SKIP_DB_TESTS is set");
            None
        }
        Err(e) => panic!(
            "{e}\nthe CLI tests need PostgreSQL and MariaDB: run scripts/test, point {var} at a server, \
             or set TABLEWRIGHT_SKIP_DB_TESTS=1"
        ),
    }
}

/// A fresh empty database of `dialect`.
fn fresh(dialect: Dialect) -> Option<Scratch> {
    server(dialect).map(|url| Scratch::create(&url).expect("a throwaway database"))
}

/// The `--database-url` of a throwaway database.
fn database_arg(scratch: &Scratch) -> String {
    match scratch.url().sqlite_path() {
        Some(path) => format!("sqlite:{path}"),
        None => scratch.url().driver_url().to_string(),
    }
}

fn scalar(conn: &mut Connection, sql: &str) -> String {
    conn.query(sql).unwrap().first().and_then(|r| r.first().cloned().flatten()).unwrap_or_default()
}

fn tables(conn: &mut Connection) -> Vec<String> {
    let sql = match conn.dialect() {
        Dialect::Postgres => "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        Dialect::Mysql => "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY 1",
    };
    conn.query(sql).unwrap().into_iter().map(|r| r[0].clone().unwrap()).collect()
}

#[test]
fn help_names_every_command_and_reads_like_the_readme() {
    let output = Command::cargo_bin("tablewright").unwrap().arg("--help").assert().success();
    let help = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    for command in ["generate", "check", "lint", "erd", "seed", "migrations", "drift", "import"] {
        assert!(help.contains(&format!("\n  {command} ")), "--help lacks {command}:\n{help}");
    }
    assert!(help.contains("tablewright import database --database-url"), "{help}");
    let output = Command::cargo_bin("tablewright").unwrap().args(["migrations", "--help"]).assert().success();
    let help = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    for command in ["status", "record", "apply", "down", "verify"] {
        assert!(help.contains(&format!("\n  {command} ")), "migrations --help lacks {command}:\n{help}");
    }
}

#[test]
fn generate_check_and_record_follow_the_schema() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    tw(dir).arg("check").assert().code(1).stderr(predicate::str::contains("out of date with the schema"));
    generate(dir);
    assert!(dir.join("generated/migrations/postgres/0001_initial.up.sql").is_file());
    tw(dir).arg("check").assert().success().stdout(predicate::str::contains("up to date"));

    // A new column: check fails on the unrecorded draft, record makes 0002.
    fs::write(
        dir.join("src/schema.rs"),
        SCHEMA.replace("pub name: String,", "pub name: String,\n    pub phone: Option<String>,"),
    )
    .unwrap();
    tw(dir).arg("generate").assert().success().stderr(predicate::str::contains("draft of migration 0002 pending"));
    tw(dir).arg("check").assert().code(1).stderr(predicate::str::contains("the change is not recorded"));
    tw(dir)
        .args(["migrations", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0001_initial").and(predicate::str::contains("record it with")));
    tw(dir).args(["migrations", "record", "add_phone"]).assert().success();
    let up = fs::read_to_string(dir.join("generated/migrations/postgres/0002_add_phone.up.sql")).unwrap();
    assert!(up.contains("ADD COLUMN \"phone\""), "{up}");
    tw(dir).arg("check").assert().success();
}

#[test]
fn the_config_file_is_read_and_a_wrong_key_is_an_error() {
    let krate = krate(&SCHEMA.replace("pub total_cents: i64,", "pub total_cents: i64,\n    pub discount: f64,"));
    let dir = krate.path();
    let output = tw(dir).args(["lint", "--format", "json"]).assert().success();
    let findings: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let rules: Vec<&str> = findings.as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"unindexed_foreign_key") || !rules.is_empty(), "{findings}");

    tw(dir)
        .arg("lint")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("[{}]", rules[0])).and(predicate::str::contains(", 0 errors")));

    // A rule made an error in tablewright.toml fails lint, generate and check.
    let rule = rules[0];
    fs::write(dir.join("tablewright.toml"), format!("lint_errors = [\"{rule}\"]\n")).unwrap();
    let output = tw(dir).args(["lint", "--format", "json"]).assert().code(1);
    let findings: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert!(findings.as_array().unwrap().iter().any(|f| f["rule"] == rule && f["severity"] == "error"), "{findings}");
    tw(dir).arg("generate").assert().code(2).stderr(predicate::str::contains(rule));

    // Dialects and targets chosen in the file: the build writes nothing else.
    fs::write(dir.join("tablewright.toml"), "dialects = [\"postgres\"]\ntargets = [\"prisma\"]\n").unwrap();
    tw(dir).arg("generate").assert().success();
    let generated = dir.join("generated");
    assert!(generated.join("migrations/postgres/0001_initial.up.sql").is_file());
    assert!(generated.join("prisma/schema.prisma").is_file());
    for absent in ["migrations/mysql", "migrations/sqlite", "drizzle", "typeorm", "alembic", "types", "erd"] {
        assert!(!generated.join(absent).exists(), "{absent} is not selected");
    }
    fs::write(dir.join("tablewright.toml"), "dialects = [\"postgres\", \"oracle\"]\n").unwrap();
    tw(dir).arg("check").assert().code(2).stderr(predicate::str::contains(
        "`dialects` names `oracle`, which does not exist: write some of postgres, mysql, sqlite",
    ));

    fs::write(dir.join("tablewright.toml"), "lint_erors = []\n").unwrap();
    tw(dir).arg("generate").assert().code(2).stderr(
        predicate::str::contains("tablewright.toml").and(predicate::str::contains("unknown field `lint_erors`")),
    );
}

#[test]
fn erd_writes_the_diagram_and_opens_it_with_the_desktop_viewer() {
    let krate = krate(SCHEMA);
    tw(krate.path()).arg("erd").assert().success().stdout(predicate::str::contains("erd.svg"));
    let svg = fs::read_to_string(krate.path().join("generated/erd/erd.svg")).unwrap();
    assert!(svg.contains("customers") && svg.contains("orders"), "{svg:.300}");
    assert!(!krate.path().join("generated/migrations").exists(), "erd writes the diagram files only");

    // `--open` hands the SVG to xdg-open: a stand-in on PATH records what it got.
    let bin = tempfile::TempDir::new().unwrap();
    let opened = bin.path().join("opened");
    let viewer = bin.path().join("xdg-open");
    fs::write(&viewer, format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display())).unwrap();
    fs::set_permissions(&viewer, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    tw(krate.path()).args(["erd", "--open"]).env("PATH", path).assert().success();
    for _ in 0..50 {
        if opened.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let got = fs::read_to_string(&opened).expect("the viewer was started");
    assert_eq!(got.trim(), krate.path().join("generated/erd/erd.svg").display().to_string());
}

#[test]
fn migrations_apply_status_down_verify_and_seed_on_each_database() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let sqlite_file = tempfile::NamedTempFile::new().unwrap();
        let (scratch, url) = match dialect {
            Dialect::Sqlite => (None, format!("sqlite:{}", sqlite_file.path().display())),
            _ => match fresh(dialect) {
                Some(scratch) => {
                    let url = database_arg(&scratch);
                    (Some(scratch), url)
                }
                None => continue,
            },
        };
        let tw_db = |args: &[&str]| {
            let mut cmd = tw(dir);
            cmd.args(args).arg("--database-url").arg(&url);
            cmd
        };
        tw_db(&["migrations", "apply"]).assert().success().stdout(predicate::str::contains("applied 0001_initial"));
        tw_db(&["migrations", "apply"]).assert().success().stdout(predicate::str::contains("up to date"));
        tw_db(&["migrations", "status"]).assert().success().stdout(predicate::str::contains("0001_initial  applied"));
        let mut conn = DbUrl::parse(&url).unwrap().connect().unwrap();
        assert_eq!(
            scalar(&mut conn, "SELECT description FROM _sqlx_migrations WHERE version = 1"),
            "initial",
            "{dialect:?}"
        );
        tw_db(&["seed", "--tenants", "1", "--rows", "7"]).assert().success().stdout(predicate::str::contains("loaded"));
        assert_eq!(scalar(&mut conn, "SELECT COUNT(*) FROM customers"), "7", "{dialect:?}");

        tw_db(&["migrations", "down"]).assert().success().stdout(predicate::str::contains("reverted 0001_initial"));
        assert_eq!(tables(&mut conn), ["_sqlx_migrations"], "{dialect:?}: the down migration drops every table");
        tw_db(&["migrations", "status"]).assert().success().stdout(predicate::str::contains("0001_initial  pending"));
        tw_db(&["migrations", "down"]).assert().success().stdout(predicate::str::contains("no migration is applied"));
        drop(conn);

        let server = match dialect {
            Dialect::Sqlite => url.clone(),
            _ => server(dialect).unwrap().driver_url().to_string(),
        };
        tw(dir)
            .args(["migrations", "verify", "--database-url", &server])
            .assert()
            .success()
            .stdout(predicate::str::contains("verified 1 migration"));
        drop(scratch);
    }
}

#[test]
fn verify_finds_a_down_migration_that_does_not_restore_the_schema() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    let down = dir.join("generated/migrations/sqlite/0001_initial.down.sql");
    let text = fs::read_to_string(&down).unwrap();
    let kept: String =
        text.lines().filter(|l| !l.contains("DROP TABLE IF EXISTS \"orders\"")).map(|l| format!("{l}\n")).collect();
    assert_ne!(kept, text, "the down file drops orders:\n{text}");
    fs::write(&down, kept).unwrap();
    let db = tempfile::NamedTempFile::new().unwrap();
    tw(dir)
        .args(["migrations", "verify", "--database-url"])
        .arg(format!("sqlite:{}", db.path().display()))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("does not restore the schema before 0001_initial")
                .and(predicate::str::contains("+ object: table | orders")),
        );
}

#[test]
fn a_migration_that_fails_halfway_names_the_statement_and_records_nothing() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let Some(scratch) = fresh(dialect) else { continue };
        let url = database_arg(&scratch);
        // A second migration whose second statement fails.
        let folder = dir.join("generated/migrations").join(dialect.dir_name());
        fs::write(
            folder.join("0002_broken.up.sql"),
            "CREATE TABLE notes (id BIGINT PRIMARY KEY);\n\nALTER TABLE nowhere ADD COLUMN x INT;\n",
        )
        .unwrap();
        fs::write(folder.join("0002_broken.down.sql"), "DROP TABLE notes;\n").unwrap();
        let message = match dialect {
            Dialect::Postgres => "relation \"nowhere\" does not exist",
            Dialect::Mysql => "Table 'tw_verify_",
            Dialect::Sqlite => "no such table: nowhere",
        };
        let consequence = match dialect {
            // MySQL commits each DDL statement: the error says so.
            Dialect::Mysql => "the statements before it took effect",
            _ => "nothing of this migration was applied",
        };
        let output = tw(dir)
            .args(["migrations", "apply", "--database-url", &url])
            .assert()
            .code(2)
            .stdout(predicate::str::contains("applied 0001_initial"));
        let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("0002_broken.up.sql: statement 2 of 2 (line 3) failed"), "{dialect:?}: {stderr}");
        assert!(stderr.contains(message) && stderr.contains(consequence), "{dialect:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{dialect:?}: one line:\n{stderr}");
        let mut conn = scratch.url().connect().unwrap();
        let versions = conn.query("SELECT version FROM _sqlx_migrations ORDER BY version").unwrap();
        assert_eq!(versions, [[Some("1".to_string())]], "{dialect:?}: only 0001 is recorded");
        let notes = tables(&mut conn).contains(&"notes".to_string());
        assert_eq!(notes, dialect == Dialect::Mysql, "{dialect:?}: the first statement's table");
        for file in ["0002_broken.up.sql", "0002_broken.down.sql"] {
            fs::remove_file(folder.join(file)).unwrap();
        }
    }
}

#[test]
fn bad_urls_unreachable_servers_and_wrong_passwords_are_one_line_errors() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    let cases: [(&str, &str); 4] = [
        ("oracle://scott@db/orcl", "is not a database URL tablewright knows"),
        ("postgres://postgres@127.0.0.1:1/app", "cannot connect to postgres://postgres@127.0.0.1:1/app"),
        ("mysql://root:not-the-password@127.0.0.1:3306/mysql", "Access denied for user 'root'"),
        ("sqlite:/nonexistent-dir/x.db", "cannot open sqlite:/nonexistent-dir/x.db"),
    ];
    for (url, expected) in cases {
        if url.starts_with("mysql") && server(Dialect::Mysql).is_none() {
            continue;
        }
        let output = tw(dir).args(["migrations", "apply", "--database-url", url]).assert().code(2);
        let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{url}: one line:\n{stderr}");
        assert!(!stderr.contains("not-the-password"), "the password is never printed: {stderr}");
    }
}

/// Builds `tests/sqlx-agrees` (sqlx's migrator in a binary of its own) once.
fn sqlx_agrees() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sqlx-agrees/Cargo.toml");
            let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sqlx-agrees");
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "--quiet", "--locked", "--manifest-path"])
                .arg(&manifest)
                .arg("--target-dir")
                .arg(&target)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building {} failed", manifest.display());
            target.join("debug/sqlx-agrees")
        })
        .clone()
}

/// The history table is sqlx's: what `tablewright migrations apply` ran,
/// sqlx's migrator (what `sqlx::migrate!` runs) sees as applied with
/// matching checksums, and the other way round; both refuse an edited file.
#[test]
fn sqlx_agrees_with_the_history_table() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    let migrations = dir.join("generated/migrations/postgres");
    let sqlx = |url: &str| {
        let output = std::process::Command::new(sqlx_agrees()).arg(url).arg(&migrations).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };

    // tablewright first, then sqlx: sqlx applies nothing and accepts the checksums.
    let Some(scratch) = fresh(Dialect::Postgres) else { return };
    let url = database_arg(&scratch);
    tw(dir).args(["migrations", "apply", "--database-url", &url]).assert().success();
    assert_eq!(sqlx(&url), (true, "sqlx applied []\n".to_string()));
    drop(scratch);

    // sqlx first, then tablewright: status says applied, apply does nothing.
    let Some(scratch) = fresh(Dialect::Postgres) else { return };
    let url = database_arg(&scratch);
    assert_eq!(sqlx(&url), (true, "sqlx applied [1]\n".to_string()));
    tw(dir)
        .args(["migrations", "status", "--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("0001_initial  applied"));
    tw(dir)
        .args(["migrations", "apply", "--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("up to date"));

    // A recorded file edited after it ran: both refuse.
    let up = migrations.join("0001_initial.up.sql");
    fs::write(&up, format!("{}\n-- edited\n", fs::read_to_string(&up).unwrap())).unwrap();
    tw(dir)
        .args(["migrations", "apply", "--database-url", &url])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("migration 0001_initial was applied from a different file"));
    let (ok, text) = sqlx(&url);
    assert!(!ok && text.contains("previously applied but has been modified"), "{text}");
}

/// Drift on each database: none after `apply`; a column added and an
/// index dropped by hand are reported, exit 1, and the SQL drift prints
/// brings the database back (drift is clean again after running it).
#[test]
fn drift_reports_hand_made_changes_and_its_sql_repairs_them() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    generate(dir);
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let Some(scratch) = fresh(dialect) else { continue };
        let url = database_arg(&scratch);
        let drift = || {
            let mut cmd = tw(dir);
            cmd.args(["drift", "--database-url", &url]);
            cmd
        };
        drift()
            .assert()
            .code(1)
            .stdout(predicate::str::contains("has not applied 1 recorded migration (0001_initial)"));
        tw(dir).args(["migrations", "apply", "--database-url", &url]).assert().success();
        drift().assert().success().stdout(predicate::str::contains("no drift"));

        let mut conn = scratch.url().connect().unwrap();
        let index = match dialect {
            Dialect::Mysql => "ALTER TABLE orders DROP INDEX idx_orders_customer_id",
            _ => "DROP INDEX idx_orders_customer_id",
        };
        // MySQL needs the index for the foreign key: only the column there.
        conn.execute("ALTER TABLE orders ADD COLUMN legacy TEXT").unwrap();
        if dialect != Dialect::Mysql {
            conn.execute(index).unwrap();
        }
        let output = drift().assert().code(1);
        let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
        let expected = match dialect {
            Dialect::Sqlite => {
                vec!["object table.orders: differs", "object index.idx_orders_customer_id: missing from the database"]
            }
            Dialect::Postgres => {
                vec![
                    "column orders.legacy: in the database, not in the schema",
                    "index orders.idx_orders_customer_id: missing",
                ]
            }
            Dialect::Mysql => vec!["column orders.legacy: in the database, not in the schema"],
        };
        for line in expected {
            assert!(stdout.contains(line), "{dialect:?}: {line}\n{stdout}");
        }
        let sql: Vec<&str> = stdout.lines().skip_while(|l| !l.starts_with("-- SQL that brings")).skip(1).collect();
        assert!(!sql.is_empty(), "{dialect:?}: drift prints the repairing SQL:\n{stdout}");
        for statement in tablewright_cli::migrate::split::split(&sql.join("\n"), dialect).unwrap() {
            conn.execute(&statement.sql).unwrap_or_else(|e| panic!("{dialect:?}: {}: {e}", statement.sql));
        }
        drop(conn);
        drift().assert().success().stdout(predicate::str::contains("no drift"));
    }
}

/// The README's walkthrough, step by step (tests/docs_links.rs checks the
/// README shows these commands, in this order): an existing single-tenant
/// PostgreSQL database imported, adopted, made multi-tenant through the
/// breaking-change planner, verified, migrated, and left without drift; the
/// rows keep their tenants and the application role sees one tenant at a time.
#[test]
fn the_readme_walkthrough_runs_as_written() {
    let Some(legacy) = fresh(Dialect::Postgres) else { return };
    let url = database_arg(&legacy);
    let mut conn = legacy.url().connect().unwrap();
    conn.execute(
        "CREATE TABLE teams (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
         CREATE TABLE projects (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
             team_id bigint NOT NULL REFERENCES teams (id), name text NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE tasks (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
             project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
             title text NOT NULL, done boolean NOT NULL DEFAULT false);
         CREATE INDEX ON projects (team_id);
         CREATE INDEX ON tasks (project_id);
         INSERT INTO teams (name) VALUES ('acme'), ('globex');
         INSERT INTO projects (team_id, name) VALUES (1, 'Rocket'), (2, 'Dome'), (1, 'Anvil');
         INSERT INTO tasks (project_id, title) VALUES (1, 'fuel'), (1, 'launch'), (2, 'paint'), (3, 'drop');",
    )
    .unwrap();
    let app = krate("");
    let dir = app.path();
    let step = |args: &[&str]| {
        let mut cmd = tw(dir);
        cmd.args(args);
        cmd
    };

    // 1. Import.
    step(&["import", "database", "--database-url", &url, "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote src/schema.rs (3 entities)"));
    // 2. Generate.
    step(&["generate"]).assert().success();
    // 3. Adopt: without --repair it says what differs and changes nothing.
    step(&["migrations", "baseline", "--database-url", &url])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("RENAME CONSTRAINT \"projects_pkey\" TO \"pk_projects\""));
    assert_eq!(scalar(&mut conn, "SELECT COUNT(*) FROM pg_tables WHERE tablename = '_sqlx_migrations'"), "0");
    assert_eq!(scalar(&mut conn, "SELECT COUNT(*) FROM pg_constraint WHERE conname = 'projects_pkey'"), "1");
    step(&["migrations", "baseline", "--repair", "--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("baseline: 0001_initial recorded as applied"));
    step(&["drift", "--database-url", &url]).assert().success();

    // 4. Make it multi-tenant and record the change.
    let schema = fs::read_to_string(dir.join("src/schema.rs")).unwrap();
    let edited = schema
        .replace(
            "#[entity]\n#[index(team_id, name = \"projects_team_id_idx\")]\npub struct Project",
            "#[entity]\n#[tenant_scoped]\npub struct Project",
        )
        .replace("    #[belongs_to(Team)]\n    pub team_id: i64,\n", "")
        .replace("#[entity]\n#[index(project_id", "#[entity]\n#[tenant_scoped]\n#[index(project_id")
        .replace("#[entity]\n#[index(name, unique", "#[entity]\n#[tenant]\n#[index(name, unique");
    assert_eq!(edited.matches("#[tenant").count(), 3, "the imported source changed shape:\n{schema}");
    fs::write(dir.join("src/schema.rs"), edited).unwrap();
    step(&["migrations", "record", "add_tenancy"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0006_add_tenancy_contract (one plan, deploy between them)"));

    // 5. Verify on a throwaway database, 6. apply, 7. no drift.
    let server = server(Dialect::Postgres).unwrap().driver_url().to_string();
    step(&["migrations", "verify", "--database-url", &server])
        .assert()
        .success()
        .stdout(predicate::str::contains("verified 6 migrations"));
    step(&["migrations", "apply", "--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("applied 0006_add_tenancy_contract"));
    step(&["drift", "--database-url", &url]).assert().success().stdout(predicate::str::contains("no drift"));

    // Every task kept its team; the application role sees one team's rows.
    assert_eq!(scalar(&mut conn, "SELECT string_agg(team_id::text, ',' ORDER BY id) FROM tasks"), "1,1,2,1");
    conn.execute("BEGIN; SET LOCAL ROLE app_user; SELECT set_config('app.tenant_id', '2', true)").unwrap();
    assert_eq!(scalar(&mut conn, "SELECT string_agg(title, ',' ORDER BY id) FROM tasks"), "paint");
    assert_eq!(scalar(&mut conn, "SELECT COUNT(*) FROM projects"), "1");
    conn.execute("ROLLBACK").unwrap();
}

/// `import prisma` writes the source (here to standard output) and reports;
/// a syntax error is one located line; an existing file is kept without --force.
#[test]
fn import_prisma_writes_source_and_refuses_what_it_cannot_read() {
    let krate = krate(SCHEMA);
    let dir = krate.path();
    let blog = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/blog/schema.prisma");
    let output = tw(dir).args(["import", "prisma"]).arg(&blog).args(["--out", "-"]).assert().success();
    let source = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(source.contains("#[entity") && source.contains("use tablewright::prelude::*;"), "{source}");

    // The schema file of the crate exists: kept unless --force.
    tw(dir)
        .args(["import", "prisma"])
        .arg(&blog)
        .args(["--out", "src/schema.rs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("src/schema.rs exists: pass --force"));
    assert_eq!(fs::read_to_string(dir.join("src/schema.rs")).unwrap(), SCHEMA);
    tw(dir).args(["import", "prisma"]).arg(&blog).args(["--out", "src/schema.rs", "--force"]).assert().success();
    assert_eq!(fs::read_to_string(dir.join("src/schema.rs")).unwrap(), source);
    tw(dir).arg("generate").assert().success();

    let broken = dir.join("broken.prisma");
    fs::write(&broken, "model User {\n  id Int @id\n  name\n}\n").unwrap();
    let output = tw(dir).args(["import", "prisma"]).arg(&broken).args(["--out", "-"]).assert().code(2);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("broken.prisma:3:"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

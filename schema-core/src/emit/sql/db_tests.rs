//! Applies the fixture's migrations to real databases: up, rows through every
//! default and key (the reference cycle included), down with the rows still
//! there (the schema must be as it was before), then the whole round again.
//!
//! SQLite runs in memory. PostgreSQL and MariaDB/MySQL run in a fresh, uniquely
//! named database that is dropped afterwards; an unreachable server fails the
//! test with a message, unless `TABLEWRIGHT_SKIP_DB_TESTS=1` is set. Servers:
//! `TABLEWRIGHT_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) and
//! `TABLEWRIGHT_MYSQL_URL` (default `mysql://root@127.0.0.1:3306`).

use super::{Context, Dialect, EmitOptions, Migration, fixture, migration};
use crate::quote::ident;

fn skip(server: &str) -> bool {
    let skip = std::env::var("TABLEWRIGHT_SKIP_DB_TESTS").is_ok_and(|v| v == "1");
    if skip {
        eprintln!("TABLEWRIGHT_SKIP_DB_TESTS=1: not applying the migrations to {server}");
    }
    skip
}

fn unreachable(server: &str, env: &str, url: &str, error: impl std::fmt::Debug) -> ! {
    panic!(
        "{server} is not reachable at `{url}`: {error:?}\n\
         start it, point {env} at it, or set TABLEWRIGHT_SKIP_DB_TESTS=1 to skip the real-database tests"
    )
}

fn unique_db_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("tw_sql_{}_{nanos}", std::process::id())
}

fn scripts(dialect: Dialect) -> Migration {
    let mut diagnostics = Vec::new();
    let m = migration(&Context::new(&fixture::schema(), &EmitOptions::default()), dialect, &mut diagnostics);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    m
}

/// Rows through every table, leaving most columns to their defaults, with the
/// projects <-> teams cycle closed.
fn seed(dialect: Dialect) -> Vec<String> {
    let user = ident(dialect, "user");
    vec![
        "INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme')".to_string(),
        format!("INSERT INTO {user} (organization_id, email, price) SELECT id, 'a@example.com', 1 FROM organizations"),
        format!(
            "INSERT INTO {user} (organization_id, email, price, manager_id) \
             SELECT organization_id, 'b@example.com', 2, id FROM {user}"
        ),
        "INSERT INTO teams (lead_project_id) VALUES (NULL)".to_string(),
        "INSERT INTO projects (team_id) SELECT id FROM teams".to_string(),
        "UPDATE teams SET lead_project_id = (SELECT id FROM projects)".to_string(),
        format!(
            "INSERT INTO tasks (organization_id, project_id, title, created_by_id) \
             SELECT o.id, p.id, 'Write it', u.id FROM organizations o, projects p, {user} u WHERE u.manager_id IS NULL"
        ),
        "INSERT INTO task_labels (task_id, label) SELECT id, 'urgent' FROM tasks".to_string(),
    ]
}

const SELECT_DEFAULTS: &str = "SELECT t.status, t.version, u.bio, u.settings, o.id FROM tasks t, organizations o, ";

fn defaults_query(dialect: Dialect) -> String {
    let (user, group) = (ident(dialect, "user"), ident(dialect, "group"));
    let cast = if dialect == Dialect::Postgres { "::text" } else { "" };
    format!(
        "{} {user} u WHERE u.id = 1 AND u.{group}{cast} = 'member' AND u.is_admin = FALSE",
        SELECT_DEFAULTS
            .replace("t.status", &format!("t.status{cast}"))
            .replace("u.settings", &format!("u.settings{cast}"))
    )
}

fn assert_defaults(row: (String, i32, String, String, String)) {
    let (status, version, bio, settings, org_id) = row;
    assert_eq!(status, "todo");
    assert_eq!(version, 1);
    assert_eq!(bio, r"it's a \ backslash");
    assert_eq!(settings, "{}");
    assert_eq!(org_id.len(), 36, "generated uuid: {org_id}");
    // gen_random_uuid() and the SQLite expression give version 4; MySQL's
    // UUID() gives version 1.
    assert!(matches!(org_id.as_bytes()[14], b'4' | b'1'), "uuid version: {org_id}");
}

#[test]
fn sqlite_up_down_up() {
    let m = scripts(Dialect::Sqlite);
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let schema_of = |conn: &rusqlite::Connection| -> Vec<String> {
        // sqlite_sequence is SQLite's own AUTOINCREMENT bookkeeping: created on
        // demand, emptied by DROP TABLE, and never droppable.
        let mut stmt = conn
            .prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name <> 'sqlite_sequence' ORDER BY 1")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let before = schema_of(&conn);
    for round in 0..2 {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&m.up).unwrap_or_else(|e| panic!("up failed: {e}\n{}", m.up));
        tx.commit().unwrap();
        assert_eq!(schema_of(&conn).iter().filter(|s| s.starts_with("table ")).count(), 6);
        for statement in seed(Dialect::Sqlite) {
            conn.execute_batch(&statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        let violations: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0);
        let row: (String, i32, String, String, String) = conn
            .query_row(&defaults_query(Dialect::Sqlite), [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap();
        let org_id: String = row.4.clone();
        assert_defaults(row);
        assert!(org_id.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        assert!(matches!(org_id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{org_id}");
        let created: String = conn.query_row("SELECT created_at FROM \"user\" WHERE id = 1", [], |r| r.get(0)).unwrap();
        assert!(created.ends_with('Z') && created.contains('T'), "{created}");
        // The CHECKs that stand in for ENUM and VARCHAR(N).
        let bad_status = "UPDATE tasks SET status = 'nope'";
        assert!(conn.execute_batch(bad_status).is_err(), "enum check must reject");
        let long_title = format!("UPDATE tasks SET title = '{}'", "x".repeat(201));
        assert!(conn.execute_batch(&long_title).is_err(), "length check must reject");

        let tx = conn.transaction().unwrap();
        tx.execute_batch(&m.down).unwrap_or_else(|e| panic!("down failed in round {round}: {e}"));
        tx.commit().unwrap();
        assert_eq!(schema_of(&conn), before, "down must leave the schema as before up");
    }
}

#[test]
fn postgres_up_down_up() {
    if skip("PostgreSQL") {
        return;
    }
    let url =
        std::env::var("TABLEWRIGHT_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| unreachable("PostgreSQL", "TABLEWRIGHT_PG_URL", &url, e));
    let name = unique_db_name();
    admin.batch_execute(&format!("CREATE DATABASE {}", ident(Dialect::Postgres, &name))).unwrap();
    let result = std::panic::catch_unwind(|| postgres_round_trips(&url, &name));
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(Dialect::Postgres, &name))).unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

fn postgres_round_trips(url: &str, db: &str) {
    let m = scripts(Dialect::Postgres);
    // Works for both URL and key=value connection strings.
    let mut config: postgres::Config = url.parse().expect("TABLEWRIGHT_PG_URL is a valid connection string");
    let mut client = config.dbname(db).connect(postgres::NoTls).unwrap();
    let schema_of = |client: &mut postgres::Client| -> Vec<String> {
        let sql = "SELECT 'rel ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace \
                   UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace \
                   UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
                   ORDER BY 1";
        client.query(sql, &[]).unwrap().iter().map(|r| r.get(0)).collect()
    };
    let before = schema_of(&mut client);
    for round in 0..2 {
        client.batch_execute(&m.up).unwrap_or_else(|e| panic!("up failed: {e:?}\n{}", m.up));
        for statement in seed(Dialect::Postgres) {
            client.batch_execute(&statement).unwrap_or_else(|e| panic!("{statement}: {e:?}"));
        }
        let sql = defaults_query(Dialect::Postgres).replace("o.id FROM", "o.id::text FROM");
        let row = client.query_one(&sql, &[]).unwrap();
        assert_defaults((row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)));
        let comment: String = client.query_one("SELECT col_description('\"user\"'::regclass, 11)", &[]).unwrap().get(0);
        assert_eq!(comment, "What they say about themselves: \"hi\", it's 'quoted'.");
        let comment: String = client.query_one("SELECT obj_description('task_status'::regtype)", &[]).unwrap().get(0);
        assert_eq!(comment, "Where a task is; it's \"workflow\" state.");

        client.batch_execute(&m.down).unwrap_or_else(|e| panic!("down failed in round {round}: {e:?}"));
        assert_eq!(schema_of(&mut client), before, "down must leave the schema as before up");
    }
}

#[test]
fn mysql_up_down_up() {
    use mysql::prelude::Queryable;
    if skip("MariaDB/MySQL") {
        return;
    }
    let url = std::env::var("TABLEWRIGHT_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let opts =
        mysql::Opts::from_url(&url).unwrap_or_else(|e| unreachable("MariaDB/MySQL", "TABLEWRIGHT_MYSQL_URL", &url, e));
    let mut admin = mysql::Conn::new(opts.clone())
        .unwrap_or_else(|e| unreachable("MariaDB/MySQL", "TABLEWRIGHT_MYSQL_URL", &url, e));
    let name = unique_db_name();
    admin.query_drop(format!("CREATE DATABASE {}", ident(Dialect::Mysql, &name))).unwrap();
    let result = std::panic::catch_unwind(|| mysql_round_trips(opts, &name));
    admin.query_drop(format!("DROP DATABASE IF EXISTS {}", ident(Dialect::Mysql, &name))).unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

fn mysql_round_trips(opts: mysql::Opts, db: &str) {
    use mysql::prelude::Queryable;
    let m = scripts(Dialect::Mysql);
    let mut conn = mysql::Conn::new(mysql::OptsBuilder::from_opts(opts).db_name(Some(db))).unwrap();
    let schema_sql = format!(
        "SELECT CONCAT(table_type, ' ', table_name) FROM information_schema.tables WHERE table_schema = {} ORDER BY 1",
        crate::quote::dialect_string_literal(Dialect::Mysql, db)
    );
    let before: Vec<String> = conn.query(&schema_sql).unwrap();
    for round in 0..2 {
        conn.query_drop(&m.up).unwrap_or_else(|e| panic!("up failed: {e}\n{}", m.up));
        for statement in seed(Dialect::Mysql) {
            conn.query_drop(&statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        let row: Option<(String, i32, String, String, String)> =
            conn.query_first(defaults_query(Dialect::Mysql)).unwrap();
        assert_defaults(row.expect("the seeded user and task"));
        let comment: Option<String> = conn
            .query_first(format!(
                "SELECT column_comment FROM information_schema.columns WHERE table_schema = {} \
                 AND table_name = 'user' AND column_name = 'bio'",
                crate::quote::dialect_string_literal(Dialect::Mysql, db)
            ))
            .unwrap();
        assert_eq!(comment.as_deref(), Some("What they say about themselves: \"hi\", it's 'quoted'."));

        conn.query_drop(&m.down).unwrap_or_else(|e| panic!("down failed in round {round}: {e}"));
        let after: Vec<String> = conn.query(&schema_sql).unwrap();
        assert_eq!(after, before, "down must leave the schema as before up");
    }
}

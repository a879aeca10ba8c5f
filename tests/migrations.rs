//! The generated migrations, applied to real databases: up, down, up again,
//! with the schema compared at every step (see tests/common/mod.rs).
//!
//! Covers the showcase's `generated/migrations`, every
//! `examples/*/generated/migrations` (found by listing the directory, so a new
//! example is covered without touching this file) and a fixture full of
//! reserved words and quotes (tests/fixtures/reserved/schema.rs), generated
//! here with the Builder. Needs PostgreSQL and MariaDB: `scripts/test` starts
//! throwaway servers when none is running.

mod common;

use std::path::{Path, PathBuf};

use common::{Dialect, Outcome};

/// Round-trips `<crate>/generated/migrations/<dialect>` of every crate and
/// reports every failure at once.
fn round_trip_every_crate(dialect: Dialect) {
    let mut failures = Vec::new();
    let mut skipped = false;
    for (name, dir) in common::crate_dirs() {
        let migrations = dir.join("generated/migrations").join(dialect.dir_name());
        if !migrations.is_dir() {
            failures.push(format!(
                "{name}: {} does not exist; `cargo build` writes it (is build.rs calling tablewright::build?)",
                migrations.display()
            ));
            continue;
        }
        match common::round_trip(dialect, &migrations) {
            Ok(Outcome::Passed { migrations: n }) => eprintln!("{name}: {n} {dialect} migration(s) round-trip"),
            Ok(Outcome::Skipped) => skipped = true,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    if skipped {
        eprintln!("note: {dialect} round trips skipped");
    }
    assert!(failures.is_empty(), "{dialect} migration round trip failed:\n\n{}", failures.join("\n\n"));
}

#[test]
fn postgres_migrations_of_showcase_and_examples_round_trip() {
    round_trip_every_crate(Dialect::Postgres);
}

#[test]
fn mysql_migrations_of_showcase_and_examples_round_trip() {
    round_trip_every_crate(Dialect::Mysql);
}

#[test]
fn sqlite_migrations_of_showcase_and_examples_round_trip() {
    round_trip_every_crate(Dialect::Sqlite);
}

/// Generates the reserved-words fixture into a temp dir.
fn generate_reserved_fixture() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("a temp dir");
    let artifacts = tablewright::build::Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_src_dir("tests/fixtures/reserved")
        .with_out_dir(out.path())
        .generate()
        .unwrap_or_else(|e| panic!("the reserved-words fixture does not generate:\n{e}"));
    assert_eq!(
        artifacts.files_read(),
        [PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reserved/schema.rs")]
    );
    artifacts.write().unwrap_or_else(|e| panic!("{e}"));
    out
}

fn round_trip_reserved_fixture(dialect: Dialect) {
    let out = generate_reserved_fixture();
    let dir = out.path().join("migrations").join(dialect.dir_name());
    match common::round_trip(dialect, &dir) {
        Ok(Outcome::Passed { .. }) => {}
        Ok(Outcome::Skipped) => eprintln!("note: {dialect} fixture round trip skipped"),
        Err(e) => panic!("reserved-words fixture: {e}"),
    }
}

#[test]
fn reserved_words_fixture_round_trips_on_postgres() {
    round_trip_reserved_fixture(Dialect::Postgres);
}

#[test]
fn reserved_words_fixture_round_trips_on_mysql() {
    round_trip_reserved_fixture(Dialect::Mysql);
}

#[test]
fn reserved_words_fixture_round_trips_on_sqlite() {
    round_trip_reserved_fixture(Dialect::Sqlite);
}

/// The fixture's string defaults must survive each dialect's escaping: the
/// value stored is exactly the Rust string.
#[test]
fn reserved_words_fixture_keeps_quotes_and_backslashes_in_defaults() {
    let out = generate_reserved_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let (q, id) = match dialect {
            Dialect::Mysql => ('`', "'00000000-0000-0000-0000-000000000001'"),
            Dialect::Postgres => ('"', "'00000000-0000-0000-0000-000000000001'"),
            Dialect::Sqlite => ('"', "X'00000000000000000000000000000001'"),
        };
        let user = format!("{q}user{q}");
        let insert = format!(
            "INSERT INTO {user} ({q}id{q}, {q}select{q}, {q}label{q}) VALUES ({id}, 'me', 'fine')",
            user = user
        );
        if let Err(e) = db.execute_batch(&insert) {
            // A dialect stores UUIDs differently than guessed here: the id is
            // not what this test is about, so retry letting the default fill it.
            let fallback = format!("INSERT INTO {user} ({q}select{q}, {q}label{q}) VALUES ('me', 'fine')");
            db.execute_batch(&fallback).unwrap_or_else(|e2| panic!("{dialect}: {insert}: {e}; {fallback}: {e2}"));
        }
        let group =
            db.query_scalar(&format!("SELECT {q}group{q} FROM {user}")).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(group.as_deref(), Some("it's a \"quoted\" \\ default"), "{dialect}: the string default was mangled");
    }
}

/// The fixture's SQL fragments name reserved-word columns (quoted and not)
/// and carry quotes and backslashes: rendered per dialect, every check holds
/// on every database, the way the Rust source says, and the SQL defaults
/// give what they say.
#[test]
fn reserved_words_fixture_fragments_hold_on_every_dialect() {
    let out = generate_reserved_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let q = if dialect == Dialect::Mysql { '`' } else { '"' };
        // `a\b` as a literal of the dialect: MySQL reads `\` as an escape.
        let backslash = if dialect == Dialect::Mysql { r"'a\\b'" } else { r"'a\b'" };
        let user =
            |select: &str| format!("INSERT INTO {q}user{q} ({q}select{q}, {q}label{q}) VALUES ({select}, 'fine')");
        for bad in ["''", "'it''s'", backslash] {
            assert!(db.execute_batch(&user(bad)).is_err(), "{dialect}: ck_user_select let {bad} in");
        }
        db.execute_batch(&user("'me'")).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        let order = |order: i32, done: &str| {
            format!(
                "INSERT INTO {q}order{q} ({q}user_id{q}, {q}order{q}, {q}done{q}) SELECT {q}id{q}, {order}, {done} FROM {q}user{q}"
            )
        };
        let (yes, no) = if dialect == Dialect::Postgres { ("TRUE", "FALSE") } else { ("1", "0") };
        for (o, done) in [(5000, no), (-1, no), (0, yes)] {
            assert!(db.execute_batch(&order(o, done)).is_err(), "{dialect}: the order checks let ({o}, {done}) in");
        }
        db.execute_batch(&order(5, yes)).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        let insert = format!("INSERT INTO {q}order{q} ({q}user_id{q}, {q}order{q}) SELECT {q}id{q}, 7 FROM {q}user{q}");
        db.execute_batch(&insert).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        let label = db
            .query_scalar(&format!("SELECT {q}label{q} FROM {q}order{q} WHERE {q}order{q} = 7"))
            .unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(label.as_deref(), Some("it's"), "{dialect}: the SQL default with a quote");
        let done = db
            .query_scalar(&format!("SELECT {q}done{q} FROM {q}order{q} WHERE {q}order{q} = 7"))
            .unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert!(matches!(done.as_deref(), Some("f" | "false" | "0")), "{dialect}: the FALSE default gave {done:?}");
    }
}

// ---------------------------------------------------------------------------
// The harness checks itself: each of these must catch a broken migration set.

fn write_migrations(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

/// Each dialect's batch runner applies every statement of a script, and
/// reports an error in a later statement (a runner that stops after the
/// first statement, or drops later errors, would pass broken migrations).
#[test]
fn harness_batches_run_every_statement_and_report_later_errors() {
    for dialect in Dialect::ALL {
        let Some(mut db) = common::connect_or_panic(dialect) else { continue };
        db.execute_batch("CREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);\nCREATE TABLE c (x INTEGER);\nINSERT INTO c (x) VALUES (7);")
            .unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(db.query_scalar("SELECT x FROM c").unwrap().as_deref(), Some("7"), "{dialect}");
        let dump = db.dump_schema().unwrap();
        for table in ["a", "b", "c"] {
            assert!(dump.contains(table), "{dialect}: table {table} missing from the dump:\n{dump}");
        }
        let err = db
            .execute_batch("CREATE TABLE d (x INTEGER);\nCREATE TABLE a (x INTEGER);\nCREATE TABLE e (x INTEGER);")
            .expect_err("creating table a twice must fail");
        assert!(err.to_lowercase().contains("exist"), "{dialect}: {err}");
    }
}

/// A down migration that forgets a table is caught, and so is an up that
/// does not come back the same.
#[test]
fn harness_round_trip_catches_a_down_that_leaves_a_table_behind() {
    for dialect in Dialect::ALL {
        let dir = tempfile::tempdir().unwrap();
        write_migrations(
            dir.path(),
            &[
                (
                    "0001_init.up.sql",
                    "CREATE TABLE t1 (id INTEGER PRIMARY KEY);\nCREATE TABLE t2 (id INTEGER PRIMARY KEY);\n",
                ),
                ("0001_init.down.sql", "DROP TABLE t1;\n"),
            ],
        );
        match common::round_trip(dialect, dir.path()) {
            Ok(Outcome::Skipped) => continue,
            Ok(Outcome::Passed { .. }) => panic!("{dialect}: a down that leaves t2 behind passed the round trip"),
            Err(e) => {
                assert!(e.contains("does not restore the empty schema"), "{dialect}: {e}");
                assert!(e.contains("t2"), "{dialect}: the diff should name t2: {e}");
            }
        }

        // Two migrations; 0002's down drops the index but forgets table b:
        // caught at that step, against the schema 0001 left.
        let drop_index = match dialect {
            Dialect::Mysql => "DROP INDEX b_id ON b;",
            _ => "DROP INDEX b_id;",
        };
        let dir = tempfile::tempdir().unwrap();
        write_migrations(
            dir.path(),
            &[
                ("0001_a.up.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
                ("0001_a.down.sql", "DROP TABLE a;"),
                ("0002_b.up.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);\nCREATE INDEX b_id ON b (id);"),
                ("0002_b.down.sql", drop_index),
            ],
        );
        match common::round_trip(dialect, dir.path()) {
            Ok(Outcome::Skipped) => continue,
            Ok(Outcome::Passed { .. }) => panic!("{dialect}: 0002's down leaves table b behind but passed"),
            Err(e) => assert!(e.contains("0002_b.down.sql does not restore the schema after 0001_a"), "{dialect}: {e}"),
        }
    }
}

/// SQLite accepts a foreign key to a missing table at CREATE time; the
/// harness must not.
#[test]
fn harness_catches_sqlite_foreign_keys_to_missing_tables_and_non_keys() {
    let dir = tempfile::tempdir().unwrap();
    write_migrations(
        dir.path(),
        &[
            (
                "0001_init.up.sql",
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));",
            ),
            ("0001_init.down.sql", "DROP TABLE child;"),
        ],
    );
    let err = common::round_trip(Dialect::Sqlite, dir.path()).expect_err("an FK to a missing table must fail");
    assert!(err.contains("missing table parent"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write_migrations(
        dir.path(),
        &[
            (
                "0001_init.up.sql",
                "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT);\n\
                 CREATE TABLE child (id INTEGER PRIMARY KEY, parent_code TEXT REFERENCES parent (code));",
            ),
            ("0001_init.down.sql", "DROP TABLE child;\nDROP TABLE parent;"),
        ],
    );
    let err = common::round_trip(Dialect::Sqlite, dir.path()).expect_err("an FK to a non-unique column must fail");
    assert!(err.contains("neither the primary key nor unique"), "{err}");
}

#[test]
fn harness_requires_paired_versioned_migrations() {
    let dir = tempfile::tempdir().unwrap();
    write_migrations(dir.path(), &[("0001_a.up.sql", "SELECT 1;")]);
    let err = common::load_migrations(dir.path()).unwrap_err();
    assert!(err.contains("no matching 0001_a.down.sql"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write_migrations(dir.path(), &[("a.up.sql", ""), ("a.down.sql", "")]);
    assert!(common::load_migrations(dir.path()).unwrap_err().contains("version number"));

    let dir = tempfile::tempdir().unwrap();
    assert!(common::load_migrations(dir.path()).unwrap_err().contains("no migrations"));

    let dir = tempfile::tempdir().unwrap();
    write_migrations(
        dir.path(),
        &[("0010_c.up.sql", ""), ("0010_c.down.sql", ""), ("0002_b.up.sql", ""), ("0002_b.down.sql", "")],
    );
    let names: Vec<String> = common::load_migrations(dir.path()).unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["0002_b", "0010_c"]);
}

/// Test databases are dropped when the guard goes, also on panic.
#[test]
fn harness_drops_its_databases_even_on_panic() {
    for dialect in [Dialect::Postgres, Dialect::Mysql] {
        let Some(db) = common::connect_or_panic(dialect) else { continue };
        let name = db.name().to_string();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _db = db;
            panic!("boom");
        }));
        assert!(result.is_err());
        let Some(mut probe) = common::connect_or_panic(dialect) else { continue };
        let sql = match dialect {
            Dialect::Postgres => format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
            _ => format!("SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"),
        };
        assert_eq!(probe.query_scalar(&sql).unwrap().as_deref(), Some("0"), "{dialect}: {name} was not dropped");
    }
}

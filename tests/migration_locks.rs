//! The lock test: on PostgreSQL, a table of 1,000,000 rows gets an index
//! and a NOT NULL column, planned in phases (the index built CONCURRENTLY,
//! NOT NULL after validating a NOT VALID check) and, for comparison, in one
//! step (`CREATE INDEX`, `SET NOT NULL` scanning under lock). While each
//! migration runs, another connection keeps updating single rows; the test
//! measures how long the longest of those updates waited and how many
//! completed during the migration.
//!
//! It asserts behaviour, not timings: updates keep completing while each
//! phased migration runs. The figures are printed (run with
//! `--nocapture`) and reported in docs/evolution.md.

mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Database, PgDatabase};
use tablewright::build::Builder;

const ROWS: u32 = 1_000_000;

const BEFORE: &str = r#"use tablewright::prelude::*;

#[entity]
pub struct Event {
    #[id(auto)]
    pub id: i64,
    pub kind: String,
    pub score: i32,
    pub note: Option<String>,
}
"#;

fn after() -> String {
    BEFORE
        .replace("    pub score: i32,", "    #[index]\n    pub score: i32,")
        .replace("    pub note: Option<String>,", "    #[column(backfill = \"'none'\")]\n    pub note: String,")
}

/// One migration's run: its duration, the updates that completed while it
/// ran, and the longest wait of an update that overlapped it.
struct Measured {
    name: String,
    took: Duration,
    completed: usize,
    longest_wait: Duration,
}

/// The recorded migrations after `0001_initial`, phased or in one step.
fn recorded(one_step: bool) -> (tempfile::TempDir, Vec<common::Migration>) {
    let dir = common::history::krate(BEFORE);
    Builder::new().with_crate_dir(dir.path()).generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    fs::write(dir.path().join("src/schema.rs"), after()).unwrap();
    let mut builder = Builder::new().with_crate_dir(dir.path()).with_record("index_and_not_null");
    if one_step {
        builder = builder.one_step_migrations();
    }
    builder.generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    let migrations = common::load_migrations(&dir.path().join("generated/migrations/postgres")).unwrap();
    (dir, migrations)
}

/// Applies `0001_initial`, loads the rows (all but 100 with a note), then
/// runs every later migration while single-row updates run beside it.
fn measure(migrations: &[common::Migration]) -> Option<Vec<Measured>> {
    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    db.execute_batch(&fs::read_to_string(&migrations[0].up).unwrap()).unwrap();
    db.execute_batch(&format!(
        "INSERT INTO events (kind, score, note) SELECT 'k', g % 1000, CASE WHEN g % 10000 = 0 THEN NULL ELSE 'n' END \
         FROM generate_series(1, {ROWS}) AS g"
    ))
    .unwrap();
    db.execute_batch("VACUUM ANALYZE events").unwrap();
    let mut out = Vec::new();
    for m in &migrations[1..] {
        out.push(run_beside_updates(&mut db, &m.name, &m.up));
    }
    Some(out)
}

fn run_beside_updates(db: &mut PgDatabase, name: &str, file: &Path) -> Measured {
    let stop = Arc::new(AtomicBool::new(false));
    let mut writer = postgres::Client::connect(&db.url(), postgres::NoTls).expect("a second connection");
    let updates = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            // (started, finished) of every update.
            let mut done = Vec::new();
            let mut id: i64 = 1;
            while !stop.load(Ordering::Relaxed) {
                id = (id * 7919 + 13) % i64::from(ROWS) + 1;
                let started = Instant::now();
                writer.execute("UPDATE events SET kind = 'u' WHERE id = $1", &[&id]).expect("an update");
                done.push((started, Instant::now()));
            }
            done
        })
    };
    // Let the writer reach its pace first.
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    common::history::apply(db, file);
    let finished = Instant::now();
    thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    let done = updates.join().expect("the writer thread");
    let overlapping = done.iter().filter(|(s, f)| *f >= started && *s <= finished);
    Measured {
        name: name.to_string(),
        took: finished - started,
        completed: done.iter().filter(|(_, f)| *f >= started && *f <= finished).count(),
        longest_wait: overlapping.map(|(s, f)| *f - *s).max().unwrap_or_default(),
    }
}

fn report(plan: &str, measured: &[Measured]) {
    for m in measured {
        println!(
            "lock test, {plan}: {} took {:.2} s; {} single-row updates completed during it; longest update wait {:.0} ms",
            m.name,
            m.took.as_secs_f64(),
            m.completed,
            m.longest_wait.as_secs_f64() * 1000.0
        );
    }
}

#[test]
fn single_row_updates_keep_completing_while_the_phased_index_and_not_null_run() {
    let (_dir, phased) = recorded(false);
    let names: Vec<&str> = phased.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "0001_initial",
            "0002_index_and_not_null_expand",
            "0003_index_and_not_null_index_1",
            "0004_index_and_not_null_backfill",
            "0005_index_and_not_null_contract"
        ]
    );
    let Some(measured) = measure(&phased) else { return };
    report("phased", &measured);
    for m in measured.iter().filter(|m| m.name.ends_with("index_1") || m.name.ends_with("contract")) {
        assert!(m.completed > 0, "{}: no update completed during its {:.2} s", m.name, m.took.as_secs_f64());
    }

    // The one-step plan, measured the same way for docs/evolution.md's comparison.
    let (_dir, one_step) = recorded(true);
    assert_eq!(one_step.len(), 2);
    if let Some(measured) = measure(&one_step) {
        report("one step", &measured);
    }
}

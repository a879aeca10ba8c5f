//! Loads a (large) seed of the showcase schema into `DATABASE_URL`:
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1/showcase \
//!   cargo run --release --example seed_load -- --tenants 100 --rows-per-tenant 2000 --rows 5000
//! ```
//!
//! Applies the pending migrations first. Without count options it loads the
//! default seed through `src/seed.rs` (what the showcase's `cargo run` loads).
//! PostgreSQL loads through COPY, MariaDB and SQLite (`sqlite:path`) through
//! batched INSERTs in one transaction; a progress bar shows on a terminal.

#[allow(dead_code)]
#[path = "../src/db.rs"]
mod db;
#[allow(dead_code)]
#[path = "../src/seed.rs"]
mod seed;

use std::path::Path;
use std::process::ExitCode;

use tablewright::seed::{SeedOptions, schema_from_snapshot};

use db::Database;

const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/generated");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").map_err(|_| {
        "set DATABASE_URL (postgres://..., mysql://... or sqlite:path) to the database to seed".to_string()
    })?;
    let mut options = SeedOptions::default();
    let mut custom = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .ok_or_else(|| format!("{name} needs a number, e.g. {name} 1000"))
        };
        match flag.as_str() {
            "--tenants" => options.tenants = value("--tenants")? as u32,
            "--rows-per-tenant" => options.rows_per_tenant = value("--rows-per-tenant")? as u32,
            "--rows" => options.rows = value("--rows")? as u32,
            "--seed" => options.seed = value("--seed")?,
            other => {
                return Err(format!(
                    "unknown option {other}; options: --tenants N --rows-per-tenant N --rows N --seed N"
                ));
            }
        }
        custom = true;
    }
    let mut db = Database::connect(&url)?;
    let dir = Path::new(GENERATED).join("migrations").join(db.dialect_dir());
    for name in db::apply_pending_migrations(&mut db, &dir)? {
        println!("migrations: applied {name}");
    }
    let summary = if custom {
        let schema = schema_from_snapshot(Path::new(GENERATED).join("migrations/schema.snapshot.json"))
            .map_err(|e| e.to_string())?;
        let loaded = match &mut db {
            Database::Postgres(c, _) => tablewright::seed::postgres::load(c, &schema, &options),
            Database::Mysql(c, _) => tablewright::seed::mysql::load(c, &schema, &options),
            Database::Sqlite(c, _) => tablewright::seed::sqlite::load(c, &schema, &options),
        };
        loaded.map_err(|e| e.to_string())?
    } else {
        match seed::load_seed(&mut db)? {
            seed::SeedSummary::Loaded(s) => s,
            seed::SeedSummary::AlreadyLoaded => {
                println!("the default seed is already in {}", db.describe());
                return Ok(());
            }
        }
    };
    for (table, rows) in &summary.tables {
        println!("  {table:<24} {rows:>10}");
    }
    println!(
        "seeded {} rows into {} in {:.2} s ({:.0} rows/s)",
        summary.rows,
        db.describe(),
        summary.elapsed.as_secs_f64(),
        summary.rows_per_second()
    );
    Ok(())
}

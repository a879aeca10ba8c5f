//! Seed data at run time: the generator of `tablewright_core::seed` (rows
//! from the schema, deterministic, constraint-correct, tenant-consistent)
//! and loaders that stream its rows into a database without holding them in
//! memory.
//!
//! | feature | loader | how |
//! |---|---|---|
//! | `seed-postgres` | [`postgres::load`] | `COPY ... FROM STDIN` (text format), one transaction |
//! | `seed-mysql` | [`mysql::load`] | multi-row INSERTs, 1,000 rows per batch, one transaction |
//! | `seed-sqlite` | [`sqlite::load`] | multi-row INSERTs, 1,000 rows per batch, one transaction |
//!
//! The schema comes from the snapshot the build writes
//! (`generated/migrations/schema.snapshot.json`, see [`schema_from_snapshot`]),
//! so applications need neither syn nor the build script at run time. A
//! progress bar is drawn on stderr when it is a terminal.
//!
//! The small seed the build writes as SQL (`generated/seed/seed.<dialect>.sql`)
//! is the same generator with [`SeedOptions::default`].
//!
//! ```
//! use tablewright::seed::{Generator, SeedOptions, Schema};
//! let schema: Schema = serde_json::from_str(r#"{"enums": [], "entities": [{
//!     "name": "Tag", "table": "tags", "traits": {},
//!     "columns": [{"name": "id", "field": "id", "type": {"kind": "uuid"}, "nullable": false}],
//!     "primary_key": {"name": "pk_tags", "columns": ["id"]}}]}"#).unwrap();
//! let options = SeedOptions::default().with_counts(0, 0, 1_000);
//! let mut generator = Generator::new(&schema, &options).unwrap();
//! let rows = generator.next_table().unwrap().count();
//! assert_eq!(rows, 1_000);
//! ```

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

pub use tablewright_core::model::Schema;
pub use tablewright_core::quote::ident as quote_ident;
pub use tablewright_core::seed::*;
pub use tablewright_core::types::Dialect;

#[cfg(feature = "seed-mysql")]
pub mod mysql;
#[cfg(feature = "seed-postgres")]
pub mod postgres;
#[cfg(feature = "seed-sqlite")]
pub mod sqlite;

/// Reads the transformed schema from a build's snapshot
/// (`generated/migrations/schema.snapshot.json`).
pub fn schema_from_snapshot(path: impl AsRef<Path>) -> Result<Schema, LoadError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::new(format!("cannot read {}: {e} (run `cargo build` first)", path.display())))?;
    serde_json::from_str(&text).map_err(|e| LoadError::new(format!("{} is not a schema snapshot: {e}", path.display())))
}

/// What a load did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadSummary {
    /// `(table, rows)` in load order.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
    pub elapsed: Duration,
}

impl LoadSummary {
    /// Rows per second over the whole load.
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A load that failed: the generator could not plan the seed, or the
/// database refused a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        LoadError { message: message.into() }
    }

    pub(crate) fn plan(errors: Vec<SeedError>) -> Self {
        LoadError::new(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// The UPDATEs that set the keys of a cycle once every table is loaded
/// (see [`Generator::links`]), as scripts of up to 1,000 statements.
pub(crate) fn link_scripts(dialect: Dialect, generator: &Generator<'_>) -> Vec<String> {
    let statements: Vec<String> =
        generator.links().iter().flat_map(|links| sql::update_statements(dialect, links)).collect();
    statements.chunks(1_000).map(|chunk| chunk.join("\n")).collect()
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Progress { bar: None, started: Instant::now() }
    }

    pub(crate) fn table(&mut self, table: &str, planned: u64) {
        if let Some(bar) = self.bar.take() {
            bar.finish();
        }
        if !std::io::stderr().is_terminal() || planned < 10_000 {
            return;
        }
        let bar = indicatif::ProgressBar::new(planned);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{prefix:>20} [{bar:40}] {human_pos}/{human_len} rows ({per_sec}, {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(table.to_string());
        self.bar = Some(bar);
    }

    pub(crate) fn inc(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(rows);
        }
    }

    pub(crate) fn finish(mut self, tables: Vec<(String, u64)>) -> LoadSummary {
        if let Some(bar) = self.bar.take() {
            bar.finish();
        }
        let rows = tables.iter().map(|(_, n)| n).sum();
        LoadSummary { tables, rows, elapsed: self.started.elapsed() }
    }
}

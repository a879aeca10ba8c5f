//! `tablewright import --database-url ...`: a live database as `#[entity]` source.

use crate::db::{DbError, DbUrl};
use crate::import::source;
use crate::introspect;

/// An imported database: the source to save as `src/schema.rs`, and what
/// the DSL could not express (also listed in the source's header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub source: String,
    pub report: Vec<String>,
}

/// Connects to `url`, reads its schema and writes it as Rust source.
///
/// ```no_run
/// let imported = tablewright_cli::import::database::import_database("postgres://postgres@127.0.0.1/app").unwrap();
/// std::fs::write("src/schema.rs", &imported.source).unwrap();
/// for line in &imported.report {
///     eprintln!("not imported: {line}");
/// }
/// ```
pub fn import_database(url: &str) -> Result<Imported, DbError> {
    let mut conn = DbUrl::parse(url)?.connect()?;
    let found = introspect::introspect(&mut conn)?;
    let written = source::render(&found.schema, &found.report);
    Ok(Imported { source: written.source, report: written.report })
}

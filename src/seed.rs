//! Loads the showcase's seed data: the rows `tablewright::seed` generates
//! from the schema snapshot the build wrote (the same rows as
//! `generated/seed/seed.<dialect>.sql`), streamed through the loader of the
//! connected database: COPY on PostgreSQL, batched INSERTs in a transaction
//! on MariaDB and SQLite.

use std::path::Path;

use tablewright::seed::{self, LoadSummary, SeedOptions};

use crate::db::Database;

/// What [`load_seed`] did.
pub enum SeedSummary {
    /// Rows per table, in load order.
    Loaded(LoadSummary),
    /// The seed's first tenant is already in the database (a server database
    /// seeded by an earlier run): nothing was inserted.
    AlreadyLoaded,
}

/// Loads the default seed (2 organizations with a few rows each, seed 42)
/// into a migrated database. Deterministic: the same rows every run, so on
/// a server database that already holds them it does nothing.
pub fn load_seed(db: &mut Database) -> Result<SeedSummary, String> {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let schema =
        seed::schema_from_snapshot(generated.join("migrations/schema.snapshot.json")).map_err(|e| e.to_string())?;
    let options = SeedOptions::default();
    if already_loaded(db, &schema, &options)? {
        return Ok(SeedSummary::AlreadyLoaded);
    }
    let summary = match db {
        Database::Sqlite(conn, _) => seed::sqlite::load(conn, &schema, &options),
        Database::Postgres(client, _) => seed::postgres::load(client, &schema, &options),
        Database::Mysql(conn, _) => seed::mysql::load(conn, &schema, &options),
    };
    summary.map(SeedSummary::Loaded).map_err(|e| format!("loading the seed: {e}"))
}

/// Whether the seed's first row (of the first table) already exists.
fn already_loaded(db: &mut Database, schema: &seed::Schema, options: &SeedOptions) -> Result<bool, String> {
    let mut generator = seed::Generator::new(schema, options)
        .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
    let Some(mut first) = generator.next_table() else { return Ok(false) };
    let entity = first.entity();
    let columns = first.columns();
    let Some(row) = first.next() else { return Ok(false) };
    let Some((at, key)) = columns.iter().enumerate().find(|(_, c)| entity.primary_key.columns.first() == Some(&c.name))
    else {
        return Ok(false);
    };
    let dialect = match db {
        Database::Sqlite(..) => tablewright::seed::Dialect::Sqlite,
        Database::Postgres(..) => tablewright::seed::Dialect::Postgres,
        Database::Mysql(..) => tablewright::seed::Dialect::Mysql,
    };
    let q = |s: &str| tablewright::seed::quote_ident(dialect, s);
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {} = {}",
        q(&entity.table),
        q(&key.name),
        seed::render::sql_literal(dialect, key, &row[at])
    );
    let n: i64 = match db {
        Database::Sqlite(c, _) => c.query_row(&sql, [], |r| r.get(0)).map_err(|e| e.to_string())?,
        Database::Postgres(c, _) => c.query_one(&sql, &[]).map_err(|e| e.to_string())?.get(0),
        Database::Mysql(c, _) => {
            mysql::prelude::Queryable::query_first(c, &sql).map_err(|e| e.to_string())?.unwrap_or(0)
        }
    };
    Ok(n > 0)
}

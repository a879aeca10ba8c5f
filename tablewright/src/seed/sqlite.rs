//! Loads a seed into SQLite with batched multi-row INSERTs in one
//! transaction, streaming rows from the generator. Turn foreign keys on
//! (`PRAGMA foreign_keys = ON`) before loading to have them checked.

use rusqlite::Connection;
use tablewright_core::types::Dialect;

use super::{Generator, LoadError, LoadSummary, Progress, SeedOptions, Value, sql};
use tablewright_core::model::Schema;

/// Rows per `execute_batch` (split into INSERTs of `sql::ROWS_PER_INSERT` rows).
pub const BATCH_ROWS: usize = 1_000;

/// Generates the seed of `schema` and loads it in one transaction.
pub fn load(conn: &mut Connection, schema: &Schema, options: &SeedOptions) -> Result<LoadSummary, LoadError> {
    let mut generator = Generator::new(schema, options).map_err(LoadError::plan)?;
    let tx = conn.transaction().map_err(|e| LoadError::new(format!("BEGIN: {e}")))?;
    let mut progress = Progress::new();
    let mut tables = Vec::new();
    while let Some(rows) = generator.next_table() {
        let entity = rows.entity();
        let columns = rows.columns();
        progress.table(&entity.table, rows.planned());
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
        let mut count = 0u64;
        let flush = |batch: &mut Vec<Vec<Value>>| -> Result<(), LoadError> {
            if batch.is_empty() {
                return Ok(());
            }
            let script = sql::insert_statements(Dialect::Sqlite, entity, &columns, batch).join("\n");
            tx.execute_batch(&script).map_err(|e| LoadError::new(format!("INSERT INTO {}: {e}", entity.table)))?;
            progress.inc(batch.len() as u64);
            batch.clear();
            Ok(())
        };
        for row in rows {
            batch.push(row);
            count += 1;
            if batch.len() >= BATCH_ROWS {
                flush(&mut batch)?;
            }
        }
        flush(&mut batch)?;
        tables.push((entity.table.clone(), count));
    }
    for script in super::link_scripts(Dialect::Sqlite, &generator) {
        tx.execute_batch(&script).map_err(|e| LoadError::new(format!("UPDATE (keys of a cycle): {e}")))?;
    }
    tx.commit().map_err(|e| LoadError::new(format!("COMMIT: {e}")))?;
    Ok(progress.finish(tables))
}

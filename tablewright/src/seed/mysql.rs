//! Loads a seed into MySQL/MariaDB with batched multi-row INSERTs in one
//! transaction, streaming rows from the generator.

use mysql::Conn;
use mysql::prelude::Queryable;
use tablewright_core::types::Dialect;

use super::{Generator, LoadError, LoadSummary, Progress, SeedOptions, Value, sql};
use tablewright_core::model::Schema;

/// Rows per round trip (split into INSERTs of `sql::ROWS_PER_INSERT` rows).
pub const BATCH_ROWS: usize = 1_000;

/// Generates the seed of `schema` and loads it in one transaction. Identity
/// keys get explicit values; AUTO_INCREMENT moves past them by itself.
pub fn load(conn: &mut Conn, schema: &Schema, options: &SeedOptions) -> Result<LoadSummary, LoadError> {
    let mut generator = Generator::new(schema, options).map_err(LoadError::plan)?;
    let run = |conn: &mut Conn, sql: &str| conn.query_drop(sql).map_err(|e| LoadError::new(format!("{e}")));
    run(conn, "START TRANSACTION")?;
    let mut progress = Progress::new();
    let mut tables = Vec::new();
    let result = (|| {
        while let Some(rows) = generator.next_table() {
            let entity = rows.entity();
            let columns = rows.columns();
            progress.table(&entity.table, rows.planned());
            let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
            let mut count = 0u64;
            let flush = |batch: &mut Vec<Vec<Value>>, conn: &mut Conn| -> Result<(), LoadError> {
                if batch.is_empty() {
                    return Ok(());
                }
                let script = sql::insert_statements(Dialect::Mysql, entity, &columns, batch).join("\n");
                conn.query_drop(&script).map_err(|e| LoadError::new(format!("INSERT INTO {}: {e}", entity.table)))?;
                progress.inc(batch.len() as u64);
                batch.clear();
                Ok(())
            };
            for row in rows {
                batch.push(row);
                count += 1;
                if batch.len() >= BATCH_ROWS {
                    flush(&mut batch, conn)?;
                }
            }
            flush(&mut batch, conn)?;
            tables.push((entity.table.clone(), count));
        }
        for script in super::link_scripts(Dialect::Mysql, &generator) {
            conn.query_drop(&script).map_err(|e| LoadError::new(format!("UPDATE (keys of a cycle): {e}")))?;
        }
        Ok::<(), LoadError>(())
    })();
    match result {
        Ok(()) => {
            run(conn, "COMMIT")?;
            Ok(progress.finish(tables))
        }
        Err(e) => {
            let _ = run(conn, "ROLLBACK");
            Err(e)
        }
    }
}

//! Loads a seed into PostgreSQL with `COPY ... FROM STDIN` (text format),
//! streaming rows from the generator: memory stays flat however many rows.

use std::io::Write;

use postgres::Client;
use tablewright_core::quote::ident;
use tablewright_core::types::Dialect;

use super::{Generator, LoadError, LoadSummary, Progress, SeedOptions, render, sql};
use tablewright_core::model::Schema;

/// Bytes buffered before a write to the COPY stream.
const BUFFER: usize = 256 * 1024;

/// Generates the seed of `schema` and loads it in one transaction: one COPY
/// per table in dependency order, then `setval` on every identity sequence
/// given explicit keys. Load into a migrated database, as a role that
/// bypasses row-level security (the owner with `FORCE` off, or a superuser).
pub fn load(client: &mut Client, schema: &Schema, options: &SeedOptions) -> Result<LoadSummary, LoadError> {
    let mut generator = Generator::new(schema, options).map_err(LoadError::plan)?;
    let mut tx = client.transaction().map_err(|e| LoadError::new(format!("BEGIN: {e}")))?;
    let mut progress = Progress::new();
    let mut tables = Vec::new();
    while let Some(rows) = generator.next_table() {
        let entity = rows.entity();
        let columns = rows.columns();
        let identity = rows.identity_columns();
        progress.table(&entity.table, rows.planned());
        let names: Vec<String> = columns.iter().map(|c| ident(Dialect::Postgres, &c.name)).collect();
        let copy = format!("COPY {} ({}) FROM STDIN", ident(Dialect::Postgres, &entity.table), names.join(", "));
        let mut writer = tx.copy_in(&copy).map_err(|e| LoadError::new(format!("{copy}: {e}")))?;
        let mut buf = String::with_capacity(BUFFER + 4096);
        let mut count = 0u64;
        let mut pending = 0u64;
        for row in rows {
            render::copy_row(&mut buf, &columns, &row);
            count += 1;
            pending += 1;
            if buf.len() >= BUFFER {
                writer.write_all(buf.as_bytes()).map_err(|e| LoadError::new(format!("{}: {e}", entity.table)))?;
                buf.clear();
                progress.inc(pending);
                pending = 0;
            }
        }
        writer.write_all(buf.as_bytes()).map_err(|e| LoadError::new(format!("{}: {e}", entity.table)))?;
        progress.inc(pending);
        writer.finish().map_err(|e| LoadError::new(format!("COPY into {}: {e}", entity.table)))?;
        for c in identity {
            let setval = sql::postgres_setval(entity, c);
            tx.batch_execute(&setval).map_err(|e| LoadError::new(format!("{setval}: {e}")))?;
        }
        tables.push((entity.table.clone(), count));
    }
    for script in super::link_scripts(Dialect::Postgres, &generator) {
        tx.batch_execute(&script).map_err(|e| LoadError::new(format!("UPDATE (keys of a cycle): {e}")))?;
    }
    tx.commit().map_err(|e| LoadError::new(format!("COMMIT: {e}")))?;
    Ok(progress.finish(tables))
}

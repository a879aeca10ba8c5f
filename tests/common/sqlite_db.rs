//! SQLite: an in-memory database per test, with foreign keys enforced.
//!
//! SQLite accepts `REFERENCES missing_table` at CREATE time and
//! `PRAGMA foreign_key_check` is silent on empty tables, so
//! [`Database::check_schema`] prepares an INSERT into every table (which
//! resolves the foreign keys) and checks every foreign key's target table,
//! columns and key explicitly.

use std::collections::BTreeSet;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};

use super::{Database, Dialect, quote_ident};

pub struct SqliteDatabase {
    conn: Connection,
}

impl SqliteDatabase {
    pub fn create() -> Result<Self, String> {
        let conn = Connection::open_in_memory().map_err(|e| format!("SQLite: {e}"))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(|e| format!("SQLite: {e}"))?;
        Ok(SqliteDatabase { conn })
    }

    /// The connection, for tests that need more than [`Database`].
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    fn tables(&self) -> Result<Vec<String>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
            .map_err(|e| e.to_string())?;
        let names = stmt.query_map([], |row| row.get::<_, String>(0)).map_err(|e| e.to_string())?;
        names.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Columns of `table`: (name, position in the primary key, 0 if none).
    fn columns(&self, table: &str) -> Result<Vec<(String, i64)>, String> {
        let mut stmt = self.conn.prepare("SELECT name, pk FROM pragma_table_info(?1)").map_err(|e| e.to_string())?;
        let rows = stmt.query_map(params![table], |row| Ok((row.get(0)?, row.get(1)?))).map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    fn foreign_key_violations(&self) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |row| {
            Ok(format!(
                "{} row {:?} -> {}",
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, String>(2)?
            ))
        })?;
        rows.collect()
    }

    /// The column sets of `table`'s unique indexes (incl. UNIQUE constraints).
    fn unique_keys(&self, table: &str) -> Result<Vec<BTreeSet<String>>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0")
            .map_err(|e| e.to_string())?;
        let indexes: Vec<String> = stmt
            .query_map(params![table], |row| row.get(0))
            .map_err(|e| e.to_string())?
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let mut keys = Vec::new();
        for index in indexes {
            let mut stmt = self.conn.prepare("SELECT name FROM pragma_index_info(?1)").map_err(|e| e.to_string())?;
            let cols: BTreeSet<String> = stmt
                .query_map(params![index], |row| row.get(0))
                .map_err(|e| e.to_string())?
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            keys.push(cols);
        }
        Ok(keys)
    }
}

impl Database for SqliteDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn name(&self) -> &str {
        ":memory:"
    }

    /// `sqlite3_exec` semantics: runs the statements one after another and
    /// stops at the first error, which it returns.
    fn execute_batch(&mut self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    /// Every schema object but SQLite's own (`sqlite_sequence`, autoindexes,
    /// which the CREATE TABLE text already determines), sorted.
    fn dump_schema(&mut self) -> Result<String, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT type, name, tbl_name, sql FROM sqlite_master \
                 WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name, tbl_name",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([], |row| {
                Ok(format!(
                    "{} {} ON {}: {}\n",
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?.unwrap_or_default()
                ))
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<String, _>>().map_err(|e| e.to_string())
    }

    fn check_schema(&mut self) -> Result<(), String> {
        let tables = self.tables()?;
        let mut problems = Vec::new();
        for table in &tables {
            // With foreign keys on, preparing an INSERT resolves every
            // foreign key of the table: a missing parent table or a parent
            // key that is not unique fails here.
            let insert = format!("INSERT INTO {} DEFAULT VALUES", quote_ident(table, '"'));
            if let Err(e) = self.conn.prepare(&insert) {
                problems.push(format!("table {table}: preparing an INSERT fails: {e}"));
            }

            let mut stmt = self
                .conn
                .prepare("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
                .map_err(|e| e.to_string())?;
            let fks: Vec<(i64, String, String, Option<String>)> = stmt
                .query_map(params![table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
                .map_err(|e| e.to_string())?
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            let mut ids: Vec<i64> = fks.iter().map(|fk| fk.0).collect();
            ids.dedup();
            for id in ids {
                let parts: Vec<_> = fks.iter().filter(|fk| fk.0 == id).collect();
                let target = &parts[0].1;
                let from: Vec<&str> = parts.iter().map(|fk| fk.2.as_str()).collect();
                let Some(target_table) = tables.iter().find(|t| t.eq_ignore_ascii_case(target)) else {
                    problems.push(format!(
                        "table {table}: foreign key ({}) references the missing table {target}",
                        from.join(", ")
                    ));
                    continue;
                };
                let target_columns = self.columns(target_table)?;
                let to: BTreeSet<String> = if parts.iter().all(|fk| fk.3.is_none()) {
                    target_columns.iter().filter(|c| c.1 > 0).map(|c| c.0.clone()).collect()
                } else {
                    parts.iter().filter_map(|fk| fk.3.clone()).collect()
                };
                for column in &to {
                    if !target_columns.iter().any(|c| c.0.eq_ignore_ascii_case(column)) {
                        problems.push(format!(
                            "table {table}: foreign key ({}) references the missing column {target}.{column}",
                            from.join(", ")
                        ));
                    }
                }
                let pk: BTreeSet<String> = target_columns.iter().filter(|c| c.1 > 0).map(|c| c.0.clone()).collect();
                let is_key = to == pk || self.unique_keys(target_table)?.contains(&to);
                if !to.is_empty() && !is_key {
                    problems.push(format!(
                        "table {table}: foreign key ({}) references {target}({}), which is neither the primary key nor unique",
                        from.join(", "),
                        to.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        // Fails as a whole ("foreign key mismatch") when a parent key is not
        // unique; either way it is a problem to report, not a harness error.
        match self.foreign_key_violations() {
            Ok(violations) => problems.extend(violations.into_iter().map(|v| format!("foreign_key_check: {v}"))),
            Err(e) => problems.push(format!("PRAGMA foreign_key_check: {e}")),
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
    }

    fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, String> {
        self.conn
            .query_row(sql, [], |row| {
                Ok(match row.get_ref(0)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(i) => Some(i.to_string()),
                    ValueRef::Real(f) => Some(f.to_string()),
                    ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
                })
            })
            .map_err(|e| e.to_string())
    }
}

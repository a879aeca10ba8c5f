//! The real-database harness of the root crate's tests (`tests/common/`),
//! reused file by file: a fresh, uniquely named database per test, dropped
//! at the end, and a deterministic schema dump per dialect (`pg_dump`,
//! information_schema, `sqlite_master`).
//!
//! Only the skip rule differs: an unreachable server skips the test with a
//! message when `CI` is unset, and fails it when `CI` is set.

#![allow(dead_code)] // each test binary uses a part of the harness

#[path = "../../../tests/common/mysql_db.rs"]
mod mysql_db;
#[path = "../../../tests/common/pg.rs"]
mod pg;
#[path = "../../../tests/common/sqlite_db.rs"]
mod sqlite_db;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use mysql_db::MysqlDatabase;
pub use pg::PgDatabase;
pub use sqlite_db::SqliteDatabase;

pub const PG_URL_VAR: &str = "TABLEWRIGHT_PG_URL";
pub const MYSQL_URL_VAR: &str = "TABLEWRIGHT_MYSQL_URL";
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub fn dir_name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MariaDB/MySQL",
            Dialect::Sqlite => "SQLite",
        })
    }
}

/// What the harness files need of a database.
pub trait Database {
    fn dialect(&self) -> Dialect;
    fn name(&self) -> &str;
    fn execute_batch(&mut self, sql: &str) -> Result<(), String>;
    fn dump_schema(&mut self) -> Result<String, String>;
    fn check_schema(&mut self) -> Result<(), String> {
        Ok(())
    }
    fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, String>;
}

/// A unique database name: `tw_test_<pid>_<counter>_<random>`.
pub fn unique_db_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    format!(
        "tw_import_{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        hasher.finish() as u32
    )
}

pub(crate) fn env_url(var: &str, default: &str) -> String {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_string())
}

pub(crate) fn quote_ident(name: &str, quote: char) -> String {
    let doubled: String = [quote, quote].iter().collect();
    format!("{quote}{}{quote}", name.replace(quote, &doubled))
}

/// An unreachable server: a skip notice when `CI` is unset, an error when it is set.
pub(crate) fn unreachable<T>(
    dialect: Dialect,
    var: &str,
    url: &str,
    error: impl fmt::Display,
) -> Result<Option<T>, String> {
    if std::env::var_os("CI").is_none() {
        eprintln!(
            "note: skipping this {dialect} test: cannot connect to {url} ({error}); set {var} to a server, CI fails instead"
        );
        return Ok(None);
    }
    Err(format!(
        "cannot connect to {dialect} at {url}: {error} (CI is set, so this fails instead of skipping); point {var} at a server whose user may create databases"
    ))
}

/// The URL of a test database on the MariaDB server of `TABLEWRIGHT_MYSQL_URL`.
pub fn mysql_url(db: &MysqlDatabase) -> String {
    let base = env_url(MYSQL_URL_VAR, DEFAULT_MYSQL_URL);
    let base = base.trim_end_matches('/');
    let base = match base.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && !server.ends_with(':') && server.matches('/').count() > 2 => {
            server.to_string()
        }
        _ => base.to_string(),
    };
    format!("{base}/{}", db.name())
}

/// The up migrations of `dir` (`<dialect>/NNNN_name.up.sql`), in version order.
pub fn up_migrations(dir: &Path) -> Vec<PathBuf> {
    let mut ups: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    ups.sort();
    assert!(!ups.is_empty(), "{}: no up migrations", dir.display());
    ups
}

/// Applies every up migration of `dir` to `db`.
pub fn apply_all(db: &mut dyn Database, dir: &Path) {
    for up in up_migrations(dir) {
        let sql = std::fs::read_to_string(&up).unwrap();
        db.execute_batch(&sql).unwrap_or_else(|e| panic!("{}: {e}", up.display()));
    }
}

/// The lines of `a` and `b` that differ, as `-`/`+` lines (a multiset
/// difference: order aside, which the dumps fix anyway).
pub fn diff_lines(a: &str, b: &str) -> String {
    let mut out = String::new();
    let mut rest: Vec<&str> = b.lines().collect();
    for line in a.lines() {
        match rest.iter().position(|l| *l == line) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push_str(&format!("- {line}\n")),
        }
    }
    for line in rest {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

//! The real-database test harness.
//!
//! Each test gets a fresh, uniquely named database (`tw_test_<pid>_<n>_<random>`)
//! that a guard drops at the end, also when the test panics. Connection
//! settings come from the environment:
//!
//! - `TABLEWRIGHT_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`):
//!   a PostgreSQL server and a user allowed to create databases;
//! - `TABLEWRIGHT_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/`): MariaDB/MySQL;
//! - `TABLEWRIGHT_SKIP_DB_TESTS=1` turns "server unreachable" from a test
//!   failure into a skip. Without it an unreachable server fails the test with
//!   a message saying how to get one (`scripts/test` starts throwaway servers).
//!
//! SQLite needs no server: each test uses its own in-memory database.
//!
//! [`round_trip`] is the migration check: apply every up migration in
//! version order, dump the schema, apply every down migration in reverse
//! (each must restore the schema the matching up started from, ending with
//! the empty schema), apply the ups again and require the same dump.

#![allow(dead_code)] // each test binary uses a part of the harness

pub mod history;
mod mysql_db;
mod pg;
mod sqlite_db;
pub mod targets;
pub mod tools;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use mysql_db::MysqlDatabase;
pub use pg::PgDatabase;
pub use sqlite_db::SqliteDatabase;

/// The PostgreSQL connection URL variable.
pub const PG_URL_VAR: &str = "TABLEWRIGHT_PG_URL";
/// The MariaDB/MySQL connection URL variable.
pub const MYSQL_URL_VAR: &str = "TABLEWRIGHT_MYSQL_URL";
/// Set to `1` to skip (instead of fail) tests whose server is unreachable.
pub const SKIP_VAR: &str = "TABLEWRIGHT_SKIP_DB_TESTS";

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/";

/// The three SQL dialects tablewright writes migrations for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    /// The folder under `generated/migrations/`.
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

/// A fresh database of one dialect, dropped when the value is dropped.
pub trait Database {
    fn dialect(&self) -> Dialect;
    /// The database's name (`tw_test_...`; `:memory:` for SQLite).
    fn name(&self) -> &str;
    /// Runs a script of any number of `;`-separated statements; every
    /// statement runs, and an error in any of them is returned.
    fn execute_batch(&mut self, sql: &str) -> Result<(), String>;
    /// A deterministic text rendering of the whole schema.
    fn dump_schema(&mut self) -> Result<String, String>;
    /// Checks a dialect cannot be trusted to make at CREATE time (SQLite's
    /// foreign key targets). Ok for the others.
    fn check_schema(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// A scalar query, for tests: the first column of the first row as text.
    fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, String>;
}

/// A unique database name: `tw_test_<pid>_<counter>_<random>`.
pub fn unique_db_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    format!("tw_test_{}_{}_{:08x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), hasher.finish() as u32)
}

/// `Ok(None)` when the server is unreachable and `TABLEWRIGHT_SKIP_DB_TESTS=1`.
pub fn connect(dialect: Dialect) -> Result<Option<Box<dyn Database>>, String> {
    Ok(match dialect {
        Dialect::Postgres => PgDatabase::create()?.map(|db| Box::new(db) as Box<dyn Database>),
        Dialect::Mysql => MysqlDatabase::create()?.map(|db| Box::new(db) as Box<dyn Database>),
        Dialect::Sqlite => Some(Box::new(SqliteDatabase::create()?)),
    })
}

/// Like [`connect`], but panics with the harness's message on failure.
/// `None`: skipped.
pub fn connect_or_panic(dialect: Dialect) -> Option<Box<dyn Database>> {
    connect(dialect).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh database of `dialect` with every up migration generated into
/// `out` (`out/migrations/<dialect>`) applied; `None` when the dialect's
/// server is not there and skipping was asked for.
#[allow(dead_code)]
pub fn migrated(dialect: Dialect, out: &Path) -> Option<Box<dyn Database>> {
    let mut db = connect_or_panic(dialect)?;
    let migrations =
        load_migrations(&out.join("migrations").join(dialect.dir_name())).unwrap_or_else(|e| panic!("{e}"));
    for m in &migrations {
        let sql = std::fs::read_to_string(&m.up).unwrap();
        db.execute_batch(&sql).unwrap_or_else(|e| panic!("{dialect}: {}: {e}", m.up.display()));
    }
    Some(db)
}

pub(crate) fn env_url(var: &str, default: &str) -> String {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_string())
}

pub(crate) fn skip_unreachable() -> bool {
    std::env::var(SKIP_VAR).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The error (or, with `TABLEWRIGHT_SKIP_DB_TESTS=1`, the skip notice) for an
/// unreachable server.
pub(crate) fn unreachable<T>(
    dialect: Dialect,
    var: &str,
    url: &str,
    error: impl fmt::Display,
) -> Result<Option<T>, String> {
    if skip_unreachable() {
        eprintln!("note: skipping {dialect} test: cannot connect to {url} ({error}); {SKIP_VAR} is set");
        return Ok(None);
    }
    Err(format!(
        "cannot connect to {dialect} at {url}: {error}\n\
         The real-database tests need PostgreSQL and MariaDB servers.\n\
         help: run `scripts/test`: it installs both and starts throwaway servers when none is running\n\
         (`scripts/test --with-db cargo test --test migrations` runs just these tests that way);\n\
         or point {var} at a server whose user may create databases;\n\
         or set {SKIP_VAR}=1 to skip the tests that need a server."
    ))
}

/// One migration: `NNNN_name.up.sql` and its `NNNN_name.down.sql`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    pub version: u64,
    /// The file name without `.up.sql`: `0001_initial`.
    pub name: String,
    pub up: PathBuf,
    pub down: PathBuf,
}

/// The migrations of one dialect directory, in version order. Every `.sql`
/// file must be half of an up/down pair named `<digits>_<name>.{up,down}.sql`.
pub fn load_migrations(dir: &Path) -> Result<Vec<Migration>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut ups = std::collections::BTreeMap::new();
    let mut downs = std::collections::BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()).map(str::to_string) else { continue };
        if !path.is_file() || !file.ends_with(".sql") {
            continue;
        }
        let (stem, map) = if let Some(stem) = file.strip_suffix(".up.sql") {
            (stem.to_string(), &mut ups)
        } else if let Some(stem) = file.strip_suffix(".down.sql") {
            (stem.to_string(), &mut downs)
        } else {
            return Err(format!("{}: a migration must be named <version>_<name>.up.sql or .down.sql", path.display()));
        };
        map.insert(stem, path);
    }
    let mut migrations = Vec::new();
    for (stem, up) in &ups {
        let down = downs.remove(stem).ok_or_else(|| format!("{}: no matching {stem}.down.sql", up.display()))?;
        let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
        let version = digits
            .parse::<u64>()
            .map_err(|_| format!("{}: the file name must start with a version number", up.display()))?;
        migrations.push(Migration { version, name: stem.clone(), up: up.clone(), down });
    }
    if let Some(stem) = downs.keys().next() {
        return Err(format!("{}: {stem}.down.sql has no matching .up.sql", dir.display()));
    }
    migrations.sort_by(|a, b| (a.version, &a.name).cmp(&(b.version, &b.name)));
    for pair in migrations.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(format!(
                "{}: two migrations have version {}: {} and {}",
                dir.display(),
                pair[0].version,
                pair[0].name,
                pair[1].name
            ));
        }
    }
    if migrations.is_empty() {
        return Err(format!("{}: no migrations (*.up.sql / *.down.sql) found", dir.display()));
    }
    Ok(migrations)
}

/// What [`round_trip`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every check passed for this many migrations.
    Passed { migrations: usize },
    /// The server was unreachable and `TABLEWRIGHT_SKIP_DB_TESTS=1` is set.
    Skipped,
}

/// Up, down, up again on a fresh database; see the module docs.
pub fn round_trip(dialect: Dialect, dir: &Path) -> Result<Outcome, String> {
    let migrations = load_migrations(dir)?;
    let Some(mut db) = connect(dialect)? else { return Ok(Outcome::Skipped) };
    round_trip_on(db.as_mut(), &migrations).map_err(|e| format!("{dialect}, {}: {e}", dir.display()))?;
    Ok(Outcome::Passed { migrations: migrations.len() })
}

/// The round trip on a given (empty) database.
pub fn round_trip_on(db: &mut dyn Database, migrations: &[Migration]) -> Result<(), String> {
    // states[i] = the schema after the first i migrations.
    let mut states = vec![db.dump_schema()?];
    for m in migrations {
        apply(db, &m.up)?;
        states.push(db.dump_schema()?);
    }
    db.check_schema().map_err(|e| format!("after applying every up migration: {e}"))?;
    if !migrations.is_empty() && states.first() == states.last() {
        return Err("the up migrations changed nothing: the schema dump is the same as the empty database's".into());
    }

    for (i, m) in migrations.iter().enumerate().rev() {
        apply(db, &m.down)?;
        let now = db.dump_schema()?;
        if now != states[i] {
            let what = if i == 0 {
                "the empty schema".to_string()
            } else {
                format!("the schema after {}", migrations[i - 1].name)
            };
            return Err(format!("{} does not restore {what}:\n{}", m.down.display(), diff_lines(&states[i], &now)));
        }
    }

    for m in migrations {
        apply(db, &m.up)?;
    }
    let again = db.dump_schema()?;
    if &again != states.last().expect("states is never empty") {
        return Err(format!(
            "applying the up migrations a second time (after the downs) gives a different schema:\n{}",
            diff_lines(states.last().expect("states is never empty"), &again)
        ));
    }
    db.check_schema().map_err(|e| format!("after up, down, up: {e}"))?;
    Ok(())
}

fn apply(db: &mut dyn Database, file: &Path) -> Result<(), String> {
    let sql = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    db.execute_batch(&sql).map_err(|e| format!("{}: {e}", file.display()))
}

/// The lines only in `expected` (`-`) and only in `actual` (`+`), as a
/// multiset difference, at most 40 of each.
pub fn diff_lines(expected: &str, actual: &str) -> String {
    let mut remaining: Vec<&str> = actual.lines().collect();
    let mut missing = Vec::new();
    for line in expected.lines() {
        match remaining.iter().position(|l| *l == line) {
            Some(i) => {
                remaining.remove(i);
            }
            None => missing.push(line),
        }
    }
    let mut out = String::new();
    for (sign, lines) in [("- ", &missing), ("+ ", &remaining)] {
        for line in lines.iter().take(40) {
            out.push_str(sign);
            out.push_str(line);
            out.push('\n');
        }
        if lines.len() > 40 {
            out.push_str(&format!("{sign}... and {} more lines\n", lines.len() - 40));
        }
    }
    if out.is_empty() {
        out.push_str("  (same lines in a different order)\n");
    }
    out
}

/// The crates whose `generated/` the tests check: the showcase (the root
/// package) and every `examples/<name>/` with a Cargo.toml, sorted by name.
pub fn crate_dirs() -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut crates = vec![("showcase".to_string(), root.clone())];
    let mut examples: Vec<(String, PathBuf)> = fs::read_dir(root.join("examples"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .map(|p| (format!("examples/{}", p.file_name().unwrap_or_default().to_string_lossy()), p))
        .collect();
    examples.sort();
    crates.extend(examples);
    crates
}

/// Quotes an identifier with `quote` doubled inside (`"` or `` ` ``).
pub(crate) fn quote_ident(name: &str, quote: char) -> String {
    let doubled: String = [quote, quote].iter().collect();
    format!("{quote}{}{quote}", name.replace(quote, &doubled))
}

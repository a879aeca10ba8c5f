//! Running the recorded migrations against a database, with a history
//! table that sqlx's migrator reads as its own.
//!
//! The table is sqlx's `_sqlx_migrations` (version, description,
//! installed_on, success, checksum, execution_time), filled the way
//! `sqlx::migrate!` fills it: the version is the number before the first
//! `_` of the file name, the description the rest with `_` as spaces, the
//! checksum the SHA-384 of the up file's bytes. An application that runs
//! `sqlx::migrate!("generated/migrations/postgres")` at start-up therefore
//! sees the migrations `tablewright migrations apply` ran as applied, and
//! the other way round.
//!
//! Each file runs statement by statement ([`split`]) so that a failure
//! names its statement and line; inside one transaction with its history
//! row where the dialect allows (PostgreSQL and SQLite; MySQL commits each
//! DDL statement as it runs, which the error then says). A file whose first
//! line is `-- no-transaction` runs without one, and its history row is
//! written only after its last statement succeeded: a failed migration
//! never leaves a row behind.

pub mod dump;
pub mod split;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha384};

use crate::db::{Connection, DbError, Dialect};

/// sqlx's history table.
pub const HISTORY_TABLE: &str = "_sqlx_migrations";

/// sqlx's marker for a migration that must not run in a transaction.
const NO_TRANSACTION: &str = "-- no-transaction";

/// One recorded migration of a dialect folder: `NNNN_<name>.up.sql` and its down file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    /// `0002_add_priority`.
    pub id: String,
    /// As sqlx derives it: `add priority`.
    pub description: String,
    pub up: PathBuf,
    pub down: PathBuf,
}

impl Migration {
    /// The SHA-384 of the up file, as sqlx stores it.
    pub fn checksum(&self) -> Result<Vec<u8>, MigrateError> {
        let bytes = fs::read(&self.up).map_err(|e| MigrateError::file(&self.up, e))?;
        Ok(Sha384::digest(&bytes).to_vec())
    }
}

/// A row of the history table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub version: i64,
    pub description: String,
    pub success: bool,
    pub checksum: Vec<u8>,
}

/// What went wrong, as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrateError(pub String);

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MigrateError {}

impl From<DbError> for MigrateError {
    fn from(e: DbError) -> Self {
        MigrateError(e.0)
    }
}

impl MigrateError {
    fn file(path: &Path, e: std::io::Error) -> Self {
        MigrateError(format!("{}: {e}", path.display()))
    }
}

/// The migrations of `dir` (`generated/migrations/<dialect>`), in version order.
pub fn load(dir: &Path) -> Result<Vec<Migration>, MigrateError> {
    let entries = fs::read_dir(dir).map_err(|e| {
        MigrateError(format!("{}: {e} (run `tablewright generate` first, or pass --migrations)", dir.display()))
    })?;
    let mut migrations = Vec::new();
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    for name in &names {
        let Some(id) = name.strip_suffix(".up.sql") else { continue };
        let down = dir.join(format!("{id}.down.sql"));
        if !down.is_file() {
            return Err(MigrateError(format!("{}: {id}.up.sql has no {id}.down.sql", dir.display())));
        }
        let (number, rest) = id.split_once('_').unwrap_or((id, ""));
        let version = number.parse::<i64>().map_err(|_| {
            MigrateError(format!("{}/{name}: a migration's name starts with its version number", dir.display()))
        })?;
        if let Some(previous) = migrations.iter().find(|m: &&Migration| m.version == version) {
            return Err(MigrateError(format!(
                "{}: two migrations have version {version}: {} and {id}",
                dir.display(),
                previous.id
            )));
        }
        migrations.push(Migration {
            version,
            id: id.to_string(),
            description: rest.replace('_', " "),
            up: dir.join(name),
            down,
        });
    }
    migrations.sort_by_key(|m| m.version);
    Ok(migrations)
}

/// Creates the history table when it does not exist (sqlx's own DDL).
pub fn ensure_history(conn: &mut Connection) -> Result<(), MigrateError> {
    let sql = match conn.dialect() {
        Dialect::Postgres => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (\n    version BIGINT PRIMARY KEY,\n    description TEXT NOT NULL,\n    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),\n    success BOOLEAN NOT NULL,\n    checksum BYTEA NOT NULL,\n    execution_time BIGINT NOT NULL\n)"
        }
        Dialect::Mysql | Dialect::Sqlite => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (\n    version BIGINT PRIMARY KEY,\n    description TEXT NOT NULL,\n    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    success BOOLEAN NOT NULL,\n    checksum BLOB NOT NULL,\n    execution_time BIGINT NOT NULL\n)"
        }
    };
    conn.execute(sql).map_err(|e| MigrateError(format!("creating the history table {HISTORY_TABLE}: {e}")))
}

/// The history table's rows, by version; empty when it does not exist.
pub fn applied(conn: &mut Connection) -> Result<Vec<Applied>, MigrateError> {
    let exists = match conn.dialect() {
        Dialect::Postgres => {
            "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'"
        }
        Dialect::Mysql => {
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_sqlx_migrations'"
        }
        Dialect::Sqlite => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    };
    if conn.query(exists)?.is_empty() {
        return Ok(Vec::new());
    }
    let checksum = match conn.dialect() {
        Dialect::Postgres => "encode(checksum, 'hex')",
        Dialect::Mysql | Dialect::Sqlite => "lower(hex(checksum))",
    };
    let success = match conn.dialect() {
        Dialect::Postgres => "CASE WHEN success THEN 1 ELSE 0 END",
        Dialect::Mysql | Dialect::Sqlite => "success",
    };
    let rows = conn
        .query(&format!("SELECT version, description, {success}, {checksum} FROM _sqlx_migrations ORDER BY version"))?;
    rows.into_iter()
        .map(|row| {
            let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            Ok(Applied {
                version: text(0)
                    .parse()
                    .map_err(|_| MigrateError(format!("{HISTORY_TABLE}: bad version `{}`", text(0))))?,
                description: text(1),
                success: text(2) == "1",
                checksum: from_hex(&text(3)),
            })
        })
        .collect()
}

/// Where each local migration stands on a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Applied,
    Pending,
    /// Applied from a file whose bytes differ from today's.
    Changed,
    /// A row with `success = false`: a migration that failed without a
    /// transaction (written by another tool; tablewright never leaves one).
    Failed,
}

/// Where a database stands against the local migrations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Every local migration with its state, in order.
    pub states: Vec<(Migration, State)>,
    /// Applied versions that no local file has.
    pub unknown: Vec<Applied>,
}

/// The local migrations with their state, and the applied versions no local file has.
pub fn status(migrations: &[Migration], applied: &[Applied]) -> Result<Status, MigrateError> {
    let mut states = Vec::new();
    for migration in migrations {
        let state = match applied.iter().find(|a| a.version == migration.version) {
            None => State::Pending,
            Some(a) if !a.success => State::Failed,
            Some(a) if a.checksum != migration.checksum()? => State::Changed,
            Some(_) => State::Applied,
        };
        states.push((migration.clone(), state));
    }
    let unknown = applied.iter().filter(|a| !migrations.iter().any(|m| m.version == a.version)).cloned().collect();
    Ok(Status { states, unknown })
}

/// Applies every pending migration in order; returns the ids applied.
/// Refuses to start when the database's history disagrees with the files
/// (a changed file, a failed or unknown migration), as sqlx does.
pub fn apply(conn: &mut Connection, migrations: &[Migration]) -> Result<Vec<String>, MigrateError> {
    apply_to(conn, migrations, None)
}

/// [`apply`], stopping after version `last` when given.
pub fn apply_to(
    conn: &mut Connection,
    migrations: &[Migration],
    last: Option<i64>,
) -> Result<Vec<String>, MigrateError> {
    ensure_history(conn)?;
    let Status { states, unknown } = status(migrations, &applied(conn)?)?;
    if let Some(a) = unknown.first() {
        return Err(MigrateError(format!(
            "the database has migration {} ({}) applied, which is not among the local files: \
             is this the right database and the right migrations folder?",
            a.version, a.description
        )));
    }
    for (m, state) in &states {
        match state {
            State::Changed => {
                return Err(MigrateError(format!(
                    "migration {} was applied from a different file (its checksum changed): recorded migrations \
                     are never edited; restore {} from version control",
                    m.id,
                    m.up.display()
                )));
            }
            State::Failed => {
                return Err(MigrateError(format!(
                    "migration {} is marked failed in {HISTORY_TABLE}: repair the database by hand, then delete \
                     that row",
                    m.id
                )));
            }
            State::Applied | State::Pending => {}
        }
    }
    let mut done = Vec::new();
    let pending = states.iter().filter(|(m, s)| *s == State::Pending && last.is_none_or(|v| m.version <= v));
    for (m, _) in pending {
        run_file(conn, &m.up, Some(m))?;
        done.push(m.id.clone());
    }
    Ok(done)
}

/// Reverts the last applied migration; returns its id, or `None` when
/// nothing is applied.
pub fn down(conn: &mut Connection, migrations: &[Migration]) -> Result<Option<String>, MigrateError> {
    let applied = applied(conn)?;
    let Some(last) = applied.iter().filter(|a| a.success).max_by_key(|a| a.version) else { return Ok(None) };
    let m = migrations.iter().find(|m| m.version == last.version).ok_or_else(|| {
        MigrateError(format!(
            "the last applied migration, {} ({}), is not among the local files: cannot revert it",
            last.version, last.description
        ))
    })?;
    run_file(conn, &m.down, None)?;
    let delete = format!("DELETE FROM _sqlx_migrations WHERE version = {}", m.version);
    conn.execute(&delete).map_err(|e| MigrateError(format!("{}: reverted, but {e}", m.down.display())))?;
    Ok(Some(m.id.clone()))
}

/// Runs a file that is not a recorded migration (a draft), as `apply`
/// runs one but without a history row.
pub fn run_script(conn: &mut Connection, file: &Path) -> Result<(), MigrateError> {
    run_file(conn, file, None)
}

/// Records `m` as applied without running it (a database that already has
/// its schema: `tablewright migrations baseline`).
pub fn mark_applied(conn: &mut Connection, m: &Migration) -> Result<(), MigrateError> {
    ensure_history(conn)?;
    conn.execute(&history_row(conn.dialect(), m, 0)?)
        .map_err(|e| MigrateError(format!("recording {} in {HISTORY_TABLE}: {e}", m.id)))
}

/// Runs `statements` in one transaction (where the dialect allows).
pub fn run_statements(conn: &mut Connection, statements: &[String]) -> Result<(), MigrateError> {
    conn.execute(begin(conn.dialect()))?;
    for (i, statement) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(statement) {
            let _ = conn.execute("ROLLBACK");
            return Err(MigrateError(format!("statement {} of {} failed: {e}: {statement}", i + 1, statements.len())));
        }
    }
    conn.execute("COMMIT")?;
    Ok(())
}

/// The INSERT of `m`'s row into the history table.
fn history_row(dialect: Dialect, m: &Migration, elapsed_nanos: i64) -> Result<String, MigrateError> {
    let checksum = to_hex(&m.checksum()?);
    let bytes = match dialect {
        Dialect::Postgres => format!("'\\x{checksum}'::bytea"),
        Dialect::Mysql | Dialect::Sqlite => format!("X'{checksum}'"),
    };
    Ok(format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ({}, '{}', TRUE, {bytes}, {elapsed_nanos})",
        m.version,
        m.description.replace('\'', "''")
    ))
}

/// Runs one file statement by statement; with `record`, writes its history
/// row in the same transaction (or, without one, after the last statement).
fn run_file(conn: &mut Connection, file: &Path, record: Option<&Migration>) -> Result<(), MigrateError> {
    let sql = fs::read_to_string(file).map_err(|e| MigrateError::file(file, e))?;
    let dialect = conn.dialect();
    let statements = split::split(&sql, dialect).map_err(|e| MigrateError(format!("{}: {e}", file.display())))?;
    let transactional = sql.lines().next().is_none_or(|l| l.trim() != NO_TRANSACTION);
    if transactional {
        conn.execute(begin(dialect))?;
    }
    let started = Instant::now();
    for (i, statement) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(&statement.sql) {
            let mut message = format!(
                "{}: statement {} of {} (line {}) failed: {e}",
                file.display(),
                i + 1,
                statements.len(),
                statement.line
            );
            if transactional {
                let _ = conn.execute("ROLLBACK");
                if dialect == Dialect::Mysql && i > 0 {
                    message.push_str(
                        "; MySQL commits schema changes as they run, so the statements before it took effect: \
                         revert them by hand (the down file lists them)",
                    );
                } else {
                    message.push_str("; nothing of this migration was applied");
                }
            } else if i > 0 {
                let _ = write!(message, "; the file runs without a transaction, so statements 1 to {i} took effect");
            }
            return Err(MigrateError(message));
        }
    }
    if let Some(m) = record {
        let insert = history_row(dialect, m, started.elapsed().as_nanos() as i64)?;
        if let Err(e) = conn.execute(&insert) {
            if transactional {
                let _ = conn.execute("ROLLBACK");
            }
            return Err(MigrateError(format!("{}: recording it in {HISTORY_TABLE} failed: {e}", file.display())));
        }
    }
    if transactional {
        conn.execute("COMMIT").map_err(|e| MigrateError(format!("{}: COMMIT failed: {e}", file.display())))?;
    }
    Ok(())
}

/// The statement that opens a transaction.
fn begin(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Mysql => "START TRANSACTION",
        Dialect::Postgres | Dialect::Sqlite => "BEGIN",
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2).filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()).collect()
}

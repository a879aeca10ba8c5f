//! The showcase's database access: one enum over the three drivers, and a
//! minimal runner for the generated migration files (sqlx-compatible names:
//! `<version>_<name>.up.sql`). In an application you would use `sqlx migrate`
//! or your framework's runner on the same files.

use std::path::Path;

use tablewright::sea_query::{InsertStatement, MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};

pub enum Database {
    Sqlite(rusqlite::Connection, String),
    Postgres(postgres::Client, String),
    Mysql(mysql::Conn, String),
}

/// Records which migrations have run, like sqlx's `_sqlx_migrations`.
const HISTORY_TABLE: &str = "tablewright_migrations";

impl Database {
    /// A new SQLite file (any previous one is removed, so every run starts clean).
    pub fn fresh_sqlite(path: &Path) -> Result<Database, String> {
        if path.exists() {
            std::fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
        let conn = rusqlite::Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(|e| e.to_string())?;
        Ok(Database::Sqlite(conn, format!("SQLite ({})", path.display())))
    }

    /// Connects to a `postgres://` or `mysql://` URL.
    pub fn connect(url: &str) -> Result<Database, String> {
        let redacted = redact(url);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let client = postgres::Client::connect(url, postgres::NoTls)
                .map_err(|e| format!("cannot connect to {redacted}: {e}"))?;
            Ok(Database::Postgres(client, format!("PostgreSQL ({redacted})")))
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            let url = url.replacen("mariadb://", "mysql://", 1);
            let opts = mysql::Opts::from_url(&url).map_err(|e| format!("bad MySQL URL {redacted}: {e}"))?;
            let conn = mysql::Conn::new(opts).map_err(|e| format!("cannot connect to {redacted}: {e}"))?;
            Ok(Database::Mysql(conn, format!("MySQL/MariaDB ({redacted})")))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let conn = rusqlite::Connection::open(path).map_err(|e| format!("cannot open {path}: {e}"))?;
            conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(|e| e.to_string())?;
            Ok(Database::Sqlite(conn, format!("SQLite ({path})")))
        } else {
            Err(format!("DATABASE_URL must start with postgres://, mysql:// or sqlite:, got {redacted}"))
        }
    }

    pub fn describe(&self) -> &str {
        match self {
            Database::Sqlite(_, d) | Database::Postgres(_, d) | Database::Mysql(_, d) => d,
        }
    }

    /// The folder of `generated/migrations/` for this database.
    pub fn dialect_dir(&self) -> &'static str {
        match self {
            Database::Sqlite(..) => "sqlite",
            Database::Postgres(..) => "postgres",
            Database::Mysql(..) => "mysql",
        }
    }

    /// Runs a script of several statements.
    pub fn batch(&mut self, sql: &str) -> Result<(), String> {
        match self {
            Database::Sqlite(c, _) => c.execute_batch(sql).map_err(|e| e.to_string()),
            Database::Postgres(c, _) => c.batch_execute(sql).map_err(|e| e.to_string()),
            Database::Mysql(c, _) => mysql::prelude::Queryable::query_drop(c, sql).map_err(|e| e.to_string()),
        }
    }

    pub fn execute_insert(&mut self, statement: &InsertStatement) -> Result<(), String> {
        let sql = match self {
            Database::Sqlite(..) => statement.to_string(SqliteQueryBuilder),
            Database::Postgres(..) => statement.to_string(PostgresQueryBuilder),
            Database::Mysql(..) => statement.to_string(MysqlQueryBuilder),
        };
        self.batch(&sql).map_err(|e| format!("{e}\n  in: {sql}"))
    }

    /// The first column of every row, as integers (counts, versions).
    fn query_i64s(&mut self, sql: &str) -> Result<Vec<i64>, String> {
        match self {
            Database::Sqlite(c, _) => {
                let mut stmt = c.prepare(sql).map_err(|e| e.to_string())?;
                let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).map_err(|e| e.to_string())?;
                rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
            }
            Database::Postgres(c, _) => {
                Ok(c.query(sql, &[]).map_err(|e| e.to_string())?.iter().map(|r| r.get::<_, i64>(0)).collect())
            }
            Database::Mysql(c, _) => mysql::prelude::Queryable::query(c, sql).map_err(|e| e.to_string()),
        }
    }

    pub fn count(&mut self, table: &str) -> Result<i64, String> {
        let quoted = match self {
            Database::Mysql(..) => format!("`{table}`"),
            _ => format!("\"{table}\""),
        };
        let rows = self.query_i64s(&format!("SELECT COUNT(*) FROM {quoted}"))?;
        rows.first().copied().ok_or_else(|| format!("no count for {table}"))
    }
}

/// Applies every `*.up.sql` in `dir` whose version is not yet recorded, in
/// version order. Returns the names applied.
pub fn apply_pending_migrations(db: &mut Database, dir: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e} (run `cargo build` first)", dir.display()))?;
    let mut ups: Vec<(i64, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".up.sql")?;
            let version = stem.split('_').next()?.parse().ok()?;
            Some((version, name))
        })
        .collect();
    ups.sort();
    let text = if matches!(db, Database::Mysql(..)) { "VARCHAR(255)" } else { "TEXT" };
    db.batch(&format!(
        "CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (version BIGINT PRIMARY KEY, name {text} NOT NULL)"
    ))?;
    let done = db.query_i64s(&format!("SELECT version FROM {HISTORY_TABLE}"))?;
    let mut applied = Vec::new();
    for (version, name) in ups {
        if done.contains(&version) {
            continue;
        }
        let sql = std::fs::read_to_string(dir.join(&name)).map_err(|e| format!("cannot read {name}: {e}"))?;
        db.batch(&sql).map_err(|e| format!("migration {name} failed: {e}"))?;
        db.batch(&format!(
            "INSERT INTO {HISTORY_TABLE} (version, name) VALUES ({version}, '{}')",
            name.replace('\'', "''")
        ))?;
        applied.push(name);
    }
    Ok(applied)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

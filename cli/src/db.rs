//! One connection over the three databases tablewright targets, opened from
//! a URL the way sqlx and the other CLIs spell them:
//!
//! - `postgres://user:password@host:5432/db` (or `postgresql://`);
//! - `mysql://root@127.0.0.1:3306/db` (or `mariadb://`);
//! - `sqlite:path/to/file.db`, `sqlite://path/to/file.db`, `sqlite::memory:`.
//!
//! Every failure is one [`DbError`] line that names the server and what the
//! database said, so the CLI can print it as is.

use std::error::Error as _;
use std::fmt;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mysql::prelude::Queryable;
pub use tablewright_core::types::Dialect;

/// What went wrong talking to a database: one line, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError(pub String);

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

/// A parsed database URL: which dialect, and the URL the driver reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbUrl {
    pub dialect: Dialect,
    /// The URL as the driver takes it (`mariadb://` becomes `mysql://`;
    /// for SQLite, the file path).
    target: String,
    /// The URL as the user wrote it, password hidden, for messages.
    shown: String,
}

impl DbUrl {
    /// Parses `url`; an unknown scheme says which ones exist.
    ///
    /// ```
    /// use tablewright_cli::db::{DbUrl, Dialect};
    /// assert_eq!(DbUrl::parse("postgres://postgres@127.0.0.1/app").unwrap().dialect, Dialect::Postgres);
    /// assert_eq!(DbUrl::parse("mariadb://root@127.0.0.1/app").unwrap().dialect, Dialect::Mysql);
    /// assert_eq!(DbUrl::parse("sqlite:app.db").unwrap().dialect, Dialect::Sqlite);
    /// let error = DbUrl::parse("oracle://scott@db/orcl").unwrap_err();
    /// assert!(error.to_string().contains("postgres://"), "{error}");
    /// ```
    pub fn parse(url: &str) -> Result<DbUrl, DbError> {
        let url = url.trim();
        let shown = hide_password(url);
        let (scheme, rest) = url.split_once(':').ok_or_else(|| bad_scheme(&shown))?;
        let (dialect, target) = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => (Dialect::Postgres, url.to_string()),
            "mysql" => (Dialect::Mysql, url.to_string()),
            "mariadb" => (Dialect::Mysql, format!("mysql:{rest}")),
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split('?').next().unwrap_or(path);
                if path.is_empty() {
                    return Err(DbError(format!(
                        "`{shown}` names no SQLite file: write `sqlite:path/to/file.db` or `sqlite::memory:`"
                    )));
                }
                (Dialect::Sqlite, path.to_string())
            }
            _ => return Err(bad_scheme(&shown)),
        };
        Ok(DbUrl { dialect, target, shown })
    }

    /// The URL for messages, with any password replaced by `***`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The URL the driver connects with (`mariadb://` spelled `mysql://`;
    /// for SQLite, the file path). It holds the password: not for messages.
    pub fn driver_url(&self) -> &str {
        &self.target
    }

    /// For SQLite, the database file (`:memory:` for an in-memory one).
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.dialect == Dialect::Sqlite).then_some(self.target.as_str())
    }

    /// Connects, with a 10 s timeout on the network databases.
    pub fn connect(&self) -> Result<Connection, DbError> {
        let inner = match self.dialect {
            Dialect::Postgres => {
                let mut config: postgres::Config = self
                    .target
                    .parse()
                    .map_err(|e| DbError(format!("`{}` is not a PostgreSQL URL: {e}", self.shown)))?;
                config.connect_timeout(Duration::from_secs(10));
                let client = config
                    .connect(postgres::NoTls)
                    .map_err(|e| DbError(format!("cannot connect to {}: {}", self.shown, pg_error_text(&e))))?;
                Inner::Postgres(Box::new(client))
            }
            Dialect::Mysql => {
                let opts = mysql::Opts::from_url(&self.target)
                    .map_err(|e| DbError(format!("`{}` is not a MySQL URL: {e}", self.shown)))?;
                let opts = mysql::OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(Duration::from_secs(10)));
                let conn =
                    mysql::Conn::new(opts).map_err(|e| DbError(format!("cannot connect to {}: {e}", self.shown)))?;
                Inner::Mysql(Box::new(conn))
            }
            Dialect::Sqlite => {
                let conn = rusqlite::Connection::open(&self.target)
                    .map_err(|e| DbError(format!("cannot open {}: {e}", self.shown)))?;
                conn.execute_batch("PRAGMA foreign_keys = ON").map_err(|e| DbError(format!("{}: {e}", self.shown)))?;
                Inner::Sqlite(conn)
            }
        };
        Ok(Connection { url: self.clone(), inner })
    }
}

fn bad_scheme(shown: &str) -> DbError {
    DbError(format!(
        "`{shown}` is not a database URL tablewright knows: write postgres://user@host:5432/db, \
         mysql://user@host:3306/db (or mariadb://) or sqlite:path/to/file.db"
    ))
}

/// `scheme://user:secret@host` as `scheme://user:***@host`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_string() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// The whole error chain of a PostgreSQL error (message, DETAIL, cause), on one line.
pub fn pg_error_text(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

enum Inner {
    Postgres(Box<postgres::Client>),
    Mysql(Box<mysql::Conn>),
    Sqlite(rusqlite::Connection),
}

/// An open connection to one of the three databases.
pub struct Connection {
    url: DbUrl,
    inner: Inner,
}

/// One row of [`Connection::query`]: every value as text, `None` for NULL.
pub type TextRow = Vec<Option<String>>;

impl Connection {
    pub fn dialect(&self) -> Dialect {
        self.url.dialect
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Runs one or more statements that return nothing.
    pub fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        match &mut self.inner {
            Inner::Postgres(client) => client.batch_execute(sql).map_err(|e| DbError(pg_error_text(&e))),
            Inner::Mysql(conn) => conn.query_drop(sql).map_err(|e| DbError(e.to_string())),
            Inner::Sqlite(conn) => conn.execute_batch(sql).map_err(|e| DbError(sqlite_error_text(&e, sql))),
        }
    }

    /// Runs one query and returns its rows with every value as text (the
    /// form catalog queries need; numbers and booleans as the database
    /// prints them, `t`/`f` on PostgreSQL).
    pub fn query(&mut self, sql: &str) -> Result<Vec<TextRow>, DbError> {
        match &mut self.inner {
            Inner::Postgres(client) => {
                let messages = client.simple_query(sql).map_err(|e| DbError(pg_error_text(&e)))?;
                Ok(messages
                    .iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(row) => {
                            Some((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect())
                        }
                        _ => None,
                    })
                    .collect())
            }
            Inner::Mysql(conn) => {
                let rows: Vec<mysql::Row> = conn.query(sql).map_err(|e| DbError(e.to_string()))?;
                Ok(rows.into_iter().map(|row| row.unwrap().into_iter().map(mysql_text).collect()).collect())
            }
            Inner::Sqlite(conn) => {
                let mut statement = conn.prepare(sql).map_err(|e| DbError(e.to_string()))?;
                let width = statement.column_count();
                let rows = statement
                    .query_map([], |row| (0..width).map(|i| row.get_ref(i).map(sqlite_text)).collect())
                    .map_err(|e| DbError(e.to_string()))?;
                rows.collect::<Result<Vec<TextRow>, _>>().map_err(|e| DbError(e.to_string()))
            }
        }
    }

    /// The PostgreSQL client, for what needs typed parameters or COPY.
    pub fn postgres(&mut self) -> Option<&mut postgres::Client> {
        match &mut self.inner {
            Inner::Postgres(client) => Some(client),
            _ => None,
        }
    }

    /// The MySQL connection.
    pub fn mysql(&mut self) -> Option<&mut mysql::Conn> {
        match &mut self.inner {
            Inner::Mysql(conn) => Some(conn),
            _ => None,
        }
    }

    /// The SQLite connection.
    pub fn sqlite(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(conn) => Some(conn),
            _ => None,
        }
    }
}

/// rusqlite's message without the statement it appends (`... in CREATE TABLE ...`):
/// the caller names the statement, and the message stays on one line.
fn sqlite_error_text(error: &rusqlite::Error, sql: &str) -> String {
    let text = error.to_string();
    let head: String = sql.trim_start().chars().take(12).collect();
    match text.find(&format!(" in {head}")) {
        Some(at) if !head.is_empty() => text[..at].to_string(),
        _ => text.lines().next().unwrap_or_default().to_string(),
    }
}

fn mysql_text(value: mysql::Value) -> Option<String> {
    match value {
        mysql::Value::NULL => None,
        mysql::Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        other => Some(other.as_sql(true).trim_matches('\'').to_string()),
    }
}

fn sqlite_text(value: rusqlite::types::ValueRef<'_>) -> Option<String> {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

/// A throwaway database on the server a URL names (SQLite: a temporary
/// file), dropped (removed) on drop: for `migrations verify` and tests.
pub struct Scratch {
    url: DbUrl,
    admin: Option<DbUrl>,
    name: String,
}

impl Scratch {
    /// The throwaway database's URL.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Creates it; the user of `url` needs CREATEDB (PostgreSQL) or CREATE (MySQL).
    pub fn create(url: &DbUrl) -> Result<Scratch, DbError> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("tw_verify_{}_{nanos}", std::process::id());
        if url.dialect == Dialect::Sqlite {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let scratch = DbUrl::parse(&format!("sqlite:{}", path.display()))?;
            return Ok(Scratch { url: scratch, admin: None, name: path.display().to_string() });
        }
        let mut admin = url.connect()?;
        let create = match url.dialect {
            Dialect::Postgres => format!("CREATE DATABASE \"{name}\""),
            _ => format!("CREATE DATABASE `{name}`"),
        };
        admin.execute(&create).map_err(|e| {
            DbError(format!("cannot create a throwaway database on {}: {e} (the user needs CREATEDB)", url.shown()))
        })?;
        let scratch = DbUrl::parse(&with_database(url.driver_url(), &name))?;
        Ok(Scratch { url: scratch, admin: Some(url.clone()), name })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match &self.admin {
            None => {
                let _ = std::fs::remove_file(&self.name);
            }
            Some(admin) => {
                let drop = match admin.dialect {
                    Dialect::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
                    _ => format!("DROP DATABASE IF EXISTS `{}`", self.name),
                };
                if let Err(e) = admin.connect().and_then(|mut c| c.execute(&drop)) {
                    eprintln!("warning: could not drop the throwaway database {}: {e}", self.name);
                }
            }
        }
    }
}

/// `scheme://user@host:port/db?query` with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        let _ = write!(out, "?{query}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn a_scratch_database_keeps_the_server_and_the_options() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@127.0.0.1:3306", "x"), "mysql://root@127.0.0.1:3306/x");
    }
}

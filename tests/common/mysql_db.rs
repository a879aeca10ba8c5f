//! MariaDB / MySQL: a fresh database per test, schema dumps from
//! information_schema.

use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Value};

use super::{DEFAULT_MYSQL_URL, Database, Dialect, MYSQL_URL_VAR, env_url, quote_ident, unique_db_name, unreachable};

/// A database created for one test on the server of `TABLEWRIGHT_MYSQL_URL`;
/// dropped on drop.
pub struct MysqlDatabase {
    name: String,
    admin_opts: Opts,
    conn: Option<Conn>,
}

/// One section of the dump: a label and a query over information_schema
/// where `{db}` is the database name as a string literal. Every column that
/// describes the schema is selected; nothing that changes at run time
/// (row counts, AUTO_INCREMENT counters, create times, the schema name).
const SECTIONS: &[(&str, &str)] = &[
    (
        "table",
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = {db}",
    ),
    (
        "column",
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
         CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION, COLUMN_COMMENT \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {db}",
    ),
    (
        "index",
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, SUB_PART, NULLABLE, \
         INDEX_TYPE, INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {db}",
    ),
    (
        "constraint",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE \
         FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {db}",
    ),
    (
        "key_column",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, \
         REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
         FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_SCHEMA = {db}",
    ),
    (
        "foreign_key",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, \
         UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {db}",
    ),
    (
        "check",
        "SELECT CONSTRAINT_NAME, CHECK_CLAUSE \
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {db}",
    ),
    (
        "trigger",
        "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_TIMING, \
         ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {db}",
    ),
    ("view", "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = {db}"),
    (
        "routine",
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION \
         FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = {db}",
    ),
];

impl MysqlDatabase {
    /// Creates the database. `Ok(None)`: unreachable and skipping is allowed.
    pub fn create() -> Result<Option<Self>, String> {
        let url = env_url(MYSQL_URL_VAR, DEFAULT_MYSQL_URL);
        let opts =
            Opts::from_url(&url).map_err(|e| format!("{MYSQL_URL_VAR}={url} is not a MySQL connection URL: {e}"))?;
        let admin_opts: Opts = OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(Duration::from_secs(5))).into();
        let mut admin = match Conn::new(admin_opts.clone()) {
            Ok(conn) => conn,
            Err(e) => return unreachable(Dialect::Mysql, MYSQL_URL_VAR, &url, e),
        };
        let name = unique_db_name();
        admin
            .query_drop(format!("CREATE DATABASE {}", quote_ident(&name, '`')))
            .map_err(|e| format!("MariaDB at {url}: cannot create a test database: {e}"))?;
        drop(admin);
        let mut db = MysqlDatabase { name, admin_opts, conn: None };
        let opts = OptsBuilder::from_opts(db.admin_opts.clone()).db_name(Some(db.name.clone()));
        db.conn = Some(Conn::new(opts).map_err(|e| format!("MariaDB at {url}: {e}"))?);
        Ok(Some(db))
    }

    /// The connection, for tests that need more than [`Database`].
    pub fn conn(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("the connection lives until drop")
    }
}

impl Database for MysqlDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn name(&self) -> &str {
        &self.name
    }

    /// One multi-statement query (the client enables
    /// CLIENT_MULTI_STATEMENTS); every result set is read, because the
    /// error of a later statement arrives with its result set and
    /// `query_drop` would discard it.
    fn execute_batch(&mut self, sql: &str) -> Result<(), String> {
        let mut result = self.conn().query_iter(sql).map_err(|e| format!("statement 1 of the script: {e}"))?;
        let mut statement = 1;
        while let Some(set) = result.iter() {
            for row in set {
                row.map_err(|e| format!("statement {statement} of the script: {e}"))?;
            }
            statement += 1;
        }
        Ok(())
    }

    /// Sorted `section col=value ...` lines, one per information_schema row.
    fn dump_schema(&mut self) -> Result<String, String> {
        let db = format!("'{}'", self.name.replace('\'', "''"));
        let mut lines = Vec::new();
        for (section, query) in SECTIONS {
            let query = query.replace("{db}", &db);
            let rows: Vec<mysql::Row> =
                self.conn().query(&query).map_err(|e| format!("dumping the schema ({section}): {e}"))?;
            for row in rows {
                let mut line = (*section).to_string();
                let names: Vec<String> = row.columns_ref().iter().map(|c| c.name_str().into_owned()).collect();
                for (column, value) in names.iter().zip(row.unwrap()) {
                    line.push(' ');
                    line.push_str(column);
                    line.push('=');
                    line.push_str(&render(&value));
                }
                lines.push(line);
            }
        }
        lines.sort();
        Ok(lines.iter().map(|l| format!("{l}\n")).collect())
    }

    fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, String> {
        let row: Option<mysql::Row> = self.conn().query_first(sql).map_err(|e| e.to_string())?;
        Ok(row.and_then(|r| r.unwrap().into_iter().next()).and_then(|v| match v {
            Value::NULL => None,
            Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            other => Some(render(&other)),
        }))
    }
}

impl Drop for MysqlDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {}", quote_ident(&self.name, '`'));
        let dropped = self.conn.as_mut().is_some_and(|conn| conn.query_drop(&sql).is_ok());
        self.conn = None;
        if dropped {
            return;
        }
        let result = Conn::new(self.admin_opts.clone()).and_then(|mut conn| conn.query_drop(&sql));
        if let Err(e) = result {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// A value on one line: NULL, numbers, text with `\n` escaped.
fn render(value: &Value) -> String {
    match value {
        Value::NULL => "NULL".to_string(),
        Value::Bytes(bytes) => {
            format!("{:?}", String::from_utf8_lossy(bytes))
        }
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        other => format!("{other:?}"),
    }
}

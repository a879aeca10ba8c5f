//! PostgreSQL: a fresh database per test, schema dumps through `pg_dump`.

use std::error::Error as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use postgres::config::Host;
use postgres::error::ErrorPosition;
use postgres::{Client, Config, NoTls, SimpleQueryMessage};

use super::{DEFAULT_PG_URL, Database, Dialect, PG_URL_VAR, env_url, quote_ident, unique_db_name, unreachable};

/// Where pg_dump is looked for when `TABLEWRIGHT_PG_DUMP` is not set.
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A database created for one test on the server of `TABLEWRIGHT_PG_URL`;
/// dropped (with `FORCE`) on drop.
pub struct PgDatabase {
    name: String,
    url: String,
    admin: Config,
    config: Config,
    client: Option<Client>,
    /// The login role [`PgDatabase::owned_by_a_login_role`] made, dropped
    /// after the database.
    owner_role: Option<String>,
}

impl PgDatabase {
    /// Creates the database. `Ok(None)`: unreachable and skipping is allowed.
    pub fn create() -> Result<Option<Self>, String> {
        let url = env_url(PG_URL_VAR, DEFAULT_PG_URL);
        let mut admin: Config =
            url.parse().map_err(|e| format!("{PG_URL_VAR}={url} is not a PostgreSQL connection URL: {e}"))?;
        admin.connect_timeout(Duration::from_secs(5));
        let mut admin_client = match admin.connect(NoTls) {
            Ok(client) => client,
            Err(e) => return unreachable(Dialect::Postgres, PG_URL_VAR, &url, error_text(&e, None)),
        };
        let name = unique_db_name();
        admin_client.batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name, '"'))).map_err(|e| {
            format!(
                "PostgreSQL at {url}: cannot create a test database: {} (the user needs CREATEDB)",
                error_text(&e, None)
            )
        })?;
        drop(admin_client);
        let mut config = admin.clone();
        config.dbname(&name);
        // From here on the guard exists, so the database is dropped on any error.
        let mut db = PgDatabase { name, url, admin, config: config.clone(), client: None, owner_role: None };
        db.client = Some(config.connect(NoTls).map_err(|e| format!("PostgreSQL: {}", error_text(&e, None)))?);
        Ok(Some(db))
    }

    /// Hands the database to a new login role that is neither a superuser
    /// nor BYPASSRLS (with CREATEROLE, as managed PostgreSQL's admin role)
    /// and connects as it: a migration role as RDS, Cloud SQL or Supabase
    /// have it. The test's own connection stays a superuser's. The role is
    /// dropped with the database.
    #[allow(dead_code)]
    pub fn owned_by_a_login_role(&mut self) -> Result<Client, String> {
        let role = format!("{}_owner", self.name);
        let password = "owner-password";
        let setup = format!(
            "CREATE ROLE {r} LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE PASSWORD '{password}';
             ALTER DATABASE {d} OWNER TO {r}",
            r = quote_ident(&role, '"'),
            d = quote_ident(&self.name, '"')
        );
        self.client().batch_execute(&setup).map_err(|e| error_text(&e, Some(&setup)))?;
        self.owner_role = Some(role.clone());
        let mut config = self.config.clone();
        config.user(&role).password(password);
        config.connect(NoTls).map_err(|e| format!("PostgreSQL: connecting as {role}: {}", error_text(&e, None)))
    }

    /// The connection, for tests that need more than [`Database`].
    pub fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("the client lives until drop")
    }

    /// A `postgres://` URL of this test database, for tools outside the
    /// process (alembic, TypeORM, psql). Same server, user and password as
    /// `TABLEWRIGHT_PG_URL`, database replaced.
    pub fn url(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            #[cfg(unix)]
            Some(Host::Unix(dir)) => dir.display().to_string(),
            None => "127.0.0.1".to_string(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let user = self.config.get_user().unwrap_or("postgres");
        let password = self
            .config
            .get_password()
            .map(|p| format!(":{}", percent_encode(&String::from_utf8_lossy(p))))
            .unwrap_or_default();
        format!("postgres://{}{password}@{host}:{port}/{}", percent_encode(user), self.name)
    }

    /// [`Database::dump_schema`] without the tables named in `tables`
    /// (`pg_dump --exclude-table`): a migration tool's own bookkeeping, such
    /// as Alembic's `alembic_version`, is not part of the schema compared.
    pub fn dump_schema_excluding(&mut self, tables: &[&str]) -> Result<String, String> {
        let mut cmd = self.pg_dump_command();
        for table in tables {
            cmd.arg(format!("--exclude-table={table}"));
        }
        let output = cmd.output().map_err(|e| {
            format!(
                "cannot run {:?}: {e}\nhelp: install the PostgreSQL 15 client (`scripts/test` does) or set TABLEWRIGHT_PG_DUMP",
                cmd.get_program()
            )
        })?;
        if !output.status.success() {
            return Err(format!(
                "pg_dump of {} on {} failed ({}): {}",
                self.name,
                self.url,
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut dump = String::new();
        for line in text.lines() {
            let trimmed = line.trim_end();
            if trimmed.is_empty()
                || trimmed.starts_with("--")
                || trimmed.starts_with("\\restrict")
                || trimmed.starts_with("\\unrestrict")
            {
                continue;
            }
            dump.push_str(trimmed);
            dump.push('\n');
        }
        Ok(dump)
    }

    fn pg_dump_command(&self) -> Command {
        let program = std::env::var_os("TABLEWRIGHT_PG_DUMP").map(PathBuf::from).unwrap_or_else(|| {
            let bundled = PathBuf::from(PG_BIN).join("pg_dump");
            if bundled.is_file() { bundled } else { PathBuf::from("pg_dump") }
        });
        let mut cmd = Command::new(program);
        cmd.args(["--schema-only", "--no-owner", "--no-privileges"]);
        match self.config.get_hosts().first() {
            Some(Host::Tcp(host)) => {
                cmd.arg("--host").arg(host);
            }
            #[cfg(unix)]
            Some(Host::Unix(dir)) => {
                cmd.arg("--host").arg(dir);
            }
            None => {}
        }
        if let Some(port) = self.config.get_ports().first() {
            cmd.arg("--port").arg(port.to_string());
        }
        if let Some(user) = self.config.get_user() {
            cmd.arg("--username").arg(user);
        }
        if let Some(password) = self.config.get_password() {
            cmd.env("PGPASSWORD", String::from_utf8_lossy(password).into_owned());
        }
        cmd.arg("--no-password").arg("--dbname").arg(&self.name);
        cmd.env("PGCONNECT_TIMEOUT", "10");
        cmd
    }
}

impl Database for PgDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn name(&self) -> &str {
        &self.name
    }

    /// The simple query protocol runs every statement of the script, in one
    /// implicit transaction unless the script has its own BEGIN/COMMIT.
    fn execute_batch(&mut self, sql: &str) -> Result<(), String> {
        self.client().batch_execute(sql).map_err(|e| error_text(&e, Some(sql)))
    }

    /// `pg_dump --schema-only`, without comments, blank lines and the
    /// `\restrict` / `\unrestrict` lines whose key changes every run.
    fn dump_schema(&mut self) -> Result<String, String> {
        self.dump_schema_excluding(&[])
    }

    fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, String> {
        let messages = self.client().simple_query(sql).map_err(|e| error_text(&e, Some(sql)))?;
        for message in messages {
            if let SimpleQueryMessage::Row(row) = message {
                return Ok(row.get(0).map(str::to_string));
            }
        }
        Ok(None)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        drop(self.client.take());
        let drop_sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&self.name, '"'));
        match self.admin.connect(NoTls) {
            Ok(mut admin) => {
                if let Err(e) = admin.batch_execute(&drop_sql) {
                    eprintln!("warning: could not drop test database {}: {}", self.name, error_text(&e, None));
                }
                // Its own statement: DROP DATABASE cannot run in the
                // implicit transaction of a multi-statement batch.
                if let Some(role) = &self.owner_role
                    && let Err(e) = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", quote_ident(role, '"')))
                {
                    eprintln!("warning: could not drop test role {role}: {}", error_text(&e, None));
                }
            }
            Err(e) => eprintln!("warning: could not drop test database {}: {}", self.name, error_text(&e, None)),
        }
    }
}

/// Percent-encodes what a URL's user or password part cannot hold as is.
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The whole error chain (the server's message, DETAIL, HINT), and the line
/// of `sql` the server points at.
pub fn error_text(error: &postgres::Error, sql: Option<&str>) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if let (Some(sql), Some(db)) = (sql, error.as_db_error())
        && let Some(ErrorPosition::Original(position)) = db.position()
    {
        // 1-based character offset into the script.
        let before: String = sql.chars().take((*position as usize).saturating_sub(1)).collect();
        let line_no = before.matches('\n').count() + 1;
        let line = sql.lines().nth(line_no - 1).unwrap_or("");
        text.push_str(&format!("\n  at line {line_no}: {}", line.trim()));
    }
    text
}

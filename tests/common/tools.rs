//! The ecosystem tools the target tests run against generated files: Node
//! tools from `tools/node` (installed by `npm ci` from the committed lockfile)
//! and Python tools from `tools/python/.venv` (pinned requirements).
//! `scripts/test` installs both; a missing tool fails the test with the
//! command that installs it, never a skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tools/node`, where `node_modules` lives (scripts run from here resolve
/// packages from it).
pub fn node_dir() -> PathBuf {
    root().join("tools/node")
}

/// An executable of `tools/node/node_modules/.bin`: `tsc`, `drizzle-kit`,
/// `pyright`. Panics with the install command when it is missing.
pub fn node_bin(name: &str) -> PathBuf {
    let path = node_dir().join("node_modules/.bin").join(name);
    assert!(
        path.exists(),
        "{} is missing\nhelp: run `scripts/test` (it installs the Node tools), or `npm ci --ignore-scripts` in tools/node",
        path.display()
    );
    path
}

/// The Python of `tools/python/.venv`. Panics with the install command when
/// it is missing.
pub fn python() -> PathBuf {
    let path = root().join("tools/python/.venv/bin/python");
    assert!(
        path.exists(),
        "{} is missing\nhelp: run `scripts/test` (it creates the venv), or \
         `python3 -m venv tools/python/.venv && tools/python/.venv/bin/pip install -r tools/python/requirements.txt`",
        path.display()
    );
    path
}

/// An executable of the venv: `mypy`, `alembic`.
pub fn venv_bin(name: &str) -> PathBuf {
    let path = root().join("tools/python/.venv/bin").join(name);
    python(); // the same help when the venv is missing
    assert!(
        path.exists(),
        "{} is missing\nhelp: reinstall tools/python/requirements.txt into the venv",
        path.display()
    );
    path
}

/// Runs `cmd` in `dir`; Ok(output) when it exits 0, Err(what it printed)
/// otherwise. The error names the command so a failing test says what ran.
pub fn run(mut cmd: Command, dir: &Path) -> Result<Output, String> {
    cmd.current_dir(dir);
    let shown = format!("{cmd:?}");
    let output = cmd.output().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{shown} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout).trim_end(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        ))
    }
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("tablewright-{label}-{}", super::unique_db_name()));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a build writes for the fixture `tests/fixtures/<name>`, generated
/// with the Builder into a temporary directory (the directory is the
/// fixture's `generated/`).
pub fn generate_fixture(name: &str) -> TempDir {
    let out = TempDir::new(&format!("fixture-{name}"));
    tablewright::build::Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_src_dir(format!("tests/fixtures/{name}"))
        .with_out_dir(out.path())
        .generate()
        .and_then(|artifacts| artifacts.write())
        .unwrap_or_else(|e| panic!("the {name} fixture does not generate:\n{e}"));
    out
}

/// A generated file's text. Panics with the bless command when it is missing.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}\nhelp: `cargo build --workspace` writes it", path.display()))
}

/// Copies a directory tree (a generated target folder into a scratch copy
/// the test may edit).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("{}: {e}\nhelp: `cargo build --workspace` writes it", from.display()))
    {
        let path = entry.unwrap_or_else(|e| panic!("{}: {e}", from.display())).path();
        let target = to.join(path.file_name().expect("a directory entry has a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// Every PostgreSQL up migration of a `generated/` directory, in version
/// order, as one script.
pub fn postgres_up_sql(generated: &Path) -> String {
    let migrations = super::load_migrations(&generated.join("migrations/postgres")).unwrap_or_else(|e| panic!("{e}"));
    migrations.iter().map(|m| read(&m.up)).collect::<Vec<_>>().join("\n")
}

/// Runs `pg_prove` on a pgTAP suite against the database named `database`
/// on the test server: (passed, output).
pub fn pg_prove(database: &str, suite: &std::path::Path) -> (bool, String) {
    let url = std::env::var(super::PG_URL_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| super::DEFAULT_PG_URL.to_string());
    let config: postgres::Config = url.parse().expect("a PostgreSQL URL");
    let mut cmd = Command::new("pg_prove");
    if let Some(postgres::config::Host::Tcp(host)) = config.get_hosts().first() {
        cmd.arg("--host").arg(host);
    }
    if let Some(port) = config.get_ports().first() {
        cmd.arg("--port").arg(port.to_string());
    }
    if let Some(user) = config.get_user() {
        cmd.arg("--username").arg(user);
    }
    if let Some(password) = config.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(password).into_owned());
    }
    cmd.arg("--dbname").arg(database).arg("--verbose").arg(suite);
    let output = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run pg_prove: {e}\nhelp: apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl (scripts/test does)"
        )
    });
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

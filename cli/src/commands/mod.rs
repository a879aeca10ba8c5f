//! The commands of the `tablewright` binary, one function each, over the
//! build pipeline ([`Builder`]), the migration runner ([`crate::migrate`]),
//! introspection and import. Each returns an [`Outcome`] or one error line.

use std::fs;
use std::path::{Path, PathBuf};

use tablewright_core::build::{Artifacts, Builder, Error as BuildError};
use tablewright_core::diagnostics::Diagnostic;
use tablewright_core::model::Schema;

use crate::db::{DbUrl, Dialect};
use crate::migrate;

mod import;
mod migrations;

pub use import::{import_database, import_prisma};
pub use migrations::{
    drift, migrations_apply, migrations_baseline, migrations_down, migrations_record, migrations_status,
    migrations_verify,
};

/// How a command ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit status 0.
    Success,
    /// Exit status 1: the check found stale files, the review found errors,
    /// the database drifted from the schema.
    Differs,
}

/// A command's failure: one line (or a few, for a schema's diagnostics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

impl From<String> for CommandError {
    fn from(message: String) -> Self {
        CommandError(message)
    }
}

impl From<&str> for CommandError {
    fn from(message: &str) -> Self {
        CommandError(message.to_string())
    }
}

impl From<crate::db::DbError> for CommandError {
    fn from(e: crate::db::DbError) -> Self {
        CommandError(e.0)
    }
}

impl From<migrate::MigrateError> for CommandError {
    fn from(e: migrate::MigrateError) -> Self {
        CommandError(e.0)
    }
}

type Result<T> = std::result::Result<T, CommandError>;

/// The crate a command works on.
pub struct Project {
    dir: PathBuf,
}

impl Project {
    /// The crate in `dir` (made absolute against the working directory).
    /// Warns once when its build.rs configures the builder in code, which
    /// the CLI cannot see.
    pub fn new(dir: &Path) -> Project {
        let dir = std::env::current_dir().map(|cwd| cwd.join(dir)).unwrap_or_else(|_| dir.to_path_buf());
        warn_about_code_settings(&dir);
        Project { dir }
    }

    /// The builder the crate's build script uses, with `tablewright.toml`.
    fn builder(&self) -> Result<Builder> {
        if !self.dir.join("Cargo.toml").is_file() {
            return Err(CommandError(format!(
                "{} is not a crate (no Cargo.toml): run tablewright in the crate that holds the schema, or pass --crate-dir",
                self.dir.display()
            )));
        }
        Ok(Builder::new().with_crate_dir(&self.dir))
    }

    fn generate(&self, builder: Builder) -> Result<Artifacts> {
        builder.generate().map_err(|e| CommandError(describe_build_error(&e)))
    }

    /// `generated/migrations/<dialect>`.
    fn migrations_dir(&self, dialect: Dialect) -> Result<PathBuf> {
        let out = self.builder()?.resolved_out_dir().map_err(|e| CommandError(e.to_string()))?;
        Ok(out.join("migrations").join(dialect.dir_name()))
    }

    fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.dir).unwrap_or(path)
    }
}

/// The settings a `build.rs` makes in code are invisible to the CLI, which
/// reads `tablewright.toml`: say so rather than generate something else.
fn warn_about_code_settings(dir: &Path) {
    let Ok(build_rs) = fs::read_to_string(dir.join("build.rs")) else { return };
    let code: String = build_rs.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
    let settings: Vec<&str> =
        [".with_", ".acknowledge(", ".one_step_migrations("].into_iter().filter(|call| code.contains(call)).collect();
    if !settings.is_empty() {
        eprintln!(
            "warning: build.rs configures the Builder in code ({}); tablewright reads only tablewright.toml, so \
             it may generate something else than cargo build: move those settings into tablewright.toml",
            settings.join(", ")
        );
    }
}

fn describe_build_error(error: &BuildError) -> String {
    match error {
        BuildError::Diagnostics(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            format!("{error}\nthe schema has {errors} error{}; nothing was written", if errors == 1 { "" } else { "s" })
        }
        other => other.to_string(),
    }
}

/// Prints the warnings of a generation, a few per kind, as the build does.
fn print_warnings(artifacts: &Artifacts) {
    for directive in artifacts.cargo_directives() {
        if let Some(warning) = directive.strip_prefix("cargo::warning=") {
            eprintln!("warning: {warning}");
        }
    }
    for message in &artifacts.history().messages {
        eprintln!("note: {message}");
    }
}

/// `tablewright generate`.
pub fn generate(project: &Project) -> Result<Outcome> {
    let artifacts = project.generate(project.builder()?)?;
    print_warnings(&artifacts);
    let summary = artifacts.write().map_err(|e| CommandError(e.to_string()))?;
    println!(
        "wrote {} file{} into {} ({} unchanged, {} removed)",
        summary.written.len(),
        if summary.written.len() == 1 { "" } else { "s" },
        project.relative(artifacts.out_dir()).display(),
        summary.unchanged.len(),
        summary.removed.len()
    );
    Ok(Outcome::Success)
}

/// `tablewright check`.
pub fn check(project: &Project) -> Result<Outcome> {
    let artifacts = match project.builder()?.check_only().generate() {
        Ok(artifacts) => artifacts,
        Err(BuildError::Diagnostics(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            return Ok(Outcome::Differs);
        }
        Err(e) => return Err(CommandError(e.to_string())),
    };
    let report = artifacts.check().map_err(|e| CommandError(e.to_string()))?;
    let out = project.relative(artifacts.out_dir()).display().to_string();
    if report.is_clean() {
        println!("{out} is up to date with the schema ({} files)", artifacts.artifacts().len());
        return Ok(Outcome::Success);
    }
    eprint!("{report}");
    eprintln!(
        "{out} is out of date with the schema: run `tablewright generate` (or cargo build) and commit the result"
    );
    Ok(Outcome::Differs)
}

/// `tablewright lint`: every review finding, as text or JSON.
pub fn lint(project: &Project, json: bool) -> Result<Outcome> {
    let (diagnostics, failed) = match project.builder()?.generate() {
        Ok(artifacts) => (artifacts.diagnostics().to_vec(), false),
        Err(BuildError::Diagnostics(diagnostics)) => (diagnostics, true),
        Err(e) => return Err(CommandError(e.to_string())),
    };
    let findings: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code.is_some_and(|code| tablewright_core::lint::rule(code).is_some()) || d.is_error())
        .collect();
    if json {
        let items: Vec<serde_json::Value> = findings
            .iter()
            .map(|d| {
                serde_json::json!({
                    "rule": d.code,
                    "severity": if d.is_error() { "error" } else { "warning" },
                    "file": d.location.file,
                    "line": d.location.line,
                    "column": d.location.column,
                    "message": d.message,
                    "help": d.help,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items).expect("JSON values serialize"));
    } else {
        for d in &findings {
            println!("{d}");
        }
        let errors = findings.iter().filter(|d| d.is_error()).count();
        println!("{} finding{}, {errors} error{}", findings.len(), plural(findings.len()), plural(errors));
    }
    Ok(if failed { Outcome::Differs } else { Outcome::Success })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `tablewright erd`: writes the diagram files only.
pub fn erd(project: &Project, open: bool) -> Result<Outcome> {
    let artifacts = project.generate(project.builder()?)?;
    let mut svg = None;
    for artifact in artifacts.artifacts().iter().filter(|a| a.path.starts_with("erd")) {
        let path = artifacts.out_dir().join(&artifact.path);
        if fs::read(&path).ok().as_deref() != Some(&artifact.contents[..]) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            fs::write(&path, &artifact.contents).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        println!("{}", project.relative(&path).display());
        if path.extension().is_some_and(|e| e == "svg") {
            svg = Some(path);
        }
    }
    if open {
        let svg = svg.ok_or("the build wrote no SVG diagram to open")?;
        let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        std::process::Command::new(opener)
            .arg(&svg)
            .spawn()
            .map_err(|e| format!("cannot open {} with {opener}: {e}", svg.display()))?;
    }
    Ok(Outcome::Success)
}

/// `tablewright seed`.
pub fn seed(
    project: &Project,
    url: &str,
    tenants: Option<u32>,
    rows: Option<u32>,
    seed: Option<u64>,
) -> Result<Outcome> {
    use tablewright::seed as loader;
    let builder = project.builder()?;
    // `[seed]` in tablewright.toml first, as the build's seed files have it;
    // the flags override it.
    let mut options = builder.resolved_emit_options().map_err(|e| CommandError(describe_build_error(&e)))?.seed;
    let artifacts = project.generate(builder)?;
    let snapshot = artifacts
        .get("migrations/schema.snapshot.json")
        .ok_or("the build wrote no schema snapshot (migrations/schema.snapshot.json)")?;
    let schema: Schema = serde_json::from_slice(&snapshot.contents).map_err(|e| format!("the schema snapshot: {e}"))?;
    if let Some(tenants) = tenants {
        options.tenants = tenants;
    }
    if let Some(rows) = rows {
        options.rows_per_tenant = rows;
        options.rows = rows;
    }
    if let Some(seed) = seed {
        options.seed = seed;
    }
    let mut conn = DbUrl::parse(url)?.connect()?;
    let summary = match conn.dialect() {
        Dialect::Postgres => loader::postgres::load(conn.postgres().expect("dialect"), &schema, &options),
        Dialect::Mysql => loader::mysql::load(conn.mysql().expect("dialect"), &schema, &options),
        Dialect::Sqlite => loader::sqlite::load(conn.sqlite().expect("dialect"), &schema, &options),
    }
    .map_err(|e| format!("loading the seed into {}: {e}", conn.url().shown()))?;
    println!(
        "loaded {} rows into {} tables of {} in {:.2} s ({:.0} rows/s)",
        summary.rows,
        summary.tables.len(),
        conn.url().shown(),
        summary.elapsed.as_secs_f64(),
        summary.rows_per_second()
    );
    Ok(Outcome::Success)
}

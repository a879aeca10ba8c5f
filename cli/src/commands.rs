//! The commands of the `tablewright` binary, one function each, over the
//! build pipeline ([`Builder`]), the migration runner ([`crate::migrate`]),
//! introspection and import. Each returns an [`Outcome`] or one error line.

use std::fs;
use std::path::{Path, PathBuf};

use tablewright_core::build::{Artifacts, Builder, Error as BuildError};
use tablewright_core::diagnostics::Diagnostic;
use tablewright_core::model::Schema;

use crate::db::{Connection, DbUrl, Dialect, Scratch};
use crate::migrate::{self, State};

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
    pub fn new(dir: &Path) -> Project {
        let dir = std::env::current_dir().map(|cwd| cwd.join(dir)).unwrap_or_else(|_| dir.to_path_buf());
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
        warn_about_code_settings(&self.dir);
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
    let artifacts = project.generate(project.builder()?)?;
    let snapshot = artifacts
        .get("migrations/schema.snapshot.json")
        .ok_or("the build wrote no schema snapshot (migrations/schema.snapshot.json)")?;
    let schema: Schema = serde_json::from_slice(&snapshot.contents).map_err(|e| format!("the schema snapshot: {e}"))?;
    let mut options = loader::SeedOptions::default();
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

/// `tablewright migrations status`.
pub fn migrations_status(project: &Project, url: Option<&str>) -> Result<Outcome> {
    let mut conn = url.map(|u| DbUrl::parse(u)?.connect()).transpose()?;
    let dialect = conn.as_ref().map_or(Dialect::Postgres, Connection::dialect);
    let dir = project.migrations_dir(dialect)?;
    let migrations = migrate::load(&dir)?;
    println!("recorded migrations in {}:", project.relative(&dir).display());
    let width = migrations.iter().map(|m| m.id.len()).max().unwrap_or(0);
    match conn.as_mut() {
        None => {
            for m in &migrations {
                println!("  {}", m.id);
            }
        }
        Some(conn) => {
            let migrate::Status { states, unknown } = migrate::status(&migrations, &migrate::applied(conn)?)?;
            for (m, state) in &states {
                let state = match state {
                    State::Applied => "applied",
                    State::Pending => "pending",
                    State::Changed => "applied from a different file (checksum differs)",
                    State::Failed => "FAILED (marked unsuccessful in _sqlx_migrations)",
                };
                println!("  {:width$}  {state}", m.id);
            }
            for a in &unknown {
                println!("  {:04}  applied on the database, but no local file ({})", a.version, a.description);
            }
        }
    }
    let artifacts = project.generate(project.builder()?)?;
    if artifacts.history().draft {
        let draft = project.relative(&artifacts.out_dir().join("migrations/draft")).display().to_string();
        println!(
            "draft: the schema changed since the last recorded migration; see {draft}/README.md and record it with `tablewright migrations record <name>`"
        );
    } else {
        println!("draft: none (the schema is the one of the last recorded migration)");
    }
    Ok(Outcome::Success)
}

/// `tablewright migrations record`.
pub fn migrations_record(project: &Project, name: &str, one_step: bool, acknowledge: Vec<String>) -> Result<Outcome> {
    let mut builder = project.builder()?.with_record(name).acknowledge(acknowledge);
    if one_step {
        builder = builder.one_step_migrations();
    }
    let artifacts = project.generate(builder)?;
    print_warnings(&artifacts);
    artifacts.write().map_err(|e| CommandError(e.to_string()))?;
    Ok(Outcome::Success)
}

/// `tablewright migrations apply`.
pub fn migrations_apply(project: &Project, url: &str) -> Result<Outcome> {
    let mut conn = DbUrl::parse(url)?.connect()?;
    let dir = project.migrations_dir(conn.dialect())?;
    let migrations = migrate::load(&dir)?;
    let states = migrate::status(&migrations, &migrate::applied(&mut conn)?)?.states;
    let pending: Vec<i64> = states.iter().filter(|(_, s)| *s == State::Pending).map(|(m, _)| m.version).collect();
    if pending.is_empty() {
        // Still goes through `apply`, which checks the history against the files.
        migrate::apply(&mut conn, &migrations)?;
        println!("{} is up to date ({} migrations applied)", conn.url().shown(), migrations.len());
    }
    // One at a time, so what was applied before a failure is printed.
    for version in pending {
        for id in migrate::apply_to(&mut conn, &migrations, Some(version))? {
            println!("applied {id}");
        }
    }
    Ok(Outcome::Success)
}

/// `tablewright migrations down`.
pub fn migrations_down(project: &Project, url: &str) -> Result<Outcome> {
    let mut conn = DbUrl::parse(url)?.connect()?;
    let migrations = migrate::load(&project.migrations_dir(conn.dialect())?)?;
    match migrate::down(&mut conn, &migrations)? {
        Some(id) => println!("reverted {id}"),
        None => println!("{}: no migration is applied", conn.url().shown()),
    }
    Ok(Outcome::Success)
}

/// `tablewright migrations verify`: up, down, up on a throwaway database.
pub fn migrations_verify(project: &Project, url: &str) -> Result<Outcome> {
    let url = DbUrl::parse(url)?;
    let migrations = migrate::load(&project.migrations_dir(url.dialect)?)?;
    let scratch = Scratch::create(&url)?;
    let mut conn = scratch.url().connect()?;
    let verified = verify(&mut conn, &migrations);
    drop(conn);
    drop(scratch);
    let failures = verified?;
    if failures.is_empty() {
        println!(
            "verified {} migration{}: up, down and up again give the same schema at every step",
            migrations.len(),
            plural(migrations.len())
        );
        return Ok(Outcome::Success);
    }
    for line in failures {
        eprintln!("{line}");
    }
    Ok(Outcome::Differs)
}

/// The round trip on an empty database; the differences found, if any.
fn verify(conn: &mut Connection, migrations: &[migrate::Migration]) -> Result<Vec<String>> {
    let mut states = vec![migrate::dump::dump(conn)?];
    migrate::ensure_history(conn)?;
    for m in migrations {
        migrate::apply_to(conn, migrations, Some(m.version))?;
        states.push(migrate::dump::dump(conn)?);
    }
    let mut failures = Vec::new();
    for (i, m) in migrations.iter().enumerate().rev() {
        migrate::down(conn, migrations)?;
        let now = migrate::dump::dump(conn)?;
        if now != states[i] {
            failures.push(format!("{} does not restore the schema before {}:", m.down.display(), m.id));
            failures.extend(migrate::dump::difference(&states[i], &now, 20).into_iter().map(|l| format!("  {l}")));
        }
    }
    if !failures.is_empty() {
        // The database is not where the up files expect it.
        return Ok(failures);
    }
    migrate::apply(conn, migrations)?;
    let again = migrate::dump::dump(conn)?;
    let last = states.last().expect("states starts with the empty schema");
    if &again != last {
        failures.push("applying every migration again after the downs gives a different schema:".into());
        failures.extend(migrate::dump::difference(last, &again, 20).into_iter().map(|l| format!("  {l}")));
    }
    Ok(failures)
}

/// The schema's migrations for one dialect as this generation has them
/// (the recorded ones and the draft), in a temporary directory: drift and
/// baseline need no `generate` first.
struct SchemaMigrations {
    _dir: tempfile::TempDir,
    recorded: Vec<migrate::Migration>,
    draft: Vec<PathBuf>,
    options: tablewright_core::build::EmitOptions,
}

impl SchemaMigrations {
    fn new(project: &Project, dialect: Dialect) -> Result<SchemaMigrations> {
        let builder = project.builder()?;
        let options = builder.resolved_emit_options().map_err(|e| CommandError(e.to_string()))?;
        let artifacts = project.generate(builder)?;
        let dialect = dialect.dir_name();
        let dir = tempfile::TempDir::new().map_err(|e| CommandError(format!("a temporary directory: {e}")))?;
        let (recorded_dir, draft_dir) = (dir.path().join("recorded"), dir.path().join("draft"));
        for dir in [&recorded_dir, &draft_dir] {
            fs::create_dir_all(dir).map_err(|e| CommandError(format!("{}: {e}", dir.display())))?;
        }
        let mut draft = Vec::new();
        for artifact in artifacts.artifacts() {
            let (Some(parent), Some(name)) = (artifact.path.parent(), artifact.path.file_name()) else { continue };
            let name = name.to_string_lossy();
            let target = if parent == Path::new("migrations").join(dialect) {
                recorded_dir.join(&*name)
            } else if parent == Path::new("migrations/draft")
                && (name == format!("{dialect}.up.sql") || name.ends_with(&format!(".{dialect}.up.sql")))
            {
                draft.push(draft_dir.join(&*name));
                draft_dir.join(&*name)
            } else {
                continue;
            };
            fs::write(&target, &artifact.contents).map_err(|e| CommandError(format!("{}: {e}", target.display())))?;
        }
        draft.sort();
        let recorded = migrate::load(&recorded_dir)?;
        Ok(SchemaMigrations { _dir: dir, recorded, draft, options })
    }
}

/// `tablewright drift`.
pub fn drift(project: &Project, url: &str) -> Result<Outcome> {
    let url = DbUrl::parse(url)?;
    let schema = SchemaMigrations::new(project, url.dialect)?;
    let (migrations, draft) = (&schema.recorded, &schema.draft);
    let found = crate::drift::drift(&url, migrations, draft, &schema.options)?;
    if found.is_empty() {
        println!("no drift: {} matches the schema ({} migrations applied)", url.shown(), migrations.len());
        return Ok(Outcome::Success);
    }
    if !found.pending.is_empty() {
        println!(
            "{} has not applied {} recorded migration{} ({}): `tablewright migrations apply` applies them",
            url.shown(),
            found.pending.len(),
            plural(found.pending.len()),
            found.pending.join(", ")
        );
    }
    if !draft.is_empty() {
        println!("the schema has an unrecorded draft; the comparison includes it");
    }
    print_differences(&url, &found);
    Ok(Outcome::Differs)
}

/// The summary of a drift and the SQL that repairs it.
fn print_differences(url: &DbUrl, found: &crate::drift::Drift) {
    if !found.summary.is_empty() {
        let objects = found.summary.iter().filter(|l| !l.starts_with(' ')).count();
        println!("{} differs from the schema in {objects} object{}:", url.shown(), plural(objects));
        for line in &found.summary {
            println!("  {line}");
        }
        if found.fix.is_empty() {
            println!(
                "\nno SQL to suggest: the difference is in what the schema model does not describe (a routine's body, a grant); the summary above says where"
            );
        } else {
            println!("\n-- SQL that brings the database to the schema (review it before running it):");
            for statement in &found.fix {
                println!("{statement};");
            }
        }
    }
}

/// `tablewright migrations baseline`: adopts a database that already has
/// the schema (an imported one): records the recorded migrations as
/// applied without running them, once drift finds nothing to change.
pub fn migrations_baseline(project: &Project, url: &str, repair: bool) -> Result<Outcome> {
    let url = DbUrl::parse(url)?;
    let schema = SchemaMigrations::new(project, url.dialect)?;
    let mut conn = url.connect()?;
    if migrate::applied(&mut conn)?.iter().any(|a| a.success) {
        return Err(CommandError(format!(
            "{} already has a migration history: baseline adopts a database tablewright has never migrated; \
             see `tablewright migrations status`",
            url.shown()
        )));
    }
    // The recorded migrations only: the draft is not part of the baseline.
    let mut found = crate::drift::drift(&url, &schema.recorded, &[], &schema.options)?;
    if !found.summary.is_empty() {
        print_differences(&url, &found);
        if !repair {
            println!(
                "\nnot adopted: the database differs from the recorded migrations. Review the SQL above, then run \
                 `tablewright migrations baseline --repair` to apply it and adopt the database"
            );
            return Ok(Outcome::Differs);
        }
        migrate::run_statements(&mut conn, &found.fix)?;
        let repaired = found.fix.len();
        found = crate::drift::drift(&url, &schema.recorded, &[], &schema.options)?;
        if !found.summary.is_empty() {
            print_differences(&url, &found);
            return Err(CommandError(
                "the repair left differences (listed above) that no SQL of the planner covers: fix them by hand".into(),
            ));
        }
        println!("repaired: applied {repaired} statement{}", plural(repaired));
    }
    for m in &schema.recorded {
        migrate::mark_applied(&mut conn, m)?;
        println!("baseline: {m} recorded as applied", m = m.id);
    }
    Ok(Outcome::Success)
}

/// `tablewright import database`.
pub fn import_database(project: &Project, url: &str, out: &Path, force: bool) -> Result<Outcome> {
    let imported = crate::import::database::import_database(url)?;
    save_import(project, &imported.source, &imported.report, out, force)
}

/// Writes imported source to `out` (relative to the crate; `-` is standard
/// output) and prints what the import could not express.
fn save_import(project: &Project, source: &str, report: &[String], out: &Path, force: bool) -> Result<Outcome> {
    if out == Path::new("-") {
        print!("{source}");
    } else {
        let path = project.dir.join(out);
        if path.exists() && !force {
            return Err(CommandError(format!(
                "{} exists: pass --force to replace it, or --out another file",
                project.relative(&path).display()
            )));
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| CommandError(format!("{}: {e}", parent.display())))?;
        }
        // Written whole or not at all: a temporary file renamed into place.
        let partial = path.with_extension("rs.partial");
        fs::write(&partial, source).map_err(|e| CommandError(format!("{}: {e}", partial.display())))?;
        fs::rename(&partial, &path).map_err(|e| CommandError(format!("{}: {e}", path.display())))?;
        let entities = source.matches("#[entity").count();
        println!("wrote {} ({entities} entities)", project.relative(&path).display());
    }
    for line in report {
        eprintln!("not imported: {line}");
    }
    if !report.is_empty() {
        eprintln!(
            "{} thing{} the import could not express, listed above and in the file's header",
            report.len(),
            plural(report.len())
        );
    }
    Ok(Outcome::Success)
}

/// `tablewright import prisma`.
pub fn import_prisma(project: &Project, path: &Path, out: &Path, force: bool) -> Result<Outcome> {
    let imported = crate::import::prisma::import_prisma(path).map_err(|e| CommandError(e.to_string()))?;
    save_import(project, &imported.source, &imported.report, out, force)
}

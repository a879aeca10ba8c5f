//! `tablewright migrations ...` and `tablewright drift`: the runner
//! ([`crate::migrate`]) and drift ([`crate::drift`]) on the schema's
//! migrations as this generation has them.

use std::fs;
use std::path::{Path, PathBuf};

use super::{CommandError, Outcome, Project, Result, plural, print_warnings};
use crate::db::{Connection, DbUrl, Dialect, Scratch};
use crate::migrate::{self, State};

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

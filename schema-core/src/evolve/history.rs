//! The migration history on disk: recorded steps, never rewritten, and the
//! draft of the next one.
//!
//! ```text
//! generated/migrations/history/0001_initial.snapshot.json    the schema after each recorded step (the baseline is the last)
//! generated/migrations/{postgres,mysql,sqlite}/NNNN_<name>.up.sql / .down.sql
//! generated/prisma/migrations/<NNNN, 14 digits>_<name>/migration.sql
//! generated/drizzle/migrations/<NNNN-1>_<name>.sql            + meta/_journal.json, one entry per step
//! generated/typeorm/migrations/<NNNN, 13 digits>-<Name>.ts
//! generated/alembic/versions/NNNN_<name>.py                   down_revision chains to the step before
//! generated/migrations/draft/                                 the next step while it is not recorded
//! ```
//!
//! Every build reads the recorded files back and writes them unchanged (so
//! the writer, which owns its files, keeps them), diffs the schema against
//! the baseline and writes the difference as the draft. Recording turns the
//! draft into the next step of every history and advances the baseline. The
//! first build of a crate (no history yet) records the whole schema as
//! `0001_<initial name>`; a crate whose `0001` files predate the history
//! folder gets its history from them (the snapshot beside them is their
//! baseline), byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use super::phases::{self, Phase, Plan};
use super::{Change, Destructive, Step};
use crate::diagnostics::Diagnostic;
use crate::emit::snapshot::SNAPSHOT_PATH;
use crate::emit::sql::HEADER;
use crate::emit::{Artifact, EmitOptions, Emitted};
use crate::model::{Location, Schema};
use crate::types::Dialect;

/// The recorded schemas, one per step.
pub const HISTORY_DIR: &str = "migrations/history";
/// The draft of the next step.
pub const DRAFT_DIR: &str = "migrations/draft";
/// The environment variable that records the draft: `TABLEWRIGHT_RECORD=<name> cargo build`.
pub const RECORD_ENV: &str = "TABLEWRIGHT_RECORD";
/// The environment variable that plans the draft as one migration:
/// `TABLEWRIGHT_ONE_STEP=1` (see [`Request::one_step`]).
pub const ONE_STEP_ENV: &str = "TABLEWRIGHT_ONE_STEP";

/// What a build asks of the history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Request {
    /// Record the draft as the next step under this name.
    pub record: Option<String>,
    /// Destructive changes allowed in the step recorded: `drop column tasks.notes`.
    pub acknowledged: Vec<String>,
    /// Check mode: a pending draft is an error.
    pub check: bool,
    /// Plan every change as one migration, even where a populated table
    /// needs phases (expand, index, backfill, contract): for tables known to
    /// be small. The migration review says what each one locks.
    pub one_step: bool,
}

/// One recorded step.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub number: u32,
    pub name: String,
    /// The schema after this step.
    pub schema: Schema,
}

impl Recorded {
    /// `0002_add_priority`.
    pub fn id(&self) -> String {
        format!("{:04}_{}", self.number, self.name)
    }
}

/// The recorded steps of an output directory, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub steps: Vec<Recorded>,
    /// Read from `0001` files that predate the history folder: its snapshot
    /// is not written yet.
    pub bootstrapped: bool,
}

/// What the history did in a build, for the build's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `recorded 0002_add_priority`, `nothing to record`, `draft pending`.
    pub messages: Vec<String>,
    /// The next step is drafted and not recorded.
    pub draft: bool,
}

impl History {
    /// Reads the history of `out_dir` (empty when there is none yet).
    pub fn load(out_dir: &Path) -> Result<History, String> {
        let dir = out_dir.join(HISTORY_DIR);
        let mut steps = Vec::new();
        if let Ok(entries) = fs::read_dir(&dir) {
            let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for file in files {
                let Some(stem) =
                    file.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".snapshot.json"))
                else {
                    continue;
                };
                let (number, name) = parse_id(stem).ok_or_else(|| {
                    format!("{}: not a recorded step's snapshot (expected NNNN_<name>.snapshot.json)", file.display())
                })?;
                let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                let schema = crate::emit::snapshot::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))?;
                steps.push(Recorded { number, name, schema });
            }
        }
        if !steps.is_empty() {
            for (i, step) in steps.iter().enumerate() {
                if step.number != i as u32 + 1 {
                    return Err(format!(
                        "{}: the recorded steps are not numbered 1, 2, 3...: found {} at position {}",
                        dir.display(),
                        step.id(),
                        i + 1
                    ));
                }
            }
            return Ok(History { steps, bootstrapped: false });
        }
        // Files from before the history folder: 0001 is the first step, the
        // snapshot beside it its schema.
        let legacy = out_dir.join("migrations/postgres");
        let first = fs::read_dir(&legacy).ok().and_then(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".up.sql").map(str::to_string))
                .filter(|n| n.starts_with("0001_"))
                .min()
        });
        let snapshot = out_dir.join(crate::emit::snapshot::SNAPSHOT_PATH);
        match (first, fs::read_to_string(&snapshot)) {
            (Some(id), Ok(text)) => {
                let (number, name) =
                    parse_id(&id).ok_or_else(|| format!("{}: {id} is not NNNN_<name>", legacy.display()))?;
                let schema =
                    crate::emit::snapshot::from_json(&text).map_err(|e| format!("{}: {e}", snapshot.display()))?;
                Ok(History { steps: vec![Recorded { number, name, schema }], bootstrapped: true })
            }
            _ => Ok(History::default()),
        }
    }

    /// The schema of the last recorded step.
    pub fn baseline(&self) -> Option<&Schema> {
        self.steps.last().map(|s| &s.schema)
    }
}

/// `0002_add_priority` -> (2, `add_priority`).
fn parse_id(id: &str) -> Option<(u32, String)> {
    let (number, name) = id.split_once('_')?;
    (number.len() == 4 && !name.is_empty()).then_some(())?;
    Some((number.parse().ok()?, name.to_string()))
}

/// A step name is a snake_case word: it becomes file, folder and class names.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 60
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a migration name: use lowercase letters, digits and `_`, starting with a letter, \
             e.g. `add_task_priority`"
        ))
    }
}

/// Whether an artifact path belongs to a migration history (recorded step
/// files, the drizzle journal): the history, not the emitters, decides them.
pub fn is_history_file(path: &Path) -> bool {
    let p = path.to_string_lossy().replace('\\', "/");
    [
        "migrations/postgres/",
        "migrations/mysql/",
        "migrations/sqlite/",
        "drizzle/migrations/",
        "typeorm/migrations/",
        "alembic/versions/",
    ]
    .iter()
    .any(|dir| p.starts_with(dir))
        || (p.starts_with("prisma/migrations/") && p.ends_with("/migration.sql"))
}

/// The relative paths of one step's files in every history.
pub fn step_files(number: u32, name: &str) -> Vec<PathBuf> {
    let id = format!("{number:04}_{name}");
    let mut out = Vec::new();
    for dialect in Dialect::ALL {
        for direction in ["up", "down"] {
            out.push(PathBuf::from(format!("migrations/{}/{id}.{direction}.sql", dialect.dir_name())));
        }
    }
    out.push(PathBuf::from(format!("{HISTORY_DIR}/{id}.snapshot.json")));
    out.push(PathBuf::from(format!("prisma/migrations/{number:014}_{name}/migration.sql")));
    out.push(PathBuf::from(format!("drizzle/migrations/{}.sql", drizzle_tag(number, name))));
    out.push(PathBuf::from(format!(
        "drizzle/migrations/{}",
        crate::emit::drizzle::snapshot::snapshot_path(&drizzle_tag(number, name))
    )));
    out.push(PathBuf::from(crate::emit::typeorm::migration_path(number, name)));
    out.push(PathBuf::from(format!("alembic/versions/{id}.py")));
    out
}

/// drizzle-kit numbers its migrations from 0: step 1 is `0000_<name>`.
pub fn drizzle_tag(number: u32, name: &str) -> String {
    format!("{:04}_{name}", number - 1)
}

/// The history's part of a build: replaces the emitters' migration files
/// with the recorded ones (and, on the first build, records the emitters'
/// initial migration as step 1), drafts or records the next step, and
/// reports. Errors are diagnostics (a destructive change not acknowledged,
/// a draft in check mode, ...).
pub fn apply(
    out_dir: &Path,
    current: &Schema,
    options: &EmitOptions,
    request: &Request,
    emitted: &mut Emitted,
) -> Result<Report, Vec<Diagnostic>> {
    let history = History::load(out_dir).map_err(|e| vec![error(e, "restore the history from version control")])?;
    let mut report = Report::default();
    let Some(last) = history.steps.last() else {
        // The first build: the emitters' migration of the whole schema is step 1.
        let name = &options.initial_migration_name;
        emitted.artifacts.push(Artifact::text(format!("{HISTORY_DIR}/0001_{name}.snapshot.json"), snapshot(current)?));
        report.messages.push(format!("recorded the initial migration 0001_{name}"));
        if let Some(name) = &request.record {
            report.messages.push(format!("nothing else to record as `{name}`"));
        }
        return Ok(report);
    };

    // Recorded files come back from disk; the journal is rebuilt.
    emitted.artifacts.retain(|a| !is_history_file(&a.path));
    let mut problems = Vec::new();
    for step in &history.steps {
        for path in step_files(step.number, &step.name).into_iter().filter(|p| options.selection.generates(p)) {
            let file = out_dir.join(&path);
            // The newest drizzle-kit snapshot is what `drizzle-kit generate`
            // compares schema.ts with, text for text (check expressions and
            // index predicates included): it follows the current rendering
            // of its step's schema, the one exception to "recorded files are
            // never rewritten" (drizzle-kit reads no other snapshot, and no
            // migration runner reads any).
            if step.number == last.number && path.starts_with("drizzle/migrations/meta") {
                emitted
                    .artifacts
                    .push(Artifact { path, contents: drizzle_snapshot(&history, step, options).into_bytes() });
                continue;
            }
            match fs::read(&file) {
                Ok(contents) => emitted.artifacts.push(Artifact { path, contents }),
                // A step's snapshot is new when the history was read from
                // the files that predate the history folder.
                Err(_) if history.bootstrapped && path.starts_with(HISTORY_DIR) => {
                    emitted.artifacts.push(Artifact { path, contents: snapshot(&step.schema)?.into_bytes() })
                }
                // drizzle-kit's snapshot of a step recorded before tablewright
                // wrote them: it follows from the step's schema.
                Err(_) if path.starts_with("drizzle/migrations/meta") => emitted
                    .artifacts
                    .push(Artifact { path, contents: drizzle_snapshot(&history, step, options).into_bytes() }),
                Err(e) => problems.push(error(
                    format!("recorded migration file {} is missing ({e})", file.display()),
                    "a recorded migration is never regenerated: restore it from version control",
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // The common case, nothing changed since the last recorded step, costs
    // one serialization instead of a plan: the current schema's is the
    // snapshot emitter's, when it ran.
    let last_json = crate::emit::snapshot::to_json(&last.schema).ok();
    let unchanged = match emitted.artifacts.iter().find(|a| a.path == Path::new(SNAPSHOT_PATH)) {
        Some(artifact) => last_json.as_deref().map(str::as_bytes) == Some(artifact.contents.as_slice()),
        None => last_json == crate::emit::snapshot::to_json(current).ok(),
    };
    let plan = if unchanged {
        Plan {
            phases: vec![Phase {
                kind: None,
                step: Step::empty(),
                schema: current.clone(),
                notes: vec![],
                review: vec![],
            }],
            ..Plan::default()
        }
    } else {
        phases::plan(&last.schema, current, options, request.one_step)
    };
    let mut ids: Vec<(u32, String)> = history.steps.iter().map(|s| (s.number, s.name.clone())).collect();
    let mut diagnostics = Vec::new();
    // The migration review speaks while a draft is pending and when it is
    // recorded (check mode fails on the draft itself).
    if !request.check || request.record.is_some() {
        diagnostics.extend(
            plan.phases.iter().flat_map(|p| &p.review).filter(|f| !f.allowed).map(|f| f.diagnostic(&options.lint)),
        );
    }
    if plan.is_empty() {
        if let Some(name) = &request.record {
            report
                .messages
                .push(format!("nothing to record as `{name}`: the schema is the one of migration {}", last.id()));
        }
        warn_stale_acknowledgements(request, &[], &mut diagnostics);
    } else {
        let number = last.number + 1;
        match &request.record {
            Some(name) => {
                check_name(name).map_err(|e| vec![error(e, "TABLEWRIGHT_RECORD=add_task_priority cargo build")])?;
                let mut refused: Vec<Diagnostic> = plan.problems.clone();
                for d in plan.destructive.iter().filter(|d| !request.acknowledged.contains(&d.key)) {
                    refused.push(refusal(d));
                }
                if !refused.is_empty() {
                    return Err(refused);
                }
                warn_stale_acknowledgements(request, &plan.destructive, &mut diagnostics);
                let mut previous = last.id();
                let mut recorded = Vec::new();
                for (i, phase) in plan.phases.iter().enumerate() {
                    let number = number + i as u32;
                    let name = phase_name(name, phase, plan.phases.len());
                    check_name(&name)
                        .map_err(|e| vec![error(e, "choose a shorter name: TABLEWRIGHT_RECORD=<name> cargo build")])?;
                    let place = Place { number, name: &name, previous: &previous, of: (i + 1, plan.phases.len()) };
                    emitted.artifacts.extend(step_artifacts(phase, &place, options, request)?);
                    ids.push((number, name.clone()));
                    previous = format!("{number:04}_{name}");
                    recorded.push(previous.clone());
                }
                report.messages.push(match recorded.as_slice() {
                    [one] => format!("recorded migration {one}"),
                    all => format!("recorded migrations {} (one plan, deploy between them)", all.join(", ")),
                });
            }
            None => {
                report.draft = true;
                emitted.artifacts.extend(draft_artifacts(&plan, number, &last.id(), request));
                if request.check {
                    diagnostics.push(
                        Diagnostic::error(
                            &Location { file: format!("{}", out_dir.join(DRAFT_DIR).display()), line: 1, column: 1 },
                            format!(
                                "the schema changed since migration {} and the change is not recorded ({} change{}: see {}/README.md)",
                                last.id(),
                                plan.changes.len(),
                                if plan.changes.len() == 1 { "" } else { "s" },
                                DRAFT_DIR
                            ),
                        )
                        .with_help(
                            "record it as the next migration: `TABLEWRIGHT_RECORD=<name> cargo build`, then commit the new files",
                        ),
                    );
                } else {
                    let phases = match plan.phases.len() {
                        1 => String::new(),
                        n => format!(", planned as {n} migrations"),
                    };
                    report.messages.push(format!(
                        "draft of migration {number:04} pending ({} change{}{phases}): record it with TABLEWRIGHT_RECORD=<name> cargo build",
                        plan.changes.len(),
                        if plan.changes.len() == 1 { "" } else { "s" }
                    ));
                    for problem in &plan.problems {
                        diagnostics
                            .push(Diagnostic { severity: crate::diagnostics::Severity::Warning, ..problem.clone() });
                    }
                }
            }
        }
    }
    emitted.artifacts.retain(|a| a.path != Path::new("drizzle/migrations/meta/_journal.json"));
    emitted.artifacts.push(Artifact::text("drizzle/migrations/meta/_journal.json", journal(&ids)));
    emitted.diagnostics.extend(diagnostics.iter().filter(|d| !d.is_error()).cloned());
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() { Ok(report) } else { Err(errors) }
}

/// drizzle-kit's snapshot of a recorded step, from the step's schema.
fn drizzle_snapshot(history: &History, step: &Recorded, options: &EmitOptions) -> String {
    let tag = drizzle_tag(step.number, &step.name);
    let previous =
        (step.number > 1).then(|| drizzle_tag(step.number - 1, &history.steps[step.number as usize - 2].name));
    crate::emit::drizzle::snapshot::snapshot(&step.schema, options, &tag, previous.as_deref())
}

fn snapshot(schema: &Schema) -> Result<String, Vec<Diagnostic>> {
    crate::emit::snapshot::to_json(schema).map_err(|e| vec![error(format!("could not serialize the schema: {e}"), "")])
}

fn error(message: String, help: &str) -> Diagnostic {
    let d = Diagnostic::error(&Location { file: "build.rs".into(), line: 1, column: 1 }, message);
    if help.is_empty() { d } else { d.with_help(help) }
}

fn refusal(d: &Destructive) -> Diagnostic {
    Diagnostic::error(&d.location, format!("{}: not recorded without an acknowledgement", d.message)).with_help(format!(
        "acknowledge it in build.rs, `Builder::new().acknowledge([\"{}\"])`, and record again (the migration header \
         keeps the acknowledgement); if the column or table was renamed, say so instead: `renamed_from = \"...\"`",
        d.key
    ))
}

fn warn_stale_acknowledgements(request: &Request, destructive: &[Destructive], out: &mut Vec<Diagnostic>) {
    if request.record.is_none() {
        return;
    }
    for ack in request.acknowledged.iter().filter(|a| !destructive.iter().any(|d| d.key == **a)) {
        out.push(
            Diagnostic::warning(
                &Location { file: "build.rs".into(), line: 1, column: 1 },
                format!("the acknowledgement `{ack}` matches no change of this migration"),
            )
            .with_help(
                "remove it from `Builder::acknowledge(...)`: acknowledgements belong to the migration they allow",
            ),
        );
    }
}

/// One line per change, for headers and the draft.
pub fn describe(change: &Change) -> String {
    match change {
        Change::CreateEnum { name } => format!("create enum {name}"),
        Change::DropEnum { name } => format!("drop enum {name}"),
        Change::AddEnumValues { name, values } => format!("add value(s) {} to enum {name}", values.join(", ")),
        Change::RemoveEnumValues { name, values } => format!("remove value(s) {} from enum {name}", values.join(", ")),
        Change::CreateTable { table } => format!("create table {table}"),
        Change::DropTable { table } => format!("drop table {table}"),
        Change::RenameTable { old, table } => format!("rename table {old} to {table}"),
        Change::AddColumn { table, column } => format!("add column {table}.{column}"),
        Change::DropColumn { table, column } => format!("drop column {table}.{column}"),
        Change::RenameColumn { table, old, column } => format!("rename column {table}.{old} to {column}"),
        Change::AlterColumn { table, column, change } => {
            let mut what = Vec::new();
            for (flag, word) in [
                (change.ty, "type"),
                (change.nullable, "nullability"),
                (change.default, "default"),
                (change.comment, "comment"),
                (change.generated, "generation"),
            ] {
                if flag {
                    what.push(word);
                }
            }
            format!("alter column {table}.{column} ({})", what.join(", "))
        }
        Change::SetPrimaryKey { table } => format!("set the primary key of {table}"),
        Change::AddForeignKey { name, .. } => format!("add foreign key {name}"),
        Change::DropForeignKey { name, .. } => format!("drop foreign key {name}"),
        Change::RenameForeignKey { old, name, .. } => format!("rename foreign key {old} to {name}"),
        Change::AddIndex { name, .. } => format!("add index {name}"),
        Change::DropIndex { name, .. } => format!("drop index {name}"),
        Change::RenameIndex { old, name, .. } => format!("rename index {old} to {name}"),
        Change::AddCheck { name, .. } => format!("add check {name}"),
        Change::DropCheck { name, .. } => format!("drop check {name}"),
        Change::RenameCheck { old, name, .. } => format!("rename check {old} to {name}"),
        Change::TableComment { table } => format!("set the comment of {table}"),
        Change::MembershipRead { table } => format!(
            "let the migration role read {table} (policy membership_read): the membership functions run as that \
             role, and one that is not a superuser recursed through the table's tenant policies"
        ),
    }
}

/// Where a recorded migration goes: its number and name, the migration
/// before it, and its place in its plan (`(1, 3)`: the first of three).
struct Place<'a> {
    number: u32,
    name: &'a str,
    previous: &'a str,
    of: (usize, usize),
}

/// A phase's migration name: the name given, with the phase's suffix when
/// the plan has more than one (`add_priority_expand`).
fn phase_name(name: &str, phase: &Phase, count: usize) -> String {
    match &phase.kind {
        Some(kind) if count > 1 => format!("{name}_{}", kind.suffix()),
        _ => name.to_string(),
    }
}

/// The header lines of a phase's script (after the generated-file line).
fn header(
    phase: &Phase,
    of: (usize, usize),
    dialect: Dialect,
    id: &str,
    direction: &str,
    acknowledged: &[&Destructive],
) -> Vec<String> {
    let dialect_name = match dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL 8 / MariaDB 10.11",
        Dialect::Sqlite => "SQLite",
    };
    let mut lines = vec![format!("-- Migration: {id} ({direction})"), format!("-- Dialect: {dialect_name}")];
    if let (Some(kind), true) = (&phase.kind, of.1 > 1) {
        lines.push(format!("-- Plan: migration {} of {} ({}): {}", of.0, of.1, kind.suffix(), kind.purpose()));
        for note in &phase.notes {
            lines.push(format!("--   {note}"));
        }
    }
    lines.push("-- Changes:".to_string());
    for change in &phase.step.changes {
        lines.push(format!("--   {}", describe(change)));
    }
    let acknowledged: Vec<&&Destructive> =
        acknowledged.iter().filter(|d| phase.step.destructive.iter().any(|x| x.key == d.key)).collect();
    if !acknowledged.is_empty() {
        if direction == "up" {
            lines.push("-- Acknowledged data loss (Builder::acknowledge):".to_string());
            for d in &acknowledged {
                lines.push(format!("--   {}: {}", d.key, d.message));
            }
        } else {
            lines.push(
                "-- Data loss: this down migration restores the structure the up migration removed; the data it held \
                 is gone (restored NOT NULL columns hold a placeholder value):"
                    .to_string(),
            );
            for d in &acknowledged {
                lines.push(format!("--   {}", d.key));
            }
        }
    }
    if !phase.review.is_empty() && direction == "up" {
        lines.push("-- Review (the migration review's findings; see generated/review.md for the rules):".to_string());
        for f in &phase.review {
            let silenced = if f.allowed { " (silenced with #[allow_lint])" } else { "" };
            lines.push(format!("--   {}:{}: {} [{}]{silenced}", f.location.file, f.location.line, f.message, f.rule));
        }
    }
    if dialect == Dialect::Mysql {
        lines.push(
            "-- MySQL/MariaDB run DDL outside transactions: if a statement fails, the ones before it stay applied. \
             Keys and indexes are dropped before what they use and added after, so fix the cause and run the \
             remaining statements."
                .to_string(),
        );
    }
    lines
}

/// A script file: the optional no-transaction marker, the header, the statements.
fn script(lines: Vec<String>, statements: &[String], no_transaction: bool) -> String {
    let mut out = String::new();
    if no_transaction {
        // sqlx reads this marker on the first line: the script runs its own transaction.
        out.push_str("-- no-transaction\n");
    }
    out.push_str(HEADER);
    out.push('\n');
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    if statements.is_empty() {
        // A step of row-level security only, say, on MySQL and SQLite: the
        // file exists so every history has every step.
        out.push_str("-- Nothing to run on this dialect: the changes above do not reach it.\n");
    }
    for statement in statements {
        out.push('\n');
        out.push_str(statement);
        out.push_str(";\n");
    }
    out
}

/// Every history's files of a recorded migration.
fn step_artifacts(
    phase: &Phase,
    place: &Place<'_>,
    options: &EmitOptions,
    request: &Request,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let (number, name, previous, step) = (place.number, place.name, place.previous, &phase.step);
    let id = format!("{number:04}_{name}");
    let acknowledged: Vec<&Destructive> =
        step.destructive.iter().filter(|d| request.acknowledged.contains(&d.key)).collect();
    let mut out = Vec::new();
    for dialect in Dialect::ALL {
        let scripts = step.scripts(dialect);
        let dir = format!("migrations/{}", dialect.dir_name());
        out.push(Artifact::text(
            format!("{dir}/{id}.up.sql"),
            script(header(phase, place.of, dialect, &id, "up", &acknowledged), &scripts.up, scripts.up_no_transaction),
        ));
        out.push(Artifact::text(
            format!("{dir}/{id}.down.sql"),
            script(
                header(phase, place.of, dialect, &id, "down", &acknowledged),
                &scripts.down,
                scripts.down_no_transaction,
            ),
        ));
    }
    out.push(Artifact::text(format!("{HISTORY_DIR}/{id}.snapshot.json"), snapshot(&phase.schema)?));
    let pg = step.scripts(Dialect::Postgres);
    let terminated = |s: &[String]| s.iter().map(|s| format!("{s};")).collect::<Vec<_>>();
    let (up, down) = (terminated(&pg.up), terminated(&pg.down));
    let pg_up_file =
        script(header(phase, place.of, Dialect::Postgres, &id, "up", &acknowledged), &pg.up, pg.up_no_transaction);
    out.push(Artifact::text(format!("prisma/migrations/{number:014}_{name}/migration.sql"), pg_up_file));
    out.push(Artifact::text(
        format!("drizzle/migrations/{}.sql", drizzle_tag(number, name)),
        format!(
            "{HEADER}\n-- drizzle-kit migration {}: tablewright's PostgreSQL migration {id}, split by statement.\n{}\n",
            drizzle_tag(number, name),
            up.join(&format!("\n{}\n", crate::emit::drizzle::migrations::BREAKPOINT))
        ),
    ));
    let tag = drizzle_tag(number, name);
    let previous_tag = previous.split_once('_').map(|(n, rest)| drizzle_tag(n.parse().unwrap_or(1), rest));
    out.push(Artifact::text(
        format!("drizzle/migrations/{}", crate::emit::drizzle::snapshot::snapshot_path(&tag)),
        crate::emit::drizzle::snapshot::snapshot(&phase.schema, options, &tag, previous_tag.as_deref()),
    ));
    let no_transaction = pg.up_no_transaction || pg.down_no_transaction;
    let (path, text) = crate::emit::typeorm::step_migration_file(number, name, &up, &down, no_transaction);
    out.push(Artifact::text(path, text));
    out.push(Artifact::text(
        format!("alembic/versions/{id}.py"),
        crate::emit::alembic::step_revision(number, name, previous, &up, &down, no_transaction),
    ));
    Ok(out)
}

/// The draft: every phase's scripts for every dialect, and a README with
/// the plan.
fn draft_artifacts(plan: &Plan, number: u32, previous: &str, request: &Request) -> Vec<Artifact> {
    let count = plan.phases.len();
    let mut out = Vec::new();
    for (i, phase) in plan.phases.iter().enumerate() {
        let id = format!("{:04}_{}", number + i as u32, phase_name("draft", phase, count));
        // One phase: `draft/postgres.up.sql`; several: `draft/1_expand.postgres.up.sql`.
        let prefix = match (&phase.kind, count) {
            (Some(kind), n) if n > 1 => format!("{}_{}.", i + 1, kind.suffix()),
            _ => String::new(),
        };
        for dialect in Dialect::ALL {
            let scripts = phase.step.scripts(dialect);
            for (direction, statements, no_transaction) in
                [("up", &scripts.up, scripts.up_no_transaction), ("down", &scripts.down, scripts.down_no_transaction)]
            {
                out.push(Artifact::text(
                    format!("{DRAFT_DIR}/{prefix}{}.{direction}.sql", dialect.dir_name()),
                    script(header(phase, (i + 1, count), dialect, &id, direction, &[]), statements, no_transaction),
                ));
            }
        }
    }
    let mut readme = format!(
        "# Draft of migration {number:04}\n\nGenerated by tablewright; rewritten while the schema changes and never \
         applied by a migration tool. It is what the schema changed since migration {previous}:\n\n"
    );
    for change in &plan.changes {
        readme.push_str(&format!("- {}\n", describe(change)));
    }
    if count > 1 {
        readme.push_str(&format!(
            "\nA populated table cannot take these changes in one step: they are planned as {count} migrations, \
             recorded together and applied in order, with a deploy of the application between them where a \
             phase says so:\n\n"
        ));
        for (i, phase) in plan.phases.iter().enumerate() {
            let Some(kind) = &phase.kind else { continue };
            readme.push_str(&format!("{}. `{}`: {}\n", i + 1, kind.suffix(), kind.purpose()));
            for note in &phase.notes {
                readme.push_str(&format!("   - {note}\n"));
            }
        }
        readme.push_str(
            "\nTo plan them as one migration instead (tables known to be small), record with \
             `TABLEWRIGHT_ONE_STEP=1`; the migration review then says what each statement locks.\n",
        );
    }
    readme.push_str(
        "\nRecord it as the next migration of every history (SQL, Prisma, Drizzle, TypeORM, Alembic):\n\n\
         ```sh\nTABLEWRIGHT_RECORD=<name> cargo build\n```\n",
    );
    if !plan.destructive.is_empty() {
        readme.push_str("\nThese changes lose data and are refused unless acknowledged in build.rs (`Builder::new().acknowledge([...])`):\n\n");
        for d in &plan.destructive {
            let status = if request.acknowledged.contains(&d.key) { "acknowledged" } else { "would be refused" };
            readme.push_str(&format!("- `{}`: {} ({status})\n", d.key, d.message));
        }
    }
    let findings: Vec<_> = plan.phases.iter().flat_map(|p| &p.review).collect();
    if !findings.is_empty() {
        readme.push_str("\nThe migration review (rules `migration_*` in generated/review.md; silence one with `#[allow_lint(rule)]`):\n\n");
        for f in findings {
            let silenced = if f.allowed { " (silenced)" } else { "" };
            readme.push_str(&format!(
                "- {}:{}:{}: {} [{}]{silenced}\n  help: {}\n",
                f.location.file, f.location.line, f.location.column, f.message, f.rule, f.help
            ));
        }
    }
    if !plan.problems.is_empty() {
        readme.push_str("\nThese changes cannot be recorded as the schema writes them:\n\n");
        for p in &plan.problems {
            readme.push_str(&format!("- {}", p.message));
            if let Some(help) = &p.help {
                readme.push_str(&format!(" ({help})"));
            }
            readme.push('\n');
        }
    }
    out.push(Artifact::text(format!("{DRAFT_DIR}/README.md"), readme));
    out
}

/// drizzle-kit's journal over every step.
fn journal(steps: &[(u32, String)]) -> String {
    let tags: Vec<String> = steps.iter().map(|(n, name)| drizzle_tag(*n, name)).collect();
    crate::emit::drizzle::migrations::journal(&tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_without_statements_says_there_is_nothing_to_run() {
        let header = || vec!["-- Migration: 0004_x (up)".to_string()];
        let empty = script(header(), &[], false);
        assert!(
            empty.ends_with(
                "-- Migration: 0004_x (up)\n-- Nothing to run on this dialect: the changes above do not reach it.\n"
            ),
            "{empty}"
        );
        let full = script(header(), &["SELECT 1".to_string()], false);
        assert!(!full.contains("Nothing to run") && full.ends_with("\nSELECT 1;\n"), "{full}");
    }
}

//! The build pipeline: every stage of one generation, in order, in one place.
//!
//! ```text
//! scan -> transform -> validate -> review -> emit -> write (or check)
//! ```
//!
//! - **scan** ([`scan()`]): read the crate's `.rs` files and parse the
//!   `#[entity]` / `#[db_enum]` items with the macros' front end.
//! - **transform** ([`transform`]): the cross-cutting attributes become
//!   columns, keys and indexes ([`crate::transform::apply`]).
//! - **validate** ([`validate`]): the whole-schema checks
//!   ([`crate::validate::check_schema`]).
//! - **history** ([`crate::evolve::history`], after emit): the recorded
//!   migrations come back from disk, the next step is drafted (or recorded)
//!   from the diff against the last recorded schema.
//! - **review** and **emit** ([`emit()`]): one [`Context`] per build holds
//!   what every emitter shares (lookups, dependency order, relations, the
//!   rendered migrations); the schema review ([`crate::emit::review`]) runs
//!   first, and a rule made an error stops the build there; then every
//!   target ([`crate::emit::targets`]), side by side.
//! - **write** ([`run`]): the writer puts the artifacts on disk, or compares
//!   them with it in check mode.
//!
//! Each stage takes the previous stage's output and returns its own; a
//! stage that reports an error ends the run with every diagnostic so far.
//! [`generate`] runs scan to emit in memory ([`super::Builder::generate`]);
//! [`run`] runs every stage and, given a [`super::stamp`] path,
//! stops right after reading the sources (or after scanning them) when the
//! last generation's inputs and outputs are unchanged
//! ([`super::Builder::run`], and any other driver such as a CLI).
//!
//! ```
//! use std::fs;
//! use tablewright_core::build::pipeline::{self, Input, Mode, Outcome};
//! use tablewright_core::emit::EmitOptions;
//!
//! let root = std::env::temp_dir().join(format!("tw-pipeline-doc-{}", std::process::id()));
//! fs::create_dir_all(root.join("src")).unwrap();
//! fs::write(
//!     root.join("src/lib.rs"),
//!     "use tablewright::prelude::*;\n#[entity]\n#[timestamps]\n#[versioned]\npub struct Note {\n    #[id]\n    pub id: Uuid,\n}\n",
//! )
//! .unwrap();
//! let input = Input {
//!     crate_dir: root.clone(),
//!     src_dir: root.join("src"),
//!     out_dir: root.join("generated"),
//!     history: Default::default(),
//! };
//! let (options, stamp) = (EmitOptions::default(), root.join("tablewright.stamp"));
//!
//! let first = pipeline::run(&input, &options, Mode::Write, Some(&stamp)).unwrap();
//! assert!(matches!(first, Outcome::Generated(_)));
//! assert!(root.join("generated/migrations/postgres/0001_initial.up.sql").exists());
//! // Nothing new: no emitter runs and nothing is written.
//! let again = pipeline::run(&input, &options, Mode::Write, Some(&stamp)).unwrap();
//! assert!(matches!(again, Outcome::Unchanged { tables: 1, warnings: 0, .. }));
//! # fs::remove_dir_all(&root).unwrap();
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::artifacts::Artifacts;
use super::stamp::{self, Fingerprint, Stamp};
use super::{Error, writer};
use crate::diagnostics::Diagnostic;
use crate::emit::{self, Context, EmitOptions, Emitted, Emitter as _};
use crate::frontend::scan::{self as front, Scanned, Sources};
use crate::model::Schema;
use crate::timings;

pub use crate::evolve::history::Request;

/// Where a generation reads and writes, and what it asks of the migration
/// history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The crate directory: diagnostics name files relative to it.
    pub crate_dir: PathBuf,
    /// The sources to scan (usually `<crate>/src`).
    pub src_dir: PathBuf,
    /// The output directory (usually `<crate>/generated`).
    pub out_dir: PathBuf,
    /// Record the draft, acknowledgements, check mode ([`crate::evolve::history`]).
    pub history: Request,
}

/// What [`run`] does with the artifacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write them (only files whose bytes changed).
    Write,
    /// Compare them with the files on disk; differences are an error.
    Check,
}

/// What [`run`] did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing changed since the stamped generation: no emitter ran,
    /// nothing was written.
    Unchanged {
        /// The scanned `.rs` files (the build script's inputs).
        files_read: Vec<PathBuf>,
        /// The stamped generation's entity and warning counts.
        tables: usize,
        warnings: usize,
    },
    /// A full generation, written or checked.
    Generated(Artifacts),
}

/// Stage 1: reads and parses the sources. Paths of the files read are absolute.
pub fn scan(input: &Input) -> Result<(Sources, Scanned), Error> {
    let sources = read(input)?;
    let scanned = timings::time("scan", || sources.scan());
    Ok((sources, scanned))
}

fn read(input: &Input) -> Result<Sources, Error> {
    let start = Instant::now();
    let mut sources = front::read_dir(&input.src_dir, &input.crate_dir).map_err(|e| Error::io(&input.src_dir, e))?;
    for file in &mut sources.files {
        if file.is_relative() {
            *file = input.crate_dir.join(&*file);
        }
    }
    timings::record("read sources", start);
    Ok(sources)
}

/// Stage 2: applies the cross-cutting transforms in place.
pub fn transform(schema: &mut Schema) -> Vec<Diagnostic> {
    timings::time("transform", || crate::transform::apply(schema))
}

/// Stage 3: the whole-schema checks of a transformed schema: the model's
/// own rules ([`crate::validate`]), who may do what ([`crate::security`])
/// and the SQL written inside the schema ([`crate::fragment`]).
pub fn validate(schema: &Schema) -> Vec<Diagnostic> {
    let start = Instant::now();
    let mut diagnostics = Vec::new();
    crate::validate::check_schema(schema, &mut diagnostics);
    crate::security::check(schema, &mut diagnostics);
    crate::fragment::check_schema(schema, &mut diagnostics);
    timings::record("validate", start);
    diagnostics
}

/// Stages 2 and 3 on a scanned schema: the transformed, checked model and
/// every diagnostic, sorted by location and message.
pub fn model(schema: &mut Schema) -> Vec<Diagnostic> {
    let mut diagnostics = transform(schema);
    diagnostics.extend(validate(schema));
    diagnostics.sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
    diagnostics
}

/// Stages 4 and 5: the schema review, then (unless it reported an error)
/// every target, over one shared [`Context`]. Artifacts sorted by path.
pub fn emit(schema: &Schema, options: &EmitOptions) -> Emitted {
    let cx = timings::time("context", || Context::new(schema, options));
    let mut out = Emitted::default();
    // A selection that names no dialect or an unknown limit: reported at the build script.
    out.diagnostics.extend(options.selection.check(&crate::model::Location {
        file: "build.rs".into(),
        line: 1,
        column: 1,
    }));
    timings::time("review", || emit::review::SchemaReview.emit(&cx, &mut out));
    if !out.diagnostics.iter().any(Diagnostic::is_error) {
        let mut targets = emit::targets();
        targets.retain(|e| options.selection.runs(e.name()));
        let targets = emit::run(&cx, &targets);
        out.artifacts.extend(targets.artifacts);
        out.diagnostics.extend(targets.diagnostics);
    }
    out.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Stages 1 to 5, in memory: the artifacts, or every diagnostic when a stage
/// reports an error.
pub fn generate(input: &Input, options: &EmitOptions) -> Result<Artifacts, Error> {
    let (_, scanned) = scan(input)?;
    generate_scanned(input, options, scanned)
}

fn generate_scanned(input: &Input, options: &EmitOptions, scanned: Scanned) -> Result<Artifacts, Error> {
    let mut schema = scanned.schema;
    let mut diagnostics = scanned.diagnostics;
    let files_read = scanned.files;
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(model(&mut schema));
        options.selection.escalate(&mut diagnostics);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(finish(diagnostics)));
    }
    let mut emitted = emit(&schema, options);
    diagnostics.extend(std::mem::take(&mut emitted.diagnostics));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(finish(diagnostics)));
    }
    // Stage 6: the migration history.
    let start = Instant::now();
    let history = crate::evolve::history::apply(&input.out_dir, &schema, options, &input.history, &mut emitted)
        .map_err(|errors| Error::Diagnostics(finish(diagnostics.iter().cloned().chain(errors).collect())))?;
    timings::record("history", start);
    diagnostics.extend(emitted.diagnostics);
    // Only the selected dialects and targets reach the disk and the console.
    emitted.artifacts.retain(|a| options.selection.generates(&a.path));
    diagnostics.retain(|d| options.selection.keeps(d));
    emitted.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    writer::validate_paths(&emitted.artifacts)?;
    Ok(Artifacts {
        out_dir: input.out_dir.clone(),
        artifacts: emitted.artifacts,
        files_read,
        diagnostics: finish(diagnostics),
        tables: schema.entities.len(),
        crate_dir: input.crate_dir.clone(),
        history,
    })
}

/// Every stage: generates and writes (or checks) the artifacts. With a
/// `stamp` path (cargo's `OUT_DIR`), a run whose sources, scanned model,
/// options, generator and output directory all match the last successful
/// run's stops early with [`Outcome::Unchanged`]; see [`super::stamp`].
pub fn run(input: &Input, options: &EmitOptions, mode: Mode, stamp: Option<&Path>) -> Result<Outcome, Error> {
    let sources = read(input)?;
    let prior = stamp.and_then(Stamp::read);
    let setup = setup_hash(input, options);
    let sources_hash = sources_hash(&sources);
    if let Some(prior) = &prior
        && prior.setup == setup
        && prior.sources == sources_hash
        && prior.outputs == stamp::outputs(&input.out_dir)
    {
        return Ok(unchanged(sources, prior));
    }
    let scanned = timings::time("scan", || sources.scan());
    let model_hash = Fingerprint::default().hash(&scanned.schema).hash(&scanned.diagnostics).finish();
    if let (Some(path), Some(prior)) = (stamp, &prior)
        && prior.setup == setup
        && prior.model == model_hash
        && prior.outputs == stamp::outputs(&input.out_dir)
    {
        let _ = Stamp { sources: sources_hash, ..prior.clone() }.write(path);
        return Ok(unchanged(sources, prior));
    }

    let artifacts = generate_scanned(input, options, scanned)?;
    let start = Instant::now();
    match mode {
        Mode::Write => {
            artifacts.write()?;
        }
        Mode::Check => {
            let report = artifacts.check()?;
            if !report.is_clean() {
                return Err(Error::Stale { out_dir: input.out_dir.clone(), report });
            }
        }
    }
    timings::record(if mode == Mode::Write { "write" } else { "check" }, start);
    if let Some(path) = stamp {
        let next = Stamp {
            setup,
            sources: sources_hash,
            model: model_hash,
            outputs: stamp::outputs(&input.out_dir),
            tables: artifacts.tables,
            warnings: artifacts.diagnostics.len(),
        };
        let _ = next.write(path);
    }
    Ok(Outcome::Generated(artifacts))
}

fn unchanged(sources: Sources, prior: &Stamp) -> Outcome {
    Outcome::Unchanged { files_read: sources.files, tables: prior.tables, warnings: prior.warnings }
}

fn setup_hash(input: &Input, options: &EmitOptions) -> u128 {
    let mut hash = Fingerprint::default();
    stamp::generator(&mut hash);
    hash.debug(input).debug(options).finish()
}

fn sources_hash(sources: &Sources) -> u128 {
    let mut hash = Fingerprint::default();
    for (path, text) in &sources.texts {
        hash.str(path).str(text);
    }
    hash.finish()
}

/// Errors first, then warnings, each by location (stable, so diagnostics at
/// one location keep their order); exact repeats dropped (the three
/// dialects' migrations can report one planning error each).
fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert(d.clone()));
    diagnostics.sort_by(|a, b| (a.severity, &a.location).cmp(&(b.severity, &b.location)));
    diagnostics
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    const SCHEMA: &str = "use tablewright::prelude::*;\n\n#[entity]\n#[timestamps]\n#[versioned]\npub struct Note {\n    #[id]\n    pub id: Uuid,\n    pub body: String,\n}\n";

    struct Crate {
        root: PathBuf,
        input: Input,
        stamp: PathBuf,
    }

    impl Crate {
        fn new(name: &str) -> Crate {
            let root = std::env::temp_dir().join(format!("tw-pipeline-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(root.join("src")).unwrap();
            fs::create_dir_all(root.join("out_dir")).unwrap();
            fs::write(root.join("src/schema.rs"), SCHEMA).unwrap();
            let input = Input {
                crate_dir: root.clone(),
                src_dir: root.join("src"),
                out_dir: root.join("generated"),
                history: Default::default(),
            };
            let stamp = root.join("out_dir").join(stamp::STAMP_FILE);
            Crate { root, input, stamp }
        }

        fn run(&self, mode: Mode) -> Result<Outcome, Error> {
            run(&self.input, &EmitOptions::default(), mode, Some(&self.stamp))
        }

        fn generated(&self, mode: Mode) -> bool {
            match self.run(mode).unwrap_or_else(|e| panic!("{e}")) {
                Outcome::Generated(_) => true,
                Outcome::Unchanged { tables, .. } => {
                    assert_eq!(tables, 1);
                    false
                }
            }
        }
    }

    impl Drop for Crate {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    #[test]
    fn a_rebuild_that_finds_nothing_new_does_nothing() {
        let krate = Crate::new("noop");
        assert!(krate.generated(Mode::Write), "the first run generates");
        let migration = krate.input.out_dir.join("migrations/postgres/0001_initial.up.sql");
        let written = fs::metadata(&migration).unwrap().modified().unwrap();

        assert!(!krate.generated(Mode::Write), "same sources: stops before parsing");
        let schema_rs = krate.input.src_dir.join("schema.rs");
        fs::write(&schema_rs, SCHEMA).unwrap();
        assert!(!krate.generated(Mode::Write), "rewritten with the same bytes (a touch)");
        fs::write(&schema_rs, format!("{SCHEMA}\nfn helper() -> u32 {{ 1 }}\n")).unwrap();
        assert!(!krate.generated(Mode::Write), "a change that leaves the model alone: stops after parsing");
        assert!(!krate.generated(Mode::Check), "check mode trusts an untouched tree too");
        assert_eq!(fs::metadata(&migration).unwrap().modified().unwrap(), written, "nothing was written");

        fs::write(&schema_rs, SCHEMA.replace("pub body: String,", "pub body: String,\n    pub title: Option<String>,"))
            .unwrap();
        assert!(krate.generated(Mode::Write), "a new column generates");
        let draft = krate.input.out_dir.join("migrations/draft/postgres.up.sql");
        assert!(fs::read_to_string(&draft).unwrap().contains("ALTER TABLE \"notes\" ADD COLUMN \"title\" TEXT;"));
        assert_eq!(fs::metadata(&migration).unwrap().modified().unwrap(), written, "a recorded migration stays");
        assert!(!krate.generated(Mode::Write));
    }

    #[test]
    fn a_hand_edited_or_missing_output_is_generated_again_and_fails_the_check() {
        let krate = Crate::new("edited");
        assert!(krate.generated(Mode::Write));
        // A generated file (a recorded migration is the history's: it is
        // read back as it is, see crate::evolve::history).
        let migration = krate.input.out_dir.join("types/schema.ts");
        let original = fs::read_to_string(&migration).unwrap();

        fs::write(&migration, format!("{original}// by hand\n")).unwrap();
        match krate.run(Mode::Check) {
            Err(Error::Stale { report, .. }) => assert_eq!(report.stale, [PathBuf::from("types/schema.ts")]),
            other => panic!("check mode must catch a hand-edited file despite the stamp: {other:?}"),
        }
        assert!(krate.generated(Mode::Write), "write mode regenerates it");
        assert_eq!(fs::read_to_string(&migration).unwrap(), original);

        fs::remove_file(&migration).unwrap();
        assert!(krate.generated(Mode::Write), "a removed file is written again");
        assert!(migration.exists());

        // A stamp from other options does not count.
        let other = EmitOptions { initial_migration_name: "first".into(), ..EmitOptions::default() };
        assert!(matches!(run(&krate.input, &other, Mode::Write, Some(&krate.stamp)), Ok(Outcome::Generated(_))));
    }

    #[test]
    fn the_console_shows_a_few_warnings_of_each_kind() {
        let krate = Crate::new("console");
        let tables: String = (0..12)
            .map(|i| format!("#[entity]\n#[versioned]\npub struct Tick{i:02} {{\n    #[id]\n    pub id: Uuid,\n}}\n"))
            .collect();
        fs::write(krate.input.src_dir.join("schema.rs"), format!("use tablewright::prelude::*;\n{tables}")).unwrap();
        let artifacts = generate(&krate.input, &EmitOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(artifacts.diagnostics().len(), 12);
        let lines: Vec<String> = artifacts
            .cargo_directives()
            .into_iter()
            .filter_map(|l| l.strip_prefix("cargo::warning=").map(str::to_string))
            .collect();
        let shown = lines.iter().filter(|l| l.ends_with("[missing_timestamps]")).count();
        assert_eq!(shown, crate::build::WARNINGS_PER_KIND);
        assert!(
            lines.contains(&"... and 9 more [missing_timestamps], see generated/review.md".to_string()),
            "{lines:#?}"
        );
        assert_eq!(
            lines.last().unwrap(),
            "tablewright: 12 warnings, 9 not shown (at most 3 of each kind); every review finding is in generated/review.md"
        );
        // review.md has them all.
        let review = String::from_utf8(artifacts.get("review.md").unwrap().contents.clone()).unwrap();
        assert_eq!(review.matches("has no `created_at`/`updated_at`").count(), 12);
    }

    #[test]
    fn a_lint_error_stops_before_the_targets() {
        let krate = Crate::new("lint");
        let options =
            EmitOptions { lint: crate::lint::LintOptions::with_errors(["float_money"]), ..Default::default() };
        fs::write(krate.input.src_dir.join("schema.rs"), SCHEMA.replace("pub body: String,", "pub price: f64,"))
            .unwrap();
        let Err(Error::Diagnostics(diagnostics)) = generate(&krate.input, &options) else {
            panic!("a rule made an error fails the build")
        };
        assert!(diagnostics[0].is_error() && diagnostics[0].message.ends_with("[float_money]"), "{diagnostics:?}");
        let emitted = {
            let (_, scanned) = scan(&krate.input).unwrap();
            let mut schema = scanned.schema;
            assert!(model(&mut schema).is_empty());
            emit(&schema, &options)
        };
        assert_eq!(
            emitted.artifacts.iter().map(|a| a.path.to_str().unwrap()).collect::<Vec<_>>(),
            ["review.md"],
            "only the review ran"
        );
    }
}

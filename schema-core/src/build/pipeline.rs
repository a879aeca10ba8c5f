//! The build pipeline: every stage of one generation, in order, in one place.
//!
//! ```text
//! scan -> transform -> validate -> review -> emit -> write (or check)
//! ```
//!
//! - **scan** ([`scan`]): read the crate's `.rs` files and parse the
//!   `#[entity]` / `#[db_enum]` items with the macros' front end.
//! - **transform** ([`transform`]): the cross-cutting attributes become
//!   columns, keys and indexes ([`crate::transform::apply`]).
//! - **validate** ([`validate`]): the whole-schema checks
//!   ([`crate::validate::check_schema`]).
//! - **review** and **emit** ([`emit`]): one [`Context`] per build holds
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
//! [`run`] runs every stage ([`super::Builder::run`], and any other driver
//! such as a CLI).

use std::path::PathBuf;

use super::artifacts::Artifacts;
use super::{Error, writer};
use crate::diagnostics::Diagnostic;
use crate::emit::{self, Context, EmitOptions, Emitted, Emitter as _};
use crate::frontend::scan::{self as front, Scanned, Sources};
use crate::model::Schema;

/// Where a generation reads and writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The crate directory: diagnostics name files relative to it.
    pub crate_dir: PathBuf,
    /// The sources to scan (usually `<crate>/src`).
    pub src_dir: PathBuf,
    /// The output directory (usually `<crate>/generated`).
    pub out_dir: PathBuf,
}

/// What [`run`] does with the artifacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write them (only files whose bytes changed).
    Write,
    /// Compare them with the files on disk; differences are an error.
    Check,
}

/// Stage 1: reads and parses the sources. Paths of the files read are absolute.
pub fn scan(input: &Input) -> Result<(Sources, Scanned), Error> {
    let sources = read(input)?;
    let scanned = sources.scan();
    Ok((sources, scanned))
}

fn read(input: &Input) -> Result<Sources, Error> {
    let mut sources = front::read_dir(&input.src_dir, &input.crate_dir).map_err(|e| Error::io(&input.src_dir, e))?;
    for file in &mut sources.files {
        if file.is_relative() {
            *file = input.crate_dir.join(&*file);
        }
    }
    Ok(sources)
}

/// Stage 2: applies the cross-cutting transforms in place.
pub fn transform(schema: &mut Schema) -> Vec<Diagnostic> {
    crate::transform::apply(schema)
}

/// Stage 3: the whole-schema checks of a transformed schema.
pub fn validate(schema: &Schema) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    crate::validate::check_schema(schema, &mut diagnostics);
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
    let cx = Context::new(schema, options);
    let mut out = Emitted::default();
    emit::review::SchemaReview.emit(&cx, &mut out);
    if !out.diagnostics.iter().any(Diagnostic::is_error) {
        let targets = emit::run(&cx, &emit::targets());
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
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(finish(diagnostics)));
    }
    let emitted = emit(&schema, options);
    diagnostics.extend(emitted.diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(finish(diagnostics)));
    }
    writer::validate_paths(&emitted.artifacts)?;
    Ok(Artifacts {
        out_dir: input.out_dir.clone(),
        artifacts: emitted.artifacts,
        files_read,
        diagnostics: finish(diagnostics),
        crate_dir: input.crate_dir.clone(),
    })
}

/// Every stage: generates and writes (or checks) the artifacts.
pub fn run(input: &Input, options: &EmitOptions, mode: Mode) -> Result<Artifacts, Error> {
    let artifacts = generate(input, options)?;
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
    Ok(artifacts)
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
    }

    impl Crate {
        fn new(name: &str) -> Crate {
            let root = std::env::temp_dir().join(format!("tw-pipeline-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(root.join("src")).unwrap();
            fs::write(root.join("src/schema.rs"), SCHEMA).unwrap();
            let input =
                Input { crate_dir: root.clone(), src_dir: root.join("src"), out_dir: root.join("generated") };
            Crate { root, input }
        }
    }

    impl Drop for Crate {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
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

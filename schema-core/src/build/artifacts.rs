//! [`Artifacts`]: what one build produced, in memory, with the inputs it read.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Severity};
use crate::emit::Artifact;

use super::Error;
use super::writer::{self, CheckReport, WriteSummary};

/// The result of [`Builder::generate`](super::Builder::generate): every
/// output file in memory, the source files that were read and the warnings.
///
/// Nothing is on disk until [`Artifacts::write`].
#[derive(Clone, Debug)]
pub struct Artifacts {
    pub(super) out_dir: PathBuf,
    pub(super) artifacts: Vec<Artifact>,
    pub(super) files_read: Vec<PathBuf>,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Entities of the generated schema.
    pub(super) tables: usize,
    /// Where paths in console lines are relative to.
    pub(super) crate_dir: PathBuf,
    /// What the migration history did: recorded a step, drafted one.
    pub(super) history: crate::evolve::history::Report,
}

/// How many warnings of one kind (one review rule, one dialect limitation)
/// the console shows; the rest are counted on one line. `review.md` lists
/// every review finding.
pub const WARNINGS_PER_KIND: usize = 3;

impl Artifacts {
    /// Writes every artifact under [`out_dir`](Self::out_dir): only files
    /// whose bytes changed, each atomically, and removes files an earlier
    /// build wrote that are no longer produced (see [`writer`]).
    pub fn write(&self) -> Result<WriteSummary, Error> {
        writer::write(&self.out_dir, &self.artifacts)
    }

    /// Compares the artifacts with the files in [`out_dir`](Self::out_dir)
    /// without writing: which files are stale, missing or left over.
    pub fn check(&self) -> Result<CheckReport, Error> {
        writer::check(&self.out_dir, &self.artifacts)
    }

    /// The directory the artifacts are written to.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// Every artifact, sorted by path (relative to the out dir).
    pub fn artifacts(&self) -> &[Artifact] {
        &self.artifacts
    }

    /// The artifact at `path` (relative to the out dir, `/`-separated), if any.
    pub fn get(&self, path: impl AsRef<Path>) -> Option<&Artifact> {
        let path = path.as_ref();
        self.artifacts.iter().find(|a| a.path == path)
    }

    /// The `.rs` files that were scanned, sorted: the build script's inputs.
    pub fn files_read(&self) -> &[PathBuf] {
        &self.files_read
    }

    /// What the migration history did in this build: `recorded migration
    /// 0002_add_priority`, a pending draft, `nothing to record`.
    pub fn history(&self) -> &crate::evolve::history::Report {
        &self.history
    }

    /// The warnings of the build (errors make [`generate`](super::Builder::generate) fail).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The lines [`emit_cargo_directives`](Self::emit_cargo_directives)
    /// prints: one `cargo::rerun-if-changed=<file>` per input `.rs` file
    /// (never a directory, never an output), then the warnings as
    /// `cargo::warning=path:line:col: message` (a `help:` becomes a second
    /// warning line).
    ///
    /// The console stays short whatever the schema's size: of each kind of
    /// warning ([`Diagnostic::code`]: a review rule, a dialect limitation)
    /// the first [`WARNINGS_PER_KIND`] by location are shown, then one
    /// `... and N more` line per kind and one summary line. Cargo stores a
    /// build script's output and replays it on every build, so this also
    /// bounds what a no-op `cargo build` prints.
    pub fn cargo_directives(&self) -> Vec<String> {
        let mut lines: Vec<String> =
            self.files_read.iter().map(|file| format!("cargo::rerun-if-changed={}", file.display())).collect();
        // Shown and hidden counts per kind, in order of first appearance.
        let mut kinds: Vec<(Option<&'static str>, usize)> = Vec::new();
        let mut hidden = 0;
        for diagnostic in &self.diagnostics {
            let kind = match kinds.iter_mut().find(|(code, _)| *code == diagnostic.code) {
                Some(kind) => kind,
                None => {
                    kinds.push((diagnostic.code, 0));
                    kinds.last_mut().expect("just pushed")
                }
            };
            kind.1 += 1;
            if kind.1 > WARNINGS_PER_KIND && diagnostic.severity == Severity::Warning {
                hidden += 1;
                continue;
            }
            let message = one_line(&diagnostic.message);
            let prefix = match diagnostic.severity {
                Severity::Warning => "",
                Severity::Error => "error: ",
            };
            lines.push(format!("cargo::warning={}: {prefix}{message}", diagnostic.location));
            if let Some(help) = &diagnostic.help {
                lines.push(format!("cargo::warning=  help: {}", one_line(help)));
            }
        }
        let review = self.out_dir.join(crate::emit::review::REVIEW_PATH);
        let review = review.strip_prefix(&self.crate_dir).unwrap_or(&review).display().to_string();
        let lints: Vec<&str> = crate::lint::rule_names().collect();
        for (code, count) in &kinds {
            if *count <= WARNINGS_PER_KIND {
                continue;
            }
            let more = count - WARNINGS_PER_KIND;
            lines.push(match code {
                Some(rule) if lints.contains(rule) => {
                    format!("cargo::warning=... and {more} more [{rule}], see {review}")
                }
                Some(code) => format!("cargo::warning=... and {more} more [{code}]"),
                None => format!("cargo::warning=... and {more} more warnings"),
            });
        }
        // Dialect limits are known once read: say how to stop reading them.
        let limits: Vec<String> = kinds
            .iter()
            .filter_map(|(code, _)| code.filter(|c| crate::emit::select::dialect_limit(c).is_some()))
            .map(|c| format!("\"{c}\""))
            .collect();
        if !limits.is_empty() {
            lines.push(format!(
                "cargo::warning=tablewright: to accept these dialect limits once instead of on every build: \
                 `Builder::new().accept_dialect_limits([{}])` in build.rs, or `with_dialects([...])` to leave a dialect out",
                limits.join(", ")
            ));
        }
        if hidden > 0 {
            lines.push(format!(
                "cargo::warning=tablewright: {} warnings, {hidden} not shown (at most {WARNINGS_PER_KIND} of each kind); every review finding is in {review}",
                self.diagnostics.len()
            ));
        }
        lines
    }

    /// Prints [`cargo_directives`](Self::cargo_directives) to stdout, where
    /// cargo reads a build script's instructions.
    pub fn emit_cargo_directives(&self) {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for line in self.cargo_directives() {
            // A closed stdout in a build script is not worth a panic.
            let _ = writeln!(out, "{line}");
        }
    }
}

/// Cargo reads one directive per line.
fn one_line(text: &str) -> String {
    text.lines().map(str::trim_end).collect::<Vec<_>>().join(" ")
}

//! The build API's error type.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

use super::writer::CheckReport;

/// Why [`Builder::generate`](super::Builder::generate),
/// [`Artifacts::write`](super::Artifacts::write) or
/// [`Artifacts::check`](super::Artifacts::check) failed.
///
/// `Display` prints everything a user needs to fix it: every diagnostic on
/// its own `path:line:col: error: message` line (with `help:` lines), or the
/// file an I/O operation failed on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The schema has errors. Holds every diagnostic of the run, errors
    /// first, then warnings, each sorted by location.
    Diagnostics(Vec<Diagnostic>),
    /// Reading or writing a file failed.
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// An emitter produced an artifact path the writer refuses (absolute,
    /// containing `..`, a duplicate, ...). A bug in an emitter, not in the
    /// user's schema.
    InvalidArtifactPath {
        /// The path as the emitter gave it.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A directory was not given and the environment variable cargo sets
    /// for build scripts is missing.
    MissingEnv {
        /// `CARGO_MANIFEST_DIR` or `OUT_DIR`.
        var: &'static str,
        /// The builder option that replaces it.
        help: &'static str,
    },
    /// `tablewright.toml` cannot be read as the builder's settings.
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line and column.
        message: String,
    },
    /// Check mode found generated files that differ from what the schema
    /// produces.
    Stale {
        /// The output directory that was checked.
        out_dir: PathBuf,
        /// What differs.
        report: CheckReport,
    },
}

impl Error {
    /// The diagnostics of a [`Error::Diagnostics`] error; empty otherwise.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Diagnostics(diagnostics) => diagnostics,
            _ => &[],
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Diagnostics(diagnostics) => {
                for (i, diagnostic) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{diagnostic}")?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::InvalidArtifactPath { path, reason } => write!(
                f,
                "tablewright produced an invalid output path `{}`: {reason} (this is a bug in tablewright, please report it)",
                path.display()
            ),
            Error::MissingEnv { var, help } => write!(
                f,
                "the environment variable {var} is not set: tablewright::build::Builder runs in build scripts, \
                 where cargo sets it\n  help: outside a build script, call {help}"
            ),
            Error::Config { path, message } => write!(
                f,
                "{}: {message}\n  help: see the keys tablewright.toml takes in the docs of `tablewright::build::config`",
                path.display()
            ),
            Error::Stale { out_dir, report } => {
                write!(
                    f,
                    "generated files in {} are out of date with the schema:\n{report}  help: run `cargo build` \
                     (the build script rewrites them) and commit the result",
                    out_dir.display()
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

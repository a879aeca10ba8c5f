//! The build-script API: scan a crate's sources with the same front end the
//! macros use, apply the cross-cutting transforms, run every emitter and
//! write the artifacts. The stages and their order live in [`pipeline`].
//!
//! Shaped like cbindgen's: a by-value [`Builder`] with `with_*` options,
//! [`Builder::generate`] returning in-memory [`Artifacts`] that know the
//! files they read, and [`Artifacts::write`], which rewrites a file only when
//! its bytes changed (see [`writer`]). [`Builder::run`], the whole build
//! script, skips generation when nothing changed since the last build
//! ([`stamp`]) and keeps the console short: a few warnings per kind, the
//! rest counted ([`Artifacts::cargo_directives`]).
//!
//! The usual `build.rs` is one line in `fn main`:
//!
//! ```no_run
//! tablewright_core::build::Builder::new().run();
//! ```

use std::env;
use std::path::{Path, PathBuf};

mod artifacts;
pub mod config;
mod error;
pub mod pipeline;
pub mod stamp;
pub mod writer;

/// The findings of a build ([`Artifacts::diagnostics`], [`Error::Diagnostics`]).
pub use crate::diagnostics::{Diagnostic, Severity};
/// One generated file ([`Artifacts::get`]).
pub use crate::emit::Artifact;
/// The options every emitter reads ([`Builder::with_emit_options`]).
pub use crate::emit::EmitOptions;
/// The ERD options of [`Builder::with_erd`].
pub use crate::emit::ErdOptions;
/// What a build writes: [`Builder::with_dialects`], [`Builder::with_targets`],
/// [`Builder::accept_dialect_limits`].
pub use crate::emit::{DIALECT_LIMITS, DialectLimit, Selection, Target};
pub use crate::emit::{TenancyMode, TenancyOptions};
/// The migration planner and history, for tools that drive migrations
/// (a CLI, a benchmark): `plan`, `Diff`, `history`.
pub use crate::evolve;
/// The schema-review options (see [`Builder::with_lint_errors`]).
pub use crate::lint::LintOptions;
/// The schema model the planner and the emitters read.
pub use crate::model;
/// Where a diagnostic points.
pub use crate::model::Location;
/// The seed options of [`Builder::with_seed`].
pub use crate::seed::SeedOptions;
/// A database dialect ([`Builder::with_dialects`]).
pub use crate::types::Dialect;
pub use artifacts::{Artifacts, WARNINGS_PER_KIND};
pub use error::Error;
pub use writer::{CheckReport, WriteSummary};

/// The environment variable that turns [`Builder::run`] into a check: when
/// it is `1` or `true`, the build writes nothing and fails if the files in
/// the out dir differ from what the schema produces. CI sets it so that a
/// schema change committed without its regenerated files fails the build.
pub const CHECK_ENV: &str = "TABLEWRIGHT_CHECK";

/// Where [`Builder`] writes.
#[derive(Clone, Debug, Default)]
enum OutDir {
    /// `<crate dir>/generated`.
    #[default]
    Generated,
    /// A directory given by the user (relative to the crate dir).
    Path(PathBuf),
    /// `$OUT_DIR/tablewright`.
    CargoEnv,
}

/// Configures and runs one generation.
///
/// Relative paths given to the `with_*` directory options are taken relative
/// to the crate directory.
///
/// ```
/// use std::fs;
/// use tablewright_core::build::Builder;
///
/// // A tiny crate in a temporary directory.
/// let krate = std::env::temp_dir().join(format!("tw-builder-doc-{}", std::process::id()));
/// fs::create_dir_all(krate.join("src")).unwrap();
/// fs::write(
///     krate.join("src/lib.rs"),
///     "use tablewright::prelude::*;\n\
///      /// A person who can sign in.\n\
///      #[entity]\n\
///      pub struct User {\n    #[id]\n    pub id: Uuid,\n    pub email: String,\n}\n",
/// )
/// .unwrap();
///
/// let artifacts = Builder::new()
///     .with_crate_dir(&krate)
///     .with_out_dir("generated")
///     .generate()
///     .unwrap_or_else(|e| panic!("{e}"));
/// assert_eq!(artifacts.files_read(), [krate.join("src/lib.rs")]);
/// assert!(artifacts.get("migrations/postgres/0001_initial.up.sql").is_some());
/// assert_eq!(artifacts.cargo_directives()[0], format!("cargo::rerun-if-changed={}", krate.join("src/lib.rs").display()));
///
/// let first = artifacts.write().unwrap();
/// assert!(!first.written.is_empty());
/// // Writing the same schema again touches nothing.
/// let second = artifacts.write().unwrap();
/// assert!(second.written.is_empty());
/// assert_eq!(second.unchanged, first.written);
/// assert!(artifacts.check().unwrap().is_clean());
/// # fs::remove_dir_all(&krate).unwrap();
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a Builder does nothing until `generate()` or `run()`"]
pub struct Builder {
    crate_dir: Option<PathBuf>,
    src_dir: Option<PathBuf>,
    out_dir: OutDir,
    emit_options: EmitOptions,
    history: crate::evolve::history::Request,
}

impl Builder {
    /// A builder for the crate being built: crate dir `$CARGO_MANIFEST_DIR`,
    /// sources in `<crate>/src`, output in `<crate>/generated`.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Uses `dir` as the crate directory instead of `$CARGO_MANIFEST_DIR`.
    /// Diagnostics print paths relative to it.
    pub fn with_crate_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.crate_dir = Some(dir.into());
        self
    }

    /// Scans `dir` instead of `<crate>/src`.
    pub fn with_src_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.src_dir = Some(dir.into());
        self
    }

    /// Writes into `dir` instead of `<crate>/generated`.
    pub fn with_out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = OutDir::Path(dir.into());
        self
    }

    /// Writes into `$OUT_DIR/tablewright`, cargo's per-build directory, for
    /// crates that `include_str!` the artifacts rather than commit them.
    pub fn with_cargo_out_dir(mut self) -> Self {
        self.out_dir = OutDir::CargoEnv;
        self
    }

    /// Options for the emitters (the initial migration's name, ...).
    pub fn with_emit_options(mut self, options: EmitOptions) -> Self {
        self.emit_options = options;
        self
    }

    /// Row-level security settings: the application role, the session
    /// settings the policies read and the tenancy mode. The defaults
    /// (`app_user`, `app.tenant_id`, `app.user_id`) are the documented contract.
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// use tablewright_core::emit::TenancyOptions;
    /// let builder = Builder::new().with_tenancy(TenancyOptions { role: "web".into(), ..Default::default() });
    /// # drop(builder);
    /// ```
    pub fn with_tenancy(mut self, tenancy: crate::emit::TenancyOptions) -> Self {
        self.emit_options.tenancy = tenancy;
        self
    }

    /// What `generated/erd/` draws: only some entities (a subsystem) and/or
    /// no columns. The default draws every entity with its columns.
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// use tablewright_core::emit::ErdOptions;
    /// let builder = Builder::new().with_erd(ErdOptions::default().with_entities(["Task", "Label"]).hide_columns());
    /// # drop(builder);
    /// ```
    pub fn with_erd(mut self, erd: crate::emit::ErdOptions) -> Self {
        self.emit_options.erd = erd;
        self
    }

    /// What `generated/seed/` holds: row counts, the RNG seed and the fixed
    /// "now" (see [`crate::seed::SeedOptions`]; the default is 2 tenants with
    /// 4 rows per tenant-scoped table and 6 rows per other table, seed 42).
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// use tablewright_core::seed::SeedOptions;
    /// let builder = Builder::new().with_seed(SeedOptions::default().with_seed(7).with_counts(3, 10, 20));
    /// # drop(builder);
    /// ```
    pub fn with_seed(mut self, seed: crate::seed::SeedOptions) -> Self {
        self.emit_options.seed = seed;
        self
    }

    /// Makes the named schema-review rules (see [`crate::lint::RULES`]) fail
    /// the build instead of warning. An unknown name is an error too.
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// let builder = Builder::new().with_lint_errors(["unindexed_foreign_key", "float_money"]);
    /// # drop(builder);
    /// ```
    pub fn with_lint_errors<I, S>(mut self, rules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.emit_options.lint.errors.extend(rules.into_iter().map(Into::into));
        self
    }

    /// Records the draft of the next migration as step `name` of every
    /// history (what `TABLEWRIGHT_RECORD=<name>` does for [`Builder::run`]):
    /// refused, with every reason, while it drops data that is not
    /// [acknowledged](Builder::acknowledge); nothing happens when the
    /// schema equals the last recorded one.
    pub fn with_record(mut self, name: impl Into<String>) -> Self {
        self.history.record = Some(name.into());
        self
    }

    /// Plans every change as one migration, where a populated table would
    /// get a plan of several (expand, index, backfill, contract; see
    /// [`crate::evolve::phases`]): for tables known to be small. What
    /// `TABLEWRIGHT_ONE_STEP=1` does for [`Builder::run`]. The migration
    /// review warns about what such a migration locks or rewrites.
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// let builder = Builder::new().one_step_migrations();
    /// # drop(builder);
    /// ```
    pub fn one_step_migrations(mut self) -> Self {
        self.history.one_step = true;
        self
    }

    /// Allows changes that lose data in the migration being recorded, each
    /// named as the refusal names it: `drop table legacy_notes`, `drop column
    /// tasks.notes`, `narrow column tasks.title`, `remove enum value
    /// task_status.canceled`, `drop default tasks.priority`. Written in
    /// build.rs, so the acknowledgement is reviewed with the change; the
    /// migration's header repeats it. Remove it once the migration is
    /// recorded (a later recording warns about acknowledgements that match
    /// nothing).
    ///
    /// ```
    /// use tablewright_core::build::Builder;
    /// let builder = Builder::new().acknowledge(["drop column tasks.legacy_notes"]);
    /// # drop(builder);
    /// ```
    pub fn acknowledge<I, S>(mut self, changes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.history.acknowledged.extend(changes.into_iter().map(Into::into));
        self
    }

    /// Writes only these dialects: their migrations (and drafts), seed
    /// files and dialect files (`drizzle/schema.mysql.ts`,
    /// `postgres/rls.sql`), and only their warnings. The default is all
    /// three. A dialect left out writes nothing and is never mentioned:
    /// its files from an earlier build are removed like any file the build
    /// no longer writes (recorded migrations of a dialect added later are
    /// not regenerated: restore them from version control).
    ///
    /// ```
    /// use std::fs;
    /// use tablewright_core::build::{Builder, Dialect};
    ///
    /// let krate = std::env::temp_dir().join(format!("tw-dialects-doc-{}", std::process::id()));
    /// fs::create_dir_all(krate.join("src")).unwrap();
    /// fs::write(
    ///     krate.join("src/lib.rs"),
    ///     "use tablewright::prelude::*;\n\
    ///      #[entity]\n#[tenant]\n#[soft_delete]\npub struct Organization {\n    #[id]\n    pub id: Uuid,\n    #[unique]\n    pub slug: String,\n}\n",
    /// )
    /// .unwrap();
    ///
    /// let artifacts = Builder::new().with_crate_dir(&krate).with_dialects([Dialect::Postgres]).generate().unwrap();
    /// assert!(artifacts.get("migrations/postgres/0001_initial.up.sql").is_some());
    /// assert!(artifacts.get("postgres/rls.sql").is_some());
    /// let paths: Vec<String> = artifacts.artifacts().iter().map(|a| a.path.display().to_string()).collect();
    /// assert!(!paths.iter().any(|p| p.contains("mysql") || p.contains("sqlite")), "{paths:?}");
    /// // No word about MySQL's partial indexes or SQLite's row-level security.
    /// assert!(artifacts.diagnostics().iter().all(|d| d.dialects.is_empty()), "{:?}", artifacts.diagnostics());
    /// # fs::remove_dir_all(&krate).unwrap();
    /// ```
    pub fn with_dialects(mut self, dialects: impl IntoIterator<Item = Dialect>) -> Self {
        let mut dialects: Vec<Dialect> = dialects.into_iter().collect();
        dialects.sort();
        dialects.dedup();
        self.emit_options.selection.dialects = dialects;
        self
    }

    /// Writes only these ecosystem targets (see [`Target`]); the default is
    /// every one. The migrations of the selected dialects, the schema
    /// snapshot, the row-level-security files and the schema review are
    /// always written.
    ///
    /// ```
    /// use std::fs;
    /// use tablewright_core::build::{Builder, Dialect, Target};
    ///
    /// let krate = std::env::temp_dir().join(format!("tw-targets-doc-{}", std::process::id()));
    /// fs::create_dir_all(krate.join("src")).unwrap();
    /// fs::write(krate.join("src/lib.rs"), "use tablewright::prelude::*;\n#[entity]\npub struct Note {\n    #[id]\n    pub id: Uuid,\n}\n").unwrap();
    ///
    /// // A PostgreSQL service with a Prisma client and TypeScript types only.
    /// let artifacts = Builder::new()
    ///     .with_crate_dir(&krate)
    ///     .with_dialects([Dialect::Postgres])
    ///     .with_targets([Target::Prisma, Target::Types])
    ///     .generate()
    ///     .unwrap();
    /// assert!(artifacts.get("prisma/schema.prisma").is_some() && artifacts.get("types/schema.ts").is_some());
    /// assert!(artifacts.artifacts().iter().all(|a| !a.path.starts_with("drizzle") && !a.path.starts_with("alembic")));
    /// # fs::remove_dir_all(&krate).unwrap();
    /// ```
    pub fn with_targets(mut self, targets: impl IntoIterator<Item = Target>) -> Self {
        let mut targets: Vec<Target> = targets.into_iter().collect();
        targets.sort();
        targets.dedup();
        self.emit_options.selection.targets = targets;
        self
    }

    /// Accepts dialect limits the project knows about (codes of
    /// [`DIALECT_LIMITS`], the names the warnings end with:
    /// `mysql_partial_index`, `no_row_level_security`, ...): their warnings
    /// are no longer printed, while the migrations stay as they are. An
    /// unknown name fails the build with the list of valid ones.
    ///
    /// ```
    /// use std::fs;
    /// use tablewright_core::build::Builder;
    ///
    /// let krate = std::env::temp_dir().join(format!("tw-limits-doc-{}", std::process::id()));
    /// fs::create_dir_all(krate.join("src")).unwrap();
    /// fs::write(
    ///     krate.join("src/lib.rs"),
    ///     "use tablewright::prelude::*;\n#[entity]\n#[soft_delete]\npub struct Tag {\n    #[id]\n    pub id: Uuid,\n    #[unique]\n    #[column(max_len = 40)]\n    pub name: String,\n}\n",
    /// )
    /// .unwrap();
    /// let codes = |builder: Builder| -> Vec<&'static str> {
    ///     builder.with_crate_dir(&krate).generate().unwrap().diagnostics().iter().filter_map(|d| d.code).collect()
    /// };
    /// assert!(codes(Builder::new()).contains(&"mysql_partial_index"));
    /// // Soft-deleted rows keep their unique values on MySQL: known and accepted.
    /// assert!(!codes(Builder::new().accept_dialect_limits(["mysql_partial_index"])).contains(&"mysql_partial_index"));
    /// # fs::remove_dir_all(&krate).unwrap();
    /// ```
    pub fn accept_dialect_limits<I, S>(mut self, limits: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.emit_options.selection.accepted_limits.extend(limits.into_iter().map(Into::into));
        self
    }

    /// Makes [`Builder::generate`] a check, as `TABLEWRIGHT_CHECK=1` makes
    /// [`Builder::run`] one: a schema change without its recorded migration
    /// (a pending draft) is an error. Compare the result with
    /// [`Artifacts::check`].
    pub fn check_only(mut self) -> Self {
        self.history.check = true;
        self
    }

    /// The emitters' options, `tablewright.toml` included: what tools that
    /// plan migrations outside a build need (the roles the policies name).
    pub fn resolved_emit_options(&self) -> Result<EmitOptions, Error> {
        Ok(self.resolve()?.1)
    }

    /// The directory this builder writes to, `tablewright.toml` included:
    /// where tools find the migrations.
    pub fn resolved_out_dir(&self) -> Result<PathBuf, Error> {
        Ok(self.resolve()?.0.out_dir)
    }

    /// Scans the sources, applies the transforms, runs every emitter and
    /// returns the artifacts in memory ([`pipeline::generate`]).
    ///
    /// Fails with [`Error::Diagnostics`] (every diagnostic, errors first)
    /// when the schema has errors, and with [`Error::Io`] when the sources
    /// cannot be read.
    pub fn generate(self) -> Result<Artifacts, Error> {
        let (input, options) = self.resolve()?;
        pipeline::generate(&input, &options)
    }

    /// The whole build script ([`pipeline::run`]): generates, prints the
    /// cargo directives and writes the artifacts (or, with
    /// `TABLEWRIGHT_CHECK=1`, see [`CHECK_ENV`], checks them without
    /// writing).
    ///
    /// Under cargo (`OUT_DIR` set) it keeps a [`stamp`] of each successful
    /// run in `OUT_DIR`: when the sources, the scanned schema, the options,
    /// the generator and the generated files are all as that run left them,
    /// it stops after reading (or scanning) the sources, writes nothing and
    /// prints one summary line.
    ///
    /// The console shows the first few warnings of each kind (each review
    /// rule, each dialect limitation) and counts the rest; `review.md` has
    /// every review finding.
    ///
    /// With `TABLEWRIGHT_TIMINGS=1` ([`crate::timings`]) it generates in full
    /// (the stamp is neither read nor written) and prints, as cargo warnings,
    /// one `tablewright timing: <stage> <ms>` line per stage and emitter.
    ///
    /// On failure prints every diagnostic as `path:line:col: error: message`
    /// (with its `help:` line) to stderr and exits with status 1, which
    /// fails the build.
    pub fn run(mut self) {
        println!("cargo::rerun-if-env-changed={CHECK_ENV}");
        println!("cargo::rerun-if-env-changed={}", crate::evolve::history::RECORD_ENV);
        let check_only = env::var(CHECK_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let mode = if check_only { pipeline::Mode::Check } else { pipeline::Mode::Write };
        self.history.check = check_only;
        if let Some(name) = env::var(crate::evolve::history::RECORD_ENV).ok().filter(|n| !n.trim().is_empty()) {
            self.history.record = Some(name.trim().to_string());
        }
        println!("cargo::rerun-if-env-changed={}", crate::evolve::history::ONE_STEP_ENV);
        if env::var(crate::evolve::history::ONE_STEP_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true")) {
            self.history.one_step = true;
        }
        println!("cargo::rerun-if-env-changed={}", crate::timings::TIMINGS_ENV);
        let timed = env::var(crate::timings::TIMINGS_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let started = std::time::Instant::now();
        if timed {
            crate::timings::enable();
        }
        // A timed run generates in full: the stamp would stop it after reading.
        let stamp = env::var_os("OUT_DIR").filter(|_| !timed).map(|dir| PathBuf::from(dir).join(stamp::STAMP_FILE));
        let result = self.resolve().and_then(|(input, options)| {
            let config = input.crate_dir.join(config::CONFIG_FILE);
            if config.is_file() {
                println!("cargo::rerun-if-changed={}", config.display());
            }
            let outcome = pipeline::run(&input, &options, mode, stamp.as_deref())?;
            Ok((input, outcome))
        });
        if timed {
            crate::timings::record("total", started);
            for line in crate::timings::lines(&crate::timings::take()) {
                println!("cargo::warning={line}");
            }
        }
        match result {
            Ok((_, pipeline::Outcome::Generated(artifacts))) => {
                artifacts.emit_cargo_directives();
                for message in &artifacts.history().messages {
                    println!("cargo::warning=tablewright: {message}");
                }
            }
            Ok((input, pipeline::Outcome::Unchanged { files_read, tables, warnings })) => {
                for file in &files_read {
                    println!("cargo::rerun-if-changed={}", file.display());
                }
                // One line, shown by cargo only when there is something to remember.
                let review = input.out_dir.join(crate::emit::review::REVIEW_PATH);
                let review = review.strip_prefix(&input.crate_dir).unwrap_or(&review);
                let line = format!(
                    "tablewright: {tables} tables unchanged since the last generation, nothing regenerated; \
                     it reported {warnings} warning{} (review findings: {})",
                    if warnings == 1 { "" } else { "s" },
                    review.display()
                );
                if warnings > 0 {
                    println!("cargo::warning={line}");
                } else {
                    println!("{line}");
                }
            }
            Err(error) => {
                eprintln!("{error}");
                if let Error::Diagnostics(diagnostics) = &error {
                    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                    eprintln!(
                        "tablewright: the schema has {errors} error{}; no files were written",
                        if errors == 1 { "" } else { "s" }
                    );
                }
                std::process::exit(1);
            }
        }
    }

    /// The directories and options of this build: the builder's, completed
    /// by `tablewright.toml` when the crate has one ([`config`]).
    fn resolve(&self) -> Result<(pipeline::Input, EmitOptions), Error> {
        let crate_dir = self.crate_dir()?;
        let mut builder = self.clone();
        if let Some(file) = config::Config::load(&crate_dir)? {
            file.apply(&crate_dir.join(config::CONFIG_FILE), &mut builder.emit_options, &mut builder.history)?;
            if builder.src_dir.is_none() {
                builder.src_dir = file.src_dir.clone();
            }
            if let (OutDir::Generated, Some(dir)) = (&builder.out_dir, &file.out_dir) {
                builder.out_dir = OutDir::Path(dir.clone());
            }
        }
        Ok((builder.input(crate_dir)?, builder.emit_options))
    }

    /// The directories of this build.
    fn input(&self, crate_dir: PathBuf) -> Result<pipeline::Input, Error> {
        let src_dir = resolve(&crate_dir, self.src_dir.as_deref(), "src");
        let out_dir = match &self.out_dir {
            OutDir::Generated => crate_dir.join("generated"),
            OutDir::Path(dir) => resolve(&crate_dir, Some(dir), ""),
            OutDir::CargoEnv => {
                let out = env::var_os("OUT_DIR").ok_or(Error::MissingEnv {
                    var: "OUT_DIR",
                    help: "`with_out_dir(path)` instead of `with_cargo_out_dir()`",
                })?;
                PathBuf::from(out).join("tablewright")
            }
        };
        Ok(pipeline::Input { crate_dir, src_dir, out_dir, history: self.history.clone() })
    }

    fn crate_dir(&self) -> Result<PathBuf, Error> {
        let dir = match &self.crate_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(
                env::var_os("CARGO_MANIFEST_DIR")
                    .ok_or(Error::MissingEnv { var: "CARGO_MANIFEST_DIR", help: "`with_crate_dir(path)`" })?,
            ),
        };
        if dir.is_absolute() {
            return Ok(dir);
        }
        let cwd = env::current_dir().map_err(|e| Error::io(".", e))?;
        Ok(cwd.join(dir))
    }
}

/// `dir` relative to the crate dir, or `<crate>/<default>`.
fn resolve(crate_dir: &Path, dir: Option<&Path>, default: &str) -> PathBuf {
    match dir {
        Some(dir) => crate_dir.join(dir),
        None => crate_dir.join(default),
    }
}

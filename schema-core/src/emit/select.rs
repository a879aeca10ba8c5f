//! What a build generates: the dialects, the ecosystem targets, and the
//! dialect limits a project has accepted ([`Selection`], set through
//! `Builder::with_dialects`, `Builder::with_targets` and
//! `Builder::accept_dialect_limits`).
//!
//! Every emitter still sees the whole schema: the selection decides which
//! emitters run, which artifacts reach the disk ([`Selection::generates`],
//! applied to the emitters' files and to every history's recorded files
//! alike) and which warnings reach the console ([`Selection::keeps`]). A
//! PostgreSQL-only project writes no MySQL or SQLite file and hears nothing
//! about those databases.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::Location;
use crate::types::Dialect;

/// An ecosystem target a build may leave out. The migrations of the
/// selected dialects, the schema snapshot, the row-level-security files
/// (with PostgreSQL) and the schema review are always written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// `types/`: TypeScript, Pydantic and dataclasses.
    Types,
    /// `prisma/`: the Prisma schema, its migrations folder and client extension.
    Prisma,
    /// `drizzle/`: Drizzle tables, drizzle-kit's migrations and the tenant helper.
    Drizzle,
    /// `typeorm/`: TypeORM entities, migration classes and the tenant helper.
    TypeOrm,
    /// `alembic/` and `alembic.ini`: SQLAlchemy models, Alembic revisions and the tenant session.
    Alembic,
    /// `erd/`: the Mermaid and SVG diagrams.
    Erd,
    /// `seed/`: the seed data of each selected dialect.
    Seed,
}

impl Target {
    /// Every target, in the order the build writes them.
    pub const ALL: [Target; 7] =
        [Target::Types, Target::Prisma, Target::Drizzle, Target::TypeOrm, Target::Alembic, Target::Erd, Target::Seed];

    /// The folder the target writes under `generated/`: `prisma`, `typeorm`.
    pub fn dir_name(self) -> &'static str {
        match self {
            Target::Types => "types",
            Target::Prisma => "prisma",
            Target::Drizzle => "drizzle",
            Target::TypeOrm => "typeorm",
            Target::Alembic => "alembic",
            Target::Erd => "erd",
            Target::Seed => "seed",
        }
    }

    /// The target an artifact path belongs to (`alembic.ini` is Alembic's);
    /// `None` for the files every build writes.
    pub fn of_path(path: &Path) -> Option<Target> {
        let first = path.components().next()?.as_os_str().to_str()?;
        let first = if first == "alembic.ini" { "alembic" } else { first };
        Target::ALL.into_iter().find(|t| t.dir_name() == first)
    }

    /// The target an emitter writes ([`super::Emitter::name`]).
    fn of_emitter(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.dir_name() == name)
    }
}

/// A limit of one or more dialects that the build reports as a warning,
/// which a project may accept once (`Builder::accept_dialect_limits`)
/// instead of reading it on every build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DialectLimit {
    /// The name the warnings carry (`... and 2 more [mysql_partial_index]`).
    pub code: &'static str,
    /// The dialects that have the limit.
    pub dialects: &'static [Dialect],
    /// What the database does instead.
    pub what: &'static str,
}

/// Every dialect limit the build reports.
pub const DIALECT_LIMITS: &[DialectLimit] = &[
    DialectLimit {
        code: "no_row_level_security",
        dialects: &[Dialect::Mysql, Dialect::Sqlite],
        what: "no row-level security: tenant isolation is the application's (same-tenant keys still hold)",
    },
    DialectLimit {
        code: "mysql_partial_index",
        dialects: &[Dialect::Mysql],
        what: "no partial indexes: a partial index covers every row",
    },
    DialectLimit {
        code: "mysql_no_covering_index",
        dialects: &[Dialect::Mysql],
        what: "no covering indexes: include(...) columns are left out",
    },
    DialectLimit {
        code: "mysql_comment_cut",
        dialects: &[Dialect::Mysql],
        what: "comments are cut at MySQL's length limit",
    },
    DialectLimit {
        code: "sqlite_no_covering_index",
        dialects: &[Dialect::Sqlite],
        what: "no covering indexes: include(...) columns are left out",
    },
    DialectLimit {
        code: "sqlite_key_not_generated",
        dialects: &[Dialect::Sqlite],
        what: "only a single INTEGER primary key is generated",
    },
];

/// The dialect limit named `code`.
pub fn dialect_limit(code: &str) -> Option<&'static DialectLimit> {
    DIALECT_LIMITS.iter().find(|l| l.code == code)
}

/// What a build generates (see the module documentation). The default is
/// everything: every dialect, every target, no limit accepted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selection {
    /// The dialects whose migrations, seed files and dialect files are written.
    pub dialects: Vec<Dialect>,
    /// The ecosystem targets written.
    pub targets: Vec<Target>,
    /// Codes of [`DIALECT_LIMITS`] whose warnings the project has accepted.
    pub accepted_limits: Vec<String>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection { dialects: Dialect::ALL.to_vec(), targets: Target::ALL.to_vec(), accepted_limits: Vec::new() }
    }
}

impl Selection {
    /// Whether `dialect` is generated.
    pub fn has_dialect(&self, dialect: Dialect) -> bool {
        self.dialects.contains(&dialect)
    }

    /// Whether `target` is generated.
    pub fn has_target(&self, target: Target) -> bool {
        self.targets.contains(&target)
    }

    /// Whether the emitter named `emitter` runs: a target's emitter only
    /// when the target is selected. The others always run (the RLS emitter
    /// also warns about the dialects without row-level security); their
    /// files of dialects not selected are dropped by [`Selection::generates`].
    pub fn runs(&self, emitter: &str) -> bool {
        Target::of_emitter(emitter).is_none_or(|target| self.has_target(target))
    }

    /// Whether an artifact at `path` (relative to the out dir) is written:
    /// its target is selected, and so is its dialect when it has one
    /// (`migrations/mysql/...`, `migrations/draft/sqlite.up.sql`,
    /// `seed/seed.mysql.sql`, `drizzle/schema.sqlite.ts`, `postgres/rls.sql`).
    ///
    /// ```
    /// use std::path::Path;
    /// use tablewright_core::emit::Selection;
    /// use tablewright_core::types::Dialect;
    /// let postgres_only = Selection { dialects: vec![Dialect::Postgres], ..Selection::default() };
    /// assert!(postgres_only.generates(Path::new("migrations/postgres/0001_initial.up.sql")));
    /// assert!(!postgres_only.generates(Path::new("migrations/mysql/0001_initial.up.sql")));
    /// assert!(!postgres_only.generates(Path::new("migrations/draft/1_expand.sqlite.down.sql")));
    /// assert!(!postgres_only.generates(Path::new("drizzle/schema.mysql.ts")));
    /// assert!(postgres_only.generates(Path::new("drizzle/schema.ts")));
    /// ```
    pub fn generates(&self, path: &Path) -> bool {
        Target::of_path(path).is_none_or(|t| self.has_target(t))
            && path_dialect(path).is_none_or(|d| self.has_dialect(d))
    }

    /// Whether a diagnostic reaches the console: not when it is about
    /// dialects none of which is generated, nor when its limit is accepted.
    pub fn keeps(&self, diagnostic: &Diagnostic) -> bool {
        if diagnostic.is_error() {
            return true;
        }
        let accepted = diagnostic.code.is_some_and(|c| self.accepted_limits.iter().any(|a| a == c));
        let about_generated =
            diagnostic.dialects.is_empty() || diagnostic.dialects.iter().any(|d| self.has_dialect(*d));
        about_generated && !accepted
    }

    /// SQL in the schema that exists on none of the generated dialects
    /// (a PostgreSQL-only function in a MySQL-only build) is an error, not
    /// a warning: every migration of the build would fail on it.
    pub fn escalate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            let nowhere = d.code == Some("dialect_only_sql")
                && !d.dialects.is_empty()
                && self.dialects.iter().all(|selected| d.dialects.contains(selected));
            if nowhere && !d.is_error() {
                let names: Vec<&str> = self.dialects.iter().map(|d| d.dir_name()).collect();
                d.severity = crate::diagnostics::Severity::Error;
                d.message = format!("{}, and this build generates only {}", d.message, names.join(", "));
                d.help = Some(
                    "write SQL every generated dialect has, or generate a dialect that has this function                      (`with_dialects`, or `dialects` in tablewright.toml)"
                        .to_string(),
                );
            }
        }
    }

    /// The selected dialects among `dialects`, in [`Dialect::ALL`] order.
    pub fn among(&self, dialects: &[Dialect]) -> Vec<Dialect> {
        Dialect::ALL.into_iter().filter(|d| dialects.contains(d) && self.has_dialect(*d)).collect()
    }

    /// Errors in the selection itself, located at `location` (the build
    /// script): no dialect, or an accepted limit that is not one.
    pub fn check(&self, location: &Location) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.dialects.is_empty() {
            out.push(
                Diagnostic::error(location, "`with_dialects` selects no dialect: a build writes at least one")
                    .with_help("e.g. `Builder::new().with_dialects([Dialect::Postgres])`"),
            );
        }
        for name in self.accepted_limits.iter().filter(|n| dialect_limit(n).is_none()) {
            out.push(
                Diagnostic::error(location, format!("`{name}` in `accept_dialect_limits` is not a dialect limit"))
                    .with_help(format!(
                        "valid limits are {}",
                        DIALECT_LIMITS.iter().map(|l| format!("`{}`", l.code)).collect::<Vec<_>>().join(", ")
                    )),
            );
        }
        out
    }
}

/// The dialect an artifact path is about, if any.
fn path_dialect(path: &Path) -> Option<Dialect> {
    let text = path.to_string_lossy().replace('\\', "/");
    let (dir, file) = text.rsplit_once('/').unwrap_or(("", &text));
    Dialect::ALL.into_iter().find(|d| {
        let name = d.dir_name();
        // `migrations/mysql/...`, `postgres/rls.sql`.
        let in_folder = text.starts_with(&format!("migrations/{name}/")) || text.starts_with(&format!("{name}/"));
        // `seed/seed.mysql.sql`, `drizzle/schema.sqlite.ts`, `migrations/draft/1_expand.mysql.up.sql`.
        let in_name =
            matches!(dir, "seed" | "drizzle" | "migrations/draft") && file.split('.').any(|part| part == name);
        in_folder || in_name
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_their_dialect_and_target() {
        let cases = [
            ("migrations/sqlite/0002_add.down.sql", None, Some(Dialect::Sqlite)),
            ("migrations/draft/postgres.up.sql", None, Some(Dialect::Postgres)),
            ("migrations/draft/README.md", None, None),
            ("migrations/schema.snapshot.json", None, None),
            ("seed/seed.postgres.sql", Some(Target::Seed), Some(Dialect::Postgres)),
            ("postgres/rls_test.sql", None, Some(Dialect::Postgres)),
            ("drizzle/schema.ts", Some(Target::Drizzle), None),
            ("alembic.ini", Some(Target::Alembic), None),
            ("typeorm/entities/task.ts", Some(Target::TypeOrm), None),
            ("review.md", None, None),
        ];
        for (path, target, dialect) in cases {
            assert_eq!(Target::of_path(Path::new(path)), target, "{path}");
            assert_eq!(path_dialect(Path::new(path)), dialect, "{path}");
        }
    }

    #[test]
    fn diagnostics_about_other_dialects_or_accepted_limits_are_dropped() {
        let at = Location { file: "src/schema.rs".into(), line: 1, column: 1 };
        let mysql = Diagnostic::warning(&at, "no partial index").with_code("mysql_partial_index");
        let mysql = mysql.with_dialects([Dialect::Mysql]);
        let general = Diagnostic::warning(&at, "no timestamps").with_code("missing_timestamps");
        let postgres_only = Selection { dialects: vec![Dialect::Postgres], ..Selection::default() };
        assert!(!postgres_only.keeps(&mysql));
        assert!(postgres_only.keeps(&general));
        let accepted = Selection { accepted_limits: vec!["mysql_partial_index".into()], ..Selection::default() };
        assert!(!accepted.keeps(&mysql));
        assert!(Selection::default().keeps(&mysql));
        assert!(accepted.check(&at).is_empty());
        let typo = Selection { accepted_limits: vec!["mysql_partial_indexes".into()], ..Selection::default() };
        assert_eq!(typo.check(&at).len(), 1);
        assert!(typo.check(&at)[0].help.as_deref().unwrap().contains("`mysql_partial_index`"));
    }
}

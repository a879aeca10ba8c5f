//! Choosing what a build generates: a PostgreSQL-only build of the showcase
//! writes no MySQL or SQLite file and prints no word about those databases;
//! targets left out write nothing; a dialect limit accepted once is no
//! longer printed; a mistake in the selection fails the build at build.rs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use tablewright::build::{Artifacts, Builder, Dialect, Target};

/// A scratch copy of the showcase (sources and its recorded history).
fn showcase_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    common::tools::copy_dir(&common::tools::root().join("src"), &dir.path().join("src"));
    common::tools::copy_dir(&common::tools::root().join("generated"), &dir.path().join("generated"));
    dir
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// What the build script would print as warnings.
fn warnings(artifacts: &Artifacts) -> Vec<String> {
    artifacts.cargo_directives().into_iter().filter(|l| l.starts_with("cargo::warning=")).collect()
}

fn mentions_other_dialects(line: &str) -> bool {
    ["MySQL", "MariaDB", "SQLite", "mysql", "sqlite"].iter().any(|w| line.contains(w))
}

#[test]
fn a_postgres_only_build_writes_and_says_nothing_about_mysql_or_sqlite() {
    let krate = showcase_copy();
    let everything = Builder::new().with_crate_dir(krate.path()).generate().unwrap_or_else(|e| panic!("{e}"));
    // The control: the same schema with every dialect does warn about them.
    assert!(warnings(&everything).iter().any(|l| mentions_other_dialects(l)), "{:#?}", warnings(&everything));

    let postgres = Builder::new()
        .with_crate_dir(krate.path())
        .with_dialects([Dialect::Postgres])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let lines = warnings(&postgres);
    assert!(!lines.iter().any(|l| mentions_other_dialects(l)), "{lines:#?}");
    let paths: Vec<String> = postgres.artifacts().iter().map(|a| a.path.display().to_string()).collect();
    assert!(!paths.iter().any(|p| p.contains("mysql") || p.contains("sqlite")), "{paths:#?}");
    for kept in
        ["migrations/postgres/0001_initial.up.sql", "postgres/rls.sql", "seed/seed.postgres.sql", "drizzle/schema.ts"]
    {
        assert!(postgres.get(kept).is_some(), "{kept} is missing");
    }
    // The PostgreSQL files are the same bytes as in a build of every dialect.
    for artifact in postgres.artifacts() {
        let same = everything.get(&artifact.path).unwrap_or_else(|| panic!("{} is new", artifact.path.display()));
        assert!(same.contents == artifact.contents, "{} differs", artifact.path.display());
    }

    // On disk: the files of the dialects left out go (the writer owned
    // them), the rest stays, and the next build reads its history back.
    postgres.write().unwrap();
    let on_disk = files_under(&krate.path().join("generated"));
    let strays: Vec<_> = on_disk
        .iter()
        .filter(|p| p.to_string_lossy().contains("mysql") || p.to_string_lossy().contains("sqlite"))
        .collect();
    assert!(strays.is_empty(), "{strays:#?}");
    let again = Builder::new()
        .with_crate_dir(krate.path())
        .with_dialects([Dialect::Postgres])
        .generate()
        .unwrap_or_else(|e| panic!("the history reads back without the MySQL and SQLite files: {e}"));
    assert!(again.check().unwrap().is_clean());
}

#[test]
fn targets_left_out_write_nothing() {
    let krate = showcase_copy();
    let artifacts = Builder::new()
        .with_crate_dir(krate.path())
        .with_targets([Target::Prisma])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let tops: std::collections::BTreeSet<String> = artifacts
        .artifacts()
        .iter()
        .map(|a| a.path.components().next().unwrap().as_os_str().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tops.into_iter().collect::<Vec<_>>(), ["migrations", "postgres", "prisma", "review.md"]);
    assert!(artifacts.get("prisma/migrations/00000000000001_initial/migration.sql").is_some());
}

#[test]
fn an_accepted_dialect_limit_is_not_printed_again() {
    let krate = showcase_copy();
    let limits =
        ["no_row_level_security", "mysql_partial_index", "mysql_no_covering_index", "sqlite_no_covering_index"];
    let before = Builder::new().with_crate_dir(krate.path()).generate().unwrap_or_else(|e| panic!("{e}"));
    let lines = warnings(&before);
    for code in limits {
        assert!(
            before.diagnostics().iter().any(|d| d.code == Some(code)),
            "the showcase has no `{code}` warning to accept: {lines:#?}"
        );
    }
    // The console says how to accept them.
    assert!(lines.iter().any(|l| l.contains("accept_dialect_limits([\"no_row_level_security\"")), "{lines:#?}");

    // One accepted: that kind is gone, the others stay.
    let one = Builder::new()
        .with_crate_dir(krate.path())
        .accept_dialect_limits(["mysql_partial_index"])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!one.diagnostics().iter().any(|d| d.code == Some("mysql_partial_index")));
    assert!(one.diagnostics().iter().any(|d| d.code == Some("no_row_level_security")));

    // All of them (what the showcase's build.rs says): not a word about
    // either database, and the migrations are the same bytes.
    let all = Builder::new()
        .with_crate_dir(krate.path())
        .accept_dialect_limits(limits)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let lines = warnings(&all);
    assert!(!lines.iter().any(|l| mentions_other_dialects(l)), "{lines:#?}");
    assert_eq!(before.artifacts(), all.artifacts());
}

#[test]
fn a_mistaken_selection_fails_at_the_build_script() {
    let krate = showcase_copy();
    let errors = |builder: Builder| match builder.with_crate_dir(krate.path()).generate() {
        Err(tablewright::build::Error::Diagnostics(d)) => d.iter().map(ToString::to_string).collect::<Vec<_>>(),
        other => panic!("expected errors, got {other:?}"),
    };
    let typo = errors(Builder::new().accept_dialect_limits(["mysql_partial_indexes"]));
    assert_eq!(typo.len(), 1, "{typo:#?}");
    assert!(
        typo[0].starts_with("build.rs:1:1: error: `mysql_partial_indexes` in `accept_dialect_limits` is not a dialect limit\n  help: valid limits are `no_row_level_security`, `mysql_partial_index`"),
        "{}",
        typo[0]
    );
    let none = errors(Builder::new().with_dialects(Vec::<Dialect>::new()));
    assert_eq!(
        none,
        [
            "build.rs:1:1: error: `with_dialects` selects no dialect: a build writes at least one\n  help: e.g. `Builder::new().with_dialects([Dialect::Postgres])`"
        ]
    );
}

/// The docs' table of dialect limits names every limit the build accepts.
#[test]
fn the_docs_list_every_dialect_limit() {
    let readme = common::tools::read(&common::tools::root().join("docs/generated.md"));
    for limit in tablewright::build::DIALECT_LIMITS {
        assert!(readme.contains(&format!("| `{}` |", limit.code)), "docs/generated.md does not list `{}`", limit.code);
    }
}

/// Everything the builder's methods take and return is named by the
/// facade's `tablewright::build`, so a build script needs no other crate.
#[test]
fn the_facade_names_what_the_builder_takes_and_returns() {
    use tablewright::build::{
        Artifact, Diagnostic, EmitOptions, ErdOptions, LintOptions, Location, SeedOptions, Severity, TenancyOptions,
        WriteSummary,
    };
    let options = EmitOptions { lint: LintOptions::default(), ..EmitOptions::default() };
    let krate = showcase_copy();
    let artifacts = Builder::new()
        .with_crate_dir(krate.path())
        .with_emit_options(options)
        .with_seed(SeedOptions::default().with_seed(7))
        .with_erd(ErdOptions::default().hide_columns())
        .with_tenancy(TenancyOptions::default())
        .with_dialects([Dialect::Sqlite])
        .with_targets([Target::Seed])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let seed: &Artifact = artifacts.get("seed/seed.sqlite.sql").expect("the SQLite seed");
    assert!(!seed.contents.is_empty());
    let warnings: Vec<&Diagnostic> =
        artifacts.diagnostics().iter().filter(|d| d.severity == Severity::Warning).collect();
    let _: Vec<&Location> = warnings.iter().map(|d| &d.location).collect();
    let out = tempfile::tempdir().unwrap();
    let summary: WriteSummary = Builder::new()
        .with_crate_dir(krate.path())
        .with_out_dir(out.path())
        .with_targets(Vec::<Target>::new())
        .generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .write()
        .unwrap();
    assert!(summary.written.iter().all(|p| Target::of_path(p).is_none()), "{:?}", summary.written);
}

/// SQL that exists on only some dialects warns about the others; a build
/// that generates none of the dialects that have it fails, at the attribute.
#[test]
fn a_dialect_only_function_is_an_error_when_no_generated_dialect_has_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(
        dir.path().join("src/lib.rs"),
        "use tablewright::prelude::*;\n#[entity]\npub struct Slot {\n    #[id]\n    pub id: Uuid,\n    \
         #[column(check = \"date_trunc('day', starts_at) = starts_at\")]\n    pub starts_at: DateTime<Utc>,\n}\n",
    )
    .unwrap();
    let build =
        |dialects: &[Dialect]| Builder::new().with_crate_dir(dir.path()).with_dialects(dialects.to_vec()).generate();
    let everywhere = build(&Dialect::ALL).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        warnings(&everywhere).iter().any(|l| l.contains("`date_trunc` exists only on PostgreSQL")),
        "{:#?}",
        warnings(&everywhere)
    );
    let postgres = build(&[Dialect::Postgres]).unwrap_or_else(|e| panic!("{e}"));
    assert!(!warnings(&postgres).iter().any(|l| l.contains("exists only on")), "{:#?}", warnings(&postgres));
    let Err(error) = build(&[Dialect::Mysql, Dialect::Sqlite]) else { panic!("no generated dialect has date_trunc") };
    let error = error.to_string();
    assert!(
        error.contains("src/lib.rs:6:22: error:") && error.contains("and this build generates only mysql, sqlite"),
        "{error}"
    );
}

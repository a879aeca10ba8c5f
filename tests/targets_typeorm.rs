//! The TypeORM target (`generated/typeorm/`), checked by TypeScript and by
//! TypeORM itself, for the showcase and every example (and, on the database,
//! the reserved-words fixture `tests/fixtures/reserved`):
//!
//! - `tsc --strict --noEmit` with `experimentalDecorators` and
//!   `emitDecoratorMetadata` accepts the entities, the enums and the
//!   migration class (and rejects a copy with a relation's inverse misnamed);
//! - on a fresh PostgreSQL database, TypeORM runs our migration class
//!   (`runMigrations`), and then its schema builder's `log()`, the SQL
//!   `synchronize` would run and `migration:generate` would write, is
//!   empty: TypeORM wants no change, with TypeORM's own comparison (no
//!   normalization added); the same database without the step that respells
//!   `CURRENT_TIMESTAMP` defaults as `now()` is a change to TypeORM;
//! - `undoLastMigration` leaves nothing of ours behind, and after running the
//!   migration again the database's pg_dump equals that of a database where
//!   our `migrations/postgres` SQL was applied directly (TypeORM's own
//!   `migrations` bookkeeping table dropped first);
//! - TypeORM's own CLI, `typeorm migration:generate` with a data source
//!   over the compiled entities (`tests/typeorm/datasource.cjs`), finds no
//!   change on that database and writes no file;
//! - a copy of the entities with one changed length makes `log()` non-empty
//!   and `migration:generate` write a migration;
//! - showcase rows go in and come back through the entities (`smoke.cjs`).
//!
//! The compiled JavaScript runs from a temporary directory with
//! `NODE_PATH=tools/node/node_modules`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, copy_dir, generate_fixture, node_bin, node_dir, postgres_up_sql, root, run};
use common::{Database, PgDatabase, crate_dirs, diff_lines};

/// What `tests/typeorm/check.cjs` reports.
#[derive(Debug, Default)]
struct Report {
    ran: Vec<String>,
    reverted: Vec<String>,
    leftovers: Vec<String>,
    pending: Vec<String>,
}

fn strings(value: &serde_json::Value, key: &str) -> Vec<String> {
    value[key].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Writes a tsconfig for `typeorm_dir` (a `generated/typeorm`) into `work`
/// and runs tsc: `--noEmit` to type-check only, or compiling to
/// `work/out` (CommonJS, what TypeORM's decorators are simplest with).
fn tsc(typeorm_dir: &Path, work: &Path, emit: bool) -> Result<PathBuf, String> {
    let modules = node_dir().join("node_modules");
    let out = work.join("out");
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true,
            "target": "ES2021",
            "module": "commonjs",
            "moduleResolution": "node10",
            "experimentalDecorators": true,
            "emitDecoratorMetadata": true,
            "skipLibCheck": true,
            "noEmitOnError": true,
            "rootDir": typeorm_dir,
            "outDir": out,
            "typeRoots": [modules.join("@types")],
            "types": ["node"],
            // generated/ has no node_modules of its own: resolve `typeorm` from tools/node.
            "paths": { "*": [format!("{}/*", modules.display())] },
        },
        "include": [format!("{}/**/*.ts", typeorm_dir.display())],
    });
    let tsconfig = work.join("tsconfig.json");
    fs::write(&tsconfig, serde_json::to_string_pretty(&config).expect("json")).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.arg("-p").arg(&tsconfig);
    if emit {
        cmd.arg("--listEmittedFiles");
    } else {
        cmd.arg("--noEmit");
    }
    run(cmd, work)?;
    Ok(out)
}

/// Runs the check script in `mode` (`migrate` or `log`) over compiled output.
fn typeorm(mode: &str, compiled: &Path, url: &str) -> Result<Report, String> {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/typeorm/check.cjs")).arg(mode).arg(compiled).arg(url);
    cmd.env("NODE_PATH", node_dir().join("node_modules"));
    let output = run(cmd, compiled)?;
    let text = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("check.cjs printed no JSON ({e}):\n{text}"))?;
    Ok(Report {
        ran: strings(&json, "ran"),
        reverted: strings(&json, "reverted"),
        leftovers: strings(&json, "leftovers"),
        pending: strings(&json, "pending"),
    })
}

/// What `typeorm migration:generate <dir>/Pending -d datasource.cjs` did:
/// whether it exited 0, what it printed, the files it wrote under `dir`.
struct Generated {
    success: bool,
    stdout: String,
    files: Vec<String>,
}

/// TypeORM's own CLI, as a TypeORM user runs it after our migration.
fn typeorm_migration_generate(compiled: &Path, url: &str, dir: &Path) -> Result<Generated, String> {
    let mut cmd = Command::new("node");
    cmd.arg(node_dir().join("node_modules/typeorm/cli.js"))
        .arg("migration:generate")
        .arg(dir.join("Pending"))
        .arg("-d")
        .arg(root().join("tests/typeorm/datasource.cjs"))
        .env("NODE_PATH", node_dir().join("node_modules"))
        .env("TW_TYPEORM_COMPILED", compiled)
        .env("TW_TYPEORM_URL", url)
        .env("NO_COLOR", "1")
        .current_dir(compiled);
    let output = cmd.output().map_err(|e| format!("cannot run TypeORM's CLI: {e}"))?;
    let files = match fs::read_dir(dir) {
        Ok(entries) => {
            entries.map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned()).collect()
        }
        Err(_) => Vec::new(),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() && !stdout.contains("No changes in database schema were found") && files.is_empty() {
        return Err(format!(
            "typeorm migration:generate failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(Generated { success: output.status.success(), stdout, files })
}

fn fresh_db() -> Option<PgDatabase> {
    let db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"));
    if db.is_none() {
        eprintln!("note: PostgreSQL unreachable and TABLEWRIGHT_SKIP_DB_TESTS=1: skipping the TypeORM database checks");
    }
    db
}

#[test]
fn entities_and_migration_pass_tsc_strict() {
    let mut failures = Vec::new();
    for (name, dir) in crate_dirs() {
        let work = TempDir::new("typeorm-tsc");
        if let Err(e) = tsc(&dir.join("generated/typeorm"), work.path(), false) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // Negative: a relation whose inverse side names a property that does
    // not exist must be rejected, so the check above can fail.
    let work = TempDir::new("typeorm-tsc-broken");
    let broken = work.path().join("typeorm");
    copy_dir(&root().join("generated/typeorm"), &broken);
    let task = broken.join("entities/Task.ts");
    let text = fs::read_to_string(&task).expect("Task.ts");
    assert!(text.contains("(project) => project.tasks"), "the showcase's Task.project relation moved");
    fs::write(&task, text.replace("(project) => project.tasks", "(project) => project.taskz")).expect("write");
    let error = tsc(&broken, work.path(), false).expect_err("tsc must reject a misnamed inverse relation");
    assert!(error.contains("taskz"), "{error}");
}

#[test]
fn typeorm_wants_no_change_after_our_migration() {
    let mut failures = Vec::new();
    // The reserved-words fixture adds quotes, backslashes and reserved words
    // in names, comments and defaults.
    let fixture = generate_fixture("reserved");
    let generated = crate_dirs()
        .into_iter()
        .map(|(name, dir)| (name, dir.join("generated")))
        .chain([("tests/fixtures/reserved".to_string(), fixture.path().to_path_buf())]);
    for (name, generated) in generated {
        match check_generated(&generated) {
            Ok(true) => {}
            Ok(false) => return, // skipped: no database server
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The database checks for one `generated/` dir. Ok(false): skipped for
/// want of a database server.
fn check_generated(dir: &Path) -> Result<bool, String> {
    let work = TempDir::new("typeorm-db");
    let compiled = tsc(&dir.join("typeorm"), work.path(), true)?;

    // Through TypeORM.
    let Some(mut via_typeorm) = fresh_db() else { return Ok(false) };
    let report = typeorm("migrate", &compiled, &via_typeorm.url())?;
    if report.ran.is_empty() {
        return Err("runMigrations() ran no migration: is the migration class exported?".into());
    }
    if !report.pending.is_empty() {
        return Err(format!("TypeORM wants to change the schema our migration built:\n{}", report.pending.join(";\n")));
    }
    if report.reverted != report.ran || !report.leftovers.is_empty() {
        return Err(format!(
            "undoLastMigration() (reverted {:?} of {:?}) left behind: {:?}",
            report.reverted, report.ran, report.leftovers
        ));
    }
    via_typeorm.execute_batch(r#"DROP TABLE "migrations";"#)?;
    let typeorm_dump = via_typeorm.dump_schema()?;

    // Our SQL, applied directly.
    let Some(mut direct) = fresh_db() else { return Ok(false) };
    direct.execute_batch(&postgres_up_sql(dir))?;
    let direct_dump = direct.dump_schema()?;
    if typeorm_dump != direct_dump {
        return Err(format!(
            "the database TypeORM's migration run built differs from our SQL's (- ours, + TypeORM's):\n{}",
            diff_lines(&direct_dump, &typeorm_dump)
        ));
    }
    // TypeORM reads the directly built database the same way.
    let report = typeorm("log", &compiled, &direct.url())?;
    if !report.pending.is_empty() {
        return Err(format!(
            "TypeORM wants to change the database built from our SQL:\n{}",
            report.pending.join(";\n")
        ));
    }
    // And its CLI, as a user runs it, writes no migration (it exits 1 with
    // "No changes in database schema were found").
    let out = work.path().join("generated-migrations");
    let generated = typeorm_migration_generate(&compiled, &direct.url(), &out)?;
    if generated.success
        || !generated.files.is_empty()
        || !generated.stdout.contains("No changes in database schema were found")
    {
        return Err(format!(
            "typeorm migration:generate wrote {:?} after our migration:\n{}",
            generated.files, generated.stdout
        ));
    }
    Ok(true)
}

#[test]
fn a_changed_entity_makes_typeorm_want_a_change() {
    let work = TempDir::new("typeorm-negative");
    let altered = work.path().join("typeorm");
    copy_dir(&root().join("generated/typeorm"), &altered);
    let task = altered.join("entities/Task.ts");
    let text = fs::read_to_string(&task).expect("Task.ts");
    assert!(text.contains("length: 500"), "the showcase's tasks.title is no longer VARCHAR(500)");
    fs::write(&task, text.replacen("length: 500", "length: 501", 1)).expect("write");
    let compiled = tsc(&altered, work.path(), true).unwrap_or_else(|e| panic!("{e}"));

    let Some(mut db) = fresh_db() else { return };
    db.execute_batch(&postgres_up_sql(&root().join("generated"))).unwrap_or_else(|e| panic!("{e}"));
    let report = typeorm("log", &compiled, &db.url()).unwrap_or_else(|e| panic!("{e}"));
    let pending = report.pending.join(";\n");
    assert!(
        pending.contains(r#"ALTER TABLE "tasks""#) && pending.contains("character varying(501)"),
        "TypeORM must want to resize tasks.title; it wants:\n{pending}"
    );
    let out = work.path().join("generated-migrations");
    let generated = typeorm_migration_generate(&compiled, &db.url(), &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.success, "migration:generate must write the resize:\n{}", generated.stdout);
    assert_eq!(generated.files.len(), 1, "migration:generate wrote {:?}", generated.files);
    let written = fs::read_to_string(out.join(&generated.files[0])).expect("the generated migration");
    assert!(
        written.contains("character varying(501)"),
        "the generated migration does not resize tasks.title:\n{written}"
    );
}

/// Negative: the showcase's database as its recorded migrations built it
/// before the respelling step (`DEFAULT CURRENT_TIMESTAMP`, which
/// PostgreSQL prints back as written) is a change to TypeORM, which compares
/// the entities' `now()` with the catalog's text as is. So the empty `log()`
/// above owes nothing to a normalization.
#[test]
fn without_the_respelled_defaults_typeorm_wants_now() {
    let work = TempDir::new("typeorm-respell");
    let compiled = tsc(&root().join("generated/typeorm"), work.path(), true).unwrap_or_else(|e| panic!("{e}"));
    let Some(mut db) = fresh_db() else { return };
    let migrations =
        common::load_migrations(&root().join("generated/migrations/postgres")).unwrap_or_else(|e| panic!("{e}"));
    let respell: Vec<_> =
        migrations.iter().filter(|m| m.up.to_string_lossy().contains("respell_now_defaults")).collect();
    assert_eq!(respell.len(), 1, "the showcase's history has no respell_now_defaults step");
    let before: Vec<String> = migrations
        .iter()
        .filter(|m| !m.up.to_string_lossy().contains("respell_now_defaults"))
        .map(|m| fs::read_to_string(&m.up).expect("read"))
        .collect();
    assert!(
        before.iter().any(|sql| sql.contains("DEFAULT CURRENT_TIMESTAMP")),
        "0001 no longer spells CURRENT_TIMESTAMP"
    );
    db.execute_batch(&before.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    let report = typeorm("log", &compiled, &db.url()).unwrap_or_else(|e| panic!("{e}"));
    let pending = report.pending.join(";\n");
    assert!(
        pending.contains(r#"ALTER TABLE "tasks" ALTER COLUMN "created_at" SET DEFAULT now()"#),
        "TypeORM must want now() where the database holds CURRENT_TIMESTAMP; it wants:\n{pending}"
    );
}

/// The showcase's entities are usable, not just in sync: rows go in and
/// come back through TypeORM, relations load on both sides across the
/// same-tenant keys, a save with relations loaded succeeds (the shared tenant
/// column is written once) and the version trigger bumps `version`.
#[test]
fn showcase_rows_round_trip_through_the_entities() {
    let work = TempDir::new("typeorm-smoke");
    let compiled = tsc(&root().join("generated/typeorm"), work.path(), true).unwrap_or_else(|e| panic!("{e}"));
    let Some(mut db) = fresh_db() else { return };
    db.execute_batch(&postgres_up_sql(&root().join("generated"))).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/typeorm/smoke.cjs")).arg(&compiled).arg(db.url());
    cmd.env("NODE_PATH", node_dir().join("node_modules"));
    let output = run(cmd, &compiled).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    let got: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    let expected = serde_json::json!({
        "parent": "Ship",
        "project": "WEB",
        "organization": "acme",
        "createdBy": "ada@example.test",
        "status": "todo",
        "title": "Write the docs",
        "version": 2,
        "children": ["Write the docs"],
        "liveAfterSoftRemove": 1,
        "allAfterSoftRemove": 2,
    });
    assert_eq!(got, expected);
}

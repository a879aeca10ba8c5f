//! The Drizzle target, checked by Drizzle's own tools for the showcase and
//! every example (docs/targets/drizzle.md):
//!
//! - tsc `--strict --noEmit` compiles `drizzle/schema.ts`, `schema.mysql.ts`
//!   and `schema.sqlite.ts` against drizzle-orm 0.45 (and rejects a broken copy);
//! - drizzle-kit generates non-empty SQL from each of the three;
//! - on a fresh PostgreSQL database, drizzle-kit's own commands as the docs
//!   prescribe (`generate --custom` filled with `drizzle/prelude.sql`,
//!   `generate` from `schema.ts`, `generate --custom` filled with
//!   `drizzle/behavior.sql`, `migrate`) build a database (B) whose normalized
//!   `pg_dump` equals that of the one our migration builds (A), up to the
//!   differences the docs list; after them `drizzle-kit generate` plans nothing;
//! - after our migrations folder (journal + `meta/0000_snapshot.json`),
//!   `drizzle-kit generate` plans no change, and our snapshot is byte-equal
//!   to the one drizzle-kit writes (its random id aside); an edited copy of
//!   `schema.ts` or of the snapshot makes it plan exactly that edit;
//! - drizzle-orm's migrator applies `drizzle/migrations` and yields exactly A;
//! - drizzle-orm's relational queries follow every `relations()` entry of
//!   `schema.ts` (compiled by tsc) on database A.
//!
//! Needs `tools/node` (`npm ci` there; `scripts/test` does it) and PostgreSQL.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, generate_fixture, node_bin, node_dir, postgres_up_sql, read, run};
use common::{Database, PgDatabase};

/// drizzle-kit's statement separator.
const BREAKPOINT: &str = "--> statement-breakpoint";

/// One schema under test: its `generated/` dir.
struct Case {
    name: String,
    generated: PathBuf,
    /// Keeps a fixture's output alive.
    _out: Option<TempDir>,
}

/// The showcase, every example, and the reserved-words and triggers
/// fixtures (tests/fixtures), generated here with the Builder.
fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = common::crate_dirs()
        .into_iter()
        .map(|(name, dir)| Case { name, generated: dir.join("generated"), _out: None })
        .collect();
    for fixture in ["reserved", "triggers"] {
        let out = generate_fixture(fixture);
        cases.push(Case { name: format!("fixture {fixture}"), generated: out.path().to_path_buf(), _out: Some(out) });
    }
    cases
}

fn drizzle_dir(generated: &Path) -> PathBuf {
    generated.join("drizzle")
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// A temp dir where TypeScript finds drizzle-orm: `node_modules` links to
/// tools/node's, and a strict tsconfig covers every `.ts` file.
fn ts_project(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    let modules = node_dir().join("node_modules");
    assert!(modules.is_dir(), "{} is missing\nhelp: run `scripts/test` or `npm ci` in tools/node", modules.display());
    std::os::unix::fs::symlink(&modules, dir.path().join("node_modules")).expect("symlink node_modules");
    write(
        &dir.path().join("tsconfig.json"),
        r#"{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "types": []
  },
  "include": ["*.ts"]
}
"#,
    );
    dir
}

fn tsc(dir: &Path) -> Result<(), String> {
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.args(["-p", "tsconfig.json", "--pretty", "false"]);
    run(cmd, dir).map(|_| ())
}

/// Every schema file of every crate, in one tsc program.
#[test]
fn schemas_compile_under_tsc_strict() {
    let project = ts_project("drizzle-tsc");
    let mut count = 0;
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        let label = name.replace('/', "_");
        for file in ["schema.ts", "schema.mysql.ts", "schema.sqlite.ts"] {
            let text = read(&drizzle_dir(dir).join(file));
            write(&project.path().join(format!("{label}_{file}")), &text);
            count += 1;
        }
    }
    if let Err(e) = tsc(project.path()) {
        panic!("tsc --strict rejects a generated Drizzle schema:\n{e}");
    }
    eprintln!("tsc --strict: {count} Drizzle schema files compile");
}

/// The check above can fail: a misspelled option in a copy is an error.
#[test]
fn tsc_rejects_a_broken_schema() {
    let project = ts_project("drizzle-tsc-broken");
    let text = read(&drizzle_dir(&common::tools::root().join("generated")).join("schema.ts"));
    let broken = text.replacen("primaryKey({ name:", "primaryKey({ nmae:", 1);
    assert_ne!(broken, text, "the showcase schema has a named primary key");
    write(&project.path().join("schema.ts"), &broken);
    let err = tsc(project.path()).expect_err("tsc must reject a misspelled primaryKey option");
    assert!(err.contains("nmae"), "tsc failed for another reason:\n{err}");
}

/// `drizzle-kit generate` for one schema file; its SQL statements. drizzle-kit
/// exits 0 even when the module fails to load, so no SQL is a failure.
fn drizzle_kit_sql(schema_ts: &str, dialect: &str, label: &str) -> Result<Vec<String>, String> {
    let project = ts_project(label);
    write(&project.path().join("schema.ts"), schema_ts);
    let mut cmd = Command::new(node_bin("drizzle-kit"));
    cmd.args(["generate", "--dialect", dialect, "--schema", "schema.ts", "--out", "out"]);
    let output = run(cmd, project.path())?;
    let out = project.path().join("out");
    let mut sql = String::new();
    for entry in std::fs::read_dir(&out).map_err(|e| format!("drizzle-kit wrote no {}: {e}", out.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "sql") {
            sql.push_str(&read(&path));
        }
    }
    let statements: Vec<String> =
        sql.split(BREAKPOINT).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if !statements.iter().any(|s| s.starts_with("CREATE TABLE")) {
        return Err(format!(
            "drizzle-kit generate --dialect {dialect} wrote no CREATE TABLE\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(statements)
}

#[test]
fn drizzle_kit_generates_mysql_and_sqlite_sql() {
    let mut failures = Vec::new();
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        for (file, dialect) in [("schema.mysql.ts", "mysql"), ("schema.sqlite.ts", "sqlite")] {
            let text = read(&drizzle_dir(dir).join(file));
            match drizzle_kit_sql(&text, dialect, "drizzle-kit") {
                Ok(statements) => eprintln!("{name}: drizzle-kit {dialect}: {} statements", statements.len()),
                Err(e) => failures.push(format!("{name} {file}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn database() -> Option<PgDatabase> {
    match PgDatabase::create() {
        Ok(db) => db,
        Err(e) => panic!("{e}"),
    }
}

/// A `pg_dump` as statements (a statement ends with a line ending in `;`).
fn statements_of(dump: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in dump.lines() {
        current.push_str(line);
        current.push('\n');
        if line.ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// The differences docs/targets/drizzle.md lists, and nothing else:
/// Drizzle has no comments on tables, columns and types, and no covering
/// (`INCLUDE`) index columns.
fn normalize(dump: &str) -> String {
    statements_of(dump)
        .into_iter()
        .filter(|s| !["COMMENT ON TABLE ", "COMMENT ON COLUMN ", "COMMENT ON TYPE "].iter().any(|p| s.starts_with(p)))
        .map(|s| match s.find(" INCLUDE (") {
            Some(start) if s.starts_with("CREATE INDEX") || s.starts_with("CREATE UNIQUE INDEX") => {
                let end = s[start..].find(')').map_or(s.len(), |e| start + e + 1);
                format!("{}{}", &s[..start], &s[end..])
            }
            _ => s,
        })
        .collect()
}

/// The statements of a custom-migration file of `drizzle/` (`prelude.sql`,
/// `behavior.sql`), its header comment dropped.
fn custom_statements(generated: &Path, file: &str) -> Vec<String> {
    read(&drizzle_dir(generated).join(file))
        .split(BREAKPOINT)
        .map(|chunk| chunk.lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n").trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `drizzle-kit <args>` in `project` (its `drizzle.config.js`); what it printed.
fn drizzle_kit(project: &Path, args: &[&str], url: &str) -> Result<String, String> {
    let mut cmd = Command::new(node_bin("drizzle-kit"));
    cmd.args(args).env("DATABASE_URL", url);
    let output = run(cmd, project)?;
    Ok(format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

/// `drizzle-kit generate --custom --name=<name>`, then `file` of `drizzle/`
/// appended to the migration it prepared, as the docs tell a user to do.
fn custom_migration(project: &Path, name: &str, generated: &Path, file: &str, url: &str) -> Result<(), String> {
    drizzle_kit(project, &["generate", "--custom", &format!("--name={name}")], url)?;
    let journal: serde_json::Value = serde_json::from_str(&read(&project.join("out/meta/_journal.json")))
        .map_err(|e| format!("drizzle-kit's journal: {e}"))?;
    let tag = journal["entries"].as_array().and_then(|e| e.last()).and_then(|e| e["tag"].as_str()).unwrap_or("");
    if !tag.ends_with(name) {
        return Err(format!("drizzle-kit generate --custom --name={name} journaled `{tag}`"));
    }
    let migration = project.join(format!("out/{tag}.sql"));
    // drizzle-kit prepares it with one comment line ("put your code below").
    let prepared = read(&migration);
    if prepared.lines().any(|l| !l.trim().is_empty() && !l.starts_with("--")) {
        return Err(format!("{}: drizzle-kit's custom migration is not empty:\n{prepared}", migration.display()));
    }
    write(&migration, &format!("{prepared}{}", read(&drizzle_dir(generated).join(file))));
    Ok(())
}

/// A Drizzle user's fresh database, built by drizzle-kit's own commands the
/// way docs/targets/drizzle.md prescribes: a custom migration holding
/// `drizzle/prelude.sql`, drizzle-kit's migration of `schema.ts`, a custom
/// migration holding `drizzle/behavior.sql` (each custom one only when its
/// file has statements), then `drizzle-kit migrate`. After that,
/// `drizzle-kit generate` must find nothing to do.
fn build_with_drizzle_kit(db: &mut PgDatabase, generated: &Path, schema_ts: &str, label: &str) -> Result<(), String> {
    let project = ts_project(label);
    let dir = project.path();
    write(&dir.join("schema.ts"), schema_ts);
    write(
        &dir.join("drizzle.config.js"),
        "module.exports = {\n  dialect: \"postgresql\",\n  schema: \"./schema.ts\",\n  out: \"./out\",\n  \
         dbCredentials: { url: process.env.DATABASE_URL },\n};\n",
    );
    let url = db.url();
    let prelude = custom_statements(generated, "prelude.sql");
    if !prelude.is_empty() {
        custom_migration(dir, "prelude", generated, "prelude.sql", &url)?;
    }
    let printed = drizzle_kit(dir, &["generate"], &url)?;
    let journal = read(&dir.join("out/meta/_journal.json"));
    if printed.contains(NO_CHANGES) || journal.matches("\"tag\"").count() != usize::from(!prelude.is_empty()) + 1 {
        return Err(format!("drizzle-kit generate wrote no migration of schema.ts:\n{printed}"));
    }
    let behavior = custom_statements(generated, "behavior.sql");
    if !behavior.is_empty() {
        custom_migration(dir, "behavior", generated, "behavior.sql", &url)?;
    }
    let printed = drizzle_kit(dir, &["migrate"], &url)?;
    if !printed.contains("migrations applied successfully") {
        return Err(format!("drizzle-kit migrate:\n{printed}"));
    }
    let printed = drizzle_kit(dir, &["generate"], &url)?;
    if !printed.contains(NO_CHANGES) {
        return Err(format!("after drizzle-kit's own migrations, drizzle-kit generate still plans:\n{printed}"));
    }
    // drizzle's bookkeeping schema is not part of the application schema.
    db.execute_batch("DROP SCHEMA drizzle CASCADE")
}

/// Builds A from our SQL and B with drizzle-kit's own commands; their
/// normalized dumps.
fn dumps(generated: &Path, schema_ts: &str, label: &str) -> Result<Option<(String, String)>, String> {
    let up = postgres_up_sql(generated);
    let custom = [custom_statements(generated, "prelude.sql"), custom_statements(generated, "behavior.sql")].concat();
    for statement in &custom {
        // A deferrable key: our migration declares it inline (`... DEFERRABLE
        // INITIALLY DEFERRED`), drizzle/behavior.sql alters the key drizzle-kit made.
        let deferral = statement.starts_with("ALTER TABLE ")
            && statement.ends_with(" DEFERRABLE INITIALLY DEFERRED;")
            && up.contains(" DEFERRABLE INITIALLY DEFERRED");
        // The prelude creates the functions before the tables they read.
        let unchecked =
            ["SET check_function_bodies = off;", "RESET check_function_bodies;"].contains(&statement.as_str());
        if !deferral && !unchecked && !up.contains(statement.as_str()) {
            return Err(format!(
                "drizzle/prelude.sql or behavior.sql has a statement our migration lacks:\n{statement}"
            ));
        }
    }
    let Some(mut a) = database() else { return Ok(None) };
    let Some(mut b) = database() else { return Ok(None) };
    a.execute_batch(&up).map_err(|e| format!("our migration: {e}"))?;
    build_with_drizzle_kit(&mut b, generated, schema_ts, label)?;
    Ok(Some((normalize(&a.dump_schema()?), normalize(&b.dump_schema()?))))
}

/// Lines sorted: drizzle-kit creates every column in `schema.ts` order, a
/// history of several migrations appends later columns at the end of their
/// table (PostgreSQL cannot insert one), so column and comment lines come
/// out in another order; the same lines must be there.
fn sorted_lines(dump: &str) -> String {
    let mut lines: Vec<&str> = dump.lines().map(|l| l.trim_end_matches(',')).collect();
    lines.sort_unstable();
    lines.join("\n")
}

#[test]
fn drizzle_kits_own_commands_build_our_database() {
    let cases = cases();
    // One thread per case: each waits on drizzle-kit processes and databases.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases.iter().map(|case| scope.spawn(|| fresh_database_case(case))).collect();
        handles.into_iter().filter_map(|h| h.join().expect("a case thread panicked")).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// One case of the fresh-database check: its failure, if any.
fn fresh_database_case(case: &Case) -> Option<String> {
    let (name, dir) = (&case.name, case.generated.as_path());
    let schema_ts = read(&drizzle_dir(dir).join("schema.ts"));
    let steps = common::load_migrations(&dir.join("migrations/postgres")).map(|m| m.len()).unwrap_or(1);
    let dumps = dumps(dir, &schema_ts, "drizzle-kit-pg")
        .map(|d| d.map(|(a, b)| if steps > 1 { (sorted_lines(&a), sorted_lines(&b)) } else { (a, b) }));
    match dumps {
        Ok(Some((ours, theirs))) if ours == theirs => {
            eprintln!("{name}: drizzle-kit's database equals ours ({} dump lines)", ours.lines().count());
            None
        }
        Ok(Some((ours, theirs))) => {
            Some(format!("{name}: pg_dump differs (- ours, + drizzle-kit):\n{}", common::diff_lines(&ours, &theirs)))
        }
        Ok(None) => {
            eprintln!("{name}: skipped (no PostgreSQL)");
            None
        }
        Err(e) => Some(format!("{name}: {e}")),
    }
}

/// The comparison can fail: a column made nullable in a copy of the schema shows up.
#[test]
fn equivalence_detects_a_changed_column() {
    let dir = common::crate_dirs().into_iter().find(|(n, _)| n == "examples/blog").expect("examples/blog").1;
    let dir = &dir.join("generated");
    let text = read(&drizzle_dir(dir).join("schema.ts"));
    let changed = text.replacen(r#"body: text("body").notNull()"#, r#"body: text("body")"#, 1);
    assert_ne!(changed, text, "the blog schema has a NOT NULL body column");
    match dumps(dir, &changed, "drizzle-kit-pg-changed") {
        Ok(Some((ours, theirs))) => assert_ne!(ours, theirs, "a nullable body must change the dump"),
        Ok(None) => eprintln!("skipped (no PostgreSQL)"),
        Err(e) => panic!("{e}"),
    }
}

/// The fresh-database path can fail: without the prelude, drizzle-kit's own
/// migration of the showcase's `schema.ts` stops at its first policy (the
/// roles it names do not exist), which is what a Drizzle user hit before.
#[test]
fn drizzle_kit_migrate_needs_the_prelude() {
    let showcase = common::tools::root().join("generated");
    let copy = TempDir::new("drizzle-no-prelude");
    std::fs::create_dir_all(drizzle_dir(copy.path())).expect("mkdir");
    let header: String = read(&drizzle_dir(&showcase).join("prelude.sql"))
        .lines()
        .take_while(|l| l.starts_with("--"))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&drizzle_dir(copy.path()).join("prelude.sql"), &header);
    write(&drizzle_dir(copy.path()).join("behavior.sql"), &read(&drizzle_dir(&showcase).join("behavior.sql")));
    let Some(mut db) = database() else { return };
    let schema_ts = read(&drizzle_dir(&showcase).join("schema.ts"));
    let err = build_with_drizzle_kit(&mut db, copy.path(), &schema_ts, "drizzle-kit-no-prelude")
        .expect_err("drizzle-kit migrate must fail without the roles");
    assert!(err.contains("drizzle-kit\" \"migrate\" failed"), "it failed elsewhere:\n{err}");
}

/// Runs JavaScript under Node in `dir` with `client`, a pg `Client`
/// connected to `url`, in scope; what it prints. `requires` are the lines
/// before it (Node resolves modules from `dir`).
fn node_with_client(
    dir: &Path,
    url: &str,
    requires: &str,
    body: &str,
    env: &[(&str, &Path)],
) -> Result<String, String> {
    let script = format!(
        r#"{requires}
const {{ Client }} = require("pg");
(async () => {{
  const client = new Client({{ connectionString: process.env.DATABASE_URL }});
  await client.connect();
  try {{
{body}
  }} finally {{
    await client.end();
  }}
}})().catch((e) => {{
  console.error(e);
  process.exit(1);
}});
"#
    );
    let mut cmd = Command::new("node");
    cmd.args(["-e", &script]).env("DATABASE_URL", url);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = run(cmd, dir)?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// drizzle-orm's own migrator, run by Node against a fresh database.
fn drizzle_migrate(url: &str, folder: &Path) -> Result<String, String> {
    node_with_client(
        &node_dir(),
        url,
        r#"const { drizzle } = require("drizzle-orm/node-postgres");
const { migrate } = require("drizzle-orm/node-postgres/migrator");"#,
        r#"    const db = drizzle(client);
    await migrate(db, { migrationsFolder: process.env.MIGRATIONS });
    // A second run finds everything applied and must change nothing.
    await migrate(db, { migrationsFolder: process.env.MIGRATIONS });
    const r = await client.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    console.log(`applied ${r.rows[0].n}`);"#,
        &[("MIGRATIONS", folder)],
    )
}

#[test]
fn drizzle_migrator_applies_our_migrations_folder() {
    let mut failures = Vec::new();
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        let result = (|| -> Result<Option<()>, String> {
            let Some(mut ours) = database() else { return Ok(None) };
            let Some(mut migrated) = database() else { return Ok(None) };
            ours.execute_batch(&postgres_up_sql(dir)).map_err(|e| format!("our migration: {e}"))?;
            let printed = drizzle_migrate(&migrated.url(), &drizzle_dir(dir).join("migrations"))?;
            // One journal entry per recorded migration (the blog has three).
            let steps = common::load_migrations(&dir.join("migrations/postgres"))?.len();
            if printed != format!("applied {steps}") {
                return Err(format!("the migrator recorded something else than our {steps} migration(s): {printed}"));
            }
            // drizzle's bookkeeping schema is not part of the application schema.
            migrated.execute_batch("DROP SCHEMA drizzle CASCADE")?;
            let (a, b) = (ours.dump_schema()?, migrated.dump_schema()?);
            if a != b {
                return Err(format!("pg_dump differs (- ours, + migrator):\n{}", common::diff_lines(&a, &b)));
            }
            Ok(Some(()))
        })();
        match result {
            Ok(Some(())) => eprintln!("{name}: drizzle-orm's migrator yields our schema"),
            Ok(None) => eprintln!("{name}: skipped (no PostgreSQL)"),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The migrator check can fail: a journal naming a missing file is refused.
#[test]
fn drizzle_migrator_rejects_a_broken_journal() {
    let folder = TempDir::new("drizzle-broken-journal");
    let source = drizzle_dir(&common::tools::root().join("generated")).join("migrations");
    std::fs::create_dir_all(folder.path().join("meta")).expect("mkdir meta");
    let journal = read(&source.join("meta/_journal.json")).replace("0000_initial", "0000_missing");
    write(&folder.path().join("meta/_journal.json"), &journal);
    let Some(db) = database() else { return };
    let err = drizzle_migrate(&db.url(), folder.path()).expect_err("a journal entry without its SQL file must fail");
    assert!(err.contains("0000_missing"), "the migrator failed for another reason:\n{err}");
}

/// Every `relations()` entry is one drizzle-orm can resolve (each `many`
/// finds its `one`, relation names pair up) and query on our database:
/// `db.query.<table>.findMany({ with: { <every relation>: true } })`.
#[test]
fn relational_queries_follow_every_relation() {
    let mut failures = Vec::new();
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        let result = (|| -> Result<Option<usize>, String> {
            let schema_ts = read(&drizzle_dir(dir).join("schema.ts"));
            let expected = schema_ts.matches(": one(").count() + schema_ts.matches(": many(").count();
            let project = ts_project("drizzle-relations");
            write(&project.path().join("schema.ts"), &schema_ts);
            let mut cmd = Command::new(node_bin("tsc"));
            cmd.args(["-p", "tsconfig.json", "--noEmit", "false", "--module", "commonjs"]);
            cmd.args(["--moduleResolution", "node10", "--outDir", "js"]);
            run(cmd, project.path())?;
            let Some(mut db) = database() else { return Ok(None) };
            db.execute_batch(&postgres_up_sql(dir)).map_err(|e| format!("our migration: {e}"))?;
            let printed = node_with_client(
                project.path(),
                &db.url(),
                r#"const { drizzle } = require("drizzle-orm/node-postgres");
const schema = require("./js/schema.js");"#,
                r#"    const db = drizzle(client, { schema });
    let followed = 0;
    for (const [name, table] of Object.entries(db._.schema)) {
      const names = Object.keys(table.relations);
      if (names.length === 0) continue;
      const withAll = Object.fromEntries(names.map((r) => [r, true]));
      await db.query[name].findMany({ with: withAll, limit: 1 });
      followed += names.length;
    }
    console.log(`followed ${followed}`);"#,
                &[],
            )?;
            if printed != format!("followed {expected}") {
                return Err(format!("expected to follow {expected} relations, the script printed: {printed}"));
            }
            Ok(Some(expected))
        })();
        match result {
            Ok(Some(n)) => eprintln!("{name}: drizzle-orm followed {n} relations"),
            Ok(None) => eprintln!("{name}: skipped (no PostgreSQL)"),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap_or_else(|e| panic!("{}: {e}", current.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{}: {e}", current.display())).path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                files.insert(path.strip_prefix(dir).expect("under dir").to_path_buf(), bytes);
            }
        }
    }
    files
}

/// What `drizzle-kit generate` did to a migrations folder.
struct Generated {
    /// Its stdout and stderr (it exits 0 on most failures).
    output: String,
    /// The files it added or rewrote, by path relative to the folder.
    changed: BTreeMap<PathBuf, String>,
}

impl Generated {
    /// The SQL of the migrations it added.
    fn sql(&self) -> String {
        let sql = self.changed.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "sql"));
        sql.map(|(_, text)| text.as_str()).collect()
    }
}

/// `drizzle-kit generate --dialect postgresql` from `schema_ts` into a copy
/// of the migrations folder `migrations` (journal and snapshots included),
/// as a Drizzle user runs it after our history.
fn generate_after(migrations: &Path, schema_ts: &str, label: &str) -> Result<Generated, String> {
    let project = ts_project(label);
    let out = project.path().join("migrations");
    common::tools::copy_dir(migrations, &out);
    write(&project.path().join("schema.ts"), schema_ts);
    let before = files_under(&out);
    let mut cmd = Command::new(node_bin("drizzle-kit"));
    cmd.args(["generate", "--dialect", "postgresql", "--schema", "schema.ts", "--out", "migrations"]);
    let output = run(cmd, project.path())?;
    let after = files_under(&out);
    let changed = after
        .into_iter()
        .filter(|(path, bytes)| before.get(path) != Some(bytes))
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();
    let output = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(Generated { output, changed })
}

/// drizzle-kit's words when the schema equals the newest snapshot.
const NO_CHANGES: &str = "No schema changes, nothing to migrate";

/// After our history (journal + `meta/0000_snapshot.json`), drizzle-kit
/// finds nothing to migrate: it reads our snapshot as the database's state.
#[test]
fn drizzle_kit_plans_no_change_after_our_history() {
    let mut failures = Vec::new();
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        let drizzle = drizzle_dir(dir);
        match generate_after(&drizzle.join("migrations"), &read(&drizzle.join("schema.ts")), "drizzle-kit-history") {
            Ok(g) if g.output.contains(NO_CHANGES) && g.changed.is_empty() => {
                eprintln!("{name}: drizzle-kit generate after our history: no schema changes")
            }
            Ok(g) => failures.push(format!(
                "{name}: drizzle-kit wants a migration after ours (changed {:?}):\n{}\n--- output\n{}",
                g.changed.keys().collect::<Vec<_>>(),
                g.sql(),
                g.output
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Our snapshot is the one drizzle-kit writes for our `schema.ts` into an
/// empty folder, byte for byte, but for its random `id`.
#[test]
fn snapshot_is_the_one_drizzle_kit_writes() {
    let mut failures = Vec::new();
    for case in cases() {
        let (name, dir) = (&case.name, case.generated.as_path());
        let drizzle = drizzle_dir(dir);
        let empty = TempDir::new("drizzle-empty-history");
        let result = generate_after(empty.path(), &read(&drizzle.join("schema.ts")), "drizzle-kit-snapshot");
        let theirs = match result {
            Ok(g) => match g.changed.get(Path::new("meta/0000_snapshot.json")) {
                Some(text) => text.clone(),
                None => {
                    failures.push(format!("{name}: drizzle-kit wrote no snapshot:\n{}", g.output));
                    continue;
                }
            },
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        // The snapshot of the last recorded migration describes schema.ts.
        let mut snapshots: Vec<PathBuf> = std::fs::read_dir(drizzle.join("migrations/meta"))
            .expect("meta")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with("_snapshot.json"))
            .collect();
        snapshots.sort();
        // Each recorded migration's snapshot chains to the one before.
        for pair in snapshots.windows(2) {
            let (before, after) = (ids(&read(&pair[0])), ids(&read(&pair[1])));
            if after.1 != before.0 {
                failures.push(format!("{name}: {} does not chain to {}", pair[1].display(), pair[0].display()));
            }
        }
        let ours = read(snapshots.last().expect("a snapshot"));
        let (ours, theirs) = (without_id(&ours), without_id(&theirs));
        if ours == theirs {
            eprintln!("{name}: our snapshot is drizzle-kit's ({} lines)", ours.lines().count());
        } else {
            failures.push(format!(
                "{name}: snapshots differ (- ours, + drizzle-kit):\n{}",
                common::diff_lines(&ours, &theirs)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A snapshot with its `id` blanked: drizzle-kit's is random.
/// drizzle-kit writing into an empty folder chains to its root id; ours
/// chains to the snapshot of the migration before (checked separately).
fn without_id(snapshot: &str) -> String {
    let mut lines: Vec<String> = snapshot.lines().map(str::to_string).collect();
    for (key, blank) in [("id", "<id>"), ("prevId", "<prevId>")] {
        if let Some(line) = lines.iter_mut().find(|l| l.starts_with(&format!("  \"{key}\": "))) {
            *line = format!("  \"{key}\": \"{blank}\",");
        }
    }
    lines.join("\n")
}

/// `(id, prevId)` of a snapshot.
fn ids(snapshot: &str) -> (String, String) {
    let json: serde_json::Value = serde_json::from_str(snapshot).expect("a snapshot is JSON");
    let field = |k: &str| json[k].as_str().unwrap_or_default().to_string();
    (field("id"), field("prevId"))
}

/// The no-change check can fail, on both sides of the diff: a column removed
/// from a copy of `schema.ts` is dropped, and a column removed from a copy of
/// our snapshot is added.
#[test]
fn drizzle_kit_plans_a_change_against_an_edited_copy() {
    let drizzle = drizzle_dir(&common::tools::root().join("generated"));
    let schema_ts = read(&drizzle.join("schema.ts"));
    let column = "    estimateHours: numeric(\"estimate_hours\", { precision: 6, scale: 2 }),\n";
    let without = schema_ts.replacen(column, "", 1);
    assert_ne!(without, schema_ts, "the showcase's tasks have an estimate_hours column");
    let g = generate_after(&drizzle.join("migrations"), &without, "drizzle-kit-drop").unwrap_or_else(|e| panic!("{e}"));
    assert!(!g.output.contains(NO_CHANGES), "{}", g.output);
    assert_eq!(g.sql().trim(), r#"ALTER TABLE "tasks" DROP COLUMN "estimate_hours";"#, "{}", g.output);
    // drizzle-kit's own next snapshot chains onto our last one.
    let ours_count = fs::read_dir(drizzle.join("migrations/meta"))
        .expect("our meta folder")
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with("_snapshot.json")))
        .count();
    let last = format!("meta/{:04}_snapshot.json", ours_count - 1);
    let next_path = format!("meta/{ours_count:04}_snapshot.json");
    let next = g.changed.get(Path::new(&next_path)).unwrap_or_else(|| panic!("{:?}", g.changed.keys()));
    let next: serde_json::Value = serde_json::from_str(next).expect("drizzle-kit's snapshot is JSON");
    let ours: serde_json::Value = serde_json::from_str(&read(&drizzle.join("migrations").join(&last))).expect("JSON");
    assert_eq!(next["prevId"], ours["id"]);

    // Our last snapshot is what drizzle-kit diffs against.
    let edited = TempDir::new("drizzle-edited-snapshot");
    common::tools::copy_dir(&drizzle.join("migrations"), edited.path());
    let path = edited.path().join(&last);
    let mut snapshot: serde_json::Value = serde_json::from_str(&read(&path)).expect("our snapshot is JSON");
    let columns = snapshot["tables"]["public.tasks"]["columns"].as_object_mut().expect("tasks has columns");
    assert!(columns.shift_remove("estimate_hours").is_some(), "our snapshot records estimate_hours");
    write(&path, &serde_json::to_string_pretty(&snapshot).expect("JSON"));
    let g = generate_after(edited.path(), &schema_ts, "drizzle-kit-add").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.sql().trim(), r#"ALTER TABLE "tasks" ADD COLUMN "estimate_hours" numeric(6, 2);"#, "{}", g.output);
}

//! The Prisma target (`generated/prisma/`) of the showcase, every example
//! and three fixtures, checked by Prisma's own schema engine and against a
//! real PostgreSQL:
//!
//! - `@prisma/prisma-schema-wasm` (what the `prisma` CLI bundles) validates
//!   the schema, its linter has nothing to say, `format` leaves it byte for
//!   byte as it is, and its DMMF has one model per entity and both sides of
//!   every foreign key;
//! - a copy missing one side of a relation is rejected, and a misaligned copy
//!   is not what `prisma format` writes, so both checks can fail;
//! - the migrations folder is Prisma's layout around our PostgreSQL
//!   migration; applied in Prisma's order to a fresh database it builds the
//!   same schema (pg_dump) as our migrations;
//! - the DMMF matches that live database both ways: every model, field,
//!   enum, key, foreign key (name, columns, actions) and index Prisma
//!   describes exists there as described, and every column, foreign key and
//!   index of the database is described by Prisma; a schema with a wrong
//!   foreign-key name or column length fails this.
//!
//! - Prisma's own schema engine (`@prisma/schema-engine-wasm`, through
//!   `tools/node/prisma-diff.mjs`), diffing the database our migrations built
//!   against `schema.prisma`, plans no change (what `prisma migrate diff`
//!   asks); with one column length changed it plans exactly that change.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, node_dir, read, run};
use common::{Database, PgDatabase, crate_dirs, diff_lines, load_migrations};
use serde_json::Value;
use tablewright::build::Builder;

/// What the checks run on: each crate's committed `generated/` dir, and the
/// fixtures of `tests/fixtures/{prisma,reserved,triggers}` generated into
/// temp dirs (kept alive by the returned guards).
fn subjects() -> (Vec<(String, PathBuf)>, Vec<TempDir>) {
    let mut out: Vec<(String, PathBuf)> =
        crate_dirs().into_iter().map(|(name, dir)| (name, dir.join("generated"))).collect();
    let mut guards = Vec::new();
    for fixture in ["prisma", "reserved", "triggers"] {
        let tmp = TempDir::new(&format!("prisma-fixture-{fixture}"));
        let artifacts = Builder::new()
            .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
            .with_src_dir(format!("tests/fixtures/{fixture}"))
            .with_out_dir(tmp.path())
            .generate()
            .unwrap_or_else(|e| panic!("the {fixture} fixture does not generate:\n{e}"));
        artifacts.write().unwrap_or_else(|e| panic!("{e}"));
        out.push((format!("fixture {fixture}"), tmp.path().to_path_buf()));
        guards.push(tmp);
    }
    (out, guards)
}

/// Runs `tools/node/prisma-check.mjs` on a schema file: Ok(its JSON report)
/// when Prisma accepts the schema, Err(Prisma's message) otherwise.
fn prisma_check(schema: &Path) -> Result<Value, String> {
    let wasm = node_dir().join("node_modules/@prisma/prisma-schema-wasm");
    assert!(
        wasm.is_dir(),
        "{} is missing\nhelp: run `scripts/test` (it installs the Node tools), or `npm ci --ignore-scripts` in tools/node",
        wasm.display()
    );
    let mut cmd = Command::new("node");
    cmd.arg(node_dir().join("prisma-check.mjs")).arg(schema);
    let output = run(cmd, &node_dir())?;
    serde_json::from_slice(&output.stdout).map_err(|e| format!("prisma-check.mjs printed no JSON report: {e}"))
}

/// The crate's model, as its last build recorded it.
fn snapshot(out: &Path) -> Value {
    let path = out.join("migrations/schema.snapshot.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

fn str_of<'v>(value: &'v Value, key: &str) -> &'v str {
    value[key].as_str().unwrap_or_else(|| panic!("no string `{key}` in {value}"))
}

fn models(report: &Value) -> &Vec<Value> {
    report["models"].as_array().expect("models")
}

fn model<'r>(report: &'r Value, name: &str) -> &'r Value {
    models(report).iter().find(|m| m["name"] == name).unwrap_or_else(|| panic!("no model {name}"))
}

fn fields(model: &Value) -> impl Iterator<Item = &Value> {
    model["fields"].as_array().expect("fields").iter()
}

/// The database column of a model's field.
fn column_of(model: &Value, field: &str) -> String {
    fields(model)
        .find(|f| f["name"] == field)
        .map(|f| str_of(f, "dbName").to_string())
        .unwrap_or_else(|| panic!("no field {field} in model {}", model["name"]))
}

#[test]
fn prisma_validates_formats_and_describes_every_entity_and_relation() {
    let (subjects, _guards) = subjects();
    for (name, dir) in subjects {
        let path = dir.join("prisma/schema.prisma");
        let text = read(&path);
        let report = prisma_check(&path).unwrap_or_else(|e| panic!("{name}: {e}"));

        assert!(
            report["formatted"] == text.as_str(),
            "{name}: `prisma format` would change {}:\n{}",
            path.display(),
            diff_lines(&text, report["formatted"].as_str().unwrap_or_default())
        );
        assert_eq!(report["lint"], serde_json::json!([]), "{name}: Prisma's linter has something to say");
        assert!(
            text.contains("\ndatasource db {\n  provider = \"postgresql\"\n}\n"),
            "{name}: Prisma 7 takes the URL from prisma.config.ts: the datasource has only its provider"
        );

        let model_json = snapshot(&dir);
        let entities = model_json["entities"].as_array().expect("entities");
        assert_eq!(models(&report).len(), entities.len(), "{name}: one Prisma model per entity");
        let enums = model_json["enums"].as_array().cloned().unwrap_or_default();
        assert_eq!(report["enums"].as_array().map_or(0, Vec::len), enums.len(), "{name}: one Prisma enum per enum");
        for e in &enums {
            let prisma = report["enums"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["dbName"] == e["sql_name"])
                .unwrap_or_else(|| panic!("{name}: no Prisma enum mapped to {}", e["sql_name"]));
            let values: Vec<String> = e["variants"]
                .as_array()
                .expect("variants")
                .iter()
                .map(|v| v["value"].as_str().unwrap_or_default().to_string())
                .collect();
            assert_eq!(strings(&prisma["values"]), values, "{name}: enum {}", e["sql_name"]);
        }

        let mut relations = 0;
        for entity in entities {
            let holder = model(&report, str_of(entity, "name"));
            assert_eq!(holder["dbName"], entity["table"], "{name}: @@map of {}", entity["name"]);
            for fk in entity["foreign_keys"].as_array().into_iter().flatten() {
                relations += 1;
                let columns = strings(&fk["columns"]);
                let belongs = fields(holder)
                    .find(|f| f["relationMap"] == fk["name"])
                    .unwrap_or_else(|| panic!("{name}: no relation of {} maps to {}", entity["name"], fk["name"]));
                let from: Vec<String> =
                    strings(&belongs["relationFromFields"]).iter().map(|f| column_of(holder, f)).collect();
                assert_eq!(from, columns, "{name}: {} fields", fk["name"]);
                assert_eq!(belongs["type"], fk["target"], "{name}: {} target", fk["name"]);
                let target = model(&report, str_of(fk, "target"));
                let to: Vec<String> =
                    strings(&belongs["relationToFields"]).iter().map(|f| column_of(target, f)).collect();
                assert_eq!(to, strings(&fk["target_columns"]), "{name}: {} references", fk["name"]);
                // The other side: same relation name, pointing back, no fields.
                let back: Vec<&Value> = fields(target)
                    .filter(|f| {
                        f["relationName"] == belongs["relationName"]
                            && f["type"] == entity["name"]
                            && strings(&f["relationFromFields"]).is_empty()
                    })
                    .collect();
                assert_eq!(back.len(), 1, "{name}: the other side of {} on {}", fk["name"], fk["target"]);
            }
        }
        let relation_fields = models(&report).iter().flat_map(fields).filter(|f| f["kind"] == "object").count();
        assert_eq!(relation_fields, 2 * relations, "{name}: two relation fields per foreign key, no more");
    }
}

#[test]
fn prisma_rejects_a_relation_without_its_other_side_and_format_notices_misalignment() {
    let path = crate_dirs()[0].1.join("generated/prisma/schema.prisma");
    let text = read(&path);
    let tmp = TempDir::new("prisma");

    // Drop the first has-many side (`tasks Task[]` and the like).
    let mut dropped = None;
    let broken: String = text
        .lines()
        .filter(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let is_back_side = words.len() == 2 && words[1].ends_with("[]") && line.starts_with("  ");
            if is_back_side && dropped.is_none() && !words[1].starts_with("String") {
                dropped = Some(line.to_string());
                return false;
            }
            true
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(dropped.is_some(), "the showcase has a has-many relation field");
    let broken_path = tmp.path().join("broken.prisma");
    fs::write(&broken_path, broken).expect("write");
    let error = prisma_check(&broken_path).expect_err("a relation without its other side must be rejected");
    assert!(error.contains("missing an opposite relation field"), "{error}");

    // Valid but not formatted: the report's `formatted` differs.
    let misaligned = text.replacen("  id ", "  id    ", 1);
    let misaligned_path = tmp.path().join("misaligned.prisma");
    fs::write(&misaligned_path, &misaligned).expect("write");
    let report = prisma_check(&misaligned_path).expect("still valid");
    assert!(report["formatted"] != misaligned.as_str() && report["formatted"] == text.as_str());
}

/// The migration folders of `generated/prisma/migrations`, in the order
/// Prisma applies them (by name).
fn prisma_migrations(out: &Path) -> Vec<PathBuf> {
    let root = out.join("prisma/migrations");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn migrations_folder_has_prismas_layout_around_our_postgres_migration() {
    let (subjects, _guards) = subjects();
    for (name, dir) in subjects {
        let lock = read(&dir.join("prisma/migrations/migration_lock.toml"));
        assert!(lock.lines().any(|l| l == "provider = \"postgresql\""), "{name}: {lock}");
        let ours = load_migrations(&dir.join("migrations/postgres")).unwrap_or_else(|e| panic!("{e}"));
        let theirs = prisma_migrations(&dir);
        assert_eq!(theirs.len(), ours.len(), "{name}: one Prisma migration per migration");
        for (prisma, ours) in theirs.iter().zip(&ours) {
            let folder = prisma.file_name().unwrap_or_default().to_string_lossy().to_string();
            let (id, rest) = folder.split_at(14.min(folder.len()));
            assert!(id.chars().all(|c| c.is_ascii_digit()) && rest.starts_with('_'), "{name}: {folder}");
            assert_eq!(id.parse::<u64>().ok(), Some(ours.version), "{name}: {folder} vs {}", ours.name);
            let sql = read(&prisma.join("migration.sql"));
            assert!(sql == read(&ours.up), "{name}: {folder}/migration.sql is not {}", ours.up.display());
        }
    }
}

/// Prisma's default referential actions, in pg_constraint's letters.
fn action_letter(action: Option<&str>, default: &str) -> String {
    match action.unwrap_or(default) {
        "Cascade" => "c",
        "Restrict" => "r",
        "NoAction" => "a",
        "SetNull" => "n",
        "SetDefault" => "d",
        other => panic!("unknown referential action {other}"),
    }
    .to_string()
}

/// The PostgreSQL type (`format_type`) Prisma means by a field.
fn expected_pg_type(field: &Value, enums: &Value) -> String {
    let ty = str_of(field, "type");
    let native = field["nativeType"].as_array().map(|n| {
        let args = strings(&n[1]);
        (n[0].as_str().unwrap_or_default().to_string(), args)
    });
    let base = if field["kind"] == "enum" {
        let e = enums.as_array().into_iter().flatten().find(|e| e["name"] == ty).expect("enum of the field");
        str_of(e, "dbName").to_string()
    } else {
        match (ty, native.as_ref().map(|(n, a)| (n.as_str(), a.as_slice()))) {
            ("String", None) => "text".into(),
            ("String", Some(("Uuid", _))) => "uuid".into(),
            ("String", Some(("VarChar", [n]))) => format!("character varying({n})"),
            ("Int", None) => "integer".into(),
            ("Int", Some(("SmallInt", _))) => "smallint".into(),
            ("BigInt", None) => "bigint".into(),
            ("Float", None) => "double precision".into(),
            ("Float", Some(("Real", _))) => "real".into(),
            ("Boolean", None) => "boolean".into(),
            ("DateTime", None) => "timestamp(3) without time zone".into(),
            ("DateTime", Some(("Timestamptz", []))) => "timestamp with time zone".into(),
            ("DateTime", Some(("Timestamp", []))) => "timestamp without time zone".into(),
            ("DateTime", Some(("Date", _))) => "date".into(),
            ("DateTime", Some(("Time", []))) => "time without time zone".into(),
            ("Json", None) => "jsonb".into(),
            ("Decimal", None) => "numeric(65,30)".into(),
            ("Decimal", Some(("Decimal", []))) => "numeric".into(),
            ("Decimal", Some(("Decimal", [p, s]))) => format!("numeric({p},{s})"),
            ("Bytes", None) => "bytea".into(),
            other => panic!("no PostgreSQL type known for Prisma {other:?}"),
        }
    };
    if field["isList"] == true { format!("{base}[]") } else { base }
}

/// A default the database applies (not one Prisma Client computes).
fn is_database_default(field: &Value) -> bool {
    let client_side = ["cuid", "uuid", "nanoid", "ulid"];
    field["hasDefaultValue"] == true && !client_side.iter().any(|f| field["default"]["name"] == *f)
}

#[test]
fn prisma_migrations_build_our_database_and_the_dmmf_matches_it() {
    let (subjects, _guards) = subjects();
    for (name, dir) in subjects {
        let Some(mut via_prisma) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
        for migration in prisma_migrations(&dir) {
            via_prisma
                .execute_batch(&read(&migration.join("migration.sql")))
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", migration.display()));
        }
        let Some(mut ours) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
        for migration in load_migrations(&dir.join("migrations/postgres")).unwrap_or_else(|e| panic!("{e}")) {
            ours.execute_batch(&read(&migration.up)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let (expected, actual) = (ours.dump_schema().expect("dump"), via_prisma.dump_schema().expect("dump"));
        assert!(
            expected == actual,
            "{name}: Prisma's migrations build another schema:\n{}",
            diff_lines(&expected, &actual)
        );

        let path = dir.join("prisma/schema.prisma");
        let report = prisma_check(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_dmmf_against_database(&name, &report, via_prisma.client());

        // The cross-check can fail: a schema whose first foreign key name or
        // first VARCHAR length is wrong does not match the database.
        let text = read(&path);
        let tmp = TempDir::new("prisma-wrong");
        let fk = text.find("map: \"fk_").expect("a named foreign key") + "map: \"".len();
        let varchar = text.find("@db.VarChar(").expect("a VARCHAR column") + "@db.VarChar(".len();
        for (what, wrong, message) in [
            ("foreign key name", format!("{}wrong_{}", &text[..fk], &text[fk..]), "not in the database"),
            ("VARCHAR length", format!("{}9{}", &text[..varchar], &text[varchar..]), "type of"),
        ] {
            let wrong_path = tmp.path().join("schema.prisma");
            fs::write(&wrong_path, wrong).expect("write");
            let wrong_report = prisma_check(&wrong_path).unwrap_or_else(|e| panic!("{name}: {e}"));
            let client = via_prisma.client();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check_dmmf_against_database(&name, &wrong_report, client)
            }));
            let panic = outcome.expect_err(&format!("{name}: a schema with a wrong {what} matched the database"));
            let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(text.contains(message), "{name}: wrong {what}: unexpected failure: {text}");
        }
    }
}

/// What `tools/node/prisma-diff.mjs` reports: Prisma's schema engine
/// (WASM) diffing the database at `url` against `schema`.
fn prisma_diff(schema: &Path, url: &str) -> Result<(i64, String), String> {
    let engine = node_dir().join("node_modules/@prisma/schema-engine-wasm");
    assert!(
        engine.is_dir(),
        "{} is missing\nhelp: run `scripts/test` (it installs the Node tools), or `npm ci --ignore-scripts` in tools/node",
        engine.display()
    );
    let mut cmd = Command::new("node");
    cmd.arg(node_dir().join("prisma-diff.mjs")).arg(schema).arg(url);
    let output = run(cmd, &node_dir())?;
    let report: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("prisma-diff.mjs printed no JSON report: {e}"))?;
    Ok((report["exitCode"].as_i64().unwrap_or(-1), str_of(&report, "script").to_string()))
}

/// What Prisma's schema engine is known to plan for a subject, and why:
/// it compares a `dbgenerated(...)` default and an index's `where: raw(...)`
/// as text with PostgreSQL's deparsed form of the expression, and the
/// reserved-words fixture writes a `#[default(sql = ...)]` and an index
/// `where` otherwise (`lower('It''s')`, printed back as
/// `lower('It''s'::text)`; see docs/targets/prisma.md). Each must be
/// planned, and nothing else.
fn raw_sql_objects(name: &str) -> &'static [&'static str] {
    match name {
        "fixture reserved" => &[r#"ALTER COLUMN "label" SET DEFAULT lower('It''s')"#, r#""idx_order_order_partial""#],
        _ => &[],
    }
}

/// Whether every statement of `script` touches one of `raw`, and each of
/// `raw` is touched.
fn only_raw_sql(script: &str, raw: &[&str]) -> bool {
    let statements: Vec<String> = script
        .split(";\n")
        .map(|s| s.lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n"))
        .filter(|s| !s.trim().is_empty())
        .collect();
    !raw.is_empty()
        && statements.iter().all(|s| raw.iter().any(|r| s.contains(r)))
        && raw.iter().all(|r| statements.iter().any(|s| s.contains(r)))
}

/// Prisma's own planner agrees: its schema engine, diffing the database our
/// migrations built against our `schema.prisma` (what `prisma migrate diff
/// --from-config-datasource --to-schema` asks), plans no change. One thread
/// per subject.
#[test]
fn prismas_schema_engine_plans_no_change_after_our_migrations() {
    let (subjects, _guards) = subjects();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = subjects
            .iter()
            .map(|(name, dir)| {
                scope.spawn(move || {
                    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
                    for migration in load_migrations(&dir.join("migrations/postgres")).unwrap_or_else(|e| panic!("{e}"))
                    {
                        db.execute_batch(&read(&migration.up)).unwrap_or_else(|e| panic!("{name}: {e}"));
                    }
                    let raw = raw_sql_objects(name);
                    match prisma_diff(&dir.join("prisma/schema.prisma"), &db.url()) {
                        Ok((0, _)) if raw.is_empty() => {
                            eprintln!("{name}: Prisma's schema engine plans no change");
                            None
                        }
                        Ok((2, script)) if only_raw_sql(&script, raw) => {
                            eprintln!("{name}: Prisma's schema engine plans only the raw SQL it compares as text");
                            None
                        }
                        Ok((code, script)) => {
                            Some(format!("{name}: Prisma's schema engine wants (exit code {code}):\n{script}"))
                        }
                        Err(e) => Some(format!("{name}: {e}")),
                    }
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().expect("a subject thread panicked")).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The engine check can fail: with one VARCHAR length changed in a copy of
/// the showcase's schema, Prisma plans exactly that column's change.
#[test]
fn prismas_schema_engine_sees_a_changed_column() {
    let generated = common::tools::root().join("generated");
    let text = read(&generated.join("prisma/schema.prisma"));
    assert!(text.contains("@db.VarChar(500)"), "the showcase's tasks.title is no longer VARCHAR(500)");
    let tmp = TempDir::new("prisma-diff-changed");
    let path = tmp.path().join("schema.prisma");
    fs::write(&path, text.replacen("@db.VarChar(500)", "@db.VarChar(501)", 1)).expect("write");
    let Some(mut db) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    for migration in load_migrations(&generated.join("migrations/postgres")).unwrap_or_else(|e| panic!("{e}")) {
        db.execute_batch(&read(&migration.up)).unwrap_or_else(|e| panic!("{e}"));
    }
    let (code, script) = prisma_diff(&path, &db.url()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, 2, "{script}");
    assert!(script.contains(r#"ALTER TABLE "tasks" ALTER COLUMN "title" SET DATA TYPE VARCHAR(501)"#), "{script}");
}

fn check_dmmf_against_database(name: &str, report: &Value, db: &mut postgres::Client) {
    for e in report["enums"].as_array().into_iter().flatten() {
        let labels: Vec<String> = db
            .query(
                "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
                 WHERE t.typname = $1 ORDER BY e.enumsortorder",
                &[&str_of(e, "dbName")],
            )
            .expect("enum query")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(labels, strings(&e["values"]), "{name}: enum {}", e["dbName"]);
    }

    for model in models(report) {
        let table = str_of(model, "dbName");
        let context = format!("{name}: model {} (table {table})", model["name"]);

        // Columns: every scalar field is a column of that type, nullability
        // and default; every column is a field.
        let columns = db
            .query(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, \
                        (d.adbin IS NOT NULL OR a.attidentity <> '') \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind = 'r' \
                   AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                &[&table],
            )
            .expect("column query");
        assert!(!columns.is_empty(), "{context}: no such table");
        let scalars: Vec<&Value> = fields(model).filter(|f| f["kind"] != "object").collect();
        let described: BTreeSet<&str> = scalars.iter().map(|f| str_of(f, "dbName")).collect();
        // Unsupported("...") fields: Prisma knows the column but not its type.
        let opaque = strings(&model["unsupported"]);
        for column in &columns {
            let (col, ty, nullable, has_default): (String, String, bool, bool) =
                (column.get(0), column.get(1), column.get(2), column.get(3));
            if opaque.contains(&col) {
                continue;
            }
            assert!(described.contains(col.as_str()), "{context}: column {col} has no field");
            let field = scalars.iter().find(|f| f["dbName"] == col.as_str()).expect("described");
            assert_eq!(ty, expected_pg_type(field, &report["enums"]), "{context}: type of {col}");
            if field["isList"] != true {
                assert_eq!(nullable, field["isRequired"] != true, "{context}: nullability of {col}");
            }
            assert_eq!(has_default, is_database_default(field), "{context}: default of {col} ({})", field["default"]);
        }
        assert_eq!(columns.len(), scalars.len() + opaque.len(), "{context}: a field without a column");

        // Foreign keys: each relation with fields is a constraint of that
        // name, columns and actions; each constraint is such a relation.
        let constraints = db
            .query(
                "SELECT con.conname::text, \
                   ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), \
                   t.relname::text, \
                   ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), \
                   con.confdeltype::text, con.confupdtype::text \
                 FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
                 JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE con.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1",
                &[&table],
            )
            .expect("foreign key query");
        let belongs: Vec<&Value> =
            fields(model).filter(|f| f["kind"] == "object" && !strings(&f["relationFromFields"]).is_empty()).collect();
        assert_eq!(belongs.len(), constraints.len(), "{context}: relations vs foreign keys");
        for relation in belongs {
            let from: Vec<String> =
                strings(&relation["relationFromFields"]).iter().map(|f| column_of(model, f)).collect();
            let fk_name = relation["relationMap"]
                .as_str()
                .map_or_else(|| format!("{table}_{}_fkey", from.join("_")), str::to_string);
            let row = constraints.iter().find(|r| r.get::<_, String>(0) == fk_name).unwrap_or_else(|| {
                panic!("{context}: relation {} maps to {fk_name}, not in the database", relation["name"])
            });
            let target = models(report).iter().find(|m| m["name"] == relation["type"]).expect("target model");
            let to: Vec<String> = strings(&relation["relationToFields"]).iter().map(|f| column_of(target, f)).collect();
            let optional = relation["isRequired"] != true;
            let expected = (
                from,
                str_of(target, "dbName").to_string(),
                to,
                action_letter(relation["relationOnDelete"].as_str(), if optional { "SetNull" } else { "Restrict" }),
                action_letter(relation["relationOnUpdate"].as_str(), "Cascade"),
            );
            let actual: (Vec<String>, String, Vec<String>, String, String) =
                (row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
            assert_eq!(actual, expected, "{context}: foreign key {fk_name}");
        }

        // Keys and indexes: each DMMF index is one of the table's, with the
        // same columns, order and uniqueness; each of the table's is in the DMMF.
        // A covering index's INCLUDE columns come last, ascending: the schema
        // lists them as key columns, which is how Prisma's engine reads them.
        let indexes = db
            .query(
                "SELECT i.relname::text, x.indisunique, x.indisprimary, \
                   ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o) \
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o), \
                   ARRAY(SELECT k.o <= x.indnkeyatts AND (x.indoption[k.o - 1] & 1) = 1 \
                         FROM generate_series(1, x.indnatts) k(o) ORDER BY k.o) \
                 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relname = $1",
                &[&table],
            )
            .expect("index query");
        let prisma_indexes: Vec<&Value> =
            report["indexes"].as_array().expect("indexes").iter().filter(|i| i["model"] == model["name"]).collect();
        assert_eq!(prisma_indexes.len(), indexes.len(), "{context}: Prisma's keys and indexes vs the table's");
        for index in prisma_indexes {
            let index_name = str_of(index, "dbName");
            let row = indexes
                .iter()
                .find(|r| r.get::<_, String>(0) == index_name)
                .unwrap_or_else(|| panic!("{context}: index {index_name} is not in the database"));
            let index_fields = index["fields"].as_array().expect("fields");
            let expected = (
                index["type"] != "normal",
                index["type"] == "id",
                index_fields.iter().map(|f| column_of(model, str_of(f, "name"))).collect::<Vec<_>>(),
                index_fields.iter().map(|f| f["desc"] == true).collect::<Vec<_>>(),
            );
            let actual: (bool, bool, Vec<String>, Vec<bool>) = (row.get(1), row.get(2), row.get(3), row.get(4));
            assert_eq!(actual, expected, "{context}: index {index_name}");
        }
    }
}

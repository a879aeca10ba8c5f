//! Every target's own tool over generated schemas, batched: what the
//! property tests of names and limits (`tests/property_limits.rs`,
//! `tests/property_names.rs`) require of whatever builds.
//!
//! [`build`] generates one schema's crate (refused schemas must carry
//! located errors, never a panic); [`check_targets`] applies every accepted
//! schema's migrations and seed to PostgreSQL, MariaDB and SQLite (the
//! catalog must hold exactly the snapshot's names) and runs tsc --strict
//! (types, Drizzle, TypeORM), mypy --strict and Python's imports (Pydantic,
//! dataclasses, SQLAlchemy, Alembic), Prisma's validator and TypeORM against
//! the migrated PostgreSQL database, one run of each tool for all schemas.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::tools::{node_bin, node_dir, python, run, venv_bin};
use super::{Database, Dialect};

/// What generating one schema gave.
pub enum Built {
    /// Located errors: the schema was refused.
    Refused(Vec<String>),
    /// The output, written to this directory.
    Accepted(PathBuf),
}

pub fn build(source: &str, dir: &Path) -> Built {
    fs::create_dir_all(dir.join("src")).expect("a case dir");
    fs::write(dir.join("src/schema.rs"), source).expect("the schema");
    let out = dir.join("generated");
    let result = std::panic::catch_unwind(|| {
        tablewright::build::Builder::new().with_crate_dir(dir).with_out_dir(&out).generate()
    })
    .unwrap_or_else(|_| panic!("generating panicked on this schema:\n{source}"));
    match result {
        Ok(artifacts) => {
            artifacts.write().unwrap_or_else(|e| panic!("{e}"));
            Built::Accepted(out)
        }
        Err(tablewright::build::Error::Diagnostics(diagnostics)) => {
            let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
            assert!(!errors.is_empty(), "a refused schema has an error:\n{source}");
            for e in &errors {
                assert!(e.starts_with("src/schema.rs:"), "an error without its location: {e}\n{source}");
            }
            Built::Refused(errors)
        }
        Err(other) => panic!("{other}\n{source}"),
    }
}

/// The `(table, column)` names the snapshot promises, sorted.
fn promised_names(generated: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(generated.join("migrations/schema.snapshot.json")).expect("snapshot");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut names = Vec::new();
    for e in schema["entities"].as_array().expect("entities") {
        let table = e["table"].as_str().expect("table").to_string();
        for c in e["columns"].as_array().expect("columns") {
            names.push((table.clone(), c["name"].as_str().expect("name").to_string()));
        }
    }
    names.sort();
    names
}

/// The `(table, column)` names a database holds, sorted.
fn catalog_names(db: &mut dyn Database) -> Vec<(String, String)> {
    let sql = match db.dialect() {
        Dialect::Postgres => "SELECT json_agg(json_build_array(table_name, column_name))::text \
             FROM information_schema.columns WHERE table_schema = 'public'"
            .to_string(),
        Dialect::Mysql => format!(
            "SELECT JSON_ARRAYAGG(JSON_ARRAY(TABLE_NAME, COLUMN_NAME)) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = '{}'",
            db.name()
        ),
        Dialect::Sqlite => "SELECT json_group_array(json_array(m.name, p.name)) FROM sqlite_master m, \
             pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
            .to_string(),
    };
    let text = db.query_scalar(&sql).expect("catalog").unwrap_or_else(|| "[]".to_string());
    let pairs: Vec<(String, String)> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let mut names = pairs;
    names.sort();
    names
}

/// Migration, names and seed on one database.
fn check_database(db: &mut dyn Database, generated: &Path) -> Result<(), String> {
    let dialect = db.dialect();
    let migrations = super::load_migrations(&generated.join("migrations").join(dialect.dir_name()))?;
    for m in &migrations {
        let sql = fs::read_to_string(&m.up).map_err(|e| e.to_string())?;
        db.execute_batch(&sql).map_err(|e| format!("{dialect} migration: {e}"))?;
    }
    db.check_schema()?;
    let (promised, held) = (promised_names(generated), catalog_names(db));
    if promised != held {
        return Err(format!(
            "{dialect} holds other names than the snapshot:\n{}",
            super::diff_lines(
                &promised.iter().map(|(t, c)| format!("{t}.{c}")).collect::<Vec<_>>().join("\n"),
                &held.iter().map(|(t, c)| format!("{t}.{c}")).collect::<Vec<_>>().join("\n"),
            )
        ));
    }
    let seed = generated.join("seed").join(format!("seed.{}.sql", dialect.dir_name()));
    if let Ok(sql) = fs::read_to_string(&seed) {
        db.execute_batch(&sql).map_err(|e| format!("{dialect} seed: {e}"))?;
        db.check_schema().map_err(|e| format!("{dialect} after the seed: {e}"))?;
    }
    Ok(())
}

/// One strict tsc run over every accepted case's TypeScript.
fn tsc_all(root: &Path, generated: &[(usize, PathBuf)]) -> Result<(), String> {
    let project = root.join("ts");
    for (i, dir) in generated {
        let case = project.join(format!("case{i}"));
        // TypeORM's entities are compiled by `typeorm_compile`, with Node's
        // types (a bytes column is a `Buffer`).
        for sub in ["types", "drizzle"] {
            super::tools::copy_dir(&dir.join(sub), &case.join(sub));
        }
    }
    std::os::unix::fs::symlink(node_dir().join("node_modules"), project.join("node_modules")).expect("link");
    fs::write(
        project.join("tsconfig.json"),
        r#"{"compilerOptions": {"strict": true, "noEmit": true, "skipLibCheck": true, "target": "ES2022",
  "module": "ESNext", "moduleResolution": "Bundler", "types": [], "experimentalDecorators": true,
  "emitDecoratorMetadata": true}, "include": ["case*/**/*.ts"], "exclude": ["case*/drizzle/migrations"]}"#,
    )
    .expect("tsconfig");
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.args(["--project", "tsconfig.json"]);
    run(cmd, &project).map(drop)
}

/// The Python script that imports every case's modules under `-W error`.
const PY_CHECK: &str = r#"
import importlib, re, sys
import pydantic, sqlalchemy.orm
failures = []
for package in sys.argv[1:]:
    try:
        for module in ("types.models", "types.records"):
            mod = importlib.import_module(f"{package}.{module}")
            for name, cls in list(vars(mod).items()):
                doc = getattr(cls, "__doc__", None) or ""
                table = re.search(r"A row of ``(.+?)``\.", doc)
                if module == "types.models" and isinstance(cls, type) and table and issubclass(cls, pydantic.BaseModel):
                    fields = set(cls.model_fields)
                    own = set(getattr(cls, "__annotations__", {}))
                    if fields != own:
                        failures.append(f"{package}: {name} has fields {sorted(fields)}, declares {sorted(own)}")
        models = importlib.import_module(f"{package}.alembic.models")
        sqlalchemy.orm.configure_mappers()
        sqlalchemy.orm.clear_mappers()
    except Exception as e:
        failures.append(f"{package}: {type(e).__name__}: {e}")
if failures:
    sys.exit("\n".join(failures))
"#;

/// mypy --strict and the import check over every accepted case's Python.
fn python_all(root: &Path, generated: &[(usize, PathBuf)]) -> Result<(), String> {
    let project = root.join("py");
    let mut files = Vec::new();
    let mut packages = Vec::new();
    for (i, dir) in generated {
        let package = project.join(format!("case{i}"));
        super::tools::copy_dir(&dir.join("types"), &package.join("types"));
        super::tools::copy_dir(&dir.join("alembic"), &package.join("alembic"));
        for init in ["", "types", "alembic"] {
            fs::write(package.join(init).join("__init__.py"), "").expect("__init__");
        }
        files.push(format!("case{i}/types/models.py"));
        files.push(format!("case{i}/types/records.py"));
        files.push(format!("case{i}/alembic/models.py"));
        for revision in fs::read_dir(package.join("alembic/versions")).expect("versions") {
            let path = revision.expect("entry").path();
            files.push(path.strip_prefix(&project).expect("inside").display().to_string());
        }
        packages.push(format!("case{i}"));
    }
    let mut cmd = Command::new(venv_bin("mypy"));
    cmd.args(["--strict", "--explicit-package-bases", "--no-incremental", "--cache-dir", ".mypy_cache"]).args(&files);
    run(cmd, &project)?;
    fs::write(project.join("check_imports.py"), PY_CHECK).expect("script");
    let mut cmd = Command::new(python());
    cmd.args(["-W", "error", "check_imports.py"]).args(&packages);
    run(cmd, &project).map(drop)
}

const PRISMA_CHECK: &str = r#"
const { createRequire } = require("node:module");
const wasm = createRequire(process.env.NODE_TOOLS + "/")("@prisma/prisma-schema-wasm");
const fs = require("node:fs");
const failures = [];
for (const file of process.argv.slice(2)) {
  try {
    wasm.validate(JSON.stringify({ prismaSchema: [["schema.prisma", fs.readFileSync(file, "utf8")]], noColor: true }));
  } catch (e) {
    failures.push(`${file}: ${e.message}`);
  }
}
if (failures.length) { console.error(failures.join("\n")); process.exit(1); }
"#;

fn prisma_all(root: &Path, generated: &[(usize, PathBuf)]) -> Result<(), String> {
    fs::write(root.join("prisma_check.cjs"), PRISMA_CHECK).expect("script");
    let mut cmd = Command::new("node");
    cmd.arg("prisma_check.cjs").env("NODE_TOOLS", node_dir());
    for (_, dir) in generated {
        cmd.arg(dir.join("prisma/schema.prisma"));
    }
    run(cmd, root).map(drop)
}

/// Compiles every case's TypeORM files to CommonJS in one tsc run; the
/// compiled directory of each case.
fn typeorm_compile(root: &Path, generated: &[(usize, PathBuf)]) -> Result<Vec<(usize, PathBuf)>, String> {
    let project = root.join("typeorm");
    for (i, dir) in generated {
        super::tools::copy_dir(&dir.join("typeorm"), &project.join(format!("case{i}")));
    }
    let modules = node_dir().join("node_modules");
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true, "target": "ES2022", "module": "commonjs", "moduleResolution": "node",
            "experimentalDecorators": true, "emitDecoratorMetadata": true, "skipLibCheck": true,
            "noEmitOnError": true, "rootDir": ".", "outDir": "js",
            "typeRoots": [modules.join("@types")], "types": ["node"],
            "paths": { "*": [format!("{}/*", modules.display())] },
        },
        "include": ["case*/**/*.ts"],
    });
    fs::write(project.join("tsconfig.json"), config.to_string()).expect("tsconfig");
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.args(["-p", "tsconfig.json"]);
    run(cmd, &project)?;
    Ok(generated.iter().map(|(i, _)| (*i, project.join("js").join(format!("case{i}")))).collect())
}

/// TypeORM, pointed at the database our migration built: its metadata
/// builds (no refused relation) and it finds nothing to change.
fn typeorm_check(compiled: &Path, url: &str) -> Result<(), String> {
    let mut cmd = Command::new("node");
    cmd.arg(super::tools::root().join("tests/typeorm/check.cjs")).arg("log").arg(compiled).arg(url);
    cmd.env("NODE_PATH", node_dir().join("node_modules"));
    let output = run(cmd, compiled)?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    match report["pending"].as_array() {
        Some(pending) if pending.is_empty() => Ok(()),
        _ => Err(format!("TypeORM would change the database: {report}")),
    }
}

/// Every tool over every accepted schema (`(case, generated dir)`):
/// one message per failure, naming the tool and showing the sources of the
/// cases involved; empty when every tool accepted everything.
pub fn check_targets(root: &Path, sources: &[String], accepted: &[(usize, PathBuf)]) -> Vec<String> {
    let mut failures: Vec<String> = Vec::new();
    let mut fail = |what: &str, cases: &[usize], error: String| {
        let shown: Vec<String> = cases.iter().map(|i| format!("--- case {i}:\n{}", sources[*i])).collect();
        failures.push(format!("{what}: {error}\n{}", shown.join("\n")));
    };
    let mut postgres = Vec::new();
    for (i, dir) in accepted {
        for dialect in Dialect::ALL {
            let Some(mut db) = super::connect_or_panic(dialect) else { continue };
            if let Err(e) = check_database(db.as_mut(), dir) {
                fail(&format!("case {i} on {dialect}"), &[*i], e);
            }
        }
        // One more PostgreSQL database, kept for TypeORM.
        if let Some(mut db) = super::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) {
            let up = super::tools::postgres_up_sql(dir);
            match db.execute_batch(&up) {
                Ok(()) => postgres.push((*i, db)),
                Err(e) => fail(&format!("case {i} on PostgreSQL"), &[*i], e),
            }
        }
    }
    let all: Vec<usize> = accepted.iter().map(|(i, _)| *i).collect();
    match typeorm_compile(root, accepted) {
        Err(e) => fail("tsc (TypeORM, CommonJS)", &all, e),
        Ok(compiled) => {
            for (i, db) in &postgres {
                let Some((_, dir)) = compiled.iter().find(|(c, _)| c == i) else { continue };
                if let Err(e) = typeorm_check(dir, &db.url()) {
                    fail(&format!("TypeORM, case {i}"), &[*i], e);
                }
            }
        }
    }
    if let Err(e) = tsc_all(root, accepted) {
        fail("tsc --strict", &all, e);
    }
    if let Err(e) = python_all(root, accepted) {
        fail("mypy --strict / Python imports", &all, e);
    }
    if let Err(e) = prisma_all(root, accepted) {
        fail("Prisma's validator", &all, e);
    }
    failures
}

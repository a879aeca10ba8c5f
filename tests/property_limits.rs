//! The promise of the dialect limits and target names, as a property over
//! generated schemas: whatever builds, every database and every tool
//! accepts. Schemas are drawn (proptest strategies, a deterministic runner)
//! from names that stress the rules: lengths around 63 bytes, multi-byte and
//! non-ASCII letters, SQL reserved words, PostgreSQL's system columns and
//! built-in type names, the `pg_`/`sqlite_` prefixes, names that differ only
//! in case, and every target's keywords and imported names (`BaseModel`,
//! `Field`, `Entity`, `Column`, `Mapped`, `Base`, `Date`, `JsonValue`,
//! Prisma's scalars, `class`, `type`, `from`, ...), with foreign keys that
//! may form cycles.
//!
//! Each schema either fails to build with located errors (`path:line:col`,
//! never a panic), or its output is accepted by:
//!
//! - PostgreSQL, MariaDB and SQLite: the migration applies, the catalog
//!   holds exactly the snapshot's table and column names (nothing cut short),
//!   and the seed loads with every key checked;
//! - `tsc --strict` (types, the three Drizzle schemas, TypeORM's entities),
//!   `mypy --strict` (Pydantic models, dataclasses, SQLAlchemy models and
//!   the Alembic revision), Python itself (`-W error`: the models import,
//!   each row model has exactly its table's fields, SQLAlchemy's mappers
//!   configure) and Prisma's schema validator.
//!
//! The tool runs are batched (one tsc, one mypy, one Python, one Node run
//! for every schema) to keep the suite fast. A failure prints the schema's
//! source.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, node_bin, node_dir, python, run, venv_bin};
use common::{Database, Dialect};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// How many schemas one run draws.
const CASES: usize = 24;

/// Entity (struct) names: ordinary ones and the names targets import or reserve.
const ENTITY_NAMES: &[&str] = &[
    "Task",
    "Invoice",
    "Label",
    "Größe",
    "Café",
    "Ωmega",
    "日记",
    "Entity",
    "Column",
    "Relation",
    "Index",
    "Check",
    "BaseModel",
    "Field",
    "ConfigDict",
    "Annotated",
    "Literal",
    "Mapped",
    "Base",
    "DeclarativeBase",
    "Any",
    "SqlType",
    "Date",
    "Partial",
    "Record",
    "Omit",
    "Uint8Array",
    "Buffer",
    "JsonValue",
    "PrismaClient",
    "Int",
    "Float",
    "Boolean",
    "BigInt",
    "Bytes",
    "class",
    "string",
    "str",
    "r#type",
    "list",
    "TypeAlias",
    "Promise",
];

/// Explicit table names, or none (the default plural of the struct name).
const TABLE_NAMES: &[Option<&str>] = &[
    None,
    None,
    None,
    None,
    Some("order"),
    Some("user"),
    Some("select"),
    Some("text"),
    Some("sql"),
    Some("relations"),
    Some("t"),
    Some("Tasks"),
    Some("tasks"),
    Some("pg_stats"),
    Some("sqlite_things"),
    Some("données"),
    Some("ääääääääääääääääääääääääääääääää"),
    Some("äääääääääääääääääääääääääääääää"),
    Some("a_table_name_of_sixty_two_bytes_which_every_database_accepts__"),
    Some("a_table_name_of_sixty_three_bytes_which_every_database_accepts_"),
    Some("a_table_name_of_sixty_four_bytes_which_postgres_cuts_short_silen"),
    Some("a_table_name_of_sixty_five_bytes_which_postgres_and_mysql_reject_"),
    Some("trailing "),
    Some("emoji_😀"),
];

/// Field names (Rust identifiers).
const FIELD_NAMES: &[&str] = &[
    "title",
    "amount",
    "due_on",
    "note",
    "r#type",
    "class",
    "metadata",
    "registry",
    "json",
    "uuid",
    "datetime",
    "decimal",
    "Field",
    "BaseModel",
    "länge",
    "größe",
    "名前",
    "select",
    "order",
    "xmin",
    "t",
    "one",
    "data",
    "model_config",
    "schema",
    "id_",
    "Title",
];

/// Explicit column names, or none (the field's name).
const COLUMN_NAMES: &[Option<&str>] = &[
    None,
    None,
    None,
    None,
    None,
    Some("from"),
    Some("group"),
    Some("ctid"),
    Some("title"),
    Some("TITLE"),
    Some("my column"),
    Some("1st"),
    Some("_private"),
    Some("a_column_name_of_sixty_three_bytes_which_every_database_accepts"),
    Some("a_column_name_of_sixty_four_bytes_which_postgres_cuts_short_sile"),
    Some("m²"),
    Some("名前"),
];

/// Column types of the DSL.
const TYPES: &[&str] = &[
    "String",
    "i16",
    "i32",
    "i64",
    "f32",
    "f64",
    "bool",
    "Uuid",
    "DateTime<Utc>",
    "NaiveDate",
    "Json",
    "Decimal",
    "Vec<u8>",
];

/// Enum names and variants (`Int`, `Date` and `Text` are PostgreSQL's own type names once snake_cased).
const ENUM_NAMES: &[&str] =
    &["Status", "Kind", "Phase", "Status", "Kind", "Phase", "Int", "Date", "class", "BaseModel"];
const VARIANTS: &[&str] = &[
    "Open",
    "Closed",
    "InProgress",
    "Done",
    "LongestLabelPostgresKeepsInEnumsIsSixtyThreeBytesLong",
    "ALabelLongerThanPostgresKeepsInAnEnumTypeWhichIsSixtyThreeBytes",
];

#[derive(Clone, Debug)]
struct Col {
    field: usize,
    column: usize,
    ty: usize,
    nullable: bool,
    /// `max_len` for strings: none, 40, or a size past MySQL's VARCHAR.
    max_len: u8,
    index: bool,
}

#[derive(Clone, Debug)]
struct Ent {
    name: usize,
    table: usize,
    auto_key: bool,
    cols: Vec<Col>,
    /// (target entity index, nullable, deferrable)
    fks: Vec<(usize, bool, bool)>,
    enum_col: bool,
}

#[derive(Clone, Debug)]
struct Case {
    ents: Vec<Ent>,
    enum_name: usize,
    variants: Vec<usize>,
}

fn col() -> impl Strategy<Value = Col> {
    (0..FIELD_NAMES.len(), 0..COLUMN_NAMES.len(), 0..TYPES.len(), any::<bool>(), 0u8..3, prop::bool::weighted(0.2))
        .prop_map(|(field, column, ty, nullable, max_len, index)| Col { field, column, ty, nullable, max_len, index })
}

fn ent() -> impl Strategy<Value = Ent> {
    (
        0..ENTITY_NAMES.len(),
        0..TABLE_NAMES.len(),
        any::<bool>(),
        prop::collection::vec(col(), 0..4),
        prop::collection::vec((0usize..4, any::<bool>(), prop::bool::weighted(0.2)), 0..2),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(name, table, auto_key, cols, fks, enum_col)| Ent {
            name,
            table,
            auto_key,
            cols,
            fks,
            enum_col,
        })
}

fn case() -> impl Strategy<Value = Case> {
    (prop::collection::vec(ent(), 1..4), 0..ENUM_NAMES.len(), prop::collection::vec(0..VARIANTS.len(), 1..3))
        .prop_map(|(ents, enum_name, variants)| Case { ents, enum_name, variants })
}

fn key_type(e: &Ent) -> &'static str {
    if e.auto_key { "i64" } else { "Uuid" }
}

/// The schema's source text.
fn source(case: &Case) -> String {
    let mut s = String::from("use tablewright::prelude::*;\n\n");
    let enum_name = ENUM_NAMES[case.enum_name];
    let uses_enum = case.ents.iter().any(|e| e.enum_col);
    if uses_enum {
        let mut variants: Vec<&str> = case.variants.iter().map(|v| VARIANTS[*v]).collect();
        variants.dedup();
        writeln!(s, "#[db_enum]\npub enum {enum_name} {{\n    {},\n}}\n", variants.join(",\n    ")).unwrap();
    }
    // Rust refuses two structs of one name: a repeated name gets its position.
    let names: Vec<String> = case
        .ents
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let name = ENTITY_NAMES[e.name];
            let earlier = case.ents[..i].iter().any(|x| ENTITY_NAMES[x.name] == name);
            if earlier { format!("{}{i}", name.trim_start_matches("r#")) } else { name.to_string() }
        })
        .collect();
    for (i, e) in case.ents.iter().enumerate() {
        match TABLE_NAMES[e.table] {
            Some(table) => writeln!(s, "#[entity(table = {table:?})]").unwrap(),
            None => s.push_str("#[entity]\n"),
        }
        writeln!(s, "pub struct {} {{", names[i]).unwrap();
        s.push_str(if e.auto_key { "    #[id(auto)]\n    pub id: i64,\n" } else { "    #[id]\n    pub id: Uuid,\n" });
        let mut fields: Vec<&str> = Vec::new();
        for c in &e.cols {
            // Rust refuses two fields of one name.
            if fields.contains(&FIELD_NAMES[c.field]) {
                continue;
            }
            fields.push(FIELD_NAMES[c.field]);
            let ty = TYPES[c.ty];
            let mut options = Vec::new();
            if let Some(name) = COLUMN_NAMES[c.column] {
                options.push(format!("name = {name:?}"));
            }
            if ty == "String" {
                match c.max_len {
                    1 => options.push("max_len = 40".to_string()),
                    2 => options.push("max_len = 20000".to_string()),
                    _ => {}
                }
            }
            if ty == "Decimal" {
                options.push("precision = 12, scale = 2".to_string());
            }
            if !options.is_empty() {
                writeln!(s, "    #[column({})]", options.join(", ")).unwrap();
            }
            if c.index {
                s.push_str("    #[index]\n");
            }
            let ty = if c.nullable { format!("Option<{ty}>") } else { ty.to_string() };
            writeln!(s, "    pub {}: {ty},", FIELD_NAMES[c.field]).unwrap();
        }
        for (k, (target, nullable, deferrable)) in e.fks.iter().enumerate() {
            let at = target % case.ents.len();
            let t = &case.ents[at];
            let target_name = if at == i { "Self" } else { names[at].as_str() };
            let ty = if *nullable { format!("Option<{}>", key_type(t)) } else { key_type(t).to_string() };
            let deferrable = if *deferrable { ", deferrable" } else { "" };
            writeln!(s, "    #[index]\n    #[belongs_to({target_name}{deferrable})]\n    pub link{k}_id: {ty},")
                .unwrap();
        }
        if e.enum_col {
            writeln!(s, "    pub kind: {enum_name},").unwrap();
        }
        s.push_str("}\n\n");
    }
    s
}

/// The schemas of one run, drawn deterministically.
fn cases() -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    (0..CASES).map(|_| source(&case().new_tree(&mut runner).expect("a strategy always draws").current())).collect()
}

/// What generating one schema gave.
enum Built {
    /// Located errors: the schema was refused.
    Refused(Vec<String>),
    /// The output, written to this directory.
    Accepted(PathBuf),
}

fn build(source: &str, dir: &Path) -> Built {
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
    let migrations = common::load_migrations(&generated.join("migrations").join(dialect.dir_name()))?;
    for m in &migrations {
        let sql = fs::read_to_string(&m.up).map_err(|e| e.to_string())?;
        db.execute_batch(&sql).map_err(|e| format!("{dialect} migration: {e}"))?;
    }
    db.check_schema()?;
    let (promised, held) = (promised_names(generated), catalog_names(db));
    if promised != held {
        return Err(format!(
            "{dialect} holds other names than the snapshot:\n{}",
            common::diff_lines(
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
        for sub in ["types", "drizzle", "typeorm"] {
            common::tools::copy_dir(&dir.join(sub), &case.join(sub));
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
        common::tools::copy_dir(&dir.join("types"), &package.join("types"));
        common::tools::copy_dir(&dir.join("alembic"), &package.join("alembic"));
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
        common::tools::copy_dir(&dir.join("typeorm"), &project.join(format!("case{i}")));
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
    cmd.arg(common::tools::root().join("tests/typeorm/check.cjs")).arg("log").arg(compiled).arg(url);
    cmd.env("NODE_PATH", node_dir().join("node_modules"));
    let output = run(cmd, compiled)?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    match report["pending"].as_array() {
        Some(pending) if pending.is_empty() => Ok(()),
        _ => Err(format!("TypeORM would change the database: {report}")),
    }
}

#[test]
fn whatever_builds_every_database_and_tool_accepts() {
    let root = TempDir::new("property-limits");
    let sources = cases();
    let mut accepted: Vec<(usize, PathBuf)> = Vec::new();
    let mut refused = 0;
    for (i, source) in sources.iter().enumerate() {
        match build(source, &root.path().join(format!("crate{i}"))) {
            Built::Accepted(dir) => accepted.push((i, dir)),
            Built::Refused(errors) => {
                refused += 1;
                eprintln!(
                    "case {i}: refused with {} error(s), first: {}",
                    errors.len(),
                    errors[0].lines().next().unwrap_or("")
                );
            }
        }
    }
    eprintln!("{} schemas: {} built, {refused} refused", sources.len(), accepted.len());
    // The built ones must carry names the targets import, or the property
    // says nothing about avoiding them.
    let clashing: std::collections::BTreeSet<&str> = accepted
        .iter()
        .flat_map(|(i, _)| {
            ENTITY_NAMES[7..].iter().copied().filter(|n| sources[*i].contains(&format!("pub struct {n} {{")))
        })
        .collect();
    eprintln!("target names among the built schemas: {clashing:?}");
    assert!(clashing.len() >= 5, "too few target names built: {clashing:?}");
    assert!(accepted.len() * 4 >= sources.len(), "too few schemas build for the property to say much");
    assert!(refused > 0, "no schema was refused: the names do not reach the limits");

    let mut failures: Vec<String> = Vec::new();
    let mut fail = |what: &str, cases: &[usize], error: String| {
        let shown: Vec<String> = cases.iter().map(|i| format!("--- case {i}:\n{}", sources[*i])).collect();
        failures.push(format!("{what}: {error}\n{}", shown.join("\n")));
    };
    let mut postgres = Vec::new();
    for (i, dir) in &accepted {
        for dialect in Dialect::ALL {
            let Some(mut db) = common::connect_or_panic(dialect) else { continue };
            if let Err(e) = check_database(db.as_mut(), dir) {
                fail(&format!("case {i} on {dialect}"), &[*i], e);
            }
        }
        // One more PostgreSQL database, kept for TypeORM.
        if let Some(mut db) = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) {
            let up = common::tools::postgres_up_sql(dir);
            match db.execute_batch(&up) {
                Ok(()) => postgres.push((*i, db)),
                Err(e) => fail(&format!("case {i} on PostgreSQL"), &[*i], e),
            }
        }
    }
    let all: Vec<usize> = accepted.iter().map(|(i, _)| *i).collect();
    match typeorm_compile(root.path(), &accepted) {
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
    if let Err(e) = tsc_all(root.path(), &accepted) {
        fail("tsc --strict", &all, e);
    }
    if let Err(e) = python_all(root.path(), &accepted) {
        fail("mypy --strict / Python imports", &all, e);
    }
    if let Err(e) = prisma_all(root.path(), &accepted) {
        fail("Prisma's validator", &all, e);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

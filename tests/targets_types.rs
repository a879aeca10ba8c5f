//! The types target (`generated/types/`) of the showcase and every example,
//! checked by the tools its users run:
//!
//! - `schema.ts` under `tsc --strict`, with a usage file that assigns a good
//!   row, insert and update per entity and, under `// @ts-expect-error`, a
//!   wrong value for every column: an unused directive fails the build, so a
//!   column typed `any`/`unknown`, a non-null column that accepts `null`, a
//!   required insert column that may be left out or an updatable key fails.
//! - `models.py` and `records.py` under `mypy --strict` and pyright
//!   strict, with a usage file whose wrong calls carry `# type: ignore[...]`
//!   comments that both checkers require to be needed.
//! - The Pydantic models at run time (`python -W error`): a good row of every
//!   entity validates, and a wrong type, a NULL in a NOT NULL column, a
//!   string over its maximum length, a decimal over its precision and an
//!   unknown enum value are each rejected.
//! - A broken copy of each file fails its checker, so the checks can fail.
//! - The drivers: on a real PostgreSQL database built from the migration and
//!   the seed data, every value node-postgres returns has the runtime type
//!   `schema.ts` declares for its column, and every row psycopg returns
//!   builds the dataclass with values of the declared types and validates
//!   against the Pydantic row model in strict mode.
//!
//! The rows come from each crate's schema snapshot
//! (`generated/migrations/schema.snapshot.json`), the same model the emitter read.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, node_bin, node_dir, python, read, run, venv_bin};
use common::{Database, PgDatabase};
use serde_json::Value;

/// One column of the snapshot, as far as the checks need it.
struct Column {
    name: String,
    /// The snapshot's type kind: `string`, `i64`, `enum`, ...
    kind: String,
    enum_name: Option<String>,
    nullable: bool,
    /// Has a default or is a database-generated key.
    filled: bool,
    key: bool,
    max_len: Option<u64>,
    precision: Option<u64>,
    scale: Option<u64>,
    doc: Option<String>,
    /// A `#[polymorphic]` type column: the target values it may hold.
    literals: Option<Vec<String>>,
}

struct Entity {
    name: String,
    table: String,
    columns: Vec<Column>,
}

struct Enum {
    name: String,
    sql_name: String,
    values: Vec<String>,
}

struct Schema {
    entities: Vec<Entity>,
    enums: Vec<Enum>,
}

fn load_schema(krate: &Path) -> Schema {
    let path = krate.join("generated/migrations/schema.snapshot.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("snapshot is JSON");
    let str_of = |v: &Value| v.as_str().map(str::to_string);
    let entities = json["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            let keys: Vec<&str> =
                e["primary_key"]["columns"].as_array().expect("pk").iter().filter_map(Value::as_str).collect();
            let links = e["polymorphic"].as_array().cloned().unwrap_or_default();
            Entity {
                name: str_of(&e["name"]).expect("name"),
                table: str_of(&e["table"]).expect("table"),
                columns: e["columns"]
                    .as_array()
                    .expect("columns")
                    .iter()
                    .map(|c| {
                        let name = str_of(&c["name"]).expect("column name");
                        Column {
                            kind: str_of(&c["type"]["kind"]).expect("kind"),
                            enum_name: str_of(&c["type"]["name"]),
                            nullable: c["nullable"].as_bool().expect("nullable"),
                            filled: !c["default"].is_null()
                                || matches!(c["generated"].as_str(), Some("identity" | "random_uuid")),
                            key: keys.contains(&name.as_str()),
                            max_len: c["max_len"].as_u64(),
                            precision: c["precision"].as_u64(),
                            scale: c["scale"].as_u64(),
                            doc: str_of(&c["doc"]),
                            literals: links.iter().find(|l| l["type_column"].as_str() == Some(name.as_str())).map(
                                |l| {
                                    l["targets"]
                                        .as_array()
                                        .expect("targets")
                                        .iter()
                                        .filter_map(|t| str_of(&t["value"]))
                                        .collect()
                                },
                            ),
                            name,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let enums = json["enums"]
        .as_array()
        .expect("enums")
        .iter()
        .map(|e| Enum {
            name: str_of(&e["name"]).expect("enum name"),
            sql_name: str_of(&e["sql_name"]).expect("enum sql name"),
            values: e["variants"].as_array().expect("variants").iter().filter_map(|v| str_of(&v["value"])).collect(),
        })
        .collect();
    Schema { entities, enums }
}

/// The column's type admits a null: a nullable column, or a JSON column,
/// whose NOT NULL still allows the JSON value `null` (`'null'::jsonb`).
fn admits_null(c: &Column) -> bool {
    c.nullable || c.kind == "json"
}

fn types_dir(krate: &Path) -> PathBuf {
    krate.join("generated/types")
}

fn values_const(enum_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in enum_name.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out + "Values"
}

// ---------------------------------------------------------------- TypeScript

/// A value of the column's TypeScript type (the enum's first value for enums).
fn ts_value(schema: &Schema, c: &Column) -> String {
    if let Some(literals) = &c.literals {
        return serde_json::to_string(&literals[0]).expect("json");
    }
    match c.kind.as_str() {
        "string" => "\"x\"".into(),
        "i16" | "i32" | "f32" | "f64" => "1".into(),
        "i64" | "decimal" => "\"1\"".into(),
        "bool" => "true".into(),
        "uuid" => "\"00000000-0000-4000-8000-000000000001\"".into(),
        "date_time_utc" | "naive_date_time" | "naive_date" => "new Date(0)".into(),
        "naive_time" => "\"12:00:00\"".into(),
        "json" => "{ a: [1, \"b\", null, { c: true }] }".into(),
        "bytes" => "new Uint8Array([1, 2])".into(),
        "string_array" => "[\"a\", \"b\"]".into(),
        "enum" => {
            let name = c.enum_name.as_deref().expect("enum name");
            let e = schema.enums.iter().find(|e| e.name == name).expect("enum declared");
            serde_json::to_string(&e.values[0]).expect("json")
        }
        other => panic!("no TypeScript sample for column kind {other}"),
    }
}

fn ts_object(schema: &Schema, columns: &[&Column]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| format!("{}: {}", serde_json::to_string(&c.name).unwrap(), ts_value(schema, c)))
        .collect();
    format!("{{ {} }}", fields.join(", "))
}

/// The usage file: good values compile, each wrong one is an expected error.
fn ts_usage(schema: &Schema) -> String {
    let mut out = String::from("import * as db from \"./schema\";\n\n");
    for e in &schema.enums {
        let values = values_const(&e.name);
        writeln!(out, "export const all{0}: readonly db.{0}[] = db.{values};", e.name).unwrap();
        writeln!(out, "export const first{0}: db.{0} = db.{values}[0];", e.name).unwrap();
        writeln!(out, "// @ts-expect-error: not a value of the enum").unwrap();
        writeln!(out, "export const bad{0}: db.{0} = \"not_a_value\";", e.name).unwrap();
    }
    for e in &schema.entities {
        let n = &e.name;
        let all: Vec<&Column> = e.columns.iter().collect();
        let required: Vec<&Column> = e.columns.iter().filter(|c| !c.nullable && !c.filled).collect();
        writeln!(out, "\nexport const row{n}: db.{n} = {};", ts_object(schema, &all)).unwrap();
        writeln!(out, "export const new{n}: db.New{n} = {};", ts_object(schema, &required)).unwrap();
        writeln!(out, "export const full{n}: db.New{n} = {};", ts_object(schema, &all)).unwrap();
        writeln!(out, "export const noChange{n}: db.{n}Update = {{}};").unwrap();
        for (i, c) in e.columns.iter().enumerate() {
            let key = serde_json::to_string(&c.name).unwrap();
            writeln!(out, "// @ts-expect-error: {n}.{} is typed, not any", c.name).unwrap();
            writeln!(out, "export const wrong{n}{i}: db.{n} = {{ ...row{n}, {key}: Symbol(\"wrong\") }};").unwrap();
            if c.literals.is_some() {
                writeln!(out, "// @ts-expect-error: {n}.{} holds one of its link's targets", c.name).unwrap();
                writeln!(out, "export const target{n}{i}: db.{n} = {{ ...row{n}, {key}: \"not_a_target\" }};").unwrap();
            }
            if admits_null(c) {
                writeln!(out, "export const null{n}{i}: db.{n} = {{ ...row{n}, {key}: null }};").unwrap();
            } else {
                writeln!(out, "// @ts-expect-error: {n}.{} is NOT NULL", c.name).unwrap();
                writeln!(out, "export const null{n}{i}: db.{n} = {{ ...row{n}, {key}: null }};").unwrap();
            }
            if !c.nullable && !c.filled {
                let others: Vec<&Column> = required.iter().copied().filter(|o| o.name != c.name).collect();
                writeln!(out, "// @ts-expect-error: an insert must give {n}.{}", c.name).unwrap();
                writeln!(out, "export const missing{n}{i}: db.New{n} = {};", ts_object(schema, &others)).unwrap();
            }
            let change = ts_object(schema, &[c]);
            if c.key {
                writeln!(out, "// @ts-expect-error: {n}.{} is part of the primary key", c.name).unwrap();
            }
            writeln!(out, "export const change{n}{i}: db.{n}Update = {change};").unwrap();
        }
    }
    out
}

fn tsc(dir: &Path) -> Result<(), String> {
    let config = r#"{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "target": "es2022",
    "module": "esnext",
    "moduleResolution": "bundler",
    "types": [],
    "skipLibCheck": true
  },
  "include": ["*.ts"]
}
"#;
    fs::write(dir.join("tsconfig.json"), config).expect("write tsconfig");
    let mut cmd = Command::new(node_bin("tsc"));
    cmd.args(["--project", "tsconfig.json"]);
    run(cmd, dir).map(drop)
}

#[test]
fn typescript_types_compile_under_strict_and_type_every_column() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let tmp = TempDir::new("types-ts");
        fs::copy(types_dir(&krate).join("schema.ts"), tmp.path().join("schema.ts")).expect("copy schema.ts");
        fs::write(tmp.path().join("usage.ts"), ts_usage(&schema)).expect("write usage.ts");
        tsc(tmp.path()).unwrap_or_else(|e| panic!("{label}: {e}"));

        // The same check fails on a broken copy: the usage file assigns a
        // string to the first column of the first entity, now a number.
        let broken = read(&tmp.path().join("schema.ts")).replacen("  id: string;", "  id: number;", 1);
        assert_ne!(broken, read(&tmp.path().join("schema.ts")), "{label}: the broken copy must differ");
        fs::write(tmp.path().join("schema.ts"), broken).expect("write broken copy");
        let err = tsc(tmp.path()).expect_err(&format!("{label}: tsc accepted a broken schema.ts"));
        assert!(err.contains("error TS"), "{label}: {err}");
    }
}

// -------------------------------------------------------------------- Python

/// A value of the column's Python type; `module` is `models` or `dc`.
fn py_value(schema: &Schema, c: &Column, module: &str) -> String {
    if let Some(literals) = &c.literals {
        return serde_json::to_string(&literals[0]).expect("json");
    }
    match c.kind.as_str() {
        "string" => "\"x\"".into(),
        "i16" | "i32" | "i64" => "1".into(),
        "f32" | "f64" => "1.5".into(),
        "decimal" => "decimal.Decimal(\"1.25\")".into(),
        "bool" => "True".into(),
        "uuid" => "uuid.UUID(int=1)".into(),
        "date_time_utc" => "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)".into(),
        "naive_date_time" => "datetime.datetime(2024, 1, 2, 3, 4, 5)".into(),
        "naive_date" => "datetime.date(2024, 1, 2)".into(),
        "naive_time" => "datetime.time(12, 30)".into(),
        "json" => "{\"a\": [1, \"b\", None, {\"c\": True}]}".into(),
        "bytes" => "b\"\\x01\\x02\"".into(),
        "string_array" => "[\"a\", \"b\"]".into(),
        "enum" => {
            let name = c.enum_name.as_deref().expect("enum column has an enum name");
            let e = schema.enums.iter().find(|e| e.name == name).expect("enum declared");
            format!("{module}.{name}({})", serde_json::to_string(&e.values[0]).expect("json"))
        }
        other => panic!("no Python sample for column kind {other}"),
    }
}

fn py_kwargs(schema: &Schema, columns: &[&Column], module: &str, replace: Option<(&str, &str)>) -> String {
    let args: Vec<String> = columns
        .iter()
        .map(|c| match replace {
            Some((name, value)) if name == c.name => format!("{}={value}", c.name),
            _ => format!("{}={}", c.name, py_value(schema, c, module)),
        })
        .collect();
    args.join(", ")
}

const PY_IMPORTS: &str = "import datetime\nimport decimal\nimport uuid\n\n\
                          from generated.types import records as dc\nfrom generated.types import models\n";

/// The typing usage file: good calls type-check; each wrong call carries a
/// `# type: ignore[...]` that mypy (warn_unused_ignores, part of --strict) and
/// pyright (reportUnnecessaryTypeIgnoreComment) require to be needed.
fn py_typing_usage(schema: &Schema) -> String {
    let mut out = format!("{PY_IMPORTS}\n");
    out.push_str("_ = (datetime, decimal, uuid)\n\n");
    for e in &schema.enums {
        for module in ["dc", "models"] {
            writeln!(
                out,
                "value_{module}_{0}: {module}.{0} = {module}.{0}({1})",
                e.name,
                serde_json::to_string(&e.values[0]).unwrap()
            )
            .unwrap();
            writeln!(out, "bad_{module}_{0}: {module}.{0} = \"not_a_value\"  # type: ignore[assignment]", e.name)
                .unwrap();
        }
    }
    for e in &schema.entities {
        let n = &e.name;
        let all: Vec<&Column> = e.columns.iter().collect();
        let required: Vec<&Column> = e.columns.iter().filter(|c| !c.nullable && !c.filled).collect();
        writeln!(out, "\nrow_dc_{n} = dc.{n}({})", py_kwargs(schema, &all, "dc", None)).unwrap();
        writeln!(out, "row_models_{n} = models.{n}({})", py_kwargs(schema, &all, "models", None)).unwrap();
        writeln!(out, "create_{n} = models.{n}Create({})", py_kwargs(schema, &required, "models", None)).unwrap();
        for c in &e.columns {
            for (module, class) in [("dc", n.clone()), ("models", n.clone()), ("models", format!("{n}Create"))] {
                let wrong = py_kwargs(schema, &all, module, Some((&c.name, "object()")));
                writeln!(out, "{module}.{class}({wrong})  # type: ignore[arg-type]").unwrap();
            }
            if !admits_null(c) {
                let null = py_kwargs(schema, &all, "dc", Some((&c.name, "None")));
                writeln!(out, "dc.{n}({null})  # type: ignore[arg-type]").unwrap();
            }
            if !c.nullable && !c.filled {
                let others: Vec<&Column> = required.iter().copied().filter(|o| o.name != c.name).collect();
                writeln!(
                    out,
                    "models.{n}Create({})  # type: ignore[call-arg]",
                    py_kwargs(schema, &others, "models", None)
                )
                .unwrap();
            }
        }
    }
    out
}

/// A temporary project holding copies of the crate's Python files as the
/// package `generated.types` (the way users import them) and the usage file.
fn python_project(krate: &Path, schema: &Schema) -> TempDir {
    let tmp = TempDir::new("types-py");
    let pkg = tmp.path().join("generated/types");
    fs::create_dir_all(&pkg).expect("mkdir");
    for file in ["models.py", "records.py"] {
        fs::copy(types_dir(krate).join(file), pkg.join(file)).expect("copy python file");
    }
    fs::write(tmp.path().join("usage_types.py"), py_typing_usage(schema)).expect("write usage");
    tmp
}

const PY_FILES: [&str; 3] = ["generated/types/models.py", "generated/types/records.py", "usage_types.py"];

fn mypy(dir: &Path) -> Result<(), String> {
    let mut cmd = Command::new(venv_bin("mypy"));
    // Module names from the directory layout (`generated.types.records`),
    // as users import them.
    cmd.args(["--strict", "--explicit-package-bases", "--no-incremental", "--cache-dir", ".mypy_cache"]);
    cmd.args(PY_FILES);
    run(cmd, dir).map(drop)
}

fn pyright(dir: &Path) -> Result<(), String> {
    let config = serde_json::json!({
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "reportUnnecessaryTypeIgnoreComment": "error",
        "include": PY_FILES,
    });
    fs::write(dir.join("pyrightconfig.json"), config.to_string()).expect("write pyrightconfig");
    let mut cmd = Command::new(node_bin("pyright"));
    cmd.arg("--pythonpath").arg(python());
    run(cmd, dir).map(drop)
}

#[test]
fn python_types_pass_mypy_strict() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let project = python_project(&krate, &schema);
        mypy(project.path()).unwrap_or_else(|e| panic!("{label}: {e}"));

        // A broken copy fails: the first UUID annotation names a missing type.
        let models = project.path().join("generated/types/models.py");
        let text = read(&models);
        let broken = text.replacen(": uuid.UUID", ": uuid.UUUID", 1).replacen(": int", ": intt", 1);
        assert_ne!(broken, text, "{label}: the broken copy must differ");
        fs::write(&models, broken).expect("write broken copy");
        let err = mypy(project.path()).expect_err(&format!("{label}: mypy accepted a broken models.py"));
        assert!(err.contains("error:"), "{label}: {err}");
    }
}

#[test]
fn python_types_pass_pyright_strict() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let project = python_project(&krate, &schema);
        pyright(project.path()).unwrap_or_else(|e| panic!("{label}: {e}"));

        // A broken copy fails: a dataclass field loses its type.
        let records = project.path().join("generated/types/records.py");
        let text = read(&records);
        let broken = text.replacen("    id: ", "    id: list  # ", 1);
        assert_ne!(broken, text, "{label}: the broken copy must differ");
        fs::write(&records, broken).expect("write broken copy");
        let err = pyright(project.path()).expect_err(&format!("{label}: pyright accepted a broken records.py"));
        assert!(err.contains("error"), "{label}: {err}");
    }
}

/// With `generated/types` as the working directory (and so first on
/// `sys.path`), the modules import as `models` and `records`, the standard
/// library's `dataclasses` is still the standard library's, and mypy
/// `--strict` and pyright strict accept the files as loose modules.
#[test]
fn python_types_import_and_check_as_loose_files() {
    for (label, krate) in common::crate_dirs() {
        let tmp = TempDir::new("types-loose");
        for file in ["models.py", "records.py"] {
            fs::copy(types_dir(&krate).join(file), tmp.path().join(file)).expect("copy python file");
        }
        let mut cmd = Command::new(venv_bin("python"));
        cmd.args([
            "-W",
            "error",
            "-c",
            "import dataclasses, sys, models, records\n\
             assert dataclasses.__file__.startswith(sys.base_prefix), dataclasses.__file__\n\
             assert records.__file__.endswith('records.py')",
        ]);
        run(cmd, tmp.path()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let mut cmd = Command::new(venv_bin("mypy"));
        cmd.args(["--strict", "--no-incremental", "--cache-dir", ".mypy_cache", "models.py", "records.py"]);
        run(cmd, tmp.path()).unwrap_or_else(|e| panic!("{label}: mypy over loose files: {e}"));
        let config = serde_json::json!({ "typeCheckingMode": "strict", "pythonVersion": "3.11" });
        fs::write(tmp.path().join("pyrightconfig.json"), config.to_string()).expect("write pyrightconfig");
        let mut cmd = Command::new(node_bin("pyright"));
        cmd.arg("--pythonpath").arg(python());
        run(cmd, tmp.path()).unwrap_or_else(|e| panic!("{label}: pyright over loose files: {e}"));
    }
}

/// The run-time script: every entity's good row validates; every kind of bad
/// value is rejected with a `ValidationError`.
fn py_pydantic_script(schema: &Schema) -> String {
    let mut out = format!("{PY_IMPORTS}\nfrom pydantic import ValidationError\n\n");
    out.push_str(
        "checked = 0\n\n\
         def rejects(model: type, payload: dict[str, object], why: str) -> None:\n    \
             global checked\n    \
             try:\n        \
                 model.model_validate(payload)\n    \
             except ValidationError:\n        \
                 checked += 1\n        \
                 return\n    \
             raise AssertionError(f\"{model.__name__} accepted {why}: {payload!r}\")\n\n",
    );
    for e in &schema.entities {
        let n = &e.name;
        let all: Vec<&Column> = e.columns.iter().collect();
        let required: Vec<&Column> = e.columns.iter().filter(|c| !c.nullable && !c.filled).collect();
        let dict = |columns: &[&Column], replace: Option<(&str, String)>| -> String {
            let items: Vec<String> = columns
                .iter()
                .map(|c| match &replace {
                    Some((name, value)) if *name == c.name => format!("{:?}: {value}", c.name),
                    _ => format!("{:?}: {}", c.name, py_value(schema, c, "models")),
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        };
        writeln!(out, "good = {}", dict(&all, None)).unwrap();
        writeln!(out, "row = models.{n}.model_validate(good)").unwrap();
        writeln!(out, "assert models.{n}.model_validate_json(row.model_dump_json()) == row, row").unwrap();
        writeln!(out, "assert models.{n}.model_validate(dc.{n}(**good), from_attributes=True) == row").unwrap();
        writeln!(out, "create = models.{n}Create.model_validate({})", dict(&required, None)).unwrap();
        let names: Vec<String> = required.iter().map(|c| format!("{:?}", c.name)).collect();
        // `{}` would be an empty dict, never equal to a set.
        let expected = if names.is_empty() { "set()".to_string() } else { format!("{{{}}}", names.join(", ")) };
        writeln!(out, "assert set(create.model_dump(exclude_unset=True)) == {expected}, create").unwrap();
        writeln!(out, "rejects(models.{n}Create, {{**good, \"no_such_column\": 1}}, \"an unknown column\")").unwrap();
        for c in &e.columns {
            let name = &c.name;
            writeln!(
                out,
                "rejects(models.{n}, {}, \"a wrong type in {name}\")",
                dict(&all, Some((name, "object()".into())))
            )
            .unwrap();
            if !admits_null(c) {
                writeln!(out, "rejects(models.{n}, {}, \"NULL in {name}\")", dict(&all, Some((name, "None".into()))))
                    .unwrap();
            }
            if c.literals.is_some() {
                let bad = "\"not_a_target\"".to_string();
                writeln!(out, "rejects(models.{n}, {}, \"an unknown {name}\")", dict(&all, Some((name, bad)))).unwrap();
            } else if let Some(max) = c.max_len {
                let at_max = format!("\"x\" * {max}");
                let over = format!("\"x\" * {}", max + 1);
                writeln!(out, "models.{n}.model_validate({})", dict(&all, Some((name, at_max)))).unwrap();
                writeln!(out, "rejects(models.{n}, {}, \"a too long {name}\")", dict(&all, Some((name, over))))
                    .unwrap();
            }
            if let (Some(p), s) = (c.precision, c.scale.unwrap_or(0)) {
                let whole = format!("decimal.Decimal(\"{}\")", "9".repeat((p - s + 1) as usize));
                writeln!(
                    out,
                    "rejects(models.{n}, {}, \"too many digits in {name}\")",
                    dict(&all, Some((name, whole)))
                )
                .unwrap();
                let places = format!("decimal.Decimal(\"0.{}\")", "1".repeat((s + 1) as usize));
                writeln!(
                    out,
                    "rejects(models.{n}, {}, \"too many places in {name}\")",
                    dict(&all, Some((name, places)))
                )
                .unwrap();
            }
            if c.kind == "enum" {
                let bad = "\"not_a_value\"".to_string();
                writeln!(out, "rejects(models.{n}, {}, \"an unknown {name}\")", dict(&all, Some((name, bad)))).unwrap();
            }
            if let Some(doc) = &c.doc {
                writeln!(
                    out,
                    "assert models.{n}.model_fields[{name:?}].description == {}, models.{n}.model_fields[{name:?}]",
                    serde_json::to_string(doc).unwrap()
                )
                .unwrap();
            }
        }
    }
    out.push_str("assert checked > 0\nprint(f\"pydantic: {checked} bad payloads rejected\")\n");
    out
}

#[test]
fn pydantic_models_validate_good_rows_and_reject_bad_ones() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let project = python_project(&krate, &schema);
        fs::write(project.path().join("check_pydantic.py"), py_pydantic_script(&schema)).expect("write script");
        let mut cmd = Command::new(python());
        // Deprecations (a v1-style `class Config`, ...) fail the run.
        cmd.args(["-W", "error", "check_pydantic.py"]);
        let out = run(cmd, project.path()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains("bad payloads rejected"), "{label}: {printed}");
        println!("{label}: {}", printed.trim());
    }
}

// ------------------------------------------------------------------- Drivers

/// A fresh database with the crate's Postgres migration and seed data.
fn seeded_database(krate: &Path) -> Option<PgDatabase> {
    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    let migrations = common::load_migrations(&krate.join("generated/migrations/postgres")).expect("migrations");
    for m in &migrations {
        db.execute_batch(&read(&m.up)).unwrap_or_else(|e| panic!("{}: {e}", m.up.display()));
    }
    let seed = krate.join("generated/seed/seed.postgres.sql");
    db.execute_batch(&read(&seed)).unwrap_or_else(|e| panic!("{}: {e}", seed.display()));
    Some(db)
}

/// The row interface's property types in `schema.ts`: `column -> type`
/// without `| null`.
fn ts_row_types(schema_ts: &str, entity: &str) -> Vec<(String, String)> {
    let body = schema_ts
        .split(&format!("export interface {entity} {{\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no interface {entity}"))
        .split("\n}")
        .next()
        .expect("interface body");
    body.lines()
        .filter(|l| !l.trim_start().starts_with("/**") && !l.trim_start().starts_with('*'))
        .filter_map(|l| {
            let (key, ty) = l.trim().trim_end_matches(';').split_once(": ")?;
            let key = serde_json::from_str::<String>(key).unwrap_or_else(|_| key.to_string());
            Some((key, ty.trim_end_matches(" | null").to_string()))
        })
        .collect()
}

/// The runtime kinds (as `node_types.mjs` names them) a TypeScript type admits.
fn runtime_kinds(schema: &Schema, ts_type: &str) -> &'static [&'static str] {
    if schema.enums.iter().any(|e| e.name == ts_type) {
        return &["string"];
    }
    // A global a declaration shadows is written `globalThis.Date`.
    match ts_type.strip_prefix("globalThis.").unwrap_or(ts_type) {
        "string" => &["string"],
        "number" => &["number"],
        "boolean" => &["boolean"],
        "Date" => &["Date"],
        "Uint8Array" => &["Uint8Array"],
        "string[]" => &["string[]"],
        // `_JsonValue` where the schema declares a `JsonValue` itself.
        "JsonValue" | "_JsonValue" => &["object", "string[]", "array", "string", "number", "boolean"],
        union if union.starts_with('"') => &["string"],
        other => panic!("no runtime kind for the TypeScript type {other}"),
    }
}

const NODE_TYPES: &str = r#"
import { createRequire } from "node:module";
const require = createRequire(process.env.NODE_TOOLS + "/");
const pg = require("pg");
const [url, tablesJson] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
const kind = (v) => {
  if (v === null) return null;
  if (v instanceof Date) return "Date";
  if (Buffer.isBuffer(v)) return "Uint8Array";
  if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? "string[]" : "array";
  return typeof v;
};
const out = {};
for (const table of JSON.parse(tablesJson)) {
  const { rows } = await client.query(`SELECT * FROM "${table.replaceAll('"', '""')}"`);
  const seen = {};
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      const k = kind(value);
      if (k !== null) (seen[column] ??= []).includes(k) || seen[column].push(k);
    }
  }
  out[table] = { rows: rows.length, seen };
}
await client.end();
console.log(JSON.stringify(out));
"#;

#[test]
fn node_postgres_returns_what_schema_ts_declares() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let Some(db) = seeded_database(&krate) else {
            eprintln!("note: {label}: PostgreSQL unreachable, skipped (TABLEWRIGHT_SKIP_DB_TESTS=1)");
            continue;
        };
        let tmp = TempDir::new("types-pg");
        fs::write(tmp.path().join("node_types.mjs"), NODE_TYPES).expect("write script");
        let tables: Vec<&str> = schema.entities.iter().map(|e| e.table.as_str()).collect();
        let mut cmd = Command::new("node");
        cmd.arg("node_types.mjs").arg(db.url()).arg(serde_json::to_string(&tables).unwrap());
        cmd.env("NODE_TOOLS", node_dir());
        let out = run(cmd, tmp.path()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let seen: Value = serde_json::from_slice(&out.stdout).expect("script prints JSON");

        let schema_ts = read(&types_dir(&krate).join("schema.ts"));
        // Tables the seed leaves empty say so in its header (a cycle of NOT NULL keys).
        let seed = read(&krate.join("generated/seed/seed.postgres.sql"));
        let not_seeded: Vec<&str> = seed
            .lines()
            .filter_map(|l| l.strip_prefix("-- Not seeded: "))
            .flat_map(|l| l.split(", because").next().unwrap_or_default().split('`').skip(1).step_by(2))
            .collect();
        let (mut checked, mut never_set) = (0, Vec::new());
        for e in schema.entities.iter().filter(|e| !not_seeded.contains(&e.table.as_str())) {
            let table = &seen[e.table.as_str()];
            assert!(table["rows"].as_u64().unwrap_or(0) > 0, "{label}: the seed left `{}` empty", e.table);
            for (column, ts_type) in ts_row_types(&schema_ts, &e.name) {
                let Some(kinds) = table["seen"][column.as_str()].as_array() else {
                    never_set.push(format!("{}.{column}", e.table));
                    continue;
                };
                for k in kinds.iter().filter_map(Value::as_str) {
                    assert!(
                        runtime_kinds(&schema, &ts_type).contains(&k),
                        "{label}: node-postgres returned a {k} for {}.{column}, declared `{ts_type}`",
                        e.table
                    );
                    checked += 1;
                }
            }
        }
        eprintln!("{label}: {checked} column types match node-postgres; always NULL in the seed: {never_set:?}");
        assert!(checked > 0, "{label}: nothing checked");
    }
}

const PSYCOPG_TYPES: &str = r#"
import dataclasses
import datetime
import json
import sys
import typing

import psycopg
from psycopg.rows import dict_row
from psycopg.types.enum import EnumInfo, register_enum

from generated.types import records as dc
from generated.types import models

spec = json.loads(sys.argv[2])

def connect(module: object) -> psycopg.Connection[dict[str, object]]:
    conn = psycopg.connect(sys.argv[1], row_factory=dict_row)
    # Postgres enums come back as str unless registered: then as the StrEnum.
    for sql_name, name in spec["enums"]:
        info = EnumInfo.fetch(conn, sql_name)
        assert info is not None, sql_name
        cls = getattr(module, name)
        # psycopg maps member names by default; ours are the labels' values.
        register_enum(info, conn, cls, mapping={m: m.value for m in cls})
    return conn

def conforms(value: object, hint: object, kind: str) -> bool:
    if hint is getattr(dc, "JsonValue", None):
        return isinstance(value, (dict, list, str, int, float, bool, type(None)))
    origin = typing.get_origin(hint)
    if origin in (typing.Union, __import__("types").UnionType):
        return any(conforms(value, arg, kind) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin is dict:
        return isinstance(value, dict)
    if origin is list:
        str_items = typing.get_args(hint) == (str,)
        return isinstance(value, list) and (not str_items or all(isinstance(v, str) for v in value))
    if hint is type(None):
        return value is None
    if hint is datetime.datetime:
        return isinstance(value, datetime.datetime) and (value.tzinfo is not None) == (kind == "date_time_utc")
    if hint is datetime.date:
        return type(value) is datetime.date
    if hint is float:
        return type(value) is float
    if hint is int:
        return type(value) is int
    return isinstance(value, hint)  # type: ignore[arg-type]

checked = 0
with connect(dc) as dc_conn, connect(models) as models_conn:
    for entity in spec["entities"]:
        cls = getattr(dc, entity["name"])
        hints = typing.get_type_hints(cls)
        rows = dc_conn.execute(f'SELECT * FROM "{entity["table"]}"').fetchall()
        for row in rows:
            obj = cls(**row)
            for field in dataclasses.fields(obj):
                value = getattr(obj, field.name)
                kind = entity["kinds"][field.name]
                assert conforms(value, hints[field.name], kind), (entity["table"], field.name, repr(value), hints[field.name])
                checked += 1
        model = getattr(models, entity["name"])
        for row in models_conn.execute(f'SELECT * FROM "{entity["table"]}"').fetchall():
            model.model_validate(row, strict=True)
print(f"psycopg: {checked} values conform")
"#;

#[test]
fn psycopg_rows_fit_the_dataclasses_and_the_strict_pydantic_models() {
    for (label, krate) in common::crate_dirs() {
        let schema = load_schema(&krate);
        let Some(db) = seeded_database(&krate) else {
            eprintln!("note: {label}: PostgreSQL unreachable, skipped (TABLEWRIGHT_SKIP_DB_TESTS=1)");
            continue;
        };
        let project = python_project(&krate, &schema);
        fs::write(project.path().join("psycopg_types.py"), PSYCOPG_TYPES).expect("write script");
        let spec = serde_json::json!({
            "enums": schema.enums.iter().map(|e| [&e.sql_name, &e.name]).collect::<Vec<_>>(),
            "entities": schema.entities.iter().map(|e| serde_json::json!({
                "name": e.name,
                "table": e.table,
                "kinds": e.columns.iter().map(|c| (c.name.clone(), Value::from(c.kind.clone()))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
        });
        let mut cmd = Command::new(python());
        cmd.args(["-W", "error", "psycopg_types.py"]).arg(db.url()).arg(spec.to_string());
        let out = run(cmd, project.path()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains("values conform"), "{label}: {printed}");
        eprintln!("{label}: {}", printed.trim());
    }
}

//! Prisma import, proven through Prisma's own reading of both schemas.
//!
//! Each schema under `tests/fixtures/prisma/` (a blog, a shop, a multi-file
//! school) is imported; the source goes into a temporary crate; tablewright's
//! build pipeline ([`Builder`]) generates that crate's `prisma/schema.prisma`;
//! and Prisma's schema engine (`@prisma/prisma-schema-wasm`, through
//! `tools/node/prisma-check.mjs`) reads the original and the generated schema
//! into DMMF. The two DMMFs are reduced to what describes the database:
//! models (name, table), scalar fields (column, name, kind, type, list,
//! required, native type, default, `@updatedAt`), relations by their key
//! columns (holder, columns, target, target columns, actions, required, and
//! whether the other side is a list), ids, uniques and indexes (columns,
//! sort order, database name) and enums (name, type name, stored values).
//!
//! Then the original's view goes through the documented normalizations
//! (`docs` of [`normalize_original`]): what tablewright names or stores
//! differently by design, and what the import report says it could not
//! keep. After them the two views must be equal, field for field.
//! Relation field names and relation names are not compared: tablewright
//! derives them from the key columns (`docs/targets/prisma.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tablewright_cli::import::prisma::{ImportError, Imported, convert::variant_name, import_prisma, read_schema};
use tablewright_core::build::Builder;
use tablewright_core::naming;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/prisma").join(name)
}

fn node_dir() -> PathBuf {
    manifest_dir().join("../tools/node")
}

/// Prisma's report on a schema file (see `tools/node/prisma-check.mjs`).
fn prisma_check(schema: &Path) -> Value {
    let wasm = node_dir().join("node_modules/@prisma/prisma-schema-wasm");
    assert!(
        wasm.is_dir(),
        "{} is missing\nhelp: run `scripts/test` (it installs the Node tools), or `npm ci --ignore-scripts` in tools/node",
        wasm.display()
    );
    let output = Command::new("node")
        .arg(node_dir().join("prisma-check.mjs"))
        .arg(schema)
        .current_dir(node_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(
        output.status.success(),
        "Prisma rejects {}:\n{}",
        schema.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("prisma-check.mjs printed no JSON: {e}"))
}

/// The import, its generated `schema.prisma` and both Prisma reports.
struct RoundTrip {
    imported: Imported,
    generated: String,
    original: Value,
    ours: Value,
    _dir: tempfile::TempDir,
}

fn round_trip(name: &str) -> RoundTrip {
    let path = fixture(name);
    let imported = import_prisma(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = tempfile::tempdir().expect("a temp dir");
    // The original as one file: a multi-file schema is its files' blocks together.
    let files = read_schema(&path).unwrap_or_else(|e| panic!("{e}"));
    let original_text: Vec<&str> = files.iter().map(|(_, text)| text.as_str()).collect();
    let original_path = dir.path().join("original.prisma");
    std::fs::write(&original_path, original_text.join("\n")).expect("write");

    let krate = dir.path().join("crate");
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    std::fs::write(krate.join("src/lib.rs"), &imported.source).expect("write");
    let artifacts = Builder::new().with_crate_dir(&krate).with_out_dir("generated").generate().unwrap_or_else(|e| {
        panic!("{name}: the imported source does not build:\n{e}\n--- source\n{}", imported.source)
    });
    let generated = artifacts
        .get("prisma/schema.prisma")
        .map(|a| String::from_utf8_lossy(&a.contents).into_owned())
        .expect("a schema.prisma");
    let generated_path = dir.path().join("generated.prisma");
    std::fs::write(&generated_path, &generated).expect("write");
    RoundTrip {
        original: prisma_check(&original_path),
        ours: prisma_check(&generated_path),
        imported,
        generated,
        _dir: dir,
    }
}

// ---- the views -------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Scalar {
    model: String,
    column: String,
    name: String,
    kind: String,
    ty: String,
    list: bool,
    required: bool,
    native: String,
    default: String,
    updated_at: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Relation {
    holder: String,
    columns: Vec<String>,
    target: String,
    target_columns: Vec<String>,
    on_delete: String,
    on_update: String,
    required: bool,
    /// `list` or `optional`: the field on the other side.
    back: String,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct IndexView {
    model: String,
    kind: String,
    columns: Vec<(String, bool)>,
    /// The database name; `None` for ids (tablewright names every key `pk_<table>`).
    name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct View {
    /// Model -> table.
    models: BTreeMap<String, String>,
    scalars: BTreeSet<Scalar>,
    relations: BTreeSet<Relation>,
    indexes: BTreeSet<IndexView>,
    /// Enum -> (type name, stored values).
    enums: BTreeMap<String, (String, Vec<String>)>,
    /// Many-to-many relations without a relation model: (model, model, relation name).
    implicit_m2m: BTreeSet<(String, String, String)>,
    /// Columns of `Unsupported("...")` fields (not in the DMMF), by model.
    unsupported: BTreeSet<(String, String)>,
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn list(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().map(s).collect()
}

/// Prisma's native type when none is written, on PostgreSQL.
fn default_native(ty: &str) -> &'static str {
    match ty {
        "String" => "Text",
        "Int" => "Integer",
        "BigInt" => "BigInt",
        "Float" => "DoublePrecision",
        "Decimal" => "Decimal(65,30)",
        "Boolean" => "Boolean",
        "DateTime" => "Timestamp(3)",
        "Json" => "JsonB",
        "Bytes" => "ByteA",
        _ => "",
    }
}

fn view(report: &Value) -> View {
    let mut out = View::default();
    let models = report["models"].as_array().expect("models");
    let column = |model: &str, field: &str| -> String {
        let m = models.iter().find(|m| m["name"] == model).expect("a model");
        m["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == field)
            .map(|f| s(&f["dbName"]))
            .expect("a field")
    };
    for m in models {
        let model = s(&m["name"]);
        out.models.insert(model.clone(), s(&m["dbName"]));
        for c in list(&m["unsupported"]) {
            out.unsupported.insert((model.clone(), c));
        }
        let fields = m["fields"].as_array().expect("fields");
        for f in fields {
            if f["kind"] != "object" {
                let ty = s(&f["type"]);
                let native = match f["nativeType"].as_array() {
                    Some(n) => {
                        let args = list(&n[1]);
                        if args.is_empty() { s(&n[0]) } else { format!("{}({})", s(&n[0]), args.join(",")) }
                    }
                    None if f["kind"] == "scalar" => default_native(&ty).to_string(),
                    None => String::new(),
                };
                out.scalars.insert(Scalar {
                    model: model.clone(),
                    column: s(&f["dbName"]),
                    name: s(&f["name"]),
                    kind: s(&f["kind"]),
                    ty,
                    list: f["isList"] == true,
                    required: f["isRequired"] == true,
                    native,
                    default: if f["hasDefaultValue"] == true { f["default"].to_string() } else { String::new() },
                    updated_at: f["isUpdatedAt"] == true,
                });
                continue;
            }
            let target = s(&f["type"]);
            let from = list(&f["relationFromFields"]);
            let target_model = models.iter().find(|t| t["name"] == target.as_str()).expect("a target model");
            let opposite = target_model["fields"].as_array().expect("fields").iter().find(|o| {
                o["relationName"] == f["relationName"] && o["type"] == model.as_str() && o["name"] != f["name"]
            });
            if from.is_empty() {
                // A list whose other side is a list too: an implicit many-to-many.
                if f["isList"] == true && opposite.is_some_and(|o| o["isList"] == true) {
                    let (a, b) = if model <= target { (model.clone(), target) } else { (target, model.clone()) };
                    out.implicit_m2m.insert((a, b, s(&f["relationName"])));
                }
                continue;
            }
            let required = f["isRequired"] == true;
            let default_delete = if required { "Restrict" } else { "SetNull" };
            out.relations.insert(Relation {
                holder: model.clone(),
                columns: from.iter().map(|x| column(&model, x)).collect(),
                target: target.clone(),
                target_columns: list(&f["relationToFields"]).iter().map(|x| column(&target, x)).collect(),
                on_delete: f["relationOnDelete"].as_str().unwrap_or(default_delete).to_string(),
                on_update: f["relationOnUpdate"].as_str().unwrap_or("Cascade").to_string(),
                required,
                back: match opposite {
                    Some(o) if o["isList"] == true => "list".to_string(),
                    Some(_) => "optional".to_string(),
                    None => "none".to_string(),
                },
            });
        }
    }
    for i in report["indexes"].as_array().expect("indexes") {
        let model = s(&i["model"]);
        let table = out.models[&model].clone();
        let columns: Vec<(String, bool)> = i["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| (column(&model, &s(&f["name"])), f["desc"] == true))
            .collect();
        let kind = s(&i["type"]);
        let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        // Prisma's default names, spelled out, so a `map:` equal to the default compares equal.
        let name = match kind.as_str() {
            "id" => None,
            "unique" => {
                Some(i["dbName"].as_str().map_or_else(|| format!("{table}_{}_key", names.join("_")), str::to_string))
            }
            _ => Some(i["dbName"].as_str().map_or_else(|| format!("{table}_{}_idx", names.join("_")), str::to_string)),
        };
        out.indexes.insert(IndexView { model, kind, columns, name });
    }
    for e in report["enums"].as_array().expect("enums") {
        out.enums.insert(s(&e["name"]), (s(&e["dbName"]), list(&e["values"])));
    }
    out
}

// ---- the documented normalizations ------------------------------------------------

/// What tablewright changes by design, applied to the original's view:
///
/// 1. Enum values are stored as the snake_case of their variant
///    (`USER` -> `user`); the Prisma names stay (`USER @map("user")`).
/// 2. `DateTime` without `@db.*` (Prisma: `timestamp(3)`) is
///    `DateTime<Utc>`, `timestamptz`; time precisions are not kept.
/// 3. A `@db.Uuid` key with Prisma Client's `uuid()`, and every `Uuid`
///    column of a composite key, get the database default
///    `gen_random_uuid()` (`#[id]` on a `Uuid`).
/// 4. `@updatedAt` survives only as `#[timestamps]`'s `updated_at`, which
///    also has `DEFAULT now()`; elsewhere it is a plain column.
/// 5. A `Unsupported("...")` field (absent from the DMMF) is a `String`
///    field with that `sql_type` (Prisma sees `String`).
/// 6. An implicit many-to-many is a junction model (checked apart by
///    [`take_junction`]); its list fields are not compared.
/// 7. A relation that is not one column pointing at the target's key is
///    left out (its columns stay); `report` must say so.
/// 8. A native type with no DSL type (`@db.Char(2)`) is kept as the
///    column's `sql_type`, which Prisma does not see: the scalar's default
///    native type; `report` must say so.
fn normalize_original(original: &View, ours: &View, report: &[String]) -> View {
    let mut out = original.clone();
    // 1.
    for (_, values) in out.enums.values_mut() {
        for v in values.iter_mut() {
            *v = naming::snake_case(&variant_name(v));
        }
    }
    let timestamps: BTreeSet<String> = original
        .scalars
        .iter()
        .filter(|c| c.column == "updated_at" && c.updated_at)
        .filter(|c| original.scalars.iter().any(|x| x.model == c.model && x.column == "created_at"))
        .map(|c| c.model.clone())
        .collect();
    let keys: BTreeMap<&str, Vec<&str>> = original
        .indexes
        .iter()
        .filter(|i| i.kind == "id")
        .map(|i| (i.model.as_str(), i.columns.iter().map(|(c, _)| c.as_str()).collect()))
        .collect();
    out.scalars = original
        .scalars
        .iter()
        .cloned()
        .map(|mut c| {
            // 2.
            if c.ty == "DateTime" {
                c.native = match c.native.split('(').next().unwrap_or_default() {
                    "Timestamp" if c.native == "Timestamp(3)" => "Timestamptz".to_string(),
                    other => other.to_string(),
                };
            }
            // 3.
            let key = keys.get(c.model.as_str()).cloned().unwrap_or_default();
            let uuid_key = c.native == "Uuid" && key.contains(&c.column.as_str());
            if uuid_key && (key.len() > 1 && c.default.is_empty() || c.default.contains("\"uuid\"")) {
                c.default = r#"{"name":"dbgenerated","args":["gen_random_uuid()"]}"#.to_string();
            }
            // 8.
            if !c.native.is_empty()
                && report
                    .iter()
                    .any(|n| n.starts_with(&format!("`{}.{}`: `@db.", c.model, c.name)) && n.contains("sql_type"))
            {
                c.native = default_native(&c.ty).to_string();
            }
            // 4.
            if c.updated_at {
                if timestamps.contains(&c.model) && c.column == "updated_at" {
                    c.default = r#"{"name":"now","args":[]}"#.to_string();
                } else {
                    c.updated_at = false;
                    assert!(
                        report.iter().any(|n| n.contains(&format!("`{}.{}`: `@updatedAt`", c.model, c.name))),
                        "the report says `{}.{}` loses @updatedAt",
                        c.model,
                        c.name
                    );
                }
            }
            c
        })
        .collect();
    // 5.
    for (model, column) in &original.unsupported {
        let ours = ours.scalars.iter().find(|c| &c.model == model && &c.column == column).expect("the column");
        assert_eq!((ours.ty.as_str(), ours.native.as_str()), ("String", "Text"), "{model}.{column}");
        out.scalars.insert(ours.clone());
        assert!(report.iter().any(|n| n.contains("Unsupported(")), "the report names the Unsupported field");
    }
    out.unsupported.clear();
    // 6.
    out.implicit_m2m.clear();
    // 7.
    out.relations.retain(|r| {
        let single_to_key =
            r.columns.len() == 1 && keys.get(r.target.as_str()) == Some(&vec![r.target_columns[0].as_str()]);
        if !single_to_key {
            assert!(
                report.iter().any(|n| n.contains(&format!("({}) -> `{}`", r.columns.join(", "), r.target))),
                "the report says the relation {r:?} is left out"
            );
        }
        single_to_key
    });
    out
}

/// Finds and removes from `ours` the junction model of the implicit
/// many-to-many `relation` between `a` and `b` (`a` sorts first, Prisma's
/// side A), checking its shape: a composite id over two required keys, each
/// pointing at one side's key, deleted with it, listed on the other side;
/// an index on the second key. A self relation keeps Prisma's table
/// `_<relation>` and columns `A`, `B`; any other is tablewright's junction
/// `<A><B>` (table `<a>_<b>s`, columns `<a>_id`, `<b>_id`).
fn take_junction(ours: &mut View, original: &View, (a, b, relation): &(String, String, String)) {
    let (model, table, left, right) = if a == b {
        (relation.clone(), format!("_{relation}"), "A".to_string(), "B".to_string())
    } else {
        let name = format!("{a}{b}");
        let table = naming::table_name(&name);
        (name, table, naming::key_column(a), naming::key_column(b))
    };
    assert_eq!(ours.models.remove(&model).as_deref(), Some(table.as_str()), "the junction of {relation}");
    let key_of = |m: &str| -> String {
        original.indexes.iter().find(|i| i.model == m && i.kind == "id").map(|i| i.columns[0].0.clone()).expect("a key")
    };
    let action = if a == b { "Cascade" } else { "NoAction" };
    for (column, target) in [(&left, a), (&right, b)] {
        let relation = Relation {
            holder: model.clone(),
            columns: vec![column.clone()],
            target: target.clone(),
            target_columns: vec![key_of(target)],
            on_delete: "Cascade".into(),
            on_update: action.into(),
            required: true,
            back: "list".into(),
        };
        assert!(ours.relations.remove(&relation), "{relation:?} in {:#?}", ours.relations);
        let target_key =
            original.scalars.iter().find(|c| &c.model == target && c.column == key_of(target)).expect("a key");
        let scalar =
            ours.scalars.iter().find(|c| c.model == model && &c.column == column).cloned().expect("the key column");
        assert_eq!((&scalar.ty, &scalar.native, scalar.required), (&target_key.ty, &target_key.native, true));
        ours.scalars.remove(&scalar);
    }
    let id = IndexView {
        model: model.clone(),
        kind: "id".into(),
        columns: vec![(left.clone(), false), (right.clone(), false)],
        name: None,
    };
    assert!(ours.indexes.remove(&id), "{id:?}");
    let reverse = ours.indexes.iter().find(|i| i.model == model && i.columns == [(right.clone(), false)]).cloned();
    assert!(reverse.is_some_and(|i| ours.indexes.remove(&i)), "the index on {right} of {model}");
    assert!(!ours.scalars.iter().any(|c| c.model == model), "{model} holds only its two keys");
}

/// The whole comparison: Ok when the views agree after the normalizations.
fn compare(rt: &RoundTrip) -> Result<(), String> {
    let original = view(&rt.original);
    let mut ours = view(&rt.ours);
    let expected = normalize_original(&original, &ours, &rt.imported.report);
    for m2m in &original.implicit_m2m {
        take_junction(&mut ours, &original, m2m);
    }
    // `view` stores no ids' names; everything else must be equal.
    let mut problems = Vec::new();
    if expected.models != ours.models {
        problems.push(format!("models:\n  expected {:?}\n  ours     {:?}", expected.models, ours.models));
    }
    if expected.enums != ours.enums {
        problems.push(format!("enums:\n  expected {:?}\n  ours     {:?}", expected.enums, ours.enums));
    }
    for (what, missing, extra) in [
        ("scalar", diff(&expected.scalars, &ours.scalars), diff(&ours.scalars, &expected.scalars)),
        ("relation", diff(&expected.relations, &ours.relations), diff(&ours.relations, &expected.relations)),
        ("index", diff(&expected.indexes, &ours.indexes), diff(&ours.indexes, &expected.indexes)),
    ] {
        for m in missing {
            problems.push(format!("{what} missing from ours: {m}"));
        }
        for e in extra {
            problems.push(format!("{what} only in ours: {e}"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

fn diff<T: Ord + std::fmt::Debug>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<String> {
    a.difference(b).map(|x| format!("{x:?}")).collect()
}

fn assert_round_trip(name: &str) -> RoundTrip {
    let rt = round_trip(name);
    if let Err(problems) = compare(&rt) {
        panic!(
            "{name}: Prisma reads a different schema back:\n{problems}\n--- report\n{}\n--- generated schema.prisma\n{}",
            rt.imported.report.join("\n"),
            rt.generated
        );
    }
    rt
}

// ---- the tests ---------------------------------------------------------------------

#[test]
fn blog_with_self_relations_and_implicit_many_to_many_round_trips_through_prismas_dmmf() {
    let rt = assert_round_trip("blog");
    let original = view(&rt.original);
    // What the fixture exercises, so a fixture edit cannot hollow the test out.
    assert_eq!(original.implicit_m2m.len(), 3, "{:?}", original.implicit_m2m);
    assert!(original.relations.iter().any(|r| r.holder == r.target), "a self relation");
    assert!(original.relations.iter().any(|r| r.back == "optional"), "a one-to-one");
    assert!(rt.imported.source.contains("#[many_to_many(Post, Tag)]\npub struct PostTag {"), "{}", rt.imported.source);
    assert!(rt.imported.source.contains("#[entity(table = \"_UserFollows\")]"), "{}", rt.imported.source);
    assert!(rt.imported.source.contains("#[entity(table = \"Post\")]\n#[timestamps]"), "{}", rt.imported.source);
    assert!(rt.imported.source.contains("/// Whose reports this user reads.\n"), "doc comments are kept");
    // The source writer's notes are in the report too.
    assert!(
        rt.imported
            .report
            .iter()
            .any(|n| n == "enum `Role`: the value \"USER\" is stored as \"user\" by the variant `User`"),
        "{:?}",
        rt.imported.report
    );
}

#[test]
fn shop_with_composite_ids_explicit_many_to_many_enums_and_native_types_round_trips() {
    let rt = assert_round_trip("shop");
    let original = view(&rt.original);
    assert!(original.indexes.iter().any(|i| i.kind == "id" && i.columns.len() == 2), "a composite id");
    assert!(original.scalars.iter().any(|c| c.native == "Decimal(10,2)"), "a native decimal");
    assert_eq!(original.enums.len(), 2);
    assert!(rt.imported.source.contains("#[entity]\n#[timestamps]"), "{}", rt.imported.source);
    assert!(
        rt.imported.source.contains("#[column(sql_type = \"tsvector\")]\n    pub search_vector: Option<String>,"),
        "{}",
        rt.imported.source
    );
}

#[test]
fn multi_file_school_round_trips_and_reports_the_composite_foreign_key() {
    let rt = assert_round_trip("school");
    let original = view(&rt.original);
    assert!(original.relations.iter().any(|r| r.columns.len() == 2), "a composite foreign key");
    assert!(original.implicit_m2m.iter().any(|(a, b, _)| a == b), "a self many-to-many");
    assert!(
        rt.imported.report.iter().any(|n| n.starts_with("`Grade.enrollment`: the relation (student_id, course_code)")),
        "{:?}",
        rt.imported.report
    );
}

#[test]
fn a_syntax_error_names_the_file_line_and_column() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("a.prisma"), "datasource db {\n  provider = \"postgresql\"\n}\n").expect("write");
    std::fs::write(dir.path().join("b.prisma"), "model User {\n  id Int @id\n  email String @unique(\n}\n")
        .expect("write");
    let error = import_prisma(dir.path()).expect_err("a syntax error");
    assert!(matches!(error, ImportError::Parse(_)));
    let b = dir.path().join("b.prisma");
    assert_eq!(error.to_string(), format!("{}:4:1: expected an argument, found `}}`", b.display()));

    let missing = import_prisma(&dir.path().join("nope.prisma")).expect_err("no such file");
    assert!(missing.to_string().starts_with(&format!("{}: ", dir.path().join("nope.prisma").display())), "{missing}");

    std::fs::write(dir.path().join("b.prisma"), "enum A {\n  X\n}\n").expect("write");
    let nothing = import_prisma(dir.path()).expect_err("no models");
    assert_eq!(nothing.to_string(), "the schema declares no `model`: nothing to import");
}

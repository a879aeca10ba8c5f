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
use std::path::PathBuf;

use common::targets::{Built, build};
use common::tools::TempDir;
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

    let failures = common::targets::check_targets(root.path(), &sources, &accepted);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

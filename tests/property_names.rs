//! Arbitrary names through every emitter: entity, table, column, enum and
//! variant names drawn from the reserved words of SQL, TypeScript, Python
//! and Prisma, non-ASCII letters, and quotes (`#[entity(table = "...")]`
//! and `#[column(name = "...")]` give any SQL name; Rust identifiers may be
//! raw, `r#type`, or non-ASCII). Each schema must build, and every target's
//! own tool must accept what it wrote (`common::targets::check_targets`:
//! the three databases with the catalog holding exactly the snapshot's
//! names and the seed loaded, tsc --strict over the types, Drizzle and
//! TypeORM, mypy --strict and the imports of the Pydantic, dataclass,
//! SQLAlchemy and Alembic files, Prisma's validator, TypeORM against the
//! migrated database).
//!
//! [`FIXED`] are the nastiest names, a few dozen to a schema so one tool
//! run checks many; [`RANDOM`] more schemas are drawn (deterministically)
//! from the same word lists. A name a target cannot hold at all is refused
//! by the front end with a located error (tests/ui), never written out
//! broken.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use common::targets::{Built, build};
use common::tools::TempDir;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Reserved words of SQL (PostgreSQL, MySQL/MariaDB, SQLite).
const SQL_WORDS: &[&str] = &[
    "order",
    "user",
    "select",
    "group",
    "from",
    "where",
    "table",
    "column",
    "check",
    "default",
    "primary",
    "key",
    "index",
    "limit",
    "offset",
    "desc",
    "values",
    "references",
    "constraint",
    "all",
    "null",
    "case",
    "end",
    "rank",
    "rows",
    "interval",
    "current_user",
    "session_user",
    "analyze",
    "natural",
    "window",
    "grant",
    "returning",
];

/// Reserved words and global names of TypeScript/JavaScript.
const TS_WORDS: &[&str] = &[
    "delete",
    "default",
    "function",
    "new",
    "this",
    "instanceof",
    "typeof",
    "void",
    "export",
    "import",
    "let",
    "var",
    "switch",
    "package",
    "interface",
    "private",
    "extends",
    "implements",
    "constructor",
    "undefined",
    "any",
    "never",
    "string",
    "number",
    "boolean",
    "symbol",
    "object",
    "prototype",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "Object",
    "Array",
    "Date",
    "Promise",
    "Record",
    "Error",
    "Map",
    "JSON",
];

/// Keywords and built-in or framework names of Python (Pydantic,
/// SQLAlchemy, enum).
const PY_WORDS: &[&str] = &[
    "from",
    "import",
    "class",
    "def",
    "lambda",
    "pass",
    "global",
    "nonlocal",
    "with",
    "assert",
    "del",
    "except",
    "finally",
    "raise",
    "try",
    "elif",
    "is",
    "not",
    "or",
    "and",
    "print",
    "list",
    "dict",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "object",
    "cls",
    "metadata",
    "registry",
    "query",
    "model_config",
    "model_fields",
    "model_dump",
    "validate",
    "copy",
    "json",
    "schema",
    "fields",
    "construct",
    "mro",
    "name",
    "value",
];

/// Keywords and scalar names of Prisma's schema language.
const PRISMA_WORDS: &[&str] = &[
    "model",
    "enum",
    "datasource",
    "generator",
    "view",
    "map",
    "relation",
    "ignore",
    "db",
    "env",
    "now",
    "uuid",
    "autoincrement",
    "String",
    "Int",
    "Boolean",
    "DateTime",
    "Json",
    "Bytes",
    "Decimal",
    "BigInt",
    "Float",
    "Unsupported",
    "AND",
    "OR",
    "NOT",
];

/// Non-ASCII letters: accents, `ß` (uppercases to two letters), Greek
/// final sigma, Turkish dotted I (lowercases to two characters), CJK.
const NON_ASCII: &[&str] =
    &["café", "straße", "名前", "größe", "ñandú", "ωmega", "σίσυφος", "ǆ", "ångström", "données", "日记", "ı"];

/// SQL names (tables and columns) with quotes and other characters every
/// target must escape.
const QUOTED: &[&str] = &[
    "it's",
    "say \"hi\"",
    "back`tick",
    "back\\slash",
    "semi;colon",
    "--dash",
    "/*c*/",
    "$1",
    "a.b",
    "${x}",
    "%s",
    "{x}",
    "q?",
    "'",
    "\"",
    "`",
    "\\",
    "#hash",
    "two  spaces",
    "tab\there",
];

/// Rust keywords as raw identifiers, usable as struct, field and variant names.
const RAW: &[&str] = &[
    "r#type", "r#match", "r#fn", "r#in", "r#as", "r#where", "r#enum", "r#const", "r#static", "r#async", "r#await",
    "r#yield", "r#return", "r#struct", "r#loop", "r#move", "r#ref", "r#use", "r#impl", "r#dyn",
];

/// The fixed schemas: the nastiest names, many to a schema.
const FIXED: &[&str] = &[
    // SQL reserved words as tables, columns, enum types and values.
    r##"
/// A row of `order`: "quoted", 'single', */ and """ in a doc comment\
#[entity(table = "order")]
#[timestamps]
#[index(select, group)]
pub struct Order {
    #[id]
    pub id: Uuid,
    pub select: String,
    pub group: i32,
    #[column(name = "from")]
    pub from_: Option<String>,
    pub r#where: bool,
    #[unique]
    pub key: String,
    pub limit: i64,
    pub desc: Option<String>,
    #[column(name = "values")]
    pub vals: Option<f64>,
    pub references: Option<i32>,
    pub current_user: Option<String>,
    pub rank: Option<i32>,
    pub rows: Option<i32>,
    #[default(Check::Default)]
    pub check: Check,
}

#[db_enum(name = "check")]
pub enum Check {
    Default,
    Select,
    Null,
    Table,
    Order,
    Group,
}

#[entity(table = "user")]
#[soft_delete]
pub struct User {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Order)]
    #[index]
    pub order_id: Uuid,
    #[belongs_to(Self)]
    pub user_id: Option<i64>,
    #[column(name = "table")]
    pub table_name: String,
    pub column: Option<String>,
    pub constraint: Option<String>,
    pub r#in: Option<i32>,
    pub window: Option<String>,
    #[column(name = "\\")]
    pub backslash: Option<String>,
    pub interval: Option<i32>,
}

#[entity(table = "group")]
#[many_to_many(Order, User)]
pub struct Group {
    pub order_id: Uuid,
    pub user_id: i64,
}
"##,
    // TypeScript reserved words and global names.
    r##"
#[entity(table = "delete")]
pub struct Object {
    #[id]
    pub id: Uuid,
    pub delete: String,
    pub default: Option<String>,
    pub function: Option<i32>,
    pub new: bool,
    pub this: Option<String>,
    pub instanceof: Option<String>,
    pub r#typeof: Option<String>,
    pub void: Option<String>,
    pub export: Option<String>,
    pub import: Option<String>,
    pub r#let: Option<String>,
    pub var: Option<String>,
    pub switch: Option<String>,
    pub package: Option<String>,
    pub interface: Option<String>,
    pub private: Option<String>,
    pub extends: Option<String>,
    pub implements: Option<String>,
    pub constructor: Option<String>,
    pub undefined: Option<String>,
    pub any: Option<String>,
    pub never: Option<String>,
    pub string: Option<i32>,
    pub number: Option<String>,
    pub boolean: Option<String>,
    pub symbol: Option<String>,
    pub object: Option<String>,
    pub prototype: Option<String>,
    #[column(name = "__proto__")]
    pub proto: Option<String>,
    #[column(name = "toString")]
    pub to_string: Option<String>,
    #[column(name = "hasOwnProperty")]
    pub has_own_property: Option<String>,
    pub r#enum: Option<Promise>,
    #[default(Promise::Default)]
    pub r#const: Promise,
}

#[db_enum]
pub enum Promise {
    Default,
    Delete,
    New,
    Null,
    Undefined,
    Constructor,
    Prototype,
    Function,
    r#Enum,
}

#[entity(table = "function")]
pub struct Array {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Object)]
    pub object_id: Uuid,
    #[belongs_to(Date)]
    pub date_id: Option<i64>,
    #[column(name = "`")]
    pub backtick: Option<String>,
}

#[entity]
pub struct Date {
    #[id(auto)]
    pub id: i64,
    #[unique]
    pub export: String,
}

#[entity]
pub struct Record {
    #[id]
    pub id: Uuid,
    #[belongs_to(Self)]
    pub record_id: Option<Uuid>,
}

#[entity]
pub struct Error {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Map {
    #[id]
    pub id: Uuid,
    #[belongs_to(Error)]
    pub error_id: Uuid,
}
"##,
    // Python keywords, built-ins and the names Pydantic, SQLAlchemy and enum reserve.
    r##"
#[entity(table = "import")]
#[timestamps]
pub struct class {
    #[id]
    pub id: Uuid,
    pub from: String,
    pub import: Option<String>,
    pub class: Option<String>,
    pub def: Option<String>,
    pub lambda: Option<String>,
    pub pass: Option<String>,
    pub global: Option<String>,
    pub nonlocal: Option<String>,
    pub with: Option<String>,
    pub assert: Option<String>,
    pub del: Option<String>,
    pub except: Option<String>,
    pub finally: Option<String>,
    pub raise: Option<String>,
    pub r#try: Option<String>,
    pub elif: Option<String>,
    pub is: Option<String>,
    pub not: Option<String>,
    pub or: Option<String>,
    pub and: Option<String>,
    pub print: Option<String>,
    pub list: Option<String>,
    pub dict: Option<String>,
    pub str: Option<String>,
    pub int: Option<i32>,
    pub float: Option<f64>,
    pub bool: Option<bool>,
    pub bytes: Option<Vec<u8>>,
    pub object: Option<String>,
    pub cls: Option<String>,
    #[column(name = "self")]
    pub self_: Option<String>,
    pub metadata: Option<String>,
    pub registry: Option<String>,
    pub query: Option<String>,
    pub model_config: Option<String>,
    pub model_fields: Option<String>,
    pub model_dump: Option<String>,
    pub validate: Option<String>,
    pub copy: Option<String>,
    pub json: Option<Json>,
    pub schema: Option<String>,
    pub fields: Option<String>,
    pub construct: Option<String>,
    #[column(name = "_private")]
    pub private: Option<String>,
    #[column(name = "__tablename__")]
    pub tablename: Option<String>,
    #[column(name = "None")]
    pub none: Option<String>,
    #[column(name = "True")]
    pub yes: Option<bool>,
    pub r#async: Option<String>,
    pub r#await: Option<String>,
    pub r#yield: Option<String>,
    #[default(Literal::Mro)]
    pub kind: Literal,
}

#[db_enum]
pub enum Literal {
    True,
    False,
    None,
    Mro,
    Name,
    Value,
    Class,
    Import,
    Self_,
}

#[entity(table = "lambda")]
pub struct True {
    #[id]
    pub id: Uuid,
    #[belongs_to(class)]
    pub class_id: Uuid,
    #[belongs_to(Self)]
    pub true_id: Option<Uuid>,
}

#[entity]
pub struct BaseModel {
    #[id]
    pub id: Uuid,
    #[belongs_to(True)]
    pub true_id: Option<Uuid>,
}
"##,
    // Prisma's keywords and scalar names.
    r##"
#[entity(table = "model")]
pub struct model {
    #[id]
    pub id: Uuid,
    pub model: String,
    pub r#enum: Option<String>,
    pub datasource: Option<String>,
    pub generator: Option<String>,
    pub r#type: Option<String>,
    pub view: Option<String>,
    pub map: Option<String>,
    pub relation: Option<String>,
    pub ignore: Option<String>,
    pub db: Option<String>,
    pub env: Option<String>,
    pub now: Option<String>,
    pub uuid: Option<String>,
    pub autoincrement: Option<String>,
    #[column(name = "AND")]
    pub and: Option<String>,
    #[column(name = "OR")]
    pub or: Option<String>,
    #[column(name = "NOT")]
    pub not: Option<String>,
    #[default(Int::String)]
    pub kind: Int,
}

#[db_enum(name = "enum")]
pub enum Int {
    String,
    Int,
    Boolean,
    DateTime,
    Json,
    Bytes,
    Decimal,
    BigInt,
    Float,
    Unsupported,
    Model,
    Enum,
}

#[entity(table = "datasource")]
pub struct generator {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(model)]
    pub model_id: Uuid,
    #[belongs_to(Boolean)]
    pub boolean_id: Option<Uuid>,
}

#[entity]
pub struct Boolean {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct r#type {
    #[id]
    pub id: Uuid,
    #[belongs_to(Self)]
    pub type_id: Option<Uuid>,
    #[belongs_to(generator)]
    pub generator_id: Option<i64>,
}

#[entity]
pub struct Prisma {
    #[id]
    pub id: Uuid,
}
"##,
    // Non-ASCII letters in every kind of name.
    r##"
#[entity(table = "données")]
#[index(größe, länge)]
pub struct Café {
    #[id]
    pub id: Uuid,
    pub größe: i32,
    pub länge: Option<f64>,
    pub 名前: String,
    #[column(name = "Größe_Straße")]
    pub strasse: Option<String>,
    #[column(name = "σίσυφος")]
    pub sisyphus: Option<String>,
    #[column(name = "ǆ")]
    pub dz: Option<String>,
    #[column(name = "İstanbul")]
    pub istanbul: Option<String>,
    #[column(name = "ı")]
    pub dotless: Option<String>,
    pub ñandú: Option<bool>,
    // No default: TypeORM strips the type cast off a column default with
    // an ASCII-only pattern, so a default on a non-ASCII enum type always
    // differs from its entity (docs/NOTES.md).
    pub état: Ωmega,
}

#[db_enum(name = "état")]
pub enum Ωmega {
    Ärger,
    Größe,
    Café,
    Ñandú,
    名前,
    Ωmega,
}

#[entity]
pub struct Straße {
    #[id]
    pub id: Uuid,
    #[belongs_to(Café)]
    pub café_id: Uuid,
    #[belongs_to(日记)]
    pub 日记_id: Option<i64>,
}

#[entity(table = "ΣΊΣΥΦΟΣ")]
pub struct 日记 {
    #[id(auto)]
    pub id: i64,
    #[unique]
    pub ångström: String,
}
"##,
    // Quotes, backslashes and other characters in table and column names.
    r##"
#[entity(table = "quote `it`")]
pub struct Quote {
    #[id]
    pub id: Uuid,
    #[index]
    #[column(name = "say \"hi\"")]
    pub dq: String,
    #[index]
    #[column(name = "back`tick")]
    pub bt: Option<String>,
    #[column(name = "back\\slash")]
    pub bs: Option<String>,
    #[column(name = "it's")]
    pub sq: Option<String>,
    #[column(name = "semi;colon")]
    pub semi: Option<String>,
    #[column(name = "--dash")]
    pub dash: Option<String>,
    #[column(name = "/*c*/")]
    pub comment: Option<String>,
    #[column(name = "$1")]
    pub dollar: Option<String>,
    #[column(name = "a.b")]
    pub dot: Option<String>,
    #[column(name = "${x}")]
    pub template: Option<String>,
    #[column(name = "%s")]
    pub percent: Option<String>,
    #[column(name = "q?")]
    pub question: Option<String>,
    #[column(name = "#hash")]
    pub hash: Option<String>,
    #[column(name = "two  spaces")]
    pub spaces: Option<String>,
    #[column(name = "tab\there")]
    pub tab: Option<String>,
    #[unique]
    #[column(name = "'")]
    pub single: Option<String>,
    // No default: see `état` above (TypeORM's cast pattern stops at `` ` ``).
    pub mood: Mood,
}

#[db_enum(name = "mood `it`\\")]
pub enum Mood {
    Happy,
    Sad,
}

#[entity(table = "say `hi`;--")]
pub struct Greeting {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Quote)]
    #[index]
    pub quote_id: Uuid,
    #[belongs_to(Self)]
    pub greeting_id: Option<i64>,
    #[column(name = "\"")]
    pub double: Option<String>,
}

#[entity(table = "back\\slash`tick")]
#[many_to_many(Quote, Greeting)]
pub struct Junction {
    pub quote_id: Uuid,
    pub greeting_id: i64,
}
"##,
];

/// How many random schemas one run draws besides [`FIXED`].
const RANDOM: usize = 2;

/// Every word the random schemas draw names from.
fn words() -> Vec<&'static str> {
    [SQL_WORDS, TS_WORDS, PY_WORDS, PRISMA_WORDS, NON_ASCII, RAW].concat()
}

/// Rust's keywords (strict and reserved): a field or type of that name must be raw.
const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "_",
];

/// A Rust identifier for a drawn word: as is when Rust takes it, else
/// raw, else prefixed.
fn rust_ident(word: &str, upper: bool) -> String {
    let bare = word.strip_prefix("r#").unwrap_or(word);
    let mut name = if upper {
        let mut c = bare.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    } else {
        bare.to_string()
    };
    if RUST_KEYWORDS.contains(&name.as_str()) {
        name = if matches!(name.as_str(), "self" | "Self" | "super" | "crate" | "_") {
            format!("{name}_")
        } else {
            format!("r#{name}")
        };
    }
    name
}

#[derive(Clone, Debug)]
struct Ent {
    name: usize,
    table: Option<usize>,
    cols: Vec<(usize, Option<usize>, bool)>,
    fk: Option<usize>,
}

fn ent(words: usize) -> impl Strategy<Value = Ent> {
    (
        0..words,
        prop::option::weighted(0.5, 0..words + QUOTED.len()),
        prop::collection::vec((0..words, prop::option::weighted(0.3, 0..words + QUOTED.len()), any::<bool>()), 1..8),
        prop::option::weighted(0.5, 0usize..3),
    )
        .prop_map(|(name, table, cols, fk)| Ent { name, table, cols, fk })
}

/// A random schema over [`words`] and [`QUOTED`]: two or three entities,
/// an enum whose variants are drawn words, keys between the entities.
fn random_source(ents: &[Ent], variants: &[usize]) -> String {
    let words = words();
    let sql_name = |i: usize| words.get(i).copied().unwrap_or_else(|| QUOTED[i - words.len()]);
    let mut s = String::new();
    let mut seen_variants = Vec::new();
    for v in variants {
        let variant = rust_ident(words[*v], true);
        if !seen_variants.contains(&variant) {
            seen_variants.push(variant);
        }
    }
    writeln!(s, "#[db_enum]\npub enum Kind {{\n    {},\n}}\n", seen_variants.join(",\n    ")).unwrap();
    let mut names: Vec<String> = Vec::new();
    for (i, e) in ents.iter().enumerate() {
        let mut name = rust_ident(words[e.name], true);
        if names.iter().any(|n| n.trim_start_matches("r#").eq_ignore_ascii_case(name.trim_start_matches("r#"))) {
            name = format!("{}{i}", name.trim_start_matches("r#"));
        }
        names.push(name);
    }
    let mut tables: Vec<String> = Vec::new();
    for (i, e) in ents.iter().enumerate() {
        // `'`, `"` and `.` in a table name are refused (TypeORM cannot read them back).
        match e.table.map(sql_name).filter(|t| !t.contains(['\'', '"', '.'])) {
            Some(t) if !tables.iter().any(|x| x.to_lowercase() == t.to_lowercase()) => {
                tables.push(t.to_string());
                writeln!(s, "#[entity(table = {t:?})]").unwrap();
            }
            _ => s.push_str("#[entity]\n"),
        }
        writeln!(s, "pub struct {} {{\n    #[id]\n    pub id: Uuid,", names[i]).unwrap();
        let mut fields: Vec<String> = vec!["id".to_string()];
        let mut columns: Vec<String> = vec!["id".to_string()];
        for (field, column, nullable) in &e.cols {
            let field = rust_ident(words[*field], false);
            let column = column.map(sql_name);
            let sql = column.map_or_else(|| field.trim_start_matches("r#").to_string(), str::to_string);
            if fields.contains(&field) || columns.iter().any(|c| c.to_lowercase() == sql.to_lowercase()) {
                continue;
            }
            if let Some(column) = column {
                writeln!(s, "    #[column(name = {column:?})]").unwrap();
            }
            let ty = if *nullable { "Option<String>" } else { "String" };
            writeln!(s, "    pub {field}: {ty},").unwrap();
            fields.push(field);
            columns.push(sql);
        }
        if let Some(target) = e.fk {
            let at = target % ents.len();
            let target = if at == i { "Self".to_string() } else { names[at].clone() };
            if !columns.iter().any(|c| c == "link_id") {
                writeln!(s, "    #[belongs_to({target})]\n    pub link_id: Option<Uuid>,").unwrap();
            }
        }
        if !columns.iter().any(|c| c == "kind") {
            s.push_str("    pub kind: Kind,\n");
        }
        s.push_str("}\n\n");
    }
    s
}

/// The schemas of one run: [`FIXED`], then [`RANDOM`] drawn deterministically.
fn sources() -> Vec<String> {
    let n = words().len();
    let strategy = (prop::collection::vec(ent(n), 2..4), prop::collection::vec(0..n, 1..6));
    let mut runner = TestRunner::deterministic();
    let random = (0..RANDOM).map(|_| {
        let (ents, variants) = strategy.new_tree(&mut runner).expect("a strategy always draws").current();
        random_source(&ents, &variants)
    });
    FIXED
        .iter()
        .map(|s| format!("use tablewright::prelude::*;\n{s}"))
        .chain(random.map(|s| format!("use tablewright::prelude::*;\n\n{s}")))
        .collect()
}

#[test]
fn reserved_non_ascii_and_quoted_names_pass_every_tool() {
    let root = TempDir::new("property-names");
    let sources = sources();
    let mut accepted: Vec<(usize, PathBuf)> = Vec::new();
    let mut refused = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        match build(source, &root.path().join(format!("crate{i}"))) {
            Built::Accepted(dir) => accepted.push((i, dir)),
            Built::Refused(errors) => refused.push(format!("--- case {i}:\n{}\n{source}", errors.join("\n"))),
        }
    }
    eprintln!("{} schemas: {} built", sources.len(), accepted.len());
    // Every name here is one the databases and targets can hold: each
    // schema must build (a refusal would be a front-end rule too strict).
    assert!(refused.is_empty(), "refused:\n{}", refused.join("\n\n"));
    let failures = common::targets::check_targets(root.path(), &sources, &accepted);
    if !failures.is_empty() {
        // Keep the generated files to look at.
        let kept = root.path().display().to_string();
        std::mem::forget(root);
        panic!("{}\n\nthe generated cases are kept in {kept}", failures.join("\n\n"));
    }
}

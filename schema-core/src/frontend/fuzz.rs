//! Property tests that feed the front end arbitrary input and require it
//! never to panic: attribute token soup around structs and enums (through
//! the macro's entry point, [`super::parse_entity_with`], and the build
//! script's, [`super::scan::scan_source`], followed by the whole-schema
//! stages), arbitrary text as a source file, and arbitrary SQL fragments
//! (parsed, rendered for every dialect, checked and evaluated by the seed
//! generator).
//!
//! CI runs the default 256 cases of each; a longer run:
//! `PROPTEST_CASES=20000 cargo test -p tablewright-core --features build --lib frontend::fuzz`.
//! A failure is shrunk by proptest and kept in
//! `schema-core/proptest-regressions/frontend/fuzz.txt`; turn it into a UI or
//! unit test.

use proptest::prelude::*;

use super::{Ctxt, ParseOptions};
use crate::types::Dialect;

const WORDS: &[&str] = &[
    "entity",
    "tenant",
    "tenant_scoped",
    "soft_delete",
    "timestamps",
    "audited",
    "versioned",
    "index",
    "unique",
    "check",
    "many_to_many",
    "seed",
    "global",
    "policy",
    "userstamps",
    "id",
    "default",
    "belongs_to",
    "column",
    "polymorphic",
    "skip",
    "allow_lint",
    "db_enum",
    "table",
    "name",
    "where",
    "include",
    "desc",
    "on_delete",
    "on_update",
    "cascade",
    "set_null",
    "restrict",
    "deferrable",
    "max_len",
    "precision",
    "scale",
    "sql_type",
    "renamed_from",
    "backfill",
    "using",
    "count",
    "per_parent",
    "values",
    "range",
    "auto",
    "cuid",
    "now",
    "sql",
    "membership",
    "role",
    "admin_roles",
    "select",
    "insert",
    "update",
    "delete",
    "Self",
    "Uuid",
    "String",
    "i32",
    "deleted_at",
    "organization_id",
    "price",
    "order",
    "user",
    "r#type",
    "Org",
    "Task",
    "Status",
];

const PUNCT: &[&str] = &[",", "=", "::", "..", "..=", "-", "#", "!", "<", ">", ";", ":", "."];

const SQL_PIECES: &[&str] = &[
    "price",
    "\"order\"",
    "order",
    "user",
    "deleted_at",
    "name",
    "x.y",
    "t.price",
    ">=",
    "<",
    "=",
    "<>",
    "!=",
    "AND",
    "OR",
    "NOT",
    "IS",
    "NULL",
    "BETWEEN",
    "IN",
    "LIKE",
    "ILIKE",
    "~",
    "||",
    "::",
    "int",
    "(",
    ")",
    ",",
    "'a''b'",
    "'%'",
    "''",
    "'\\'",
    "0",
    "1",
    "-5",
    "2.5",
    "1e309",
    "99999999999999999999",
    "TRUE",
    "FALSE",
    "length",
    "lower",
    "upper",
    "abs",
    "coalesce",
    "now()",
    "CURRENT_TIMESTAMP",
    "date_trunc",
    "SELECT",
    "FROM",
    "CASE",
    "WHEN",
    "THEN",
    "END",
    "*",
    "/",
    "%",
    "+",
    "$1",
    "?",
    "--",
    "/*",
    "\"",
    "`",
    "[",
    "]",
    "é",
    "\u{0}",
];

/// Balanced token soup: words, punctuation, literals and nested groups.
fn soup() -> impl Strategy<Value = String> {
    let sql = prop::collection::vec(prop::sample::select(SQL_PIECES), 0..8).prop_map(|p| format!("{:?}", p.join(" ")));
    let leaf = prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        2 => prop::sample::select(PUNCT).prop_map(str::to_string),
        2 => sql,
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,70}",
        1 => Just("1.5e3".to_string()),
        1 => Just("true".to_string()),
    ];
    let item = leaf.prop_recursive(3, 24, 6, |inner| {
        prop::collection::vec(inner, 0..6).prop_flat_map(|v| {
            let body = v.join(" ");
            prop_oneof![
                Just(format!("({body})")),
                Just(format!("[{body}]")),
                Just(format!("{{{body}}}")),
                Just(body.clone()),
            ]
        })
    });
    prop::collection::vec(item, 0..8).prop_map(|v| v.join(" "))
}

fn attribute() -> impl Strategy<Value = String> {
    (prop::sample::select(WORDS), soup(), any::<bool>())
        .prop_map(|(name, args, bare)| if bare { format!("#[{name}]") } else { format!("#[{name}({args})]") })
}

fn field() -> impl Strategy<Value = String> {
    let ty = prop::sample::select(&[
        "Uuid",
        "String",
        "i32",
        "i64",
        "bool",
        "f64",
        "Option<String>",
        "Option<Uuid>",
        "Vec<u8>",
        "DateTime<Utc>",
        "NaiveDate",
        "Json",
        "Decimal",
        "Status",
        "Vec<String>",
        "Foo<Bar>",
        "(i32, i32)",
    ]);
    (prop::collection::vec(attribute(), 0..4), prop::sample::select(WORDS), ty)
        .prop_map(|(attrs, name, ty)| format!("{} pub {}: {ty},", attrs.join(" "), name.trim_start_matches("r#")))
}

/// A source file of entities and enums with arbitrary attributes.
fn source() -> impl Strategy<Value = String> {
    let entity = (soup(), prop::collection::vec(attribute(), 0..4), prop::collection::vec(field(), 0..5), 0..3usize)
        .prop_map(|(args, attrs, fields, n)| {
            let name = ["Task", "Org", "Order"][n];
            format!("#[entity({args})] {} pub struct {name} {{ {} }}", attrs.join(" "), fields.join(" "))
        });
    let db_enum = (soup(), prop::collection::vec("[A-Z][a-z]{0,8}", 0..4))
        .prop_map(|(args, variants)| format!("#[db_enum({args})] pub enum Status {{ {} }}", variants.join(", ")));
    prop::collection::vec(prop_oneof![3 => entity, 1 => db_enum], 1..4).prop_map(|items| items.join("\n"))
}

const ENTITY_ATTRS: &[&str] = &[
    "#[soft_delete]",
    "#[timestamps]",
    "#[versioned]",
    "#[audited]",
    "#[tenant]",
    "#[tenant_scoped]",
    "#[global]",
    "#[userstamps]",
    "#[index(price, where = SQL)]",
    "#[index(name desc, price)]",
    "#[unique(name, price)]",
    "#[check(SQL)]",
    "#[check(name = \"ck_x\", SQL)]",
    "#[seed(count = 3)]",
    "#[seed(per_parent = 2)]",
    "#[policy(select, name = \"p\", using = SQL)]",
    "#[index(deleted_at)]",
];

const FIELD_ATTRS: &[&str] = &[
    "#[unique]",
    "#[index]",
    "#[column(check = SQL)]",
    "#[column(max_len = 5)]",
    "#[default(sql = SQL)]",
    "#[default(0)]",
    "#[default(\"x\")]",
    "#[seed(range = 1..4)]",
    "#[seed(values = [\"a\", \"b\"])]",
    "#[belongs_to(Org)]",
    "#[belongs_to(Self)]",
    "#[column(name = \"order\")]",
];

const VALID_SQL: &[&str] = &[
    "price >= 0",
    "price BETWEEN 1 AND 5",
    "name <> ''",
    "length(name) BETWEEN 1 AND 4",
    "\"order\" IN ('a', 'b')",
    "price < 0 OR price > 3",
    "ends_at > now()",
    "lower(name) = name",
    "price * 2 < 7",
    "deleted_at IS NULL",
    "NOT (price = 2) AND name LIKE 'a%'",
    "coalesce(owner_id, id) IS NOT NULL",
    "abs(price) % 3 = 1",
    "FALSE",
    "lower('ABC')",
    "upper(name) = name OR price IS NULL",
    "price / 0 = 1",
    "name || 'x' <> 'x'",
];

/// An entity made of valid attributes with arbitrary SQL in them: reaches
/// the whole-schema stages and the seed generator far more often than soup.
fn plausible() -> impl Strategy<Value = String> {
    let sql = || {
        prop_oneof![
            prop::collection::vec(prop::sample::select(SQL_PIECES), 1..8).prop_map(|p| p.join(" ")),
            prop::sample::select(VALID_SQL).prop_map(str::to_string),
        ]
        .prop_map(|q| format!("{q:?}"))
    };
    let attrs = |list: &'static [&'static str]| {
        prop::collection::vec((prop::sample::select(list), sql()), 0..4)
            .prop_map(|v| v.into_iter().map(|(a, q)| a.replace("SQL", &q)).collect::<Vec<_>>().join(" "))
    };
    let field = (attrs(FIELD_ATTRS), prop::sample::select(&["price", "name", "order", "ends_at", "owner_id"][..]))
        .prop_map(|(a, name)| {
            let ty = match name {
                "price" => "i32",
                "ends_at" => "DateTime<Utc>",
                "owner_id" => "Option<Uuid>",
                _ => "String",
            };
            format!("{a} pub {name}: {ty},")
        });
    (attrs(ENTITY_ATTRS), prop::collection::vec(field, 0..4)).prop_map(|(a, fields)| {
        format!(
            "#[entity] pub struct Org {{ #[id] pub id: Uuid, pub name: String }}\n\
             #[entity] {a} pub struct Task {{ #[id] pub id: Uuid, {} }}",
            fields.join(" ")
        )
    })
}

/// The build script's path: scan, then the whole-schema stages when the
/// scan was clean.
fn through_the_build_script(src: &str) {
    let scanned = super::scan::scan_source("src/schema.rs", src);
    if scanned.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let mut schema = scanned.schema;
    let diagnostics = crate::build::pipeline::model(&mut schema);
    if !diagnostics.iter().any(|d| d.is_error()) {
        let _ = crate::seed::generate_all(&schema, &crate::seed::SeedOptions::default());
    }
}

/// The macro's path: every `#[entity]` struct of the file through
/// `parse_entity_with` (the macro's entry), and every enum through
/// `parse_db_enum_with`.
fn through_the_macro(src: &str) {
    let Ok(file) = syn::parse_file(src) else { return };
    for item in &file.items {
        let cx = Ctxt::new();
        match item {
            syn::Item::Struct(s) => {
                let _ = super::parse_entity_with(proc_macro2::TokenStream::new(), s, &cx, &ParseOptions::default());
                let _ = cx.take_warnings();
            }
            syn::Item::Enum(e) => {
                let _ = super::parse_db_enum_with(proc_macro2::TokenStream::new(), e, &cx, &ParseOptions::default());
            }
            _ => {}
        }
        let _ = cx.into_errors();
    }
}

proptest! {
    #[test]
    fn attribute_soup_never_panics(src in source()) {
        through_the_macro(&src);
        through_the_build_script(&src);
    }

    #[test]
    fn plausible_entities_never_panic(src in plausible()) {
        through_the_macro(&src);
        through_the_build_script(&src);
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        through_the_macro(&src);
        through_the_build_script(&src);
    }

    #[test]
    fn sql_fragments_never_panic(pieces in prop::collection::vec(prop::sample::select(SQL_PIECES), 0..12)) {
        let sql = pieces.join(" ");
        let src = format!(
            "#[entity] #[check({sql:?})] #[index(price, where = {sql:?})] pub struct T {{ #[id] pub id: i32, \
             pub price: i32, #[default(sql = {sql:?})] pub name: String }}"
        );
        through_the_macro(&src);
        through_the_build_script(&src);
        if let Ok(expr) = crate::fragment::parse_expr(&sql) {
            for dialect in Dialect::ALL {
                let _ = crate::fragment::render(&expr, dialect);
            }
            let _ = crate::fragment::dialect_only(&expr);
        }
    }
}

//! The front end's fuzz targets: arbitrary input must never make it panic.
//!
//! Stable Rust has no libFuzzer (cargo-fuzz needs nightly), so these are
//! proptest strategies run by [`fuzz`], a runner bounded by case count or by
//! time. The inputs:
//!
//! - arbitrary token streams ([`token_stream`]: identifiers, every
//!   punctuation, odd literals, groups of all four delimiters, the invisible
//!   one included, which only macro expansion produces) as the arguments of
//!   `#[entity(...)]`, `#[db_enum(...)]` and of any attribute on a struct,
//!   field, enum or variant, and as field types ([`token_item`]);
//! - arbitrary source files: real schemas of this repository (the corpus,
//!   [`CORPUS`]) mutated word by word and line by line ([`mutated_source`]),
//!   attribute soup ([`source`]), plausible entities with SQL soup
//!   ([`plausible`]), arbitrary text, and several files at once with
//!   inline modules ([`crate_sources`]);
//! - SQL fragments, parsed, rendered for every dialect, checked and
//!   evaluated by the seed generator.
//!
//! Each goes through the front end's entries: the ones the macros call
//! ([`super::parse_entity_with`], [`super::parse_db_enum_with`]) and the build
//! script's ([`super::scan::Sources::scan`], then the whole-schema stages,
//! the review and every emitter, the seed generator among them). The macro
//! crate runs the same inputs through its own expansion functions
//! (`schema-macros/src/fuzz.rs`).
//!
//! CI runs 64 cases of each (a few seconds). `PROPTEST_CASES=n` runs n
//! cases; `TABLEWRIGHT_FUZZ_SECS=s` runs each target for s seconds (new seeds
//! every 256 cases) and prints how many inputs it tried:
//! `TABLEWRIGHT_FUZZ_SECS=3600 cargo test -p tablewright-core --features fuzzing --lib frontend::fuzz -- --nocapture --test-threads=16`
//! (all targets at once; libtest runs as many as there are cores otherwise).
//! A failure is shrunk by proptest and its seed kept in
//! `schema-core/proptest-regressions/frontend/fuzz.txt` (replayed first
//! by every later run); turn it into a UI or unit test.

use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;

use super::{Ctxt, ParseOptions};

/// The words the inputs are made of: every attribute, option and option
/// value of the DSL (from the symbol table), then names schemas use.
fn words() -> Vec<&'static str> {
    let mut words = super::symbols::words();
    words.extend(SCHEMA_WORDS);
    words
}

/// Names of types, columns and entities, keywords among them.
const SCHEMA_WORDS: &[&str] = &[
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
pub fn soup() -> impl Strategy<Value = String> {
    let sql = prop::collection::vec(prop::sample::select(SQL_PIECES), 0..8).prop_map(|p| format!("{:?}", p.join(" ")));
    let leaf = prop_oneof![
        4 => prop::sample::select(words()).prop_map(str::to_string),
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

pub fn attribute() -> impl Strategy<Value = String> {
    (prop::sample::select(words()), soup(), any::<bool>())
        .prop_map(|(name, args, bare)| if bare { format!("#[{name}]") } else { format!("#[{name}({args})]") })
}

pub fn field() -> impl Strategy<Value = String> {
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
    (prop::collection::vec(attribute(), 0..4), prop::sample::select(words()), ty)
        .prop_map(|(attrs, name, ty)| format!("{} pub {}: {ty},", attrs.join(" "), name.trim_start_matches("r#")))
}

/// A source file of entities and enums with arbitrary attributes.
pub fn source() -> impl Strategy<Value = String> {
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
pub fn plausible() -> impl Strategy<Value = String> {
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

/// Identifiers beyond [`words`]: non-ASCII, raw, and the odd ones Rust allows.
const IDENTS: &[&str] = &[
    "café", "straße", "名前", "Ωmega", "_", "_x", "a1", "Table", "Iden", "self", "crate", "super", "r#match", "r#fn",
    "r#struct", "r#None", "None", "True", "class", "model", "enum", "async",
];

/// Every punctuation character a token stream can hold.
const PUNCT_CHARS: &[char] =
    &['=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#', '$', '?', '\''];

/// Literals whose spelling matters: suffixes, bases, overflow, raw and byte
/// strings, escapes.
const ODD_LITERALS: &[&str] = &[
    "1e309",
    "0xFF",
    "0b101",
    "0o7",
    "1_000",
    "2.",
    "1.5f32",
    "7u8",
    "300u8",
    "-0",
    "-9223372036854775808",
    "99999999999999999999999999999999999999999",
    "1i128",
    "r\"raw\"",
    "r#\"x\"y\"#",
    "b'a'",
    "'\\u{10FFFF}'",
    "c\"c\"",
    "\"\\n\\t\\\"\"",
    "\"\\u{0}\"",
    "\"\"",
    "b\"\\xFF\"",
];

const DELIMITERS: &[Delimiter] = &[Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket, Delimiter::None];

fn ident(word: &str) -> Ident {
    match word.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(word, Span::call_site()),
    }
}

fn literal() -> impl Strategy<Value = TokenTree> {
    let sql = prop::collection::vec(prop::sample::select(SQL_PIECES), 0..8).prop_map(|p| Literal::string(&p.join(" ")));
    prop_oneof![
        3 => sql,
        2 => "\\PC{0,12}".prop_map(|s| Literal::string(&s)),
        1 => any::<i64>().prop_map(Literal::i64_unsuffixed),
        1 => any::<u64>().prop_map(Literal::u64_suffixed),
        1 => (-1e9f64..1e9).prop_map(Literal::f64_unsuffixed),
        1 => any::<char>().prop_map(Literal::character),
        1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(|b| Literal::byte_string(&b)),
        2 => prop::sample::select(ODD_LITERALS).prop_map(|s| s.parse::<Literal>().expect("every odd literal lexes")),
    ]
    .prop_map(TokenTree::Literal)
}

/// An arbitrary token stream: identifiers (the DSL's words, non-ASCII, raw,
/// random), every punctuation character alone or joint, literals of every
/// kind, and nested groups of the four delimiters.
pub fn token_stream() -> impl Strategy<Value = TokenStream> {
    let leaf = prop_oneof![
        4 => prop::sample::select(words()).prop_map(|w| TokenTree::Ident(ident(w))),
        1 => prop::sample::select(IDENTS).prop_map(|w| TokenTree::Ident(ident(w))),
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,12}".prop_map(|w| TokenTree::Ident(ident(&w))),
        3 => (prop::sample::select(PUNCT_CHARS), any::<bool>()).prop_map(|(c, joint)| {
            TokenTree::Punct(Punct::new(c, if joint { Spacing::Joint } else { Spacing::Alone }))
        }),
        2 => literal(),
    ];
    let tree = leaf.prop_recursive(4, 48, 8, |inner| {
        (prop::sample::select(DELIMITERS), prop::collection::vec(inner, 0..8))
            .prop_map(|(d, trees)| TokenTree::Group(Group::new(d, trees.into_iter().collect())))
    });
    prop::collection::vec(tree, 0..10).prop_map(|trees| trees.into_iter().collect())
}

/// An `#[entity]` struct or a `#[db_enum]` enum (one in four) whose
/// attributes, on the item, its fields or its variants, carry arbitrary
/// token streams, with some field types made of arbitrary tokens too: the
/// `TokenStream` is the `#[entity(...)]` / `#[db_enum(...)]` argument list.
pub fn token_item() -> impl Strategy<Value = (TokenStream, syn::Item)> {
    let attrs = prop::collection::vec((prop::sample::select(words()), token_stream(), 0..4usize, any::<bool>()), 0..6);
    let types = prop::collection::vec(prop::option::weighted(0.3, token_stream()), 3);
    (prop::bool::weighted(0.25), token_stream(), attrs, types).prop_map(|(is_enum, args, attrs, types)| {
        let mut item: syn::Item = if is_enum {
            syn::parse_quote!(
                pub enum Status {
                    Open,
                    InProgress,
                    r#Done,
                }
            )
        } else {
            syn::parse_quote!(
                pub struct Task {
                    #[id]
                    pub id: Uuid,
                    pub title: String,
                    #[belongs_to(Org)]
                    pub org_id: Uuid,
                }
            )
        };
        for (name, tokens, at, bare) in attrs {
            let path: syn::Path = ident(name).into();
            let meta = if bare && tokens.is_empty() {
                syn::Meta::Path(path)
            } else {
                syn::Meta::List(syn::MetaList {
                    path,
                    delimiter: syn::MacroDelimiter::Paren(Default::default()),
                    tokens,
                })
            };
            let attr = syn::Attribute {
                pound_token: Default::default(),
                style: syn::AttrStyle::Outer,
                bracket_token: Default::default(),
                meta,
            };
            match &mut item {
                syn::Item::Struct(s) if at > 0 => {
                    s.fields.iter_mut().nth(at - 1).map(|f| f.attrs.push(attr)).unwrap_or(())
                }
                syn::Item::Struct(s) => s.attrs.push(attr),
                syn::Item::Enum(e) if at > 0 => {
                    e.variants.iter_mut().nth(at - 1).map(|v| v.attrs.push(attr)).unwrap_or(())
                }
                syn::Item::Enum(e) => e.attrs.push(attr),
                _ => {}
            }
        }
        if let syn::Item::Struct(s) = &mut item {
            for (field, tokens) in s.fields.iter_mut().zip(types) {
                if let Some(ty) = tokens.and_then(|t| syn::parse2::<syn::Type>(t).ok()) {
                    field.ty = ty;
                }
            }
        }
        (args, item)
    })
}

/// The corpus: real schemas of this repository, the starting points of
/// [`mutated_source`].
pub const CORPUS: &[(&str, &str)] = &[
    ("src/schema.rs", include_str!("../../../src/schema.rs")),
    ("examples/blog/src/schema.rs", include_str!("../../../examples/blog/src/schema.rs")),
    ("examples/edge/src/schema.rs", include_str!("../../../examples/edge/src/schema.rs")),
    ("examples/shop/src/schema.rs", include_str!("../../../examples/shop/src/schema.rs")),
    ("tests/fixtures/checks/schema.rs", include_str!("../../../tests/fixtures/checks/schema.rs")),
    ("tests/fixtures/prisma/schema.rs", include_str!("../../../tests/fixtures/prisma/schema.rs")),
    ("tests/fixtures/reserved/schema.rs", include_str!("../../../tests/fixtures/reserved/schema.rs")),
    ("tests/fixtures/triggers/schema.rs", include_str!("../../../tests/fixtures/triggers/schema.rs")),
    ("tests/ui/pass/access.rs", include_str!("../../../tests/ui/pass/access.rs")),
    ("tests/ui/pass/columns_and_keys.rs", include_str!("../../../tests/ui/pass/columns_and_keys.rs")),
    ("tests/ui/pass/design_example.rs", include_str!("../../../tests/ui/pass/design_example.rs")),
    ("tests/ui/pass/membership_mode.rs", include_str!("../../../tests/ui/pass/membership_mode.rs")),
];

/// What a mutation may write into a source file.
const INSERTS: &[&str] = &[
    "#[entity]",
    "#[db_enum]",
    "#[tenant]",
    "#[tenant_scoped]",
    "#[soft_delete]",
    "#[id]",
    "#[id(auto)]",
    "#[belongs_to(Self)]",
    "#[index(id)]",
    "#[check(\"id > 0\")]",
    "Option<",
    ">",
    "<",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    "#",
    "\"",
    "'",
    "r#type",
    "café",
    "名前",
    "\"order\"",
    "\"\"",
    "0",
    "-1",
    "1e309",
    "\"a\\\"b\"",
    "mod m {",
    "pub",
    "Self",
    "Uuid",
];

/// One edit of a source file; indices are taken modulo the file's length.
#[derive(Clone, Debug)]
enum Mutation {
    DeletePiece(usize),
    ReplacePiece(usize, &'static str),
    InsertPiece(usize, &'static str),
    /// Moves one piece to another place.
    MovePiece(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let text =
        || prop_oneof![prop::sample::select(words()), prop::sample::select(INSERTS), prop::sample::select(IDENTS)];
    prop_oneof![
        2 => any::<usize>().prop_map(Mutation::DeletePiece),
        3 => (any::<usize>(), text()).prop_map(|(i, t)| Mutation::ReplacePiece(i, t)),
        3 => (any::<usize>(), text()).prop_map(|(i, t)| Mutation::InsertPiece(i, t)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::MovePiece(a, b)),
        2 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

/// A source file as pieces: runs of identifier characters, runs of
/// whitespace, and single other characters.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    for c in text.chars() {
        match out.last_mut() {
            Some(last) if class(c) != 2 && last.chars().next().map(class) == Some(class(c)) => last.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_string();
    for m in mutations {
        let mut p = pieces(&text);
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let (np, nl) = (p.len().max(1), lines.len().max(1));
        let by_lines = match m {
            Mutation::DeletePiece(i) if !p.is_empty() => {
                p.remove(i % np);
                false
            }
            Mutation::ReplacePiece(i, t) if !p.is_empty() => {
                p[i % np] = (*t).to_string();
                false
            }
            Mutation::InsertPiece(i, t) => {
                p.insert(i % (p.len() + 1), format!(" {t} "));
                false
            }
            Mutation::MovePiece(a, b) if !p.is_empty() => {
                let piece = p.remove(a % np);
                p.insert(b % (p.len() + 1), piece);
                false
            }
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % nl);
                true
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let line = lines[i % nl].clone();
                lines.insert(i % nl, line);
                true
            }
            Mutation::SwapLines(a, b) if !lines.is_empty() => {
                lines.swap(a % nl, b % nl);
                true
            }
            _ => false,
        };
        text = if by_lines { lines.join("\n") } else { p.concat() };
    }
    text
}

/// A schema of [`CORPUS`] with one to five mutations (pieces deleted,
/// replaced, inserted or moved; lines deleted, duplicated or swapped):
/// arbitrary source files that mostly still parse as Rust, so they reach
/// the attribute readers and the whole-schema stages.
pub fn mutated_source() -> impl Strategy<Value = String> {
    (0..CORPUS.len(), prop::collection::vec(mutation(), 1..6)).prop_map(|(file, m)| apply(CORPUS[file].1, &m))
}

/// A crate of one to three files, some of them inside an inline module:
/// what the build script scans (tenants are looked up across files).
pub fn crate_sources() -> impl Strategy<Value = Vec<String>> {
    let file = prop_oneof![
        2 => mutated_source(),
        1 => source(),
        1 => plausible(),
        1 => source().prop_map(|s| format!("pub mod inner {{ #[entity] #[tenant] pub struct Org {{ #[id] pub id: Uuid }} {s} }}")),
    ];
    prop::collection::vec(file, 1..4)
}

/// The build script's path: scan the files (as the build script reads
/// them), then the whole-schema stages and, when those were clean, the
/// review and every emitter (the seed generator among them).
pub fn through_the_build_script(files: &[String]) {
    let texts = files.iter().enumerate().map(|(i, text)| (format!("src/f{i}.rs"), text.clone())).collect();
    let scanned = super::scan::Sources { files: Vec::new(), texts }.scan();
    for d in &scanned.diagnostics {
        // Rendering a diagnostic is part of the build script's path too.
        let _ = d.to_string();
    }
    if scanned.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let mut schema = scanned.schema;
    let diagnostics = crate::build::pipeline::model(&mut schema);
    if !diagnostics.iter().any(|d| d.is_error()) {
        // The review and every target, the seed generator among them.
        let _ = crate::build::pipeline::emit(&schema, &crate::emit::EmitOptions::default());
    }
}

/// The front end's entries the macro calls, on one item: `parse_entity_with`
/// for a struct, `parse_db_enum_with` for an enum.
pub fn through_the_macro_entries(args: TokenStream, item: &syn::Item, tenants: &[String]) {
    let cx = Ctxt::new();
    let options = ParseOptions { file: String::new(), tenants: tenants.to_vec() };
    match item {
        syn::Item::Struct(s) => {
            let _ = super::parse_entity_with(args, s, &cx, &options);
            let _ = super::strip_struct(s);
        }
        syn::Item::Enum(e) => {
            let _ = super::parse_db_enum_with(args, e, &cx, &options);
            let _ = super::strip_enum(e);
        }
        _ => {}
    }
    let _ = cx.take_warnings();
    for e in cx.into_errors() {
        let _ = e.to_compile_error();
    }
}

/// The macro's path through a source file: its tenants as the macro finds
/// them, then every struct and enum through [`through_the_macro_entries`]
/// (with no arguments: an `#[entity(...)]` left on the item is skipped).
pub fn through_the_macro(src: &str) {
    let tenants = super::scan::find_tenants(src);
    let Ok(file) = syn::parse_file(src) else { return };
    for item in &file.items {
        through_the_macro_entries(TokenStream::new(), item, &tenants);
    }
}

/// How many cases one target runs in CI (a few seconds for all of them).
const CI_CASES: u32 = 64;

/// Runs `test` on inputs drawn from `strategy` and fails, with the input
/// shrunk, if it panics. `source_file` (`file!()`) names where proptest
/// keeps the seeds of failures. The length of the run comes from the
/// environment: `TABLEWRIGHT_FUZZ_SECS` (run for that many seconds, with
/// new seeds every 256 cases, and print the count), else `PROPTEST_CASES`,
/// else 64 cases.
pub fn fuzz<S: Strategy>(source_file: &'static str, name: &str, strategy: S, test: impl Fn(S::Value)) {
    let limit =
        std::env::var("TABLEWRIGHT_FUZZ_SECS").ok().and_then(|s| s.parse::<u64>().ok()).map(Duration::from_secs);
    let mut config = ProptestConfig { source_file: Some(source_file), ..ProptestConfig::default() };
    if limit.is_some() {
        config.cases = 256;
    } else if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CI_CASES;
    }
    let start = Instant::now();
    let mut inputs = 0u64;
    loop {
        // A new runner draws a new random seed.
        let mut runner = proptest::test_runner::TestRunner::new(config.clone());
        if let Err(e) = runner.run(&strategy, |value| {
            test(value);
            Ok(())
        }) {
            panic!("{name}: {e}");
        }
        inputs += u64::from(config.cases);
        match limit {
            Some(limit) if start.elapsed() < limit => {}
            _ => break,
        }
    }
    if limit.is_some() {
        eprintln!("fuzz {name}: {inputs} inputs in {:.0?}, no panic", start.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Dialect;

    #[test]
    fn attribute_soup_never_panics() {
        fuzz(file!(), "attribute soup", source(), |src| {
            through_the_macro(&src);
            through_the_build_script(&[src]);
        });
    }

    #[test]
    fn plausible_entities_never_panic() {
        fuzz(file!(), "plausible entities", plausible(), |src| {
            through_the_macro(&src);
            through_the_build_script(&[src]);
        });
    }

    #[test]
    fn arbitrary_text_never_panics() {
        fuzz(file!(), "arbitrary text", "\\PC{0,200}", |src| {
            through_the_macro(&src);
            through_the_build_script(&[src]);
        });
    }

    #[test]
    fn token_streams_never_panic() {
        fuzz(file!(), "token streams", token_item(), |(args, item)| {
            through_the_macro_entries(args.clone(), &item, &["Org".to_string()]);
            // The same item as the build script reads it: printed, then scanned.
            let attr = if matches!(item, syn::Item::Enum(_)) { "db_enum" } else { "entity" };
            let text = format!("#[{attr}({args})] {}", quote::ToTokens::to_token_stream(&item));
            through_the_build_script(&[text]);
        });
    }

    #[test]
    fn mutated_sources_never_panic() {
        fuzz(file!(), "mutated sources", mutated_source(), |src| {
            through_the_macro(&src);
            through_the_build_script(&[src]);
        });
    }

    #[test]
    fn crates_of_several_files_never_panic() {
        fuzz(file!(), "crates", crate_sources(), |files| through_the_build_script(&files));
    }

    #[test]
    fn sql_fragments_never_panic() {
        let pieces = prop::collection::vec(prop::sample::select(SQL_PIECES), 0..12);
        fuzz(file!(), "SQL fragments", pieces, |pieces| {
            let sql = pieces.join(" ");
            let src = format!(
                "#[entity] #[check({sql:?})] #[index(price, where = {sql:?})] pub struct T {{ #[id] pub id: i32, \
                 pub price: i32, #[default(sql = {sql:?})] pub name: String }}"
            );
            through_the_macro(&src);
            through_the_build_script(&[src]);
            if let Ok(expr) = crate::fragment::parse_expr(&sql) {
                for dialect in Dialect::ALL {
                    let _ = crate::fragment::render(&expr, dialect);
                }
                let _ = crate::fragment::dialect_only(&expr);
            }
        });
    }

    #[test]
    fn the_corpus_is_real_schemas() {
        for (path, text) in CORPUS {
            let scanned = super::super::scan::scan_source(path, text);
            assert!(!scanned.schema.entities.is_empty(), "{path} has no entity");
        }
    }

    #[test]
    fn mutations_edit_pieces_and_lines() {
        let text = "pub struct A {\n    x: i32,\n}";
        assert_eq!(pieces("a_b  c(1)"), ["a_b", "  ", "c", "(", "1", ")"]);
        assert_eq!(apply(text, &[Mutation::DeleteLine(1)]), "pub struct A {\n}");
        assert_eq!(apply(text, &[Mutation::ReplacePiece(2, "enum")]), "pub enum A {\n    x: i32,\n}");
        assert_eq!(apply(text, &[Mutation::SwapLines(0, 2)]), "}\n    x: i32,\npub struct A {");
    }
}

//! The generator over schemas written in the DSL: overrides, counts,
//! per-parent ratios, unreadable checks, and `#[seed]` mistakes.

use super::*;
use crate::frontend::scan::scan_source;

fn schema(src: &str) -> Schema {
    let scanned = scan_source("src/schema.rs", src);
    assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
    let mut schema = scanned.schema;
    let diags = crate::transform::apply(&mut schema);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    schema
}

const SRC: &str = r#"
#[entity]
#[seed(count = 3)]
pub struct Author {
    #[id(auto)]
    pub id: i64,
    #[seed(values = ["ann", "bob", "cy"])]
    #[unique]
    pub handle: String,
}

#[entity]
#[seed(per_parent = 2)]
#[check("stock * 2 < 1000")]
pub struct Book {
    #[id]
    pub id: Uuid,
    #[belongs_to(Author)]
    pub author_id: i64,
    #[seed(range = 0..=10)]
    pub stock: i32,
    #[belongs_to(Self)]
    pub sequel_of: Option<Uuid>,
}
"#;

#[test]
fn overrides_counts_and_per_parent() {
    let schema = schema(SRC);
    let tables = generate_all(&schema, &SeedOptions::default()).expect("seedable");
    let (author, cols, authors) = &tables[0];
    assert_eq!(author.name, "Author");
    assert_eq!(authors.len(), 3);
    let handle = cols.iter().position(|c| c.name == "handle").expect("handle");
    let mut handles: Vec<String> = authors.iter().map(|r| r[handle].key_text()).collect();
    handles.sort();
    assert_eq!(handles, ["ann", "bob", "cy"]);
    let (_, cols, books) = &tables[1];
    assert_eq!(books.len(), 6, "2 books per author");
    let stock = cols.iter().position(|c| c.name == "stock").expect("stock");
    assert!(books.iter().all(|r| matches!(r[stock], Value::Int(0..=10))));
    // Self-references point at earlier rows only: a tree.
    let (id, sequel) = (0, cols.iter().position(|c| c.name == "sequel_of").expect("sequel_of"));
    for (i, row) in books.iter().enumerate() {
        if row[sequel] != Value::Null {
            assert!(books[..i].iter().any(|b| b[id] == row[sequel]), "row {i} points forward");
        }
    }
}

#[test]
fn an_unreadable_check_without_override_is_an_error() {
    let schema = schema(&SRC.replace("#[seed(range = 0..=10)]", ""));
    let errors = Generator::new(&schema, &SeedOptions::default()).err().expect("an error");
    assert_eq!(errors.len(), 1);
    let text = errors[0].to_string();
    assert!(text.contains("cannot tell which values satisfy check `ck_books_1` (`stock * 2 < 1000`)"), "{text}");
    assert!(text.contains("#[seed(values = [...])]"), "{text}");
}

#[test]
fn seed_attribute_mistakes_are_reported() {
    let src = r#"
#[entity]
#[seed(cout = 3)]
pub struct Tag {
    #[id]
    pub id: Uuid,
    #[seed(range = 5..1)]
    pub a: i32,
    #[seed(values = [])]
    pub b: String,
}
"#;
    let scanned = scan_source("src/schema.rs", src);
    let text: Vec<String> = scanned.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(text[0].contains("unknown `#[seed]` option `cout`"), "{text:?}");
    assert!(text[1].contains("`range` expects a non-empty range"), "{text:?}");
    assert!(text[2].contains("`values` expects a non-empty list"), "{text:?}");
}

#[test]
fn same_seed_same_rows_other_seed_other_rows() {
    let schema = schema(SRC);
    let a = sql::scripts(&schema, &SeedOptions::default()).expect("seed");
    let b = sql::scripts(&schema, &SeedOptions::default()).expect("seed");
    let c = sql::scripts(&schema, &SeedOptions::default().with_seed(1)).expect("seed");
    assert_eq!(a, b);
    assert_ne!(a, c);
}

//! The generator over schemas written in the DSL: overrides, counts,
//! per-parent ratios, checks evaluated or not, and `#[seed]` mistakes.

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
fn an_arithmetic_check_is_evaluated_without_an_override() {
    let schema = schema(&SRC.replace("#[seed(range = 0..=10)]", "").replace("stock * 2 < 1000", "stock * 2 < 30"));
    let tables = generate_all(&schema, &SeedOptions::default()).expect("seedable");
    let (_, cols, books) = &tables[1];
    let stock = cols.iter().position(|c| c.name == "stock").expect("stock");
    assert_eq!(books.len(), 6);
    assert!(books.iter().all(|r| matches!(r[stock], Value::Int(i) if i * 2 < 30)), "{books:?}");
}

#[test]
fn an_unevaluable_check_leaves_only_its_table_empty() {
    let src = SRC.replace("#[seed(range = 0..=10)]", "").replace("stock * 2 < 1000", "sqrt(stock) < 30");
    let unvouched = schema(&src);
    let generator = Generator::new(&unvouched, &SeedOptions::default()).expect("the other tables are seeded");
    let tables: Vec<&str> = generator.tables().iter().map(|e| e.table.as_str()).collect();
    assert_eq!(tables, ["authors"]);
    let skipped = generator.skipped();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].tables(), "`books`");
    assert_eq!(
        skipped[0].reason,
        "the seed generator cannot evaluate its check `ck_books_1` (`sqrt(stock) < 30`): it uses `sqrt(stock)`"
    );
    assert_eq!(
        skipped[0].help,
        "give the columns it names values that pass it, with `#[seed(values = [...])]` or `#[seed(range = a..b)]` \
         on the field `stock`"
    );
    // An override on every column it names vouches for the check.
    let vouched = schema(&SRC.replace("stock * 2 < 1000", "sqrt(stock) < 30"));
    let generator = Generator::new(&vouched, &SeedOptions::default()).expect("seedable");
    assert_eq!(generator.tables().len(), 2);
    assert!(generator.skipped().is_empty());
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

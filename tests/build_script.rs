//! The build API end to end on whole crates: output does not depend on the
//! order of declarations, and whole-schema mistakes fail generation with
//! `path:line:col: error: message` lines.

mod common;

use std::fs;
use std::path::Path;

use tablewright::build::Builder;

/// Splits a schema file into its header (module docs and `use` lines) and its
/// items. The schema files of this repository separate top-level items with a
/// blank line and have none inside an item, which the assertion below checks.
fn split_items(source: &str) -> (Vec<&str>, Vec<&str>) {
    let chunks: Vec<&str> = source.split("\n\n").collect();
    let first_item =
        chunks.iter().position(|c| c.contains("#[entity") || c.contains("#[db_enum")).expect("a schema has items");
    let (header, items) = chunks.split_at(first_item);
    for item in items {
        let opens = item.matches('{').count();
        assert_eq!(opens, item.matches('}').count(), "an item was split in the middle:\n{item}");
    }
    (header.to_vec(), items.to_vec())
}

/// The showcase and every example, with the items of each schema file written
/// in reverse order, generate exactly the same files.
#[test]
fn declaration_order_does_not_change_the_output() {
    for (name, dir) in common::crate_dirs() {
        let expected = Builder::new().with_crate_dir(&dir).generate().unwrap_or_else(|e| panic!("{name}: {e}"));

        let shuffled = tempfile::tempdir().expect("a temp dir");
        let src = shuffled.path().join("src");
        fs::create_dir_all(&src).unwrap();
        let mut reversed_files = 0;
        for entry in fs::read_dir(dir.join("src")).unwrap() {
            let path = entry.unwrap().path();
            let source = fs::read_to_string(&path).unwrap();
            if !source.contains("#[entity") {
                continue;
            }
            let (header, mut items) = split_items(&source);
            items.reverse();
            let rewritten = [header, items].concat().join("\n\n");
            assert_ne!(rewritten, source, "{name}: reversing {} changed nothing", path.display());
            fs::write(src.join(path.file_name().unwrap()), rewritten).unwrap();
            reversed_files += 1;
        }
        assert!(reversed_files > 0, "{name}: no schema file found");

        let actual = Builder::new()
            .with_crate_dir(shuffled.path())
            .generate()
            .unwrap_or_else(|e| panic!("{name} (reversed): {e}"));
        assert_eq!(expected.artifacts().len(), actual.artifacts().len(), "{name}: file count differs");
        for (e, a) in expected.artifacts().iter().zip(actual.artifacts()) {
            assert_eq!(e.path, a.path, "{name}: file lists differ");
            assert!(
                e.contents == a.contents,
                "{name}: {} differs when the declarations are reversed",
                e.path.display()
            );
        }
    }
}

fn crate_with_schema(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("src/schema.rs"), source).unwrap();
    dir
}

fn errors_of(dir: &Path) -> Vec<String> {
    match Builder::new().with_crate_dir(dir).generate() {
        Ok(_) => panic!("a broken schema generated artifacts"),
        Err(e) => e.to_string().lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect(),
    }
}

/// Mistakes that need the whole schema (one macro call cannot see them) are
/// reported by the build with the location of the item at fault, and nothing
/// is written.
#[test]
fn whole_schema_errors_fail_generation_with_locations() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

#[entity(table = "tasks")]
pub struct Chore {
    #[id]
    pub id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Note {
    #[id]
    pub id: Uuid,
    #[belongs_to(Ghost)]
    pub ghost_id: Uuid,
    pub mood: Mood,
}
"#,
    );
    let errors = errors_of(dir.path());
    let expected = [
        "src/schema.rs:10:12: error: `Task` and `Chore` both use the table name `tasks` (first at src/schema.rs:4:12)",
        "src/schema.rs:17:12: error: `Note` is `#[tenant_scoped]` but no entity is marked `#[tenant]`",
        "src/schema.rs:20:18: error: `Note` references `Ghost`, which is not an `#[entity]` in the scanned sources",
        "src/schema.rs:22:9: error: `Note.mood` has type `Mood`, which is not a `#[db_enum]` in the scanned sources",
    ];
    assert_eq!(errors, expected, "every error once, in source order");
    assert!(!dir.path().join("generated").exists(), "a failed generation wrote files");
}

/// Per-item mistakes found while scanning are build errors too, located on
/// the offending token, all of them at once.
#[test]
fn item_errors_are_reported_together_by_the_build() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
#[index(titel)]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub title: String,
    pub count: u32,
}
"#,
    );
    let errors = errors_of(dir.path());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("src/schema.rs:4:9: error: `#[index]` names unknown column `titel`"), "{errors:?}");
    assert!(errors[1].starts_with("src/schema.rs:9:16: error: unsupported column type `u32`"), "{errors:?}");
}

/// Access mistakes that need the whole schema: a table of a tenant schema
/// that says neither `#[tenant_scoped]` nor `#[global]` (it would otherwise be
/// granted to the application role without row-level security), a policy
/// that names a column the table does not have or does not parse, a policy
/// without a tenant, userstamps pointing at a non-entity.
#[test]
fn access_errors_fail_generation_with_locations() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
#[tenant]
pub struct Org {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Country {
    #[id]
    pub id: Uuid,
}

#[entity]
#[tenant_scoped]
#[policy(delete, using = "autor_id = tw_current_user()")]
#[policy(update, name = "broken", using = "author_id = = 1")]
pub struct Comment {
    #[id]
    pub id: Uuid,
    pub author_id: Uuid,
}

#[entity]
#[global]
#[userstamps(Ghost)]
pub struct Setting {
    #[id]
    pub id: Uuid,
}
"#,
    );
    let errors = errors_of(dir.path());
    let expected = [
        "src/schema.rs:11:12: error: `Country` is neither `#[tenant_scoped]` nor `#[global]`: in a schema with the tenant `Org`, every table must say whether its rows belong to one tenant",
        "src/schema.rs:18:3: error: the `using` of policy `custom_delete` of `Comment` names the column `autor_id`, which `comments` does not have: did you mean `author_id`?",
        "src/schema.rs:19:3: error: the `using` of policy `broken` of `Comment` is not a SQL expression: sql parser error: Expected: an expression, found: = at Line: 1, Column: 13",
        "src/schema.rs:29:12: error: `Setting` references `Ghost`, which is not an `#[entity]` in the scanned sources",
    ];
    assert_eq!(errors, expected, "every error once, in source order");

    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
#[policy(update, using = "id = 1")]
pub struct Note {
    #[id]
    pub id: Uuid,
}
"#,
    );
    assert_eq!(
        errors_of(dir.path()),
        ["src/schema.rs:4:3: error: `#[policy]` on `Note`, but the schema has no `#[tenant]`"]
    );
}

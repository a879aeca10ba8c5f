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
        // The recorded history (snapshots and the migration files of every
        // target, which are never regenerated) is part of the input.
        common::tools::copy_dir(&dir.join("generated"), &shuffled.path().join("generated"));

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
        "src/schema.rs:19:3: error: the `using` of policy `broken` of `Comment` is not a SQL expression: expected an expression, found = at Line: 1, Column: 13",
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

/// Every error of a generation: (`path:line:col: error: message`, help line).
fn errors_with_help(dir: &Path) -> Vec<(String, String)> {
    match Builder::new().with_crate_dir(dir).generate() {
        Ok(_) => panic!("a schema over a dialect limit generated artifacts"),
        Err(tablewright::build::Error::Diagnostics(diagnostics)) => diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let text = d.to_string();
                let (head, help) = text.split_once("\n  help: ").expect("every limit error has a help line");
                (head.to_string(), help.to_string())
            })
            .collect(),
        Err(other) => panic!("expected diagnostics, got {other}"),
    }
}

/// The dialect limits that need the whole schema: a name the transforms
/// derive (the tenant key), names that share a namespace across tables,
/// and MySQL's key and row sizes with every column in place. Each is one
/// error at the item at fault, with the limit and a fix.
#[test]
fn whole_schema_dialect_limits_fail_generation_with_the_limit_and_a_fix() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity(table = "orgs")]
#[tenant]
pub struct OrganizationWithAnExtraordinarilyLongNameThatGoesOnAndOnForMore {
    #[id]
    pub id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Note {
    #[id]
    pub id: Uuid,
}

#[entity(table = "Labels")]
#[index(name, name = "IDX_Name")]
#[global]
pub struct Label {
    #[id]
    pub id: Uuid,
    #[column(max_len = 50)]
    pub name: String,
}

#[entity]
#[index(a, b, c, d, name = "idx_name")]
#[global]
pub struct Tag {
    #[id]
    pub id: Uuid,
    #[column(max_len = 300)]
    pub a: String,
    #[column(max_len = 300)]
    pub b: String,
    #[column(max_len = 300)]
    pub c: String,
    #[column(max_len = 300)]
    pub d: String,
}

#[entity(table = "labels")]
#[global]
pub struct LegacyLabel {
    #[id]
    pub id: Uuid,
}

#[entity]
#[index(title, name = "tags")]
#[global]
pub struct Archive {
    #[id]
    pub id: Uuid,
    #[column(max_len = 8000)]
    pub body: String,
    #[column(max_len = 8000)]
    pub summary: String,
    #[column(max_len = 700)]
    pub title: String,
}

#[db_enum(name = "archives")]
pub enum Shelf {
    Top,
    Bottom,
}
"#,
    );
    let errors = errors_with_help(dir.path());
    let expected: &[(&str, &str)] = &[
        (
            "src/schema.rs:12:12: error: the column name `organization_with_an_extraordinarily_long_name_that_goes_on_and_on_for_more_id` (the tenant key `#[tenant_scoped]` adds to `notes`) is 78 bytes long: PostgreSQL allows 63 bytes and MySQL/MariaDB allows 64 characters (PostgreSQL would cut it short without an error)",
            "the tenant key is named after the tenant entity (`organization_with_an_extraordinarily_long_name_that_goes_on_and_on_for_more_id`): give `OrganizationWithAnExtraordinarilyLongNameThatGoesOnAndOnForMore` a shorter name",
        ),
        (
            "src/schema.rs:28:3: error: index `idx_name` on `tags` is too wide: its key takes 4800 bytes (4 per character of a string), MySQL/MariaDB allows 3072 bytes (MySQL 8 rejects it; MariaDB indexes only a prefix or a hash)",
            "give its string columns a smaller `max_len`, or index fewer columns",
        ),
        (
            "src/schema.rs:28:3: error: the index name `idx_name` differs from `IDX_Name` only in case: MySQL/MariaDB and SQLite treat them as one name",
            "rename one of them: name = \"idx_name_2\" in the index attribute",
        ),
        (
            "src/schema.rs:45:12: error: the table name `labels` differs from `Labels` only in case: SQLite treats them as one name",
            "rename one of them: #[entity(table = \"labels_2\")]",
        ),
        (
            "src/schema.rs:51:3: error: the index name `tags` on `archives` is the name of the table `tags`: PostgreSQL and SQLite keep indexes and tables in one namespace",
            "choose another name: name = \"idx_tags\" in the index attribute",
        ),
        (
            "src/schema.rs:57:9: error: a row of `archives` is too wide: its VARCHAR and fixed-size columns take 66950 bytes (4 per character of `max_len`), MySQL/MariaDB allows 65535 bytes",
            "drop `max_len` from the longest string columns (unbounded TEXT is stored off the row), or shorten them",
        ),
        (
            "src/schema.rs:65:10: error: the enum type `archives` of `Shelf` has the name of the table `archives`: PostgreSQL keeps types and tables in one namespace (every table is a type too)",
            "rename the type: #[db_enum(name = \"archives_kind\")]",
        ),
    ];
    let errors: Vec<(&str, &str)> = errors.iter().map(|(e, h)| (e.as_str(), h.as_str())).collect();
    assert_eq!(errors, expected, "each limit once, at the item at fault, with a fix");
    assert!(!dir.path().join("generated").exists(), "a failed generation wrote files");
}

/// One invalid name is one error, however many dialects would trip on it
/// (it used to come once from each SQL dialect's emitter).
#[test]
fn an_invalid_constraint_name_is_one_error() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
#[check(name = "ck_price\"positive", "price >= 0")]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub price: i64,
}
"#,
    );
    let errors = errors_with_help(dir.path());
    assert_eq!(
        errors,
        [(
            "src/schema.rs:4:16: error: the name `ck_price\"positive` holds a quote character, which the generated SQL cannot carry in an index or constraint name".to_string(),
            "use letters, digits and underscores: #[check(name = \"ck_pricepositive\", \"...\")]".to_string()
        )]
    );
}

/// Names a target cannot avoid by construction are located errors: a module
/// every generated SQLAlchemy line spells out (`sa`), and two schema items
/// whose generated type names collide (`Task`'s insert type is `NewTask`).
/// Every other clash with a target's names is avoided (examples/edge).
#[test]
fn target_name_clashes_that_cannot_be_avoided_are_located_errors() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct NewTask {
    #[id]
    pub id: Uuid,
}

#[entity(table = "modules")]
#[allow(non_camel_case_types)]
pub struct sa {
    #[id]
    pub id: Uuid,
}
"#,
    );
    let errors = errors_with_help(dir.path());
    let expected: &[(&str, &str)] = &[
        (
            "src/schema.rs:4:12: error: the generated TypeScript type name `NewTask` of entity `Task` is also the name of entity `NewTask`",
            "rename one of them: the generated TypeScript and Python files put every type in one namespace",
        ),
        (
            "src/schema.rs:17:12: error: `sa` would shadow a module the SQLAlchemy models use (no Alembic files written)",
            "rename the Rust type; these names are taken: sa, postgresql, _enum_values",
        ),
    ];
    let errors: Vec<(&str, &str)> = errors.iter().map(|(e, h)| (e.as_str(), h.as_str())).collect();
    assert_eq!(errors, expected);
}

/// An enum default the enum does not have (the macro leaves that to rustc;
/// the build script, which does not compile, says it): at the field, with
/// the values to choose from.
#[test]
fn an_enum_default_outside_the_enum_is_a_located_error() {
    let dir = crate_with_schema(
        r#"use tablewright::prelude::*;

#[db_enum]
pub enum Mood {
    Happy,
    Calm,
}

#[entity]
pub struct Diary {
    #[id]
    pub id: Uuid,
    #[default(Mood::Sad)]
    pub mood: Mood,
}
"#,
    );
    assert_eq!(
        errors_with_help(dir.path()),
        [(
            "src/schema.rs:14:9: error: default `sad` is not a value of `Mood`".to_string(),
            "write one of `Mood::Happy`, `Mood::Calm`".to_string()
        )]
    );
}

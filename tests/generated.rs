//! `generated/` is not stale: for the showcase and every example, what the
//! Builder produces from the sources now is byte for byte what is on disk.
//!
//! `cargo build` rewrites `generated/` (each crate's build.rs calls
//! `tablewright::build::Builder::new().run()`), so locally this fails only
//! for a crate that was not built; in CI, `scripts/test` sets
//! `TABLEWRIGHT_CHECK=1`, which makes the build scripts check instead of
//! write, so a schema change committed without its regenerated files fails.

mod common;

use tablewright::build::Builder;

#[test]
fn generated_dirs_match_the_sources() {
    let mut stale = Vec::new();
    for (name, dir) in common::crate_dirs() {
        let artifacts = Builder::new()
            .with_crate_dir(&dir)
            .generate()
            .unwrap_or_else(|e| panic!("{name}: the schema does not generate:\n{e}"));
        let report = artifacts.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        if !report.is_clean() {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let manifest = dir.join("Cargo.toml");
            let manifest = manifest.strip_prefix(root).unwrap_or(&manifest);
            stale.push(format!(
                "{name} ({}):\n{report}  bless: cargo build --manifest-path {}",
                artifacts.out_dir().display(),
                manifest.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date with the schema (`cargo build` rewrites generated/; commit the result):\n\n{}",
        stale.join("\n\n")
    );
}

/// Two generations of one schema are byte-identical (no timestamps, no
/// hash-map order), and every crate generates at least its migrations.
#[test]
fn generation_is_deterministic() {
    for (name, dir) in common::crate_dirs() {
        let first = Builder::new().with_crate_dir(&dir).generate().unwrap_or_else(|e| panic!("{name}: {e}"));
        let second = Builder::new().with_crate_dir(&dir).generate().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(first.artifacts(), second.artifacts(), "{name}: two generations differ");
        for dialect in common::Dialect::ALL {
            let prefix = format!("migrations/{}/", dialect.dir_name());
            assert!(
                first.artifacts().iter().any(|a| a.path.to_string_lossy().starts_with(&prefix)),
                "{name}: no {prefix} artifacts"
            );
        }
    }
}

/// The inverse side of a key is named after what the key means, the same in
/// every ORM target: the comments a user wrote are `authorComments` (from
/// `comments.author_id`), the tasks they created `createdByTasks`; not a
/// bare `comments`/`tasks`, which would read as all of them.
#[test]
fn inverse_relations_say_what_the_key_means_in_every_orm() {
    let generated = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let read = |path: &str| std::fs::read_to_string(generated.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = [
        ("prisma/schema.prisma", ["authorComments ", "createdByTasks "], ["  comments ", "  tasks "]),
        (
            "drizzle/schema.ts",
            ["authorComments: many(comments", "createdByTasks: many(tasks"],
            ["  comments: many(", "  tasks: many("],
        ),
        (
            "typeorm/entities/User.ts",
            ["authorComments!: Comment[]", "createdByTasks!: Task[]"],
            ["  comments!:", "  tasks!:"],
        ),
        (
            "alembic/models.py",
            ["author_comments: Mapped[list[Comment]]", "created_by_tasks: Mapped[list[Task]]"],
            ["    comments: Mapped[list[Comment]]", "    tasks: Mapped[list[Task]]"],
        ),
    ];
    for (path, present, absent) in cases {
        let text = read(path);
        // The User model/class only: from its header to the next one.
        let start = ["model User {", "export const usersRelations", "export class User ", "class User("]
            .iter()
            .find_map(|h| text.find(h))
            .unwrap_or_else(|| panic!("{path}: no User"));
        let rest = &text[start..];
        let end = rest[1..]
            .find("\nmodel ")
            .or_else(|| rest[1..].find("\nexport const "))
            .or_else(|| rest[1..].find("\nclass "))
            .map_or(rest.len(), |i| i + 1);
        let user = &rest[..end];
        for name in present {
            assert!(user.contains(name), "{path}: User lacks `{name}`:\n{user}");
        }
        for name in absent {
            assert!(!user.contains(name), "{path}: User has the bare `{}`:\n{user}", name.trim());
        }
    }
}

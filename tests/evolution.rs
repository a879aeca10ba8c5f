//! Schema evolution, proven on real databases: the showcase schema through
//! eight recorded edits (add a column, rename a column, rename a table, add
//! an enum value, add an index, widen a type, add `#[soft_delete]`, drop a
//! column with its acknowledgement), applied step by step to PostgreSQL,
//! MariaDB and SQLite holding the showcase's seed rows. After every step
//! the database equals a fresh database built from that step's schema, the
//! rows survive (counts and the values of every column that still exists),
//! and the step's down migration returns to the previous step's schema.
//!
//! Also: recording twice changes nothing, a recorded file is never
//! rewritten, check mode fails while a draft exists, and a destructive
//! change is refused with the table, the column and the line of the schema.
//!
//! The comparisons normalize one thing: the order of PostgreSQL's dump lines
//! (PostgreSQL appends a new column, so its `CREATE TABLE` line and its
//! `COMMENT ON COLUMN` come out in another place than in a fresh database,
//! which has the column where the struct declares it): the PostgreSQL dumps
//! are compared as sorted lines. MariaDB places added columns exactly
//! (`AFTER`); SQLite rebuilds the table.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::history::{apply, fresh_dump, krate, normalize};
use common::{Database, Dialect};
use tablewright::build::Builder;

/// One edit of the schema source: a name, the text replacements, the
/// renames it declares (table or `table.column`, old -> new) and the
/// destructive changes it acknowledges.
struct Edit {
    name: &'static str,
    replace: &'static [(&'static str, &'static str)],
    renames: &'static [(&'static str, &'static str)],
    acknowledge: &'static [&'static str],
}

const EDITS: &[Edit] = &[
    Edit {
        name: "add_project_color",
        replace: &[(
            "    pub archived_at: Option<DateTime<Utc>>,\n}",
            "    pub archived_at: Option<DateTime<Utc>>,\n    /// A CSS hex color for the project's badge.\n    #[column(max_len = 7)]\n    pub color: Option<String>,\n}",
        )],
        renames: &[],
        acknowledge: &[],
    },
    Edit {
        name: "rename_task_description",
        replace: &[(
            "    #[column(max_len = 500)]\n    pub title: String,\n    pub description: Option<String>,",
            "    #[column(max_len = 500)]\n    pub title: String,\n    #[column(renamed_from = \"description\")]\n    pub details: Option<String>,",
        )],
        renames: &[("tasks.description", "tasks.details")],
        acknowledge: &[],
    },
    Edit {
        name: "rename_labels_to_tags",
        replace: &[(
            "/// A colored tag for tasks, per organization.\n#[entity]\n",
            "/// A colored tag for tasks, per organization.\n#[entity(table = \"tags\", renamed_from = \"labels\")]\n",
        )],
        renames: &[("labels", "tags")],
        acknowledge: &[],
    },
    Edit {
        name: "add_critical_priority",
        replace: &[("    Urgent,\n}", "    Pressing,\n    Urgent,\n    Critical,\n}")],
        renames: &[],
        acknowledge: &[],
    },
    Edit {
        name: "index_tasks_by_priority",
        replace: &[(
            "#[index(created_at desc, where = \"deleted_at IS NULL\")]\n",
            "#[index(created_at desc, where = \"deleted_at IS NULL\")]\n#[index(priority, due_date)]\n",
        )],
        renames: &[],
        acknowledge: &[],
    },
    Edit {
        name: "widen_project_code",
        replace: &[(
            "#[column(max_len = 10, check = \"code = upper(code)\")]",
            "#[column(max_len = 16, check = \"code = upper(code)\")]",
        )],
        renames: &[],
        acknowledge: &[],
    },
    Edit {
        name: "soft_delete_tags",
        replace: &[(
            "#[unique(organization_id, name)]\n// A label is renamed",
            "#[soft_delete]\n#[unique(organization_id, name)]\n// A label is renamed",
        )],
        renames: &[],
        acknowledge: &[],
    },
    Edit {
        name: "drop_user_avatar",
        replace: &[("    pub avatar_url: Option<String>,\n", "")],
        renames: &[],
        acknowledge: &["drop column users.avatar_url"],
    },
];

fn showcase_schema() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema.rs")).expect("src/schema.rs")
}

fn apply_edit(source: &str, edit: &Edit) -> String {
    let mut out = source.to_string();
    for (from, to) in edit.replace {
        assert!(out.contains(from), "{}: the schema no longer contains {from:?}", edit.name);
        out = out.replacen(from, to, 1);
    }
    out
}

/// The scenario crate after every edit is recorded, and each step's source.
struct Scenario {
    dir: tempfile::TempDir,
    sources: Vec<String>,
    seeds: BTreeMap<Dialect, String>,
}

fn record_scenario() -> Scenario {
    let base = showcase_schema();
    let dir = krate(&base);
    let first = Builder::new().with_crate_dir(dir.path()).generate().unwrap_or_else(|e| panic!("step 0: {e}"));
    first.write().unwrap();
    assert_eq!(first.history().messages, ["recorded the initial migration 0001_initial"]);
    // The seed of the base schema, kept before later steps rewrite it.
    let seeds = Dialect::ALL
        .iter()
        .map(|d| {
            let path = dir.path().join(format!("generated/seed/seed.{}.sql", d.dir_name()));
            (*d, fs::read_to_string(path).unwrap())
        })
        .collect();
    let mut sources = vec![base];
    for (i, edit) in EDITS.iter().enumerate() {
        let source = apply_edit(sources.last().unwrap(), edit);
        fs::write(dir.path().join("src/schema.rs"), &source).unwrap();
        let built = Builder::new()
            .with_crate_dir(dir.path())
            .with_record(edit.name)
            .acknowledge(edit.acknowledge.iter().copied())
            .generate()
            .unwrap_or_else(|e| panic!("recording {}: {e}", edit.name));
        built.write().unwrap();
        assert_eq!(built.history().messages, [format!("recorded migration {:04}_{}", i + 2, edit.name)]);
        sources.push(source);
    }
    Scenario { dir, sources, seeds }
}

/// Table -> (primary key columns, columns) of a step, from its snapshot.
fn tables(dir: &Path, step: usize) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let history = dir.join("generated/migrations/history");
    let mut files: Vec<PathBuf> = fs::read_dir(&history).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&files[step]).unwrap()).unwrap();
    json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let names = |v: &serde_json::Value| -> Vec<String> {
                v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
            };
            let columns =
                e["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
            (e["table"].as_str().unwrap().to_string(), (names(&e["primary_key"]["columns"]), columns))
        })
        .collect()
}

/// Every row of `table`, the `columns` values joined, in key order: one string.
fn rows(db: &mut dyn Database, table: &str, key: &[String], columns: &[String]) -> String {
    let d = db.dialect();
    let q = |c: &str| match d {
        Dialect::Mysql => format!("`{c}`"),
        _ => format!("\"{c}\""),
    };
    let order: Vec<String> = key.iter().map(|c| q(c)).collect();
    let order = order.join(", ");
    let sql = match d {
        Dialect::Postgres => {
            let values: Vec<String> = columns.iter().map(|c| format!("coalesce({}::text, '~')", q(c))).collect();
            format!(
                "SELECT count(*) || ':' || coalesce(string_agg(concat_ws(',', {}), '|' ORDER BY {order}), '') FROM {}",
                values.join(", "),
                q(table)
            )
        }
        Dialect::Mysql => {
            let values: Vec<String> =
                columns.iter().map(|c| format!("coalesce(cast({} as char), '~')", q(c))).collect();
            format!(
                "SELECT CONCAT(COUNT(*), ':', COALESCE(GROUP_CONCAT(CONCAT_WS(',', {}) ORDER BY {order} SEPARATOR '|'), '')) FROM {}",
                values.join(", "),
                q(table)
            )
        }
        Dialect::Sqlite => {
            let values: Vec<String> =
                columns.iter().map(|c| format!("coalesce(cast({} as text), '~')", q(c))).collect();
            format!(
                "SELECT count(*) || ':' || coalesce(group_concat(r, '|'), '') FROM (SELECT {} AS r FROM {} ORDER BY {order})",
                values.join(" || ',' || "),
                q(table)
            )
        }
    };
    if d == Dialect::Mysql {
        db.execute_batch("SET SESSION group_concat_max_len = 67108864").unwrap();
    }
    db.query_scalar(&sql).unwrap_or_else(|e| panic!("{d}: {sql}: {e}")).unwrap_or_default()
}

/// The rows of step `step - 1` that must survive step `step`: per table
/// (under its new name) the values of the columns both steps have.
fn surviving(db: &mut dyn Database, dir: &Path, step: usize, after: bool) -> BTreeMap<String, String> {
    let (before, now) = (tables(dir, step - 1), tables(dir, step));
    let renames = EDITS[step - 1].renames;
    let renamed =
        |name: &str| renames.iter().find(|(o, _)| *o == name).map_or(name.to_string(), |(_, n)| n.to_string());
    let mut out = BTreeMap::new();
    for (table, (key, columns)) in &before {
        let new_table = renamed(table);
        let Some((_, new_columns)) = now.get(&new_table) else { continue };
        let kept: Vec<(String, String)> = columns
            .iter()
            .filter_map(|c| {
                let new = renamed(&format!("{table}.{c}"));
                let new = new.rsplit('.').next().unwrap_or(&new).to_string();
                new_columns.contains(&new).then(|| (c.clone(), new))
            })
            .collect();
        let (name, cols, key): (String, Vec<String>, Vec<String>) = if after {
            let key =
                key.iter().map(|k| kept.iter().find(|(o, _)| o == k).map_or(k.clone(), |(_, n)| n.clone())).collect();
            (new_table.clone(), kept.iter().map(|(_, n)| n.clone()).collect(), key)
        } else {
            (table.clone(), kept.iter().map(|(o, _)| o.clone()).collect(), key.clone())
        };
        out.insert(new_table, rows(db, &name, &key, &cols));
    }
    out
}

fn evolve_on(dialect: Dialect, scenario: &Scenario) {
    let fresh: Vec<String> = match scenario.sources.iter().map(|s| fresh_dump(dialect, s)).collect::<Option<Vec<_>>>() {
        Some(dumps) => dumps,
        None => return,
    };
    let Some(mut db) = common::connect_or_panic(dialect) else { return };
    let db = db.as_mut();
    let dir = scenario.dir.path();
    let migrations = common::load_migrations(&dir.join("generated/migrations").join(dialect.dir_name()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(migrations.len(), EDITS.len() + 1);
    apply(db, &migrations[0].up);
    db.execute_batch(&scenario.seeds[&dialect]).unwrap_or_else(|e| panic!("{dialect} seed: {e}"));
    assert_eq!(normalize(dialect, &db.dump_schema().unwrap()), fresh[0], "{dialect}: step 0");
    for (step, m) in migrations.iter().enumerate().skip(1) {
        let before = surviving(db, dir, step, false);
        apply(db, &m.up);
        let now = normalize(dialect, &db.dump_schema().unwrap());
        assert!(
            now == fresh[step],
            "{dialect}: after {} the database differs from a fresh one:\n{}",
            m.name,
            common::diff_lines(&fresh[step], &now)
        );
        db.check_schema().unwrap_or_else(|e| panic!("{dialect} after {}: {e}", m.name));
        let after = surviving(db, dir, step, true);
        for (table, rows) in &before {
            assert_eq!(&after[table], rows, "{dialect}: rows of {table} changed by {}", m.name);
        }
        assert!(before.values().any(|r| !r.starts_with("0:")), "{dialect}: no rows to carry at {}", m.name);
        // Down returns to the previous step; up again continues.
        apply(db, &m.down);
        let back = normalize(dialect, &db.dump_schema().unwrap());
        assert!(
            back == fresh[step - 1],
            "{dialect}: {} down does not restore the schema before it:\n{}",
            m.name,
            common::diff_lines(&fresh[step - 1], &back)
        );
        apply(db, &m.up);
    }
}

#[test]
fn the_showcase_evolves_through_eight_recorded_steps_on_every_database() {
    let scenario = record_scenario();
    for dialect in Dialect::ALL {
        evolve_on(dialect, &scenario);
    }
}

const SMALL: &str = r#"use tablewright::prelude::*;

#[entity]
#[timestamps]
pub struct Note {
    #[id(auto)]
    pub id: i64,
    pub body: String,
    pub pinned: Option<bool>,
}
"#;

fn build(dir: &Path) -> Builder {
    Builder::new().with_crate_dir(dir)
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Recording twice records once; recorded files are never rewritten by
/// later builds, whatever the schema becomes; an empty recording says so
/// and changes nothing.
#[test]
fn recording_is_idempotent_and_recorded_files_are_never_rewritten() {
    let dir = krate(SMALL);
    build(dir.path()).generate().unwrap().write().unwrap();
    let nothing = build(dir.path()).with_record("nothing").generate().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        nothing.history().messages,
        ["nothing to record as `nothing`: the schema is the one of migration 0001_initial"]
    );
    let before = files_under(&dir.path().join("generated"));
    nothing.write().unwrap();
    assert_eq!(files_under(&dir.path().join("generated")), before, "an empty recording changes nothing");

    fs::write(
        dir.path().join("src/schema.rs"),
        SMALL.replace("    pub body: String,", "    pub body: String,\n    pub title: Option<String>,"),
    )
    .unwrap();
    let first = build(dir.path()).with_record("add_title").generate().unwrap_or_else(|e| panic!("{e}"));
    first.write().unwrap();
    assert_eq!(first.history().messages, ["recorded migration 0002_add_title"]);
    let recorded = files_under(&dir.path().join("generated"));
    let step: Vec<&PathBuf> = recorded
        .keys()
        .filter(|p| p.to_string_lossy().contains("0002") || p.to_string_lossy().contains("0001_add_title"))
        .collect();
    for expected in [
        "migrations/postgres/0002_add_title.up.sql",
        "migrations/mysql/0002_add_title.down.sql",
        "migrations/sqlite/0002_add_title.up.sql",
        "migrations/history/0002_add_title.snapshot.json",
        "prisma/migrations/00000000000002_add_title/migration.sql",
        "drizzle/migrations/0001_add_title.sql",
        "typeorm/migrations/0000000000002-AddTitle.ts",
        "alembic/versions/0002_add_title.py",
    ] {
        assert!(step.contains(&&PathBuf::from(expected)), "{expected} not among {step:?}");
    }
    let again = build(dir.path()).with_record("add_title").generate().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        again.history().messages,
        ["nothing to record as `add_title`: the schema is the one of migration 0002_add_title"]
    );
    again.write().unwrap();
    assert_eq!(files_under(&dir.path().join("generated")), recorded, "recording twice records once");

    // The schema moves on: the recorded bytes stay, the change is a draft.
    fs::write(
        dir.path().join("src/schema.rs"),
        SMALL.replace(
            "    pub body: String,",
            "    pub body: String,\n    pub title: Option<String>,\n    pub color: Option<String>,",
        ),
    )
    .unwrap();
    let draft = build(dir.path()).generate().unwrap_or_else(|e| panic!("{e}"));
    draft.write().unwrap();
    assert!(draft.history().draft);
    let now = files_under(&dir.path().join("generated"));
    for (path, bytes) in recorded.iter().filter(|(p, _)| {
        let p = p.to_string_lossy();
        p.contains("/0001_")
            || p.contains("/0002_")
            || p.contains("00000000000001")
            || p.contains("00000000000002")
            || p.contains("0000000000001-")
            || p.contains("0000000000002-")
            || p.contains("0000_initial")
            || p.contains("0001_add_title")
    }) {
        assert_eq!(now.get(path), Some(bytes), "{} was rewritten", path.display());
    }
    let up = String::from_utf8(now[&PathBuf::from("migrations/draft/postgres.up.sql")].clone()).unwrap();
    assert!(up.contains("ALTER TABLE \"notes\" ADD COLUMN \"color\" TEXT;"), "{up}");
    assert!(now.contains_key(&PathBuf::from("migrations/draft/README.md")));
    assert!(!now.keys().any(|p| p.to_string_lossy().contains("0003")), "nothing recorded without asking");
}

/// The one recorded file a build rewrites: the newest drizzle-kit snapshot,
/// which `drizzle-kit generate` compares with schema.ts text for text. A
/// history recorded by a release that wrote a check as written (`body <>
/// ''`) gets that snapshot from its step's schema as schema.ts now renders
/// it (`"body" <> ''`); older snapshots, which drizzle-kit does not read,
/// keep their bytes.
#[test]
fn the_newest_drizzle_snapshot_follows_the_rendering_of_schema_ts() {
    let source =
        SMALL.replace("#[timestamps]\n", "#[timestamps]\n#[check(name = \"ck_notes_body\", \"body <> ''\")]\n");
    let dir = krate(&source);
    build(dir.path()).generate().unwrap().write().unwrap();
    fs::write(
        dir.path().join("src/schema.rs"),
        source.replace("    pub body: String,", "    pub body: String,\n    pub title: Option<String>,"),
    )
    .unwrap();
    build(dir.path()).with_record("add_title").generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    let meta = dir.path().join("generated/drizzle/migrations/meta");
    let (older, newest) = (meta.join("0000_snapshot.json"), meta.join("0001_snapshot.json"));
    let rendered = fs::read_to_string(&newest).unwrap();
    let schema_ts = fs::read_to_string(dir.path().join("generated/drizzle/schema.ts")).unwrap();
    assert!(schema_ts.contains(r#"check("ck_notes_body", sql`"body" <> ''`)"#), "{schema_ts}");
    assert!(rendered.contains(r#""value": "\"body\" <> ''""#), "{rendered}");

    // As an older release recorded them: the check as written.
    let as_written = |path: &Path| {
        let text =
            fs::read_to_string(path).unwrap().replace(r#""value": "\"body\" <> ''""#, r#""value": "body <> ''""#);
        fs::write(path, &text).unwrap();
        text
    };
    let older_text = as_written(&older);
    as_written(&newest);
    let again = build(dir.path()).generate().unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.history().draft, "{:?}", again.history().messages);
    again.write().unwrap();
    assert_eq!(fs::read_to_string(&newest).unwrap(), rendered, "the newest snapshot follows schema.ts");
    assert_eq!(fs::read_to_string(&older).unwrap(), older_text, "an older snapshot is never rewritten");
}

/// Check mode (CI) fails while a draft exists, and says how to record it.
#[test]
fn check_mode_fails_on_a_pending_draft() {
    let dir = krate(SMALL);
    build(dir.path()).generate().unwrap().write().unwrap();
    fs::write(
        dir.path().join("src/schema.rs"),
        SMALL.replace("pub pinned: Option<bool>,", "pub pinned: Option<bool>,\n    pub color: Option<String>,"),
    )
    .unwrap();
    let input = tablewright::build::pipeline::Input {
        crate_dir: dir.path().to_path_buf(),
        src_dir: dir.path().join("src"),
        out_dir: dir.path().join("generated"),
        history: tablewright::build::pipeline::Request { check: true, ..Default::default() },
    };
    let err =
        tablewright::build::pipeline::run(&input, &Default::default(), tablewright::build::pipeline::Mode::Check, None)
            .map(|_| ())
            .expect_err("a pending draft must fail check mode");
    let text = err.to_string();
    assert!(
        text.contains(
            "error: the schema changed since migration 0001_initial and the change is not recorded (1 change"
        ),
        "{text}"
    );
    assert!(text.contains("help: record it as the next migration: `TABLEWRIGHT_RECORD=<name> cargo build`"), "{text}");
}

/// A change that loses data is refused at record time, naming the table
/// and the column and pointing at the schema; acknowledged, it is
/// recorded and its header says so; the down migration says the data is gone.
#[test]
fn destructive_changes_are_refused_unless_acknowledged() {
    let dir = krate(SMALL);
    build(dir.path()).generate().unwrap().write().unwrap();
    fs::write(dir.path().join("src/schema.rs"), SMALL.replace("    pub pinned: Option<bool>,\n", "")).unwrap();
    let err = build(dir.path()).with_record("drop_pinned").generate().map(|_| ()).expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("src/schema.rs:5:12: error: dropping column `notes.pinned` deletes its values: not recorded without an acknowledgement"),
        "{text}"
    );
    assert!(text.contains("acknowledge([\"drop column notes.pinned\"])"), "{text}");
    assert!(!dir.path().join("generated/migrations/postgres/0002_drop_pinned.up.sql").exists());

    let done = build(dir.path())
        .with_record("drop_pinned")
        .acknowledge(["drop column notes.pinned"])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    done.write().unwrap();
    let up = fs::read_to_string(dir.path().join("generated/migrations/postgres/0002_drop_pinned.up.sql")).unwrap();
    assert!(up.contains("-- Acknowledged data loss (Builder::acknowledge):\n--   drop column notes.pinned: dropping column `notes.pinned` deletes its values"), "{up}");
    let down = fs::read_to_string(dir.path().join("generated/migrations/postgres/0002_drop_pinned.down.sql")).unwrap();
    assert!(down.contains("the data it held is gone"), "{down}");
    assert!(down.contains("ALTER TABLE \"notes\" ADD COLUMN \"pinned\" BOOLEAN;"), "{down}");
}

/// Random schemas and random edits: a seeded database of schema A,
/// migrated by the recorded step to B, equals a fresh database of B (and
/// the step's down migration gives A back). On SQLite always, on
/// PostgreSQL too (the CI runs both).
mod property {
    use super::*;
    use proptest::prelude::*;

    const TYPES: &[&str] = &["String", "i32", "i64", "bool", "f64", "NaiveDate", "Option<String>", "Option<i32>"];

    #[derive(Clone, Debug)]
    struct Ent {
        cols: Vec<u8>,
        fk: Option<(usize, bool)>,
        unique_first: bool,
        soft_delete: bool,
    }

    #[derive(Clone, Debug)]
    enum Edit {
        AddColumn(usize),
        DropColumn(usize, usize),
        RenameColumn(usize, usize),
        RenameTable(usize),
        AddIndex(usize, usize),
        WidenColumn(usize, usize),
        AddSoftDelete(usize),
        AddEnumValue,
        AddTable,
        DropTable(usize),
    }

    fn ent() -> impl Strategy<Value = Ent> {
        (
            prop::collection::vec(0u8..TYPES.len() as u8, 1..5),
            any::<Option<(usize, bool)>>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(cols, fk, unique_first, soft_delete)| Ent { cols, fk, unique_first, soft_delete })
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            any::<usize>().prop_map(Edit::AddColumn),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::DropColumn(a, b)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::RenameColumn(a, b)),
            any::<usize>().prop_map(Edit::RenameTable),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::AddIndex(a, b)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::WidenColumn(a, b)),
            any::<usize>().prop_map(Edit::AddSoftDelete),
            Just(Edit::AddEnumValue),
            Just(Edit::AddTable),
            any::<usize>().prop_map(Edit::DropTable),
        ]
    }

    /// One entity's source. `renamed`: the table's `#[entity(...)]`
    /// arguments; `column`: per column, its name and extra attribute.
    struct Shape {
        ents: Vec<Ent>,
        /// (entity index, column index) -> (name, `#[column(...)]` args)
        names: BTreeMap<(usize, usize), (String, String)>,
        tables: BTreeMap<usize, String>,
        extra_cols: Vec<usize>,
        indexes: Vec<(usize, usize)>,
        widened: Vec<(usize, usize)>,
        dropped_cols: Vec<(usize, usize)>,
        dropped: Vec<usize>,
        enum_values: usize,
    }

    impl Shape {
        fn new(ents: Vec<Ent>) -> Shape {
            Shape {
                ents,
                names: BTreeMap::new(),
                tables: BTreeMap::new(),
                extra_cols: vec![],
                indexes: vec![],
                widened: vec![],
                dropped_cols: vec![],
                dropped: vec![],
                enum_values: 2,
            }
        }

        fn source(&self) -> String {
            let mut s = String::from("use tablewright::prelude::*;\n\n#[db_enum]\npub enum Mood {\n");
            for v in ["Calm", "Busy", "Tired"].iter().take(self.enum_values) {
                s.push_str(&format!("    {v},\n"));
            }
            s.push_str("}\n\n");
            for (i, e) in self.ents.iter().enumerate() {
                if self.dropped.contains(&i) {
                    continue;
                }
                match self.tables.get(&i) {
                    Some(args) => s.push_str(&format!("#[entity({args})]\n")),
                    None => s.push_str("#[entity]\n"),
                }
                if e.soft_delete {
                    s.push_str("#[soft_delete]\n");
                }
                for (ei, c) in &self.indexes {
                    if *ei == i {
                        s.push_str(&format!("#[index({})]\n", self.col_name(i, *c)));
                    }
                }
                s.push_str(&format!(
                    "pub struct E{i} {{\n    #[id(auto)]\n    pub id: i64,\n    pub mood: Option<Mood>,\n"
                ));
                for (c, ty) in e.cols.iter().enumerate() {
                    if self.dropped_cols.contains(&(i, c)) {
                        continue;
                    }
                    let mut ty = TYPES[*ty as usize].to_string();
                    let mut args = self.names.get(&(i, c)).map(|(_, a)| a.clone()).unwrap_or_default();
                    if ty.ends_with("String") || ty.contains("String>") {
                        let len = if self.widened.contains(&(i, c)) { 80 } else { 40 };
                        args = if args.is_empty() {
                            format!("max_len = {len}")
                        } else {
                            format!("{args}, max_len = {len}")
                        };
                    } else if self.widened.contains(&(i, c)) {
                        ty = ty.replace("i32", "i64");
                    }
                    if c == 0 && e.unique_first && !ty.starts_with("Option") && ty != "bool" && ty != "f64" {
                        s.push_str("    #[unique]\n");
                    }
                    if !args.is_empty() {
                        s.push_str(&format!("    #[column({args})]\n"));
                    }
                    s.push_str(&format!("    pub {}: {ty},\n", self.col_name(i, c)));
                }
                if let Some((target, nullable)) = e.fk
                    && i > 0
                    && !self.dropped.contains(&(target % i))
                {
                    let ty = if nullable { "Option<i64>" } else { "i64" };
                    s.push_str(&format!(
                        "    #[belongs_to(E{}, on_delete = cascade)]\n    pub ref_id: {ty},\n",
                        target % i
                    ));
                }
                for (k, ei) in self.extra_cols.iter().enumerate() {
                    if *ei == i {
                        s.push_str(&format!("    pub extra_{k}: Option<String>,\n"));
                    }
                }
                s.push_str("}\n\n");
            }
            s
        }

        fn col_name(&self, i: usize, c: usize) -> String {
            self.names.get(&(i, c)).map_or_else(|| format!("c{c}"), |(n, _)| n.clone())
        }

        /// Applies `edit`; the acknowledgements it needs.
        fn apply(&mut self, edit: &Edit) -> Vec<String> {
            let live: Vec<usize> = (0..self.ents.len()).filter(|i| !self.dropped.contains(i)).collect();
            let pick = |n: usize| live[n % live.len()];
            let table = |s: &Shape, i: usize| match s.tables.get(&i) {
                Some(_) => format!("renamed_{i}"),
                None => format!("e{i}s"),
            };
            match edit {
                Edit::AddColumn(e) => self.extra_cols.push(pick(*e)),
                Edit::DropColumn(e, c) => {
                    let i = pick(*e);
                    let c = c % self.ents[i].cols.len();
                    if !self.dropped_cols.contains(&(i, c)) && !self.indexes.contains(&(i, c)) {
                        self.dropped_cols.push((i, c));
                        return vec![format!("drop column {}.{}", table(self, i), self.col_name(i, c))];
                    }
                }
                Edit::RenameColumn(e, c) => {
                    let i = pick(*e);
                    let c = c % self.ents[i].cols.len();
                    if !self.names.contains_key(&(i, c)) && !self.dropped_cols.contains(&(i, c)) {
                        self.names.insert((i, c), (format!("renamed_c{c}"), format!("renamed_from = \"c{c}\"")));
                    }
                }
                Edit::RenameTable(e) => {
                    let i = pick(*e);
                    self.tables
                        .entry(i)
                        .or_insert_with(|| format!("table = \"renamed_{i}\", renamed_from = \"e{i}s\""));
                }
                Edit::AddIndex(e, c) => {
                    let i = pick(*e);
                    let c = c % self.ents[i].cols.len();
                    if !self.dropped_cols.contains(&(i, c)) && !self.indexes.contains(&(i, c)) {
                        self.indexes.push((i, c));
                    }
                }
                Edit::WidenColumn(e, c) => {
                    let i = pick(*e);
                    let c = c % self.ents[i].cols.len();
                    if !self.widened.contains(&(i, c)) {
                        self.widened.push((i, c));
                    }
                }
                Edit::AddSoftDelete(e) => {
                    let i = pick(*e);
                    self.ents[i].soft_delete = true;
                }
                Edit::AddEnumValue => self.enum_values = 3,
                Edit::AddTable => self.ents.push(Ent {
                    cols: vec![0, 7],
                    fk: Some((0, true)),
                    unique_first: false,
                    soft_delete: false,
                }),
                Edit::DropTable(e) => {
                    // The last live table nothing else points at.
                    let i = pick(*e);
                    let referenced = self
                        .ents
                        .iter()
                        .enumerate()
                        .any(|(j, x)| j > i && !self.dropped.contains(&j) && x.fk.is_some_and(|(t, _)| t % j == i));
                    if !referenced && live.len() > 1 {
                        self.dropped.push(i);
                        return vec![format!("drop table {}", table(self, i))];
                    }
                }
            }
            Vec::new()
        }
    }

    fn dump_after(dialect: Dialect, files: &[PathBuf], seed: Option<&str>) -> Option<String> {
        let mut db = common::connect_or_panic(dialect)?;
        for (i, f) in files.iter().enumerate() {
            let sql = fs::read_to_string(f).unwrap();
            db.execute_batch(&sql).unwrap_or_else(|e| panic!("{dialect}: {}: {e}\n{sql}", f.display()));
            if i == 0
                && let Some(seed) = seed
            {
                db.execute_batch(seed).unwrap_or_else(|e| panic!("{dialect} seed: {e}"));
            }
        }
        db.check_schema().unwrap_or_else(|e| panic!("{dialect}: {e}"));
        Some(normalize(dialect, &db.dump_schema().unwrap()))
    }

    fn check(dialect: Dialect, ents: Vec<Ent>, edit: Edit) {
        let mut shape = Shape::new(ents);
        let a = shape.source();
        let acks = shape.apply(&edit);
        let b = shape.source();
        let dir = krate(&a);
        build(dir.path()).generate().unwrap_or_else(|e| panic!("A: {e}\n{a}")).write().unwrap();
        let seed =
            fs::read_to_string(dir.path().join(format!("generated/seed/seed.{}.sql", dialect.dir_name()))).unwrap();
        fs::write(dir.path().join("src/schema.rs"), &b).unwrap();
        let recorded = build(dir.path())
            .with_record("edit")
            .acknowledge(acks)
            .generate()
            .unwrap_or_else(|e| panic!("recording {edit:?}: {e}\n{b}"));
        recorded.write().unwrap();
        let migrations = dir.path().join("generated/migrations").join(dialect.dir_name());
        let first = migrations.join("0001_initial.up.sql");
        let second = migrations.join("0002_edit.up.sql");
        let Some(fresh) = fresh_dump(dialect, &b) else { return };
        if !second.exists() {
            // An edit that changed nothing (a rename back and forth cannot happen here).
            assert_eq!(
                recorded.history().messages[0].split(':').next(),
                Some("nothing to record as `edit`"),
                "{edit:?}"
            );
            return;
        }
        let migrated = dump_after(dialect, &[first.clone(), second.clone()], Some(&seed)).unwrap();
        assert!(
            migrated == fresh,
            "{dialect}, {edit:?}: migrated A differs from fresh B:\n{}\nA:\n{a}\nB:\n{b}",
            common::diff_lines(&fresh, &migrated)
        );
        let down = migrations.join("0002_edit.down.sql");
        let back = dump_after(dialect, &[first, second, down], Some(&seed)).unwrap();
        let fresh_a = fresh_dump(dialect, &a).unwrap();
        assert!(
            back == fresh_a,
            "{dialect}, {edit:?}: the down migration does not give A back:\n{}",
            common::diff_lines(&fresh_a, &back)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn a_random_edit_migrates_a_seeded_sqlite_database_to_the_fresh_one(ents in prop::collection::vec(ent(), 1..5), edit in edit()) {
            check(Dialect::Sqlite, ents, edit);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
        #[test]
        fn a_random_edit_migrates_a_seeded_postgres_database_to_the_fresh_one(ents in prop::collection::vec(ent(), 1..5), edit in edit()) {
            check(Dialect::Postgres, ents, edit);
        }
    }
}

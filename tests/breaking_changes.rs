//! Breaking changes planned as expand, backfill and contract, proven on real
//! databases holding rows.
//!
//! Each plan kind starts from one small populated schema (`BASE`), records
//! one edit (a NOT NULL column with a backfill, a narrowing type change with
//! `using`, a dual-write rename, an index on an existing table, a foreign
//! key and a check on a populated table), and applies the recorded
//! migrations one by one to PostgreSQL, MariaDB and SQLite. Between the
//! steps an application-like writer inserts rows in the shape the previous
//! release uses: it must keep working until the contract step, and the
//! rows it wrote must carry into the new shape (filled, converted or copied
//! by the plan's triggers). After the contract, the new release's writer
//! works, the database equals a fresh database of the new schema (dumps
//! compared as in tests/evolution.rs), every row holds the value the plan
//! promises, and the downs, run in reverse, return to the base schema with
//! the rows intact; then the ups apply again.

mod common;

use std::fs;
use std::path::Path;

use common::history::{apply, fresh_dump, fresh_dump_with, krate, normalize, scalar};
use common::{Database, Dialect, Migration};
use tablewright::build::Builder;

const BASE: &str = r#"use tablewright::prelude::*;

#[entity]
pub struct Author {
    #[id(auto)]
    pub id: i64,
    pub name: String,
}

#[entity]
pub struct Book {
    #[id(auto)]
    pub id: i64,
    pub title: String,
    pub price: String,
    pub author_ref: i64,
    pub stars: i32,
}
"#;

/// The rows every scenario starts with.
const ROWS: &str = "INSERT INTO authors (name) VALUES ('Ann'), ('Bo');
INSERT INTO books (title, price, author_ref, stars) VALUES ('Dune', '10', 1, 5), ('Emma', '7', 2, 4), ('Ulysses', '23', 1, 2);";

/// One breaking change and what must hold around it.
struct Case {
    name: &'static str,
    /// Text replacements applied to `BASE`.
    edit: &'static [(&'static str, &'static str)],
    /// The destructive changes the edit acknowledges.
    acknowledge: &'static [&'static str],
    /// The phase suffixes the plan records, in order.
    phases: &'static [&'static str],
    /// Statements the plan must hold: (dialect, migration index, text).
    sql: &'static [(Dialect, usize, &'static str)],
    /// Counts the rows the plan has not filled yet: must be 0 from the
    /// backfill on (the rows before it, the writer's rows by the triggers).
    unfilled: Option<&'static str>,
    /// An insert in the previous release's shape.
    old_writer: &'static str,
    /// Whether `old_writer` must fail once the contract ran.
    old_writer_fails_after: bool,
    /// An insert in the new release's shape, run after the contract.
    new_writer: &'static str,
    /// A query whose answer after the contract proves the data moved.
    proof: &'static str,
    /// Its expected answer. The writers add rows: one old-shape row after
    /// each step but the last, one before the contract, one after it when
    /// the old shape still works there, and the new writer's row.
    expected: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "add_book_slug",
        edit: &[(
            "    pub stars: i32,\n}",
            "    pub stars: i32,\n    #[column(backfill = \"lower(title)\")]\n    pub slug: String,\n}",
        )],
        acknowledge: &[],
        phases: &["expand", "backfill", "contract"],
        sql: &[
            (Dialect::Postgres, 1, "ALTER TABLE \"books\" ADD COLUMN \"slug\" TEXT;"),
            (Dialect::Postgres, 2, "CHECK (\"slug\" IS NOT NULL) NOT VALID"),
            (Dialect::Postgres, 3, "ALTER TABLE \"books\" VALIDATE CONSTRAINT \"tw_nn_books_slug\""),
        ],
        unfilled: Some("SELECT COUNT(*) FROM books WHERE slug IS NULL"),
        old_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('Old Shape', '1', 1, 3)",
        old_writer_fails_after: true,
        new_writer: "INSERT INTO books (title, price, author_ref, stars, slug) VALUES ('New', '1', 1, 3, 'new-slug')",
        proof: "SELECT COUNT(*) FROM books WHERE slug = lower(title) OR slug = 'new-slug'",
        expected: "7",
    },
    Case {
        name: "price_as_integer",
        edit: &[("    pub price: String,", "    #[column(using = \"CAST(price AS INTEGER)\")]\n    pub price: i32,")],
        acknowledge: &["narrow column books.price"],
        phases: &["expand", "backfill", "contract"],
        sql: &[
            (Dialect::Postgres, 1, "ADD COLUMN \"price__new\" INTEGER"),
            (Dialect::Postgres, 3, "RENAME COLUMN \"price__new\" TO \"price\""),
            (Dialect::Sqlite, 1, "CREATE TRIGGER \"tw_shadow_books_price_ins\""),
        ],
        unfilled: Some("SELECT COUNT(*) FROM books WHERE price__new IS NULL"),
        old_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('Old Shape', '5', 1, 3)",
        old_writer_fails_after: false,
        new_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('New', 12, 1, 3)",
        proof: "SELECT SUM(price) FROM books",
        // 10 + 7 + 23, four old-shape rows of 5 (after expand and backfill,
        // before and after the contract), and 12.
        expected: "72",
    },
    Case {
        name: "rename_title_dual_write",
        edit: &[(
            "    pub title: String,",
            "    #[column(renamed_from = \"title\", dual_write)]\n    pub name: String,",
        )],
        acknowledge: &[],
        phases: &["expand", "backfill", "contract"],
        sql: &[
            (Dialect::Postgres, 1, "ADD COLUMN \"name\" TEXT"),
            (Dialect::Mysql, 1, "CREATE TRIGGER"),
            (Dialect::Postgres, 3, "DROP COLUMN \"title\""),
        ],
        unfilled: Some("SELECT COUNT(*) FROM books WHERE name IS NULL OR name <> title"),
        old_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('Old Shape', '1', 1, 3)",
        old_writer_fails_after: true,
        new_writer: "INSERT INTO books (name, price, author_ref, stars) VALUES ('New', '1', 1, 3)",
        proof: "SELECT COUNT(*) FROM books WHERE name IN ('Dune', 'Emma', 'Ulysses', 'Old Shape', 'New')",
        expected: "7",
    },
    Case {
        name: "index_books_by_stars",
        edit: &[("    pub stars: i32,", "    #[index]\n    pub stars: i32,")],
        acknowledge: &[],
        phases: &[""],
        sql: &[
            (Dialect::Postgres, 1, "-- no-transaction\n"),
            (Dialect::Postgres, 1, "CREATE INDEX CONCURRENTLY \"idx_books_stars\""),
            (Dialect::Mysql, 1, "ALGORITHM=INPLACE LOCK=NONE"),
        ],
        unfilled: None,
        old_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('Old Shape', '1', 1, 3)",
        old_writer_fails_after: false,
        new_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('New', '1', 1, 3)",
        proof: "SELECT COUNT(*) FROM books WHERE stars = 3",
        expected: "3",
    },
    Case {
        name: "book_author_key_and_stars_check",
        edit: &[
            ("    pub author_ref: i64,", "    #[belongs_to(Author)]\n    pub author_ref: i64,"),
            ("    pub stars: i32,", "    #[column(check = \"stars BETWEEN 0 AND 5\")]\n    pub stars: i32,"),
        ],
        acknowledge: &[],
        phases: &["backfill", "contract"],
        sql: &[
            (Dialect::Postgres, 1, "REFERENCES \"authors\" (\"id\") NOT VALID"),
            (Dialect::Postgres, 1, "CHECK (\"stars\" BETWEEN 0 AND 5) NOT VALID"),
            (Dialect::Postgres, 2, "VALIDATE CONSTRAINT \"fk_books_author_ref\""),
        ],
        unfilled: None,
        old_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('Old Shape', '1', 1, 3)",
        old_writer_fails_after: false,
        new_writer: "INSERT INTO books (title, price, author_ref, stars) VALUES ('New', '1', 2, 1)",
        proof: "SELECT COUNT(*) FROM books b JOIN authors a ON a.id = b.author_ref",
        expected: "7",
    },
];

fn edited(case: &Case) -> String {
    let mut out = BASE.to_string();
    for (from, to) in case.edit {
        assert!(out.contains(from), "{}: BASE has no {from:?}", case.name);
        out = out.replacen(from, to, 1);
    }
    out
}

/// A crate with `BASE` recorded as `0001_initial` and the case's edit
/// recorded after it.
fn record(case: &Case) -> tempfile::TempDir {
    let dir = krate(BASE);
    Builder::new().with_crate_dir(dir.path()).generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    fs::write(dir.path().join("src/schema.rs"), edited(case)).unwrap();
    let built = Builder::new()
        .with_crate_dir(dir.path())
        .with_record(case.name)
        .acknowledge(case.acknowledge.iter().copied())
        .generate()
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    built.write().unwrap();
    let names: Vec<String> = case
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if p.is_empty() { format!("{:04}_{}", i + 2, case.name) } else { format!("{:04}_{}_{p}", i + 2, case.name) }
        })
        .collect();
    let expected = if names.len() == 1 {
        format!("recorded migration {}", names[0])
    } else {
        format!("recorded migrations {} (one plan, deploy between them)", names.join(", "))
    };
    assert_eq!(built.history().messages, [expected], "{}", case.name);
    dir
}

fn run_case(dialect: Dialect, case: &Case, dir: &Path) {
    let (Some(base_dump), Some(new_dump)) = (fresh_dump(dialect, BASE), fresh_dump(dialect, &edited(case))) else {
        return;
    };
    let Some(mut db) = common::connect_or_panic(dialect) else { return };
    let db = db.as_mut();
    let migrations: Vec<Migration> =
        common::load_migrations(&dir.join("generated/migrations").join(dialect.dir_name()))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(migrations.len(), case.phases.len() + 1, "{dialect} {}: migrations", case.name);
    apply(db, &migrations[0].up);
    db.execute_batch(ROWS).unwrap_or_else(|e| panic!("{dialect} rows: {e}"));
    let steps = &migrations[1..];
    for (i, m) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        if !last {
            apply(db, &m.up);
            db.execute_batch(case.old_writer).unwrap_or_else(|e| {
                panic!("{dialect} {}: the old release's insert fails after {}: {e}", case.name, m.name)
            });
            // Every row so far is there: the base ones and one per step.
            assert_eq!(scalar(db, "SELECT COUNT(*) FROM books"), (4 + i).to_string(), "{dialect} {}", m.name);
            if let Some(unfilled) = case.unfilled.filter(|_| m.name.ends_with("_backfill")) {
                assert_eq!(scalar(db, unfilled), "0", "{dialect} {}: {unfilled}", m.name);
            }
            continue;
        }
        // Before the contract: the old writer once more, then the contract.
        db.execute_batch(case.old_writer).unwrap_or_else(|e| {
            panic!("{dialect} {}: the old release's insert fails before {}: {e}", case.name, m.name)
        });
        apply(db, &m.up);
        let old_after = db.execute_batch(case.old_writer);
        assert_eq!(
            old_after.is_err(),
            case.old_writer_fails_after,
            "{dialect} {}: the old release's insert after the contract: {old_after:?}",
            case.name
        );
        db.execute_batch(case.new_writer)
            .unwrap_or_else(|e| panic!("{dialect} {}: the new release's insert fails: {e}", case.name));
    }
    let now = normalize(dialect, &db.dump_schema().unwrap());
    assert!(
        now == new_dump,
        "{dialect} {}: after the plan the database differs from a fresh one:\n{}",
        case.name,
        common::diff_lines(&new_dump, &now)
    );
    db.check_schema().unwrap_or_else(|e| panic!("{dialect} {}: {e}", case.name));
    assert_eq!(scalar(db, case.proof), case.expected, "{dialect} {}: {}", case.name, case.proof);
    let rows = scalar(db, "SELECT COUNT(*) FROM books");

    // Down, in reverse, to the base schema with every row kept.
    for m in steps.iter().rev() {
        apply(db, &m.down);
    }
    let back = normalize(dialect, &db.dump_schema().unwrap());
    assert!(
        back == base_dump,
        "{dialect} {}: the downs do not restore the base schema:\n{}",
        case.name,
        common::diff_lines(&base_dump, &back)
    );
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM books"), rows, "{dialect} {}: rows lost by the downs", case.name);
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM books WHERE title IS NOT NULL AND price IS NOT NULL"),
        rows,
        "{dialect} {}: the downs lost values of the base columns",
        case.name
    );
    // And up again.
    for m in steps {
        apply(db, &m.up);
    }
    let again = normalize(dialect, &db.dump_schema().unwrap());
    assert!(
        again == new_dump,
        "{dialect} {}: up after down differs:\n{}",
        case.name,
        common::diff_lines(&new_dump, &again)
    );
}

fn check(case: &Case) {
    let dir = record(case);
    for (dialect, migration, needle) in case.sql {
        let dir = dir.path().join("generated/migrations").join(dialect.dir_name());
        let file = common::load_migrations(&dir).unwrap()[*migration].up.clone();
        let text = fs::read_to_string(&file).unwrap();
        assert!(text.contains(needle), "{}: {} lacks {needle:?}:\n{text}", case.name, file.display());
    }
    for dialect in Dialect::ALL {
        run_case(dialect, case, dir.path());
    }
}

#[test]
fn a_not_null_column_is_added_nullable_backfilled_then_constrained() {
    check(&CASES[0]);
}

#[test]
fn a_narrowing_type_change_goes_through_a_shadow_column() {
    check(&CASES[1]);
}

#[test]
fn a_dual_write_rename_keeps_the_old_column_written_until_the_contract() {
    check(&CASES[2]);
}

#[test]
fn an_index_on_an_existing_table_is_built_online() {
    check(&CASES[3]);
}

#[test]
fn a_foreign_key_and_a_check_on_a_populated_table_are_validated_after_the_rows() {
    check(&CASES[4]);
}

/// A single-tenant schema: projects know their customer by name only.
const SINGLE_TENANT: &str = r#"use tablewright::prelude::*;

#[entity]
pub struct Project {
    #[id(auto)]
    pub id: i64,
    pub customer: String,
    pub name: String,
}

#[entity]
pub struct Task {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Project)]
    pub project_id: i64,
    pub title: String,
}
"#;

/// The same schema made multi-tenant: each customer becomes an
/// organization; a project's tenant comes from its customer, a task's from
/// its project.
const MULTI_TENANT: &str = r#"use tablewright::prelude::*;

#[entity]
#[tenant]
pub struct Organization {
    #[id(auto)]
    pub id: i64,
    pub name: String,
}

#[entity]
#[tenant_scoped]
pub struct Project {
    #[id(auto)]
    pub id: i64,
    #[column(backfill = "(SELECT o.id FROM organizations o WHERE o.name = projects.customer)")]
    pub organization_id: i64,
    pub customer: String,
    pub name: String,
}

#[entity]
#[tenant_scoped]
pub struct Task {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Project)]
    pub project_id: i64,
    pub title: String,
}
"#;

const CUSTOMER_ROWS: &str =
    "INSERT INTO projects (customer, name) VALUES ('acme', 'Rocket'), ('globex', 'Dome'), ('acme', 'Anvil');
INSERT INTO tasks (project_id, title) VALUES (1, 'fuel'), (1, 'launch'), (2, 'paint'), (3, 'drop'), (2, 'seal');";

/// What the previous release writes between the steps: a project and a task
/// in the single-tenant shape.
const SINGLE_TENANT_WRITER: &str = "INSERT INTO projects (customer, name) VALUES ('globex', 'Late');
INSERT INTO tasks (project_id, title) VALUES ((SELECT MAX(id) FROM projects), 'late');";

fn tenancy_setting() -> tablewright::build::TenancyOptions {
    use tablewright::build::{TenancyMode, TenancyOptions};
    TenancyOptions { mode: TenancyMode::Setting, ..Default::default() }
}

fn retrofit_build(dir: &Path) -> Builder {
    Builder::new().with_crate_dir(dir).with_tenancy(tenancy_setting())
}

#[test]
fn a_single_tenant_schema_with_rows_becomes_multi_tenant_step_by_step() {
    let dir = krate(SINGLE_TENANT);
    retrofit_build(dir.path()).generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    fs::write(dir.path().join("src/schema.rs"), MULTI_TENANT).unwrap();
    let built = retrofit_build(dir.path()).with_record("multi_tenant").generate().unwrap_or_else(|e| panic!("{e}"));
    built.write().unwrap();
    assert_eq!(
        built.history().messages,
        ["recorded migrations 0002_multi_tenant_expand, 0003_multi_tenant_index_1, 0004_multi_tenant_index_2, \
             0005_multi_tenant_backfill, 0006_multi_tenant_contract (one plan, deploy between them)"]
    );
    for dialect in Dialect::ALL {
        retrofit_on(dialect, dir.path());
    }
}

fn retrofit_on(dialect: Dialect, dir: &Path) {
    let Some(fresh) = fresh_dump_with(dialect, MULTI_TENANT, retrofit_build) else { return };
    let Some(mut db) = common::connect_or_panic(dialect) else { return };
    let db = db.as_mut();
    let migrations = common::load_migrations(&dir.join("generated/migrations").join(dialect.dir_name())).unwrap();
    apply(db, &migrations[0].up);
    db.execute_batch(CUSTOMER_ROWS).unwrap_or_else(|e| panic!("{dialect} rows: {e}"));
    // Expand (after which the operator creates the organizations), the
    // indexes and the backfill, the previous release writing after each;
    // then the contract.
    let (contract, steps) = migrations[1..].split_last().unwrap();
    for (i, m) in steps.iter().enumerate() {
        apply(db, &m.up);
        if i == 0 {
            db.execute_batch("INSERT INTO organizations (name) VALUES ('acme'), ('globex')").unwrap();
        }
        db.execute_batch(SINGLE_TENANT_WRITER).unwrap_or_else(|e| panic!("{dialect} writer after {}: {e}", m.name));
        // Row-level security of the tables that held rows comes last (the
        // new tenant table, empty, has it from the start).
        if dialect == Dialect::Postgres {
            assert_eq!(row_security(db), "f/f", "{}: row-level security before the contract", m.name);
        }
    }
    apply(db, &contract.up);
    if dialect == Dialect::Postgres {
        assert_eq!(row_security(db), "t/t", "row-level security enabled and forced by the contract");
    }
    let now = normalize(dialect, &db.dump_schema().unwrap());
    assert!(
        now == fresh,
        "{dialect}: the retrofitted database differs from a fresh one:\n{}",
        common::diff_lines(&fresh, &now)
    );
    // Every row has the tenant of its customer; every task its project's:
    // the three projects and five tasks of CUSTOMER_ROWS, and one of each
    // written by the previous release after every step before the contract.
    let (projects, tasks) = ((3 + steps.len()).to_string(), (5 + steps.len()).to_string());
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM projects"), projects);
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM projects p JOIN organizations o ON o.id = p.organization_id AND o.name = p.customer"
        ),
        projects,
        "{dialect}: projects' tenants"
    );
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM tasks"), tasks);
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM tasks t JOIN projects p ON p.id = t.project_id AND p.organization_id = t.organization_id"
        ),
        tasks,
        "{dialect}: tasks' tenants"
    );
    if dialect == Dialect::Postgres {
        the_application_role_sees_each_tenant_exactly(db, steps.len());
        db.execute_batch("CREATE EXTENSION IF NOT EXISTS pgtap").unwrap();
        let suite = dir.join("generated/postgres/rls_test.sql");
        let (passed, output) = common::tools::pg_prove(db.name(), &suite);
        assert!(passed, "the pgTAP suite fails on the retrofitted database:\n{output}");
    }
    // The downs return to the single-tenant schema with every row.
    for m in migrations[1..].iter().rev() {
        apply(db, &m.down);
    }
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM tasks t JOIN projects p ON p.id = t.project_id"), tasks);
}

/// Whether row-level security is enabled / forced on `projects` and `tasks`
/// (PostgreSQL's catalog): `t` when on both, `f` when on neither.
fn row_security(db: &mut dyn Database) -> String {
    scalar(
        db,
        "SELECT CASE WHEN bool_and(relrowsecurity) THEN 't' WHEN bool_or(relrowsecurity) THEN 'some' ELSE 'f' END \
         || '/' || CASE WHEN bool_and(relforcerowsecurity) THEN 't' WHEN bool_or(relforcerowsecurity) THEN 'some' ELSE 'f' END \
         FROM pg_class WHERE relname IN ('projects', 'tasks') AND relkind = 'r'",
    )
}

/// As the application role, each tenant sees exactly its rows (globex's
/// include the `late_writes` the previous release made between the steps);
/// the generated pgTAP suite passes on the retrofitted database.
fn the_application_role_sees_each_tenant_exactly(db: &mut dyn Database, late_writes: usize) {
    let globex = ((1 + late_writes).to_string(), (2 + late_writes).to_string());
    for (customer, projects, tasks) in [("acme", "2", "3"), ("globex", globex.0.as_str(), globex.1.as_str())] {
        let org = scalar(db, &format!("SELECT id FROM organizations WHERE name = '{customer}'"));
        db.execute_batch(&format!("BEGIN; SET LOCAL ROLE app_user; SELECT set_config('app.tenant_id', '{org}', true)"))
            .unwrap();
        let seen = scalar(
            db,
            &format!(
                "SELECT (SELECT COUNT(*) FROM projects) || '/' || (SELECT COUNT(*) FROM tasks) || '/' || \
                 (SELECT COUNT(*) FROM projects WHERE customer <> '{customer}')"
            ),
        );
        db.execute_batch("ROLLBACK").unwrap();
        assert_eq!(seen, format!("{projects}/{tasks}/0"), "tenant {customer} as app_user: projects/tasks/foreign");
    }
    db.execute_batch("BEGIN; SET LOCAL ROLE app_user").unwrap();
    let none = scalar(db, "SELECT COUNT(*) FROM projects");
    db.execute_batch("ROLLBACK").unwrap();
    assert_eq!(none, "0", "no tenant set: nothing visible");
}

const TENANT_BOOKS: &str = r#"use tablewright::prelude::*;

#[entity]
#[tenant]
pub struct Organization {
    #[id(auto)]
    pub id: i64,
    pub name: String,
}

#[entity]
#[tenant_scoped]
pub struct Book {
    #[id(auto)]
    pub id: i64,
    pub title: String,
    pub price: String,
}
"#;

/// Managed PostgreSQL migrates as a role that owns the tables and is not a
/// superuser, and FORCE ROW LEVEL SECURITY holds it to the tenant policies:
/// with no tenant set while migrating, a backfill would see no row, and a
/// shadow column swapped in would hold NULL where the prices were. The
/// plan's data statements lift FORCE for themselves; here the whole plan
/// (a backfilled column and a type change through a shadow) runs as such a
/// role, and every row of both tenants is filled and converted, FORCE is
/// back on after each step, and the downs bring the text prices back.
#[test]
fn a_phased_plan_reaches_every_tenants_rows_when_the_migration_role_is_not_a_superuser() {
    let dir = krate(TENANT_BOOKS);
    retrofit_build(dir.path()).generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    let edited = TENANT_BOOKS.replace(
        "    pub price: String,\n",
        "    #[column(using = \"CAST(price AS INTEGER)\")]\n    pub price: i32,\n    #[column(backfill = \"lower(title)\")]\n    pub slug: String,\n",
    );
    fs::write(dir.path().join("src/schema.rs"), edited).unwrap();
    retrofit_build(dir.path())
        .with_record("price_and_slug")
        .acknowledge(["narrow column books.price"])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .write()
        .unwrap();
    let migrations = common::load_migrations(&dir.path().join("generated/migrations/postgres")).unwrap();
    let names: Vec<&str> = migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["0001_initial", "0002_price_and_slug_expand", "0003_price_and_slug_backfill", "0004_price_and_slug_contract"]
    );

    let Some(mut db) = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    let mut owner = db.owned_by_a_login_role().unwrap_or_else(|e| panic!("{e}"));
    let mut run = |file: &Path| {
        let sql = fs::read_to_string(file).unwrap();
        assert!(!sql.starts_with("-- no-transaction"), "{}", file.display());
        if let Err(e) = owner.batch_execute(&sql) {
            panic!(
                "{} as the owner: {}",
                file.display(),
                e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().into())
            );
        }
    };
    run(&migrations[0].up);
    // Two tenants' rows, written past row-level security by the superuser.
    db.execute_batch(
        "INSERT INTO organizations (name) VALUES ('a'), ('b');
         INSERT INTO books (organization_id, title, price) VALUES (1, 'Dune', '10'), (2, 'Emma', '7'), (1, 'Ulysses', '23')",
    )
    .unwrap();
    let forced = "SELECT bool_and(relforcerowsecurity)::text FROM pg_class WHERE relname IN ('books', 'organizations')";
    for m in &migrations[1..] {
        run(&m.up);
        assert_eq!(scalar(&mut db, forced), "true", "FORCE is back on after {}", m.name);
    }
    assert_eq!(
        scalar(&mut db, "SELECT SUM(price) || '/' || COUNT(*) FILTER (WHERE slug = lower(title)) FROM books"),
        "40/3",
        "every tenant's prices converted and slugs filled"
    );
    for m in migrations[1..].iter().rev() {
        run(&m.down);
        assert_eq!(scalar(&mut db, forced), "true", "FORCE is back on after undoing {}", m.name);
    }
    assert_eq!(scalar(&mut db, "SELECT string_agg(price, ',' ORDER BY id) FROM books"), "10,7,23");
}

/// The migration review through the build: a one-step type change is a
/// cargo warning at the field, listed in the draft's header and README; the
/// same change planned in phases is not; `with_lint_errors` fails the
/// build on it; `#[allow_lint]` silences it.
#[test]
fn the_migration_review_warns_at_the_schema_line_and_can_fail_the_build() {
    let dir = krate(BASE);
    Builder::new().with_crate_dir(dir.path()).generate().unwrap_or_else(|e| panic!("{e}")).write().unwrap();
    let wider = BASE.replace("    pub stars: i32,", "    pub stars: i64,");
    fs::write(dir.path().join("src/schema.rs"), &wider).unwrap();
    let rule = "[migration_table_rewrite]";
    let message = "src/schema.rs:17:9: warning: changing the type of `books.stars` rewrites the table under an \
                   ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite [migration_table_rewrite]";

    let built = Builder::new().with_crate_dir(dir.path()).one_step_migrations().generate().unwrap();
    let warnings: Vec<String> = built.diagnostics().iter().map(ToString::to_string).collect();
    let warning = warnings.iter().find(|w| w.contains(rule)).unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(warning.starts_with(message), "{warning}");
    let header = String::from_utf8(built.get("migrations/draft/postgres.up.sql").unwrap().contents.clone()).unwrap();
    assert!(header.contains("--   src/schema.rs:17: changing the type of `books.stars`"), "{header}");
    let readme = String::from_utf8(built.get("migrations/draft/README.md").unwrap().contents.clone()).unwrap();
    assert!(readme.contains(rule), "{readme}");

    let failed = Builder::new()
        .with_crate_dir(dir.path())
        .one_step_migrations()
        .with_lint_errors(["migration_table_rewrite"])
        .generate()
        .expect_err("a review rule made an error fails the build");
    assert!(failed.to_string().contains("error: changing the type of `books.stars`"), "{failed}");

    let allowed =
        wider.replace("    pub stars: i64,", "    #[allow_lint(migration_table_rewrite)]\n    pub stars: i64,");
    fs::write(dir.path().join("src/schema.rs"), &allowed).unwrap();
    let built = Builder::new()
        .with_crate_dir(dir.path())
        .one_step_migrations()
        .with_lint_errors(["migration_table_rewrite"])
        .generate()
        .unwrap_or_else(|e| panic!("silenced, the finding fails nothing: {e}"));
    assert!(!built.diagnostics().iter().any(|d| d.to_string().contains(rule)));
}

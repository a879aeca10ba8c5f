//! The generated seed data, loaded into real databases with every constraint
//! on: the showcase's and every example's `generated/seed/seed.<dialect>.sql`
//! after its migrations, on PostgreSQL, MariaDB and SQLite; the showcase's
//! seed on PostgreSQL as the application role, where each tenant sees
//! exactly its own rows; and the generator's determinism.

mod common;

use std::fs;
use std::path::Path;

use common::Dialect;

/// Applies every up migration of `dir`, then the seed script.
fn migrate_and_seed(db: &mut dyn common::Database, krate: &Path) -> Result<usize, String> {
    let dialect = db.dialect();
    let migrations = common::load_migrations(&krate.join("generated/migrations").join(dialect.dir_name()))?;
    for m in &migrations {
        let sql = fs::read_to_string(&m.up).map_err(|e| format!("{}: {e}", m.up.display()))?;
        db.execute_batch(&sql).map_err(|e| format!("{}: {e}", m.up.display()))?;
    }
    let seed = krate.join("generated/seed").join(format!("seed.{}.sql", dialect.dir_name()));
    let sql = fs::read_to_string(&seed).map_err(|e| format!("{}: {e} (run `cargo build`)", seed.display()))?;
    db.execute_batch(&sql).map_err(|e| format!("{}: {e}", seed.display()))?;
    Ok(sql.matches("INSERT INTO").count())
}

fn seed_every_crate(dialect: Dialect) {
    let mut failures = Vec::new();
    for (name, dir) in common::crate_dirs() {
        let Some(mut db) = common::connect_or_panic(dialect) else {
            eprintln!("note: {dialect} seed test skipped");
            return;
        };
        match migrate_and_seed(db.as_mut(), &dir) {
            Ok(0) => failures.push(format!("{name}: the {dialect} seed has no INSERT")),
            Ok(n) => eprintln!("{name}: {n} {dialect} seed INSERTs loaded"),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
        if dialect == Dialect::Sqlite {
            match db.query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check") {
                Ok(Some(n)) if n == "0" => {}
                other => failures.push(format!("{name}: SQLite foreign_key_check after the seed: {other:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{dialect} seed load failed:\n\n{}", failures.join("\n\n"));
}

#[test]
fn postgres_seed_of_showcase_and_examples_loads() {
    seed_every_crate(Dialect::Postgres);
}

#[test]
fn mysql_seed_of_showcase_and_examples_loads() {
    seed_every_crate(Dialect::Mysql);
}

#[test]
fn sqlite_seed_of_showcase_and_examples_loads() {
    seed_every_crate(Dialect::Sqlite);
}

/// As the non-superuser application role, every tenant-scoped table shows
/// exactly the live seed rows of the tenants the session may see: with
/// `app.tenant_id` set (tenant mode), or, in membership mode, with
/// `app.user_id` set to each member (the tenants of their memberships).
#[test]
fn postgres_showcase_seed_is_tenant_consistent_under_rls() {
    let Some(mut db) = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    migrate_and_seed(&mut db, root).unwrap_or_else(|e| panic!("{e}"));
    let schema = snapshot(root);
    let tenant = schema.tenant().expect("the showcase has a tenant").clone();
    let scoped: Vec<_> = schema.entities.iter().filter(|e| e.tenant_scope.is_some()).cloned().collect();
    let client = db.client();
    let ids = |client: &mut postgres::Client, sql: &str| -> Vec<String> {
        client.query(sql, &[]).expect(sql).iter().map(|r| r.get(0)).collect()
    };
    // (setting, value, visible tenants)
    let mut sessions: Vec<(&str, String, Vec<String>)> = Vec::new();
    match &tenant.traits.membership {
        Some(m) => {
            let members = schema.entity(&m.entity).expect("the membership entity");
            let tcol = &members.tenant_scope.as_ref().expect("scoped membership").column;
            let users =
                ids(client, &format!("SELECT DISTINCT {}::text FROM \"{}\" ORDER BY 1", m.user_column, members.table));
            for u in users {
                let tenants = ids(
                    client,
                    &format!("SELECT {tcol}::text FROM \"{}\" WHERE {}::text = '{u}'", members.table, m.user_column),
                );
                sessions.push(("app.user_id", u, tenants));
            }
        }
        None => {
            for t in ids(client, &format!("SELECT id::text FROM \"{}\" ORDER BY 1", tenant.table)) {
                sessions.push(("app.tenant_id", t.clone(), vec![t]));
            }
        }
    }
    assert!(sessions.len() >= 2, "the seed has at least two sessions to compare: {sessions:?}");
    let mut failures = Vec::new();
    let mut seen_any = 0;
    for (setting, value, tenants) in &sessions {
        for e in &scoped {
            let column = &e.tenant_scope.as_ref().expect("scoped").column;
            let live = if e.traits.soft_delete { " AND deleted_at IS NULL" } else { "" };
            let expected: i64 = client
                .query_one(
                    &format!("SELECT COUNT(*) FROM \"{}\" WHERE {column}::text = ANY($1){live}", e.table),
                    &[tenants],
                )
                .expect("count")
                .get(0);
            client
                .batch_execute(&format!("BEGIN; SET LOCAL ROLE app_user; SET LOCAL {setting} = '{value}';"))
                .expect("set role");
            let seen = client.query_one(&format!("SELECT COUNT(*) FROM \"{}\"", e.table), &[]);
            client.batch_execute("ROLLBACK").expect("rollback");
            let seen: i64 = seen.expect("count as the app role").get(0);
            seen_any += seen;
            if seen != expected {
                failures.push(format!("{}: {setting} = {value} sees {seen} rows, expected {expected}", e.table));
            }
        }
    }
    assert!(seen_any > 0, "the application role saw no rows at all");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn snapshot(root: &Path) -> tablewright::seed::Schema {
    let text = fs::read_to_string(root.join("generated/migrations/schema.snapshot.json")).expect("the snapshot");
    serde_json::from_str(&text).expect("a valid snapshot")
}

/// Same schema + same seed = the same bytes; another seed = other rows.
#[test]
fn seed_generation_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = snapshot(root);
    let options = tablewright::seed::SeedOptions::default();
    let a = tablewright::seed::sql::scripts(&schema, &options).expect("seed");
    let b = tablewright::seed::sql::scripts(&schema, &options).expect("seed");
    assert_eq!(a, b);
    let committed = fs::read_to_string(root.join("generated/seed/seed.postgres.sql")).expect("the committed seed");
    assert_eq!(a[0].1, committed, "generated/seed is stale or generation is not deterministic across runs");
    let c = tablewright::seed::sql::scripts(&schema, &options.clone().with_seed(7)).expect("seed");
    assert_ne!(a[0].1, c[0].1);
}

mod property {
    //! Random schemas (entities with uuid, identity or cuid keys, nullable and
    //! unique columns, composite uniques, foreign keys to earlier entities and
    //! to themselves, optional tenancy and soft delete), written as DSL source
    //! and built with the Builder: every seed loads into SQLite on top of its
    //! migration with foreign keys on.

    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    struct Ent {
        key: u8,
        cols: Vec<(u8, bool, bool)>,
        fks: Vec<(usize, bool)>,
        self_ref: bool,
        composite_unique: bool,
        scoped: bool,
        soft_delete: bool,
    }

    const TYPES: [&str; 8] = ["String", "i32", "i64", "bool", "f64", "NaiveDate", "DateTime<Utc>", "Decimal"];

    fn ent() -> impl Strategy<Value = Ent> {
        (
            0u8..3,
            prop::collection::vec((0u8..8, any::<bool>(), prop::bool::weighted(0.3)), 0..5),
            prop::collection::vec((0usize..8, any::<bool>()), 0..3),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(key, cols, fks, self_ref, composite_unique, scoped, soft_delete)| Ent {
                key,
                cols,
                fks,
                self_ref,
                composite_unique,
                scoped,
                soft_delete,
            })
    }

    fn key_type(e: &Ent) -> &'static str {
        ["Uuid", "i64", "String"][e.key as usize]
    }

    fn source(ents: &[Ent], tenancy: bool) -> String {
        let mut s = String::from("use tablewright::prelude::*;\n\n");
        if tenancy {
            s.push_str(
                "#[entity]\n#[tenant]\npub struct Org {\n    #[id]\n    pub id: Uuid,\n    pub name: String,\n}\n\n",
            );
        }
        for (i, e) in ents.iter().enumerate() {
            s.push_str("#[entity]\n");
            if tenancy && e.scoped {
                s.push_str("#[tenant_scoped]\n");
            } else if tenancy {
                s.push_str("#[global]\n");
            }
            if e.soft_delete {
                s.push_str("#[soft_delete]\n");
            }
            if e.composite_unique && e.cols.len() >= 2 {
                s.push_str("#[unique(c0, c1)]\n");
            }
            s.push_str(&format!("pub struct E{i} {{\n"));
            s.push_str(match e.key {
                0 => "    #[id]\n    pub id: Uuid,\n",
                1 => "    #[id(auto)]\n    pub id: i64,\n",
                _ => "    #[id(cuid)]\n    pub id: String,\n",
            });
            for (k, (ty, nullable, unique)) in e.cols.iter().enumerate() {
                let ty = TYPES[*ty as usize];
                let unique = *unique && !matches!(ty, "bool" | "f64" | "NaiveDate");
                if unique {
                    s.push_str("    #[unique]\n");
                }
                if ty == "String" {
                    s.push_str("    #[column(max_len = 40)]\n");
                }
                let ty = if *nullable { format!("Option<{ty}>") } else { ty.to_string() };
                s.push_str(&format!("    pub c{k}: {ty},\n"));
            }
            for (k, (target, nullable)) in e.fks.iter().enumerate() {
                if i == 0 {
                    break;
                }
                let t = target % i;
                let ty = key_type(&ents[t]);
                let ty = if *nullable { format!("Option<{ty}>") } else { ty.to_string() };
                s.push_str(&format!("    #[belongs_to(E{t})]\n    pub r{k}_id: {ty},\n"));
            }
            if e.self_ref {
                s.push_str(&format!("    #[belongs_to(Self)]\n    pub parent_id: Option<{}>,\n", key_type(e)));
            }
            s.push_str("}\n\n");
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn every_random_schema_seeds_sqlite(
            ents in prop::collection::vec(ent(), 1..6),
            tenancy in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let krate = tempfile::tempdir().expect("a temp dir");
            std::fs::create_dir_all(krate.path().join("src")).expect("src");
            let src = source(&ents, tenancy);
            std::fs::write(krate.path().join("src/lib.rs"), &src).expect("write");
            let options = tablewright::seed::SeedOptions::default().with_seed(seed).with_counts(2, 5, 7);
            let artifacts = tablewright::build::Builder::new()
                .with_crate_dir(krate.path())
                .with_out_dir("generated")
                .with_seed(options)
                .generate()
                .unwrap_or_else(|e| panic!("{e}\n{src}"));
            let text = |p: &str| {
                String::from_utf8(artifacts.get(p).unwrap_or_else(|| panic!("no {p} for\n{src}")).contents.clone())
                    .expect("utf-8")
            };
            let conn = rusqlite::Connection::open_in_memory().expect("sqlite");
            conn.execute_batch("PRAGMA foreign_keys = ON;").expect("fks on");
            conn.execute_batch(&text("migrations/sqlite/0001_initial.up.sql")).expect("migration");
            let seed = text("seed/seed.sqlite.sql");
            if let Err(e) = conn.execute_batch(&seed) {
                panic!("the seed does not load: {e}\nschema:\n{src}\nseed:\n{seed}");
            }
            let broken: i64 = conn
                .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
                .expect("foreign_key_check");
            prop_assert_eq!(broken, 0);
        }
    }
}

/// Membership mode: every user a seeded row of a tenant-scoped table refers
/// to (its author, assignee, lead, ...) is a member of that row's
/// organization. Checked for every foreign key from a scoped table (the
/// membership table aside) to the user entity the membership points at.
#[test]
fn postgres_showcase_seed_refers_only_to_members_of_the_rows_organization() {
    let Some(mut db) = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    migrate_and_seed(&mut db, root).unwrap_or_else(|e| panic!("{e}"));
    let schema = snapshot(root);
    let m = schema.tenant().and_then(|t| t.traits.membership.clone()).expect("the showcase is in membership mode");
    let member = schema.entity(&m.entity).expect("the membership entity");
    let member_tenant = &member.tenant_scope.as_ref().unwrap().column;
    let users = &member.foreign_keys.iter().find(|fk| fk.columns.last() == Some(&m.user_column)).unwrap().target;
    let client = db.client();
    let mut checked = Vec::new();
    for holder in schema.entities.iter().filter(|e| e.tenant_scope.is_some() && e.name != member.name) {
        let tenant = &holder.tenant_scope.as_ref().unwrap().column;
        for fk in holder.foreign_keys.iter().filter(|fk| &fk.target == users && fk.columns.len() == 1) {
            let column = &fk.columns[0];
            let sql = format!(
                "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM \"{mt}\" m \
                 WHERE m.\"{uc}\" = r.\"{column}\" AND m.\"{mtc}\" = r.\"{tenant}\")) \
                 FROM \"{table}\" r WHERE r.\"{column}\" IS NOT NULL",
                mt = member.table,
                uc = m.user_column,
                mtc = member_tenant,
                table = holder.table,
            );
            let row = client.query_one(&sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
            let (refs, strangers): (i64, i64) = (row.get(0), row.get(1));
            assert_eq!(
                strangers, 0,
                "{}.{column}: {strangers} of {refs} references point at non-members",
                holder.table
            );
            checked.push(format!("{}.{column} ({refs})", holder.table));
        }
    }
    // The showcase's user references: leads, creators, assignees, authors, uploaders.
    assert!(checked.len() >= 6, "too few user references checked: {checked:?}");
    assert!(
        checked.iter().all(|c| !c.ends_with("(0)") || c.contains("created_by") || c.contains("updated_by")),
        "{checked:?}"
    );
}

/// The reference cycles of examples/edge, seeded on every database, by the
/// SQL file and by the streaming loader alike: the nullable cycle is
/// inserted, then linked (`authors.favorite_book_id` set by UPDATEs); the
/// required self-reference starts at a row that points at itself; the
/// NOT NULL cycle (`teams` <-> `players`) is left empty, and the file's
/// header says why. Every other table has rows and every key holds.
#[test]
fn reference_cycles_are_seeded_or_named_on_every_database() {
    let krate = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/edge");
    let schema = snapshot(&krate);
    let options = tablewright::seed::SeedOptions::default();
    let header = fs::read_to_string(krate.join("generated/seed/seed.postgres.sql")).expect("the seed file");
    assert!(
        header.contains(
            "-- Not seeded: `players` and `teams`, because their NOT NULL keys form a cycle (`players.team_id` -> `teams`, `teams.captain_id` -> `players`): no row can be inserted first.\n"
        ),
        "{}",
        &header[..600.min(header.len())]
    );
    let check = |db: &mut dyn common::Database, how: &str| {
        let dialect = db.dialect();
        let count = |db: &mut dyn common::Database, sql: &str| -> i64 {
            db.query_scalar(sql)
                .unwrap_or_else(|e| panic!("{dialect} ({how}): {sql}: {e}"))
                .unwrap_or_default()
                .parse()
                .expect("a count")
        };
        let q = |name: &str| common::quote_ident(name, if dialect == Dialect::Mysql { '`' } else { '"' });
        for e in schema.entities.iter().filter(|e| !e.traits.audit_log) {
            let rows = count(db, &format!("SELECT COUNT(*) FROM {}", q(&e.table)));
            let empty = ["teams", "players"].contains(&e.table.as_str());
            assert_eq!(rows == 0, empty, "{dialect} ({how}): {} has {rows} rows", e.table);
        }
        let linked = count(db, "SELECT COUNT(*) FROM authors WHERE favorite_book_id IS NOT NULL");
        assert!(linked > 0, "{dialect} ({how}): no author got a favorite book");
        let roots = count(db, "SELECT COUNT(*) FROM categories WHERE parent_id = id");
        assert_eq!(roots, 1, "{dialect} ({how}): one root category points at itself");
        if dialect == Dialect::Sqlite {
            assert_eq!(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0, "SQLite ({how})");
        }
    };
    let migrate = |db: &mut dyn common::Database| {
        let dir = krate.join("generated/migrations").join(db.dialect().dir_name());
        for m in common::load_migrations(&dir).unwrap_or_else(|e| panic!("{e}")) {
            db.execute_batch(&fs::read_to_string(&m.up).expect("migration")).unwrap_or_else(|e| panic!("{e}"));
        }
    };
    for dialect in Dialect::ALL {
        let Some(mut db) = common::connect_or_panic(dialect) else { continue };
        migrate_and_seed(db.as_mut(), &krate).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        check(db.as_mut(), "seed file");
    }
    if let Some(mut db) = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) {
        migrate(&mut db);
        tablewright::seed::postgres::load(db.client(), &schema, &options).unwrap_or_else(|e| panic!("{e}"));
        check(&mut db, "loader");
    }
    if let Some(mut db) = common::MysqlDatabase::create().unwrap_or_else(|e| panic!("{e}")) {
        migrate(&mut db);
        tablewright::seed::mysql::load(db.conn(), &schema, &options).unwrap_or_else(|e| panic!("{e}"));
        check(&mut db, "loader");
    }
    let mut db = common::SqliteDatabase::create().unwrap_or_else(|e| panic!("{e}"));
    migrate(&mut db);
    tablewright::seed::sqlite::load(db.conn(), &schema, &options).unwrap_or_else(|e| panic!("{e}"));
    check(&mut db, "loader");
}

/// tests/fixtures/checks: every check the generator evaluates holds on every
/// database (the seed loads with every constraint on, and the rows cover
/// each branch of an OR); the table whose check it cannot evaluate is left
/// empty, with the reason in the file's header, and every other table is
/// seeded.
#[test]
fn evaluated_checks_hold_and_an_unevaluable_one_leaves_only_its_table_empty() {
    let out = tempfile::tempdir().expect("a temp dir");
    let artifacts = tablewright::build::Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_src_dir("tests/fixtures/checks")
        .with_out_dir(out.path())
        .generate()
        .unwrap_or_else(|e| panic!("the checks fixture does not generate:\n{e}"));
    let warnings: Vec<String> = artifacts.diagnostics().iter().map(|d| d.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.contains(
            "the seed leaves `skus` empty: the seed generator cannot evaluate its check `ck_skus_code` \
             (`substr(code, 1, 3) = 'SKU'`): it uses `SUBSTR(code, 1, 3)`"
        ) && w.contains("on the field `code`")),
        "{warnings:#?}"
    );
    artifacts.write().unwrap_or_else(|e| panic!("{e}"));
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let seed = fs::read_to_string(out.path().join(format!("seed/seed.{}.sql", dialect.dir_name()))).expect("seed");
        assert!(seed.contains("-- Not seeded: `skus`, because the seed generator cannot evaluate its check"), "{seed}");
        db.execute_batch(&seed).unwrap_or_else(|e| panic!("{dialect}: the seed does not load: {e}"));
        let mut count = |sql: &str| -> i64 {
            db.query_scalar(sql)
                .unwrap_or_else(|e| panic!("{dialect}: {sql}: {e}"))
                .unwrap_or_default()
                .parse()
                .expect("a count")
        };
        assert_eq!(count("SELECT COUNT(*) FROM skus"), 0, "{dialect}");
        let reviews = count("SELECT COUNT(*) FROM reviews");
        assert!(reviews > 0, "{dialect}: reviews are seeded");
        assert!(count("SELECT COUNT(DISTINCT stars) FROM reviews") > 1, "{dialect}: stars vary within 1..=5");
        assert!(count("SELECT COUNT(DISTINCT mood) FROM reviews") > 1, "{dialect}: moods vary within the IN list");
        assert!(count("SELECT COUNT(*) FROM events") > 0, "{dialect}: events are seeded");
        assert!(count("SELECT COUNT(*) FROM events WHERE priority < 10") > 0, "{dialect}: the low range is drawn");
        assert!(count("SELECT COUNT(*) FROM events WHERE priority > 90") > 0, "{dialect}: the high range is drawn");
        eprintln!("{dialect}: {reviews} reviews and their events loaded with every check on");
    }
}

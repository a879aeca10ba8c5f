//! What the database enforces with the generated triggers, proved on real
//! PostgreSQL, MariaDB and SQLite: `updated_at` kept current, `version`
//! bumped and stale updates rejected (including a concurrent lost update on
//! PostgreSQL), every change of an `#[audited]` table in `audit_logs`, and
//! polymorphic links checked on write and cleaned up (or protected) on
//! delete. The schema is tests/fixtures/triggers/schema.rs.

mod common;

use common::{Database, Dialect};

const ORG_A: &str = "00000000-0000-4000-8000-00000000000a";
const ORG_B: &str = "00000000-0000-4000-8000-00000000000b";
const DOC: &str = "00000000-0000-4000-8000-0000000000d1";
const DOC_B: &str = "00000000-0000-4000-8000-0000000000d2";
const NOTE: &str = "00000000-0000-4000-8000-0000000000e1";
const MISSING: &str = "00000000-0000-4000-8000-0000000000ff";
const MEMBER: &str = "00000000-0000-4000-8000-0000000000c1";
const MEMBER_2: &str = "00000000-0000-4000-8000-0000000000c2";

/// Generates the fixture's artifacts into a temp dir.
pub fn generate_fixture() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("a temp dir");
    let artifacts = tablewright::build::Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_src_dir("tests/fixtures/triggers")
        .with_out_dir(out.path())
        .generate()
        .unwrap_or_else(|e| panic!("the triggers fixture does not generate:\n{e}"));
    artifacts.write().unwrap_or_else(|e| panic!("{e}"));
    out
}

fn q(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

fn exec(db: &mut dyn Database, sql: &str) {
    let dialect = db.dialect();
    db.execute_batch(sql).unwrap_or_else(|e| panic!("{dialect}: {sql}: {e}"));
}

fn scalar(db: &mut dyn Database, sql: &str) -> Option<String> {
    let dialect = db.dialect();
    db.query_scalar(sql).unwrap_or_else(|e| panic!("{dialect}: {sql}: {e}"))
}

fn count(db: &mut dyn Database, sql: &str) -> i64 {
    scalar(db, sql).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{sql}: not a count"))
}

/// Two organizations, two members, a doc in each organization, a note on
/// the first doc.
fn seed(db: &mut dyn Database) {
    for (org, name) in [(ORG_A, "a"), (ORG_B, "b")] {
        exec(db, &format!("INSERT INTO organizations (id, name) VALUES ('{org}', '{name}')"));
    }
    for (member, name) in [(MEMBER, "ann"), (MEMBER_2, "bob")] {
        exec(db, &format!("INSERT INTO members (id, name) VALUES ('{member}', '{name}')"));
    }
    exec(db, &format!("INSERT INTO docs (id, organization_id, title) VALUES ('{DOC}', '{ORG_A}', 'first')"));
    exec(db, &format!("INSERT INTO docs (id, organization_id, title) VALUES ('{DOC_B}', '{ORG_B}', 'other')"));
    exec(
        db,
        &format!("INSERT INTO notes (id, organization_id, doc_id, body) VALUES ('{NOTE}', '{ORG_A}', '{DOC}', 'n')"),
    );
}

#[test]
fn updated_at_is_kept_current_by_the_database() {
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        seed(db);
        let past = match dialect {
            Dialect::Postgres => "'2000-01-01 00:00:00+00'",
            Dialect::Mysql => "'2000-01-01 00:00:00'",
            Dialect::Sqlite => "'2000-01-01T00:00:00.000Z'",
        };
        exec(db, &format!("UPDATE organizations SET created_at = {past}, updated_at = {past} WHERE id = '{ORG_A}'"));
        exec(db, &format!("UPDATE organizations SET name = 'renamed' WHERE id = '{ORG_A}'"));
        let updated = scalar(db, &format!("SELECT updated_at FROM organizations WHERE id = '{ORG_A}'")).unwrap();
        let created = scalar(db, &format!("SELECT created_at FROM organizations WHERE id = '{ORG_A}'")).unwrap();
        assert!(created.starts_with("2000"), "{dialect}: created_at must not move: {created}");
        assert!(!updated.starts_with("2000"), "{dialect}: updated_at was not maintained: {updated}");
    }
}

#[test]
fn versioned_rows_bump_and_reject_stale_updates() {
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        seed(db);
        let version = |db: &mut dyn Database| count(db, &format!("SELECT version FROM docs WHERE id = '{DOC}'"));
        assert_eq!(version(db), 1, "{dialect}");
        // The contract: SET version = <the version read>.
        exec(db, &format!("UPDATE docs SET title = 'second', version = 1 WHERE id = '{DOC}'"));
        assert_eq!(version(db), 2, "{dialect}");
        let err = db
            .execute_batch(&format!("UPDATE docs SET title = 'stale', version = 1 WHERE id = '{DOC}'"))
            .expect_err("an update from version 1 of a row at version 2 must fail");
        assert!(err.contains("tablewright: version conflict on docs"), "{dialect}: {err}");
        assert_eq!(version(db), 2, "{dialect}");
        assert_eq!(scalar(db, &format!("SELECT title FROM docs WHERE id = '{DOC}'")).as_deref(), Some("second"));
        // Leaving version out counts as "from the current version".
        exec(db, &format!("UPDATE docs SET title = 'third' WHERE id = '{DOC}'"));
        assert_eq!(version(db), 3, "{dialect}");
    }
}

/// Two sessions read version 1; one commits; the other's update, made from
/// the same stale version, is rejected with SQLSTATE TW409 once the first
/// commits. Under READ COMMITTED the second UPDATE waits for the row lock and
/// then re-evaluates against the committed row.
#[test]
fn postgres_rejects_a_concurrent_lost_update() {
    let out = generate_fixture();
    let Some(mut db) = common::migrated(Dialect::Postgres, out.path()) else { return };
    seed(db.as_mut());
    let url = common::env_url(common::PG_URL_VAR, common::DEFAULT_PG_URL);
    let mut config: postgres::Config = url.parse().unwrap();
    config.dbname(db.name());
    let mut first = config.connect(postgres::NoTls).unwrap();
    let mut second = config.connect(postgres::NoTls).unwrap();
    let read = format!("SELECT version FROM docs WHERE id = '{DOC}'");

    let (read_tx, read_rx) = std::sync::mpsc::channel::<i32>();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let mut t1 = first.transaction().unwrap();
    let v1: i32 = t1.query_one(read.as_str(), &[]).unwrap().get(0);
    let waiter = std::thread::spawn(move || {
        let mut t2 = second.transaction().unwrap();
        let v2: i32 = t2.query_one(read.as_str(), &[]).unwrap().get(0);
        read_tx.send(v2).unwrap();
        go_rx.recv().unwrap();
        // Blocks on the row lock until the first transaction commits.
        let result = t2
            .execute(format!("UPDATE docs SET title = 'from second', version = {v2} WHERE id = '{DOC}'").as_str(), &[]);
        match result {
            Ok(n) => panic!("the stale update succeeded ({n} rows): a lost update"),
            Err(e) => {
                let db = e.as_db_error().expect("a database error");
                (db.code().code().to_string(), db.message().to_string())
            }
        }
    });
    // Both sessions have read version 1.
    assert_eq!((v1, read_rx.recv().unwrap()), (1, 1));
    t1.execute(format!("UPDATE docs SET title = 'from first', version = {v1} WHERE id = '{DOC}'").as_str(), &[])
        .unwrap();
    go_tx.send(()).unwrap();
    // Let the second UPDATE reach the row lock before committing.
    std::thread::sleep(std::time::Duration::from_millis(300));
    t1.commit().unwrap();
    let (code, message) = waiter.join().unwrap();
    assert_eq!(code, "TW409", "{message}");
    assert!(message.starts_with("tablewright: version conflict on docs ("), "{message}");
    let conflict = tablewright::query::VersionConflict::from_error(Some(&code), &message).unwrap();
    assert_eq!(conflict.table.as_deref(), Some("docs"));
    assert_eq!(
        scalar(db.as_mut(), &format!("SELECT title FROM docs WHERE id = '{DOC}'")).as_deref(),
        Some("from first")
    );
    assert_eq!(count(db.as_mut(), &format!("SELECT version FROM docs WHERE id = '{DOC}'")), 2);
}

#[test]
fn audited_changes_are_logged_with_tenant_actor_and_rows() {
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        match dialect {
            Dialect::Postgres => exec(db, &format!("SELECT set_config('app.user_id', '{MEMBER}', false)")),
            Dialect::Mysql => exec(db, &format!("SET @app_user_id = '{MEMBER}'")),
            Dialect::Sqlite => {}
        }
        seed(db);
        exec(db, &format!("UPDATE docs SET title = 'second', version = 1 WHERE id = '{DOC}'"));
        let _ = db.execute_batch(&format!("UPDATE docs SET title = 'stale', version = 1 WHERE id = '{DOC}'"));
        exec(db, &format!("DELETE FROM docs WHERE id = '{DOC_B}'"));

        let (before, after) = (q(dialect, "before"), q(dialect, "after"));
        let events = |db: &mut dyn Database, action: &str| {
            count(db, &format!("SELECT COUNT(*) FROM audit_logs WHERE action = '{action}'"))
        };
        assert_eq!(events(db, "docs.insert"), 2, "{dialect}");
        assert_eq!(events(db, "docs.update"), 1, "{dialect}: the rejected update must not be logged");
        assert_eq!(events(db, "docs.delete"), 1, "{dialect}");
        assert_eq!(events(db, "organizations.insert"), 2, "{dialect}");
        // Notes are not audited.
        assert_eq!(count(db, "SELECT COUNT(*) FROM audit_logs WHERE entity_type = 'notes'"), 0, "{dialect}");

        let row = |db: &mut dyn Database, column: &str| {
            scalar(db, &format!("SELECT {column} FROM audit_logs WHERE action = 'docs.update'"))
        };
        assert_eq!(row(db, "entity_type").as_deref(), Some("docs"), "{dialect}");
        assert_eq!(row(db, "entity_id").as_deref(), Some(DOC), "{dialect}");
        assert_eq!(row(db, "tenant_id").as_deref(), Some(ORG_A), "{dialect}");
        let actor = row(db, "actor_id");
        match dialect {
            Dialect::Sqlite => assert_eq!(actor, None, "SQLite has no session settings"),
            _ => assert_eq!(actor.as_deref(), Some(MEMBER), "{dialect}"),
        }
        // Read the JSON images with each database's own JSON functions.
        let field = |db: &mut dyn Database, image: &str, key: &str| {
            let expr = match dialect {
                Dialect::Postgres => format!("{image} ->> '{key}'"),
                Dialect::Mysql => format!("JSON_UNQUOTE(JSON_EXTRACT({image}, '$.{key}'))"),
                Dialect::Sqlite => format!("json_extract({image}, '$.{key}')"),
            };
            row(db, &expr)
        };
        assert_eq!(field(db, &before, "title").as_deref(), Some("first"), "{dialect}");
        assert_eq!(field(db, &after, "title").as_deref(), Some("second"), "{dialect}");
        // The row as stored: the version after the database bumped it.
        assert_eq!(field(db, &before, "version").as_deref(), Some("1"), "{dialect}");
        assert_eq!(field(db, &after, "version").as_deref(), Some("2"), "{dialect}");
        assert_eq!(field(db, &after, "organization_id").as_deref(), Some(ORG_A), "{dialect}");

        // The tenant's own rows are logged under itself.
        let org = scalar(
            db,
            &format!(
                "SELECT tenant_id FROM audit_logs WHERE action = 'organizations.insert' AND entity_id = '{ORG_B}'"
            ),
        );
        assert_eq!(org.as_deref(), Some(ORG_B), "{dialect}");
        let deleted = scalar(db, &format!("SELECT {after} FROM audit_logs WHERE action = 'docs.delete'"));
        assert_eq!(deleted, None, "{dialect}: a delete has no after image");
    }
}

/// Sets (or, with `None`, clears) the session's user the way each database
/// keeps it; SQLite has no session settings.
fn set_user(db: &mut dyn Database, user: Option<&str>) {
    match (db.dialect(), user) {
        (Dialect::Postgres, Some(u)) => exec(db, &format!("SELECT set_config('app.user_id', '{u}', false)")),
        (Dialect::Postgres, None) => exec(db, "RESET app.user_id"),
        (Dialect::Mysql, Some(u)) => exec(db, &format!("SET @app_user_id = '{u}'")),
        (Dialect::Mysql, None) => exec(db, "SET @app_user_id = NULL"),
        (Dialect::Sqlite, _) => {}
    }
}

/// `#[userstamps(Member)]` on docs, `#[userstamps]` (text) on notes: on
/// PostgreSQL and MariaDB the database fills both columns from the session's
/// user and ignores what the writer says; on SQLite the application writes
/// them and `created_by` cannot change.
#[test]
fn userstamps_come_from_the_session_user_and_cannot_be_forged() {
    const DOC_3: &str = "00000000-0000-4000-8000-0000000000d3";
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        seed(db);
        let stamps = |db: &mut dyn Database, table: &str, id: &str| {
            (
                scalar(db, &format!("SELECT created_by FROM {table} WHERE id = '{id}'")),
                scalar(db, &format!("SELECT updated_by FROM {table} WHERE id = '{id}'")),
            )
        };
        let enforced = dialect != Dialect::Sqlite;
        if enforced {
            // Seeded without a user: nobody.
            assert_eq!(stamps(db, "docs", DOC), (None, None), "{dialect}");
        }

        // Member 1 writes a doc and claims member 2 made it.
        set_user(db, Some(MEMBER));
        let claimed = if enforced { MEMBER_2 } else { MEMBER };
        exec(
            db,
            &format!(
                "INSERT INTO docs (id, organization_id, title, created_by, updated_by) \
                 VALUES ('{DOC_3}', '{ORG_A}', 'third', '{claimed}', '{claimed}')"
            ),
        );
        let mine = (Some(MEMBER.to_string()), Some(MEMBER.to_string()));
        assert_eq!(stamps(db, "docs", DOC_3), mine, "{dialect}: insert");

        // Member 2 edits it, and tries to take the authorship.
        set_user(db, Some(MEMBER_2));
        let edit = format!(
            "UPDATE docs SET title = 'edited', created_by = '{MEMBER_2}', updated_by = '{MEMBER_2}' WHERE id = '{DOC_3}'"
        );
        if enforced {
            exec(db, &edit);
            assert_eq!(
                stamps(db, "docs", DOC_3),
                (Some(MEMBER.to_string()), Some(MEMBER_2.to_string())),
                "{dialect}: update keeps the creator, records the editor"
            );
            // A write without a user is nobody's.
            set_user(db, None);
            exec(db, &format!("UPDATE docs SET title = 'anon' WHERE id = '{DOC_3}'"));
            assert_eq!(stamps(db, "docs", DOC_3), (Some(MEMBER.to_string()), None), "{dialect}: no user");
            // The text form holds the setting as written.
            set_user(db, Some("clerk-9"));
            exec(db, &format!("UPDATE notes SET body = 'n2' WHERE id = '{NOTE}'"));
            assert_eq!(stamps(db, "notes", NOTE), (None, Some("clerk-9".to_string())), "{dialect}: text form");
        } else {
            let err = db.execute_batch(&edit).expect_err("SQLite: created_by must not change");
            assert!(err.contains("tablewright: docs.created_by cannot change"), "{err}");
            exec(db, &format!("UPDATE docs SET title = 'edited', updated_by = '{MEMBER_2}' WHERE id = '{DOC_3}'"));
            assert_eq!(stamps(db, "docs", DOC_3), (Some(MEMBER.to_string()), Some(MEMBER_2.to_string())));
        }

        // The author leaves: the foreign key forgets them, the row stays.
        exec(db, &format!("DELETE FROM members WHERE id = '{MEMBER}'"));
        let creator = scalar(db, &format!("SELECT created_by FROM docs WHERE id = '{DOC_3}'"));
        assert_eq!(creator, None, "{dialect}: ON DELETE SET NULL");
    }
}

#[test]
fn polymorphic_links_are_checked_and_cleaned_up() {
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        seed(db);
        let attach = |id: &str, ty: &str, target: &str, org: &str| {
            format!(
                "INSERT INTO attachments (id, organization_id, entity_type, entity_id, filename) \
                 VALUES ('{id}', '{org}', '{ty}', '{target}', 'f')"
            )
        };
        let a1 = "00000000-0000-4000-8000-0000000000a1";
        let a2 = "00000000-0000-4000-8000-0000000000a2";
        // Pointing at nothing, at the wrong type, at another tenant's row: rejected.
        for bad in [attach(a1, "doc", MISSING, ORG_A), attach(a1, "note", DOC, ORG_A), attach(a1, "doc", DOC_B, ORG_A)]
        {
            let err = db.execute_batch(&bad).expect_err(&format!("{dialect}: {bad} must fail"));
            assert!(err.contains("attachments.entity_id points at a row that does not exist"), "{dialect}: {err}");
        }
        exec(db, &attach(a1, "doc", DOC, ORG_A));
        exec(db, &attach(a2, "note", NOTE, ORG_A));
        // Re-pointing an existing row is checked too.
        let err = db
            .execute_batch(&format!("UPDATE attachments SET entity_id = '{MISSING}' WHERE id = '{a1}'"))
            .expect_err("re-pointing at nothing must fail");
        assert!(err.contains("does not exist"), "{dialect}: {err}");

        // Restrict: a pinned note cannot be deleted.
        let pin = "00000000-0000-4000-8000-0000000000b1";
        exec(
            db,
            &format!(
                "INSERT INTO pins (id, organization_id, target_type, target_id) VALUES ('{pin}', '{ORG_A}', 'note', '{NOTE}')"
            ),
        );
        let err = db
            .execute_batch(&format!("DELETE FROM notes WHERE id = '{NOTE}'"))
            .expect_err("deleting a pinned note must fail");
        assert!(err.contains("cannot delete from notes: rows of pins still point at it"), "{dialect}: {err}");
        exec(db, &format!("DELETE FROM pins WHERE id = '{pin}'"));

        // Cascade: deleting the note removes the attachment pointing at it.
        exec(db, &format!("DELETE FROM notes WHERE id = '{NOTE}'"));
        assert_eq!(count(db, &format!("SELECT COUNT(*) FROM attachments WHERE id = '{a2}'")), 0, "{dialect}");
        assert_eq!(count(db, &format!("SELECT COUNT(*) FROM attachments WHERE id = '{a1}'")), 1, "{dialect}");
        exec(db, &format!("DELETE FROM docs WHERE id = '{DOC}'"));
        assert_eq!(count(db, "SELECT COUNT(*) FROM attachments"), 0, "{dialect}");
    }
}

/// A `set_null` key between two tables of one tenant keeps one column (so
/// the action does not null the tenant column), and a trigger rejects a
/// reference to another tenant's row on insert and update; the action still
/// nulls the key when the target goes.
#[test]
fn set_null_keys_between_tenant_tables_stay_within_the_tenant() {
    let out = generate_fixture();
    let third = "00000000-0000-4000-8000-0000000000d3";
    let note2 = "00000000-0000-4000-8000-0000000000e2";
    for dialect in Dialect::ALL {
        let Some(mut db) = common::migrated(dialect, out.path()) else { continue };
        let db = db.as_mut();
        seed(db);
        exec(db, &format!("INSERT INTO docs (id, organization_id, title) VALUES ('{third}', '{ORG_A}', 'third')"));
        let insert = |see_also: &str| {
            format!(
                "INSERT INTO notes (id, organization_id, doc_id, see_also_id, body) \
                 VALUES ('{note2}', '{ORG_A}', '{DOC}', '{see_also}', 'n2')"
            )
        };
        let err = db.execute_batch(&insert(DOC_B)).expect_err("a key to another tenant's doc must fail");
        assert!(err.contains("notes.see_also_id points at a row of docs of another tenant"), "{dialect}: {err}");
        exec(db, &insert(third));
        let err = db
            .execute_batch(&format!("UPDATE notes SET see_also_id = '{DOC_B}' WHERE id = '{note2}'"))
            .expect_err("re-pointing at another tenant's doc must fail");
        assert!(err.contains("of another tenant"), "{dialect}: {err}");
        // Moving the row to the other tenant while it points here fails too
        // (the composite key to its doc catches that first on every dialect).
        assert!(
            db.execute_batch(&format!("UPDATE notes SET organization_id = '{ORG_B}' WHERE id = '{note2}'")).is_err(),
            "{dialect}: moving a note to another tenant must fail"
        );
        // The action still works: deleting the doc nulls the key.
        exec(db, &format!("DELETE FROM docs WHERE id = '{third}'"));
        let left = scalar(db, &format!("SELECT see_also_id FROM notes WHERE id = '{note2}'"));
        assert_eq!(left, None, "{dialect}: see_also_id must be NULL after its doc is deleted");
    }
}

/// The fixture's migrations, trigger functions included, round-trip: the
/// down script leaves the database exactly as it was.
#[test]
fn fixture_with_triggers_round_trips() {
    let out = generate_fixture();
    for dialect in Dialect::ALL {
        let dir = out.path().join("migrations").join(dialect.dir_name());
        match common::round_trip(dialect, &dir) {
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

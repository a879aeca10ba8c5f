//! The runtime helpers of `tablewright::query`, run against a real
//! PostgreSQL with the triggers fixture (tests/fixtures/triggers/schema.rs):
//! transaction-scoped tenant and user, tenant + live-row reads, soft delete
//! and restore, and versioned updates with a typed conflict.

mod common;

#[path = "fixtures/triggers/schema.rs"]
#[allow(dead_code)]
mod schema;

use postgres::Client;
use schema::{Doc, DocIden};
use tablewright::prelude::Uuid;
use tablewright::query::{self, VersionConflict};
use tablewright::sea_query::{Expr, PostgresQueryBuilder};

const ORG_A: &str = "00000000-0000-4000-8000-00000000000a";
const ORG_B: &str = "00000000-0000-4000-8000-00000000000b";
const DOC: &str = "00000000-0000-4000-8000-0000000000d1";
/// A member: docs carry `#[userstamps(Member)]`, so the user setting is a member's key.
const MEMBER: &str = "00000000-0000-4000-8000-0000000000c7";

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

/// A fresh Postgres database with the fixture migrated and two tenants'
/// docs: two live and one soft-deleted in A, one in B.
fn database() -> Option<(common::PgDatabase, tempfile::TempDir)> {
    let out = tempfile::tempdir().unwrap();
    tablewright::build::Builder::new()
        .with_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .with_src_dir("tests/fixtures/triggers")
        .with_out_dir(out.path())
        .generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .write()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut db = common::PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    for m in common::load_migrations(&out.path().join("migrations/postgres")).unwrap() {
        let sql = std::fs::read_to_string(&m.up).unwrap();
        db.client().batch_execute(&sql).unwrap_or_else(|e| panic!("{}: {e}", m.up.display()));
    }
    let c = db.client();
    c.batch_execute(&format!(
        "INSERT INTO organizations (id, name) VALUES ('{ORG_A}', 'a'), ('{ORG_B}', 'b');
         INSERT INTO members (id, name) VALUES ('{MEMBER}', 'seven');
         INSERT INTO docs (id, organization_id, title) VALUES ('{DOC}', '{ORG_A}', 'first');
         INSERT INTO docs (organization_id, title) VALUES ('{ORG_A}', 'second');
         INSERT INTO docs (organization_id, title, deleted_at) VALUES ('{ORG_A}', 'gone', now());
         INSERT INTO docs (organization_id, title) VALUES ('{ORG_B}', 'theirs');"
    ))
    .unwrap();
    Some((db, out))
}

fn titles(c: &mut Client, tenant: &str) -> Vec<String> {
    let sql = query::scoped_select::<Doc>(uuid(tenant)).to_string(PostgresQueryBuilder);
    let sql = format!("SELECT title FROM ({sql}) AS d ORDER BY title");
    c.query(sql.as_str(), &[]).unwrap().iter().map(|r| r.get(0)).collect()
}

#[test]
fn tenant_and_user_last_for_the_transaction_only() {
    let Some((mut db, _out)) = database() else { return };
    let c = db.client();
    let mut tx = c.transaction().unwrap();
    tx.batch_execute(&query::set_tenant(uuid(ORG_A)).to_string(PostgresQueryBuilder)).unwrap();
    tx.batch_execute(&query::set_user(MEMBER).to_string(PostgresQueryBuilder)).unwrap();
    let tenant: String = tx.query_one("SELECT current_setting('app.tenant_id', true)", &[]).unwrap().get(0);
    assert_eq!(tenant, ORG_A);
    // The audit trigger records the user set for this transaction.
    tx.batch_execute(&format!("UPDATE docs SET title = 'renamed' WHERE id = '{DOC}'")).unwrap();
    tx.commit().unwrap();
    let actor: Option<String> =
        c.query_one("SELECT actor_id FROM audit_logs WHERE action = 'docs.update'", &[]).unwrap().get(0);
    assert_eq!(actor.as_deref(), Some(MEMBER));
    let editor: Option<String> =
        c.query_one(&format!("SELECT updated_by::text FROM docs WHERE id = '{DOC}'"), &[]).unwrap().get(0);
    assert_eq!(editor.as_deref(), Some(MEMBER), "the userstamps read the same setting");
    // Gone after the transaction: a pooled connection keeps nothing.
    let after: Option<String> = c.query_one("SELECT current_setting('app.tenant_id', true)", &[]).unwrap().get(0);
    assert_eq!(after.as_deref().unwrap_or(""), "");
}

/// The parameterized form binds the values instead of inlining them.
#[test]
fn set_tenant_binds_its_value() {
    let Some((mut db, _out)) = database() else { return };
    let (sql, values) = query::set_tenant("x'); DROP TABLE docs; --").build(PostgresQueryBuilder);
    assert_eq!(sql, "SELECT set_config($1, $2, $3)");
    assert_eq!(values.0.len(), 3);
    let c = db.client();
    let mut tx = c.transaction().unwrap();
    tx.batch_execute(&query::set_tenant("x'); DROP TABLE docs; --").to_string(PostgresQueryBuilder)).unwrap();
    let tenant: String = tx.query_one("SELECT current_setting('app.tenant_id')", &[]).unwrap().get(0);
    assert_eq!(tenant, "x'); DROP TABLE docs; --");
    tx.commit().unwrap();
    assert_eq!(c.query_one("SELECT COUNT(*) FROM docs", &[]).unwrap().get::<_, i64>(0), 4);
}

#[test]
fn scoped_select_shows_one_tenants_live_rows() {
    let Some((mut db, _out)) = database() else { return };
    let c = db.client();
    assert_eq!(titles(c, ORG_A), ["first", "second"]);
    assert_eq!(titles(c, ORG_B), ["theirs"]);
}

#[test]
fn soft_delete_and_restore() {
    let Some((mut db, _out)) = database() else { return };
    let c = db.client();
    let delete = query::soft_delete::<Doc>(uuid(DOC)).to_string(PostgresQueryBuilder);
    assert_eq!(c.execute(delete.as_str(), &[]).unwrap(), 1);
    assert_eq!(titles(c, ORG_A), ["second"]);
    // Already deleted: nothing to do.
    assert_eq!(c.execute(delete.as_str(), &[]).unwrap(), 0);
    let restore = query::restore::<Doc>(uuid(DOC)).to_string(PostgresQueryBuilder);
    assert_eq!(c.execute(restore.as_str(), &[]).unwrap(), 1);
    assert_eq!(titles(c, ORG_A), ["first", "second"]);
    assert_eq!(c.execute(restore.as_str(), &[]).unwrap(), 0);
}

#[test]
fn versioned_update_succeeds_once_then_reports_a_typed_conflict() {
    let Some((mut db, _out)) = database() else { return };
    let c = db.client();
    let update = |read: i32, title: &str| {
        query::versioned_update::<Doc>(uuid(DOC), read, [(DocIden::Title, Expr::value(title.to_string()))])
            .to_string(PostgresQueryBuilder)
    };
    let n = c.execute(update(1, "edited").as_str(), &[]).unwrap();
    VersionConflict::check_rows(<Doc as tablewright::Entity>::TABLE, n).unwrap();
    let version: i32 =
        c.query_one(format!("SELECT version FROM docs WHERE id = '{DOC}'").as_str(), &[]).unwrap().get(0);
    assert_eq!(version, 2);

    let err = c.execute(update(1, "stale").as_str(), &[]).expect_err("a stale update must fail");
    let db_err = err.as_db_error().expect("a database error");
    let conflict = VersionConflict::from_error(Some(db_err.code().code()), db_err.message())
        .unwrap_or_else(|| panic!("not recognized as a version conflict: {err}"));
    assert_eq!(conflict.table.as_deref(), Some("docs"));
    assert!(conflict.to_string().contains("the row is at version 2, the update was made from version 1"), "{conflict}");

    // A key that matches nothing: no error, zero rows, still a conflict.
    let missing = query::versioned_update::<Doc>(Uuid::nil(), 1, [(DocIden::Title, Expr::value("x"))])
        .to_string(PostgresQueryBuilder);
    let n = c.execute(missing.as_str(), &[]).unwrap();
    assert!(VersionConflict::check_rows("docs", n).is_err());
    // Other errors are not conflicts.
    assert!(VersionConflict::from_error(Some("23505"), "duplicate key value violates unique constraint").is_none());
}

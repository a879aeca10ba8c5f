//! SQLite: foreign keys always inline (SQLite accepts forward references and
//! cannot add a constraint later), enums as `TEXT` with a `CHECK (... IN ...)`,
//! `VARCHAR(N)` backed by a `CHECK (length(...) <= N)` because SQLite does not
//! enforce declared lengths, and doc comments as `--` lines, which SQLite
//! keeps in `sqlite_master`.
//!
//! An identity key is the rowid alias, `INTEGER ... PRIMARY KEY AUTOINCREMENT`
//! on the column (SQLite allows AUTOINCREMENT only there), so the named
//! primary key moves from the table constraints to the column. AUTOINCREMENT
//! keeps ids from being reused, like Postgres identities; its price is
//! `sqlite_sequence`, SQLite's own bookkeeping table, which the first such
//! table creates and which stays (emptied) after the down migration, since
//! SQLite refuses to drop it.
//!
//! Timestamps are ISO-8601 text (`2024-05-01T12:00:00.000Z` for
//! `DateTime<Utc>`), a random UUID default is built from `randomblob`, and the
//! down script defers foreign-key checks when tables reference each other in a
//! cycle, so it must run inside a transaction (as sqlx runs migrations).

use sea_query::SqliteQueryBuilder as Lite;
use sea_query::{Expr, ExprTrait, Func};

use super::render::{self, IndexParts, Item};
use super::{DefaultSql, Plan, Script, common_default};
use crate::diagnostics::Diagnostic;
use crate::model::{Column, ColumnType, DefaultValue, Entity, Generated};
use crate::naming::constraint_name;
use crate::quote::ident;
use crate::types::Dialect;

const D: Dialect = Dialect::Sqlite;

/// A random version-4 UUID as lowercase hyphenated text, built from
/// `randomblob`: the version nibble is `4`, the variant nibble one of `8 9 a b`.
pub const RANDOM_UUID_V4: &str = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || \
     substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || \
     substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

pub(super) fn emit(plan: &Plan<'_>, diagnostics: &mut Vec<Diagnostic>) -> (Script, Script) {
    let mut up = Script::default();
    let mut down = Script::default();
    for entity in &plan.order {
        create_table(plan, entity, &mut up, diagnostics);
    }
    if !plan.deferred.is_empty() {
        // Dropping one table of a reference cycle breaks the other's foreign
        // key until that table is gone too: check at commit instead.
        down.push("PRAGMA defer_foreign_keys = ON");
    }
    for entity in plan.order.iter().rev() {
        down.push(render::drop_table(Lite, &entity.table));
    }
    (up, down)
}

/// Whether the primary key is a single identity INTEGER column, written on the column.
pub(super) fn rowid_key<'e>(plan: &Plan<'_>, entity: &'e Entity) -> Option<&'e Column> {
    match entity.primary_key.columns.as_slice() {
        [one] => entity
            .column(one)
            .filter(|c| c.generated == Generated::Identity && plan.column_type(D, entity, c) == "INTEGER"),
        _ => None,
    }
}

pub(super) fn create_table(plan: &Plan<'_>, entity: &Entity, up: &mut Script, diagnostics: &mut Vec<Diagnostic>) {
    let rowid = rowid_key(plan, entity).map(|c| c.name.as_str());
    let mut items = Vec::new();
    let mut checks = Vec::new();
    for c in &entity.columns {
        let ty = plan.column_type(D, entity, c);
        let mut def = render::column(&c.name, &ty, c.nullable);
        if rowid == Some(c.name.as_str()) {
            def.extra(format!("CONSTRAINT {} PRIMARY KEY AUTOINCREMENT", ident(D, &entity.primary_key.name)));
        } else if c.generated == Generated::Identity {
            let location = if c.location.line == 0 { &entity.location } else { &c.location };
            diagnostics.push(
                Diagnostic::warning(
                    location,
                    format!(
                        "SQLite generates keys only for a single INTEGER primary key: `{}.{}` is \
                         not generated there",
                        entity.table, c.name
                    ),
                )
                .with_help("use #[id(auto)] on the only key column, with type i64 or i32")
                .with_code("sqlite_key_not_generated")
                .with_dialects([Dialect::Sqlite]),
            );
        }
        apply_default(c, &mut def);
        let mut item = Item::new(render::column_sql(&Lite, &def));
        if let Some(doc) = &c.doc {
            item.comment = comment_lines(doc);
        }
        items.push(item);

        if let Some(values) = plan.enum_values(c) {
            let name = constraint_name("ck", &entity.table, &[&c.name]);
            let expr = Expr::col(render::iden(&c.name)).is_in(values);
            checks.push(render::check(&Lite, &name, expr));
        }
        if let (ColumnType::String, Some(n), None) = (&c.ty, c.max_len, &c.sql_type) {
            let name = constraint_name("ck", &entity.table, &[&c.name, "length"]);
            let length = Func::cust("length").arg(Expr::col(render::iden(&c.name)));
            checks.push(render::check(&Lite, &name, Expr::expr(length).lte(n)));
        }
    }
    if rowid.is_none() {
        items.push(Item::new(render::primary_key(&Lite, Some(&entity.primary_key.name), &entity.primary_key.columns)));
    }
    for fk in &entity.foreign_keys {
        // sea-query leaves the constraint name out on SQLite; keep it, so
        // every dialect names its keys alike.
        let sql = render::foreign_key_inline(&Lite, entity, fk);
        let sql = match sql.strip_prefix("CONSTRAINT ") {
            Some(_) => sql,
            None => format!("CONSTRAINT {} {sql}", ident(D, &fk.name)),
        };
        items.push(Item::new(render::deferrable(sql, fk)));
    }
    items.extend(checks.into_iter().map(Item::new));
    for check in &entity.checks {
        items.push(Item::new(render::check(
            &Lite,
            &check.name,
            render::raw(&crate::fragment::render_sql(&check.expr, Dialect::Sqlite)),
        )));
    }
    for index in entity.indexes.iter().filter(|i| i.is_unique_constraint()) {
        items.push(Item::new(render::unique_constraint(D, index)));
    }

    let mut statement = String::new();
    if let Some(doc) = &entity.doc {
        for line in comment_lines(doc) {
            statement.push_str(&line);
            statement.push('\n');
        }
    }
    statement.push_str(&render::create_table(&Lite, &entity.table, &items, None));
    up.push(statement);

    for index in entity.indexes.iter().filter(|i| !i.is_unique_constraint()) {
        if !index.include.is_empty() {
            diagnostics.push(
                Diagnostic::warning(
                    &index.location,
                    format!(
                        "SQLite has no covering indexes: the include({}) columns of index `{}` on \
                         `{}` are left out there",
                        index.include.join(", "),
                        index.name,
                        entity.table
                    ),
                )
                .with_help("list them as index columns if SQLite queries need them covered")
                .with_code("sqlite_no_covering_index")
                .with_dialects([Dialect::Sqlite]),
            );
        }
        let parts = IndexParts { predicate: Some(Dialect::Sqlite), include: false };
        up.push(render::create_index(Lite, entity, index, parts));
    }
}

pub(super) fn apply_default(c: &Column, def: &mut sea_query::ColumnDef) {
    if c.generated == Generated::Identity {
        return;
    }
    match &c.default {
        Some(DefaultValue::Now) => DefaultSql::Expr(now(&c.ty).to_string()).apply(def),
        Some(other) => {
            if let Some(sql) = common_default(D, other) {
                sql.apply(def);
            }
        }
        None if c.generated == Generated::RandomUuid => DefaultSql::Expr(RANDOM_UUID_V4.to_string()).apply(def),
        None => {}
    }
}

/// `#[default(now)]` as the text chrono and sqlx read back: UTC ISO-8601.
pub(super) fn now(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::NaiveDate => "strftime('%Y-%m-%d', 'now')",
        ColumnType::NaiveTime => "strftime('%H:%M:%f', 'now')",
        ColumnType::NaiveDateTime => "strftime('%Y-%m-%dT%H:%M:%f', 'now')",
        _ => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    }
}

/// A doc comment as `--` lines.
fn comment_lines(doc: &str) -> Vec<String> {
    super::doc_lines(doc)
        .into_iter()
        .map(|l| if l.trim().is_empty() { "--".to_string() } else { format!("-- {}", l.trim()) })
        .collect()
}

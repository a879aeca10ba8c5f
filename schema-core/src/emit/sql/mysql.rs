//! MySQL 8 / MariaDB 10.11: one script valid on both. Enums are inline
//! `ENUM(...)` column types, doc comments are `COMMENT '...'`, tables are
//! InnoDB with `utf8mb4` / `utf8mb4_unicode_ci` (the collation both servers
//! share). Partial indexes and `INCLUDE` columns do not exist here: the index
//! is created without them and a warning says so.
//!
//! Defaults: `#[default(now)]` on `DATETIME(6)` is `CURRENT_TIMESTAMP(6)` (the
//! session time zone's clock: run the connection with `time_zone = '+00:00'`
//! for UTC), a generated UUID key is `DEFAULT (UUID())` (a version-1 UUID on
//! both servers), and string defaults on TEXT/BLOB/JSON columns use the
//! expression form `DEFAULT ('...')` (MariaDB 10.2+, MySQL 8.0.13+). String
//! literals escape backslashes, so the scripts assume the default `sql_mode`
//! (no `NO_BACKSLASH_ESCAPES`).

use sea_query::MysqlQueryBuilder as My;
use sea_query::Table;

use super::render::{self, IndexParts, Item};
use super::{DefaultSql, Plan, Script, common_default};
use crate::diagnostics::Diagnostic;
use crate::model::{Column, ColumnType, DefaultValue, Entity, Generated, ReferentialAction};
use crate::quote::dialect_string_literal;
use crate::types::Dialect;

const D: Dialect = Dialect::Mysql;

/// Longest column comment MySQL and MariaDB accept, in characters.
const MAX_COLUMN_COMMENT: usize = 1024;
/// Longest table comment, in characters.
const MAX_TABLE_COMMENT: usize = 2048;

pub(super) fn emit(plan: &Plan<'_>, diagnostics: &mut Vec<Diagnostic>) -> (Script, Script) {
    let mut up = Script::default();
    let mut down = Script::default();
    for entity in &plan.order {
        check_entity(plan, entity, diagnostics);
        create_table(plan, entity, &mut up, diagnostics);
    }
    let deferred = plan.deferred_fks();
    for (entity, fk) in &deferred {
        up.push(render::foreign_key_alter(My, entity, fk));
    }
    for (entity, fk) in deferred.iter().rev() {
        down.push(render::drop_foreign_key(My, entity, fk));
    }
    for entity in plan.order.iter().rev() {
        down.push(render::drop_table(My, &entity.table));
    }
    (up, down)
}

pub(super) fn create_table(plan: &Plan<'_>, entity: &Entity, up: &mut Script, diagnostics: &mut Vec<Diagnostic>) {
    let mut items: Vec<Item> = entity
        .columns
        .iter()
        .map(|c| Item::new(render::column_sql(&My, &column_def(plan, entity, c, diagnostics))))
        .collect();
    // MySQL names every primary key PRIMARY; a name given here is ignored.
    items.push(Item::new(render::primary_key(&My, None, &entity.primary_key.columns)));
    for fk in &entity.foreign_keys {
        if !plan.is_deferred(entity, fk) {
            items.push(Item::new(render::foreign_key_inline(&My, entity, fk)));
        }
    }
    for check in &entity.checks {
        items.push(Item::new(render::check(
            &My,
            &check.name,
            render::raw(&crate::fragment::render_sql(&check.expr, Dialect::Mysql)),
        )));
    }
    for index in entity.indexes.iter().filter(|i| i.is_unique_constraint()) {
        items.push(Item::new(render::unique_constraint(Dialect::Mysql, index)));
    }

    let mut options = Table::create();
    if let Some(doc) = &entity.doc {
        let what = format!("the doc comment of `{}`", entity.name);
        options.comment(comment_text(doc, MAX_TABLE_COMMENT, &what, &entity.location, diagnostics));
    }
    options.engine("InnoDB").character_set("utf8mb4").collate("utf8mb4_unicode_ci");
    up.push(render::create_table(&My, &entity.table, &items, Some(&options)));

    for index in entity.indexes.iter().filter(|i| !i.is_unique_constraint()) {
        if index.predicate.is_some() {
            let message = if index.unique {
                format!(
                    "MySQL/MariaDB has no partial indexes: unique index `{}` on `{}` is created over \
                     all rows, so soft-deleted rows keep their unique values there",
                    index.name, entity.table
                )
            } else {
                format!(
                    "MySQL/MariaDB has no partial indexes: index `{}` on `{}` is created over all rows",
                    index.name, entity.table
                )
            };
            let help = if index.unique {
                "the `where` predicate applies on PostgreSQL and SQLite only; on MySQL a deleted \
                 row's unique value is freed by changing or purging that row"
            } else {
                "the `where` predicate applies on PostgreSQL and SQLite only"
            };
            diagnostics.push(
                Diagnostic::warning(&index.location, message)
                    .with_help(help)
                    .with_code("mysql_partial_index")
                    .with_dialects([Dialect::Mysql]),
            );
        }
        if !index.include.is_empty() {
            diagnostics.push(
                Diagnostic::warning(
                    &index.location,
                    format!(
                        "MySQL/MariaDB has no covering indexes: the include({}) columns of index `{}` \
                         on `{}` are left out there",
                        index.include.join(", "),
                        index.name,
                        entity.table
                    ),
                )
                .with_help("list them as index columns if MySQL queries need them covered")
                .with_code("mysql_no_covering_index")
                .with_dialects([Dialect::Mysql]),
            );
        }
        let parts = IndexParts { predicate: None, include: false };
        up.push(render::create_index(My, entity, index, parts));
    }
}

pub(super) fn column_def(
    plan: &Plan<'_>,
    entity: &Entity,
    c: &Column,
    diagnostics: &mut Vec<Diagnostic>,
) -> sea_query::ColumnDef {
    let ty = plan.column_type(D, entity, c);
    let mut def = render::column(&c.name, &ty, c.nullable);
    match c.generated {
        Generated::Identity => {
            def.auto_increment();
        }
        Generated::RandomUuid if c.default.is_none() => {
            def.default(render::raw("UUID()"));
        }
        Generated::RandomUuid | Generated::None | Generated::Cuid => {}
    }
    if c.generated != Generated::Identity {
        match &c.default {
            Some(DefaultValue::Now) => now(&ty, &c.ty).apply(&mut def),
            // TEXT, BLOB and JSON columns take only expression defaults.
            Some(DefaultValue::String(s) | DefaultValue::EnumValue(s)) if needs_expression(&ty) => {
                DefaultSql::Expr(dialect_string_literal(D, s)).apply(&mut def)
            }
            Some(other) => {
                if let Some(sql) = common_default(D, other) {
                    sql.apply(&mut def);
                }
            }
            None => {}
        }
        // `#[timestamps]`: the server keeps `updated_at` current.
        if entity.traits.timestamps
            && c.name == "updated_at"
            && let DefaultSql::Bare(now) = now(&ty, &c.ty)
        {
            def.extra(format!("ON UPDATE {now}"));
        }
    }
    if let Some(doc) = &c.doc {
        let what = format!("the doc comment of `{}.{}`", entity.name, c.field);
        def.comment(comment_text(doc, MAX_COLUMN_COMMENT, &what, &c.location, diagnostics));
    }
    def
}

/// `#[default(now)]`: `CURRENT_TIMESTAMP(6)` for `DATETIME(6)` (the precision
/// must match the column's), an expression for dates and times.
pub(super) fn now(sql_type: &str, ty: &ColumnType) -> DefaultSql {
    let upper = sql_type.to_ascii_uppercase();
    let precision = ["DATETIME(", "TIMESTAMP("]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|p| p.chars().all(|c| c.is_ascii_digit()));
    match (precision, ty) {
        (Some(p), _) => DefaultSql::Bare(format!("CURRENT_TIMESTAMP({p})")),
        (None, ColumnType::NaiveDate) => DefaultSql::Expr("CURRENT_DATE".to_string()),
        (None, ColumnType::NaiveTime) => DefaultSql::Expr("CURRENT_TIME".to_string()),
        (None, _) => DefaultSql::Bare("CURRENT_TIMESTAMP".to_string()),
    }
}

/// Types whose literal defaults MySQL rejects (`DEFAULT ('x')` works).
fn needs_expression(sql_type: &str) -> bool {
    let upper = sql_type.to_ascii_uppercase();
    upper.contains("TEXT") || upper.contains("BLOB") || upper.starts_with("JSON")
}

/// Types MySQL cannot index without a prefix length.
fn unindexable(sql_type: &str) -> bool {
    needs_expression(sql_type)
}

/// Errors for what MySQL/MariaDB refuse at `CREATE TABLE` time.
fn check_entity(plan: &Plan<'_>, entity: &Entity, diagnostics: &mut Vec<Diagnostic>) {
    for c in &entity.columns {
        if !super::is_keyed(entity, &c.name) {
            continue;
        }
        let ty = plan.column_type(D, entity, c);
        if unindexable(&ty) {
            let used_in = entity
                .indexes
                .iter()
                .find(|i| i.columns.iter().any(|ic| ic.name == c.name))
                .map_or("a key".to_string(), |i| format!("index `{}`", i.name));
            let location = if c.location.line == 0 { &entity.location } else { &c.location };
            diagnostics.push(
                Diagnostic::error(
                    location,
                    format!(
                        "MySQL/MariaDB cannot index the {ty} column `{}` of `{}` (used in {used_in})",
                        c.name, entity.table
                    ),
                )
                .with_help(match c.ty {
                    ColumnType::String => "give it a length: #[column(max_len = 255)]",
                    _ => {
                        "leave it out of keys and indexes, or give it an indexable type with \
                          #[column(sql_type = \"VARBINARY(255)\")]"
                    }
                }),
            );
        }
    }
    for fk in entity.foreign_keys.iter().filter(|fk| fk.deferrable) {
        diagnostics.push(
            Diagnostic::warning(
                &fk.location,
                format!(
                    "MySQL/MariaDB checks foreign keys row by row: `deferrable` on `{}` of `{}` has no effect there",
                    fk.name, entity.table
                ),
            )
            .with_help(
                "insert rows whose keys point at each other with `SET FOREIGN_KEY_CHECKS = 0` there, or make one key nullable",
            ),
        );
    }
    for fk in &entity.foreign_keys {
        if fk.on_delete == ReferentialAction::SetDefault || fk.on_update == ReferentialAction::SetDefault {
            diagnostics.push(
                Diagnostic::error(
                    &fk.location,
                    format!(
                        "MySQL/MariaDB (InnoDB) rejects SET DEFAULT on foreign key `{}` of `{}`",
                        fk.name, entity.table
                    ),
                )
                .with_help("use on_delete = set_null, restrict, cascade or no_action"),
            );
        }
    }
}

/// A doc comment as a MySQL comment, cut to the server's limit with a warning.
fn comment_text(
    doc: &str,
    max: usize,
    what: &str,
    location: &crate::model::Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let text = super::doc_lines(doc).join("\n");
    if text.chars().count() <= max {
        return text;
    }
    diagnostics.push(
        Diagnostic::warning(
            location,
            format!("{what} is longer than MySQL's {max}-character limit for comments; it is cut there"),
        )
        .with_help("shorten the doc comment, or accept the cut comment on MySQL/MariaDB")
        .with_code("mysql_comment_cut")
        .with_dialects([Dialect::Mysql]),
    );
    text.chars().take(max).collect()
}

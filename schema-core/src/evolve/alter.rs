//! PostgreSQL and MySQL/MariaDB: a step as `ALTER` statements, in an order
//! that works on a populated database:
//!
//! 1. behaviour that changed or went away is dropped (under its old names);
//! 2. foreign keys, indexes and checks that changed or went away are
//!    dropped, before the columns they use;
//! 3. tables and columns are renamed, then constraints and indexes whose
//!    names follow them;
//! 4. tables that went away are dropped (the last created first);
//! 5. enums and their new values are created, then new tables;
//! 6. columns are added (MySQL: in their place, `AFTER`), altered, dropped;
//!    primary keys replaced;
//! 7. checks, indexes, unique constraints, then foreign keys are added;
//! 8. enum values are removed (PostgreSQL recreates the type) and enums
//!    dropped; comments set;
//! 9. behaviour that changed or is new is created.
//!
//! MySQL and MariaDB cannot run DDL in a transaction: a failed step leaves
//! the statements before the failing one applied. The migration header says
//! so; the order above keeps every intermediate state consistent (keys
//! dropped before what they use, added after).

use super::behavior;
use super::diff::{Change, Diff};
use crate::diagnostics::Diagnostic;
use crate::emit::sql::parts::Parts;
use crate::model::{Column, Entity, Generated};
use crate::quote::{dialect_string_literal, ident};
use crate::types::Dialect;

pub(super) fn render(
    d: Dialect,
    from: &Parts<'_>,
    to: &Parts<'_>,
    diff: &Diff,
    restoring: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let q = |s: &str| ident(d, s);
    let mut out = Vec::new();
    let new_entity = |table: &str| to.entity(table);
    let old_entity = |table: &str| diff.old_table(table).and_then(|t| from.entity(t));
    // The name a table has before the renames of this step.
    let old_name = |table: &str| diff.old_table(table).unwrap_or(table).to_string();

    let behavior = behavior::compare(&from.behavior_units(d), &to.behavior_units(d), false, d == Dialect::Mysql);
    out.extend(behavior.drop);

    // 2. Drops of keys, indexes and checks, under the old table names.
    for change in &diff.changes {
        match change {
            Change::DropForeignKey { table, name } => {
                out.extend(drop_foreign_key(d, &old_name(table), name, old_entity(table)));
            }
            Change::RenameForeignKey { table, old, .. } if d == Dialect::Mysql => {
                out.extend(drop_foreign_key(d, &old_name(table), old, old_entity(table)));
            }
            _ => {}
        }
    }
    // Keys of tables that go away, to tables that stay, go with the table;
    // keys to a table that goes away are dropped above (the holder's diff).
    for change in &diff.changes {
        match change {
            Change::DropIndex { table, name } => {
                let is_constraint = old_entity(table)
                    .and_then(|e| e.indexes.iter().find(|i| i.name == *name))
                    .is_some_and(|i| i.is_unique_constraint());
                out.push(drop_index(d, &old_name(table), name, is_constraint));
            }
            Change::DropCheck { table, name } => out.push(drop_constraint(d, &old_name(table), name)),
            Change::RenameCheck { table, old, .. } if d == Dialect::Mysql => {
                out.push(drop_constraint(d, &old_name(table), old))
            }
            _ => {}
        }
    }

    // 3. Renames.
    for change in &diff.changes {
        if let Change::RenameTable { old, table } = change {
            out.push(match d {
                Dialect::Mysql => format!("RENAME TABLE {} TO {}", q(old), q(table)),
                _ => format!("ALTER TABLE {} RENAME TO {}", q(old), q(table)),
            });
            if d == Dialect::Postgres
                && let Some(entity) = new_entity(table)
            {
                out.extend(rename_sequences(entity, old, None));
            }
        }
    }
    for change in &diff.changes {
        if let Change::RenameColumn { table, old, column } = change {
            out.push(format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(table), q(old), q(column)));
            if d == Dialect::Postgres
                && let Some(entity) = new_entity(table)
            {
                out.extend(rename_sequences(entity, table, Some((old, column))));
            }
        }
    }
    for change in &diff.changes {
        match change {
            Change::RenameIndex { table, old, name } => {
                let is_constraint = new_entity(table)
                    .and_then(|e| e.indexes.iter().find(|i| i.name == *name))
                    .is_some_and(|i| i.is_unique_constraint());
                out.push(match (d, is_constraint) {
                    (Dialect::Postgres, true) => {
                        format!("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", q(table), q(old), q(name))
                    }
                    (Dialect::Postgres, false) => format!("ALTER INDEX {} RENAME TO {}", q(old), q(name)),
                    _ => format!("ALTER TABLE {} RENAME INDEX {} TO {}", q(table), q(old), q(name)),
                });
            }
            Change::RenameForeignKey { table, old, name } | Change::RenameCheck { table, old, name }
                if d == Dialect::Postgres =>
            {
                out.push(format!("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", q(table), q(old), q(name)));
            }
            _ => {}
        }
    }

    // 4. Tables that go away, the last created first.
    for entity in from.order().iter().rev() {
        if diff.changes.iter().any(|c| matches!(c, Change::DropTable { table } if *table == entity.table)) {
            out.push(format!("DROP TABLE IF EXISTS {}", q(&entity.table)));
        }
    }

    // 5. Enums (PostgreSQL types; MySQL's live in the column type), new tables.
    if d == Dialect::Postgres {
        for change in &diff.changes {
            match change {
                Change::CreateEnum { name } => out.extend(to.create_enum(name)),
                Change::AddEnumValues { name, values } => out.extend(add_enum_values(to, name, values)),
                _ => {}
            }
        }
    }
    let created: Vec<&Entity> = to
        .order()
        .iter()
        .copied()
        .filter(|e| diff.changes.iter().any(|c| matches!(c, Change::CreateTable { table } if *table == e.table)))
        .collect();
    for entity in &created {
        out.extend(to.create_table(d, entity));
    }
    for entity in &created {
        out.extend(to.deferred_foreign_keys(d, entity));
    }

    // 6. Columns.
    for change in &diff.changes {
        match change {
            Change::AddColumn { table, column } => {
                let (Some(entity), Some(c)) = (new_entity(table), new_entity(table).and_then(|e| e.column(column)))
                else {
                    continue;
                };
                out.extend(add_column(d, to, entity, c, restoring, problems));
            }
            Change::AlterColumn { table, column, change } => {
                let (Some(entity), Some(old)) = (new_entity(table), old_entity(table)) else { continue };
                let (Some(is), Some(was)) =
                    (entity.column(column), old.column(diff.old_column(table, column).unwrap_or(column)))
                else {
                    continue;
                };
                if change.generated {
                    problems.push(
                        Diagnostic::error(
                            &is.location,
                            format!("`{table}.{column}` changes how it is generated (identity, random UUID)"),
                        )
                        .with_help("tablewright does not plan that change: add a new column and drop the old one"),
                    );
                }
                out.extend(alter_column(d, from, to, old, was, entity, is));
            }
            _ => {}
        }
    }
    // MySQL: a column whose definition follows its indexes (TEXT becomes
    // VARCHAR(255) once indexed) or an enum's values changes too.
    if d == Dialect::Mysql {
        for entity in to.order() {
            let Some(old) = old_entity(&entity.table) else { continue };
            for c in &entity.columns {
                let altered = diff.changes.iter().any(|ch| {
                    matches!(ch, Change::AlterColumn { table, column, .. } if *table == entity.table && *column == c.name)
                });
                let Some(was) = old.column(diff.old_column(&entity.table, &c.name).unwrap_or(&c.name)) else {
                    continue;
                };
                if !altered && from.column_definition(d, old, was) != to.column_definition(d, entity, c) {
                    out.push(modify(to, entity, c));
                }
            }
        }
    }
    for change in &diff.changes {
        if let Change::DropColumn { table, column } = change {
            out.push(format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(column)));
        }
        if let Change::SetPrimaryKey { table } = change
            && let (Some(entity), Some(old)) = (new_entity(table), old_entity(table))
        {
            out.extend(set_primary_key(d, diff, old, entity));
        }
    }

    // 7. Checks, indexes, unique constraints, then foreign keys.
    for change in &diff.changes {
        match change {
            Change::AddCheck { table, name } => {
                if let Some(entity) = new_entity(table) {
                    out.push(to.add_check(d, entity, name));
                }
            }
            Change::RenameCheck { table, name, .. } if d == Dialect::Mysql => {
                if let Some(entity) = new_entity(table) {
                    out.push(to.add_check(d, entity, name));
                }
            }
            _ => {}
        }
    }
    for change in &diff.changes {
        if let Change::AddIndex { table, name } = change
            && let Some(entity) = new_entity(table)
        {
            out.extend(to.create_index(d, entity, name));
        }
    }
    for change in &diff.changes {
        match change {
            Change::AddForeignKey { table, name } => {
                if let Some(entity) = new_entity(table) {
                    out.push(to.add_foreign_key(d, entity, name));
                }
            }
            Change::RenameForeignKey { table, name, .. } if d == Dialect::Mysql => {
                if let Some(entity) = new_entity(table) {
                    out.push(to.add_foreign_key(d, entity, name));
                }
            }
            _ => {}
        }
    }

    // 8. Enum values removed, enums dropped, comments.
    if d == Dialect::Postgres {
        for change in &diff.changes {
            if let Change::RemoveEnumValues { name, .. } = change {
                out.extend(recreate_enum(to, name));
            }
        }
        for change in &diff.changes {
            if let Change::DropEnum { name } = change {
                out.push(format!("DROP TYPE IF EXISTS {}", q(name)));
            }
        }
    }
    for change in &diff.changes {
        if let Change::TableComment { table } = change
            && let Some(entity) = new_entity(table)
        {
            out.push(match d {
                Dialect::Postgres => to.table_comment(entity),
                _ => format!(
                    "ALTER TABLE {} COMMENT = {}",
                    q(table),
                    dialect_string_literal(
                        d,
                        &entity.doc.as_deref().map(crate::emit::sql::comment_text).unwrap_or_default()
                    )
                ),
            });
        }
    }

    out.extend(behavior.create);
    out
}

fn drop_foreign_key(d: Dialect, table: &str, name: &str, old: Option<&Entity>) -> Vec<String> {
    let q = |s: &str| ident(d, s);
    match d {
        Dialect::Mysql => {
            let mut out = vec![format!("ALTER TABLE {} DROP FOREIGN KEY {}", q(table), q(name))];
            // MySQL made an index for a key no index served; it stays when the key goes.
            if let Some(fk) = old.and_then(|e| e.foreign_keys.iter().find(|fk| fk.name == name))
                && !old.is_some_and(|e| served(e, &fk.columns))
            {
                out.push(format!("ALTER TABLE {} DROP INDEX {}", q(table), q(name)));
            }
            out
        }
        _ => vec![format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(name))],
    }
}

/// Whether an index (or the primary key) of `entity` starts with `columns`,
/// so MySQL needed no index of its own for a key on them.
fn served(entity: &Entity, columns: &[String]) -> bool {
    let leads = |cols: Vec<&str>| cols.len() >= columns.len() && cols.iter().zip(columns).all(|(a, b)| *a == b);
    leads(entity.primary_key.columns.iter().map(String::as_str).collect())
        || entity.indexes.iter().any(|i| leads(i.columns.iter().map(|c| c.name.as_str()).collect()))
}

fn drop_index(d: Dialect, table: &str, name: &str, constraint: bool) -> String {
    let q = |s: &str| ident(d, s);
    match (d, constraint) {
        (Dialect::Postgres, true) => format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(name)),
        (Dialect::Postgres, false) => format!("DROP INDEX IF EXISTS {}", q(name)),
        _ => format!("ALTER TABLE {} DROP INDEX {}", q(table), q(name)),
    }
}

fn drop_constraint(d: Dialect, table: &str, name: &str) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", ident(d, table), ident(d, name))
}

/// PostgreSQL names an identity column's sequence `<table>_<column>_seq`; a
/// fresh database of the new schema has the new names, so a rename takes
/// the sequence along.
fn rename_sequences(entity: &Entity, old_table: &str, column: Option<(&str, &str)>) -> Vec<String> {
    entity
        .columns
        .iter()
        .filter(|c| c.generated == Generated::Identity)
        .filter(|c| column.is_none_or(|(_, new)| c.name == new))
        .map(|c| {
            let old_column = column.map_or(c.name.as_str(), |(old, _)| old);
            format!(
                "ALTER SEQUENCE IF EXISTS {} RENAME TO {}",
                ident(Dialect::Postgres, &format!("{old_table}_{old_column}_seq")),
                ident(Dialect::Postgres, &format!("{}_{}_seq", entity.table, c.name))
            )
        })
        .collect()
}

fn add_enum_values(to: &Parts<'_>, name: &str, values: &[String]) -> Vec<String> {
    let Some(e) = to.enum_type(name) else { return Vec::new() };
    let all: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let mut out = Vec::new();
    for value in values {
        let at = all.iter().position(|v| v == value).unwrap_or(all.len());
        // Placed where the new enum lists it: before the next value that
        // already exists, else after the previous one.
        let next = all[at + 1..].iter().find(|v| !values.iter().any(|n| n == *v));
        let place = match (next, at) {
            (Some(next), _) => format!(" BEFORE {}", crate::quote::string_literal(next)),
            (None, 0) => String::new(),
            (None, _) => format!(" AFTER {}", crate::quote::string_literal(all[at - 1])),
        };
        out.push(format!(
            "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{place}",
            ident(Dialect::Postgres, name),
            crate::quote::string_literal(value)
        ));
    }
    out
}

/// PostgreSQL cannot remove an enum value: the type is recreated and every
/// column converted through text (a row holding a removed value fails the
/// conversion, and the migration with it).
fn recreate_enum(to: &Parts<'_>, name: &str) -> Vec<String> {
    let q = |s: &str| ident(Dialect::Postgres, s);
    let old = format!("{name}__tw_old");
    let mut out = vec![format!("ALTER TYPE {} RENAME TO {}", q(name), q(&old))];
    out.extend(to.create_enum(name));
    for entity in to.order() {
        for c in entity.columns.iter().filter(|c| to.enum_sql_name(c).as_deref() == Some(name)) {
            let default = to.postgres_default(c);
            if default.is_some() {
                out.push(format!("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", q(&entity.table), q(&c.name)));
            }
            out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty} USING {c}::text::{ty}",
                t = q(&entity.table),
                c = q(&c.name),
                ty = q(name)
            ));
            if let Some(default) = default {
                out.push(format!("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {default}", q(&entity.table), q(&c.name)));
            }
        }
    }
    out.push(format!("DROP TYPE {}", q(&old)));
    out
}

fn add_column(
    d: Dialect,
    to: &Parts<'_>,
    entity: &Entity,
    c: &Column,
    restoring: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let q = |s: &str| ident(d, s);
    let table = q(&entity.table);
    let definition = to.column_definition(d, entity, c);
    let place = || match d {
        Dialect::Mysql => {
            let at = entity.columns.iter().position(|x| x.name == c.name).unwrap_or(0);
            match at {
                0 => " FIRST".to_string(),
                _ => format!(" AFTER {}", q(&entity.columns[at - 1].name)),
            }
        }
        _ => String::new(),
    };
    if super::fills_existing_rows(c) && c.evolution.backfill.is_none() {
        let mut out = vec![format!("ALTER TABLE {table} ADD COLUMN {definition}{}", place())];
        if d == Dialect::Postgres && c.doc.is_some() {
            out.push(to.column_comment(entity, c));
        }
        return out;
    }
    // NOT NULL without a default: added nullable, filled, then NOT NULL.
    let fill = match (&c.evolution.backfill, restoring) {
        (Some(expr), _) => format!("({expr})"),
        (None, true) => super::placeholder(entity, c, d),
        (None, false) => {
            problems.push(super::unfillable(&entity.table, c));
            return Vec::new();
        }
    };
    let nullable = Column { nullable: true, ..c.clone() };
    let update = format!("UPDATE {table} SET {} = {fill}", q(&c.name));
    let mut out = vec![
        format!("ALTER TABLE {table} ADD COLUMN {}{}", to.column_definition(d, entity, &nullable), place()),
        super::past_row_security(d, to.schema(), &entity.table, update),
    ];
    out.push(match d {
        Dialect::Postgres => format!("ALTER TABLE {table} ALTER COLUMN {} SET NOT NULL", q(&c.name)),
        _ => format!("ALTER TABLE {table} MODIFY COLUMN {definition}"),
    });
    if d == Dialect::Postgres && c.doc.is_some() {
        out.push(to.column_comment(entity, c));
    }
    out
}

fn modify(to: &Parts<'_>, entity: &Entity, c: &Column) -> String {
    format!(
        "ALTER TABLE {} MODIFY COLUMN {}",
        ident(Dialect::Mysql, &entity.table),
        to.column_definition(Dialect::Mysql, entity, c)
    )
}

/// What changed about one column, as the dialect writes it.
fn alter_column(
    d: Dialect,
    from: &Parts<'_>,
    to: &Parts<'_>,
    old_entity: &Entity,
    was: &Column,
    entity: &Entity,
    is: &Column,
) -> Vec<String> {
    if d == Dialect::Mysql {
        // One MODIFY restates type, nullability, default and comment.
        if from.column_definition(d, old_entity, was) == to.column_definition(d, entity, is) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(using) = &is.evolution.using
            && from.column_type(d, old_entity, was) != to.column_type(d, entity, is)
        {
            out.push(format!("UPDATE {} SET {} = ({using})", ident(d, &entity.table), ident(d, &is.name)));
        }
        out.extend(fill_before_not_null(d, to, entity, was, is));
        out.push(modify(to, entity, is));
        return out;
    }
    let q = |s: &str| ident(d, s);
    let (table, column) = (q(&entity.table), q(&is.name));
    let mut out = Vec::new();
    let (old_type, new_type) = (from.column_type(d, old_entity, was), to.column_type(d, entity, is));
    let (old_default, new_default) = (from.postgres_default(was), to.postgres_default(is));
    let type_changes = old_type != new_type;
    if type_changes {
        if old_default.is_some() {
            out.push(format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"));
        }
        let using = is.evolution.using.clone().unwrap_or_else(|| match (&was.ty, &is.ty) {
            // Enums convert through text, whichever side.
            (crate::model::ColumnType::Enum(_), _) | (_, crate::model::ColumnType::Enum(_)) => {
                format!("{column}::text::{new_type}")
            }
            _ => format!("{column}::{new_type}"),
        });
        out.push(format!("ALTER TABLE {table} ALTER COLUMN {column} TYPE {new_type} USING {using}"));
    }
    if was.nullable != is.nullable {
        out.extend(fill_before_not_null(d, to, entity, was, is));
        let what = if is.nullable { "DROP NOT NULL" } else { "SET NOT NULL" };
        out.push(format!("ALTER TABLE {table} ALTER COLUMN {column} {what}"));
    }
    if old_default != new_default || (type_changes && new_default.is_some()) {
        match new_default {
            Some(default) => out.push(format!("ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}")),
            None if !type_changes => out.push(format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")),
            None => {}
        }
    }
    if was.doc != is.doc {
        out.push(to.column_comment(entity, is));
    }
    out
}

/// A nullable column becoming NOT NULL with `#[column(backfill)]`: its
/// empty rows filled first (in one step; a phased plan fills them in its
/// backfill migration and finds none left here).
fn fill_before_not_null(d: Dialect, to: &Parts<'_>, entity: &Entity, was: &Column, is: &Column) -> Option<String> {
    let fill = is.evolution.backfill.as_ref().filter(|_| was.nullable && !is.nullable)?;
    let (table, column) = (ident(d, &entity.table), ident(d, &is.name));
    let update = format!("UPDATE {table} SET {column} = ({fill}) WHERE {column} IS NULL");
    Some(super::past_row_security(d, to.schema(), &entity.table, update))
}

fn set_primary_key(d: Dialect, diff: &Diff, old: &Entity, entity: &Entity) -> Vec<String> {
    let q = |s: &str| ident(d, s);
    let same_columns = old
        .primary_key
        .columns
        .iter()
        .map(|c| {
            diff.columns
                .iter()
                .find(|((t, _), o)| *t == entity.table && *o == c)
                .map(|((_, n), _)| n.clone())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        == entity.primary_key.columns;
    let columns: Vec<String> = entity.primary_key.columns.iter().map(|c| q(c)).collect();
    match d {
        // MySQL names every primary key PRIMARY.
        Dialect::Mysql if same_columns => Vec::new(),
        Dialect::Mysql => {
            vec![format!("ALTER TABLE {} DROP PRIMARY KEY, ADD PRIMARY KEY ({})", q(&entity.table), columns.join(", "))]
        }
        _ if same_columns => vec![format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            q(&entity.table),
            q(&old.primary_key.name),
            q(&entity.primary_key.name)
        )],
        _ => vec![
            format!("ALTER TABLE {} DROP CONSTRAINT {}", q(&entity.table), q(&old.primary_key.name)),
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})",
                q(&entity.table),
                q(&entity.primary_key.name),
                columns.join(", ")
            ),
        ],
    }
}

//! SQLite: what `ALTER TABLE` can do (rename a table or a column) is done
//! in place; every other change of a table (a column added, dropped or
//! altered, a key, a check, a comment, an enum's values) rebuilds it with
//! SQLite's documented procedure (<https://www.sqlite.org/lang_altertable.html#otheralter>):
//!
//! ```text
//! PRAGMA foreign_keys = OFF;              -- outside the transaction: sqlx's `-- no-transaction`
//! BEGIN;
//! ALTER TABLE "old" RENAME TO "t";        -- renames first, in place (other tables' keys follow)
//! CREATE TABLE "tw_rebuild_t" (...);      -- the new definition, as a fresh database has it
//! INSERT INTO "tw_rebuild_t" (...) SELECT ... FROM "t";
//! DROP TABLE "t";
//! ALTER TABLE "tw_rebuild_t" RENAME TO "t";
//! CREATE INDEX ...;                       -- the table's indexes, then every trigger again
//! -- foreign_key_check: a temporary table whose CHECK fails on any violation
//! COMMIT;
//! PRAGMA foreign_keys = ON;
//! ```
//!
//! A fresh database and a migrated one hold the same `sqlite_master` text:
//! the rebuilt table is created from the same renderer as the initial
//! migration, and the rename rewrites only its name.

use super::behavior;
use super::diff::{Change, Diff};
use crate::diagnostics::Diagnostic;
use crate::emit::sql::parts::Parts;
use crate::model::{Entity, Generated};
use crate::quote::ident;
use crate::types::Dialect;

const D: Dialect = Dialect::Sqlite;
/// The prefix of a table being rebuilt.
const REBUILD: &str = "tw_rebuild_";

/// The step's statements and whether it manages its own transaction.
pub(super) fn render(
    from: &Parts<'_>,
    to: &Parts<'_>,
    diff: &Diff,
    restoring: bool,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<String>, bool) {
    let q = |s: &str| ident(D, s);
    let new_entity = |table: &str| to.entity(table);
    let old_entity = |table: &str| diff.old_table(table).and_then(|t| from.entity(t));

    // Tables rebuilt: any change ALTER TABLE cannot make, or a column whose
    // enum's values changed (the CHECK lives in the table).
    let changed_enums: Vec<&str> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AddEnumValues { name, .. } | Change::RemoveEnumValues { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let rebuilt: Vec<&Entity> = to
        .order()
        .iter()
        .copied()
        .filter(|e| old_entity(&e.table).is_some())
        .filter(|e| {
            diff.changes
                .iter()
                .filter(|c| !same_definition(from, to, diff, c))
                .any(|c| needs_rebuild(c, &e.table) || changes_unique_constraint(c, e, old_entity(&e.table)))
                || e.columns.iter().any(|c| to.enum_sql_name(c).is_some_and(|n| changed_enums.contains(&n.as_str())))
        })
        .collect();
    let is_rebuilt = |table: &str| rebuilt.iter().any(|e| e.table == table);

    let behavior = behavior::compare(&from.behavior_units(D), &to.behavior_units(D), !rebuilt.is_empty(), false);
    let mut out = behavior.drop;

    // Indexes that change, on tables not rebuilt (a rebuild drops them all).
    for change in &diff.changes {
        match change {
            Change::DropIndex { table, name } | Change::RenameIndex { table, old: name, .. } if !is_rebuilt(table) => {
                out.push(format!("DROP INDEX IF EXISTS {}", q(name)));
            }
            _ => {}
        }
    }
    // Renames in place, rebuilt tables too: SQLite rewrites the keys of
    // other tables that point at a renamed table (3.26+), which a rebuild
    // under the new name would leave pointing at the old one.
    for change in &diff.changes {
        if let Change::RenameTable { old, table } = change {
            out.push(format!("ALTER TABLE {} RENAME TO {}", q(old), q(table)));
        }
    }
    for change in &diff.changes {
        if let Change::RenameColumn { table, old, column } = change {
            out.push(format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(table), q(old), q(column)));
        }
    }
    for entity in from.order().iter().rev() {
        if diff.changes.iter().any(|c| matches!(c, Change::DropTable { table } if *table == entity.table)) {
            out.push(format!("DROP TABLE IF EXISTS {}", q(&entity.table)));
        }
    }
    for entity in to.order() {
        if diff.changes.iter().any(|c| matches!(c, Change::CreateTable { table } if *table == entity.table)) {
            out.extend(to.create_table(D, entity));
        }
    }
    for entity in &rebuilt {
        let Some(old) = old_entity(&entity.table) else { continue };
        out.extend(rebuild(to, diff, old, entity, restoring, problems));
    }
    for change in &diff.changes {
        match change {
            Change::AddIndex { table, name } | Change::RenameIndex { table, name, .. } if !is_rebuilt(table) => {
                if let Some(entity) = new_entity(table) {
                    out.extend(to.create_index(D, entity, name));
                }
            }
            _ => {}
        }
    }
    if rebuilt.is_empty() {
        out.extend(behavior.create);
        return (out, false);
    }
    out.extend(foreign_key_check());
    out.extend(behavior.create);
    // Foreign keys off for the rebuild: outside any transaction, so the
    // step runs its own.
    let mut wrapped = vec!["PRAGMA foreign_keys = OFF".to_string(), "BEGIN".to_string()];
    wrapped.extend(out);
    wrapped.push("COMMIT".to_string());
    wrapped.push("PRAGMA foreign_keys = ON".to_string());
    (wrapped, true)
}

/// A changed default whose SQLite column definition is the same (a
/// default respelled for PostgreSQL only, see [`super::respell`]): nothing
/// to rebuild.
fn same_definition(from: &Parts<'_>, to: &Parts<'_>, diff: &Diff, change: &Change) -> bool {
    let Change::AlterColumn { table, column, change } = change else { return false };
    let only_default = super::diff::ColumnChange { default: true, ..Default::default() };
    if *change != only_default {
        return false;
    }
    let old_table = diff.old_table(table).unwrap_or(table);
    let old_column = diff.old_column(table, column).unwrap_or(column);
    let (Some(was_entity), Some(is_entity)) = (from.entity(old_table), to.entity(table)) else { return false };
    let (Some(was), Some(is)) = (was_entity.column(old_column), is_entity.column(column)) else { return false };
    from.column_definition(D, was_entity, was) == to.column_definition(D, is_entity, is)
}

/// Changes of a table that SQLite's `ALTER TABLE` cannot make. A rename
/// rebuilds too: the checks SQLite's tables carry for lengths and enums are
/// named after the table and the column, and a fresh database has the new
/// names.
fn needs_rebuild(change: &Change, table: &str) -> bool {
    match change {
        Change::RenameTable { table: t, .. }
        | Change::RenameColumn { table: t, .. }
        | Change::AddColumn { table: t, .. }
        | Change::DropColumn { table: t, .. }
        | Change::AlterColumn { table: t, .. }
        | Change::SetPrimaryKey { table: t }
        | Change::AddForeignKey { table: t, .. }
        | Change::DropForeignKey { table: t, .. }
        | Change::RenameForeignKey { table: t, .. }
        | Change::AddCheck { table: t, .. }
        | Change::DropCheck { table: t, .. }
        | Change::RenameCheck { table: t, .. }
        | Change::TableComment { table: t } => t == table,
        _ => false,
    }
}

/// A `(tenant, id)` uniqueness is a constraint inside `CREATE TABLE` on
/// SQLite: adding, dropping or renaming one rebuilds the table.
fn changes_unique_constraint(change: &Change, entity: &Entity, old: Option<&Entity>) -> bool {
    let constraint = |e: Option<&Entity>, name: &str| {
        e.and_then(|e| e.indexes.iter().find(|i| i.name == name)).is_some_and(|i| i.is_unique_constraint())
    };
    match change {
        Change::AddIndex { table, name } => *table == entity.table && constraint(Some(entity), name),
        Change::DropIndex { table, name } => *table == entity.table && constraint(old, name),
        Change::RenameIndex { table, name, .. } => *table == entity.table && constraint(Some(entity), name),
        _ => false,
    }
}

/// Rebuilds `old` as `entity`: the new table under a temporary name, the
/// rows copied (renamed columns by their old names, new ones from their
/// default or backfill), the old table dropped, the new one renamed, its
/// indexes created.
fn rebuild(
    to: &Parts<'_>,
    diff: &Diff,
    old: &Entity,
    entity: &Entity,
    restoring: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let q = |s: &str| ident(D, s);
    let temp = format!("{REBUILD}{}", entity.table);
    // Rendered under the real name (names derived from it, such as the
    // length checks', stay), created under the temporary one: the rename
    // puts the real name back into the stored definition.
    let mut statements = to.create_table(D, entity);
    let indexes = statements.split_off(1);
    let create = format!("CREATE TABLE {}", q(&entity.table));
    statements[0] = statements[0].replacen(&create, &format!("CREATE TABLE {}", q(&temp)), 1);

    // The table and its columns already carry their new names (renamed in
    // place before the rebuilds).
    let mut names = Vec::new();
    let mut values = Vec::new();
    for column in &entity.columns {
        let before = diff.old_column(&entity.table, &column.name).and_then(|c| old.column(c));
        let value = match before {
            Some(was) => {
                let changed_type =
                    to.column_type(D, entity, column) != to.column_type(D, old, was) || was.ty != column.ty;
                match (&column.evolution.using, changed_type, &column.evolution.backfill) {
                    (Some(using), true, _) => format!("({using})"),
                    // Nullable becoming NOT NULL: the empty ones filled.
                    (_, _, Some(fill)) if was.nullable && !column.nullable => {
                        format!("COALESCE({}, ({fill}))", q(&column.name))
                    }
                    _ => q(&column.name),
                }
            }
            None if column.evolution.backfill.is_some() => {
                format!("({})", column.evolution.backfill.as_deref().unwrap_or_default())
            }
            None if super::fills_existing_rows(column) => continue,
            None if restoring => super::placeholder(entity, column, D),
            None => {
                problems.push(super::unfillable(&entity.table, column));
                continue;
            }
        };
        if column.generated == Generated::Identity && before.is_none() {
            continue;
        }
        names.push(q(&column.name));
        values.push(value);
    }
    statements.push(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        q(&temp),
        names.join(", "),
        values.join(", "),
        q(&entity.table)
    ));
    statements.push(format!("DROP TABLE {}", q(&entity.table)));
    statements.push(format!("ALTER TABLE {} RENAME TO {}", q(&temp), q(&entity.table)));
    statements.extend(indexes);
    statements
}

/// Fails the step when a foreign key no longer holds after the rebuilds:
/// `PRAGMA foreign_key_check` returns rows rather than failing, so its
/// count goes into a temporary table whose named CHECK says what broke.
fn foreign_key_check() -> Vec<String> {
    vec![
        "CREATE TEMP TABLE \"tw_foreign_key_check\" (\"violations\" INTEGER NOT NULL CONSTRAINT \
         \"a foreign key no longer holds: see PRAGMA foreign_key_check\" CHECK (\"violations\" = 0))"
            .to_string(),
        "INSERT INTO \"tw_foreign_key_check\" SELECT count(*) FROM pragma_foreign_key_check".to_string(),
        "DROP TABLE \"tw_foreign_key_check\"".to_string(),
    ]
}

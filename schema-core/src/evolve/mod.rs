//! Schema evolution: the next migration, planned by diffing the schema
//! against the snapshot of the last recorded migration.
//!
//! ```text
//! old Schema ──┐
//!              ├─ diff::Diff::between ──> Vec<Change> ──┬─ alter (PostgreSQL, MySQL/MariaDB) ──> up / down
//! new Schema ──┘                                         └─ sqlite (table rebuilds)           ──> up / down
//!                       behaviour units (triggers, RLS) ─── behavior::compare ──> drop / create
//! ```
//!
//! [`plan`] gives one [`Step`]: every dialect's up and down statements, the
//! changes that lose data ([`Destructive`], refused at record time unless
//! acknowledged) and the changes no migration can make as written
//! ([`Step::problems`]). The down statements come from the same planner run
//! the other way (new to old, renames reversed), so every step has one;
//! where the up step dropped data, the down step restores the structure
//! only, and says so.
//!
//! [`history`] keeps the recorded steps and the draft on disk.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::emit::sql::parts::Parts;
use crate::emit::{Context, EmitOptions};
use crate::model::{Column, ColumnType, Entity, Location, Schema};
use crate::types::Dialect;

mod alter;
pub mod behavior;
pub mod diff;
pub mod history;
pub mod phases;
pub mod respell;
pub mod retrofit;
mod review;
mod sqlite;

pub use diff::{Change, Diff};

/// One dialect's scripts of a step, statements without `;`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scripts {
    pub up: Vec<String>,
    pub down: Vec<String>,
    /// The up (down) script manages its own transaction and must not run in
    /// one (SQLite table rebuilds turn foreign keys off first): sqlx's
    /// `-- no-transaction` marker heads the file.
    pub up_no_transaction: bool,
    pub down_no_transaction: bool,
}

/// A change that loses data, refused at record time unless acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destructive {
    /// What an acknowledgement names: `drop column tasks.notes`.
    pub key: String,
    /// What is lost, for the error and the migration header.
    pub message: String,
    /// Where the schema says so (the entity, the field).
    pub location: Location,
}

/// The next migration: from `old` to `new`.
#[derive(Clone, Debug, Default)]
pub struct Step {
    pub changes: Vec<Change>,
    /// Per dialect, in [`Dialect::ALL`] order.
    pub scripts: Vec<(Dialect, Scripts)>,
    pub destructive: Vec<Destructive>,
    /// Changes no migration can make as the schema writes them (a NOT NULL
    /// column without a default or backfill on an existing table, ...):
    /// errors at record time, with the fix.
    pub problems: Vec<Diagnostic>,
}

impl Step {
    /// A step that changes nothing, on every dialect.
    pub fn empty() -> Step {
        Step { scripts: Dialect::ALL.iter().map(|d| (*d, Scripts::default())).collect(), ..Step::default() }
    }

    /// Nothing to migrate: the structure and the behaviour are the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.scripts.iter().all(|(_, s)| s.up.is_empty())
    }

    pub fn scripts(&self, dialect: Dialect) -> &Scripts {
        &self.scripts.iter().find(|(d, _)| *d == dialect).expect("every dialect is planned").1
    }
}

/// Plans the migration from `old` to `new` (both transformed schemas) for
/// every dialect.
///
/// ```
/// use tablewright_core::emit::EmitOptions;
/// use tablewright_core::evolve::plan;
/// use tablewright_core::model::{Column, ColumnType, Entity, Schema};
/// use tablewright_core::types::Dialect;
///
/// let id = Column::new("id", ColumnType::I64);
/// let old = Schema::new(vec![], vec![Entity::new("Note", "notes", vec![id.clone()], &["id"])]);
/// let mut new = old.clone();
/// new.entities[0].columns.push(Column { nullable: true, ..Column::new("body", ColumnType::String) });
/// let step = plan(&old, &new, &EmitOptions::default());
/// assert_eq!(step.scripts(Dialect::Postgres).up, ["ALTER TABLE \"notes\" ADD COLUMN \"body\" TEXT"]);
/// assert_eq!(step.scripts(Dialect::Postgres).down, ["ALTER TABLE \"notes\" DROP COLUMN \"body\""]);
/// assert!(step.destructive.is_empty());
/// assert!(plan(&old, &old, &EmitOptions::default()).is_empty());
/// ```
pub fn plan(old: &Schema, new: &Schema, options: &EmitOptions) -> Step {
    let forward = Diff::between(old, new);
    let reverse_old = with_reverse_renames(old, &forward);
    let backward = Diff::between(new, &reverse_old);
    let (old_cx, new_cx) = (Context::new(old, options), Context::new(&reverse_old, options));
    let new_real = Context::new(new, options);
    let (old_parts, new_parts, back_parts) = (Parts::new(&old_cx), Parts::new(&new_real), Parts::new(&new_cx));

    let mut problems = Vec::new();
    let mut scripts = Vec::new();
    for dialect in Dialect::ALL {
        let (up, up_no_tx) = render(dialect, &old_parts, &new_parts, &forward, false, &mut problems);
        let (down, down_no_tx) = render(dialect, &new_parts, &back_parts, &backward, true, &mut Vec::new());
        scripts.push((dialect, Scripts { up, down, up_no_transaction: up_no_tx, down_no_transaction: down_no_tx }));
    }
    dedup(&mut problems);
    let destructive = destructive(old, new, &forward);
    Step { changes: forward.changes, scripts, destructive, problems }
}

fn render(
    dialect: Dialect,
    from: &Parts<'_>,
    to: &Parts<'_>,
    diff: &Diff,
    restoring: bool,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<String>, bool) {
    match dialect {
        Dialect::Sqlite => sqlite::render(from, to, diff, restoring, problems),
        _ => (alter::render(dialect, from, to, diff, restoring, problems), false),
    }
}

fn dedup(problems: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
}

/// `old` with `renamed_from` hints pointing at the new names, so diffing
/// new to old renames back instead of dropping and adding.
fn with_reverse_renames(old: &Schema, forward: &Diff) -> Schema {
    let mut out = old.clone();
    for entity in &mut out.entities {
        let Some((new_table, _)) = forward.tables.iter().find(|(_, o)| **o == entity.table) else { continue };
        if *new_table != entity.table {
            entity.renamed_from = Some(new_table.clone());
        }
        for column in &mut entity.columns {
            let renamed = forward
                .columns
                .iter()
                .find(|((t, _), o)| t == new_table && **o == column.name)
                .map(|((_, new_column), _)| new_column.clone());
            if let Some(new_column) = renamed.filter(|n| *n != column.name) {
                column.evolution.renamed_from = Some(new_column);
            }
        }
    }
    out
}

/// The default value a restored NOT NULL column gets for the rows that
/// exist (the down step of a dropped column: the data is gone). A column of
/// a unique index gets a value of its own per row where its type allows
/// (a row number, a random UUID), so the index can be restored too.
pub(crate) fn placeholder(entity: &Entity, column: &Column, dialect: Dialect) -> String {
    let text = |s: &str| crate::quote::dialect_string_literal(dialect, s);
    let unique = entity.indexes.iter().any(|i| i.unique && i.columns.iter().any(|c| c.name == column.name));
    if unique {
        let table = crate::quote::ident(dialect, &entity.table);
        let number = match dialect {
            Dialect::Sqlite => "rowid".to_string(),
            Dialect::Postgres => format!(
                "(SELECT tw_numbered.n FROM (SELECT ctid AS row_id, row_number() OVER () AS n FROM {table}) AS \
                 tw_numbered WHERE tw_numbered.row_id = {table}.ctid)"
            ),
            Dialect::Mysql => "(@tw_restored := COALESCE(@tw_restored, 0) + 1)".to_string(),
        };
        let distinct = match (&column.ty, dialect) {
            (ColumnType::String, Dialect::Mysql) => Some(format!("CAST({number} AS CHAR)")),
            (ColumnType::String, _) => Some(format!("CAST({number} AS TEXT)")),
            (ColumnType::Uuid, Dialect::Sqlite) => Some("lower(hex(randomblob(16)))".to_string()),
            (ColumnType::Uuid, Dialect::Postgres) => Some("gen_random_uuid()".to_string()),
            (ColumnType::Uuid, Dialect::Mysql) => Some("UUID()".to_string()),
            (ColumnType::I16 | ColumnType::I32 | ColumnType::I64, _) => Some(number),
            (ColumnType::F32 | ColumnType::F64 | ColumnType::Decimal, _) => Some(number),
            // Dates a day apart, times a second apart, from the epoch.
            (ColumnType::NaiveDate, Dialect::Postgres) => {
                Some(format!("DATE '1970-01-01' + CAST({number} AS INTEGER)"))
            }
            (ColumnType::NaiveDate, Dialect::Mysql) => Some(format!("DATE_ADD('1970-01-01', INTERVAL {number} DAY)")),
            (ColumnType::NaiveDate, Dialect::Sqlite) => Some(format!("date('1970-01-01', '+' || {number} || ' days')")),
            (ColumnType::DateTimeUtc | ColumnType::NaiveDateTime, Dialect::Postgres) => {
                Some(format!("TIMESTAMP '1970-01-01 00:00:00' + {number} * INTERVAL '1 second'"))
            }
            (ColumnType::DateTimeUtc | ColumnType::NaiveDateTime, Dialect::Mysql) => {
                Some(format!("DATE_ADD('1970-01-01 00:00:00', INTERVAL {number} SECOND)"))
            }
            (ColumnType::DateTimeUtc | ColumnType::NaiveDateTime, Dialect::Sqlite) => {
                Some(format!("datetime('1970-01-01 00:00:00', '+' || {number} || ' seconds')"))
            }
            (ColumnType::NaiveTime, Dialect::Postgres) => {
                Some(format!("TIME '00:00:00' + {number} * INTERVAL '1 second'"))
            }
            (ColumnType::NaiveTime, Dialect::Mysql) => Some(format!("SEC_TO_TIME({number})")),
            (ColumnType::NaiveTime, Dialect::Sqlite) => {
                Some(format!("time('00:00:00', '+' || {number} || ' seconds')"))
            }
            _ => None,
        };
        if let Some(value) = distinct {
            return value;
        }
    }
    match &column.ty {
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 | ColumnType::F32 | ColumnType::F64 => "0".into(),
        ColumnType::Decimal => "0".into(),
        ColumnType::Bool => "FALSE".into(),
        ColumnType::Uuid if dialect == Dialect::Postgres => "'00000000-0000-0000-0000-000000000000'".into(),
        ColumnType::Uuid => text("00000000-0000-0000-0000-000000000000"),
        ColumnType::DateTimeUtc | ColumnType::NaiveDateTime => text("1970-01-01 00:00:00"),
        ColumnType::NaiveDate => text("1970-01-01"),
        ColumnType::NaiveTime => text("00:00:00"),
        ColumnType::Json if dialect == Dialect::Mysql => "(JSON_OBJECT())".into(),
        ColumnType::Json => "'{}'".into(),
        ColumnType::Bytes if dialect == Dialect::Postgres => "'\\x'".into(),
        ColumnType::Bytes => "X''".into(),
        ColumnType::StringArray if dialect == Dialect::Postgres => "'{}'".into(),
        ColumnType::StringArray if dialect == Dialect::Mysql => "(JSON_ARRAY())".into(),
        _ => text(""),
    }
}

/// The changes of `diff` that lose data.
pub(crate) fn destructive(old: &Schema, new: &Schema, diff: &Diff) -> Vec<Destructive> {
    let file_of_schema = new.entities.first().map(|e| Location { line: 1, column: 1, ..e.location.clone() });
    let mut out = Vec::new();
    for change in &diff.changes {
        match change {
            Change::DropTable { table } => out.push(Destructive {
                key: format!("drop table {table}"),
                message: format!("dropping table `{table}` deletes every row it holds"),
                location: file_of_schema.clone().unwrap_or_default(),
            }),
            Change::DropColumn { table, column } => {
                let location = new.entities.iter().find(|e| e.table == *table).map(|e| e.location.clone());
                out.push(Destructive {
                    key: format!("drop column {table}.{column}"),
                    message: format!("dropping column `{table}.{column}` deletes its values"),
                    location: location.unwrap_or_default(),
                });
            }
            Change::RemoveEnumValues { name, values } => {
                let location = new.enums.iter().find(|e| e.sql_name == *name).map(|e| e.location.clone());
                for value in values {
                    out.push(Destructive {
                        key: format!("remove enum value {name}.{value}"),
                        message: format!(
                            "removing value `{value}` from enum `{name}`: rows holding it make the migration fail \
                             until they are changed"
                        ),
                        location: location.clone().unwrap_or_default(),
                    });
                }
            }
            Change::AlterColumn { table, column, change } => {
                let (Some(new_entity), Some(old_table)) =
                    (new.entities.iter().find(|e| e.table == *table), diff.old_table(table))
                else {
                    continue;
                };
                let old_entity = old.entities.iter().find(|e| e.table == old_table);
                let old_column =
                    old_entity.and_then(|e| e.column(diff.old_column(table, column).unwrap_or(column.as_str())));
                let (Some(was), Some(is)) = (old_column, new_entity.column(column)) else { continue };
                if change.ty && narrows(was, is) {
                    out.push(Destructive {
                        key: format!("narrow column {table}.{column}"),
                        message: format!(
                            "narrowing column `{table}.{column}` ({}) can cut or reject existing values",
                            describe_narrowing(was, is)
                        ),
                        location: is.location.clone(),
                    });
                }
                if change.default && !is.nullable && was.default.is_some() && is.default.is_none() {
                    out.push(Destructive {
                        key: format!("drop default {table}.{column}"),
                        message: format!(
                            "dropping the default of NOT NULL column `{table}.{column}`: inserts that leave it out \
                             start failing"
                        ),
                        location: is.location.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    // A table that keeps its rows but stops being tenant-scoped loses its
    // row-level security: every tenant's session would see every row.
    for is in &new.entities {
        let was = diff.old_table(&is.table).and_then(|t| old.entities.iter().find(|e| e.table == t));
        if was.is_some_and(|w| w.tenant_scope.is_some()) && is.tenant_scope.is_none() && !is.traits.tenant {
            out.push(Destructive {
                key: format!("remove tenancy {}", is.table),
                message: format!(
                    "removing tenancy from `{}` drops its row-level security: every tenant's session sees and \
                     writes every row",
                    is.table
                ),
                location: is.location.clone(),
            });
        }
    }
    out
}

/// A type change that can lose or reject values: a shorter length or
/// precision, a smaller integer, or a change of kind (text to number, ...).
pub(crate) fn narrows(was: &Column, is: &Column) -> bool {
    use ColumnType as T;
    let rank = |t: &T| match t {
        T::I16 => Some(1),
        T::I32 => Some(2),
        T::I64 => Some(3),
        _ => None,
    };
    match (&was.ty, &is.ty) {
        (a, b) if a == b => {
            let shorter = |old: Option<u32>, new: Option<u32>| match (old, new) {
                (None, Some(_)) => true,
                (Some(o), Some(n)) => n < o,
                _ => false,
            };
            shorter(was.max_len, is.max_len)
                || shorter(was.precision, is.precision)
                || (is.scale.unwrap_or(0) < was.scale.unwrap_or(0))
                || (was.sql_type != is.sql_type)
        }
        (a, b) => match (rank(a), rank(b)) {
            (Some(x), Some(y)) => y < x,
            _ => !matches!((a, b), (T::F32, T::F64) | (T::Enum(_), T::String) | (T::NaiveDate, T::NaiveDateTime)),
        },
    }
}

fn describe_narrowing(was: &Column, is: &Column) -> String {
    let show = |c: &Column| {
        let mut s = format!("{:?}", c.ty).to_lowercase();
        if let Some(n) = c.max_len {
            s.push_str(&format!("({n})"));
        }
        if let Some(p) = c.precision {
            s.push_str(&format!("({p}, {})", c.scale.unwrap_or(0)));
        }
        s
    };
    format!("{} to {}", show(was), show(is))
}

/// Whether a column can be added to a table that has rows.
/// `statement`, a data change a PostgreSQL migration makes on `table`
/// (a backfill, a copy into a shadow or renamed column), made to reach
/// every row when `schema` has a tenant.
///
/// FORCE ROW LEVEL SECURITY holds the tables' owner, the migration role, to
/// the policies. A superuser or BYPASSRLS role skips them, but one that is
/// neither (managed PostgreSQL) sets no tenant or user while migrating and
/// so sees no row: the fill would change nothing, and a shadow column
/// swapped in afterwards would hold NULL where the data was. So the block
/// lifts FORCE on the table around the statement when both hold (the table
/// is forced, the role is held to it), inside the migration's transaction:
/// nobody else sees the table unforced, and a superuser's run is as before.
/// The statement runs through `EXECUTE`, so no column name can collide with
/// a PL/pgSQL variable.
pub(crate) fn past_row_security(d: Dialect, schema: &Schema, table: &str, statement: String) -> String {
    if d != Dialect::Postgres || schema.tenant().is_none() {
        return statement;
    }
    let quoted = crate::quote::ident(d, table);
    format!(
        "DO $tw_data$\nDECLARE\n  held boolean := (SELECT c.relforcerowsecurity AND NOT (r.rolsuper OR r.rolbypassrls) \
         FROM pg_catalog.pg_class AS c, pg_catalog.pg_roles AS r WHERE c.oid = {}::regclass AND r.rolname = \
         current_user);\nBEGIN\n  IF held THEN\n    ALTER TABLE {quoted} NO FORCE ROW LEVEL SECURITY;\n  END IF;\n  \
         EXECUTE {};\n  IF held THEN\n    ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY;\n  END IF;\nEND\n$tw_data$",
        crate::quote::string_literal(&quoted),
        crate::quote::string_literal(&statement)
    )
}

pub(crate) fn fills_existing_rows(column: &Column) -> bool {
    column.nullable
        || column.default.is_some()
        || column.generated != crate::model::Generated::None
        || column.evolution.backfill.is_some()
}

/// A NOT NULL column added without a way to fill the rows that exist.
pub(crate) fn unfillable(table: &str, column: &Column) -> Diagnostic {
    Diagnostic::error(
        &column.location,
        format!(
            "column `{table}.{}` is added NOT NULL without a default: the rows `{table}` already holds would have \
             no value",
            column.name
        ),
    )
    .with_help(format!(
        "give the field a default (`#[default(...)]`), make it an `Option`, or say how to fill the existing rows: \
         `#[column(backfill = \"sql expression\")]` on `{}`",
        column.field
    ))
}

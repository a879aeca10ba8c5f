//! The migration review: each migration of a plan read before it runs, like
//! squawk or Atlas's migration lint, by rules that know what PostgreSQL
//! locks and what the running application still reads.
//!
//! The rules read the PostgreSQL statements the plan wrote (the dialect
//! with the most to lose to a lock: MySQL's online DDL and SQLite's
//! rebuilds are planned apart) and the changes behind them. A statement on
//! a table the same plan creates is never a finding: nothing reads it yet.
//! Findings are [`Finding`]s of the schema review's rules `migration_*`
//! (see [`crate::lint::RULES`]): cargo warnings at the schema line that
//! caused them, silenced by `#[allow_lint(...)]` on the entity or field,
//! errors with `with_lint_errors`, and listed in the migration's header.
//!
//! In a phased plan the statements are already the safe forms (an index
//! built CONCURRENTLY, NOT NULL after a validated check, a new column
//! beside the old one), so the rules fire mostly on one-step plans
//! (`TABLEWRIGHT_ONE_STEP=1`) and on changes no plan makes safe (a removed
//! enum value, a dropped column the running release reads). Tests: in
//! `phases_tests.rs`, through [`super::phases::plan`].

use super::diff::{Change, Diff};
use super::phases::Phase;
use super::{Destructive, narrows};
use crate::lint::Finding;
use crate::model::{Entity, Location, Schema};
use crate::types::Dialect;

/// Functions whose default is computed per row: adding a column with one
/// rewrites the table under lock (a stable default is stored once).
const VOLATILE: &[&str] = &["random(", "gen_random_uuid(", "uuid_generate_v4(", "clock_timestamp(", "timeofday("];

/// The findings of every phase of a plan, each phase's apart (same order
/// as `phases`).
pub(crate) fn review(
    old: &Schema,
    new: &Schema,
    diff: &Diff,
    phases: &[Phase],
    destructive: &[Destructive],
) -> Vec<Vec<Finding>> {
    let context = Context { old, new, diff };
    let last = phases.len().saturating_sub(1);
    phases
        .iter()
        .enumerate()
        .map(|(i, phase)| {
            let mut out = Vec::new();
            context.statements(phase, &mut out);
            if i == last {
                context.changes(phases.len() == 1, destructive, &mut out);
            }
            out.sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
            out.dedup();
            out
        })
        .collect()
}

struct Context<'a> {
    old: &'a Schema,
    new: &'a Schema,
    diff: &'a Diff,
}

impl Context<'_> {
    fn existing(&self, table: &str) -> bool {
        self.diff.old_table(table).is_some()
    }

    fn entity(&self, table: &str) -> Option<&Entity> {
        self.new.entities.iter().find(|e| e.table == table)
    }

    fn old_entity(&self, table: &str) -> Option<&Entity> {
        self.diff.old_table(table).and_then(|t| self.old.entities.iter().find(|e| e.table == t))
    }

    /// A finding about `table` (and `columns` of it), located at the first
    /// column's field, else the entity, else the schema's first entity.
    fn finding(&self, rule: &'static str, table: &str, columns: &[&str], message: String, help: &str) -> Finding {
        let entity = self.entity(table).or_else(|| self.old.entities.iter().find(|e| e.table == table));
        let location = entity
            .and_then(|e| columns.first().and_then(|c| e.column(c)).map(|c| c.location.clone()))
            .or_else(|| entity.map(|e| e.location.clone()))
            .or_else(|| self.new.entities.first().map(|e| Location { line: 1, column: 1, ..e.location.clone() }))
            .unwrap_or_default();
        let allowed = entity.is_some_and(|e| crate::lint::silenced(e, rule, columns));
        Finding { rule, tables: vec![table.to_string()], location, message, help: help.to_string(), allowed }
    }

    /// The rules that read a phase's PostgreSQL statements.
    fn statements(&self, phase: &Phase, out: &mut Vec<Finding>) {
        let scripts = phase.step.scripts(Dialect::Postgres);
        let up = &scripts.up;
        for statement in up {
            let Some(table) = table_of(statement) else { continue };
            if !self.existing(table) {
                continue;
            }
            if let Some(column) = after(statement, " ALTER COLUMN \"").filter(|_| statement.contains("\" TYPE "))
                && self.rewrites(table, column)
            {
                out.push(self.finding(
                    "migration_table_rewrite",
                    table,
                    &[column],
                    format!(
                        "changing the type of `{table}.{column}` rewrites the table under an ACCESS EXCLUSIVE \
                         lock: reads and writes wait for the whole rewrite"
                    ),
                    "give the field `#[column(using = \"...\")]` and record without TABLEWRIGHT_ONE_STEP: the \
                     plan copies into a new column beside the old one",
                ));
            }
            if let Some(column) = after(statement, " ALTER COLUMN \"").filter(|_| statement.ends_with("SET NOT NULL")) {
                let validated = up
                    .iter()
                    .any(|s| s.starts_with(&format!("ALTER TABLE \"{table}\" VALIDATE CONSTRAINT \"tw_nn_{table}_")));
                if !validated {
                    out.push(self.finding(
                        "migration_not_null_scan",
                        table,
                        &[column],
                        format!("SET NOT NULL on `{table}.{column}` scans every row under an ACCESS EXCLUSIVE lock"),
                        "record without TABLEWRIGHT_ONE_STEP: the plan validates a NOT VALID check first, and SET \
                         NOT NULL then skips the scan",
                    ));
                }
            }
            let index = (statement.starts_with("CREATE INDEX ") || statement.starts_with("CREATE UNIQUE INDEX "))
                && !statement.contains(" CONCURRENTLY ");
            let unique = statement.contains(" ADD CONSTRAINT ")
                && statement.contains(" UNIQUE (")
                && !statement.contains("USING INDEX");
            if index || unique {
                let name = if index { after(statement, "INDEX \"") } else { after(statement, "ADD CONSTRAINT \"") };
                let name = name.unwrap_or("?");
                let columns = self.index_columns(table, name);
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                out.push(self.finding(
                    "migration_blocking_index",
                    table,
                    &columns,
                    format!(
                        "index `{name}` is built on the existing table `{table}` without CONCURRENTLY: writes to \
                         `{table}` wait for the whole build"
                    ),
                    "record without TABLEWRIGHT_ONE_STEP: the plan builds it CONCURRENTLY in a migration of its own",
                ));
            }
            let constraint = statement.contains(" ADD CONSTRAINT ")
                && (statement.contains(" FOREIGN KEY ") || statement.contains(" CHECK ("))
                && !statement.ends_with("NOT VALID");
            if constraint && !self.held(table, statement) {
                let name = after(statement, "ADD CONSTRAINT \"").unwrap_or("?");
                // At the attribute that declares it.
                let declared = self.entity(table).and_then(|e| {
                    e.checks
                        .iter()
                        .find(|c| c.name == name)
                        .map(|c| &c.location)
                        .or_else(|| e.foreign_keys.iter().find(|fk| fk.name == name).map(|fk| &fk.location))
                });
                let mut finding = self.finding(
                    "migration_validating_constraint",
                    table,
                    &[],
                    format!(
                        "constraint `{name}` is added to the existing table `{table}` in one step: every row is \
                         checked while writes to `{table}` wait"
                    ),
                    "record without TABLEWRIGHT_ONE_STEP: the plan adds it NOT VALID and validates it in a later \
                     migration, without blocking writes",
                );
                if let Some(location) = declared.filter(|l| l.line > 0) {
                    finding.location = location.clone();
                }
                out.push(finding);
            }
            if let Some(column) = after(statement, " ADD COLUMN \"")
                && let Some(default) = statement.split(" DEFAULT ").nth(1)
                && VOLATILE.iter().any(|f| default.to_ascii_lowercase().contains(f))
            {
                out.push(self.finding(
                    "migration_volatile_default",
                    table,
                    &[column],
                    format!(
                        "adding `{table}.{column}` with a default computed per row rewrites the existing table \
                         under an ACCESS EXCLUSIVE lock"
                    ),
                    "add the column without the default (or with a constant one) and fill it with \
                     `#[column(backfill = \"...\")]`, then set the default in a later migration",
                ));
            }
            if statement.ends_with("DISABLE ROW LEVEL SECURITY") || statement.ends_with("NO FORCE ROW LEVEL SECURITY") {
                out.push(self.finding(
                    "migration_rls_gap",
                    table,
                    &[],
                    format!("`{table}` loses row-level security: every tenant's session reads and writes every row"),
                    "keep the table `#[tenant_scoped]`, or make sure no tenant's session can reach it before you \
                     record",
                ));
            }
        }
        // A policy dropped in a migration that does not create it again
        // leaves the table open (or closed) until a later one runs.
        for statement in up.iter().filter(|s| s.starts_with("DROP POLICY ")) {
            let (Some(name), Some(table)) = (after(statement, "POLICY \""), after(statement, " ON \"")) else {
                continue;
            };
            let recreated = up.iter().any(|s| s.starts_with(&format!("CREATE POLICY \"{name}\" ON \"{table}\"")));
            let still_scoped = self.entity(table).is_some_and(|e| e.tenant_scope.is_some() || e.traits.tenant);
            if (!recreated && still_scoped) || (scripts.up_no_transaction && recreated) {
                out.push(self.finding(
                    "migration_rls_gap",
                    table,
                    &[],
                    format!("policy `{name}` on `{table}` is dropped and not created again in the same transaction"),
                    "change policies in one migration that runs in a transaction",
                ));
            }
        }
    }

    /// Whether changing `table.column`'s type rewrites the table on
    /// PostgreSQL: anything but a longer `VARCHAR` or a `VARCHAR` becoming
    /// `TEXT`.
    fn rewrites(&self, table: &str, column: &str) -> bool {
        let is = self.entity(table).and_then(|e| e.column(column));
        let old_name = self.diff.old_column(table, column).unwrap_or(column);
        let was = self.old_entity(table).and_then(|e| e.column(old_name));
        let (Some(was), Some(is)) = (was, is) else { return true };
        let widened_text = was.ty == is.ty
            && was.sql_type == is.sql_type
            && was.precision == is.precision
            && was.scale == is.scale
            && match (was.max_len, is.max_len) {
                (Some(a), Some(b)) => b >= a,
                (_, None) => true,
                (None, Some(_)) => false,
            };
        !widened_text || narrows(was, is)
    }

    fn index_columns(&self, table: &str, name: &str) -> Vec<String> {
        self.entity(table)
            .and_then(|e| e.indexes.iter().find(|i| i.name == name))
            .map(|i| i.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    }

    /// A constraint re-created as it was (around a rename) checks rows that
    /// all pass: no finding.
    fn held(&self, table: &str, statement: &str) -> bool {
        let Some(name) = after(statement, "ADD CONSTRAINT \"") else { return false };
        let (Some(before), Some(now)) = (self.old_entity(table), self.entity(table)) else { return false };
        super::phases::held_before(Some(before), Some(now), self.diff, name)
    }

    /// The rules that read the plan's changes.
    fn changes(&self, one_step: bool, destructive: &[Destructive], out: &mut Vec<Finding>) {
        // Enum values and tenancy have rules of their own.
        let lossy = destructive
            .iter()
            .filter(|d| !d.key.starts_with("remove enum value") && !d.key.starts_with("remove tenancy"));
        for d in lossy {
            let table = d.key.split_whitespace().last().and_then(|t| t.split('.').next()).unwrap_or("");
            let mut finding = self.finding(
                "migration_data_loss",
                table,
                &[],
                format!("{} (`{}`)", d.message, d.key),
                "keep a backup or an export of what it removes; the down migration restores the structure, not the \
                 data",
            );
            finding.location = d.location.clone();
            out.push(finding);
        }
        for change in &self.diff.changes {
            match change {
                Change::RemoveEnumValues { name, values } => {
                    let location = self.new.enums.iter().find(|e| e.sql_name == *name).map(|e| e.location.clone());
                    for value in values {
                        out.push(Finding {
                            rule: "migration_enum_value_removal",
                            tables: Vec::new(),
                            location: location.clone().unwrap_or_default(),
                            message: format!(
                                "value `{value}` is removed from enum `{name}`: the running release can still write \
                                 it, and rows holding it make the migration fail"
                            ),
                            help: "deploy a release that no longer writes the value, change the rows that hold it, \
                                   then remove it"
                                .to_string(),
                            allowed: false,
                        });
                    }
                }
                // A phased plan drops and renames in its contract, after
                // the deploy of the release that no longer reads the old
                // shape; one step breaks the release still running.
                Change::DropColumn { table, column } if one_step => out.push(self.finding(
                    "migration_breaking_change",
                    table,
                    &[],
                    format!(
                        "column `{table}.{column}` is dropped while the running release may still read or write it"
                    ),
                    "deploy a release that no longer uses the column before applying this migration",
                )),
                Change::RenameColumn { table, old, column } if one_step => out.push(self.finding(
                    "migration_breaking_change",
                    table,
                    &[column],
                    format!(
                        "column `{table}.{old}` is renamed to `{column}` in one step: the running release still \
                         reads and writes `{old}`"
                    ),
                    "add `dual_write` to the `#[column(renamed_from = ...)]`: the plan keeps both columns written \
                     until the contract",
                )),
                Change::RenameTable { old, table } if one_step => out.push(self.finding(
                    "migration_breaking_change",
                    table,
                    &[],
                    format!(
                        "table `{old}` is renamed to `{table}`: the running release still reads and writes `{old}`"
                    ),
                    "deploy the release that reads the new name right after this migration, or create a view under \
                     the old name for the time between",
                )),
                _ => {}
            }
        }
    }
}

/// The table a statement works on: `ALTER TABLE "t"`, `... ON "t"`.
fn table_of(statement: &str) -> Option<&str> {
    if let Some(rest) = statement.strip_prefix("ALTER TABLE \"") {
        return rest.split('"').next();
    }
    if statement.starts_with("CREATE ") || statement.starts_with("DROP ") {
        return after(statement, " ON \"");
    }
    None
}

/// The quoted name that follows `marker` in `statement`.
fn after<'s>(statement: &'s str, marker: &str) -> Option<&'s str> {
    let at = statement.find(marker)? + marker.len();
    statement[at..].split('"').next()
}

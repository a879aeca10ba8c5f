//! `required_reference_cycle`: NOT NULL keys that point at each other (see
//! [`crate::cycles`]), spelled out key by key.

use super::Finding;
use crate::cycles::required_cycles;
use crate::model::Schema;

pub(super) const RULE: &str = "required_reference_cycle";

/// One finding per cycle, at the first key of the cycle, silenced by
/// `#[allow_lint(required_reference_cycle)]` on any entity of the cycle or
/// on any of its key fields.
pub(super) fn run(schema: &Schema) -> Vec<Finding> {
    required_cycles(schema)
        .into_iter()
        .map(|cycle| {
            let first = cycle.edges[0];
            let allowed = cycle.edges.iter().any(|e| {
                e.holder.allowed_lints.iter().any(|r| r == RULE)
                    || e.foreign_key
                        .columns
                        .iter()
                        .any(|c| e.holder.column(c).is_some_and(|c| c.allowed_lints.iter().any(|r| r == RULE)))
            });
            let (message, help) = if cycle.edges.len() == 1 {
                (
                    format!(
                        "{}: a required key to its own table, so the first row of `{}` can only point at itself",
                        cycle.spelled(),
                        first.holder.table
                    ),
                    format!("make `{}` optional (`Option<...>`), so the first rows are roots", first.key()),
                )
            } else {
                let keys: Vec<String> = cycle.edges.iter().map(|e| format!("`{}`", e.key())).collect();
                (
                    format!(
                        "NOT NULL keys form a cycle: {}; no row of {} can be inserted first",
                        cycle.spelled(),
                        cycle.tables().iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                    ),
                    format!(
                        "make one of {} optional (`Option<...>`: insert, then update), or mark them all \
                         `#[belongs_to(..., deferrable)]` and insert the rows in one transaction (PostgreSQL, SQLite)",
                        keys.join(", ")
                    ),
                )
            };
            Finding {
                rule: RULE,
                tables: cycle.tables().iter().map(|t| t.to_string()).collect(),
                location: first.foreign_key.location.clone(),
                message,
                help,
                allowed,
            }
        })
        .collect()
}

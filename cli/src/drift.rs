//! Drift: how a live database differs from the schema.
//!
//! The schema's database is built for real: a throwaway database beside
//! the live one gets the recorded migrations and the pending draft. The two
//! are then compared twice:
//!
//! - catalog against catalog ([`crate::migrate::dump`]): every table,
//!   column, constraint, index, policy, trigger, routine, view and grant,
//!   which gives the human summary and misses nothing the catalog shows;
//! - model against model: both databases read back by the same
//!   [`crate::introspect`] and planned with the migration planner
//!   ([`tablewright_core::evolve::plan`]), which gives the SQL that would
//!   bring the live database to the schema.
//!
//! Reading both sides with the same code means what introspection
//! normalizes (type spellings, recognised attributes) cancels out.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use tablewright_core::build::EmitOptions;

use crate::db::{DbUrl, Scratch};
use crate::migrate::{self, MigrateError, Migration};

/// What differs between a live database and the schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// One line per differing object: `column tasks.priority: missing from the database`.
    pub summary: Vec<String>,
    /// Statements that would bring the live database to the schema.
    pub fix: Vec<String>,
    /// Recorded migrations the live database has not applied.
    pub pending: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty() && self.pending.is_empty()
    }
}

/// Compares the database at `live` with the schema whose recorded
/// migrations are `migrations` and whose unrecorded draft is `draft` (up
/// files in order, possibly none).
pub fn drift(
    live: &DbUrl,
    migrations: &[Migration],
    draft: &[PathBuf],
    options: &EmitOptions,
) -> Result<Drift, MigrateError> {
    let mut live_conn = live.connect()?;
    let status = migrate::status(migrations, &migrate::applied(&mut live_conn)?)?;
    let pending =
        status.states.iter().filter(|(_, s)| *s == migrate::State::Pending).map(|(m, _)| m.id.clone()).collect();

    let scratch = Scratch::create(live)?;
    let mut expected_conn = scratch.url().connect()?;
    migrate::apply(&mut expected_conn, migrations)?;
    for file in draft {
        migrate::run_script(&mut expected_conn, file)?;
    }

    let have = migrate::dump::dump(&mut live_conn)?;
    let want = migrate::dump::dump(&mut expected_conn)?;
    let summary = summarize(&have, &want);
    let fix = if summary.is_empty() {
        Vec::new()
    } else {
        let found = crate::introspect::introspect(&mut live_conn)?;
        let target = crate::introspect::introspect(&mut expected_conn)?;
        let step = tablewright_core::evolve::plan(&found.schema, &target.schema, options);
        step.scripts(live.dialect).up.clone()
    };
    drop(expected_conn);
    drop(scratch);
    Ok(Drift { summary, fix, pending })
}

/// One line per object whose catalog rows differ. A dump line is
/// `section: table | name | ...`; rows of one object share the first two
/// fields (one field for sections keyed by name alone).
fn summarize(have: &[String], want: &[String]) -> Vec<String> {
    #[derive(Default)]
    struct Sides {
        have: Vec<String>,
        want: Vec<String>,
    }
    let (have_set, want_set): (HashSet<&String>, HashSet<&String>) = (have.iter().collect(), want.iter().collect());
    let mut objects: BTreeMap<String, Sides> = BTreeMap::new();
    for line in have.iter().filter(|l| !want_set.contains(l)) {
        objects.entry(object(line)).or_default().have.push(line.clone());
    }
    for line in want.iter().filter(|l| !have_set.contains(l)) {
        objects.entry(object(line)).or_default().want.push(line.clone());
    }
    let mut out = Vec::new();
    for (object, sides) in objects {
        match (sides.have.is_empty(), sides.want.is_empty()) {
            (true, false) => out.push(format!("{object}: missing from the database")),
            (false, true) => out.push(format!("{object}: in the database, not in the schema")),
            _ => {
                out.push(format!("{object}: differs"));
                out.extend(sides.have.iter().map(|l| format!("    database: {}", detail(l))));
                out.extend(sides.want.iter().map(|l| format!("    schema:   {}", detail(l))));
            }
        }
    }
    out
}

/// `column tasks.priority` from `column: tasks | priority | ...`.
fn object(line: &str) -> String {
    let (section, rest) = line.split_once(": ").unwrap_or((line, ""));
    let fields: Vec<&str> = rest.split(" | ").collect();
    let keyed_by_name = ["relation", "table", "type", "view", "routine", "check"].contains(&section);
    match fields.as_slice() {
        [table, name, ..] if !keyed_by_name => format!("{section} {table}.{name}"),
        [name, ..] => format!("{section} {name}"),
        [] => section.to_string(),
    }
}

/// The line without its section label.
fn detail(line: &str) -> &str {
    line.split_once(": ").map_or(line, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn objects_are_missing_extra_or_different() {
        let have = vec![
            "column: tasks | title | 1 | text".to_string(),
            "column: tasks | legacy | 2 | text".to_string(),
            "index: tasks | ix_a | CREATE INDEX ix_a ON tasks (title)".to_string(),
        ];
        let want = vec![
            "column: tasks | title | 1 | character varying(200)".to_string(),
            "index: tasks | ix_a | CREATE INDEX ix_a ON tasks (title)".to_string(),
            "type: task_state | open,done".to_string(),
        ];
        assert_eq!(
            summarize(&have, &want),
            [
                "column tasks.legacy: in the database, not in the schema",
                "column tasks.title: differs",
                "    database: tasks | title | 1 | text",
                "    schema:   tasks | title | 1 | character varying(200)",
                "type task_state: missing from the database",
            ]
        );
    }
}

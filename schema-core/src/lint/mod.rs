//! The schema review: lints that catch the classic schema pitfalls while the
//! schema is still Rust code (an unindexed foreign key, a soft-delete table
//! whose indexes still cover deleted rows, money in a float, ...).
//!
//! Each [`Rule`] has a name, a one-line why and a fix. The build runs
//! [`review`] on the transformed schema (as an emitter,
//! [`crate::emit::review`]), writes every finding to `generated/review.md`
//! ([`Review::markdown`], grouped by rule, with the tables each rule found),
//! prints the first few findings of each rule as cargo warnings
//! (`path:line:col: message [rule]`) and counts the rest, and turns the
//! rules named in [`LintOptions::errors`] into errors.
//!
//! Every rule looks at one entity at a time, or (`duplicated_columns`)
//! groups columns by hashing their signatures, so a review costs time
//! linear in the schema's size.
//!
//! A finding is silenced with `#[allow_lint(rule, ...)]` on the entity (every
//! finding of that rule in the entity) or on the field the finding is about
//! (its column, or the first column of its foreign key). Silenced findings
//! are still listed in `review.md`, so the review shows what was waived.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::analysis::Analysis;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::Location;

mod cycles;
mod rules;

// For the migration review (`evolve`), which exists with the emitters.
#[cfg(feature = "emit")]
pub(crate) use rules::silenced;
#[cfg(all(test, feature = "frontend"))]
mod tests;

/// One review rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The name used in `#[allow_lint(...)]` and in [`LintOptions::errors`].
    pub name: &'static str,
    /// Why it matters, in one line.
    pub why: &'static str,
    /// How to fix it, in one line.
    pub fix: &'static str,
}

/// Every rule, in the order `review.md` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        name: "unindexed_foreign_key",
        why: "Deleting or updating a parent row scans the whole child table when no index starts with the foreign key.",
        fix: "Add `#[index]` on the key field (or a composite `#[index(key, ...)]` that starts with it).",
    },
    Rule {
        name: "soft_delete_index_not_partial",
        why: "Queries on a soft-deleted entity filter on `deleted_at IS NULL`; a full index also carries every deleted row.",
        fix: "Add `where = \"deleted_at IS NULL\"` to the `#[index(...)]`.",
    },
    Rule {
        name: "soft_delete_unique_not_partial",
        why: "A unique index that also counts soft-deleted rows keeps a deleted row's value (a slug, an email) taken forever.",
        fix: "Mark the entity `#[soft_delete]` (its unique indexes become partial) or add `where = \"deleted_at IS NULL\"`.",
    },
    Rule {
        name: "natural_primary_key",
        why: "A primary key people choose (email, slug, name) changes, and every foreign key pointing at it must change too.",
        fix: "Use a surrogate key (`#[id] pub id: Uuid`) and keep the natural value as `#[unique]`.",
    },
    Rule {
        name: "tenant_index_not_led_by_tenant_key",
        why: "Every query of a tenant-scoped table filters by tenant first; a composite index led by another column cannot serve it.",
        fix: "Put the tenant key first in the index (or lead with a foreign key to a tenant-scoped parent).",
    },
    Rule {
        name: "missing_version",
        why: "Rows edited concurrently (audited, or tracked with `updated_at`) lose updates silently without optimistic locking.",
        fix: "Add `#[versioned]` and write `SET version = <the version you read>` in updates.",
    },
    Rule {
        name: "nullable_fk_cascade",
        why: "An optional link with `on_delete = cascade` deletes the row when the linked row goes, which is rarely what optional means.",
        fix: "Use `on_delete = set_null`, or make the field non-optional if the row cannot live without its parent.",
    },
    Rule {
        name: "missing_timestamps",
        why: "Without `created_at`/`updated_at` nobody can tell when a row was made or last changed.",
        fix: "Add `#[timestamps]`.",
    },
    Rule {
        name: "unbounded_text_in_unique",
        why: "MySQL cannot index an unbounded TEXT: the column becomes VARCHAR(255) there while other databases accept any length.",
        fix: "Give the field a length: `#[column(max_len = N)]`.",
    },
    Rule {
        name: "float_money",
        why: "Floating point cannot hold most decimal fractions exactly: sums of prices drift by fractions of a cent.",
        fix: "Use `Decimal` with `#[column(precision = 12, scale = 2)]`, or an `i64` number of cents.",
    },
    Rule {
        name: "naive_datetime",
        why: "`NaiveDateTime` is a timestamp without time zone: the same value means different instants on differently configured servers.",
        fix: "Use `DateTime<Utc>` (timestamp with time zone).",
    },
    Rule {
        name: "repeating_columns",
        why: "Numbered columns (`phone1`, `phone2`) cap the number of values and make every query check each column.",
        fix: "Move the values to a child table (one row per value), or to a `Vec<String>` column.",
    },
    Rule {
        name: "list_in_text",
        why: "A list kept in one text column (`tags`) cannot be indexed, joined or constrained per item.",
        fix: "Use a `#[many_to_many]` junction, a child table, or a `Vec<String>` column.",
    },
    Rule {
        name: "duplicated_columns",
        why: "The same group of columns copied into several tables holds the same facts twice, and the copies drift apart.",
        fix: "Move the group to its own entity and point at it with `#[belongs_to(...)]`.",
    },
    Rule {
        name: "required_reference_cycle",
        why: "Rows whose NOT NULL keys point at each other (or a required key to its own table) cannot be inserted one statement at a time: each needs the other first.",
        fix: "Make one key of the cycle optional (`Option<...>`: insert, then update), or mark its keys `#[belongs_to(X, deferrable)]` and insert the rows in one transaction (PostgreSQL, SQLite).",
    },
    Rule {
        name: "redundant_index",
        why: "An index that is a prefix of another serves no query the longer one cannot, and every write pays for both.",
        fix: "Remove the shorter index.",
    },
    Rule {
        name: "unconditional_global_write",
        why: "A global table is shared by every tenant: a write policy without a condition lets any tenant's session change or delete every tenant's rows.",
        fix: "Give the `#[policy(...)]` a `using`/`check` condition (e.g. `id = tw_current_user()`), or `#[allow_lint]` it where any tenant may truly write every row.",
    },
    // The migration review (crate::evolve::review): read on each planned
    // migration, not on the schema.
    Rule {
        name: "migration_table_rewrite",
        why: "Changing a column's type in place rewrites the table under an ACCESS EXCLUSIVE lock: nothing reads or writes it until the rewrite ends.",
        fix: "Give the field `#[column(using = \"...\")]` and let the plan copy into a new column beside the old one (record without TABLEWRIGHT_ONE_STEP).",
    },
    Rule {
        name: "migration_not_null_scan",
        why: "SET NOT NULL scans every row under an ACCESS EXCLUSIVE lock unless a validated CHECK (col IS NOT NULL) already proves it.",
        fix: "Record without TABLEWRIGHT_ONE_STEP: the plan adds the check NOT VALID, validates it without blocking writes, then sets NOT NULL.",
    },
    Rule {
        name: "migration_blocking_index",
        why: "CREATE INDEX without CONCURRENTLY blocks every write to the table for the whole build.",
        fix: "Record without TABLEWRIGHT_ONE_STEP: the plan builds each new index CONCURRENTLY in a migration of its own.",
    },
    Rule {
        name: "migration_validating_constraint",
        why: "Adding a foreign key or a check to a populated table checks every row while writes wait.",
        fix: "Record without TABLEWRIGHT_ONE_STEP: the plan adds it NOT VALID and validates it in a later migration.",
    },
    Rule {
        name: "migration_volatile_default",
        why: "A new column whose default is computed per row (random(), gen_random_uuid(), clock_timestamp()) rewrites the table under lock.",
        fix: "Add the column without that default and fill it with `#[column(backfill = \"...\")]`; set the default afterwards.",
    },
    Rule {
        name: "migration_data_loss",
        why: "Dropping a table or column, or narrowing a type, deletes data the down migration cannot bring back.",
        fix: "Export what it removes first; acknowledge the change in build.rs once you have.",
    },
    Rule {
        name: "migration_breaking_change",
        why: "Dropping or renaming a column or table in one step breaks the release that is still running and reads the old name.",
        fix: "Rename with `#[column(renamed_from = \"...\", dual_write)]`; drop only after a release that no longer reads the column is deployed.",
    },
    Rule {
        name: "migration_enum_value_removal",
        why: "Removing an enum value fails on rows that hold it, and the running release can still write it.",
        fix: "Deploy a release that no longer writes the value, change the rows holding it, then remove it.",
    },
    Rule {
        name: "migration_rls_gap",
        why: "A table whose row-level security is disabled or whose policies are dropped, even for one migration, is open to every tenant's session.",
        fix: "Keep the table tenant-scoped and change its policies in one migration that runs in a transaction.",
    },
];

/// The names of every rule, in [`RULES`] order.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.name)
}

/// The rule called `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// How the build treats findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// Rules whose (unsilenced) findings fail the build instead of warning.
    pub errors: BTreeSet<String>,
}

impl LintOptions {
    /// Options that turn `rules` into errors.
    pub fn with_errors<I, S>(rules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        LintOptions { errors: rules.into_iter().map(Into::into).collect() }
    }

    /// One error per name in [`errors`](Self::errors) that is not a rule,
    /// located at `location` (the build script).
    pub fn check(&self, location: &Location) -> Vec<Diagnostic> {
        self.errors
            .iter()
            .filter(|name| rule(name).is_none())
            .map(|name| {
                Diagnostic::error(location, format!("`{name}` in the lint options is not a schema-review rule"))
                    .with_help(format!("valid rules are {}", rule_names().collect::<Vec<_>>().join(", ")))
            })
            .collect()
    }
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name.
    pub rule: &'static str,
    /// The tables the finding is about (one, or the tables sharing a column group).
    pub tables: Vec<String>,
    /// Where to look: the field, the attribute or the struct.
    pub location: Location,
    /// What is wrong, naming the table and columns.
    pub message: String,
    /// How to fix this one.
    pub help: String,
    /// Silenced with `#[allow_lint(rule)]`.
    pub allowed: bool,
}

impl Finding {
    /// The finding as a build diagnostic: `message [rule]`, with the fix and
    /// how to silence it on the `help:` line.
    pub fn diagnostic(&self, options: &LintOptions) -> Diagnostic {
        let severity = if options.errors.contains(self.rule) { Severity::Error } else { Severity::Warning };
        Diagnostic::new(severity, &self.location, format!("{} [{}]", self.message, self.rule))
            .with_help(format!("{}; or silence it with `#[allow_lint({})]`", self.help, self.rule))
            .with_code(self.rule)
    }
}

/// Every finding of a schema, sorted by location, then rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub findings: Vec<Finding>,
}

/// Runs every rule over a transformed schema.
///
/// ```
/// use tablewright_core::analysis::Analysis;
/// use tablewright_core::lint::review;
/// use tablewright_core::model::Schema;
/// let schema = Schema::default();
/// assert!(review(&Analysis::new(&schema)).findings.is_empty());
/// ```
pub fn review(analysis: &Analysis<'_>) -> Review {
    let mut findings = rules::run(analysis);
    findings.extend(cycles::run(analysis.schema()));
    findings.sort_by(|a, b| {
        (&a.location, rule_index(a.rule), &a.message).cmp(&(&b.location, rule_index(b.rule), &b.message))
    });
    findings.dedup();
    Review { findings }
}

fn rule_index(name: &str) -> usize {
    RULES.iter().position(|r| r.name == name).unwrap_or(usize::MAX)
}

impl Review {
    /// The findings that are not silenced, as diagnostics (errors for the
    /// rules in `options.errors`).
    pub fn diagnostics(&self, options: &LintOptions) -> Vec<Diagnostic> {
        self.findings.iter().filter(|f| !f.allowed).map(|f| f.diagnostic(options)).collect()
    }

    /// `review.md`: a summary table of every rule, then each rule with
    /// findings: its why and fix, the tables it found (with how many
    /// findings each), then the findings, silenced ones apart. Long lists
    /// fold into a `<details>` block so the page stays readable at any size.
    pub fn markdown(&self) -> String {
        let mut by_rule: BTreeMap<&str, (Vec<&Finding>, Vec<&Finding>)> = BTreeMap::new();
        for f in &self.findings {
            let (open, allowed) = by_rule.entry(f.rule).or_default();
            if f.allowed { allowed.push(f) } else { open.push(f) }
        }
        let mut out = String::from("# Schema review\n\n");
        out.push_str("Generated by tablewright from the schema's source; do not edit.\n");
        out.push_str("Silence a finding with `#[allow_lint(rule)]` on the entity or the field it names.\n\n");
        let open = self.findings.iter().filter(|f| !f.allowed).count();
        let allowed = self.findings.len() - open;
        let tables: BTreeSet<&str> =
            self.findings.iter().filter(|f| !f.allowed).flat_map(|f| f.tables.iter().map(String::as_str)).collect();
        let _ = writeln!(
            out,
            "{open} {} to review in {} {}, {allowed} silenced.\n",
            plural(open, "finding", "findings"),
            tables.len(),
            plural(tables.len(), "table", "tables")
        );
        out.push_str("| rule | findings | tables | silenced | why |\n|---|---|---|---|---|\n");
        for rule in RULES {
            let (o, a) = by_rule.get(rule.name).map_or((&[][..], &[][..]), |(o, a)| (o.as_slice(), a.as_slice()));
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                rule.name,
                o.len(),
                table_counts(o).len(),
                a.len(),
                table_cell(rule.why)
            );
        }
        for rule in RULES {
            let Some((open, allowed)) = by_rule.get_mut(rule.name) else { continue };
            let _ = write!(out, "\n## `{}`\n\nWhy: {}\n\nFix: {}\n\n", rule.name, rule.why, rule.fix);
            // Findings name their table and column, not a source line, and are
            // sorted by message: the file depends on the schema, not on where in
            // the source an item is declared (the build's warnings carry the
            // locations).
            open.sort_by(|a, b| (&a.message, &a.help).cmp(&(&b.message, &b.help)));
            allowed.sort_by(|a, b| (&a.message, &a.help).cmp(&(&b.message, &b.help)));
            if !open.is_empty() {
                let counts = table_counts(open);
                let listed: Vec<String> = counts
                    .iter()
                    .map(|(t, n)| if *n == 1 { format!("`{t}`") } else { format!("`{t}` ({n})") })
                    .collect();
                let _ = writeln!(
                    out,
                    "{} {} in {} {}: {}.\n",
                    open.len(),
                    plural(open.len(), "finding", "findings"),
                    counts.len(),
                    plural(counts.len(), "table", "tables"),
                    listed.join(", ")
                );
                let mut list = String::new();
                for f in open.iter() {
                    let _ = writeln!(list, "- {}\n  Fix: {}", f.message, f.help);
                }
                fold(&mut out, open.len(), &list);
            }
            if !allowed.is_empty() {
                out.push_str("\nSilenced with `#[allow_lint]`:\n\n");
                let mut list = String::new();
                for f in allowed.iter() {
                    let _ = writeln!(list, "- {}", f.message);
                }
                fold(&mut out, allowed.len(), &list);
            }
        }
        out
    }
}

/// Above this many findings, a rule's list is folded into `<details>`.
const FOLD_AFTER: usize = 25;

/// Appends `list` (`count` bullet items), folded when long.
fn fold(out: &mut String, count: usize, list: &str) {
    if count > FOLD_AFTER {
        let _ = write!(out, "<details><summary>{count} findings</summary>\n\n{list}\n</details>\n");
    } else {
        out.push_str(list);
    }
}

/// Each table the findings name, with how many findings name it, by table name.
fn table_counts<'f>(findings: &[&'f Finding]) -> BTreeMap<&'f str, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        for t in &f.tables {
            *counts.entry(t.as_str()).or_default() += 1;
        }
    }
    counts
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

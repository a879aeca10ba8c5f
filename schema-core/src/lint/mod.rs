//! The schema review: lints that catch the classic schema pitfalls while the
//! schema is still Rust code (an unindexed foreign key, a soft-delete table
//! whose indexes still cover deleted rows, money in a float, ...).
//!
//! Each [`Rule`] has a name, a one-line why and a fix. The build runs
//! [`review`] on the transformed schema, prints every finding as a cargo
//! warning (`path:line:col: message [rule]`), writes them all to
//! `generated/review.md` ([`Review::markdown`]) and turns the rules named in
//! [`LintOptions::errors`] into errors.
//!
//! A finding is silenced with `#[allow_lint(rule, ...)]` on the entity (every
//! finding of that rule in the entity) or on the field the finding is about
//! (its column, or the first column of its foreign key). Silenced findings
//! are still listed in `review.md`, so the review shows what was waived.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Location, Schema};

mod cycles;
mod rules;
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
        Diagnostic {
            severity,
            location: self.location.clone(),
            message: format!("{} [{}]", self.message, self.rule),
            help: Some(format!("{}; or silence it with `#[allow_lint({})]`", self.help, self.rule)),
        }
    }
}

/// Every finding of a schema, sorted by location, then rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub findings: Vec<Finding>,
}

/// Runs every rule over a transformed schema.
pub fn review(schema: &Schema) -> Review {
    let mut findings = rules::run(schema);
    findings.extend(cycles::run(schema));
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

    fn sorted_by_message(&self, rule: &str, allowed: bool) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.findings.iter().filter(|f| f.rule == rule && f.allowed == allowed).collect();
        v.sort_by(|a, b| (&a.message, &a.help).cmp(&(&b.message, &b.help)));
        v
    }

    /// `review.md`: a summary table of every rule, then each rule with
    /// findings, its why, its fix and its findings (silenced ones apart).
    pub fn markdown(&self) -> String {
        let mut out = String::from("# Schema review\n\n");
        out.push_str("Generated by tablewright from the schema's source; do not edit.\n");
        out.push_str("Silence a finding with `#[allow_lint(rule)]` on the entity or the field it names.\n\n");
        let open = self.findings.iter().filter(|f| !f.allowed).count();
        let allowed = self.findings.len() - open;
        let _ = writeln!(out, "{open} finding{} to review, {allowed} silenced.\n", if open == 1 { "" } else { "s" });
        out.push_str("| rule | findings | silenced | why |\n|---|---|---|---|\n");
        for rule in RULES {
            let (o, a) = self.counts(rule.name);
            let _ = writeln!(out, "| `{}` | {o} | {a} | {} |", rule.name, table_cell(rule.why));
        }
        for rule in RULES {
            let (o, a) = self.counts(rule.name);
            if o + a == 0 {
                continue;
            }
            let _ = write!(out, "\n## `{}`\n\nWhy: {}\n\nFix: {}\n\n", rule.name, rule.why, rule.fix);
            // Findings name their table and column, not a source line, and are
            // sorted by message: the file depends on the schema, not on where in
            // the source an item is declared (the build's warnings carry the
            // locations).
            for f in self.sorted_by_message(rule.name, false) {
                let _ = writeln!(out, "- {}\n  Fix: {}", f.message, f.help);
            }
            if a > 0 {
                out.push_str("\nSilenced with `#[allow_lint]`:\n\n");
                for f in self.sorted_by_message(rule.name, true) {
                    let _ = writeln!(out, "- {}", f.message);
                }
            }
        }
        out
    }

    fn counts(&self, rule: &str) -> (usize, usize) {
        let of_rule = self.findings.iter().filter(|f| f.rule == rule);
        let open = of_rule.clone().filter(|f| !f.allowed).count();
        (open, of_rule.count() - open)
    }
}

fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

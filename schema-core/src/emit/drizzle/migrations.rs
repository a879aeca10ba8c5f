//! drizzle-kit's migrations folder carrying our PostgreSQL migration, so
//! `migrate(db, { migrationsFolder })` of drizzle-orm (or `drizzle-kit
//! migrate`) applies exactly what the other targets apply:
//!
//! ```text
//! drizzle/migrations/0000_initial.sql       our up statements, split by `--> statement-breakpoint`
//! drizzle/migrations/meta/_journal.json     { version, dialect, entries: [{ idx, version, when, tag, breakpoints }] }
//! drizzle/migrations/meta/0000_snapshot.json drizzle-kit's snapshot of schema.ts at that migration
//! drizzle/prelude.sql                       the roles and functions schema.ts's policies need first
//! drizzle/behavior.sql                      the triggers and RLS plumbing schema.ts cannot express
//! ```
//!
//! drizzle-orm's `readMigrationFiles` reads the journal, loads `<tag>.sql`
//! for each entry and splits it on the breakpoint marker; `when` orders the
//! entries against the `created_at` of `drizzle.__drizzle_migrations`, so it
//! is a fixed instant here (never the build time): [`JOURNAL_EPOCH_MS`] plus
//! the entry's index. The snapshot ([`super::snapshot`]) is what
//! `drizzle-kit generate` diffs `schema.ts` against, so a Drizzle user's next
//! `generate` plans only what changed after our history.

use super::snapshot::{snapshot, snapshot_path};
use super::{Artifact, Context, Emitted};
use crate::emit::sql::{HEADER, behavior_statements, migration_statements, rls};
use crate::types::Dialect;

/// drizzle-kit's statement separator.
pub const BREAKPOINT: &str = "--> statement-breakpoint";

/// The `when` of the first journal entry: 2024-01-01T00:00:00Z in
/// milliseconds. Fixed so the journal is byte-stable; migrations drizzle-kit
/// generates later get the current time, which sorts after it.
pub const JOURNAL_EPOCH_MS: u64 = 1_704_067_200_000;

/// drizzle-kit's journal and snapshot format version (drizzle-kit 0.31).
const JOURNAL_VERSION: &str = "7";

pub(super) fn emit(cx: &Context<'_>, out: &mut Emitted) {
    let options = cx.options();
    let tag = format!("0000_{}", options.initial_migration_name);
    // The SQL emitter reports the diagnostics of this migration.
    let statements = migration_statements(cx, Dialect::Postgres, &mut Vec::new()).up;
    let sql = format!(
        "{HEADER}\n-- drizzle-kit migration {tag}: tablewright's PostgreSQL migration 0001_{}, split by statement.\n{}\n",
        options.initial_migration_name,
        statements.join(&format!("\n{BREAKPOINT}\n"))
    );
    out.artifacts.push(Artifact::text(format!("drizzle/migrations/{tag}.sql"), sql));
    out.artifacts.push(Artifact::text(
        format!("drizzle/migrations/{}", snapshot_path(&tag)),
        snapshot(cx.schema(), options, &tag, None),
    ));
    out.artifacts.push(Artifact::text("drizzle/migrations/meta/_journal.json", journal(&[tag])));

    // drizzle-kit's own migration of schema.ts creates the tables and their
    // policies; the policies name our roles and (in membership mode) call
    // our helper functions. So what schema.ts cannot express is split in
    // two custom migrations: the prelude (roles, functions) before it, the
    // behavior (triggers, grants, FORCE, comments) after it.
    let prelude: Vec<String> = rls::statements_before_tables(cx.schema(), &options.tenancy, &mut Vec::new())
        .into_iter()
        .map(|s| s + ";")
        .collect();
    // The policies are in schema.ts (pgPolicy); everything else of the
    // behavior statements is carried as raw SQL.
    let mut behavior: Vec<String> = behavior_statements(cx, Dialect::Postgres)
        .up
        .into_iter()
        .filter(|s| !s.starts_with("CREATE POLICY ") && !prelude.contains(s))
        .collect();
    // Drizzle's foreignKey() has no deferral: `#[belongs_to(X, deferrable)]`
    // keys are made deferrable here, as our migration creates them.
    for entity in &cx.schema().entities {
        for fk in entity.foreign_keys.iter().filter(|fk| fk.deferrable) {
            behavior.push(deferrable_statement(&entity.table, &fk.name));
        }
    }
    let mut prelude_text = format!(
        "{HEADER}\n-- What drizzle-kit's migration of drizzle/schema.ts needs before it runs: the\n\
         -- row-level-security roles its policies name and the helper functions they call.\n\
         -- Run it first, as a `drizzle-kit generate --custom` migration made before the one\n\
         -- drizzle-kit generates from schema.ts (docs/targets/drizzle.md).\n"
    );
    let functions = prelude.iter().any(|s| s.contains("FUNCTION"));
    // The functions read tables drizzle-kit creates later: PostgreSQL checks
    // an SQL function's body at CREATE unless told not to (as pg_dump does).
    let statements: Vec<String> = functions
        .then(|| "SET check_function_bodies = off;".to_string())
        .into_iter()
        .chain(prelude)
        .chain(functions.then(|| "RESET check_function_bodies;".to_string()))
        .collect();
    push_statements(&mut prelude_text, &statements);
    out.artifacts.push(Artifact::text("drizzle/prelude.sql", prelude_text));

    let mut text = format!(
        "{HEADER}\n-- What drizzle/schema.ts cannot express: triggers, grants, FORCE ROW LEVEL SECURITY\n\
         -- and policy comments. Run it after drizzle-kit's migration of schema.ts, as a\n\
         -- `drizzle-kit generate --custom` migration (drizzle/prelude.sql runs before it).\n"
    );
    push_statements(&mut text, &behavior);
    out.artifacts.push(Artifact::text("drizzle/behavior.sql", text));
}

/// Appends statements split by drizzle-kit's breakpoint, one per chunk.
fn push_statements(text: &mut String, statements: &[String]) {
    if !statements.is_empty() {
        text.push_str(&statements.join(&format!("\n{BREAKPOINT}\n")));
        text.push('\n');
    }
}

/// `ALTER TABLE ... ALTER CONSTRAINT ... DEFERRABLE INITIALLY DEFERRED;`:
/// what our migration declares inline for a deferrable key.
pub fn deferrable_statement(table: &str, constraint: &str) -> String {
    use crate::quote::ident;
    format!(
        "ALTER TABLE {} ALTER CONSTRAINT {} DEFERRABLE INITIALLY DEFERRED;",
        ident(Dialect::Postgres, table),
        ident(Dialect::Postgres, constraint)
    )
}

/// `meta/_journal.json` for the given tags, in order.
///
/// ```
/// use tablewright_core::emit::drizzle::migrations::journal;
/// let json = journal(&["0000_initial".to_string()]);
/// assert!(json.contains("\"tag\": \"0000_initial\""));
/// assert!(json.contains("\"when\": 1704067200000"));
/// ```
pub fn journal(tags: &[String]) -> String {
    let entries: Vec<serde_json::Value> = tags
        .iter()
        .enumerate()
        .map(|(idx, tag)| {
            serde_json::json!({
                "idx": idx,
                "version": JOURNAL_VERSION,
                "when": JOURNAL_EPOCH_MS + idx as u64,
                "tag": tag,
                "breakpoints": true,
            })
        })
        .collect();
    let journal = serde_json::json!({ "version": JOURNAL_VERSION, "dialect": "postgresql", "entries": entries });
    let mut text = serde_json::to_string_pretty(&journal).expect("a JSON value always serializes");
    text.push('\n');
    text
}

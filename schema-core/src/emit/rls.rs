//! Row-level security artifacts: `postgres/rls.sql` (the policies, roles and
//! grants the Postgres migration applies, for reading) and
//! `postgres/rls_test.sql` (a pgTAP suite generated from the schema that
//! proves them, see [`super::pgtap`]).
//!
//! MariaDB/MySQL and SQLite have no row-level security: for a schema with a
//! tenant this emitter warns once, at the tenant entity.

use super::sql::HEADER;
use super::sql::rls::{RlsStatements, statements};
use super::{Artifact, Context, Emitted, Emitter};
use crate::diagnostics::Diagnostic;
use crate::types::Dialect;

pub use crate::security::{TenancyMode, TenancyOptions};

/// Writes `postgres/rls.sql` and `postgres/rls_test.sql`.
pub struct RlsArtifacts;

impl Emitter for RlsArtifacts {
    fn name(&self) -> &'static str {
        "rls"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let (schema, options) = (cx.schema(), cx.options());
        let Some(tenant) = schema.tenant() else { return };
        // Errors of the tenancy setup are reported once, by the migration emitter.
        let rls = statements(schema, &options.tenancy, &mut Vec::new());
        if rls.up.is_empty() {
            return;
        }
        // Once, at the tenant, naming the generated dialects that lack it.
        let without = options.selection.among(&[Dialect::Mysql, Dialect::Sqlite]);
        if !without.is_empty() {
            let names: Vec<&str> = without.iter().map(|d| d.display_name()).collect();
            let (names, have) = (names.join(" and "), if without.len() == 1 { "has" } else { "have" });
            out.diagnostics.push(
                Diagnostic::warning(
                    &tenant.location,
                    format!(
                        "{names} {have} no row-level security: on {} `{}` isolation is up to the application (same-tenant foreign keys are still enforced)",
                        if without.len() == 1 { "that database" } else { "those databases" },
                        tenant.name
                    ),
                )
                .with_help(
                    "use PostgreSQL for database-enforced isolation, or filter every query by the tenant column; see docs/rls.md",
                )
                .with_code("no_row_level_security")
                .with_dialects(without),
            );
        }
        out.artifacts.push(Artifact::text("postgres/rls.sql", rls_sql(&rls)));
        if let Some(suite) = super::pgtap::suite(cx.analysis(), &options.tenancy) {
            out.artifacts.push(Artifact::text("postgres/rls_test.sql", suite));
        }
    }
}

fn rls_sql(rls: &RlsStatements) -> String {
    let mut out = format!(
        "{HEADER}\n-- Row-level security (PostgreSQL): part of the migration; this copy is for reading.\n\
         -- Applied after every table exists; the down migration runs the statements at the end first.\n"
    );
    for statement in &rls.up {
        out.push('\n');
        out.push_str(statement);
        out.push_str(";\n");
    }
    out.push_str("\n-- The down migration undoes them with (the roles stay: they are cluster-wide):\n");
    for statement in &rls.down {
        out.push_str("--\n");
        for line in statement.lines() {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
        out.pop();
        out.push_str(";\n");
    }
    out
}

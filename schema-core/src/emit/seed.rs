//! `seed/seed.{postgres,mysql,sqlite}.sql`: the seed data of
//! [`crate::seed`] as multi-row INSERT scripts, loaded after the migrations.
//!
//! A schema the generator cannot seed (a check it cannot read, a custom type
//! without values) gets a warning naming the check or column and no seed
//! files: the migrations do not depend on the seed. A table it leaves empty
//! (NOT NULL keys in a cycle) gets a warning saying why, and the files say
//! so in their header.

use super::{Artifact, Context, Emitted, Emitter};
use crate::diagnostics::Diagnostic;
use crate::seed;

/// The seed emitter.
pub struct SeedData;

impl Emitter for SeedData {
    fn name(&self) -> &'static str {
        "seed"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let schema = cx.schema();
        if schema.entities.is_empty() {
            return;
        }
        if let Ok(generator) = seed::Generator::new(schema, &cx.options().seed) {
            for s in generator.skipped() {
                out.diagnostics.push(
                    Diagnostic::warning(
                        &s.entities[0].location,
                        format!("the seed leaves {} empty: {}", s.tables(), s.reason),
                    )
                    .with_help(s.help.clone()),
                );
            }
        }
        match seed::sql::scripts(schema, &cx.options().seed) {
            Ok(scripts) => {
                for (dialect, script) in scripts {
                    out.artifacts.push(Artifact::text(format!("seed/seed.{}.sql", dialect.dir_name()), script));
                }
            }
            Err(errors) => {
                for e in errors {
                    out.diagnostics.push(
                        Diagnostic::warning(&e.location, format!("{} (no seed files written)", e.message))
                            .with_help(e.help)
                            .with_code("seed_unsupported"),
                    );
                }
            }
        }
    }
}

//! Emitters: one module per target behind one trait. Each reads the
//! transformed [`Schema`] and returns in-memory artifacts; the build API's
//! writer puts them on disk. Emitters never touch syn and never do I/O.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::model::Schema;

pub mod alembic;
pub mod drizzle;
pub mod erd;
mod js;
mod names;
pub mod pgtap;
pub mod prisma;
mod python;
pub mod relations;
pub mod rls;
pub mod seed;
pub mod snapshot;
pub mod sql;
pub mod typeorm;
pub mod types;

pub use erd::ErdOptions;
pub use rls::{TenancyMode, TenancyOptions};

/// One output file: a path relative to the output directory, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Relative to the out dir, `/`-separated: `migrations/postgres/0001_initial.up.sql`.
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

impl Artifact {
    pub fn text(path: impl Into<PathBuf>, contents: impl Into<String>) -> Self {
        Artifact { path: path.into(), contents: contents.into().into_bytes() }
    }
}

/// Options every emitter may read. Grows as targets land; build scripts set it
/// through the `Builder`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitOptions {
    /// The name of the initial migration: `0001_<name>`.
    pub initial_migration_name: String,
    /// Row-level security: the application role, the session settings the
    /// policies read, and the tenancy mode (see [`TenancyOptions`]).
    pub tenancy: TenancyOptions,
    /// What the ERDs draw: a subsystem, with or without columns (see [`ErdOptions`]).
    pub erd: ErdOptions,
    /// Seed data: counts, RNG seed, "now" (see [`crate::seed::SeedOptions`]).
    pub seed: crate::seed::SeedOptions,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            initial_migration_name: "initial".to_string(),
            tenancy: TenancyOptions::default(),
            erd: ErdOptions::default(),
            seed: Default::default(),
        }
    }
}

/// What an emitter adds to a build.
#[derive(Debug, Default)]
pub struct Emitted {
    pub artifacts: Vec<Artifact>,
    /// Warnings (a dialect that cannot express an index, ...) and errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// One target.
pub trait Emitter {
    /// A short name for messages: `sql`, `snapshot`.
    fn name(&self) -> &'static str;
    /// Adds this target's artifacts (and any diagnostics) to `out`.
    fn emit(&self, schema: &Schema, options: &EmitOptions, out: &mut Emitted);
}

/// Every emitter, in a fixed order.
pub fn all() -> Vec<Box<dyn Emitter>> {
    vec![
        Box::new(sql::SqlMigrations),
        Box::new(rls::RlsArtifacts),
        Box::new(erd::Erd),
        Box::new(seed::SeedData),
        Box::new(snapshot::Snapshot),
        Box::new(drizzle::Drizzle),
        Box::new(prisma::PrismaSchema),
        Box::new(types::TypeDefinitions),
        Box::new(typeorm::TypeOrm),
        Box::new(alembic::Alembic),
    ]
}

/// Runs every emitter over a schema. Artifacts come back sorted by path.
pub fn emit_all(schema: &Schema, options: &EmitOptions) -> Emitted {
    let mut out = Emitted::default();
    for emitter in all() {
        emitter.emit(schema, options, &mut out);
    }
    out.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

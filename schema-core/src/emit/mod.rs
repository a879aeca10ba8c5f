//! Emitters: one module per target behind one trait. Each reads the build's
//! [`Context`] (the transformed [`Schema`], the options and what the targets
//! share, computed once: lookups by name, the dependency order, the
//! relations, the rendered PostgreSQL migration) and returns in-memory
//! artifacts; the build API's writer puts them on disk. Emitters never touch
//! syn and never do I/O.
//!
//! The schema review ([`review::SchemaReview`]) is an emitter too: its
//! artifact is `review.md` and its findings are diagnostics. The build
//! pipeline ([`crate::build::pipeline`]) runs it before the targets, so a
//! rule made an error stops the build before anything else is generated.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::model::Schema;

pub mod alembic;
pub mod clients;
mod context;
pub mod drizzle;
pub mod erd;
mod js;
mod names;
pub mod pgtap;
pub mod prisma;
mod python;
pub mod relations;
pub mod review;
pub mod rls;
pub mod seed;
pub mod select;
pub mod snapshot;
pub mod sql;
pub mod typeorm;
pub mod types;

pub use context::Context;
pub use erd::ErdOptions;
pub use rls::{TenancyMode, TenancyOptions};
pub use select::{DIALECT_LIMITS, DialectLimit, Selection, Target};

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
    /// The schema review: which rules fail the build (see [`crate::lint::LintOptions`]).
    pub lint: crate::lint::LintOptions,
    /// The dialects and targets written and the dialect limits accepted
    /// (see [`Selection`]).
    pub selection: Selection,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            initial_migration_name: "initial".to_string(),
            tenancy: TenancyOptions::default(),
            erd: ErdOptions::default(),
            seed: Default::default(),
            lint: Default::default(),
            selection: Selection::default(),
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
///
/// `Sync`, so a build may run emitters side by side over one [`Context`].
pub trait Emitter: Sync {
    /// A short name for messages: `sql`, `snapshot`.
    fn name(&self) -> &'static str;
    /// Adds this target's artifacts (and any diagnostics) to `out`.
    fn emit(&self, cx: &Context<'_>, out: &mut Emitted);
}

/// Every target, in a fixed order (the schema review, which the pipeline
/// runs first, is not among them: see [`all`]).
pub fn targets() -> Vec<Box<dyn Emitter>> {
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
        Box::new(clients::Clients),
    ]
}

/// Every emitter: the schema review, then every target.
pub fn all() -> Vec<Box<dyn Emitter>> {
    let mut all: Vec<Box<dyn Emitter>> = vec![Box::new(review::SchemaReview)];
    all.extend(targets());
    all
}

/// Runs every emitter ([`all`]) over a transformed schema, each once over one
/// shared [`Context`]. Artifacts come back sorted by path; diagnostics in
/// emitter order.
///
/// ```
/// use tablewright_core::emit::{EmitOptions, emit_all};
/// use tablewright_core::model::Schema;
/// let emitted = emit_all(&Schema::default(), &EmitOptions::default());
/// assert!(emitted.artifacts.iter().any(|a| a.path.to_str() == Some("review.md")));
/// ```
pub fn emit_all(schema: &Schema, options: &EmitOptions) -> Emitted {
    let cx = Context::new(schema, options);
    let mut out = run(&cx, &all());
    out.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// One emitter, timed for [`crate::timings`] (wall time of its thread).
fn timed_emit(emitter: &dyn Emitter, cx: &Context<'_>, out: &mut Emitted) {
    let start = std::time::Instant::now();
    emitter.emit(cx, out);
    crate::timings::record(format!("emit {}", emitter.name()), start);
}

/// Runs `emitters` over `cx`, side by side on the machine's cores, and
/// merges what they add in the order given: the result is the same as
/// running them one after the other.
pub fn run(cx: &Context<'_>, emitters: &[Box<dyn Emitter>]) -> Emitted {
    let start = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(emitters.len().max(1));
    let mut outputs: Vec<Emitted> = emitters.iter().map(|_| Emitted::default()).collect();
    if threads <= 1 {
        for (emitter, out) in emitters.iter().zip(&mut outputs) {
            timed_emit(emitter.as_ref(), cx, out);
        }
    } else {
        // Each worker takes the next emitter not yet started; every emitter
        // writes into its own slot, so the merge below fixes the order.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<&mut Emitted>> = outputs.iter_mut().map(std::sync::Mutex::new).collect();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(emitter) = emitters.get(i) else { break };
                        let mut slot = slots[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        timed_emit(emitter.as_ref(), cx, &mut slot);
                    }
                });
            }
        });
    }
    crate::timings::record("emit, all targets side by side", start);
    let mut merged = Emitted::default();
    for out in outputs {
        merged.artifacts.extend(out.artifacts);
        merged.diagnostics.extend(out.diagnostics);
    }
    merged
}

//! tablewright's engine: the schema model, the front end shared by the proc
//! macros and build scripts, the checks, the cross-cutting transforms, the
//! emitters and the build API.
//!
//! Users depend on the `tablewright` facade, not on this crate. The pipeline:
//!
//! ```text
//! .rs source --frontend (syn)--> model::Schema --transform--> --check--> diagnostics
//!                                     |
//!         macro: expand (Entity impl, sea-query idents, relation assertions)
//!         build: emit every artifact, write them atomically
//! ```
//!
//! Features keep syn out of applications: `runtime` items are always built;
//! `model`, `frontend`, `emit` and `build` are for the macros and build scripts.

pub mod audit;
pub mod runtime;

#[cfg(feature = "model")]
pub mod analysis;
#[cfg(feature = "model")]
pub mod cycles;
#[cfg(feature = "model")]
pub mod diagnostics;
#[cfg(feature = "model")]
pub mod limits;
#[cfg(feature = "model")]
pub mod lint;
#[cfg(feature = "model")]
pub mod model;
#[cfg(feature = "model")]
pub mod naming;
#[cfg(feature = "model")]
pub mod quote;
#[cfg(feature = "model")]
pub mod security;
#[cfg(feature = "model")]
pub mod transform;
#[cfg(feature = "model")]
pub mod types;
#[cfg(feature = "model")]
pub mod validate;

#[cfg(feature = "frontend")]
pub mod frontend;

#[cfg(feature = "emit")]
pub mod emit;
#[cfg(feature = "emit")]
pub mod evolve;
#[cfg(feature = "emit")]
pub mod timings;

#[cfg(feature = "build")]
pub mod build;
#[cfg(feature = "sql")]
pub mod fragment;

#[cfg(feature = "seed")]
pub mod seed;

//! Schema evolution: migrations planned by diffing the schema against the
//! snapshot of the last recorded migration.

pub mod diff;

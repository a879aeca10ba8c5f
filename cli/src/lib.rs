//! The `tablewright` command line, as a library: every command is a function
//! over the same pipeline the build script runs ([`tablewright_core::build`]),
//! so `tablewright generate` and `cargo build` write the same bytes.
//!
//! - [`db`]: one connection type over PostgreSQL, MySQL/MariaDB and SQLite URLs.
//! - [`introspect`]: a live database read back into the schema model.
//! - [`import`]: a model (from a database or a Prisma schema) written as
//!   `#[entity]` Rust source.

pub mod commands;
pub mod db;
pub mod drift;
pub mod import;
pub mod introspect;
pub mod migrate;

//! Importing an existing schema into `#[entity]` Rust source.
//!
//! - [`database`]: a live database read ([`crate::introspect`]) and written.
//! - [`source`]: a schema model written as formatted `#[entity]` source, with
//!   a header listing what the DSL could not express. Every importer ends here.
//! - [`prisma`]: a Prisma schema (one file or a folder of `.prisma` files)
//!   parsed with a real grammar and converted to the model.

pub mod database;
pub mod prisma;
pub mod source;

//! Importing an existing schema into `#[entity]` Rust source.
//!
//! - [`database`]: a live database read ([`crate::introspect`]) and written.
//! - [`source`]: a schema model written as formatted `#[entity]` source, with
//!   a header listing what the DSL could not express. Every importer ends here.

pub mod database;
pub mod source;

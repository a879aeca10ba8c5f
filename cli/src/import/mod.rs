//! Importing an existing schema into `#[entity]` Rust source.
//!
//! - [`source`]: a schema model written as formatted `#[entity]` source, with
//!   a header listing what the DSL could not express. Every importer ends here.

pub mod source;

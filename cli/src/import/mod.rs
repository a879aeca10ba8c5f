//! Importing an existing schema into `#[entity]` Rust source.

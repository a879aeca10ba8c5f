use tablewright::prelude::*;

/// An indexed `String` without `max_len` is VARCHAR(255) on MySQL/MariaDB.
#[entity]
pub struct Page {
    #[id]
    pub id: Uuid,
    #[unique]
    #[default("a-default-slug-that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on")]
    pub slug: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity(table = "sqlite_stats")]
pub struct Stat {
    #[id]
    pub id: Uuid,
}

fn main() {}

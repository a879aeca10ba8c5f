use tablewright::prelude::*;

#[entity]
pub struct Snapshot {
    #[id]
    pub id: Uuid,
    /// PostgreSQL refuses a column of this name, quoted or not.
    pub xmin: i64,
}

fn main() {}

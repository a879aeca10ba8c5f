use tablewright::prelude::*;

#[entity]
pub struct Counter {
    #[id]
    pub id: Uuid,
    #[default(40000)]
    pub small: i16,
}

fn main() {}

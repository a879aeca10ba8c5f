use tablewright::prelude::*;

#[entity(table = "people", table = "persons")]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {}

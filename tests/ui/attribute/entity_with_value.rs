use tablewright::prelude::*;

#[entity(table)]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Person {
    #[id]
    pub id: Uuid,
    #[column(max_length = 100)]
    pub name: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub sizes: Vec<i32>,
}

fn main() {}

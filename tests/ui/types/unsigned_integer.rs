use tablewright::prelude::*;

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub stock: u32,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
#[check("price >= 0 AND (price < 100")]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub price: i32,
}

fn main() {}

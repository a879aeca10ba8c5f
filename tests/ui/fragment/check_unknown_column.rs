use tablewright::prelude::*;

#[entity]
#[check(name = "ck_price", "pricee >= 0")]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub price: i32,
}

fn main() {}

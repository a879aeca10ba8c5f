use tablewright::prelude::*;

/// Reported once, by the front end (not again by each SQL dialect).
#[entity]
#[check(name = "ck_price\"positive", "price >= 0")]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub price: i64,
}

fn main() {}

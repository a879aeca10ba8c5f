use tablewright::prelude::*;

#[entity]
pub struct Price {
    #[id]
    pub id: Uuid,
    #[column(precision = 4, scale = 2)]
    #[default(123.45)]
    pub amount: Decimal,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Measurement {
    #[id]
    pub id: Uuid,
    #[column(precision = 1000, scale = 2)]
    pub value: Decimal,
}

fn main() {}

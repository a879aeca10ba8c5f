use tablewright::prelude::*;

#[entity]
pub struct Rate {
    #[id]
    pub id: Uuid,
    #[column(precision = 40, scale = 31)]
    pub value: Decimal,
}

fn main() {}

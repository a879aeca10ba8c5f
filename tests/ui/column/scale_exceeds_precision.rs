use tablewright::prelude::*;

#[entity]
pub struct Invoice {
    #[id]
    pub id: Uuid,
    #[column(precision = 4, scale = 6)]
    pub total: Decimal,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Invoice {
    #[id]
    pub id: Uuid,
    #[column(precision = 10, scale = 2)]
    pub total: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Invoice {
    #[id]
    pub id: Uuid,
    #[column(renamed_from = "num", dual_write = 1)]
    pub number: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Invoice {
    #[id]
    pub id: Uuid,
    #[column(max_len = 10)]
    pub number: i32,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Invoice {
    #[id]
    pub id: Uuid,
    #[column(max_len = "ten")]
    pub number: String,
}

fn main() {}

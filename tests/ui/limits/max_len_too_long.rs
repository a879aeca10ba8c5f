use tablewright::prelude::*;

#[entity]
pub struct Article {
    #[id]
    pub id: Uuid,
    #[column(max_len = 20000)]
    pub body: String,
}

fn main() {}

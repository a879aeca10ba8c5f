use tablewright::prelude::*;

#[entity]
pub struct Item {
    #[id]
    pub id: Uuid,
    #[column(name = "label ")]
    pub label: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub name: String,
    #[default(sql = "lower(nam)")]
    pub slug: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    #[column(check = "length(nam) > 0")]
    pub name: String,
}

fn main() {}

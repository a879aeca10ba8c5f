use tablewright::prelude::*;

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub note: Option<Option<String>>,
}

fn main() {}

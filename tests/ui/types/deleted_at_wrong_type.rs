use tablewright::prelude::*;

#[entity]
#[soft_delete]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub deleted_at: bool,
}

fn main() {}

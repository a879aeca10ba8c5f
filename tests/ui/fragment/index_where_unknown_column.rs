use tablewright::prelude::*;

#[entity]
#[soft_delete]
#[index(sku, where = "deletd_at IS NULL")]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub sku: String,
}

fn main() {}

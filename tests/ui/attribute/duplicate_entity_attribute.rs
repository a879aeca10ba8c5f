use tablewright::prelude::*;

#[soft_delete]
#[entity]
#[soft_delete]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {}

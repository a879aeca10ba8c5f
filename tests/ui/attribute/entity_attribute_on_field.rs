use tablewright::prelude::*;

#[entity]
pub struct Person {
    #[id]
    pub id: Uuid,
    #[soft_delete]
    pub removed: bool,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Person {
    #[id]
    pub id: Uuid,
    #[belongs(Person)]
    pub mentor_id: Uuid,
}

fn main() {}

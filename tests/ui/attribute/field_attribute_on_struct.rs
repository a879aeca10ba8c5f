use tablewright::prelude::*;

#[entity]
#[belongs_to(Person)]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {}

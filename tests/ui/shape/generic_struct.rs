use tablewright::prelude::*;

#[entity]
pub struct Wrapper<T> {
    #[id]
    pub id: Uuid,
    pub value: T,
}

fn main() {}

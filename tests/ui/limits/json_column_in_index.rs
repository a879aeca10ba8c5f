use tablewright::prelude::*;

#[entity]
pub struct Event {
    #[id]
    pub id: Uuid,
    #[index]
    pub payload: Json,
}

fn main() {}

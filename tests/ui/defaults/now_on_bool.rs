use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[default(now)]
    pub done: bool,
}

fn main() {}

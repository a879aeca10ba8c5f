// An attribute written above `#[entity]` is moved below it; its mistakes are
// still reported on the tokens the user wrote.
use tablewright::prelude::*;

#[index(titel)]
#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub title: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Reaction {
    #[id]
    pub id: Uuid,
    #[column(name = "count_👍")]
    pub thumbs_up: i32,
}

fn main() {}

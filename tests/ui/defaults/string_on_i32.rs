use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[default("zero")]
    pub position: i32,
}

fn main() {}

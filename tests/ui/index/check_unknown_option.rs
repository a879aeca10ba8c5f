use tablewright::prelude::*;

#[entity]
#[check(nmae = "ck_tasks_position", "position >= 0")]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub position: i32,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
#[check(name = "ck_tasks_position")]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub position: i32,
}

fn main() {}

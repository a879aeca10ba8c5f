use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Label {
    #[id(auto)]
    pub id: i32,
}

#[entity]
#[many_to_many(Task, Label)]
pub struct TaskLabel {
    pub task_id: Uuid,
    pub label_id: Uuid,
}

fn main() {}

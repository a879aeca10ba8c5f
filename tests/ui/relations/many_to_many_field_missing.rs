use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Label {
    #[id]
    pub id: Uuid,
}

#[entity]
#[many_to_many(Task, Label)]
pub struct TaskLabel {
    pub task_id: Uuid,
}

fn main() {}

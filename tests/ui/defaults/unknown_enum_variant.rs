use tablewright::prelude::*;

#[db_enum]
pub enum TaskStatus {
    Todo,
    Done,
}

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[default(TaskStatus::Tood)]
    pub status: TaskStatus,
}

fn main() {}

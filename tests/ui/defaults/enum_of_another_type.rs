use tablewright::prelude::*;

#[db_enum]
pub enum TaskStatus {
    Todo,
    Done,
}

#[db_enum]
pub enum Priority {
    Low,
    High,
}

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[default(Priority::Low)]
    pub status: TaskStatus,
}

fn main() {}

//! One bad attribute, one error: the struct, its fields, its `Entity` impl
//! and its identifiers are still there for the rest of the file.
use tablewright::prelude::*;

#[entity]
#[timestamps]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[column(max_len = 500, colour = "red")]
    pub title: String,
}

pub fn uses(task: &Task) -> (&str, &'static str, usize) {
    let _ = TaskIden::Title;
    let _ = task.created_at;
    (&task.title, Task::TABLE, Task::COLUMNS.len())
}

fn main() {
    let _ = Task { id: Uuid::nil(), title: String::new(), created_at: Utc::now(), updated_at: Utc::now() };
}

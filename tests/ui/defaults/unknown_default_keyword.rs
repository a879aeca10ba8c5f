use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[default(current_timestamp)]
    pub due: DateTime<Utc>,
}

fn main() {}

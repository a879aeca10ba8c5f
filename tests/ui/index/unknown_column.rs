use tablewright::prelude::*;

#[entity]
#[index(project, status)]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub project_id: Uuid,
    pub status: String,
}

fn main() {}

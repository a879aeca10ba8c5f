use tablewright::prelude::*;

#[entity]
#[unique(project_id, slug)]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
}

fn main() {}

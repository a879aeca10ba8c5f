use tablewright::prelude::*;

pub struct Project {
    pub id: Uuid,
}

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project)]
    pub project_id: Uuid,
}

fn main() {}

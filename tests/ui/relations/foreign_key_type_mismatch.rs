use tablewright::prelude::*;

#[entity]
pub struct Project {
    #[id(auto)]
    pub id: i64,
}

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project)]
    pub project_id: Uuid,
}

fn main() {}

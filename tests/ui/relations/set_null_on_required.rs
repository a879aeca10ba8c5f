use tablewright::prelude::*;

#[entity]
pub struct Project {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project, on_delete = set_null)]
    pub project_id: Uuid,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

pub struct Comment {
    pub id: Uuid,
}

#[entity]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Comment)]
    pub entity_id: Uuid,
}

fn main() {}

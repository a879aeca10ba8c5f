use tablewright::prelude::*;

#[entity]
pub struct Category {
    #[id]
    pub id: Uuid,
    #[belongs_to(Self)]
    pub parent_id: Option<i64>,
}

fn main() {}

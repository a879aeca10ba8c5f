use tablewright::prelude::*;

#[entity]
#[index(status, include(titel))]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub title: String,
    pub status: String,
}

fn main() {}

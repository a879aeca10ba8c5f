use tablewright::prelude::*;

#[entity]
#[index(title, predicate = "title <> ''")]
pub struct Task {
    #[id]
    pub id: Uuid,
    pub title: String,
}

fn main() {}

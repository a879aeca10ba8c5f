use tablewright::prelude::*;

#[entity]
pub struct Note {
    #[id(cuid)]
    pub id: Uuid,
}

fn main() {}

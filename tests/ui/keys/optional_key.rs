use tablewright::prelude::*;

#[entity]
pub struct Note {
    #[id]
    pub id: Option<Uuid>,
}

fn main() {}

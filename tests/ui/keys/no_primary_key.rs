use tablewright::prelude::*;

#[entity]
pub struct Note {
    pub id: Uuid,
    pub body: String,
}

fn main() {}

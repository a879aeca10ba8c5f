use tablewright::prelude::*;

#[entity]
pub struct Note {
    #[id(auto)]
    pub id: String,
}

fn main() {}

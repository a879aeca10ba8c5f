use tablewright::prelude::*;

#[entity]
#[userstamps]
pub struct Note {
    #[id]
    pub id: Uuid,
    pub created_by: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity(tabel = "people")]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Contact {
    #[id]
    pub id: Uuid,
    pub name: String,
    #[column(name = "Name")]
    pub display_name: String,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Country {
    #[id]
    pub id: Uuid,
    #[column(max_len = 3)]
    #[default("toolongvalue")]
    pub code: String,
}

fn main() {}

use tablewright::prelude::*;

#[db_enum]
pub struct Plan {
    pub name: String,
}

fn main() {}

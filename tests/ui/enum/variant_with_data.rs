use tablewright::prelude::*;

#[db_enum]
pub enum Plan {
    Free,
    Paid(u32),
}

fn main() {}

use tablewright::prelude::*;

#[db_enum]
pub enum Plan {}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Point(pub i32, pub i32);

fn main() {}

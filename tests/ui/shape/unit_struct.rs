use tablewright::prelude::*;

#[entity]
pub struct Marker;

fn main() {}

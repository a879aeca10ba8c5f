use tablewright::prelude::*;

#[entity]
pub struct Reading {
    #[id]
    pub id: Uuid,
    #[default(1e39)]
    pub value: f32,
}

fn main() {}

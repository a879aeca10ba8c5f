use tablewright::prelude::*;

pub enum Color {
    Red,
    Green,
}

#[entity]
pub struct Product {
    #[id]
    pub id: Uuid,
    pub color: Color,
}

fn main() {}

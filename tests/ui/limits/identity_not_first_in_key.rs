use tablewright::prelude::*;

#[entity]
pub struct Line {
    #[id]
    pub order_no: i32,
    #[id]
    pub part: i32,
    #[id(auto)]
    pub id: i64,
}

fn main() {}

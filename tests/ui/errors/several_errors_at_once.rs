//! Every mistake of one item is reported in one compile.
use tablewright::prelude::*;

#[entity(tabel = "tasks")]
#[index(titel)]
pub struct Task {
    pub id: Uuid,
    pub stock: u32,
    #[column(max_len = 10)]
    pub count: i32,
    #[default("none")]
    pub done: bool,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct Ticket {
    #[id(auto)]
    pub id: i64,
    #[id(auto)]
    pub number: i64,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub enum Person {
    Anonymous,
}

fn main() {
    let _ = Person::Anonymous;
}

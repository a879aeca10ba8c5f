use tablewright::prelude::*;

#[soft_delete]
pub struct Person {
    #[id]
    pub id: Uuid,
}

fn main() {
    // The struct is still there: no cascade of "cannot find type".
    let _ = Person { id: Uuid::nil() };
}

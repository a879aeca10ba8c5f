use tablewright::prelude::*;

/// The same index twice: the fix is to remove one, not to rename it.
#[entity]
#[index(email)]
#[index(email)]
pub struct User {
    #[id]
    pub id: Uuid,
    pub email: String,
}

fn main() {}

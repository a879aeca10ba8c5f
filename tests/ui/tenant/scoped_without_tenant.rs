use tablewright::prelude::*;

#[entity]
#[tenant_scoped]
pub struct Project {
    #[id]
    pub id: Uuid,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
#[tenant]
#[tenant_scoped]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

fn main() {}

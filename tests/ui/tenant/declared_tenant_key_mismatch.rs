use tablewright::prelude::*;

#[entity]
#[tenant]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Project {
    #[id]
    pub id: Uuid,
    pub organization_id: i64,
}

fn main() {}

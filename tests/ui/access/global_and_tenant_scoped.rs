use tablewright::prelude::*;

#[entity]
#[tenant]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

#[entity]
#[tenant_scoped(Organization)]
#[global]
pub struct Note {
    #[id]
    pub id: Uuid,
}

fn main() {}

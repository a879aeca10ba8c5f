use tablewright::prelude::*;

pub struct Organization {
    pub id: Uuid,
}

#[entity]
#[tenant_scoped(Organization)]
pub struct Project {
    #[id]
    pub id: Uuid,
}

fn main() {}

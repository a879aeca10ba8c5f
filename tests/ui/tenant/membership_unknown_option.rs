use tablewright::prelude::*;

#[entity]
#[tenant(membership = OrganizationMember, rol = role, admin_roles = ["owner"])]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

fn main() {}

//! Membership mode: `#[tenant(...)]` names the membership entity, its role
//! column and the admin roles.

use tablewright::prelude::*;

#[entity]
#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "admin"])]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct User {
    #[id]
    pub id: Uuid,
}

#[db_enum]
pub enum MemberRole {
    Owner,
    Admin,
    Member,
}

#[entity]
#[tenant_scoped]
pub struct OrganizationMember {
    #[id]
    pub id: Uuid,
    #[belongs_to(User)]
    pub user_id: Uuid,
    pub role: MemberRole,
}

fn main() {
    let member = OrganizationMember {
        id: Uuid::nil(),
        organization_id: Uuid::nil(),
        user_id: Uuid::nil(),
        role: MemberRole::Owner,
    };
    assert!(matches!(member.role, MemberRole::Owner));
}

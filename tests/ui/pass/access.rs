//! The access attributes: a global table with policies, userstamps that
//! reference the user entity (the struct gains `created_by`/`updated_by`
//! typed as the user's key), a read-only role, a readable audit trail.
use tablewright::prelude::*;

#[db_enum]
pub enum Role {
    Owner,
    Member,
    Viewer,
}

#[entity]
#[tenant(membership = Membership, role = role, admin_roles = ["owner"], read_only_roles = ["viewer"])]
pub struct Team {
    #[id]
    pub id: Uuid,
}

#[entity]
#[global]
#[audited(readable)]
#[policy(update, name = "own_row", using = "id = tw_current_user()")]
pub struct Person {
    #[id]
    pub id: i64,
}

#[entity]
#[tenant_scoped(Team)]
pub struct Membership {
    #[id]
    pub id: Uuid,
    #[belongs_to(Person)]
    pub user_id: i64,
    pub role: Role,
}

#[entity]
#[tenant_scoped(Team)]
#[userstamps(Person)]
#[policy(delete, using = "created_by = tw_current_user()")]
pub struct Note {
    #[id]
    pub id: Uuid,
}

fn main() {
    let note = Note { id: Uuid::nil(), team_id: Uuid::nil(), created_by: Some(7_i64), updated_by: None };
    let _: Option<i64> = note.created_by;
    assert!(<Note as Entity>::COLUMNS.contains(&"updated_by"));
}

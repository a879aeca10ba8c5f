use tablewright::prelude::*;

#[entity]
#[tenant]
#[policy(upsert, using = "id = tw_current_user()")]
pub struct Organization {
    #[id]
    pub id: Uuid,
}

fn main() {}

use tablewright::prelude::*;

#[entity]
pub struct CustomerSubscriptionBillingHistoryEntryArchivedForTheAuditors {
    #[id]
    pub id: Uuid,
}

fn main() {}

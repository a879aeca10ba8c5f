use tablewright::prelude::*;

#[entity]
pub struct Setting {
    #[id]
    pub id: Uuid,
    pub notify_the_account_owner_when_an_invoice_is_overdue_by_more_than_thirty_days: bool,
}

fn main() {}

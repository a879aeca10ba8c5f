use tablewright::prelude::*;

/// PostgreSQL would cut this name to 63 bytes with a NOTICE only; every other
/// target keeps the full name.
#[entity(table = "customer_subscription_billing_history_entries_archived_for_auditors")]
pub struct Entry {
    #[id]
    pub id: Uuid,
}

fn main() {}

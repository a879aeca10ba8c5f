use tablewright::prelude::*;

#[db_enum(name = "the_reason_a_customer_gave_for_cancelling_their_subscription_early")]
pub enum Reason {
    Price,
    Other,
}

fn main() {}

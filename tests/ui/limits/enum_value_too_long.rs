use tablewright::prelude::*;

#[db_enum]
pub enum Reason {
    Other,
    CustomerAskedForARefundBecauseTheProductArrivedDamagedInTransit,
}

fn main() {}

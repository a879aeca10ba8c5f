#![deny(deprecated)]
use tablewright::prelude::*;

#[entity]
pub struct Event {
    #[id]
    pub id: Uuid,
    #[column(check = "date_trunc('day', starts_at) = starts_at")]
    pub starts_at: DateTime<Utc>,
}

fn main() {}

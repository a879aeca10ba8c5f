use tablewright::prelude::*;

/// 32 two-byte letters: 64 bytes, one more than PostgreSQL keeps.
#[entity]
pub struct Messung {
    #[id]
    pub id: Uuid,
    #[column(name = "ääääääääääääääääääääääääääääääää")]
    pub wert: f64,
}

fn main() {}

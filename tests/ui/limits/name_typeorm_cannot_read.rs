use tablewright::prelude::*;

/// Every database takes these names quoted; TypeORM cannot read them back.
#[entity(table = "it's")]
pub struct Quote {
    #[id]
    pub id: Uuid,
}

/// `a.b` would be table `b` of schema `a` to TypeORM.
#[entity(table = "a.b")]
pub struct Dotted {
    #[id]
    pub id: Uuid,
}

#[db_enum(name = "say \"hi\"")]
pub enum Mood {
    Happy,
}

fn main() {}

//! A schema at the edges of what every database and every tool accepts,
//! generated and checked like the other examples (tests/*.rs run every
//! `examples/*` crate): its migrations are applied to PostgreSQL, MariaDB
//! and SQLite, its seed loaded, and every target file checked by its own
//! tool. This program only lists the tables.

// The row structs mirror the tables; this program reads none of them.
#[allow(dead_code)]
mod schema;

use tablewright::Entity as _;

fn main() {
    for table in [
        schema::Entity::TABLE,
        schema::Column::TABLE,
        schema::BaseModel::TABLE,
        schema::AtTheLimits::TABLE,
        schema::Author::TABLE,
        schema::Team::TABLE,
        schema::Category::TABLE,
    ] {
        println!("{table}");
    }
}

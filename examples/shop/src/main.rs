//! Prints what the shop schema looks like to application code.

// The row structs mirror the tables; this program reads only some of them.
#[allow(dead_code)]
mod schema;

use schema::*;
use tablewright::Entity;

fn main() {
    for (table, columns) in [
        (Store::TABLE, Store::COLUMNS),
        (Product::TABLE, Product::COLUMNS),
        (Order::TABLE, Order::COLUMNS),
        (OrderLine::TABLE, OrderLine::COLUMNS),
    ] {
        println!("{table}: {}", columns.join(", "));
    }
}

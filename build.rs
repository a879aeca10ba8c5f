//! The showcase's build script, written exactly as a user writes one: scan
//! `src/`, check the whole schema, write everything into `generated/`.

fn main() {
    tablewright::build::Builder::new()
        // The showcase runs on all three databases (`cargo run` uses SQLite)
        // and knows what MySQL and SQLite cannot do: soft-deleted rows keep
        // their unique values on MySQL (no partial indexes), covering
        // indexes are plain there, and tenant isolation on MySQL and SQLite
        // is the application's (no row-level security).
        .accept_dialect_limits([
            "no_row_level_security",
            "mysql_partial_index",
            "mysql_no_covering_index",
            "sqlite_no_covering_index",
        ])
        .run();
}

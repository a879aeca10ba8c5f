//! Applies the blog's generated SQLite migration to an in-memory database,
//! writes a post and reads it back with sea-query.

// The row structs mirror the tables; this program reads only some of them.
#[allow(dead_code)]
mod schema;

use rusqlite::Connection;
use schema::*;
use tablewright::sea_query::{Expr, ExprTrait, Query, SqliteQueryBuilder};
use tablewright::{DbEnum, Entity};

const MIGRATION: &str = include_str!("../generated/migrations/sqlite/0001_initial.up.sql");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = Connection::open_in_memory()?;
    db.execute_batch("PRAGMA foreign_keys = ON;")?;
    db.execute_batch(MIGRATION)?;

    let insert_author = Query::insert()
        .into_table(AuthorIden::Table)
        .columns([AuthorIden::Email, AuthorIden::Name])
        .values_panic(["ada@example.test".into(), "Ada".into()])
        .to_string(SqliteQueryBuilder);
    db.execute_batch(&insert_author)?;
    let insert_post = Query::insert()
        .into_table(PostIden::Table)
        .columns([PostIden::AuthorId, PostIden::Slug, PostIden::Title, PostIden::Body, PostIden::State])
        .values_panic([
            1i64.into(),
            "hello-world".into(),
            "Hello, world".into(),
            "The first post.".into(),
            PostState::Published.as_str().into(),
        ])
        .to_string(SqliteQueryBuilder);
    db.execute_batch(&insert_post)?;

    let select = Query::select()
        .column(PostIden::Title)
        .from(PostIden::Table)
        .and_where(Expr::col(PostIden::State).eq(PostState::Published.as_str()))
        .to_string(SqliteQueryBuilder);
    let title: String = db.query_row(&select, [], |r| r.get(0))?;
    println!("{} table `{}` holds: {title}", Post::TABLE, Author::TABLE);
    Ok(())
}

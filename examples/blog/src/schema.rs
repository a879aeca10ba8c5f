//! A blog: authors write posts, readers comment, posts carry tags.
//! Integer identity keys throughout, and table names that are SQL keywords.

use tablewright::prelude::*;

/// Someone who writes posts. Stored in a table called `user`, a reserved word
/// in every dialect, to show that tablewright quotes it.
#[entity(table = "user")]
#[timestamps]
pub struct Author {
    #[id(auto)]
    pub id: i64,
    #[unique]
    #[column(max_len = 320)]
    pub email: String,
    #[column(max_len = 100)]
    pub name: String,
    pub bio: Option<String>,
}

/// Whether a post is visible.
#[db_enum]
pub enum PostState {
    Draft,
    Scheduled,
    Published,
    Archived,
}

/// An article. Soft-deleted posts keep their slug reserved for nobody: the
/// slug is unique among live posts only.
#[entity]
#[soft_delete]
#[timestamps]
#[index(state, published_at desc, where = "deleted_at IS NULL")]
pub struct Post {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Author, on_delete = restrict)]
    pub author_id: i64,
    #[unique]
    #[column(max_len = 200, check = "slug <> ''")]
    pub slug: String,
    #[column(max_len = 400)]
    pub title: String,
    /// A sentence or two for listings and feeds.
    pub summary: Option<String>,
    pub body: String,
    #[default(PostState::Draft)]
    pub state: PostState,
    pub published_at: Option<DateTime<Utc>>,
    #[default(0)]
    pub view_count: i64,
    #[default(true)]
    pub comments_enabled: bool,
}

/// A reader's comment; threads through `parent_id`.
#[entity]
#[timestamps]
#[index(post_id, created_at)]
pub struct Comment {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Post, on_delete = cascade)]
    pub post_id: i64,
    #[belongs_to(Self, on_delete = cascade)]
    pub parent_id: Option<i64>,
    #[column(max_len = 100)]
    #[default("Anonymous")]
    pub author_name: String,
    #[column(renamed_from = "body")]
    pub text: String,
}

/// A post a reader saved for later, by the reader's email.
#[entity]
#[timestamps]
#[unique(post_id, reader_email)]
pub struct Bookmark {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Post, on_delete = cascade)]
    pub post_id: i64,
    #[column(max_len = 320)]
    pub reader_email: String,
}

/// A topic. `order` (a keyword) sorts tags in the sidebar.
#[entity]
pub struct Tag {
    #[id(auto)]
    pub id: i32,
    #[unique]
    #[column(max_len = 50)]
    pub name: String,
    #[column(name = "order")]
    #[default(0)]
    pub sort_order: i32,
    /// The tag's color in the sidebar, a CSS hex color.
    #[column(max_len = 7)]
    #[default("#888888")]
    pub color: String,
}

/// Which tags a post carries.
#[entity]
#[many_to_many(Post, Tag)]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i32,
}

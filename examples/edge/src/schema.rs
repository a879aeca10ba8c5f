//! A schema at the edges.
//!
//! - Names the generated files import or rely on: TypeORM's `Entity`,
//!   `Column` and `Relation`, Pydantic's `BaseModel` and `Field`,
//!   SQLAlchemy's `Mapped` and our `Base`, TypeScript's `Date` and our
//!   `JsonValue`, Prisma's `Int`, a table named like Drizzle's `text`.
//!   Each target avoids the clash by construction (docs/targets/README.md,
//!   "Ecosystem targets").
//! - Names and sizes at the dialect limits: 63-byte table, column and enum
//!   value names, a 16-column index, a 3072-byte MySQL index key,
//!   DECIMAL(65, 30), an identity column leading a composite key, non-ASCII
//!   names.
//! - Foreign keys in cycles: a nullable one (the seed inserts, then
//!   updates), a deferrable NOT NULL one (the seed leaves it empty and says
//!   why) and a required self-reference (its first row points at itself).

use tablewright::prelude::*;

/// Named like TypeORM's `@Entity` decorator.
#[entity]
#[timestamps]
#[versioned]
pub struct Entity {
    #[id]
    pub id: Uuid,
    #[column(max_len = 80, check = "length(name) > 0")]
    pub name: String,
}

/// Named like Prisma's `Int` scalar (its PostgreSQL type cannot be `int`,
/// PostgreSQL's own).
#[db_enum(name = "int_kind")]
pub enum Int {
    One,
    Two,
}

/// Named like TypeORM's `@Column` decorator.
#[entity]
#[timestamps]
#[versioned]
pub struct Column {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Entity, on_delete = cascade)]
    #[index]
    pub entity_id: Uuid,
    #[default(Int::One)]
    pub kind: Int,
    pub settings: Json,
}

/// Named like Pydantic's `BaseModel`.
#[entity]
#[timestamps]
#[versioned]
pub struct BaseModel {
    #[id]
    pub id: Uuid,
    #[column(precision = 65, scale = 30)]
    pub amount: Decimal,
    pub due_on: NaiveDate,
}

/// Named like Pydantic's `Field`.
#[entity]
#[timestamps]
#[versioned]
pub struct Field {
    #[id]
    pub id: Uuid,
    #[belongs_to(BaseModel, on_delete = cascade)]
    #[index]
    pub base_model_id: Uuid,
}

/// Named like SQLAlchemy's `Mapped`.
#[entity]
#[timestamps]
#[versioned]
pub struct Mapped {
    #[id]
    pub id: Uuid,
}

/// Named like the SQLAlchemy models' declarative `Base`.
#[entity]
#[timestamps]
#[versioned]
pub struct Base {
    #[id]
    pub id: Uuid,
}

/// Named like TypeScript's global `Date`: the other timestamps stay `Date`s.
#[entity]
#[timestamps]
#[versioned]
pub struct Date {
    #[id]
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub raw: Vec<u8>,
}

/// Named like the JSON value type the TypeScript and Python files declare.
#[entity]
#[timestamps]
#[versioned]
pub struct JsonValue {
    #[id]
    pub id: Uuid,
    pub data: Json,
}

/// Named like TypeORM's `Relation` type, in a table named like Drizzle's
/// `text` builder.
#[entity(table = "text")]
#[timestamps]
#[versioned]
pub struct Relation {
    #[id]
    pub id: Uuid,
    #[belongs_to(Entity, on_delete = cascade)]
    #[index]
    pub entity_id: Uuid,
}

/// Non-ASCII names.
#[entity]
#[timestamps]
#[versioned]
pub struct Straße {
    #[id]
    pub id: Uuid,
    pub länge: f64,
    #[column(max_len = 40)]
    pub name_für_menschen: String,
}

/// A value at PostgreSQL's 63-byte limit for enum labels.
#[db_enum]
pub enum Verdict {
    Pass,
    LongestLabelPostgresKeepsInEnumsIsSixtyThreeBytesLong,
}

/// Names and sizes at the limits of every dialect.
#[entity(table = "at_the_limits_a_table_name_of_exactly_sixty_three_bytes_longxyz")]
#[timestamps]
#[versioned]
#[index(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)]
pub struct AtTheLimits {
    /// An identity column leads the composite key, as MySQL needs.
    #[id(auto)]
    pub id: i64,
    #[id]
    pub part: i16,
    #[column(name = "a_column_name_of_exactly_sixty_three_bytes_which_postgres_keeps")]
    pub long_name: i32,
    /// 768 characters: a 3072-byte key on MySQL (utf8mb4), its limit.
    #[index]
    #[column(max_len = 768)]
    pub code: String,
    #[column(max_len = 12000)]
    pub body: String,
    #[column(precision = 65, scale = 30)]
    pub amount: Decimal,
    #[default(Verdict::LongestLabelPostgresKeepsInEnumsIsSixtyThreeBytesLong)]
    pub verdict: Verdict,
    pub a: i32,
    pub b: i32,
    pub c: i32,
    pub d: i32,
    pub e: i32,
    pub f: i32,
    pub g: i32,
    pub h: i32,
    pub i: i32,
    pub j: i32,
    pub k: i32,
    pub l: i32,
    pub m: i32,
    pub n: i32,
    pub o: i32,
    pub p: i32,
}

/// An author's favorite book is optional: the seed inserts authors with it
/// NULL, then sets it once the books exist.
#[entity]
#[timestamps]
#[versioned]
pub struct Author {
    #[id]
    pub id: Uuid,
    #[belongs_to(Book, on_delete = set_null)]
    #[index]
    pub favorite_book_id: Option<Uuid>,
}

#[entity]
#[timestamps]
#[versioned]
pub struct Book {
    #[id]
    pub id: Uuid,
    #[belongs_to(Author, on_delete = cascade)]
    #[index]
    pub author_id: Uuid,
}

/// A team needs its captain and a player their team: the keys are checked
/// at commit (PostgreSQL, SQLite), so both rows go in one transaction.
#[entity]
#[timestamps]
#[versioned]
pub struct Team {
    #[id]
    pub id: Uuid,
    #[belongs_to(Player, deferrable)]
    #[index]
    pub captain_id: Uuid,
}

#[entity]
#[timestamps]
#[versioned]
pub struct Player {
    #[id]
    pub id: Uuid,
    #[belongs_to(Team, deferrable)]
    #[index]
    pub team_id: Uuid,
}

/// Every category has a parent; the root is its own parent.
#[entity]
#[timestamps]
#[versioned]
pub struct Category {
    #[id(auto)]
    pub id: i64,
    // The root points at itself: there is no NULL parent to special-case.
    #[allow_lint(required_reference_cycle)]
    #[belongs_to(Self)]
    #[index]
    pub parent_id: i64,
}

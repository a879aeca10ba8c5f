//! # tablewright
//!
//! Write your database schema once, as Rust structs. The compiler checks the
//! relations; `cargo build` writes migrations for PostgreSQL, MySQL/MariaDB
//! and SQLite, row-level-security policies with a pgTAP suite, TypeScript
//! and Python types, Prisma, Drizzle, TypeORM and SQLAlchemy/Alembic files,
//! an ERD, seed data and a schema review.
//!
//! The schema file needs the [`prelude`]: the attributes, the runtime traits
//! ([`Entity`], [`DbEnum`]) and the column types. [The attributes](#the-attributes)
//! below lists every attribute with an example; [`query`] builds the
//! statements the attributes mean at run time (tenant, soft delete,
//! optimistic locking), [`audit`] names the audit log's columns, `build` is
//! the build-script API (feature `build`) and `seed` the seed loaders
//! (features `seed-postgres`, `seed-mysql`, `seed-sqlite`).
//!
//! ```
//! use tablewright::prelude::*;
//!
//! /// A person who can sign in.
//! #[entity]
//! #[timestamps]
//! pub struct User {
//!     #[id]
//!     pub id: Uuid,
//!     #[unique]
//!     #[column(max_len = 320)]
//!     pub email: String,
//!     pub display_name: Option<String>,
//! }
//!
//! assert_eq!(User::TABLE, "users");
//! assert_eq!(User::COLUMNS, &["id", "email", "display_name", "created_at", "updated_at"]);
//!
//! // The macro also writes sea-query identifiers, so queries use the same names
//! // as the migrations.
//! use tablewright::sea_query::{PostgresQueryBuilder, Query};
//! let sql = Query::select()
//!     .column(UserIden::Email)
//!     .from(UserIden::Table)
//!     .to_string(PostgresQueryBuilder);
//! assert_eq!(sql, r#"SELECT "email" FROM "users""#);
//! ```
//!
//! In `build.rs` (with the `build` feature in `[build-dependencies]`):
//!
// The example compiles only with the `build` feature (as in a build script).
#![cfg_attr(feature = "build", doc = "```no_run")]
#![cfg_attr(not(feature = "build"), doc = "```ignore")]
//! fn main() {
//!     tablewright::build::Builder::new().run();
//! }
//! ```
//!
#![doc = include_str!("attributes.md")]
// The build-script example shows a whole build.rs, `fn main` included.
#![allow(clippy::needless_doctest_main)]

pub use sea_query;
pub use tablewright_core::runtime::{DbEnum, Entity};

pub mod audit;
pub mod query;

/// The build-script API (feature `build`): the [`Builder`](build::Builder),
/// every type its methods take and return, the keys of `tablewright.toml`
/// (`build::config`), and the planner for tools that drive migrations. The writer's and the stamp's internals stay in
/// tablewright-core.
#[cfg(feature = "build")]
pub mod build {
    pub use tablewright_core::build::{
        Artifact, Artifacts, Builder, CHECK_ENV, CheckReport, DIALECT_LIMITS, Diagnostic, Dialect, DialectLimit,
        EmitOptions, ErdOptions, Error, LintOptions, Location, SeedOptions, Selection, Severity, Target, TenancyMode,
        TenancyOptions, WARNINGS_PER_KIND, WriteSummary, config, evolve, model, pipeline,
    };
}

#[cfg(feature = "seed")]
pub mod seed;

/// Everything a schema file needs: the attributes, the runtime traits and the
/// column types of the DSL.
pub mod prelude {
    pub use crate::{DbEnum, Entity};
    pub use tablewright_macros::{
        allow_lint, audited, check, db_enum, entity, global, index, many_to_many, policy, seed, soft_delete, tenant,
        tenant_scoped, timestamps, unique, userstamps, versioned,
    };

    pub use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
    pub use rust_decimal::Decimal;
    pub use uuid::Uuid;
    /// A JSON column: `serde_json::Value`.
    pub type Json = serde_json::Value;
}

#[doc(hidden)]
pub mod __private {
    pub use sea_query;
    pub use tablewright_core::runtime::__private::*;
}

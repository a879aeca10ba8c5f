//! [`Context`]: what every emitter of one build reads, computed once.
//!
//! A build runs the schema review and a dozen targets over one transformed
//! schema. They share a lot: the table creation order, entities and enums
//! looked up by name for every key and column, both ends of every relation,
//! which foreign keys wait until every table exists, and the PostgreSQL
//! migration itself (Prisma, Drizzle, TypeORM and Alembic carry it or its
//! statements). Computed per emitter, that work grows with the number of
//! emitters times the schema's size; [`Context`] holds it once:
//!
//! - [`Context::analysis`]: the lookups and the dependency order
//!   ([`crate::analysis::Analysis`]), built eagerly;
//! - [`Context::relations`], [`Context::rendered`] (one dialect's migration
//!   statements) and the deferred foreign keys: built on first use, then
//!   shared (`OnceLock`, so a context can be read from several threads).
//!
//! Everything derived is a pure function of the schema and the options, so
//! an emitter's output does not depend on which emitter asked first.
//!
//! ```
//! use tablewright_core::emit::{Context, EmitOptions};
//! use tablewright_core::model::Schema;
//! let schema = Schema::default();
//! let options = EmitOptions::default();
//! let cx = Context::new(&schema, &options);
//! assert!(cx.analysis().dependency_order().is_empty());
//! assert!(cx.relations().all.is_empty());
//! ```

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::EmitOptions;
use super::relations::Relations;
use super::sql::{self, Rendered};
use crate::analysis::Analysis;
use crate::diagnostics::Diagnostic;
use crate::model::Schema;
use crate::types::Dialect;

/// One build's schema, options and shared derived values; see the module docs.
#[derive(Debug)]
pub struct Context<'a> {
    analysis: Analysis<'a>,
    options: &'a EmitOptions,
    deferred: OnceLock<Deferred>,
    relations: OnceLock<Relations<'a>>,
    rendered: [OnceLock<Rendered>; 3],
}

/// The foreign keys added once every table exists, and what the planning
/// found wrong (a key to a missing table, an unquotable constraint name).
#[derive(Debug)]
pub(crate) struct Deferred {
    pub keys: BTreeSet<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// The context of one build: `schema` must be transformed
    /// ([`crate::transform::apply`]).
    pub fn new(schema: &'a Schema, options: &'a EmitOptions) -> Self {
        Context {
            analysis: Analysis::new(schema),
            options,
            deferred: OnceLock::new(),
            relations: OnceLock::new(),
            rendered: [OnceLock::new(), OnceLock::new(), OnceLock::new()],
        }
    }

    /// The transformed schema.
    pub fn schema(&self) -> &'a Schema {
        self.analysis.schema()
    }

    /// The options every emitter reads.
    pub fn options(&self) -> &'a EmitOptions {
        self.options
    }

    /// Lookups by name and the dependency order.
    pub fn analysis(&self) -> &Analysis<'a> {
        &self.analysis
    }

    /// Both ends of every foreign key, named for the ORM targets.
    pub fn relations(&self) -> &Relations<'a> {
        self.relations.get_or_init(|| Relations::of(&self.analysis))
    }

    /// The migration statements of `dialect`, rendered once per build.
    pub fn rendered(&self, dialect: Dialect) -> &Rendered {
        let slot = match dialect {
            Dialect::Postgres => &self.rendered[0],
            Dialect::Mysql => &self.rendered[1],
            Dialect::Sqlite => &self.rendered[2],
        };
        slot.get_or_init(|| sql::render(self, dialect))
    }

    pub(crate) fn deferred(&self) -> &Deferred {
        self.deferred.get_or_init(|| sql::plan_deferred(&self.analysis))
    }
}

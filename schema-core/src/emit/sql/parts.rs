//! The pieces of a migration, one table or constraint at a time, rendered
//! exactly as the initial migration renders them: what the migration
//! planner ([`crate::evolve`]) assembles into the next step. One renderer
//! for both, so a table created by a later step is byte for byte the table
//! a fresh database gets.

use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};

use super::render::{self, IndexParts};
use super::{Plan, Script, mysql, postgres, sqlite, triggers};
use crate::diagnostics::Diagnostic;
use crate::emit::Context;
use crate::model::{Column, Entity};
use crate::quote::{ident, string_literal};
use crate::types::Dialect;

/// A unit of database behaviour (a trigger, a trigger function, a grant, a
/// table's policies, ...): created and dropped as a whole. The planner
/// compares units by key and statements: a unit that changed is dropped and
/// created again (or, when `replaceable`, its statements run again: a
/// `CREATE OR REPLACE FUNCTION`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BehaviorUnit {
    /// Stable across schemas for the same object: `trigger:"tw_tasks_audit" ON "tasks"`.
    pub key: String,
    pub up: Vec<String>,
    pub down: Vec<String>,
    pub replaceable: bool,
    /// The table a trigger is on (from its `CREATE TRIGGER ... ON <table>`).
    pub table: Option<String>,
}

/// One schema's migration pieces; see the module docs.
pub struct Parts<'a> {
    plan: Plan<'a>,
    cx: &'a Context<'a>,
}

impl<'a> Parts<'a> {
    pub fn new(cx: &'a Context<'a>) -> Self {
        Parts { plan: Plan::new(cx), cx }
    }

    /// The schema these pieces are of.
    pub fn schema(&self) -> &'a crate::model::Schema {
        self.cx.schema()
    }

    pub fn entity(&self, table: &str) -> Option<&'a Entity> {
        self.plan.order.iter().copied().find(|e| e.table == table)
    }

    /// Tables in creation order.
    pub fn order(&self) -> &[&'a Entity] {
        &self.plan.order
    }

    /// `CREATE TABLE` with the table's indexes and comments, as the initial
    /// migration writes them; foreign keys to tables created later are left
    /// out (see [`Parts::deferred_foreign_keys`]).
    pub fn create_table(&self, dialect: Dialect, entity: &Entity) -> Vec<String> {
        let mut script = Script::default();
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        match dialect {
            Dialect::Postgres => postgres::create_table(&self.plan, entity, &mut script),
            Dialect::Mysql => mysql::create_table(&self.plan, entity, &mut script, &mut diagnostics),
            Dialect::Sqlite => sqlite::create_table(&self.plan, entity, &mut script, &mut diagnostics),
        }
        script.statements
    }

    /// `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` for the keys of
    /// `entity` the initial migration adds once every table exists (none on
    /// SQLite, which writes every key inline).
    pub fn deferred_foreign_keys(&self, dialect: Dialect, entity: &Entity) -> Vec<String> {
        if dialect == Dialect::Sqlite {
            return Vec::new();
        }
        entity
            .foreign_keys
            .iter()
            .filter(|fk| self.plan.is_deferred(entity, fk))
            .map(|fk| self.add_foreign_key(dialect, entity, &fk.name))
            .collect()
    }

    /// The column as it stands in `CREATE TABLE`: `"title" VARCHAR(200) NOT NULL DEFAULT ''`.
    pub fn column_definition(&self, dialect: Dialect, entity: &Entity, column: &Column) -> String {
        match dialect {
            Dialect::Postgres => {
                render::column_sql(&PostgresQueryBuilder, &postgres::column_def(&self.plan, entity, column))
            }
            Dialect::Mysql => {
                render::column_sql(&MysqlQueryBuilder, &mysql::column_def(&self.plan, entity, column, &mut Vec::new()))
            }
            Dialect::Sqlite => {
                let ty = self.plan.column_type(dialect, entity, column);
                let mut def = render::column(&column.name, &ty, column.nullable);
                sqlite::apply_default(column, &mut def);
                render::column_sql(&SqliteQueryBuilder, &def)
            }
        }
    }

    /// An enum of the schema by its SQL name.
    pub fn enum_type(&self, sql_name: &str) -> Option<&'a crate::model::EnumType> {
        self.cx.schema().enums.iter().find(|e| e.sql_name == sql_name)
    }

    /// The SQL name of the enum a column holds, if it holds one.
    pub fn enum_sql_name(&self, column: &Column) -> Option<String> {
        match &column.ty {
            crate::model::ColumnType::Enum(name) => self.cx.analysis().enum_type(name).map(|e| e.sql_name.clone()),
            _ => None,
        }
    }

    /// The column's SQL type on `dialect`, enums resolved.
    pub fn column_type(&self, dialect: Dialect, entity: &Entity, column: &Column) -> String {
        self.plan.column_type(dialect, entity, column)
    }

    /// What follows `DEFAULT` for the column on PostgreSQL, if anything.
    pub fn postgres_default(&self, column: &Column) -> Option<String> {
        super::postgres_default_spelled(column, self.cx.schema().postgres_now)
    }

    /// The index as the initial migration creates it: `CREATE INDEX`, or
    /// for a `(tenant, id)` uniqueness `ALTER TABLE ... ADD CONSTRAINT ...
    /// UNIQUE` (a table element in `CREATE TABLE`).
    pub fn create_index(&self, dialect: Dialect, entity: &Entity, name: &str) -> Option<String> {
        let index = entity.indexes.iter().find(|i| i.name == name)?;
        if index.is_unique_constraint() {
            return Some(format!(
                "ALTER TABLE {} ADD {}",
                ident(dialect, &entity.table),
                render::unique_constraint(dialect, index)
            ));
        }
        Some(match dialect {
            Dialect::Postgres => render::create_index(
                PostgresQueryBuilder,
                entity,
                index,
                IndexParts { predicate: Some(Dialect::Postgres), include: true },
            ),
            Dialect::Mysql => {
                render::create_index(MysqlQueryBuilder, entity, index, IndexParts { predicate: None, include: false })
            }
            Dialect::Sqlite => render::create_index(
                SqliteQueryBuilder,
                entity,
                index,
                IndexParts { predicate: Some(Dialect::Sqlite), include: false },
            ),
        })
    }

    /// `ALTER TABLE ... ADD CONSTRAINT <fk> FOREIGN KEY ...` (`DEFERRABLE
    /// INITIALLY DEFERRED` on PostgreSQL for a `deferrable` key).
    pub fn add_foreign_key(&self, dialect: Dialect, entity: &Entity, name: &str) -> String {
        let Some(fk) = entity.foreign_keys.iter().find(|fk| fk.name == name) else { return String::new() };
        match dialect {
            Dialect::Postgres => render::deferrable(render::foreign_key_alter(PostgresQueryBuilder, entity, fk), fk),
            Dialect::Mysql => render::foreign_key_alter(MysqlQueryBuilder, entity, fk),
            Dialect::Sqlite => render::foreign_key_alter(SqliteQueryBuilder, entity, fk),
        }
    }

    /// `ALTER TABLE ... ADD CONSTRAINT <name> CHECK (...)`.
    pub fn add_check(&self, dialect: Dialect, entity: &Entity, name: &str) -> String {
        let Some(check) = entity.checks.iter().find(|c| c.name == name) else { return String::new() };
        let expr = render::raw(&crate::fragment::render_sql(&check.expr, dialect));
        let element = match dialect {
            Dialect::Postgres => render::check(&PostgresQueryBuilder, &check.name, expr),
            Dialect::Mysql => render::check(&MysqlQueryBuilder, &check.name, expr),
            Dialect::Sqlite => render::check(&SqliteQueryBuilder, &check.name, expr),
        };
        format!("ALTER TABLE {} ADD {element}", ident(dialect, &entity.table))
    }

    /// `CREATE TYPE ... AS ENUM` and its comment (PostgreSQL).
    pub fn create_enum(&self, sql_name: &str) -> Vec<String> {
        let Some(e) = self.cx.schema().enums.iter().find(|e| e.sql_name == sql_name) else { return Vec::new() };
        let values: Vec<String> = e.variants.iter().map(|v| string_literal(&v.value)).collect();
        let mut out =
            vec![format!("CREATE TYPE {} AS ENUM ({})", ident(Dialect::Postgres, &e.sql_name), values.join(", "))];
        if let Some(doc) = &e.doc {
            out.push(format!(
                "COMMENT ON TYPE {} IS {}",
                ident(Dialect::Postgres, &e.sql_name),
                string_literal(&super::comment_text(doc))
            ));
        }
        out
    }

    /// `COMMENT ON TABLE` (PostgreSQL), `NULL` when the doc is gone.
    pub fn table_comment(&self, entity: &Entity) -> String {
        let text =
            entity.doc.as_deref().map_or_else(|| "NULL".to_string(), |d| string_literal(&super::comment_text(d)));
        format!("COMMENT ON TABLE {} IS {text}", ident(Dialect::Postgres, &entity.table))
    }

    /// `COMMENT ON COLUMN` (PostgreSQL), `NULL` when the doc is gone.
    pub fn column_comment(&self, entity: &Entity, column: &Column) -> String {
        let text =
            column.doc.as_deref().map_or_else(|| "NULL".to_string(), |d| string_literal(&super::comment_text(d)));
        format!(
            "COMMENT ON COLUMN {}.{} IS {text}",
            ident(Dialect::Postgres, &entity.table),
            ident(Dialect::Postgres, &column.name)
        )
    }

    /// The behaviour of the schema on `dialect`, as units in creation order:
    /// every trigger and trigger function, and on PostgreSQL the
    /// row-level-security roles, grants, functions and policies.
    pub fn behavior_units(&self, dialect: Dialect) -> Vec<BehaviorUnit> {
        let mut diagnostics = Vec::new();
        let triggers = triggers::emit(dialect, &self.plan, &mut diagnostics);
        // Every trigger statement comes with the one statement that drops it
        // (the down list is reversed at the end of `triggers::emit`).
        let mut out: Vec<BehaviorUnit> = triggers
            .up
            .iter()
            .zip(triggers.down.iter().rev())
            .map(|(up, down)| BehaviorUnit {
                key: format!("trigger:{down}"),
                up: vec![up.clone()],
                down: vec![down.clone()],
                replaceable: false,
                table: trigger_table(up),
            })
            .collect();
        if dialect == Dialect::Postgres
            && let Some(security) =
                crate::security::plan(self.cx.schema(), &self.cx.options().tenancy, &mut diagnostics)
        {
            out.extend(super::rls::units(&security));
        }
        out
    }
}

/// `<table>` of `CREATE TRIGGER <name> <timing> ON <table> ...`, as written
/// (quoted); `None` for a trigger function.
fn trigger_table(statement: &str) -> Option<String> {
    let first = statement.lines().next()?;
    if !first.starts_with("CREATE TRIGGER ") {
        return None;
    }
    let (_, rest) = first.split_once(" ON ")?;
    rest.split_whitespace().next().map(str::to_string)
}

//! SQL written inside the schema, read with a real SQL parser (sqlparser,
//! PostgreSQL dialect): `#[check]`, `#[column(check)]`, an index's
//! `where`, `#[default(sql)]` and the expressions of `#[policy(...)]`.
//!
//! - **Checked**: a fragment that does not parse, or names a column its
//!   table does not have, is an error at the attribute's string (the front
//!   end, [`crate::frontend::check`]) with "did you mean"; a function or
//!   operator only some dialects have is a warning naming them
//!   ([`dialect_only`]).
//! - **Rendered per dialect** from the parsed tree ([`render`]): column
//!   names quoted the dialect's way, so reserved words just work; string
//!   literals escaped; `length`/`char_length`, `now()` and booleans mapped.
//! - **Evaluated** by the seed generator on candidate rows
//!   ([`crate::seed`]).
//!
//! Column references are the identifiers of the expression itself:
//! unqualified (`author_id`) or qualified by the table's own name
//! (`comments.author_id`). An unquoted name means its lowercase form (as on
//! PostgreSQL); a quoted one (`"Order"`) is taken as written. Identifiers
//! inside a subquery belong to the tables that subquery reads and are left
//! to the database.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, Query, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

mod dialects;
mod render;

pub use dialects::{DialectOnly, dialect_only};
pub use render::{render, render_sql};

/// Parses one SQL expression (PostgreSQL's grammar, the widest of the three
/// dialects), or says why it is not one.
///
/// ```
/// use tablewright_core::fragment::parse_expr;
/// assert!(parse_expr("price >= 0 AND \"order\" BETWEEN 1 AND 5").is_ok());
/// assert!(parse_expr("price >= ").is_err());
/// assert!(parse_expr("a = 1 b").unwrap_err().contains("after the expression"));
/// ```
pub fn parse_expr(sql: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(sql).map_err(|e| clean(e.to_string()))?;
    let expr = parser.parse_expr().map_err(|e| clean(e.to_string()))?;
    match parser.peek_token().token {
        Token::EOF => Ok(expr),
        other => Err(format!("unexpected `{other}` after the expression")),
    }
}

/// sqlparser's message without its `sql parser error: ` prefix, in the
/// front end's lowercase style: `expected ), found EOF`.
fn clean(message: String) -> String {
    let message = message.strip_prefix("sql parser error: ").unwrap_or(&message);
    message.replacen("Expected: ", "expected ", 1).replacen(", found: ", ", found ", 1)
}

/// The column an identifier names: unquoted names fold to lowercase, as
/// PostgreSQL folds them; quoted ones are taken as written.
pub fn column_name(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The columns an expression names outside its subqueries, in order of
/// appearance (repeats kept). `table` is the table's own name, the one
/// qualifier a column may carry.
///
/// ```
/// use tablewright_core::fragment::{column_references, parse_expr};
/// let expr = parse_expr("Price > 0 AND t.qty < 5 AND x.y = 1").unwrap();
/// assert_eq!(column_references(&expr, "t"), ["price", "qty"]);
/// ```
pub fn column_references(expr: &Expr, table: &str) -> Vec<String> {
    struct Columns<'a> {
        table: &'a str,
        depth: usize,
        found: Vec<String>,
    }
    impl Visitor for Columns<'_> {
        type Break = ();

        fn pre_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }

        fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }

        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            if self.depth > 0 {
                return ControlFlow::Continue(());
            }
            match expr {
                Expr::Identifier(ident) => self.found.push(column_name(ident)),
                Expr::CompoundIdentifier(parts) => {
                    if let [qualifier, column] = parts.as_slice()
                        && column_name(qualifier) == self.table
                    {
                        self.found.push(column_name(column));
                    }
                }
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let mut visitor = Columns { table, depth: 0, found: Vec::new() };
    let _ = expr.visit(&mut visitor);
    visitor.found
}

/// Where a fragment of an entity sits, for messages: `` check `ck_x` ``,
/// `` the `where` of index `idx_x` ``, `` the default of `code` ``.
#[cfg(feature = "build")]
struct Site<'a> {
    what: String,
    sql: &'a str,
    location: &'a crate::model::Location,
    /// A column default: it may name no column at all.
    default: bool,
}

/// Every fragment of `entity` but its policies.
#[cfg(feature = "build")]
fn sites(entity: &crate::model::Entity) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for c in &entity.checks {
        out.push(Site { what: format!("check `{}`", c.name), sql: &c.expr, location: &c.location, default: false });
    }
    for i in &entity.indexes {
        if let Some(p) = &i.predicate {
            out.push(Site {
                what: format!("the `where` of index `{}`", i.name),
                sql: p,
                location: &i.location,
                default: false,
            });
        }
    }
    for c in &entity.columns {
        if let Some(crate::model::DefaultValue::Sql(sql)) = &c.default {
            out.push(Site { what: format!("the default of `{}`", c.name), sql, location: &c.location, default: true });
        }
    }
    out
}

/// Checks one fragment of `entity`; `what` names it in messages (`policy
/// \`own_row\`'s \`using\``). Returns the parsed expression when it parsed.
#[cfg(feature = "build")]
fn check_fragment(
    entity: &crate::model::Entity,
    sql: &str,
    what: &str,
    location: &crate::model::Location,
    diagnostics: &mut Vec<crate::diagnostics::Diagnostic>,
) -> Option<Expr> {
    use crate::diagnostics::Diagnostic;
    let expr = match parse_expr(sql) {
        Ok(expr) => expr,
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(location, format!("{what} of `{}` is not a SQL expression: {why}", entity.name))
                    .with_help(format!(
                        "the expression was `{sql}`; write a SQL expression over the columns of `{}`",
                        entity.table
                    )),
            );
            return None;
        }
    };
    let columns: Vec<&str> = entity.columns.iter().map(|c| c.name.as_str()).collect();
    let mut reported: Vec<String> = Vec::new();
    for name in column_references(&expr, &entity.table) {
        if columns.contains(&name.as_str()) || reported.contains(&name) {
            continue;
        }
        let suggestion = crate::frontend::messages::closest(&name, columns.iter().copied())
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                location,
                format!(
                    "{what} of `{}` names the column `{name}`, which `{}` does not have{suggestion}",
                    entity.name, entity.table
                ),
            )
            .with_help(format!(
                "the columns of `{}` are {}",
                entity.table,
                columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )),
        );
        reported.push(name);
    }
    Some(expr)
}

/// Checks every fragment of the (transformed) schema: the expressions of
/// `#[policy(...)]` (PostgreSQL only, so no dialect warnings), and the
/// checks, index predicates and SQL defaults, which every dialect's
/// migration carries: a function or operator only some dialects have is a
/// warning naming them.
#[cfg(feature = "build")]
pub fn check_schema(schema: &crate::model::Schema, diagnostics: &mut Vec<crate::diagnostics::Diagnostic>) {
    use crate::diagnostics::Diagnostic;
    for entity in &schema.entities {
        for p in &entity.traits.policies {
            if let Some(using) = &p.using {
                check_fragment(entity, using, &format!("the `using` of policy `{}`", p.name), &p.location, diagnostics);
            }
            if let Some(check) = &p.check {
                check_fragment(entity, check, &format!("the `check` of policy `{}`", p.name), &p.location, diagnostics);
            }
        }
        for site in sites(entity) {
            let Some(expr) = check_fragment(entity, site.sql, &site.what, site.location, diagnostics) else { continue };
            if site.default
                && let Some(name) = column_references(&expr, &entity.table).first()
            {
                diagnostics.push(
                    Diagnostic::error(
                        site.location,
                        format!(
                            "{} of `{}` names the column `{name}`: {}",
                            site.what, entity.name, NO_COLUMNS_IN_DEFAULT
                        ),
                    )
                    .with_help(DEFAULT_HELP),
                );
            }
            for only in dialect_only(&expr) {
                diagnostics.push(
                    Diagnostic::warning(
                        site.location,
                        format!("{} of `{}`: {}", site.what, entity.name, only.message()),
                    )
                    .with_help(only.help())
                    .with_code("dialect_only_sql")
                    .with_dialects(only.missing()),
                );
            }
        }
    }
}

/// Why a column default may not name a column.
pub const NO_COLUMNS_IN_DEFAULT: &str = "a default is computed before the row exists, so it cannot read columns";

/// What a default may be instead.
pub const DEFAULT_HELP: &str = "write a constant expression (`lower('ABC')`, `CURRENT_TIMESTAMP`), or a `#[column(check = ...)]` to relate columns";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_outside_subqueries_are_collected() {
        let expr = parse_expr(
            "author_id = tw_current_user() OR comments.task_id IN (SELECT id FROM tasks WHERE owner = 1) OR x.y = 2",
        )
        .unwrap();
        assert_eq!(column_references(&expr, "comments"), ["author_id", "task_id"]);
    }

    #[test]
    fn quoted_names_keep_their_case() {
        let expr = parse_expr(r#""Order" > 0 AND "user" <> '' AND Total > 1"#).unwrap();
        assert_eq!(column_references(&expr, "t"), ["Order", "user", "total"]);
    }

    #[cfg(feature = "build")]
    #[test]
    fn the_schema_check_reports_columns_defaults_and_dialects() {
        let schema: crate::model::Schema = serde_json::from_value(serde_json::json!({"enums": [], "entities": [{
            "name": "Event", "table": "events", "traits": {},
            "columns": [
                {"name": "id", "field": "id", "type": {"kind": "i64"}, "nullable": false},
                {"name": "at", "field": "at", "type": {"kind": "date_time_utc"}, "nullable": false},
                {"name": "code", "field": "code", "type": {"kind": "string"}, "nullable": false,
                 "default": {"kind": "sql", "value": "lower(at)"}}],
            "primary_key": {"name": "pk_events", "columns": ["id"]},
            "indexes": [{"name": "idx_events_at", "columns": [{"name": "at"}], "where": "deleted IS NULL"}],
            "checks": [{"name": "ck_events_at", "expr": "date_trunc('day', at) = at AND code ~ '^x'"}]}]}))
        .expect("a schema");
        let mut diagnostics = Vec::new();
        check_schema(&schema, &mut diagnostics);
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "check `ck_events_at` of `Event`: the function `date_trunc` exists only on PostgreSQL: the \
                 MySQL/MariaDB and SQLite migrations will fail on it",
                "check `ck_events_at` of `Event`: the operator `~` exists only on PostgreSQL: the MySQL/MariaDB and \
                 SQLite migrations will fail on it",
                "the `where` of index `idx_events_at` of `Event` names the column `deleted`, which `events` does not have",
                "the default of `code` of `Event` names the column `at`: a default is computed before the row \
                 exists, so it cannot read columns",
            ]
        );
        assert_eq!(diagnostics.iter().filter(|d| d.is_error()).count(), 2);
    }

    #[test]
    fn trailing_tokens_are_an_error() {
        assert!(parse_expr("a = 1 b").unwrap_err().contains("after the expression"));
        assert!(parse_expr("a = ").is_err());
        assert!(parse_expr("a = 1 AND b IS NULL").is_ok());
        assert!(!parse_expr("a = (").unwrap_err().starts_with("sql parser error"));
    }
}

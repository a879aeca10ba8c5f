//! SQL written inside the schema, read with a real SQL parser (sqlparser,
//! PostgreSQL dialect): the expressions of `#[policy(...)]`. A fragment that
//! does not parse, or names a column its table does not have, is a build
//! error at the attribute, with "did you mean".
//!
//! Column references are the identifiers of the expression itself:
//! unqualified (`author_id`) or qualified by the table's own name
//! (`comments.author_id`). Identifiers inside a subquery belong to the
//! tables that subquery reads and are left to the database.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::diagnostics::Diagnostic;
use crate::model::{Entity, Location, Schema};

/// An expression parsed, or the parser's complaint.
fn parse_expr(sql: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(sql).map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    match parser.peek_token().token {
        Token::EOF => Ok(expr),
        other => Err(format!("unexpected `{other}` after the expression")),
    }
}

/// The columns an expression names outside its subqueries.
fn column_references(expr: &Expr, table: &str) -> Vec<String> {
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
                Expr::Identifier(ident) => self.found.push(ident.value.clone()),
                Expr::CompoundIdentifier(parts) => {
                    if let [qualifier, column] = parts.as_slice()
                        && qualifier.value == self.table
                    {
                        self.found.push(column.value.clone());
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

/// Checks one fragment of `entity`; `what` names it in messages (`policy
/// \`own_row\`'s \`using\``).
fn check_fragment(entity: &Entity, sql: &str, what: &str, location: &Location, diagnostics: &mut Vec<Diagnostic>) {
    let expr = match parse_expr(sql) {
        Ok(expr) => expr,
        Err(why) => {
            diagnostics.push(
                Diagnostic::error(location, format!("{what} of `{}` is not a SQL expression: {why}", entity.name))
                    .with_help(format!(
                        "the expression was `{sql}`; write a PostgreSQL boolean expression over the columns of `{}`",
                        entity.table
                    )),
            );
            return;
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
}

/// Checks the expressions of every `#[policy(...)]` of the schema.
pub fn check_policies(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    for entity in &schema.entities {
        for p in &entity.traits.policies {
            if let Some(using) = &p.using {
                check_fragment(entity, using, &format!("the `using` of policy `{}`", p.name), &p.location, diagnostics);
            }
            if let Some(check) = &p.check {
                check_fragment(entity, check, &format!("the `check` of policy `{}`", p.name), &p.location, diagnostics);
            }
        }
    }
}

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
    fn trailing_tokens_are_an_error() {
        assert!(parse_expr("a = 1 b").unwrap_err().contains("after the expression"));
        assert!(parse_expr("a = ").is_err());
        assert!(parse_expr("a = 1 AND b IS NULL").is_ok());
    }
}

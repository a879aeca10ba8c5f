//! A fragment written for one dialect from its parsed tree.
//!
//! - Column references are quoted the dialect's way (`"order"`, `` `order` ``),
//!   so a column named after a reserved word just works; unquoted names are
//!   folded to lowercase first, as PostgreSQL reads them.
//! - String literals are escaped for the dialect (MySQL reads `\` as an
//!   escape character, so it is doubled there).
//! - `length` counts characters everywhere (`char_length` on MySQL, whose
//!   `length` counts bytes; `length` on SQLite, which has no `char_length`);
//!   `now()` is `CURRENT_TIMESTAMP` on SQLite; `TRUE`/`FALSE` are `1`/`0`
//!   on MySQL and SQLite (older SQLite has no boolean literals).
//!
//! Identifiers inside a subquery name other tables' columns: left as written.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, FunctionArguments, Ident, ObjectName, Query, Value, VisitMut, VisitorMut};

use crate::types::Dialect;

/// `expr` written for `dialect`.
///
/// ```
/// use tablewright_core::fragment::{parse_expr, render};
/// use tablewright_core::types::Dialect;
/// let expr = parse_expr(r"length(Title) > 0 AND note <> 'it''s \n' AND done = TRUE").unwrap();
/// assert_eq!(render(&expr, Dialect::Postgres), r#"length("title") > 0 AND "note" <> 'it''s \n' AND "done" = true"#);
/// assert_eq!(render(&expr, Dialect::Mysql), r"char_length(`title`) > 0 AND `note` <> 'it''s \\n' AND `done` = 1");
/// ```
pub fn render(expr: &Expr, dialect: Dialect) -> String {
    let mut expr = expr.clone();
    let _ = expr.visit(&mut Renderer { dialect, depth: 0 });
    expr.to_string()
}

/// [`render`] on SQL text; text that does not parse (a model built without
/// the front end's checks) is returned as written.
///
/// ```
/// use tablewright_core::fragment::render_sql;
/// use tablewright_core::types::Dialect;
/// assert_eq!(render_sql("\"user\" IS NULL OR now() > due", Dialect::Sqlite), r#""user" IS NULL OR CURRENT_TIMESTAMP > "due""#);
/// assert_eq!(render_sql("not sql (", Dialect::Sqlite), "not sql (");
/// ```
pub fn render_sql(sql: &str, dialect: Dialect) -> String {
    match super::parse_expr(sql) {
        Ok(expr) => render(&expr, dialect),
        Err(_) => sql.to_string(),
    }
}

struct Renderer {
    dialect: Dialect,
    depth: usize,
}

impl Renderer {
    fn quote(&self, ident: &mut Ident) {
        ident.value = super::column_name(ident);
        ident.quote_style = Some(match self.dialect {
            Dialect::Mysql => '`',
            Dialect::Postgres | Dialect::Sqlite => '"',
        });
    }
}

impl VisitorMut for Renderer {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::Identifier(ident) => self.quote(ident),
            Expr::CompoundIdentifier(parts) => parts.iter_mut().for_each(|p| self.quote(p)),
            Expr::Value(v) => match &mut v.value {
                Value::SingleQuotedString(s) if self.dialect == Dialect::Mysql => *s = s.replace('\\', "\\\\"),
                Value::Boolean(b) if self.dialect != Dialect::Postgres => {
                    v.value = Value::Number(if *b { "1" } else { "0" }.to_string(), false);
                }
                _ => {}
            },
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                let renamed = match (name.as_str(), self.dialect) {
                    ("length", Dialect::Mysql) => Some("char_length"),
                    ("char_length" | "character_length", Dialect::Sqlite) => Some("length"),
                    ("now", Dialect::Sqlite) => {
                        f.args = FunctionArguments::None;
                        Some("CURRENT_TIMESTAMP")
                    }
                    _ => None,
                };
                if let Some(new) = renamed {
                    f.name = ObjectName::from(vec![Ident::new(new)]);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(sql: &str) -> [String; 3] {
        Dialect::ALL.map(|d| render_sql(sql, d))
    }

    #[test]
    fn reserved_words_are_quoted_per_dialect() {
        assert_eq!(
            all("\"order\" >= 0 AND \"user\" <> ''"),
            [r#""order" >= 0 AND "user" <> ''"#, "`order` >= 0 AND `user` <> ''", r#""order" >= 0 AND "user" <> ''"#]
        );
    }

    #[test]
    fn unquoted_reserved_words_are_quoted_per_dialect() {
        assert_eq!(
            all("order BETWEEN 0 AND 1000 OR group IS NULL"),
            [
                r#""order" BETWEEN 0 AND 1000 OR "group" IS NULL"#,
                "`order` BETWEEN 0 AND 1000 OR `group` IS NULL",
                r#""order" BETWEEN 0 AND 1000 OR "group" IS NULL"#,
            ]
        );
        assert_eq!(
            render_sql("select <> '' AND length(select) <= 100", Dialect::Mysql),
            "`select` <> '' AND char_length(`select`) <= 100"
        );
    }

    #[test]
    fn functions_and_literals_are_mapped() {
        assert_eq!(
            all("char_length(a) BETWEEN 1 AND 5 AND b IS NOT FALSE"),
            [
                r#"char_length("a") BETWEEN 1 AND 5 AND "b" IS NOT FALSE"#,
                "char_length(`a`) BETWEEN 1 AND 5 AND `b` IS NOT FALSE",
                r#"length("a") BETWEEN 1 AND 5 AND "b" IS NOT FALSE"#,
            ]
        );
        assert_eq!(all("now()")[2], "CURRENT_TIMESTAMP");
        assert_eq!(all("CURRENT_TIMESTAMP")[1], "CURRENT_TIMESTAMP");
    }

    #[test]
    fn subqueries_are_left_alone() {
        assert_eq!(
            render_sql("a IN (SELECT id FROM t WHERE b = 1)", Dialect::Mysql),
            "`a` IN (SELECT id FROM t WHERE b = 1)"
        );
    }
}

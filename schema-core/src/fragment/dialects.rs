//! Functions and operators that only some dialects have. A fragment is
//! written once and carried by every dialect's migration, so using one of
//! these is a warning naming the dialects that have it. The few that differ
//! only in spelling (`length`/`char_length`, `now()`, booleans) are mapped by [`super::render`] instead and never warned about.
//! Functions not listed here (a user's own, say) are left to the database.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, CastKind, Expr, Visit, Visitor};

use crate::types::Dialect;

const PG: &[Dialect] = &[Dialect::Postgres];
const MY: &[Dialect] = &[Dialect::Mysql];
const LITE: &[Dialect] = &[Dialect::Sqlite];
const PG_MY: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql];
const PG_LITE: &[Dialect] = &[Dialect::Postgres, Dialect::Sqlite];
const MY_LITE: &[Dialect] = &[Dialect::Mysql, Dialect::Sqlite];

/// Functions (lowercase) and the dialects that have them.
const FUNCTIONS: &[(&str, &[Dialect])] = &[
    ("array_length", PG),
    ("btrim", PG),
    ("cardinality", PG),
    ("concat", PG_MY),
    ("concat_ws", PG_MY),
    ("date_part", PG),
    ("date_trunc", PG),
    ("datediff", MY),
    ("date_format", MY),
    ("datetime", LITE),
    ("gen_random_uuid", PG),
    ("glob", LITE),
    ("greatest", PG_MY),
    ("ifnull", MY_LITE),
    ("instr", MY_LITE),
    ("json_valid", MY_LITE),
    ("julianday", LITE),
    ("least", PG_MY),
    ("left", PG_MY),
    ("md5", PG_MY),
    ("rand", MY),
    ("random", PG_LITE),
    ("regexp_like", MY),
    ("right", PG_MY),
    ("split_part", PG),
    ("strftime", LITE),
    ("to_char", PG),
    ("unixepoch", LITE),
    ("uuid", MY),
];

/// A function or operator of a fragment that only some dialects have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialectOnly {
    /// `` the function `gen_random_uuid` ``, `` the operator `~` ``.
    pub what: String,
    /// The dialects that have it.
    pub dialects: Vec<Dialect>,
}

fn display(d: Dialect) -> &'static str {
    d.display_name()
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl DialectOnly {
    /// The dialects that lack it: their migrations fail on it.
    pub fn missing(&self) -> Vec<Dialect> {
        Dialect::ALL.into_iter().filter(|d| !self.dialects.contains(d)).collect()
    }

    /// `` the function `gen_random_uuid` exists only on PostgreSQL: the
    /// MySQL/MariaDB and SQLite migrations will fail on it ``.
    pub fn message(&self) -> String {
        let on: Vec<&str> = self.dialects.iter().map(|d| display(*d)).collect();
        let off: Vec<&str> = self.missing().into_iter().map(display).collect();
        format!(
            "{} exists only on {}: the {} migration{} will fail on it",
            self.what,
            and_list(&on),
            and_list(&off),
            if off.len() > 1 { "s" } else { "" }
        )
    }

    /// What to write instead.
    pub fn help(&self) -> String {
        "tablewright writes every fragment into the migrations of PostgreSQL, MySQL/MariaDB and SQLite; \
         use functions all three have (lower, upper, length, abs, coalesce, trim, substr, round, now)"
            .to_string()
    }
}

/// The functions and operators of `expr` that only some dialects have, in
/// order of appearance, each once.
///
/// ```
/// use tablewright_core::fragment::{dialect_only, parse_expr};
/// let expr = parse_expr("slug ~ '^[a-z]+$' AND length(slug) > 2").unwrap();
/// let only = dialect_only(&expr);
/// assert_eq!(only.len(), 1);
/// assert_eq!(only[0].message(), "the operator `~` exists only on PostgreSQL: the MySQL/MariaDB and SQLite migrations will fail on it");
/// ```
pub fn dialect_only(expr: &Expr) -> Vec<DialectOnly> {
    struct Finder(Vec<DialectOnly>);
    impl Finder {
        fn push(&mut self, what: String, dialects: &[Dialect]) {
            if !self.0.iter().any(|d| d.what == what) {
                self.0.push(DialectOnly { what, dialects: dialects.to_vec() });
            }
        }
    }
    impl Visitor for Finder {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            match expr {
                Expr::Function(f) => {
                    let name = f.name.to_string().to_lowercase();
                    if let Some((_, dialects)) = FUNCTIONS.iter().find(|(n, _)| *n == name) {
                        self.push(format!("the function `{name}`"), dialects);
                    }
                }
                Expr::ILike { .. } => self.push("the operator `ILIKE`".to_string(), PG),
                Expr::SimilarTo { .. } => self.push("the operator `SIMILAR TO`".to_string(), PG),
                Expr::RLike { .. } => self.push("the operator `REGEXP`".to_string(), MY),
                Expr::Cast { kind: CastKind::DoubleColon, .. } => self.push("the cast `::`".to_string(), PG),
                Expr::BinaryOp { op, .. } => {
                    let pg_only = matches!(
                        op,
                        BinaryOperator::PGRegexMatch
                            | BinaryOperator::PGRegexIMatch
                            | BinaryOperator::PGRegexNotMatch
                            | BinaryOperator::PGRegexNotIMatch
                            | BinaryOperator::PGLikeMatch
                            | BinaryOperator::PGILikeMatch
                            | BinaryOperator::PGNotLikeMatch
                            | BinaryOperator::PGNotILikeMatch
                            | BinaryOperator::AtArrow
                            | BinaryOperator::ArrowAt
                            | BinaryOperator::Question
                            | BinaryOperator::QuestionAnd
                            | BinaryOperator::QuestionPipe
                    );
                    if pg_only {
                        self.push(format!("the operator `{op}`"), PG);
                    } else if *op == BinaryOperator::StringConcat {
                        // MySQL reads `||` as OR unless PIPES_AS_CONCAT is set.
                        self.push("the operator `||`".to_string(), PG_LITE);
                    }
                }
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let mut finder = Finder(Vec::new());
    let _ = expr.visit(&mut finder);
    finder.0
}

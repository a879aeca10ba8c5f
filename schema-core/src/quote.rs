//! The one quoting helper for SQL that sea-query does not build (policies,
//! triggers, COMMENT ON, enum value lists). Never quote with ad-hoc `format!`.

use crate::types::Dialect;

/// A standard SQL string literal: single quotes, inner quotes doubled. Right for
/// Postgres and SQLite; for MySQL, where `\` escapes, use
/// [`dialect_string_literal`].
///
/// ```
/// use tablewright_core::quote::string_literal;
/// assert_eq!(string_literal("it's"), "'it''s'");
/// ```
pub fn string_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A string literal for one dialect: on MySQL a backslash is an escape
/// character inside literals, so it is doubled there.
///
/// ```
/// use tablewright_core::quote::dialect_string_literal;
/// use tablewright_core::types::Dialect;
/// assert_eq!(dialect_string_literal(Dialect::Mysql, r"a\b"), r"'a\\b'");
/// assert_eq!(dialect_string_literal(Dialect::Postgres, r"a\b"), r"'a\b'");
/// ```
pub fn dialect_string_literal(dialect: Dialect, value: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''")),
        Dialect::Postgres | Dialect::Sqlite => string_literal(value),
    }
}

/// A quoted identifier: `"user"` on Postgres and SQLite, `` `user` `` on MySQL,
/// with the quote character doubled inside.
///
/// ```
/// use tablewright_core::quote::ident;
/// use tablewright_core::types::Dialect;
/// assert_eq!(ident(Dialect::Postgres, "user"), "\"user\"");
/// assert_eq!(ident(Dialect::Mysql, "order"), "`order`");
/// ```
pub fn ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

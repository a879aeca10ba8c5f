//! Splitting a migration file into statements, so a failure can name the
//! statement number and line, and so statements that may not share a
//! transaction (`CREATE INDEX CONCURRENTLY`) run one at a time.
//!
//! sqlparser's tokenizer does the lexing (quotes, dollar quotes, comments,
//! backticks); on top of it a statement ends at a `;` outside a trigger or
//! routine body. A body is `BEGIN ... END` in a `CREATE TRIGGER/FUNCTION/
//! PROCEDURE/EVENT` statement of MySQL or SQLite (PostgreSQL bodies are
//! dollar-quoted strings, one token); `CASE ... END` nests inside it and
//! `END IF` / `END LOOP` / `END WHILE` / `END REPEAT` close nothing counted.

use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::db::Dialect;

/// One statement of a file: its text without the final `;` and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub line: u64,
    pub sql: String,
}

/// The statements of `sql` in order; comment-only pieces are dropped.
///
/// ```
/// use tablewright_cli::db::Dialect;
/// use tablewright_cli::migrate::split::split;
/// let sql = "CREATE TABLE t (a INT);\n\nCREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW\nBEGIN\n  SET @x = CASE WHEN NEW.a > 0 THEN 1 ELSE 0 END;\n  IF @x THEN SET @y = 1; END IF;\nEND;\n-- trailing comment\n";
/// let statements = split(sql, Dialect::Mysql).unwrap();
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[1].line, 3);
/// assert!(statements[1].sql.ends_with("END"));
/// ```
pub fn split(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, String> {
    let tokens = tokenize(sql, dialect)?;
    let offsets = LineOffsets::new(sql);
    let mut statements = Vec::new();
    let mut start: Option<usize> = None; // index of the first significant token
    let mut routine = false; // the statement creates a trigger or routine
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        if matches!(token.token, Token::Whitespace(_)) {
            continue;
        }
        if token.token == Token::SemiColon && depth == 0 {
            if let Some(first) = start.take() {
                statements.push(piece(sql, &offsets, &tokens[first], token));
            }
            routine = false;
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        let Token::Word(word) = &token.token else { continue };
        match word.keyword {
            Keyword::TRIGGER | Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::EVENT
                if dialect != Dialect::Postgres && starts_with_create(&tokens, start) =>
            {
                routine = true
            }
            Keyword::BEGIN | Keyword::CASE if routine => depth += 1,
            Keyword::END if routine => {
                let closes_uncounted = next_word(&tokens, i + 1)
                    .is_some_and(|w| ["IF", "LOOP", "WHILE", "REPEAT"].iter().any(|k| w.eq_ignore_ascii_case(k)));
                if !closes_uncounted {
                    depth = depth.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    if let Some(first) = start {
        // The last statement needs no `;`: it ends with its last token.
        let last = tokens.iter().rev().find(|t| !matches!(t.token, Token::Whitespace(_))).expect("start is a token");
        let from = offsets.offset(tokens[first].span.start);
        let to = offsets.offset(last.span.end);
        statements.push(Statement { line: tokens[first].span.start.line, sql: sql[from..to].trim().to_string() });
    }
    Ok(statements)
}

fn tokenize(sql: &str, dialect: Dialect) -> Result<Vec<TokenWithSpan>, String> {
    let parser_dialect: Box<dyn SqlDialect> = match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    };
    Tokenizer::new(parser_dialect.as_ref(), sql)
        .with_unescape(false)
        .tokenize_with_location()
        .map_err(|e| format!("cannot split the file into statements: {e}"))
}

fn starts_with_create(tokens: &[TokenWithSpan], start: Option<usize>) -> bool {
    start.is_some_and(|i| matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::CREATE))
}

/// The next word after `from`, as written.
fn next_word(tokens: &[TokenWithSpan], from: usize) -> Option<&str> {
    tokens.iter().skip(from).find(|t| !matches!(t.token, Token::Whitespace(_))).and_then(|t| match &t.token {
        Token::Word(w) => Some(w.value.as_str()),
        _ => None,
    })
}

/// The text from `first` up to (not including) `end`.
fn piece(sql: &str, offsets: &LineOffsets, first: &TokenWithSpan, end: &TokenWithSpan) -> Statement {
    let from = offsets.offset(first.span.start);
    let to = offsets.offset(end.span.start);
    Statement { line: first.span.start.line, sql: sql[from..to].trim().to_string() }
}

/// Byte offsets of token positions (sqlparser counts lines and columns in
/// characters, from 1).
struct LineOffsets<'a> {
    sql: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineOffsets<'a> {
    fn new(sql: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        LineOffsets { sql, starts }
    }

    fn offset(&self, location: Location) -> usize {
        let Some(&line_start) = self.starts.get(location.line.saturating_sub(1) as usize) else {
            return self.sql.len();
        };
        let skipped: usize =
            self.sql[line_start..].chars().take(location.column.saturating_sub(1) as usize).map(char::len_utf8).sum();
        line_start + skipped
    }
}

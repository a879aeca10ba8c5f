//! Prisma Schema Language text to a syntax tree ([`SchemaFile`]).
//!
//! The grammar is `prisma.pest`, run by [pest]. Why a PEG library and pest
//! in particular: Prisma's own parser (prisma-engines' `schema-ast`) is a
//! pest grammar too, so the language's shape (newline-terminated fields,
//! attributes glued to their `@`, arguments that are expressions, arrays or
//! calls) maps onto pest rules one for one; the grammar lives in one
//! readable file instead of hand-written recursive descent; and pest reports
//! a failure at the furthest position it reached with the rules it expected
//! there, which [`ParseError`] turns into `file:line:col: expected ...`. A
//! combinator library (nom, chumsky) would spread the grammar over Rust code
//! and leave error positions to us; regexes cannot nest arguments.
//!
//! The tree keeps what the converter needs and nothing Prisma would
//! validate for us: attribute arguments stay generic ([`Argument`],
//! [`Expr`]) and are interpreted in [`super::convert`].

use pest::Parser;
use pest::error::{ErrorVariant, LineColLocation};
use pest::iterators::Pair;
use tablewright_core::model::Location;

#[derive(pest_derive::Parser)]
#[grammar = "import/prisma/prisma.pest"]
struct PslParser;

/// Where a declaration, field or attribute starts: the model's
/// [`Location`] (1-based line and column), so notes and diagnostics print
/// `file:line:col` alike.
pub type Pos = Location;

/// One parsed `.prisma` file: its declarations in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemaFile {
    pub configs: Vec<ConfigBlock>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
}

/// `datasource db { ... }` or `generator client { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigBlock {
    /// `datasource` or `generator`.
    pub kind: String,
    pub name: String,
    pub entries: Vec<(String, Expr)>,
    pub pos: Pos,
}

/// What a model-like block declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    Model,
    /// `view` (a preview feature): no table of its own.
    View,
    /// `type`: a MongoDB composite type.
    Type,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub kind: ModelKind,
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// `@@id`, `@@unique`, `@@index`, `@@map`, ... in source order.
    pub attributes: Vec<Attribute>,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub attributes: Vec<Attribute>,
    pub doc: Option<String>,
    pub pos: Pos,
}

impl Field {
    /// The first attribute named `name` (`id`, `db.VarChar`, `relation`).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// `?` or `[]` after a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Required,
    Optional,
    List,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldType {
    /// `String`, `Post`, ... or `Unsupported`.
    pub name: String,
    /// The database type of `Unsupported("...")`.
    pub unsupported: Option<String>,
    pub arity: Arity,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: String,
    pub doc: Option<String>,
    pub values: Vec<EnumValue>,
    pub attributes: Vec<Attribute>,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub doc: Option<String>,
    pub pos: Pos,
}

/// `@name(args)` or `@@name(args)`; `name` without the `@`s.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub args: Vec<Argument>,
    pub pos: Pos,
}

impl Attribute {
    /// The argument called `name`, or (with `positional`) the first unnamed
    /// one: `@relation("Name")` and `@relation(name: "Name")` alike.
    pub fn arg(&self, name: &str, positional: bool) -> Option<&Expr> {
        self.args
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .or_else(|| positional.then(|| self.args.iter().find(|a| a.name.is_none())).flatten())
            .map(|a| &a.value)
    }
}

/// `name: value` or a positional `value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    pub name: Option<String>,
    pub value: Expr,
}

/// An attribute argument or config value.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal, escapes resolved.
    String(String),
    /// A number as written (`1`, `-2.5`).
    Number(String),
    /// An identifier or dotted path: `true`, `Cascade`, `ADMIN`, `title`.
    Path(String),
    /// `now()`, `dbgenerated("...")`, `title(sort: Desc)`.
    Call {
        name: String,
        args: Vec<Argument>,
    },
    Array(Vec<Expr>),
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::String(s) => Some(s),
            _ => None,
        }
    }

    /// The path of a bare identifier (`Cascade`), or a call's name (`now`).
    pub fn name(&self) -> Option<&str> {
        match self {
            Expr::Path(p) | Expr::Call { name: p, .. } => Some(p),
            _ => None,
        }
    }

    /// The elements of an array; a single value counts as a one-element list
    /// (Prisma accepts `fields: id` for `fields: [id]`).
    pub fn items(&self) -> Vec<&Expr> {
        match self {
            Expr::Array(items) => items.iter().collect(),
            other => vec![other],
        }
    }
}

/// A syntax error: where, and what the grammar expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

/// Parses one file's text; `file` names it in positions and errors.
///
/// ```
/// use tablewright_cli::import::prisma::parse::{parse, Arity};
/// let schema = parse("schema.prisma", "model User {\n  id Int @id\n  posts Post[]\n}\n").unwrap();
/// assert_eq!(schema.models[0].fields[1].ty.arity, Arity::List);
/// let error = parse("schema.prisma", "model User {\n  id Int @id(\n}\n").unwrap_err();
/// assert!(error.to_string().starts_with("schema.prisma:3:1: expected "), "{error}");
/// ```
pub fn parse(file: &str, text: &str) -> Result<SchemaFile, ParseError> {
    let mut pairs = PslParser::parse(Rule::schema, text).map_err(|e| parse_error(file, text, e))?;
    let root = pairs.next().expect("the schema rule matched");
    let mut out = SchemaFile::default();
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::config_block => out.configs.push(config_block(file, pair)),
            Rule::model_block => out.models.push(model_block(file, pair)),
            Rule::enum_block => out.enums.push(enum_block(file, pair)),
            _ => {}
        }
    }
    Ok(out)
}

fn parse_error(file: &str, text: &str, error: pest::error::Error<Rule>) -> ParseError {
    let (line, column) = match error.line_col {
        LineColLocation::Pos(p) | LineColLocation::Span(p, _) => p,
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut wanted: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
            wanted.sort_unstable();
            wanted.dedup();
            let found = found_at(text.lines().nth(line - 1).unwrap_or_default(), column);
            format!("expected {}, found {found}", one_of(&wanted))
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    ParseError { pos: Pos { file: file.to_string(), line, column }, message }
}

/// What stands at the error: the next word or character, or the line's end.
fn found_at(line: &str, column: usize) -> String {
    let rest: String = line.chars().skip(column - 1).collect();
    let rest = rest.trim_end_matches('\r');
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    match (word.is_empty(), rest.chars().next()) {
        (false, _) => format!("`{word}`"),
        (true, Some(c)) => format!("`{c}`"),
        (true, None) => "the end of the line".to_string(),
    }
}

fn one_of(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The grammar's rules in the words of an error message.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::config_kind
        | Rule::model_kind
        | Rule::enum_kind
        | Rule::declaration
        | Rule::config_block
        | Rule::model_block
        | Rule::enum_block => "a declaration (`model`, `enum`, `datasource`, `generator`)",
        Rule::config_entry => "a `key = value` line",
        Rule::field => "a field",
        Rule::enum_value => "an enum value",
        Rule::field_type | Rule::type_name | Rule::unsupported => "a field type",
        Rule::arity => "`?` or `[]`",
        Rule::field_attribute => "a field attribute (`@...`)",
        Rule::block_attribute | Rule::block_attribute_line => "a block attribute (`@@...`)",
        Rule::attribute_name => "an attribute name",
        Rule::arguments => "`(`",
        Rule::argument | Rule::argument_name => "an argument",
        Rule::expression | Rule::call | Rule::path => "a value",
        Rule::array => "`[`",
        Rule::number => "a number",
        Rule::string | Rule::string_text => "a string",
        Rule::identifier => "a name",
        Rule::doc_comment | Rule::doc_text | Rule::doc_block | Rule::stray_doc => "a `///` comment",
        Rule::line_break | Rule::line_end | Rule::gap => "a new line",
        Rule::keyword_end => "a space",
        Rule::EOI => "the end of the file",
        Rule::schema => "a schema",
        Rule::WHITESPACE | Rule::COMMENT => "a space",
    }
}

fn pos(file: &str, pair: &Pair<'_, Rule>) -> Pos {
    let (line, column) = pair.as_span().start_pos().line_col();
    Pos { file: file.to_string(), line, column }
}

/// The text of a `doc_block` (and a trailing `///` on the same line), lines
/// joined, each without its `///` and one leading space.
fn doc(lines: Vec<String>) -> Option<String> {
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn doc_line(pair: Pair<'_, Rule>) -> String {
    let text = pair.into_inner().next().map_or("", |t| t.as_str());
    let text = text.strip_prefix(' ').unwrap_or(text);
    text.trim_end().to_string()
}

fn doc_block(pair: Pair<'_, Rule>) -> Vec<String> {
    pair.into_inner().filter(|p| p.as_rule() == Rule::doc_comment).map(doc_line).collect()
}

fn config_block(file: &str, pair: Pair<'_, Rule>) -> ConfigBlock {
    let at = pos(file, &pair);
    let mut out = ConfigBlock { kind: String::new(), name: String::new(), entries: Vec::new(), pos: at };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::config_kind => out.kind = p.as_str().to_string(),
            Rule::identifier => out.name = p.as_str().to_string(),
            Rule::config_entry => {
                let mut inner = p.into_inner();
                let key = inner.next().expect("a key").as_str().to_string();
                let value = expression(inner.next().expect("a value"));
                out.entries.push((key, value));
            }
            _ => {}
        }
    }
    out
}

fn model_block(file: &str, pair: Pair<'_, Rule>) -> Model {
    let at = pos(file, &pair);
    let mut out =
        Model { kind: ModelKind::Model, name: String::new(), doc: None, fields: vec![], attributes: vec![], pos: at };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::doc_block => out.doc = doc(doc_block(p)),
            Rule::model_kind => {
                out.kind = match p.as_str() {
                    "view" => ModelKind::View,
                    "type" => ModelKind::Type,
                    _ => ModelKind::Model,
                }
            }
            Rule::identifier => {
                out.pos = pos(file, &p);
                out.name = p.as_str().to_string();
            }
            Rule::field => out.fields.push(field(file, p)),
            Rule::block_attribute => out.attributes.push(attribute(file, p)),
            _ => {}
        }
    }
    out
}

fn field(file: &str, pair: Pair<'_, Rule>) -> Field {
    let at = pos(file, &pair);
    let mut docs = Vec::new();
    let mut out = Field {
        name: String::new(),
        ty: FieldType { name: String::new(), unsupported: None, arity: Arity::Required },
        attributes: vec![],
        doc: None,
        pos: at,
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::doc_block => docs.extend(doc_block(p)),
            Rule::doc_comment => docs.push(doc_line(p)),
            Rule::identifier => {
                out.pos = pos(file, &p);
                out.name = p.as_str().to_string();
            }
            Rule::field_type => out.ty = field_type(p),
            Rule::field_attribute => out.attributes.push(attribute(file, p)),
            _ => {}
        }
    }
    out.doc = doc(docs);
    out
}

fn field_type(pair: Pair<'_, Rule>) -> FieldType {
    let mut out = FieldType { name: String::new(), unsupported: None, arity: Arity::Required };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::type_name => out.name = p.as_str().to_string(),
            Rule::unsupported => {
                out.name = "Unsupported".to_string();
                out.unsupported = p.into_inner().next().map(string_value);
            }
            Rule::arity => out.arity = if p.as_str() == "?" { Arity::Optional } else { Arity::List },
            _ => {}
        }
    }
    out
}

fn enum_block(file: &str, pair: Pair<'_, Rule>) -> Enum {
    let at = pos(file, &pair);
    let mut out = Enum { name: String::new(), doc: None, values: vec![], attributes: vec![], pos: at };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::doc_block => out.doc = doc(doc_block(p)),
            Rule::identifier => {
                out.pos = pos(file, &p);
                out.name = p.as_str().to_string();
            }
            Rule::block_attribute => out.attributes.push(attribute(file, p)),
            Rule::enum_value => {
                let at = pos(file, &p);
                let mut value = EnumValue { name: String::new(), attributes: vec![], doc: None, pos: at };
                let mut docs = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::doc_block => docs.extend(doc_block(q)),
                        Rule::doc_comment => docs.push(doc_line(q)),
                        Rule::identifier => {
                            value.pos = pos(file, &q);
                            value.name = q.as_str().to_string();
                        }
                        Rule::field_attribute => value.attributes.push(attribute(file, q)),
                        _ => {}
                    }
                }
                value.doc = doc(docs);
                out.values.push(value);
            }
            _ => {}
        }
    }
    out
}

fn attribute(file: &str, pair: Pair<'_, Rule>) -> Attribute {
    let at = pos(file, &pair);
    let mut out = Attribute { name: String::new(), args: vec![], pos: at };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::attribute_name => out.name = p.as_str().to_string(),
            Rule::arguments => out.args = arguments(p),
            _ => {}
        }
    }
    out
}

fn arguments(pair: Pair<'_, Rule>) -> Vec<Argument> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::argument)
        .map(|p| {
            let mut name = None;
            let mut value = Expr::Array(vec![]);
            for q in p.into_inner() {
                match q.as_rule() {
                    Rule::argument_name => name = Some(q.as_str().to_string()),
                    Rule::expression => value = expression(q),
                    _ => {}
                }
            }
            Argument { name, value }
        })
        .collect()
}

fn expression(pair: Pair<'_, Rule>) -> Expr {
    let inner = pair.into_inner().next().expect("an expression has one alternative");
    match inner.as_rule() {
        Rule::string => Expr::String(string_value(inner)),
        Rule::number => Expr::Number(inner.as_str().to_string()),
        Rule::path => Expr::Path(inner.as_str().to_string()),
        Rule::array => {
            Expr::Array(inner.into_inner().filter(|p| p.as_rule() == Rule::expression).map(expression).collect())
        }
        Rule::call => {
            let mut name = String::new();
            let mut args = Vec::new();
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::path => name = p.as_str().to_string(),
                    Rule::arguments => args = arguments(p),
                    _ => {}
                }
            }
            Expr::Call { name, args }
        }
        other => unreachable!("the grammar's expression has no {other:?} alternative"),
    }
}

/// A string literal's value: `\"`, `\\`, `\n`, `\t`, `\r` and `\uXXXX`
/// resolved, as Prisma reads them.
fn string_value(pair: Pair<'_, Rule>) -> String {
    let raw = pair.into_inner().next().map_or("", |p| p.as_str());
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! Reading a live database back into [`tablewright_core::model::Schema`].
//!
//! Each dialect module reads its catalog into a raw model: one entity per
//! table with its columns (types mapped back through docs/types.md's type
//! table, anything else kept as `sql_type`), primary and foreign keys,
//! indexes, checks, enums and comments, plus [`Facts`] about what
//! tablewright itself generates around tables (its triggers, row-level
//! security policies, functions). Everything it cannot express (views,
//! tables without a primary key, expression indexes, generated columns,
//! foreign triggers and functions...) goes to the report.
//!
//! [`finish`] then names the entities, resolves foreign-key targets and
//! drops what cannot stand (a table without a key), and [`recognize`] marks
//! what tablewright's own attributes would have produced (`#[timestamps]`,
//! `#[soft_delete]`, `#[versioned]`, `#[userstamps]`, `#[many_to_many]`,
//! `#[polymorphic]`, `#[audited]`, `#[tenant]`/`#[tenant_scoped]`/
//! `#[global]`), so the source writer ([`crate::import::source`]) leaves
//! those columns to their attributes.
//!
//! - [`postgres`]: `pg_catalog`, schema `public`;
//! - [`mysql`]: `information_schema`, the connection's current database;
//! - [`sqlite`]: `sqlite_master` and the pragmas.

use tablewright_core::model::{Column, ColumnType, Entity, EnumType, EnumVariant, Location, ReferentialAction, Schema};
use tablewright_core::types;

use crate::db::{Connection, DbError, Dialect};

pub mod mysql;
pub mod postgres;
pub mod recognize;
pub mod sqlite;

/// A database read back into the model, with what could not be expressed.
#[derive(Clone, Debug, Default)]
pub struct Introspection {
    /// The model, with tablewright's cross-cutting attributes recognised.
    pub schema: Schema,
    /// One line per thing the model does not keep, naming it.
    pub report: Vec<String>,
}

/// What the catalog says about tablewright's own machinery around tables.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Names of the triggers on each table: `(table, trigger)`.
    pub triggers: Vec<(String, String)>,
    /// The tenant table when row-level security names one (PostgreSQL).
    pub tenant_table: Option<String>,
    /// `#[tenant(membership = ...)]`, read from the tenant functions.
    pub membership: Option<MembershipFacts>,
    /// `(table, tenant column)` of every table whose policies scope it.
    pub scoped: Vec<(String, String)>,
    /// Tables with row-level security on.
    pub rls: Vec<String>,
    /// Tables whose audit rows the application may read (`#[audited(readable)]`).
    pub audit_readable: Vec<String>,
    /// The policies written in the schema (`#[policy]`), tenant condition
    /// taken off: `(table, policy)`.
    pub policies: Vec<(String, tablewright_core::model::RowPolicy)>,
    /// MySQL columns set `ON UPDATE CURRENT_TIMESTAMP`: `(table, column)`.
    pub on_update_now: Vec<(String, String)>,
}

/// The membership table of a tenant in membership mode, by table name.
#[derive(Clone, Debug, Default)]
pub struct MembershipFacts {
    pub table: String,
    pub user_column: String,
    pub role_column: String,
    pub admin_roles: Vec<String>,
    pub read_only_roles: Vec<String>,
}

/// Reads the database behind `conn` into the model.
///
/// Errors are the database's, one line each ([`DbError`]); what the model
/// cannot express is not an error but a line of [`Introspection::report`].
pub fn introspect(conn: &mut Connection) -> Result<Introspection, DbError> {
    let (mut schema, facts, mut report) = match conn.dialect() {
        Dialect::Postgres => postgres::read(conn)?,
        Dialect::Mysql => mysql::read(conn)?,
        Dialect::Sqlite => sqlite::read(conn)?,
    };
    finish(&mut schema, conn.dialect(), &mut report);
    recognize::apply(&mut schema, &facts, conn.dialect(), &mut report);
    Ok(Introspection { schema, report })
}

/// The bookkeeping tables of migration tools (sqlx, which `tablewright
/// migrate` is compatible with, and the usual others): not part of the schema.
pub const MIGRATION_HISTORY_TABLES: &[&str] = &[
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "_prisma_migrations",
    "__drizzle_migrations",
    "alembic_version",
    "flyway_schema_history",
    "knex_migrations",
    "knex_migrations_lock",
    "schema_migrations",
    "seaql_migrations",
];

/// Names entities and enums, resolves foreign-key targets, and drops the
/// tables the DSL cannot hold (no primary key) with the keys that point at
/// them. Readers fill `target_table` and leave `target` empty; enum columns
/// hold the enum's SQL name until here.
pub fn finish(schema: &mut Schema, dialect: Dialect, report: &mut Vec<String>) {
    schema.entities.retain(|e| {
        if MIGRATION_HISTORY_TABLES.contains(&e.table.as_str()) {
            report.push(format!("table `{}` is a migration tool's history: left out", e.table));
            false
        } else if e.primary_key.columns.is_empty() {
            report.push(format!("table `{}` has no primary key: left out (every entity needs `#[id]`)", e.table));
            false
        } else {
            true
        }
    });
    let mut taken: Vec<String> = Vec::new();
    for e in &mut schema.entities {
        e.name = unique_name(entity_name(&e.table), &mut taken);
        // A key column holds no NULL (SQLite's `id INTEGER PRIMARY KEY`
        // says nothing, but is the rowid).
        for c in e.columns.iter_mut().filter(|c| e.primary_key.columns.contains(&c.name)) {
            c.nullable = false;
        }
    }
    let entity_names = taken.clone();
    let mut renames: Vec<(String, String)> = Vec::new();
    for en in &mut schema.enums {
        let mut name = pascal_case(&en.sql_name);
        if entity_names.contains(&name) {
            name.push_str("Kind");
        }
        let name = unique_name(name, &mut taken);
        renames.push((en.sql_name.clone(), name.clone()));
        en.name = name;
        for v in &mut en.variants {
            v.name = variant_name(&v.value);
        }
        dedupe_variants(en);
    }
    let tables: Vec<(String, String, Vec<Column>, Vec<String>)> = schema
        .entities
        .iter()
        .map(|e| (e.table.clone(), e.name.clone(), e.columns.clone(), e.primary_key.columns.clone()))
        .collect();
    for e in &mut schema.entities {
        for c in &mut e.columns {
            if let ColumnType::Enum(sql) = &c.ty
                && let Some((_, name)) = renames.iter().find(|(s, _)| s == sql)
            {
                c.ty = ColumnType::Enum(name.clone());
            }
        }
        let table = e.table.clone();
        let columns = &mut e.columns;
        e.foreign_keys.retain_mut(|fk| {
            let Some((_, name, target_columns, target_key)) = tables.iter().find(|(t, ..)| *t == fk.target_table) else {
                report.push(format!(
                    "table `{table}`: the foreign key `{}` points at `{}`, which is not imported: left out",
                    fk.name, fk.target_table
                ));
                return false;
            };
            fk.target = name.clone();
            if fk.target_columns.is_empty() {
                // `REFERENCES t` without columns: t's primary key.
                fk.target_columns = target_key.clone();
            }
            // A key column takes the type of the column it references
            // (`#[belongs_to]` requires it) where the database stores both
            // alike: SQLite's TEXT for a `Uuid`, integers of two widths.
            for (col, target) in fk.columns.iter().zip(&fk.target_columns) {
                let Some(target) = target_columns.iter().find(|c| &c.name == target) else { continue };
                let Some(c) = columns.iter_mut().find(|c| &c.name == col) else { continue };
                match retype(dialect, c, target) {
                    Some(false) => {}
                    Some(true) => report.push(format!(
                        "table `{table}`: `{col}` takes the type of `{}`.{}, which its foreign key `{}` references (`#[belongs_to]` needs one type)",
                        fk.target_table, target.name, fk.name
                    )),
                    None => {
                        report.push(format!(
                            "table `{table}`: the foreign key `{}` joins `{col}` to `{}`.{}, a column of another type: left out",
                            fk.name, fk.target_table, target.name
                        ));
                        return false;
                    }
                }
            }
            true
        });
    }
}

/// Gives `c` the type of `target`: `Some(false)` when the database stores
/// both alike (SQLite's TEXT for a `Uuid` and a `String`), `Some(true)`
/// when the stored type changes within a family (an `INT` key column of a
/// `BIGINT` key), `None` when they are unrelated (`c` unchanged).
pub fn retype(dialect: Dialect, c: &mut Column, target: &Column) -> Option<bool> {
    if c.ty == target.ty && c.sql_type == target.sql_type && c.max_len == target.max_len {
        return Some(false);
    }
    let stored = |c: &Column| types::sql_type(dialect, &Column { nullable: false, ..c.clone() }, None, true);
    let same = stored(c) == stored(target);
    let widened = c.sql_type.is_none() && target.sql_type.is_none() && same_family(&c.ty, &target.ty);
    if !same && !widened {
        return None;
    }
    c.ty = target.ty.clone();
    c.max_len = target.max_len;
    c.precision = target.precision;
    c.scale = target.scale;
    c.sql_type = target.sql_type.clone();
    Some(!same)
}

/// The key column of an entity with a single-column primary key.
pub fn single_key(e: &Entity) -> Option<&Column> {
    match e.primary_key.columns.as_slice() {
        [one] => e.column(one),
        _ => None,
    }
}

/// Integers of different widths: MySQL and SQLite keys often differ from
/// the columns pointing at them only by width.
fn same_family(a: &ColumnType, b: &ColumnType) -> bool {
    use ColumnType as T;
    matches!((a, b), (T::String, T::String))
        || (matches!(a, T::I16 | T::I32 | T::I64) && matches!(b, T::I16 | T::I32 | T::I64))
}

fn unique_name(base: String, taken: &mut Vec<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// Rust names the prelude or the language already use.
const RESERVED_TYPES: &[&str] = &[
    "Uuid",
    "DateTime",
    "Utc",
    "NaiveDate",
    "NaiveDateTime",
    "NaiveTime",
    "Json",
    "Decimal",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Entity",
    "DbEnum",
    "Self",
];

/// The entity name of a table: singular PascalCase, `task_labels` ->
/// `TaskLabel`, `categories` -> `Category`.
///
/// ```
/// use tablewright_cli::introspect::entity_name;
/// assert_eq!(entity_name("task_labels"), "TaskLabel");
/// assert_eq!(entity_name("categories"), "Category");
/// assert_eq!(entity_name("addresses"), "Address");
/// assert_eq!(entity_name("user"), "User");
/// ```
pub fn entity_name(table: &str) -> String {
    let snake = crate::import::source::sanitize(table);
    let (head, last) = match snake.rsplit_once('_') {
        Some((h, l)) => (format!("{h}_"), l.to_string()),
        None => (String::new(), snake.clone()),
    };
    let name = pascal_case(&format!("{head}{}", singular(&last)));
    if RESERVED_TYPES.contains(&name.as_str()) { format!("{name}Row") } else { name }
}

/// The singular of an English plural, the inverse of `naming::pluralize`
/// where
/// that is unambiguous.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies")
        && !stem.is_empty()
    {
        return format!("{stem}y");
    }
    if let Some(stem) = word.strip_suffix("es")
        && ["ss", "x", "z", "ch", "sh"].iter().any(|s| stem.ends_with(s))
    {
        return stem.to_string();
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_string(),
        _ => word.to_string(),
    }
}

/// `in_progress` -> `InProgress`; anything not a letter or digit separates words.
pub fn pascal_case(name: &str) -> String {
    let snake = crate::import::source::sanitize(name);
    let out: String = snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        _ => format!("V{out}"),
    }
}

/// The variant of a stored enum value: the name whose snake_case is the
/// value when there is one (`in_progress` -> `InProgress`).
fn variant_name(value: &str) -> String {
    pascal_case(value)
}

fn dedupe_variants(en: &mut EnumType) {
    let mut taken = Vec::new();
    for v in &mut en.variants {
        v.name = unique_name(v.name.clone(), &mut taken);
    }
}

/// The enum of `values`: one already read with the same values, or a new
/// one named after the column (MySQL and SQLite store no enum name).
pub fn enum_for(enums: &mut Vec<EnumType>, table: &str, column: &str, values: Vec<String>) -> String {
    if let Some(e) = enums.iter().find(|e| e.variants.iter().map(|v| &v.value).eq(values.iter())) {
        return e.sql_name.clone();
    }
    let mut sql_name = column.to_string();
    if enums.iter().any(|e| e.sql_name == sql_name) {
        sql_name = format!("{}_{column}", tablewright_core::naming::snake_case(&entity_name(table)));
    }
    while enums.iter().any(|e| e.sql_name == sql_name) {
        sql_name.push('_');
    }
    enums.push(EnumType {
        name: pascal_case(&sql_name),
        sql_name: sql_name.clone(),
        variants: values.into_iter().map(|value| EnumVariant { name: String::new(), value, doc: None }).collect(),
        doc: None,
        location: Location::default(),
    });
    sql_name
}

/// The Rust type of a column whose SQL type has no row in the type table
/// (it keeps that type as `#[column(sql_type = "...")]`): the closest one
/// by name, `String` when nothing fits. SQLite's integers are 64-bit.
///
/// ```
/// use tablewright_cli::introspect::fallback_type;
/// use tablewright_core::model::ColumnType;
/// use tablewright_core::types::Dialect;
/// assert_eq!(fallback_type("mediumint(9)", Dialect::Mysql), ColumnType::I32);
/// assert_eq!(fallback_type("INT", Dialect::Sqlite), ColumnType::I64);
/// assert_eq!(fallback_type("timestamp(3) with time zone", Dialect::Postgres), ColumnType::DateTimeUtc);
/// assert_eq!(fallback_type("character(2)", Dialect::Postgres), ColumnType::String);
/// assert_eq!(fallback_type("point", Dialect::Postgres), ColumnType::String);
/// assert_eq!(fallback_type("integer[]", Dialect::Postgres), ColumnType::String);
/// assert_eq!(fallback_type("mediumint unsigned", Dialect::Mysql), ColumnType::I32);
/// ```
pub fn fallback_type(sql: &str, dialect: Dialect) -> ColumnType {
    let t = sql.to_ascii_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if t.ends_with("[]")
        || any(&["char", "character", "varchar", "nchar", "nvarchar", "text", "clob", "enum", "set"])
        || words.iter().any(|w| w.ends_with("text"))
    {
        return ColumnType::String;
    }
    const INTEGERS: [&str; 11] =
        ["int", "integer", "int2", "int4", "int8", "tinyint", "smallint", "mediumint", "bigint", "serial", "bigserial"];
    match () {
        _ if any(&["bool", "boolean"]) => ColumnType::Bool,
        _ if any(&INTEGERS) && dialect == Dialect::Sqlite => ColumnType::I64,
        _ if any(&["bigint", "int8", "bigserial"]) => ColumnType::I64,
        _ if any(&["tinyint", "smallint", "int2"]) => ColumnType::I16,
        _ if any(&INTEGERS) => ColumnType::I32,
        _ if t.contains("with time zone")
            || any(&["timestamptz"])
            || (any(&["timestamp"]) && dialect == Dialect::Mysql) =>
        {
            ColumnType::DateTimeUtc
        }
        _ if any(&["timestamp", "datetime"]) => ColumnType::NaiveDateTime,
        _ if any(&["date"]) => ColumnType::NaiveDate,
        _ if any(&["time", "timetz"]) => ColumnType::NaiveTime,
        _ if any(&["float4"]) || (any(&["real"]) && dialect != Dialect::Sqlite) => ColumnType::F32,
        _ if any(&["real", "float", "float8", "double"]) => ColumnType::F64,
        _ if any(&["numeric", "decimal", "money"]) => ColumnType::Decimal,
        _ if words.iter().any(|w| w.ends_with("blob") || w.ends_with("binary")) || any(&["bytea"]) => ColumnType::Bytes,
        _ if any(&["json", "jsonb"]) => ColumnType::Json,
        _ if any(&["uuid"]) => ColumnType::Uuid,
        _ => ColumnType::String,
    }
}

/// A referential action as `information_schema` and SQLite's pragma print it.
pub fn referential_action(text: &str) -> ReferentialAction {
    match text.to_ascii_uppercase().as_str() {
        "CASCADE" => ReferentialAction::Cascade,
        "RESTRICT" => ReferentialAction::Restrict,
        "SET NULL" => ReferentialAction::SetNull,
        "SET DEFAULT" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

/// A default or check expression without the outer parentheses the
/// catalogs add: `((a > 0))` -> `a > 0`.
pub fn strip_parens(expr: &str) -> String {
    let mut s = expr.trim();
    while s.starts_with('(') && s.ends_with(')') && encloses(s) {
        s = s[1..s.len() - 1].trim();
    }
    s.to_string()
}

/// Whether the first `(` of `s` closes at its last character.
fn encloses(s: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Splits `a AND b AND (c OR d)` at its top-level `AND`s.
pub fn conjuncts(expr: &str) -> Vec<String> {
    let expr = strip_parens(expr);
    let expr = expr.as_str();
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 && expr[i..].len() >= 5 && expr[i..i + 5].eq_ignore_ascii_case(" and ") => {
                out.push(strip_parens(&expr[start..i]));
                start = i + 5;
                i += 5;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(strip_parens(&expr[start..]));
    out
}

/// A SQL string literal's value: `'it''s'` -> `it's`; `None` if `s` is not one.
pub fn sql_string_value(s: &str) -> Option<String> {
    let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// `IN ('a', 'b')` values of `col IN ('a', 'b')` (quotes and parentheses as
/// any catalog prints them), when `expr` is exactly that over `column`.
pub fn in_list(expr: &str, column: &str) -> Option<Vec<String>> {
    let e = strip_parens(expr);
    // PostgreSQL prints `x IN ('a', 'b')` as `(x)::text = ANY ((ARRAY['a'::varchar, ...])::text[])`.
    let (lhs, list) = match e.split_once(" IN ").or_else(|| e.split_once(" in ")) {
        Some((l, r)) => (l.to_string(), strip_parens(r)),
        None => {
            let (l, r) = e.split_once(" = ANY ")?;
            let r = strip_parens(r);
            let r = strip_parens(r.split("::text[]").next().unwrap_or(&r));
            let r = r.strip_prefix("ARRAY[")?.strip_suffix(']')?.to_string();
            (l.to_string(), r)
        }
    };
    let lhs = strip_parens(&lhs);
    let lhs = lhs.split("::").next().unwrap_or(&lhs);
    let lhs = strip_parens(lhs);
    if lhs.trim_matches(|c| c == '"' || c == '`') != column {
        return None;
    }
    let mut values = Vec::new();
    for item in split_top_level_commas(&list) {
        let item = item.trim();
        let item = item.split("::").next().unwrap_or(item).trim();
        values.push(sql_string_value(item)?);
    }
    (!values.is_empty()).then_some(values)
}

fn split_top_level_commas(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut quoted, mut current) = (false, String::new());
    for c in s.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_from_tables() {
        assert_eq!(entity_name("order_lines"), "OrderLine");
        assert_eq!(entity_name("houses"), "House");
        assert_eq!(entity_name("taxes"), "Tax");
        assert_eq!(entity_name("boxes"), "BoxRow");
        assert_eq!(entity_name("json"), "JsonRow");
        assert_eq!(pascal_case("in_progress"), "InProgress");
        assert_eq!(pascal_case("2fa"), "V2fa");
    }

    #[test]
    fn catalog_expressions_are_taken_apart() {
        assert_eq!(strip_parens("((a > 0))"), "a > 0");
        assert_eq!(strip_parens("(a) AND (b)"), "(a) AND (b)");
        assert_eq!(conjuncts("(x IN (SELECT f())) AND (y = 'a AND b')"), ["x IN (SELECT f())", "y = 'a AND b'"]);
        assert_eq!(
            in_list(
                "((entity_type)::text = ANY ((ARRAY['task'::character varying, 'comment'::character varying])::text[]))",
                "entity_type"
            ),
            Some(vec!["task".into(), "comment".into()])
        );
        assert_eq!(in_list("\"plan\" IN ('free', 'it''s')", "plan"), Some(vec!["free".into(), "it's".into()]));
        assert_eq!(sql_string_value("'it''s'"), Some("it's".into()));
    }
}

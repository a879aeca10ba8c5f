//! The one table of type mappings: each DSL type's column type per dialect,
//! its TypeScript type and its Python type. Emitters take their types from
//! here, and docs/types.md prints [`markdown_table`], so they cannot drift.

use crate::model::{Column, ColumnType};

/// A SQL dialect tablewright writes migrations for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    Postgres,
    /// MySQL 8 and MariaDB 10.11: one dialect, MariaDB-compatible SQL.
    Mysql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    /// The folder name under `migrations/`: `postgres`, `mysql`, `sqlite`.
    pub fn dir_name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The name messages use: `PostgreSQL`, `MySQL/MariaDB`, `SQLite`.
    pub fn display_name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL/MariaDB",
            Dialect::Sqlite => "SQLite",
        }
    }
}

/// The length of the `VARCHAR` MySQL gives an unsized `String` that is part
/// of a key or an index (MySQL cannot index `TEXT`).
pub const MYSQL_KEYED_VARCHAR: u32 = 255;

/// One row of the mapping table.
#[derive(Clone, Copy, Debug)]
pub struct TypeRow {
    /// The Rust type as a user writes it.
    pub rust: &'static str,
    pub postgres: &'static str,
    pub mysql: &'static str,
    pub sqlite: &'static str,
    /// What node-postgres returns with its default type parsers: `Date` for
    /// timestamps and dates, `string` for BIGINT and NUMERIC (no precision
    /// lost), `JsonValue` (declared in `types/schema.ts`) for JSON.
    pub typescript: &'static str,
    /// What psycopg returns, module-qualified (`decimal.Decimal`); `JsonValue`
    /// is declared by each generated Python file.
    pub python: &'static str,
}

/// Every DSL type, in the order the docs list them. `Option<T>` makes any of
/// them nullable; `#[db_enum]` enums are listed last.
pub const TYPE_TABLE: &[TypeRow] = &[
    row("String", "TEXT", "TEXT", "TEXT", "string", "str"),
    row("String + max_len = N", "VARCHAR(N)", "VARCHAR(N)", "VARCHAR(N)", "string", "str"),
    row("i16", "SMALLINT", "SMALLINT", "INTEGER", "number", "int"),
    row("i32", "INTEGER", "INT", "INTEGER", "number", "int"),
    row("i64", "BIGINT", "BIGINT", "INTEGER", "string", "int"),
    row("f32", "REAL", "FLOAT", "REAL", "number", "float"),
    row("f64", "DOUBLE PRECISION", "DOUBLE", "REAL", "number", "float"),
    row("bool", "BOOLEAN", "BOOLEAN", "BOOLEAN", "boolean", "bool"),
    row("Uuid", "UUID", "CHAR(36)", "TEXT", "string", "uuid.UUID"),
    row("DateTime<Utc>", "TIMESTAMPTZ", "DATETIME(6)", "TEXT", "Date", "datetime.datetime"),
    row("NaiveDateTime", "TIMESTAMP", "DATETIME(6)", "TEXT", "Date", "datetime.datetime"),
    row("NaiveDate", "DATE", "DATE", "TEXT", "Date", "datetime.date"),
    row("NaiveTime", "TIME", "TIME", "TEXT", "string", "datetime.time"),
    row("Json", "JSONB", "JSON", "TEXT", "JsonValue", "JsonValue"),
    row("Decimal", "NUMERIC", "DECIMAL(65, 30)", "NUMERIC", "string", "decimal.Decimal"),
    row("Decimal + precision, scale", "NUMERIC(P, S)", "DECIMAL(P, S)", "NUMERIC", "string", "decimal.Decimal"),
    row("Vec<u8>", "BYTEA", "LONGBLOB", "BLOB", "Uint8Array", "bytes"),
    row("Vec<String>", "TEXT[]", "JSON", "TEXT", "string[]", "list[str]"),
    row("#[db_enum] E", "e (CREATE TYPE)", "ENUM('a', ...)", "TEXT + CHECK", "'a' | ...", "E (StrEnum)"),
];

const fn row(
    rust: &'static str,
    postgres: &'static str,
    mysql: &'static str,
    sqlite: &'static str,
    typescript: &'static str,
    python: &'static str,
) -> TypeRow {
    TypeRow { rust, postgres, mysql, sqlite, typescript, python }
}

/// The row for a column type (enums and `Other` included).
pub fn type_row(ty: &ColumnType, sized: bool) -> &'static TypeRow {
    let key = match ty {
        ColumnType::String if sized => "String + max_len = N",
        ColumnType::String => "String",
        ColumnType::I16 => "i16",
        ColumnType::I32 => "i32",
        ColumnType::I64 => "i64",
        ColumnType::F32 => "f32",
        ColumnType::F64 => "f64",
        ColumnType::Bool => "bool",
        ColumnType::Uuid => "Uuid",
        ColumnType::DateTimeUtc => "DateTime<Utc>",
        ColumnType::NaiveDateTime => "NaiveDateTime",
        ColumnType::NaiveDate => "NaiveDate",
        ColumnType::NaiveTime => "NaiveTime",
        ColumnType::Json => "Json",
        ColumnType::Decimal if sized => "Decimal + precision, scale",
        ColumnType::Decimal => "Decimal",
        ColumnType::Bytes => "Vec<u8>",
        ColumnType::StringArray => "Vec<String>",
        ColumnType::Enum(_) | ColumnType::Other(_) => "#[db_enum] E",
    };
    TYPE_TABLE.iter().find(|r| r.rust == key).expect("every ColumnType has a row in TYPE_TABLE")
}

/// The column type a dialect gets for a column, with its size filled in.
///
/// `enum_sql` is the enum's Postgres type name and `enum_values` its values,
/// both read from the schema by the caller. `#[column(sql_type)]` wins over
/// everything. MySQL cannot index an unsized TEXT, so a String column that is
/// part of a key or index (`keyed`) becomes `VARCHAR(255)` there.
///
/// ```
/// use tablewright_core::model::*;
/// use tablewright_core::types::{sql_type, Dialect};
/// let mut c = Column {
///     name: "title".into(), field: "title".into(), ty: ColumnType::String, nullable: false,
///     default: None, generated: Generated::None, max_len: Some(500), precision: None,
///     scale: None, sql_type: None, doc: None, origin: ColumnOrigin::Declared,
///     seed: Default::default(), allowed_lints: vec![], evolution: Default::default(), location: Location::default(),
/// };
/// assert_eq!(sql_type(Dialect::Postgres, &c, None, false), "VARCHAR(500)");
/// c.max_len = None;
/// assert_eq!(sql_type(Dialect::Mysql, &c, None, true), "VARCHAR(255)");
/// ```
pub fn sql_type(dialect: Dialect, column: &Column, enum_values: Option<(&str, &[String])>, keyed: bool) -> String {
    if let Some(custom) = &column.sql_type {
        return custom.clone();
    }
    match (&column.ty, dialect) {
        (ColumnType::String, _) if column.max_len.is_some() => {
            format!("VARCHAR({})", column.max_len.unwrap_or_default())
        }
        (ColumnType::String, Dialect::Mysql) if keyed => format!("VARCHAR({MYSQL_KEYED_VARCHAR})"),
        (ColumnType::Decimal, Dialect::Postgres) if column.precision.is_some() => {
            format!("NUMERIC({}, {})", column.precision.unwrap_or(0), column.scale.unwrap_or(0))
        }
        (ColumnType::Decimal, Dialect::Mysql) if column.precision.is_some() => {
            format!("DECIMAL({}, {})", column.precision.unwrap_or(0), column.scale.unwrap_or(0))
        }
        (ColumnType::Enum(_), Dialect::Postgres) => match enum_values {
            Some((sql_name, _)) => sql_name.to_string(),
            None => "TEXT".to_string(),
        },
        (ColumnType::Enum(_), Dialect::Mysql) => match enum_values {
            Some((_, values)) => {
                let quoted: Vec<String> = values.iter().map(|v| crate::quote::string_literal(v)).collect();
                format!("ENUM({})", quoted.join(", "))
            }
            None => "TEXT".to_string(),
        },
        (ColumnType::Enum(_), Dialect::Sqlite) => "TEXT".to_string(),
        (ty, dialect) => {
            let row = type_row(ty, false);
            match dialect {
                Dialect::Postgres => row.postgres,
                Dialect::Mysql => row.mysql,
                Dialect::Sqlite => row.sqlite,
            }
            .to_string()
        }
    }
}

/// The SQL columns of the mapping table as Markdown, for docs/types.md (a
/// test keeps that copy identical).
pub fn markdown_table() -> String {
    let mut out = String::from("| Rust | PostgreSQL | MySQL / MariaDB | SQLite |\n|---|---|---|---|\n");
    for r in TYPE_TABLE {
        out.push_str(&format!("| `{}` | `{}` | `{}` | `{}` |\n", r.rust, r.postgres, r.mysql, r.sqlite));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_print_the_type_table() {
        let readme = include_str!("../../docs/types.md");
        assert!(
            readme.contains(&markdown_table()),
            "docs/types.md's type table differs from types::TYPE_TABLE; paste this in:\n{}",
            markdown_table()
        );
    }
}

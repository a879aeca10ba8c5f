//! One column as a Drizzle column builder chain, per dialect:
//! `varchar("title", { length: 500 }).notNull()`. Types follow the SQL
//! migration of the same dialect ([`crate::types`]), defaults are written so
//! drizzle-kit produces the same default expression our SQL has.

use super::{File, enum_var, sql_tag};
use crate::emit::js::string_literal as string_lit;
use crate::emit::sql::{RANDOM_UUID_V4, is_keyed, now_default};
use crate::model::{Column, ColumnType, DefaultValue, Entity, Generated};
use crate::types::{Dialect, sql_type};

/// The builder chain of `column` for the file's dialect.
pub(super) fn column(file: &mut File<'_>, entity: &Entity, column: &Column) -> String {
    let mut code = match &column.sql_type {
        Some(custom) => custom_type(file, column, custom),
        None => match file.dialect {
            Dialect::Postgres => pg_builder(file, column),
            Dialect::Mysql => mysql_builder(file, entity, column),
            Dialect::Sqlite => sqlite_builder(file, column),
        },
    };
    if !column.nullable {
        code.push_str(".notNull()");
    }
    let identity = column.generated == Generated::Identity;
    match (column.generated, file.dialect) {
        (Generated::Identity, Dialect::Postgres) => {
            // drizzle-kit names the sequence `<table>_<column>_seq` uncut, which
            // PostgreSQL would cut into another relation's name: past the
            // limit, give it the name PostgreSQL gives it for our migration.
            let sequence = crate::naming::postgres_identity_sequence(&entity.table, &column.name);
            if format!("{}_{}_seq", entity.table, column.name).len() > crate::naming::MAX_IDENT_LEN {
                code.push_str(&format!(".generatedByDefaultAsIdentity({{ name: {} }})", string_lit(&sequence)));
            } else {
                code.push_str(".generatedByDefaultAsIdentity()");
            }
        }
        (Generated::Identity, Dialect::Mysql) => code.push_str(".autoincrement()"),
        (Generated::Identity, Dialect::Sqlite) if sqlite_autoincrement(Dialect::Sqlite, entity) => {
            code.push_str(".primaryKey({ autoIncrement: true })")
        }
        (Generated::RandomUuid, dialect) if column.default.is_none() => code.push_str(&match dialect {
            Dialect::Postgres => ".defaultRandom()".to_string(),
            Dialect::Mysql => default_sql(file, "(UUID())"),
            Dialect::Sqlite => default_sql(file, &format!("({RANDOM_UUID_V4})")),
        }),
        _ => {}
    }
    // Identity and a default exclude each other; identity wins (as in our SQL).
    if let (Some(default), false) = (&column.default, identity) {
        code.push_str(&default_code(file, entity, column, default));
    }
    code
}

/// Whether the entity's key is a single identity column, which SQLite
/// declares inline as `INTEGER PRIMARY KEY AUTOINCREMENT`.
pub(super) fn sqlite_autoincrement(dialect: Dialect, entity: &Entity) -> bool {
    dialect == Dialect::Sqlite
        && matches!(entity.primary_key.columns.as_slice(), [one]
            if entity.column(one).is_some_and(|c| c.generated == Generated::Identity))
}

fn builder(file: &mut File<'_>, name: &'static str, column: &Column, config: &str) -> String {
    file.core.insert(name);
    if config.is_empty() {
        format!("{name}({})", string_lit(&column.name))
    } else {
        format!("{name}({}, {{ {config} }})", string_lit(&column.name))
    }
}

fn pg_builder(file: &mut File<'_>, c: &Column) -> String {
    match &c.ty {
        ColumnType::String => match c.max_len {
            Some(n) => builder(file, "varchar", c, &format!("length: {n}")),
            None => builder(file, "text", c, ""),
        },
        ColumnType::I16 => builder(file, "smallint", c, ""),
        ColumnType::I32 => builder(file, "integer", c, ""),
        ColumnType::I64 => builder(file, "bigint", c, "mode: \"number\""),
        ColumnType::F32 => builder(file, "real", c, ""),
        ColumnType::F64 => builder(file, "doublePrecision", c, ""),
        ColumnType::Bool => builder(file, "boolean", c, ""),
        ColumnType::Uuid => builder(file, "uuid", c, ""),
        ColumnType::DateTimeUtc => builder(file, "timestamp", c, "withTimezone: true"),
        ColumnType::NaiveDateTime => builder(file, "timestamp", c, ""),
        ColumnType::NaiveDate => builder(file, "date", c, ""),
        ColumnType::NaiveTime => builder(file, "time", c, ""),
        ColumnType::Json => builder(file, "jsonb", c, ""),
        ColumnType::Decimal => match c.precision {
            Some(p) => builder(file, "numeric", c, &format!("precision: {p}, scale: {}", c.scale.unwrap_or(0))),
            None => builder(file, "numeric", c, ""),
        },
        ColumnType::Bytes => named_custom(file, "bytea", "Uint8Array", "bytea", c),
        ColumnType::StringArray => format!("{}.array()", builder(file, "text", c, "")),
        ColumnType::Enum(name) => match file.schema.enum_type(name) {
            Some(e) => format!("{}({})", enum_var(&e.sql_name), string_lit(&c.name)),
            None => builder(file, "text", c, ""),
        },
        // Only valid with `sql_type`, handled by the caller.
        ColumnType::Other(_) => builder(file, "text", c, ""),
    }
}

fn mysql_builder(file: &mut File<'_>, entity: &Entity, c: &Column) -> String {
    match &c.ty {
        ColumnType::String => match c.max_len {
            Some(n) => builder(file, "varchar", c, &format!("length: {n}")),
            // MySQL cannot index an unsized TEXT: our migration uses VARCHAR(255).
            None if is_keyed(entity, &c.name) => builder(file, "varchar", c, "length: 255"),
            None => builder(file, "text", c, ""),
        },
        ColumnType::I16 => builder(file, "smallint", c, ""),
        ColumnType::I32 => builder(file, "int", c, ""),
        ColumnType::I64 => builder(file, "bigint", c, "mode: \"number\""),
        ColumnType::F32 => builder(file, "float", c, ""),
        ColumnType::F64 => builder(file, "double", c, ""),
        ColumnType::Bool => builder(file, "boolean", c, ""),
        ColumnType::Uuid => builder(file, "char", c, "length: 36"),
        ColumnType::DateTimeUtc | ColumnType::NaiveDateTime => builder(file, "datetime", c, "fsp: 6"),
        ColumnType::NaiveDate => builder(file, "date", c, "mode: \"string\""),
        ColumnType::NaiveTime => builder(file, "time", c, ""),
        ColumnType::Json => builder(file, "json", c, ""),
        ColumnType::Decimal => {
            let (p, s) = c.precision.map_or((65, 30), |p| (p, c.scale.unwrap_or(0)));
            builder(file, "decimal", c, &format!("precision: {p}, scale: {s}"))
        }
        ColumnType::Bytes => named_custom(file, "longblob", "Uint8Array", "longblob", c),
        ColumnType::StringArray => format!("{}.$type<string[]>()", builder(file, "json", c, "")),
        ColumnType::Enum(name) => match file.schema.enum_type(name) {
            Some(e) => {
                file.core.insert("mysqlEnum");
                let values: Vec<String> = e.variants.iter().map(|v| string_lit(&v.value)).collect();
                format!("mysqlEnum({}, [{}])", string_lit(&c.name), values.join(", "))
            }
            None => builder(file, "text", c, ""),
        },
        ColumnType::Other(_) => builder(file, "text", c, ""),
    }
}

fn sqlite_builder(file: &mut File<'_>, c: &Column) -> String {
    match &c.ty {
        ColumnType::String
        | ColumnType::Uuid
        | ColumnType::DateTimeUtc
        | ColumnType::NaiveDateTime
        | ColumnType::NaiveDate
        | ColumnType::NaiveTime
        | ColumnType::Other(_) => builder(file, "text", c, ""),
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => builder(file, "integer", c, ""),
        ColumnType::Bool => builder(file, "integer", c, "mode: \"boolean\""),
        ColumnType::F32 | ColumnType::F64 => builder(file, "real", c, ""),
        ColumnType::Decimal => builder(file, "numeric", c, ""),
        ColumnType::Bytes => builder(file, "blob", c, "mode: \"buffer\""),
        ColumnType::Json => builder(file, "text", c, "mode: \"json\""),
        ColumnType::StringArray => format!("{}.$type<string[]>()", builder(file, "text", c, "mode: \"json\"")),
        ColumnType::Enum(name) => match file.schema.enum_type(name) {
            Some(e) => {
                let values: Vec<String> = e.variants.iter().map(|v| string_lit(&v.value)).collect();
                builder(file, "text", c, &format!("enum: [{}]", values.join(", ")))
            }
            None => builder(file, "text", c, ""),
        },
    }
}

/// A column type Drizzle has no builder for, defined once at the top of the
/// file with `customType`: `bytea` on PostgreSQL, `longblob` on MySQL.
fn named_custom(file: &mut File<'_>, name: &'static str, data: &str, sql: &str, c: &Column) -> String {
    file.core.insert("customType");
    let data = file.consts.global(data);
    file.custom.entry(name).or_insert_with(|| {
        format!(
            "/** `{sql}`: Drizzle has no builder for it. */\nconst {name} = customType<{{ data: {data} }}>({{\n  dataType() {{\n    return {};\n  }},\n}});\n",
            string_lit(sql)
        )
    });
    format!("{name}({})", string_lit(&c.name))
}

/// `#[column(sql_type = "...")]`: the type verbatim through `customType`.
fn custom_type(file: &mut File<'_>, c: &Column, sql: &str) -> String {
    file.core.insert("customType");
    let data = match &c.ty {
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 | ColumnType::F32 | ColumnType::F64 => "number",
        ColumnType::Bool => "boolean",
        ColumnType::String | ColumnType::Uuid | ColumnType::Decimal | ColumnType::NaiveDate | ColumnType::NaiveTime => {
            "string"
        }
        _ => "unknown",
    };
    format!("customType<{{ data: {data} }}>({{ dataType: () => {} }})({})", string_lit(sql), string_lit(&c.name))
}

fn default_sql(file: &mut File<'_>, sql: &str) -> String {
    file.orm.insert("sql");
    format!(".default({})", sql_tag(sql))
}

/// `.default(...)` for a column, written so drizzle-kit renders the same
/// default our migration has.
fn default_code(file: &mut File<'_>, entity: &Entity, c: &Column, default: &DefaultValue) -> String {
    let dialect = file.dialect;
    let decimal = c.ty == ColumnType::Decimal;
    match default {
        DefaultValue::Bool(b) => format!(".default({b})"),
        // A JS number is printed back in its shortest form (`0.0` -> `0`), and
        // a decimal's string default would be quoted: keep the literal as written.
        DefaultValue::Int(i) if decimal => default_sql(file, &i.to_string()),
        DefaultValue::Int(i) => format!(".default({i})"),
        DefaultValue::Float(f) if decimal || !is_canonical_number(f) => default_sql(file, f),
        DefaultValue::Float(f) => format!(".default({f})"),
        DefaultValue::String(s) | DefaultValue::EnumValue(s) => format!(".default({})", string_lit(s)),
        DefaultValue::Now => {
            let ty = sql_type(dialect, c, None, is_keyed(entity, &c.name));
            default_sql(file, &now_default(dialect, &ty, &c.ty))
        }
        // PostgreSQL takes any expression after DEFAULT; MySQL and SQLite
        // need an expression default parenthesized.
        DefaultValue::Sql(sql) if dialect == Dialect::Postgres => default_sql(file, sql),
        DefaultValue::Sql(sql) => default_sql(file, &format!("({sql})")),
    }
}

/// Whether JavaScript prints the number back exactly as written (`1.5` yes,
/// `0.0` and `1e3` no).
pub(super) fn is_canonical_number(text: &str) -> bool {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => format!("{v}") == text,
        _ => false,
    }
}

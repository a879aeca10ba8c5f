//! One column as a Drizzle column builder chain, per dialect:
//! `varchar("title", { length: 500 }).notNull()`. Types follow the SQL
//! migration of the same dialect ([`crate::types`]), defaults are written so
//! drizzle-kit produces the same default expression our SQL has.

use super::{File, enum_var, sql_tag};
use crate::emit::js::string_literal as string_lit;
use crate::emit::sql::{RANDOM_UUID_V4, is_keyed, now_default};
use crate::fragment::render_sql;
use crate::model::{Column, ColumnType, DefaultValue, Entity, Generated, Schema};
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
        _ => {}
    }
    if let Some(default) = column_default(file.dialect, entity, column) {
        code.push_str(&default_code(file, default));
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
        ColumnType::Enum(name) => match file.analysis.enum_type(name) {
            Some(e) => format!("{}({})", enum_var(&e.sql_name), string_lit(&c.name)),
            None => builder(file, "text", c, ""),
        },
        // Only valid with `sql_type`, handled by the caller.
        ColumnType::Other(_) => builder(file, "text", c, ""),
    }
}

/// The column's `type` and `typeSchema` in drizzle-kit's PostgreSQL
/// snapshot: what drizzle-orm's `getSQLType()` returns for the builder
/// [`pg_builder`] picks (a `customType`'s `dataType()`), and the schema of a
/// `pgEnum`. Keep the two functions in step: `tests/targets_drizzle.rs`
/// compares the snapshot with drizzle-kit's own.
pub(super) fn pg_snapshot_type(schema: &Schema, c: &Column) -> (String, Option<&'static str>) {
    if let Some(custom) = &c.sql_type {
        return (custom.clone(), None);
    }
    let ty = match &c.ty {
        ColumnType::String => match c.max_len {
            Some(n) => format!("varchar({n})"),
            None => "text".to_string(),
        },
        ColumnType::I16 => "smallint".to_string(),
        ColumnType::I32 => "integer".to_string(),
        ColumnType::I64 => "bigint".to_string(),
        ColumnType::F32 => "real".to_string(),
        ColumnType::F64 => "double precision".to_string(),
        ColumnType::Bool => "boolean".to_string(),
        ColumnType::Uuid => "uuid".to_string(),
        ColumnType::DateTimeUtc => "timestamp with time zone".to_string(),
        ColumnType::NaiveDateTime => "timestamp".to_string(),
        ColumnType::NaiveDate => "date".to_string(),
        ColumnType::NaiveTime => "time".to_string(),
        ColumnType::Json => "jsonb".to_string(),
        ColumnType::Decimal => match c.precision {
            Some(p) => format!("numeric({p}, {})", c.scale.unwrap_or(0)),
            None => "numeric".to_string(),
        },
        ColumnType::Bytes => "bytea".to_string(),
        ColumnType::StringArray => "text[]".to_string(),
        ColumnType::Enum(name) => match schema.enum_type(name) {
            Some(e) => return (e.sql_name.clone(), Some("public")),
            None => "text".to_string(),
        },
        ColumnType::Other(_) => "text".to_string(),
    };
    (ty, None)
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
        ColumnType::Enum(name) => match file.analysis.enum_type(name) {
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
        ColumnType::Enum(name) => match file.analysis.enum_type(name) {
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

/// A column default as drizzle-orm holds it. Decided once by
/// [`column_default`] for both renderings: the builder call in `schema.ts`
/// ([`default_code`]) and the value drizzle-kit records in its snapshot
/// ([`super::snapshot`]).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum DrizzleDefault {
    /// `.defaultRandom()` (PostgreSQL): `sql\`gen_random_uuid()\``.
    RandomUuid,
    /// `.default(sql\`...\`)`: raw SQL, recorded verbatim.
    Sql(String),
    /// `.default("...")`: a JavaScript string, recorded as `'...'`.
    Text(String),
    /// `.default(1.5)`: a JavaScript number, written as the literal.
    Number(String),
    /// `.default(true)`.
    Bool(bool),
}

/// The default drizzle-orm gives `c`, if any, written so drizzle-kit renders
/// the default our migration has. Identity and a default exclude each other;
/// identity wins (as in our SQL).
pub(super) fn column_default(dialect: Dialect, entity: &Entity, c: &Column) -> Option<DrizzleDefault> {
    if c.generated == Generated::Identity {
        return None;
    }
    let Some(default) = &c.default else {
        return (c.generated == Generated::RandomUuid).then(|| match dialect {
            Dialect::Postgres => DrizzleDefault::RandomUuid,
            Dialect::Mysql => DrizzleDefault::Sql("(UUID())".to_string()),
            Dialect::Sqlite => DrizzleDefault::Sql(format!("({RANDOM_UUID_V4})")),
        });
    };
    let decimal = c.ty == ColumnType::Decimal;
    Some(match default {
        DefaultValue::Bool(b) => DrizzleDefault::Bool(*b),
        // A JS number is printed back in its shortest form (`0.0` -> `0`), and
        // a decimal's string default would be quoted: keep the literal as written.
        DefaultValue::Int(i) if decimal => DrizzleDefault::Sql(i.to_string()),
        DefaultValue::Int(i) => DrizzleDefault::Number(i.to_string()),
        DefaultValue::Float(f) if decimal || !is_canonical_number(f) => DrizzleDefault::Sql(f.clone()),
        DefaultValue::Float(f) => DrizzleDefault::Number(f.clone()),
        DefaultValue::String(s) | DefaultValue::EnumValue(s) => DrizzleDefault::Text(s.clone()),
        DefaultValue::Now => {
            let ty = sql_type(dialect, c, None, is_keyed(entity, &c.name));
            DrizzleDefault::Sql(now_default(dialect, &ty, &c.ty))
        }
        // PostgreSQL takes any expression after DEFAULT; MySQL and SQLite
        // need an expression default parenthesized.
        DefaultValue::Sql(sql) if dialect == Dialect::Postgres => DrizzleDefault::Sql(render_sql(sql, dialect)),
        DefaultValue::Sql(sql) => DrizzleDefault::Sql(format!("({})", render_sql(sql, dialect))),
    })
}

/// The builder call of a default: `.default(...)` or `.defaultRandom()`.
fn default_code(file: &mut File<'_>, default: DrizzleDefault) -> String {
    match default {
        DrizzleDefault::RandomUuid => ".defaultRandom()".to_string(),
        DrizzleDefault::Sql(sql) => {
            file.orm.insert("sql");
            format!(".default({})", sql_tag(&sql))
        }
        DrizzleDefault::Text(s) => format!(".default({})", string_lit(&s)),
        DrizzleDefault::Number(n) => format!(".default({n})"),
        DrizzleDefault::Bool(b) => format!(".default({b})"),
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

//! One column as a TypeORM property: its decorator, options and TypeScript
//! type. Every option is chosen so that TypeORM's schema builder, reading
//! the database our PostgreSQL migration built, sees the column as it is
//! declared here (`findChangedColumns` compares type, length, precision,
//! scale, array, comment, default, nullability, enum and generation).

use crate::analysis::Analysis;
use crate::emit::js::type_name;
use crate::emit::relations::camel_case;
use crate::model::{Column, ColumnOrigin, ColumnType, DefaultValue, Entity, Generated};

use super::ts::{Decorator, string};

/// A property of an entity class: decorators, name and TypeScript type.
pub(super) struct Property {
    pub decorator: Decorator,
    /// `@Generated("uuid")` for a non-key column filled by `gen_random_uuid()`.
    pub generated: Option<Decorator>,
    pub name: String,
    pub ts_type: String,
}

/// What a column needs from `../enums`: the type and the values constant.
pub(super) fn enum_imports(analysis: &Analysis<'_>, column: &Column) -> Option<(String, String)> {
    match &column.ty {
        ColumnType::Enum(name) => analysis.enum_type(name).map(|e| (type_name(&e.name), values_const(&e.name))),
        _ => None,
    }
}

/// `TaskStatus` -> `taskStatusValues`: the `as const` array of an enum's values.
pub(super) fn values_const(enum_name: &str) -> String {
    format!("{}Values", camel_case(&crate::naming::snake_case(enum_name)))
}

/// The property for `column` of `entity`.
pub(super) fn property(analysis: &Analysis<'_>, entity: &Entity, column: &Column) -> Property {
    let ty = orm_type(analysis, entity, column);
    let name = crate::emit::relations::property_name(entity, &column.name);
    let in_key = entity.primary_key.columns.contains(&column.name);
    let pk_name = || ("primaryKeyConstraintName", string(&entity.primary_key.name));

    let mut options: Vec<(&'static str, String)> = vec![("name", string(&column.name))];
    let decorator;
    let mut generated = None;
    match (in_key, column.generated) {
        (true, Generated::RandomUuid) if column.default.is_none() && entity.primary_key.columns.len() == 1 => {
            decorator = Decorator::new("PrimaryGeneratedColumn").arg(string("uuid"));
            options.push(pk_name());
        }
        (true, Generated::Identity) if entity.primary_key.columns.len() == 1 => {
            decorator = Decorator::new("PrimaryGeneratedColumn").arg(string("identity"));
            options.push(("type", ty.type_option.clone()));
            // Our SQL lets an insert give the key (`BY DEFAULT`); TypeORM's default is `ALWAYS`.
            options.push(("generatedIdentity", string("BY DEFAULT")));
            options.push(pk_name());
        }
        (true, _) => {
            decorator = Decorator::new("PrimaryColumn");
            options.extend(type_options(&ty));
            options.push(pk_name());
            options.extend(value_options(column, &ty));
        }
        (false, _) => {
            decorator = Decorator::new(special_decorator(column).unwrap_or("Column"));
            options.extend(type_options(&ty));
            options.extend(value_options(column, &ty));
            match column.generated {
                Generated::RandomUuid if column.default.is_none() => {
                    generated = Some(Decorator::new("Generated").arg(string("uuid")));
                }
                Generated::Identity => {
                    generated = Some(Decorator::new("Generated").arg(string("identity")));
                    options.push(("generatedIdentity", string("BY DEFAULT")));
                }
                _ => {}
            }
        }
    }
    if let Some(doc) = &column.doc {
        options.push(("comment", string(&crate::emit::sql::doc_lines(doc).join("\n"))));
    }
    let mut ts_type = ty.ts;
    if column.nullable {
        ts_type.push_str(" | null");
    }
    Property { decorator: decorator.options(options), generated, name, ts_type }
}

/// `@CreateDateColumn`, `@UpdateDateColumn`, `@DeleteDateColumn` where the
/// column means what TypeORM's special column means:
///
/// - `created_at` / `updated_at` of `#[timestamps]` with `DEFAULT now`:
///   TypeORM leaves `created_at` to the default on insert and sets
///   `updated_at` to the current time in every update it writes, which is
///   what our trigger does too (the trigger also covers other writers).
/// - `deleted_at` of `#[soft_delete]`: `softRemove()` sets it and `find()`
///   skips rows where it is set, like our row-level security.
///
/// `version` of `#[versioned]` stays a plain `@Column`: TypeORM's
/// `@VersionColumn` writes `version = version + 1` on every update, which
/// our trigger rejects as a conflict (it expects the version that was read,
/// and bumps it itself).
fn special_decorator(column: &Column) -> Option<&'static str> {
    let timestamp = matches!(column.ty, ColumnType::DateTimeUtc | ColumnType::NaiveDateTime);
    match column.origin {
        ColumnOrigin::Timestamps if timestamp && column.default == Some(DefaultValue::Now) && !column.nullable => {
            match column.name.as_str() {
                "created_at" => Some("CreateDateColumn"),
                "updated_at" => Some("UpdateDateColumn"),
                _ => None,
            }
        }
        ColumnOrigin::SoftDelete if timestamp && column.nullable && column.default.is_none() => {
            Some("DeleteDateColumn")
        }
        _ => None,
    }
}

/// A column type in TypeORM's words.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct OrmType {
    /// The `type:` option as TypeScript: `"varchar"`.
    pub type_option: String,
    pub length: Option<u32>,
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    pub array: bool,
    /// `enum:` and `enumName:` for a `#[db_enum]` column.
    pub enum_values: Option<(String, String)>,
    /// The property's TypeScript type (before `| null`).
    pub ts: String,
    /// `#[column(sql_type)]`: a type TypeORM's `ColumnType` union may not
    /// list, passed through a cast.
    pub custom: bool,
}

/// The TypeORM type of a column. The names are those TypeORM's Postgres
/// driver normalizes to what `information_schema` reports for our SQL
/// (`varchar` -> `character varying`, `timestamptz` -> `timestamp with
/// time zone`), and the TypeScript types are what the `pg` driver and
/// TypeORM's hydration return: `bigint` and `numeric` as strings (they do
/// not fit a JS number), `date` and `time` as strings, `bytea` as a Buffer.
pub(super) fn orm_type(analysis: &Analysis<'_>, entity: &Entity, column: &Column) -> OrmType {
    let mut t = OrmType {
        type_option: String::new(),
        length: None,
        precision: None,
        scale: None,
        array: false,
        enum_values: None,
        ts: String::new(),
        custom: false,
    };
    if let Some(sql) = &column.sql_type {
        t.type_option = format!("{} as ColumnType", string(&sql.to_ascii_lowercase()));
        t.ts = "unknown".to_string();
        t.custom = true;
        return t;
    }
    let (name, ts) = match &column.ty {
        ColumnType::String if column.max_len.is_some() => {
            t.length = column.max_len;
            ("varchar", "string")
        }
        ColumnType::String => ("text", "string"),
        ColumnType::I16 => ("smallint", "number"),
        ColumnType::I32 => ("integer", "number"),
        ColumnType::I64 => ("bigint", "string"),
        ColumnType::F32 => ("real", "number"),
        ColumnType::F64 => ("double precision", "number"),
        ColumnType::Bool => ("boolean", "boolean"),
        ColumnType::Uuid => ("uuid", "string"),
        ColumnType::DateTimeUtc => ("timestamptz", "Date"),
        ColumnType::NaiveDateTime => ("timestamp", "Date"),
        ColumnType::NaiveDate => ("date", "string"),
        ColumnType::NaiveTime => ("time", "string"),
        ColumnType::Json => ("jsonb", "unknown"),
        ColumnType::Decimal => {
            if column.precision.is_some() {
                t.precision = column.precision;
                t.scale = Some(column.scale.unwrap_or(0));
            }
            ("numeric", "string")
        }
        ColumnType::Bytes => ("bytea", "Buffer"),
        ColumnType::StringArray => {
            t.array = true;
            ("text", "string[]")
        }
        ColumnType::Enum(enum_name) => match analysis.enum_type(enum_name) {
            Some(e) => {
                // TypeORM names an enum type `<table>_<column>_enum` unless told.
                let default_name = format!("{}_{}_enum", entity.table, column.name);
                let enum_name = if e.sql_name == default_name { String::new() } else { string(&e.sql_name) };
                t.enum_values = Some((format!("[...{}]", values_const(&e.name)), enum_name));
                t.type_option = string("enum");
                t.ts = type_name(&e.name);
                return t;
            }
            // Dangling enums are rejected before emission; text keeps output total.
            None => ("text", "string"),
        },
        ColumnType::Other(_) => ("text", "unknown"),
    };
    t.type_option = string(name);
    t.ts = ts.to_string();
    t
}

fn type_options(ty: &OrmType) -> Vec<(&'static str, String)> {
    let mut out = vec![("type", ty.type_option.clone())];
    if let Some((values, name)) = &ty.enum_values {
        out.push(("enum", values.clone()));
        if !name.is_empty() {
            out.push(("enumName", name.clone()));
        }
    }
    if ty.array {
        out.push(("array", "true".to_string()));
    }
    if let Some(length) = ty.length {
        out.push(("length", length.to_string()));
    }
    if let Some(precision) = ty.precision {
        out.push(("precision", precision.to_string()));
    }
    if let Some(scale) = ty.scale {
        out.push(("scale", scale.to_string()));
    }
    out
}

fn value_options(column: &Column, ty: &OrmType) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if column.nullable {
        out.push(("nullable", "true".to_string()));
    }
    if let Some(default) = &column.default {
        out.push(("default", default_option(column, default, ty)));
    }
    out
}

/// The `default:` option. TypeORM compares it with the column default
/// PostgreSQL reports, after stripping casts (`'todo'::task_status` ->
/// `'todo'`) and quoting plain values (`'0'`), so literals are given as
/// TypeORM values and everything else as raw SQL (`() => "..."`) spelled
/// the way PostgreSQL prints it back.
pub(super) fn default_option(column: &Column, default: &DefaultValue, ty: &OrmType) -> String {
    let raw = |sql: &str| format!("() => {}", string(sql));
    match default {
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(i) if ty.ts == "string" => string(&i.to_string()),
        DefaultValue::Int(i) => i.to_string(),
        // `0.0` comes back as `0.0`; a JS number would be printed `0`.
        DefaultValue::Float(f) => raw(&numeric_as_printed(f).unwrap_or_else(|| f.clone())),
        // A quote would come back doubled: say it as SQL.
        DefaultValue::String(s) | DefaultValue::EnumValue(s) if s.contains('\'') => {
            raw(&crate::quote::string_literal(s))
        }
        DefaultValue::String(s) | DefaultValue::EnumValue(s) => string(s),
        DefaultValue::Now => raw(crate::emit::sql::postgres_now(&column.ty, crate::model::PostgresNow::default())),
        DefaultValue::Sql(sql) => raw(&crate::fragment::render_sql(sql, crate::types::Dialect::Postgres)),
    }
}

/// A float literal default the way PostgreSQL prints it back: the literal is
/// a `numeric` constant, printed as its value (`1e3` -> `1000`, `1.5E-3` ->
/// `0.0015`, `2.50` keeps its scale) and, unless that starts with a digit and
/// has a decimal point (so it reads back as numeric, not integer), quoted
/// with a cast, `'1000'::numeric`, whose cast TypeORM strips: `'1000'`,
/// `'-1.5'`. `None` for a literal that is not a plain decimal number.
pub(super) fn numeric_as_printed(literal: &str) -> Option<String> {
    let literal = literal.trim();
    let (negative, body) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal.strip_prefix('+').unwrap_or(literal)),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(int_part) || !all_digits(frac_part) || (int_part.is_empty() && frac_part.is_empty()) {
        return None;
    }
    // value = digits * 10^-scale
    let mut digits = format!("{int_part}{frac_part}");
    let scale = i64::try_from(frac_part.len()).ok()? - exponent;
    if scale < 0 {
        digits.push_str(&"0".repeat(usize::try_from(-scale).ok()?));
    }
    let scale = usize::try_from(scale.max(0)).ok()?;
    if digits.len() <= scale {
        digits.insert_str(0, &"0".repeat(scale - digits.len() + 1));
    }
    let (int_digits, frac_digits) = digits.split_at(digits.len() - scale);
    let int_digits = match int_digits.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let mut text = if scale > 0 { format!("{int_digits}.{frac_digits}") } else { int_digits.to_string() };
    if negative && text.chars().any(|c| matches!(c, '1'..='9')) {
        text.insert(0, '-');
    }
    Some(if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('.') { text } else { format!("'{text}'") })
}

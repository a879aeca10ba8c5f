//! Generated values as SQL literals per dialect (through [`crate::quote`]) and
//! as fields of PostgreSQL's `COPY ... FROM STDIN` text format.

use std::fmt::Write as _;

use super::Value;
use crate::model::{Column, ColumnType};
use crate::quote::{dialect_string_literal, string_literal};
use crate::types::Dialect;

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub fn uuid_text(u: u128) -> String {
    let h = format!("{u:032x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn tz(column: Option<&Column>) -> bool {
    column.is_some_and(|c| c.ty == ColumnType::DateTimeUtc)
}

/// A value as an SQL literal of `dialect`, for a column.
///
/// ```
/// use tablewright_core::seed::{Value, render::sql_literal};
/// use tablewright_core::types::Dialect;
/// # let column: tablewright_core::model::Column = serde_json::from_str(
/// #     r#"{"name": "n", "field": "n", "type": {"kind": "string"}, "nullable": true}"#).unwrap();
/// assert_eq!(sql_literal(Dialect::Mysql, &column, &Value::Text(r"it's a\b".into())), r"'it''s a\\b'");
/// assert_eq!(sql_literal(Dialect::Sqlite, &column, &Value::Bool(true)), "1");
/// assert_eq!(sql_literal(Dialect::Postgres, &column, &Value::Null), "NULL");
/// ```
pub fn sql_literal(dialect: Dialect, column: &Column, value: &Value) -> String {
    let text = |s: &str| dialect_string_literal(dialect, s);
    match value {
        Value::Null => "NULL".to_string(),
        Value::Bool(b) => match dialect {
            Dialect::Sqlite => if *b { "1" } else { "0" }.to_string(),
            _ => if *b { "TRUE" } else { "FALSE" }.to_string(),
        },
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f}"),
        Value::Decimal(d) => d.clone(),
        Value::Text(s) | Value::Json(s) => text(s),
        Value::Uuid(u) => text(&uuid_text(*u)),
        Value::Date(d) => text(&d.format("%Y-%m-%d").to_string()),
        Value::DateTime(t) => {
            let base = t.format("%Y-%m-%d %H:%M:%S").to_string();
            if dialect == Dialect::Postgres && tz(Some(column)) { text(&format!("{base}+00")) } else { text(&base) }
        }
        Value::Time(t) => text(&t.format("%H:%M:%S").to_string()),
        Value::Bytes(b) => match dialect {
            Dialect::Postgres => format!("decode({}, 'hex')", string_literal(&hex(b))),
            _ => format!("X'{}'", hex(b)),
        },
        Value::TextArray(items) => match dialect {
            Dialect::Postgres if items.is_empty() => "'{}'::text[]".to_string(),
            Dialect::Postgres => {
                let parts: Vec<String> = items.iter().map(|s| string_literal(s)).collect();
                format!("ARRAY[{}]", parts.join(", "))
            }
            _ => text(&serde_json::Value::from(items.clone()).to_string()),
        },
    }
}

/// Appends `s` escaped for COPY's text format.
fn copy_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// Appends one field of a COPY text row (`\N` for NULL).
pub fn copy_field(out: &mut String, column: Option<&Column>, value: &Value) {
    match value {
        Value::Null => out.push_str("\\N"),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Value::Decimal(d) => out.push_str(d),
        Value::Text(s) | Value::Json(s) => copy_escape(out, s),
        Value::Uuid(u) => out.push_str(&uuid_text(*u)),
        Value::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Value::DateTime(t) => {
            let _ = write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S"));
            if tz(column) {
                out.push_str("+00");
            }
        }
        Value::Time(t) => {
            let _ = write!(out, "{}", t.format("%H:%M:%S"));
        }
        Value::Bytes(b) => {
            out.push_str("\\\\x");
            out.push_str(&hex(b));
        }
        Value::TextArray(items) => {
            let mut lit = String::from("{");
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    lit.push(',');
                }
                lit.push('"');
                lit.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
                lit.push('"');
            }
            lit.push('}');
            copy_escape(out, &lit);
        }
    }
}

/// One COPY text field as a string (no column: timestamps without zone).
pub fn copy_text_value(value: &Value, column: Option<&Column>) -> String {
    let mut s = String::new();
    copy_field(&mut s, column, value);
    s
}

/// A whole COPY text row, tab-separated, newline-terminated.
pub fn copy_row(out: &mut String, columns: &[&Column], row: &[Value]) {
    for (i, (c, v)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.push('\t');
        }
        copy_field(out, Some(c), v);
    }
    out.push('\n');
}

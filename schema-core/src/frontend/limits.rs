//! The per-item checks against the dialect limits ([`crate::limits`]): what
//! one `#[entity]` or `#[db_enum]` declares must be accepted by every
//! database, so each name, size, key and default is checked here, spanned on
//! the token to change. Limits that need the whole schema (names the
//! transforms derive, index and row sizes with the tenant key resolved,
//! names shared across tables) are in [`crate::validate`].

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::LitStr;

use super::Ctxt;
use super::field_attr::{DefaultArg, IdKind};
use super::grammar::LitArg;
use super::item::{Container, Field};
use super::messages;
use crate::limits::{self, NameKind, Violation};
use crate::model::ColumnType;

/// Every limit rule of one entity.
pub fn check_entity_limits(cont: &Container, cx: &Ctxt) {
    check_names(cont, cx);
    check_column_case(cont, cx);
    check_sizes(cont, cx);
    check_key_columns(cont, cx);
    check_identity(cont, cx);
    check_indexable(cont, cx);
    check_default_fits(cont, cx);
}

fn report(cx: &Ctxt, blame: impl ToTokens, v: Violation) {
    cx.error_spanned_by(blame, messages::with_help(v.message, v.help));
}

/// The tokens that name a field's column: `name = "..."` when given, else the field.
fn column_blame(f: &Field) -> proc_macro2::TokenStream {
    f.attrs.column.name.as_ref().map_or_else(|| f.ident.to_token_stream(), |n| n.to_token_stream())
}

/// Characters a table or enum type name cannot hold because TypeORM
/// splices those names into its schema queries unescaped (`'...'` literals,
/// `"..."` identifiers built by concatenation) and reads `a.b` as table `b`
/// of schema `a`: every database takes them, TypeORM cannot read them back.
const TYPEORM_UNREADABLE: &[char] = &['\'', '"', '.'];

/// Index and constraint names are written between quotes by sea-query
/// without escaping, so a quote in one would break the statement.
fn check_quotes(kind: NameKind, lit: &LitStr, cx: &Ctxt) -> bool {
    let name = lit.value();
    if name.contains(['"', '`', '\'']) {
        cx.error_spanned_by(lit, messages::quote_in_name(kind, &name));
        return false;
    }
    true
}

/// Table, column, type-column, index and constraint names.
pub fn check_names(cont: &Container, cx: &Ctxt) {
    let table_blame =
        cont.attrs.table.as_ref().map_or_else(|| cont.item.ident.to_token_stream(), |t| t.to_token_stream());
    let described = match &cont.attrs.table {
        Some(_) => format!("the table name `{}`", cont.table.escape_debug()),
        None => format!("the table name `{}` (made from the struct name `{}`)", cont.table.escape_debug(), cont.name),
    };
    if let Some(v) = limits::identifier_described(NameKind::Table, &cont.table, &described) {
        report(cx, table_blame, v);
    } else if cont.table.contains(TYPEORM_UNREADABLE) {
        cx.error_spanned_by(table_blame, messages::typeorm_cannot_read(NameKind::Table, &cont.table));
    }
    for f in cont.columns() {
        if let Some(v) = limits::identifier(NameKind::Column, &f.column) {
            report(cx, column_blame(f), v);
        } else if f.attrs.polymorphic.is_some()
            && let Some(stem) = f.column.strip_suffix("_id")
            && let Some(v) = limits::identifier_described(
                NameKind::Column,
                &format!("{stem}_type"),
                &format!("the column name `{stem}_type` (the type column `#[polymorphic]` adds beside `{}`)", f.column),
            )
        {
            let short: String = stem.chars().take(20).collect();
            let help = format!("shorten the id column: {}", NameKind::Column.fix(&format!("{short}_id")));
            report(cx, column_blame(f), Violation { help, ..v });
        }
        for attr in [&f.attrs.unique, &f.attrs.index].into_iter().flatten() {
            if let Some(name) = &attr.name {
                check_given_name(NameKind::Index, name, cx);
            }
        }
    }
    for index in &cont.attrs.indexes {
        if let Some(name) = &index.name {
            check_given_name(NameKind::Index, name, cx);
        }
    }
    for check in &cont.attrs.checks {
        if let Some(name) = &check.name {
            check_given_name(NameKind::Constraint, name, cx);
        }
    }
}

fn check_given_name(kind: NameKind, lit: &LitStr, cx: &Ctxt) {
    if check_quotes(kind, lit, cx)
        && let Some(v) = limits::identifier(kind, &lit.value())
    {
        report(cx, lit, v);
    }
}

/// Two columns whose names differ only in case are one column on the
/// dialects that compare column names without case (exact duplicates are
/// [`super::check::check_duplicate_columns`]'s).
pub fn check_column_case(cont: &Container, cx: &Ctxt) {
    let folding = limits::folding(|c| c.columns);
    if folding.is_empty() {
        return;
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for f in cont.columns() {
        match seen.get(&f.column.to_lowercase()) {
            Some(first) if *first != f.column => {
                report(cx, column_blame(f), limits::case_clash(NameKind::Column, &f.column, first, &folding))
            }
            Some(_) => {}
            None => {
                seen.insert(f.column.to_lowercase(), &f.column);
            }
        }
    }
}

/// `max_len`, `precision` and `scale` within every dialect's range.
pub fn check_sizes(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let col = &f.attrs.column;
        if let Some((n, lit)) = &col.max_len
            && let Some(v) = limits::varchar(*n)
        {
            report(cx, lit, v);
        }
        if let Some((p, lit)) = &col.precision {
            let scale = col.scale.as_ref().map_or(0, |(s, _)| *s);
            if let Some(v) = limits::decimal(*p, scale) {
                let blame = match &col.scale {
                    Some((s, slit)) if limits::decimal(*p, 0).is_none() && *s > 0 => slit.to_token_stream(),
                    _ => lit.to_token_stream(),
                };
                report(cx, blame, v);
            }
        }
    }
}

/// The primary key and every struct-level index within the column limits.
pub fn check_key_columns(cont: &Container, cx: &Ctxt) {
    let keys: Vec<&Field> = cont.columns().filter(|f| f.attrs.id.is_some()).collect();
    if let Some(v) = limits::index_columns("the primary key", keys.len(), 0)
        && let Some(id) = keys.last().and_then(|f| f.attrs.id.as_ref())
    {
        report(cx, &id.path, v);
    }
    for index in &cont.attrs.indexes {
        let what = format!("`#[{}(...)]`", super::item::path_name(&index.path));
        if let Some(v) = limits::index_columns(&what, index.columns.len(), index.include.len()) {
            report(cx, &index.path, v);
        }
    }
}

/// One `#[id(auto)]` per table, first among the key columns.
pub fn check_identity(cont: &Container, cx: &Ctxt) {
    let keys: Vec<&Field> = cont.columns().filter(|f| f.attrs.id.is_some()).collect();
    // `#[id(auto)]` on a non-integer is check_id_kind's error already.
    let integer =
        |f: &Field| f.ty.as_ref().is_ok_and(|ft| matches!(ft.ty, ColumnType::I16 | ColumnType::I32 | ColumnType::I64));
    let autos: Vec<&Field> = keys
        .iter()
        .copied()
        .filter(|f| f.attrs.id.as_ref().is_some_and(|id| id.kind == IdKind::Auto) && integer(f))
        .collect();
    let blame = |f: &Field| {
        let id = f.attrs.id.as_ref().expect("filtered on #[id]");
        id.kind_ident.as_ref().map_or_else(|| id.path.to_token_stream(), |k| k.to_token_stream())
    };
    if let [first, rest @ ..] = autos.as_slice() {
        for second in rest {
            if let Some(v) = limits::second_identity(&second.column, &first.column) {
                report(cx, blame(second), v);
            }
        }
        if let Some(lead) = keys.first()
            && lead.column != first.column
            && let Some(v) = limits::identity_not_first(&first.column, &lead.column)
        {
            report(cx, blame(first), v);
        }
    }
}

/// The column types a dialect cannot index (MySQL: JSON, BLOB), in keys and indexes.
pub fn check_indexable(cont: &Container, cx: &Ctxt) {
    let blob = |f: &Field| -> Option<&'static str> {
        if f.attrs.column.sql_type.is_some() {
            return None;
        }
        match f.ty.as_ref().ok()?.ty {
            ColumnType::Json => Some("JSON"),
            ColumnType::Bytes => Some("BLOB"),
            ColumnType::StringArray => Some("JSON (`Vec<String>`)"),
            _ => None,
        }
    };
    for f in cont.columns() {
        let Some(kind) = blob(f) else { continue };
        let attrs: [(Option<&syn::Path>, &str); 3] = [
            (f.attrs.id.as_ref().map(|a| &a.path), "the primary key"),
            (f.attrs.unique.as_ref().map(|a| &a.path), "`#[unique]`"),
            (f.attrs.index.as_ref().map(|a| &a.path), "`#[index]`"),
        ];
        for (path, what) in attrs {
            if let Some(path) = path
                && let Some(v) = limits::unindexable(what, &f.column, kind)
            {
                report(cx, path, v);
            }
        }
    }
    for index in &cont.attrs.indexes {
        for (ident, _) in &index.columns {
            let name = ident.to_string().trim_start_matches("r#").to_string();
            let Some(f) = cont.columns().find(|f| f.column == name) else { continue };
            let what = format!("`#[{}(...)]`", super::item::path_name(&index.path));
            if let Some(kind) = blob(f)
                && let Some(v) = limits::unindexable(&what, &f.column, kind)
            {
                report(cx, ident, v);
            }
        }
    }
}

/// Whether a column is part of a key or an index: MySQL gives such an
/// unsized `String` `VARCHAR(255)` (the model's [`crate::model::Entity::is_keyed`]).
fn keyed(cont: &Container, f: &Field) -> bool {
    f.attrs.id.is_some()
        || f.attrs.unique.is_some()
        || f.attrs.index.is_some()
        || f.attrs.belongs_to.is_some()
        || f.attrs.polymorphic.is_some()
        || cont
            .attrs
            .indexes
            .iter()
            .any(|i| i.columns.iter().any(|(c, _)| c.to_string().trim_start_matches("r#") == f.column))
        || cont.attrs.many_to_many.is_some()
}

/// A literal default fits its column on every dialect: a string within the
/// column's length (MySQL's `VARCHAR(255)` for an unsized keyed string), a
/// number within the decimal's digits, a float within `f32`'s range.
pub fn check_default_fits(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let (Some(d), Ok(ft)) = (&f.attrs.default, &f.ty) else { continue };
        let DefaultArg::Lit(lit) = &d.value else { continue };
        if f.attrs.column.sql_type.is_some() {
            continue;
        }
        match (&ft.ty, &lit.lit) {
            (ColumnType::String, syn::Lit::Str(s)) => {
                let value = s.value();
                let chars = value.chars().count();
                let (limit, sized) = match f.attrs.column.max_len.as_ref().map(|(n, _)| *n) {
                    Some(n) => (n, true),
                    None if keyed(cont, f) => (crate::types::MYSQL_KEYED_VARCHAR, false),
                    None => continue,
                };
                if chars as u64 > u64::from(limit) {
                    cx.error_spanned_by(lit, messages::default_too_long(&f.column, chars, limit, sized));
                }
            }
            (ColumnType::Decimal, syn::Lit::Int(_) | syn::Lit::Float(_)) => {
                let text = number_text(lit);
                let Some((int_digits, frac_digits)) = decimal_digits(&text) else { continue };
                let (p, s, spec) = match f.attrs.column.precision.as_ref().map(|(p, _)| *p) {
                    Some(p) => {
                        let s = f.attrs.column.scale.as_ref().map_or(0, |(s, _)| *s);
                        (p, s, format!("NUMERIC({p}, {s})"))
                    }
                    // MySQL's DECIMAL(65, 30) for an unsized `Decimal`.
                    None => {
                        (65, 30, "DECIMAL(65, 30), what MySQL/MariaDB makes of a `Decimal` without `precision`".into())
                    }
                };
                let room = p.saturating_sub(s) as usize;
                if int_digits > room || frac_digits > s as usize {
                    cx.error_spanned_by(lit, messages::default_decimal(&text, &f.column, &spec, room, s));
                }
            }
            (ColumnType::F32 | ColumnType::F64, syn::Lit::Int(_) | syn::Lit::Float(_)) => {
                let text = number_text(lit);
                let value: f64 = text.replace('_', "").parse().unwrap_or(f64::INFINITY);
                let (max, ty, shown) = if ft.ty == ColumnType::F32 {
                    (f64::from(f32::MAX), "f32", "3.4e38 (REAL / FLOAT)")
                } else {
                    (f64::MAX, "f64", "1.8e308 (DOUBLE PRECISION)")
                };
                if !value.is_finite() || value.abs() > max {
                    cx.error_spanned_by(lit, messages::default_float_out_of_range(&text, ty, shown));
                }
            }
            _ => {}
        }
    }
}

/// A numeric literal as written, sign included, without a type suffix.
fn number_text(lit: &LitArg) -> String {
    let digits = match &lit.lit {
        syn::Lit::Int(i) => i.base10_digits().to_string(),
        syn::Lit::Float(f) => f.base10_digits().to_string(),
        other => other.to_token_stream().to_string(),
    };
    if lit.neg.is_some() { format!("-{digits}") } else { digits }
}

/// The significant digits before and after the point of a decimal literal
/// (`0012.3400` -> (2, 2), `1.5e3` -> (4, 0)); `None` when it is not one.
pub fn decimal_digits(text: &str) -> Option<(usize, usize)> {
    let text = text.trim_start_matches(['-', '+']).replace('_', "");
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m.to_string(), e.parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exponent;
    let first = digits.find(|c| c != '0');
    let last = digits.rfind(|c| c != '0');
    let (Some(first), Some(last)) = (first, last) else { return Some((0, 0)) };
    let int_digits = (point - first as i64).max(0) as usize;
    let frac_digits = (last as i64 + 1 - point).max(0) as usize;
    Some((int_digits, frac_digits))
}

/// A `#[db_enum]`'s type name and stored values within every dialect's limits.
pub fn check_enum_limits(item: &syn::ItemEnum, name: Option<&LitStr>, cx: &Ctxt) {
    let rust = item.ident.to_string().trim_start_matches("r#").to_string();
    let sql_name = name.map_or_else(|| crate::naming::snake_case(&rust), LitStr::value);
    let blame = name.map_or_else(|| item.ident.to_token_stream(), |n| n.to_token_stream());
    if let Some(v) = limits::identifier(NameKind::EnumType, &sql_name) {
        report(cx, blame, v);
    } else if sql_name.contains(TYPEORM_UNREADABLE) {
        cx.error_spanned_by(blame, messages::typeorm_cannot_read(NameKind::EnumType, &sql_name));
    }
    for variant in &item.variants {
        let value = crate::naming::snake_case(variant.ident.to_string().trim_start_matches("r#"));
        if let Some(v) = limits::identifier(NameKind::EnumValue, &value) {
            let v =
                Violation { help: "rename the variant: its snake_case name is what the database stores".into(), ..v };
            report(cx, &variant.ident, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decimal_digits;

    #[test]
    fn digits_of_decimal_literals() {
        assert_eq!(decimal_digits("0012.3400"), Some((2, 2)));
        assert_eq!(decimal_digits("1.5e3"), Some((4, 0)));
        assert_eq!(decimal_digits("-0.001"), Some((0, 3)));
        assert_eq!(decimal_digits("1_000"), Some((4, 0)));
        assert_eq!(decimal_digits("12e-5"), Some((0, 5)));
        assert_eq!(decimal_digits("0"), Some((0, 0)));
    }
}

//! `#[seed(...)]`: how the seed generator ([`crate::seed`]) fills an entity
//! or a column.
//!
//! - on a field: `#[seed(values = ["a", "b", 3, true])]` (one of these) or
//!   `#[seed(range = 1..100)]` / `1..=100` (a whole number in the range);
//! - on an entity: `#[seed(count = 50)]` (rows; per tenant when the entity is
//!   `#[tenant_scoped]`) or `#[seed(per_parent = 3)]` (rows per row of its
//!   first `#[belongs_to]` target).

use syn::{Attribute, Ident, Lit};

use super::Ctxt;
use super::grammar::{Arg, LitArg, Syntax, Value, parse_args_with};
use super::messages;
use super::symbols::{self as sym, Place};
use crate::model::{ColumnSeed, EntitySeed, SeedLiteral, SeedRange};

/// The `key = value` arguments of one `#[seed(...)]` (the shared grammar
/// with lists and ranges); anything else is reported as what `#[seed]`
/// expects there.
fn args(attr: &Attribute, on_field: bool, cx: &Ctxt) -> Vec<(Ident, Value)> {
    // Both places parse alike (a field's syntax is the wider), so a field's
    // option on an entity is an unknown option there, not a syntax error.
    let syntax = Syntax::of(sym::SEED, Place::Field);
    let parsed = attr.meta.require_list().and_then(|list| parse_args_with(list.tokens.clone(), syntax));
    let args = match parsed {
        Ok(args) if !args.is_empty() => args,
        Ok(_) => {
            cx.error_spanned_by(attr, messages::seed_expected(on_field));
            return Vec::new();
        }
        Err(e) => {
            cx.error_at(e.span(), messages::seed_expected(on_field));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Arg::KeyValue { key, value } => out.push((key, value)),
            other => cx.error_spanned_by(&other, messages::seed_expected(on_field)),
        }
    }
    out
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Lit(LitArg { neg, lit: Lit::Int(i) }) => {
            let n: i64 = i.base10_parse().ok()?;
            Some(if neg.is_some() { -n } else { n })
        }
        _ => None,
    }
}

fn literal(value: &Value) -> Option<SeedLiteral> {
    if let Some(i) = int(value) {
        return Some(SeedLiteral::Int(i));
    }
    let Value::Lit(LitArg { neg, lit }) = value else { return None };
    match (neg, lit) {
        (None, Lit::Str(s)) => Some(SeedLiteral::String(s.value())),
        (None, Lit::Bool(b)) => Some(SeedLiteral::Bool(b.value)),
        (None, Lit::Float(f)) => Some(SeedLiteral::Float(f.base10_digits().to_string())),
        (Some(_), Lit::Float(f)) => Some(SeedLiteral::Float(format!("-{}", f.base10_digits()))),
        _ => None,
    }
}

/// Reads a field's `#[seed(...)]` into `out`.
pub fn parse_field_seed(attr: &Attribute, out: &mut ColumnSeed, cx: &Ctxt) {
    for (key, value) in args(attr, true, cx) {
        match key.to_string().as_str() {
            "values" => {
                let Value::List(_, elems) = &value else {
                    cx.error_spanned_by(&value, messages::seed_values());
                    continue;
                };
                let mut values = Vec::new();
                for e in elems {
                    match literal(e) {
                        Some(l) => values.push(l),
                        None => cx.error_spanned_by(e, messages::seed_values()),
                    }
                }
                if values.is_empty() {
                    cx.error_spanned_by(&value, messages::seed_values());
                }
                out.values = values;
            }
            "range" => {
                let Value::Range { start, limits, end } = &value else {
                    cx.error_spanned_by(&value, messages::seed_range());
                    continue;
                };
                let inclusive = matches!(limits, syn::RangeLimits::Closed(_));
                match (start.as_deref().and_then(int), end.as_deref().and_then(int)) {
                    (Some(start), Some(end)) if end > start || (inclusive && end == start) => {
                        out.range = Some(SeedRange { start, end, inclusive })
                    }
                    _ => cx.error_spanned_by(&value, messages::seed_range()),
                }
            }
            other => cx.error_spanned_by(&key, messages::seed_unknown_key(other, true)),
        }
    }
    if !out.values.is_empty() && out.range.is_some() {
        cx.error_spanned_by(attr, messages::seed_values_and_range());
    }
}

/// Reads an entity's `#[seed(...)]` into `out`.
pub fn parse_entity_seed(attr: &Attribute, out: &mut EntitySeed, cx: &Ctxt) {
    for (ident, value) in args(attr, false, cx) {
        let key = ident.to_string();
        let n = int(&value).and_then(|v| u32::try_from(v).ok());
        let slot = match key.as_str() {
            "count" => &mut out.count,
            "per_parent" => &mut out.per_parent,
            other => {
                cx.error_spanned_by(&ident, messages::seed_unknown_key(other, false));
                continue;
            }
        };
        match n {
            Some(n) => *slot = Some(n),
            None => cx.error_spanned_by(&value, messages::seed_count(&key)),
        }
    }
    if out.count.is_some() && out.per_parent.is_some() {
        cx.error_spanned_by(attr, messages::seed_count_and_per_parent());
    }
}

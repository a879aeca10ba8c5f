//! `#[seed(...)]`: how the seed generator ([`crate::seed`]) fills an entity
//! or a column.
//!
//! - on a field: `#[seed(values = ["a", "b", 3, true])]` (one of these) or
//!   `#[seed(range = 1..100)]` / `1..=100` (a whole number in the range);
//! - on an entity: `#[seed(count = 50)]` (rows; per tenant when the entity is
//!   `#[tenant_scoped]`) or `#[seed(per_parent = 3)]` (rows per row of its
//!   first `#[belongs_to]` target).

use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, Token};

use super::Ctxt;
use super::messages;
use crate::model::{ColumnSeed, EntitySeed, SeedLiteral, SeedRange};

struct KeyValue {
    key: syn::Ident,
    value: Expr,
}

impl syn::parse::Parse for KeyValue {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let key: syn::Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        Ok(KeyValue { key, value: input.parse()? })
    }
}

fn args(attr: &Attribute, on_field: bool, cx: &Ctxt) -> Vec<KeyValue> {
    match attr.parse_args_with(Punctuated::<KeyValue, Token![,]>::parse_terminated) {
        Ok(list) if !list.is_empty() => list.into_iter().collect(),
        Ok(_) => {
            cx.error_spanned_by(attr, messages::seed_expected(on_field));
            Vec::new()
        }
        Err(e) => {
            cx.error_at(e.span(), messages::seed_expected(on_field));
            Vec::new()
        }
    }
}

fn int(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse().ok(),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => int(&u.expr).map(|v| -v),
        Expr::Group(g) => int(&g.expr),
        Expr::Paren(p) => int(&p.expr),
        _ => None,
    }
}

fn literal(expr: &Expr) -> Option<SeedLiteral> {
    if let Some(i) = int(expr) {
        return Some(SeedLiteral::Int(i));
    }
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(SeedLiteral::String(s.value())),
            Lit::Bool(b) => Some(SeedLiteral::Bool(b.value)),
            Lit::Float(f) => Some(SeedLiteral::Float(f.base10_digits().to_string())),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match literal(&u.expr)? {
            SeedLiteral::Float(f) => Some(SeedLiteral::Float(format!("-{f}"))),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a field's `#[seed(...)]` into `out`.
pub fn parse_field_seed(attr: &Attribute, out: &mut ColumnSeed, cx: &Ctxt) {
    for kv in args(attr, true, cx) {
        match kv.key.to_string().as_str() {
            "values" => {
                let Expr::Array(array) = &kv.value else {
                    cx.error_spanned_by(&kv.value, messages::seed_values());
                    continue;
                };
                let mut values = Vec::new();
                for e in &array.elems {
                    match literal(e) {
                        Some(l) => values.push(l),
                        None => cx.error_spanned_by(e, messages::seed_values()),
                    }
                }
                if values.is_empty() {
                    cx.error_spanned_by(&kv.value, messages::seed_values());
                }
                out.values = values;
            }
            "range" => {
                let Expr::Range(range) = &kv.value else {
                    cx.error_spanned_by(&kv.value, messages::seed_range());
                    continue;
                };
                let inclusive = matches!(range.limits, syn::RangeLimits::Closed(_));
                match (range.start.as_deref().and_then(int), range.end.as_deref().and_then(int)) {
                    (Some(start), Some(end)) if end > start || (inclusive && end == start) => {
                        out.range = Some(SeedRange { start, end, inclusive })
                    }
                    _ => cx.error_spanned_by(&kv.value, messages::seed_range()),
                }
            }
            other => cx.error_spanned_by(&kv.key, messages::seed_unknown_key(other, true)),
        }
    }
    if !out.values.is_empty() && out.range.is_some() {
        cx.error_spanned_by(attr, messages::seed_values_and_range());
    }
}

/// Reads an entity's `#[seed(...)]` into `out`.
pub fn parse_entity_seed(attr: &Attribute, out: &mut EntitySeed, cx: &Ctxt) {
    for kv in args(attr, false, cx) {
        let key = kv.key.to_string();
        let n = int(&kv.value).and_then(|v| u32::try_from(v).ok());
        let slot = match key.as_str() {
            "count" => &mut out.count,
            "per_parent" => &mut out.per_parent,
            other => {
                cx.error_spanned_by(&kv.key, messages::seed_unknown_key(other, false));
                continue;
            }
        };
        match n {
            Some(n) => *slot = Some(n),
            None => cx.error_spanned_by(&kv.value, messages::seed_count(&key)),
        }
    }
    if out.count.is_some() && out.per_parent.is_some() {
        cx.error_spanned_by(attr, messages::seed_count_and_per_parent());
    }
}

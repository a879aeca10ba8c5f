//! The one grammar of attribute arguments, shared by every attribute
//! reader ([`super::attr`], [`super::access_attr`], [`super::lint_attr`],
//! [`super::tenant_attr`], [`super::seed_attr`]): comma-separated [`Arg`]s,
//! each a literal, a word (`col`, `col desc`, `Task`, `TaskStatus::Todo`),
//! `key = value` or `key(args...)`.
//!
//! Values after `key =` are literals and paths; bracketed lists
//! (`admin_roles = ["owner"]`) and ranges (`range = 1..100`) are parsed
//! only for the attributes whose options take them ([`Syntax`]), so every
//! other attribute reports `[`/`..` as before. The helpers below it are the
//! bookkeeping every reader shares: duplicate options, string and integer
//! values, unknown options, attributes that take no arguments.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitInt, LitStr, Meta, Token};

use super::Ctxt;
use super::messages;
use super::symbols::{self, Place, Takes};

/// A literal, possibly negated: `"text"`, `3`, `-1`, `0.5`, `true`.
#[derive(Clone, Debug)]
pub struct LitArg {
    pub neg: Option<Token![-]>,
    pub lit: syn::Lit,
}

impl ToTokens for LitArg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.neg.to_tokens(tokens);
        self.lit.to_tokens(tokens);
    }
}

/// The value after `key =`.
#[derive(Clone, Debug)]
pub enum Value {
    Lit(LitArg),
    Path(syn::Path),
    /// `["owner", "admin"]`, where [`Syntax::lists`].
    List(syn::token::Bracket, Vec<Value>),
    /// `1..100`, `0..=10` (either end may be missing), where [`Syntax::ranges`].
    Range {
        start: Option<Box<Value>>,
        limits: syn::RangeLimits,
        end: Option<Box<Value>>,
    },
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Value::Lit(l) => l.to_tokens(tokens),
            Value::Path(p) => p.to_tokens(tokens),
            Value::List(bracket, values) => bracket.surround(tokens, |t| {
                for v in values {
                    v.to_tokens(t);
                }
            }),
            Value::Range { start, limits, end } => {
                start.to_tokens(tokens);
                limits.to_tokens(tokens);
                end.to_tokens(tokens);
            }
        }
    }
}

/// The value forms an attribute's options take beyond literals and paths.
/// Only the attributes that need them parse them, so a `[` or `..` anywhere
/// else is the syntax error it always was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Syntax {
    /// Bracketed lists: `admin_roles = ["owner"]`, `values = ["a", 3]`.
    pub lists: bool,
    /// Ranges: `range = 1..100`.
    pub ranges: bool,
    /// Parentheses around a value, which mean nothing: `count = (3)`
    /// (`#[seed]`'s values were once read as Rust expressions).
    pub parens: bool,
}

impl Syntax {
    /// What the options of `attr` at `place` take, from the symbol table.
    pub fn of(attr: &str, place: Place) -> Syntax {
        let mut syntax = Syntax::default();
        for opt in symbols::attribute(attr).map_or(&[][..], |a| a.options(place)) {
            match opt.takes {
                Takes::Strings => syntax.lists = true,
                Takes::Literals => (syntax.lists, syntax.parens) = (true, true),
                Takes::Range => (syntax.ranges, syntax.parens) = (true, true),
                Takes::Count => syntax.parens = true,
                _ => {}
            }
        }
        syntax
    }
}

/// One argument of a tablewright attribute.
#[derive(Clone, Debug)]
pub enum Arg {
    /// `"expr"`, `0.0`, `-1`.
    Lit(LitArg),
    /// `col`, `col desc`, `Task`, `TaskStatus::Todo`, `unique`.
    Word { path: syn::Path, modifier: Option<Ident> },
    /// `key = value`.
    KeyValue { key: Ident, value: Value },
    /// `key(args...)`.
    List { key: Ident, args: Vec<Arg> },
}

impl ToTokens for Arg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Arg::Lit(l) => l.to_tokens(tokens),
            Arg::Word { path, modifier } => {
                path.to_tokens(tokens);
                modifier.to_tokens(tokens);
            }
            Arg::KeyValue { key, value } => {
                key.to_tokens(tokens);
                value.to_tokens(tokens);
            }
            Arg::List { key, args } => {
                key.to_tokens(tokens);
                for a in args {
                    a.to_tokens(tokens);
                }
            }
        }
    }
}

fn parse_any_path(input: ParseStream) -> syn::Result<syn::Path> {
    let leading_colon: Option<Token![::]> = input.parse()?;
    let mut segments = Punctuated::new();
    segments.push(syn::PathSegment::from(input.call(Ident::parse_any)?));
    while input.peek(Token![::]) {
        segments.push_punct(input.parse::<Token![::]>()?);
        segments.push_value(syn::PathSegment::from(input.call(Ident::parse_any)?));
    }
    Ok(syn::Path { leading_colon, segments })
}

fn parse_lit_arg(input: ParseStream) -> syn::Result<LitArg> {
    Ok(LitArg { neg: input.parse()?, lit: input.parse()? })
}

/// A literal or a path, or where `syntax` allows, a list or a range.
fn parse_value(input: ParseStream, syntax: Syntax) -> syn::Result<Value> {
    if syntax.ranges && input.peek(Token![..]) {
        return parse_range_end(input, None, syntax);
    }
    let value = if syntax.parens && input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        let value = parse_value(&content, syntax)?;
        if !content.is_empty() {
            return Err(content.error("expected `)`"));
        }
        value
    } else if syntax.lists && input.peek(syn::token::Bracket) {
        let content;
        let bracket = syn::bracketed!(content in input);
        Value::List(bracket, comma_separated(&content, |i| parse_value(i, syntax))?)
    } else if input.peek(Token![-]) || input.peek(syn::Lit) {
        Value::Lit(parse_lit_arg(input)?)
    } else {
        Value::Path(parse_any_path(input)?)
    };
    if syntax.ranges && input.peek(Token![..]) {
        return parse_range_end(input, Some(value), syntax);
    }
    Ok(value)
}

/// `..end`, `..=end` or `..` after `start`.
fn parse_range_end(input: ParseStream, start: Option<Value>, syntax: Syntax) -> syn::Result<Value> {
    let limits: syn::RangeLimits = input.parse()?;
    let end = if input.is_empty() || input.peek(Token![,]) {
        None
    } else {
        Some(Box::new(parse_value(input, Syntax { ranges: false, ..syntax })?))
    };
    Ok(Value::Range { start: start.map(Box::new), limits, end })
}

fn parse_arg(input: ParseStream, syntax: Syntax) -> syn::Result<Arg> {
    if input.peek(Token![-]) || input.peek(syn::Lit) {
        return Ok(Arg::Lit(parse_lit_arg(input)?));
    }
    let path = parse_any_path(input)?;
    if input.peek(Token![=]) {
        let key = path
            .get_ident()
            .cloned()
            .ok_or_else(|| syn::Error::new_spanned(&path, "expected an option name before `=`"))?;
        input.parse::<Token![=]>()?;
        let value = parse_value(input, syntax)?;
        return Ok(Arg::KeyValue { key, value });
    }
    if input.peek(syn::token::Paren) {
        let key = path
            .get_ident()
            .cloned()
            .ok_or_else(|| syn::Error::new_spanned(&path, "expected an option name before `(`"))?;
        let content;
        syn::parenthesized!(content in input);
        let args = comma_separated(&content, |i| parse_arg(i, syntax))?;
        return Ok(Arg::List { key, args });
    }
    let modifier = if input.peek(Ident::peek_any) { Some(input.call(Ident::parse_any)?) } else { None };
    Ok(Arg::Word { path, modifier })
}

/// Parses comma-separated [`Arg`]s whose values are literals and paths.
pub fn parse_args(tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    parse_args_with(tokens, Syntax::default())
}

/// Parses comma-separated [`Arg`]s whose values may also take the forms
/// `syntax` allows.
pub fn parse_args_with(tokens: TokenStream, syntax: Syntax) -> syn::Result<Vec<Arg>> {
    (|input: ParseStream| comma_separated(input, |i| parse_arg(i, syntax))).parse2(tokens)
}

/// `item, item, ...` with an optional trailing comma, to the end of `input`
/// (what `Punctuated::parse_terminated_with` does, for a closure).
fn comma_separated<T>(input: ParseStream, mut item: impl FnMut(ParseStream) -> syn::Result<T>) -> syn::Result<Vec<T>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        out.push(item(input)?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// The arguments of one attribute; `None` (error recorded) when they do not parse.
pub(super) fn attr_args(attr: &Attribute, name: &str, example: &str, cx: &Ctxt) -> Option<Vec<Arg>> {
    match &attr.meta {
        Meta::Path(_) => Some(Vec::new()),
        Meta::List(list) => tokens_args(list.tokens.clone(), name, example, cx),
        Meta::NameValue(nv) => {
            cx.error_spanned_by(nv, messages::name_value_form(name, example));
            None
        }
    }
}

pub(super) fn tokens_args(tokens: TokenStream, name: &str, example: &str, cx: &Ctxt) -> Option<Vec<Arg>> {
    match parse_args(tokens) {
        Ok(args) => Some(args),
        Err(e) => {
            cx.error_at(e.span(), messages::bad_arguments(name, &e, example));
            None
        }
    }
}

pub(super) fn word_ident(path: &syn::Path) -> Option<&Ident> {
    path.get_ident()
}

pub(super) fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

// ---- option bookkeeping ----------------------------------------------------------

/// The options an attribute was given so far, to report the second of two.
pub(super) struct Keys {
    attr: &'static str,
    seen: Vec<String>,
}

impl Keys {
    pub(super) fn new(attr: &'static str) -> Self {
        Keys { attr, seen: Vec::new() }
    }

    /// `false` (error recorded) when `key` was given before.
    pub(super) fn fresh(&mut self, key: &Ident, cx: &Ctxt) -> bool {
        let k = unraw(key);
        if self.seen.contains(&k) {
            cx.error_spanned_by(key, messages::duplicate_option(self.attr, &k));
            return false;
        }
        self.seen.push(k);
        true
    }
}

pub(super) fn lit_str(value: &Value, attr: &str, key: &str, example: &str, cx: &Ctxt) -> Option<LitStr> {
    match value {
        Value::Lit(LitArg { neg: None, lit: syn::Lit::Str(s) }) => {
            if s.value().trim().is_empty() {
                cx.error_spanned_by(s, messages::empty_string(attr, key));
                return None;
            }
            Some(s.clone())
        }
        other => {
            cx.error_spanned_by(other, messages::expected_string(attr, key, example));
            None
        }
    }
}

pub(super) fn lit_u32(value: &Value, attr: &str, key: &str, example: &str, cx: &Ctxt) -> Option<(u32, LitInt)> {
    if let Value::Lit(LitArg { neg: None, lit: syn::Lit::Int(i) }) = value
        && let Ok(n) = i.base10_parse::<u32>()
    {
        if n == 0 {
            cx.error_spanned_by(i, messages::zero_not_allowed(key));
            return None;
        }
        return Some((n, i.clone()));
    }
    cx.error_spanned_by(value, messages::expected_integer(attr, key, example));
    None
}

pub(super) fn unknown_key(attr: &str, key: &Ident, valid: &[&str], example: &str, cx: &Ctxt) {
    cx.error_spanned_by(key, messages::unknown_option(attr, &unraw(key), valid, example));
}

/// Reports arguments given to an attribute that takes none.
pub(super) fn no_args(attr: &Attribute, name: &str, cx: &Ctxt) -> bool {
    if matches!(attr.meta, Meta::Path(_)) {
        return true;
    }
    match &attr.meta {
        Meta::List(list) if list.tokens.is_empty() => true,
        Meta::List(list) => {
            cx.error_spanned_by(&list.tokens, messages::takes_no_arguments(name));
            false
        }
        other => {
            cx.error_spanned_by(other, messages::takes_no_arguments(name));
            false
        }
    }
}

/// Records a second occurrence of a single-use attribute; returns whether it is the first.
pub(super) fn first_use<T>(slot: &Option<T>, attr: &Attribute, name: &str, example: &str, cx: &Ctxt) -> bool {
    if slot.is_some() {
        cx.error_spanned_by(attr, messages::duplicate_attribute(name, example));
        return false;
    }
    true
}

/// The path of a bare word without modifier: `Task`, `crate::Task`.
pub(super) fn plain_path(arg: &Arg) -> Option<&syn::Path> {
    match arg {
        Arg::Word { path, modifier: None } => Some(path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str, syntax: Syntax) -> Result<String, String> {
        let tokens: TokenStream = src.parse().unwrap();
        parse_args_with(tokens, syntax)
            .map(|args| args.iter().map(|a| a.to_token_stream().to_string()).collect::<Vec<_>>().join(" | "))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn lists_ranges_and_parens_only_where_the_options_take_them() {
        let seed = Syntax::of(symbols::SEED, Place::Field);
        assert_eq!(seed, Syntax { lists: true, ranges: true, parens: true });
        assert_eq!(Syntax::of(symbols::TENANT, Place::Entity), Syntax { lists: true, ..Syntax::default() });
        assert_eq!(Syntax::of(symbols::COLUMN, Place::Field), Syntax::default());
        assert_eq!(
            parse(r#"values = ["a", -2, 1.5,], range = 1..=9"#, seed).unwrap(),
            r#"values ["a" - 2 1.5] | range 1 ..= 9"#
        );
        assert_eq!(parse("range = ..5, count = (3)", seed).unwrap(), "range .. 5 | count 3");
        assert_eq!(parse("name = [\"a\"]", Syntax::default()).unwrap_err(), "expected ident");
        assert_eq!(parse("name = 1..2", Syntax::default()).unwrap_err(), "expected `,`");
        assert_eq!(
            parse("a desc, b = x::Y, include(c, d)", Syntax::default()).unwrap(),
            "a desc | b x :: Y | include c d"
        );
    }
}

//! Typed tablewright attributes, parsed from syn (serde_derive's `attr.rs`).
//!
//! Every attribute's arguments go through one small grammar ([`Arg`]), then
//! each attribute interprets its arguments, recording every mistake (unknown
//! or duplicate option, wrong value) in the [`Ctxt`] and keeping the tokens
//! to blame. Attributes that are not tablewright's pass through untouched.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitInt, LitStr, Meta, Token};

use super::Ctxt;
use super::messages;
use super::symbols::{self as sym, Place};
use crate::model::{PolymorphicAction, ReferentialAction};

// ---- the argument grammar ------------------------------------------------------

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
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Value::Lit(l) => l.to_tokens(tokens),
            Value::Path(p) => p.to_tokens(tokens),
        }
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

fn parse_arg(input: ParseStream) -> syn::Result<Arg> {
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
        let value = if input.peek(Token![-]) || input.peek(syn::Lit) {
            Value::Lit(parse_lit_arg(input)?)
        } else {
            Value::Path(parse_any_path(input)?)
        };
        return Ok(Arg::KeyValue { key, value });
    }
    if input.peek(syn::token::Paren) {
        let key = path
            .get_ident()
            .cloned()
            .ok_or_else(|| syn::Error::new_spanned(&path, "expected an option name before `(`"))?;
        let content;
        syn::parenthesized!(content in input);
        let args = Punctuated::<Arg, Token![,]>::parse_terminated_with(&content, parse_arg)?;
        return Ok(Arg::List { key, args: args.into_iter().collect() });
    }
    let modifier = if input.peek(Ident::peek_any) { Some(input.call(Ident::parse_any)?) } else { None };
    Ok(Arg::Word { path, modifier })
}

/// Parses comma-separated [`Arg`]s.
pub fn parse_args(tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    let parser = |input: ParseStream| Punctuated::<Arg, Token![,]>::parse_terminated_with(input, parse_arg);
    Ok(parser.parse2(tokens)?.into_iter().collect())
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

fn tokens_args(tokens: TokenStream, name: &str, example: &str, cx: &Ctxt) -> Option<Vec<Arg>> {
    match parse_args(tokens) {
        Ok(args) => Some(args),
        Err(e) => {
            cx.error_at(e.span(), messages::bad_arguments(name, &e, example));
            None
        }
    }
}

fn word_ident(path: &syn::Path) -> Option<&Ident> {
    path.get_ident()
}

pub(super) fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

// ---- which attributes are ours ------------------------------------------------

/// The tablewright attribute this is (`#[id]`, `#[tablewright::id]`), if any.
pub fn tw_name(attr: &Attribute) -> Option<&'static str> {
    let segs = &attr.path().segments;
    let last = segs.last()?;
    let ours = segs.len() == 1 || segs.first().is_some_and(|s| s.ident == sym::CRATE);
    if !ours {
        return None;
    }
    sym::attribute(&last.ident.to_string()).map(|a| a.name)
}

/// The message for a misspelled or foreign-idiom attribute (`#[soft_delet]`,
/// `#[primary_key]`), if this attribute looks like one.
pub fn near_miss(attr: &Attribute) -> Option<String> {
    let ident = attr.path().get_ident()?;
    let name = ident.to_string();
    if tw_name(attr).is_some() || sym::OTHER_TOOLS.contains(&name.as_str()) {
        return None;
    }
    if let Some(help) = sym::alias(&name) {
        return Some(messages::alias_attribute(&name, help));
    }
    messages::closest_typo(&name, sym::attribute_names()).map(|s| messages::unknown_attribute(&name, s))
}

/// Whether [`strip_struct`] removes this attribute.
fn is_stripped(attr: &Attribute) -> bool {
    tw_name(attr).is_some() || near_miss(attr).is_some()
}

/// The struct with tablewright attributes removed from it and its fields.
pub fn strip_struct(item: &syn::ItemStruct) -> syn::ItemStruct {
    let mut item = item.clone();
    item.attrs.retain(|a| !is_stripped(a));
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !is_stripped(a));
    }
    item
}

/// The enum with tablewright attributes removed from it (variant attributes stay).
pub fn strip_enum(item: &syn::ItemEnum) -> syn::ItemEnum {
    let mut item = item.clone();
    item.attrs.retain(|a| !is_stripped(a));
    item
}

/// Doc comments joined by `\n`, one leading space per line removed; `None`
/// when blank.
pub fn doc(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        let Meta::NameValue(nv) = &attr.meta else { continue };
        if !nv.path.is_ident("doc") {
            continue;
        }
        if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
            for line in s.value().split('\n') {
                let line = line.strip_prefix(' ').unwrap_or(line);
                lines.push(line.trim_end().to_string());
            }
        }
    }
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

// ---- option bookkeeping ----------------------------------------------------------

struct Keys {
    attr: &'static str,
    seen: Vec<String>,
}

impl Keys {
    fn new(attr: &'static str) -> Self {
        Keys { attr, seen: Vec::new() }
    }

    /// `false` (error recorded) when `key` was given before.
    fn fresh(&mut self, key: &Ident, cx: &Ctxt) -> bool {
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

fn lit_u32(value: &Value, attr: &str, key: &str, example: &str, cx: &Ctxt) -> Option<(u32, LitInt)> {
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
fn no_args(attr: &Attribute, name: &str, cx: &Ctxt) -> bool {
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
fn first_use<T>(slot: &Option<T>, attr: &Attribute, name: &str, example: &str, cx: &Ctxt) -> bool {
    if slot.is_some() {
        cx.error_spanned_by(attr, messages::duplicate_attribute(name, example));
        return false;
    }
    true
}

// ---- entity attributes -----------------------------------------------------------

/// `#[index(...)]` or `#[unique(...)]` on the struct (or its field-level forms).
#[derive(Clone, Debug)]
pub struct IndexAttr {
    /// The attribute's path, for spans and locations.
    pub path: syn::Path,
    pub columns: Vec<(Ident, bool)>,
    pub unique: bool,
    pub predicate: Option<LitStr>,
    pub include: Vec<Ident>,
    pub name: Option<LitStr>,
}

/// `#[check(name = "...", "expr")]`.
#[derive(Clone, Debug)]
pub struct CheckAttr {
    pub path: syn::Path,
    pub name: Option<LitStr>,
    pub expr: LitStr,
}

/// `#[many_to_many(A, B)]`.
#[derive(Clone, Debug)]
pub struct ManyToManyAttr {
    pub path: syn::Path,
    pub left: syn::Path,
    pub right: syn::Path,
}

/// `#[tenant_scoped]` / `#[tenant_scoped(Organization)]`.
#[derive(Clone, Debug)]
pub struct TenantScopedAttr {
    pub path: syn::Path,
    pub tenant: Option<syn::Path>,
}

/// Everything written on an `#[entity]` struct.
#[derive(Clone, Debug, Default)]
pub struct EntityAttrs {
    pub table: Option<LitStr>,
    /// `#[entity(renamed_from = "old_table")]`.
    pub renamed_from: Option<LitStr>,
    pub tenant: Option<syn::Path>,
    /// `#[tenant(membership = ..., role = ..., admin_roles = [...])]`.
    pub tenant_membership: Option<super::tenant_attr::TenantMembershipAttr>,
    pub tenant_scoped: Option<TenantScopedAttr>,
    pub soft_delete: Option<syn::Path>,
    pub timestamps: Option<syn::Path>,
    pub audited: Option<syn::Path>,
    /// `#[audited(readable)]`.
    pub audit_readable: bool,
    pub versioned: Option<syn::Path>,
    /// `#[global]`.
    pub global: Option<syn::Path>,
    /// `#[userstamps]` / `#[userstamps(User)]`.
    pub userstamps: Option<super::access_attr::UserstampsAttr>,
    /// `#[policy(...)]`, in the order written.
    pub policies: Vec<super::access_attr::PolicyAttr>,
    pub indexes: Vec<IndexAttr>,
    pub many_to_many: Option<ManyToManyAttr>,
    pub checks: Vec<CheckAttr>,
    /// `#[allow_lint(...)]`: schema-review rules silenced for the entity.
    pub allow_lint: Vec<String>,
    /// `#[seed(count = N)]` / `#[seed(per_parent = N)]`.
    pub seed: crate::model::EntitySeed,
    pub doc: Option<String>,
}

impl EntityAttrs {
    /// Reads the `#[entity(...)]` arguments and the struct's attributes.
    pub fn from_syn(args: TokenStream, attrs: &[Attribute], cx: &Ctxt) -> EntityAttrs {
        let mut out = EntityAttrs { doc: doc(attrs), ..Default::default() };
        if let Some(args) = tokens_args(args, sym::ENTITY, sym::ENTITY, cx) {
            out.read_entity_args(args, cx);
        }
        for attr in attrs {
            let Some(name) = tw_name(attr) else {
                if let Some(msg) = near_miss(attr) {
                    cx.error_spanned_by(attr.path(), msg);
                }
                continue;
            };
            let path = attr.path().clone();
            match name {
                sym::ENTITY => {}
                sym::TENANT if matches!(&attr.meta, Meta::List(list) if !list.tokens.is_empty()) => {
                    // Membership mode; a bare `#[tenant]` is setting mode.
                    let Meta::List(list) = &attr.meta else { continue };
                    if first_use(&out.tenant, attr, name, name, cx) {
                        out.tenant_membership = super::tenant_attr::parse(&path, list.tokens.clone(), cx);
                        out.tenant = Some(path);
                    }
                }
                sym::AUDITED => {
                    if first_use(&out.audited, attr, name, name, cx)
                        && let Some(readable) = super::access_attr::parse_audited(attr, cx)
                    {
                        out.audited = Some(path);
                        out.audit_readable = readable;
                    }
                }
                sym::USERSTAMPS => {
                    if first_use(&out.userstamps, attr, name, name, cx) {
                        out.userstamps = super::access_attr::parse_userstamps(attr, cx);
                    }
                }
                sym::POLICY => {
                    if let Some(policy) = super::access_attr::parse_policy(attr, cx) {
                        out.policies.push(policy);
                    }
                }
                sym::TENANT | sym::SOFT_DELETE | sym::TIMESTAMPS | sym::VERSIONED | sym::GLOBAL => {
                    let slot = match name {
                        sym::TENANT => &mut out.tenant,
                        sym::SOFT_DELETE => &mut out.soft_delete,
                        sym::TIMESTAMPS => &mut out.timestamps,
                        sym::GLOBAL => &mut out.global,
                        _ => &mut out.versioned,
                    };
                    if first_use(slot, attr, name, name, cx) && no_args(attr, name, cx) {
                        *slot = Some(path);
                    }
                }
                sym::TENANT_SCOPED => {
                    if !first_use(&out.tenant_scoped, attr, name, name, cx) {
                        continue;
                    }
                    let Some(args) = attr_args(attr, name, name, cx) else { continue };
                    out.tenant_scoped = parse_tenant_scoped(path, args, cx);
                }
                sym::INDEX | sym::UNIQUE => {
                    let Some(args) = attr_args(attr, name, name, cx) else { continue };
                    if let Some(index) = parse_entity_index(name, path, args, cx) {
                        out.indexes.push(index);
                    }
                }
                sym::MANY_TO_MANY => {
                    if !first_use(&out.many_to_many, attr, name, name, cx) {
                        continue;
                    }
                    let Some(args) = attr_args(attr, name, name, cx) else { continue };
                    out.many_to_many = parse_many_to_many(path, args, cx);
                }
                sym::CHECK => {
                    let Some(args) = attr_args(attr, name, name, cx) else { continue };
                    if let Some(check) = parse_check(path, args, cx) {
                        out.checks.push(check);
                    }
                }
                sym::ALLOW_LINT => super::lint_attr::parse_allow_lint(attr, &mut out.allow_lint, cx),
                sym::SEED => super::seed_attr::parse_entity_seed(attr, &mut out.seed, cx),
                sym::DB_ENUM => cx.error_spanned_by(attr, messages::db_enum_on_struct()),
                field_attr => cx.error_spanned_by(attr, messages::field_attr_on_entity(field_attr)),
            }
        }
        out
    }

    fn read_entity_args(&mut self, args: Vec<Arg>, cx: &Ctxt) {
        let mut keys = Keys::new(sym::ENTITY);
        let valid = sym::option_names(sym::ENTITY, Place::Entity);
        for arg in args {
            match arg {
                Arg::KeyValue { key, value } if key == "table" || key == "renamed_from" => {
                    if keys.fresh(&key, cx) {
                        let slot = if key == "table" { &mut self.table } else { &mut self.renamed_from };
                        *slot = lit_str(&value, sym::ENTITY, &unraw(&key), sym::ENTITY, cx);
                    }
                }
                Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
                    unknown_key(sym::ENTITY, &key, &valid, sym::ENTITY, cx)
                }
                Arg::Word { path, .. } => match word_ident(&path) {
                    Some(key) => unknown_key(sym::ENTITY, key, &valid, sym::ENTITY, cx),
                    None => {
                        cx.error_spanned_by(&path, messages::expected("`table = \"...\"`", sym::ENTITY, sym::ENTITY))
                    }
                },
                Arg::Lit(lit) => {
                    cx.error_spanned_by(lit, messages::expected("`table = \"...\"`", sym::ENTITY, sym::ENTITY))
                }
            }
        }
    }
}

fn plain_path(arg: &Arg) -> Option<&syn::Path> {
    match arg {
        Arg::Word { path, modifier: None } => Some(path),
        _ => None,
    }
}

fn parse_tenant_scoped(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<TenantScopedAttr> {
    match args.as_slice() {
        [] => Some(TenantScopedAttr { path, tenant: None }),
        [one] if plain_path(one).is_some() => Some(TenantScopedAttr { path, tenant: plain_path(one).cloned() }),
        [first, ..] => {
            let what = if plain_path(first).is_some() { "one tenant entity" } else { "the tenant entity" };
            let bad = if plain_path(first).is_some() { &args[1] } else { first };
            cx.error_spanned_by(bad, messages::expected(what, sym::TENANT_SCOPED, sym::TENANT_SCOPED));
            None
        }
    }
}

fn parse_many_to_many(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<ManyToManyAttr> {
    let paths: Vec<Option<&syn::Path>> = args.iter().map(plain_path).collect();
    match paths.as_slice() {
        [Some(left), Some(right)] => Some(ManyToManyAttr { path, left: (*left).clone(), right: (*right).clone() }),
        _ => {
            let blame: TokenStream = if args.is_empty() {
                path.to_token_stream()
            } else {
                args.iter().map(|a| a.to_token_stream()).collect()
            };
            cx.error_spanned_by(
                blame,
                messages::expected("exactly two entities", sym::MANY_TO_MANY, sym::MANY_TO_MANY),
            );
            None
        }
    }
}

fn parse_check(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<CheckAttr> {
    let mut keys = Keys::new(sym::CHECK);
    let valid = sym::option_names(sym::CHECK, Place::Entity);
    let mut name = None;
    let mut expr: Option<LitStr> = None;
    let mut ok = true;
    for arg in args {
        match arg {
            Arg::KeyValue { key, value } if key == "name" => {
                if keys.fresh(&key, cx) {
                    name = lit_str(&value, sym::CHECK, "name", sym::CHECK, cx);
                }
            }
            Arg::Lit(LitArg { neg: None, lit: syn::Lit::Str(s) }) => {
                if expr.is_some() {
                    cx.error_spanned_by(&s, messages::check_one_expr());
                    ok = false;
                } else if s.value().trim().is_empty() {
                    cx.error_spanned_by(&s, messages::empty_string(sym::CHECK, "expression"));
                    ok = false;
                } else {
                    expr = Some(s);
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
                unknown_key(sym::CHECK, &key, &valid, sym::CHECK, cx);
                ok = false;
            }
            other => {
                cx.error_spanned_by(&other, messages::check_needs_expr());
                ok = false;
            }
        }
    }
    match expr {
        Some(expr) if ok => Some(CheckAttr { path, name, expr }),
        Some(_) => None,
        None => {
            if ok {
                cx.error_spanned_by(&path, messages::check_needs_expr());
            }
            None
        }
    }
}

fn column_ref(arg: &Arg, attr: &str, cx: &Ctxt) -> Option<(Ident, bool)> {
    let Arg::Word { path, modifier } = arg else {
        cx.error_spanned_by(arg, messages::expected_column_name(attr, attr));
        return None;
    };
    let Some(ident) = word_ident(path) else {
        cx.error_spanned_by(path, messages::expected_column_name(attr, attr));
        return None;
    };
    let desc = match modifier.as_ref().map(unraw).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            cx.error_spanned_by(modifier, messages::bad_sort_order(other));
            return None;
        }
    };
    Some((ident.clone(), desc))
}

fn parse_entity_index(attr: &'static str, path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<IndexAttr> {
    let valid = sym::option_names(attr, Place::Entity);
    let mut keys = Keys::new(attr);
    let mut index = IndexAttr {
        path,
        columns: Vec::new(),
        unique: attr == sym::UNIQUE,
        predicate: None,
        include: Vec::new(),
        name: None,
    };
    let errors = cx.error_count();
    for arg in &args {
        match arg {
            Arg::Word { path, modifier: None } if attr == sym::INDEX && path.is_ident("unique") => {
                if keys.fresh(path.get_ident().expect("is_ident"), cx) {
                    index.unique = true;
                }
            }
            Arg::KeyValue { key, value } if key == "where" || key == "name" => {
                if !keys.fresh(key, cx) {
                    continue;
                }
                let s = lit_str(value, attr, &unraw(key), attr, cx);
                if key == "where" {
                    index.predicate = s;
                } else {
                    index.name = s;
                }
            }
            Arg::List { key, args } if key == "include" => {
                if keys.fresh(key, cx) {
                    for a in args {
                        match column_ref(a, attr, cx) {
                            Some((ident, false)) => index.include.push(ident),
                            Some((ident, true)) => {
                                cx.error_spanned_by(ident, messages::expected_column_name(attr, attr))
                            }
                            None => {}
                        }
                    }
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => unknown_key(attr, key, &valid, attr, cx),
            word => {
                if let Some(col) = column_ref(word, attr, cx) {
                    index.columns.push(col);
                }
            }
        }
    }
    if index.columns.is_empty() && cx.error_count() == errors {
        cx.error_spanned_by(&index.path, messages::empty_index(attr));
    }
    (cx.error_count() == errors).then_some(index)
}

// ---- field attributes ----------------------------------------------------------

/// `#[id]`, `#[id(auto)]`, `#[id(cuid)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Plain,
    Auto,
    Cuid,
}

#[derive(Clone, Debug)]
pub struct IdAttr {
    pub path: syn::Path,
    pub kind: IdKind,
    /// `auto` / `cuid` as written.
    pub kind_ident: Option<Ident>,
}

/// `#[unique]` / `#[index]` on a field, optionally `name = "..."`.
#[derive(Clone, Debug)]
pub struct FieldIndexAttr {
    pub path: syn::Path,
    pub name: Option<LitStr>,
}

/// The value of `#[default(...)]`.
#[derive(Clone, Debug)]
pub enum DefaultArg {
    Lit(LitArg),
    Now(Ident),
    /// A single word that is not `now` (checked against the column's enum).
    Bare(Ident),
    Variant(syn::Path),
    Sql(LitStr),
}

#[derive(Clone, Debug)]
pub struct DefaultAttr {
    pub path: syn::Path,
    pub value: DefaultArg,
}

/// `on_delete = cascade` as written.
#[derive(Clone, Debug)]
pub struct ActionArg {
    pub action: ReferentialAction,
    pub ident: Ident,
}

#[derive(Clone, Debug)]
pub struct BelongsToAttr {
    pub path: syn::Path,
    pub target: syn::Path,
    pub on_delete: Option<ActionArg>,
    pub on_update: Option<ActionArg>,
    /// `deferrable`: the key is checked at commit (PostgreSQL, SQLite).
    pub deferrable: Option<Ident>,
}

/// `#[column(...)]`.
#[derive(Clone, Debug, Default)]
pub struct ColumnAttr {
    pub path: Option<syn::Path>,
    pub name: Option<LitStr>,
    /// `renamed_from = "old_name"`, `backfill = "expr"`, `using = "expr"`:
    /// how the migration planner takes existing rows to this column.
    pub renamed_from: Option<LitStr>,
    pub backfill: Option<LitStr>,
    pub using: Option<LitStr>,
    /// `dual_write` (with `renamed_from`): the rename is planned in the safe
    /// form, both columns kept in step until the contract migration.
    pub dual_write: Option<proc_macro2::Span>,
    pub max_len: Option<(u32, LitInt)>,
    pub precision: Option<(u32, LitInt)>,
    pub scale: Option<(u32, LitInt)>,
    pub check: Option<LitStr>,
    pub sql_type: Option<LitStr>,
}

#[derive(Clone, Debug)]
pub struct PolymorphicAttr {
    pub path: syn::Path,
    pub targets: Vec<syn::Path>,
    /// `on_delete = cascade | restrict`: what deleting a target does.
    pub on_delete: Option<(PolymorphicAction, Ident)>,
}

/// Everything written on one field.
#[derive(Clone, Debug, Default)]
pub struct FieldAttrs {
    pub id: Option<IdAttr>,
    pub unique: Option<FieldIndexAttr>,
    pub index: Option<FieldIndexAttr>,
    pub default: Option<DefaultAttr>,
    pub belongs_to: Option<BelongsToAttr>,
    pub column: ColumnAttr,
    pub polymorphic: Option<PolymorphicAttr>,
    pub skip: Option<syn::Path>,
    /// `#[allow_lint(...)]`: schema-review rules silenced for the column.
    pub allow_lint: Vec<String>,
    /// `#[seed(values = [...])]` / `#[seed(range = a..b)]`.
    pub seed: crate::model::ColumnSeed,
    pub doc: Option<String>,
}

impl FieldAttrs {
    /// Reads a field's attributes.
    pub fn from_syn(attrs: &[Attribute], cx: &Ctxt) -> FieldAttrs {
        let mut out = FieldAttrs { doc: doc(attrs), ..Default::default() };
        for attr in attrs {
            let Some(name) = tw_name(attr) else {
                if let Some(msg) = near_miss(attr) {
                    cx.error_spanned_by(attr.path(), msg);
                }
                continue;
            };
            let path = attr.path().clone();
            match name {
                sym::ID => {
                    if first_use(&out.id, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.id = parse_id(path, args, cx);
                    }
                }
                sym::UNIQUE | sym::INDEX => {
                    let example = if name == sym::UNIQUE { "field_unique" } else { "field_index" };
                    let slot = if name == sym::UNIQUE { &mut out.unique } else { &mut out.index };
                    if first_use(slot, attr, name, example, cx) {
                        let Some(args) = attr_args(attr, name, example, cx) else { continue };
                        *slot = parse_field_index(name, path, args, cx);
                    }
                }
                sym::DEFAULT => {
                    if first_use(&out.default, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.default = parse_default(path, args, cx);
                    }
                }
                sym::BELONGS_TO => {
                    if first_use(&out.belongs_to, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.belongs_to = parse_belongs_to(path, args, cx);
                    }
                }
                sym::COLUMN => {
                    if first_use(&out.column.path, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.column = parse_column(path, args, cx);
                    }
                }
                sym::POLYMORPHIC => {
                    if first_use(&out.polymorphic, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.polymorphic = parse_polymorphic(path, args, cx);
                    }
                }
                sym::SKIP => {
                    if first_use(&out.skip, attr, name, name, cx) && no_args(attr, name, cx) {
                        out.skip = Some(path);
                    }
                }
                sym::ALLOW_LINT => super::lint_attr::parse_allow_lint(attr, &mut out.allow_lint, cx),
                sym::SEED => super::seed_attr::parse_field_seed(attr, &mut out.seed, cx),
                sym::DB_ENUM => cx.error_spanned_by(attr, messages::db_enum_on_struct()),
                entity_attr => cx.error_spanned_by(attr, messages::entity_attr_on_field(entity_attr)),
            }
        }
        out
    }

    /// The tablewright attributes present besides `#[skip]`, for the skip check.
    pub fn column_attr_paths(&self) -> Vec<(&'static str, &syn::Path)> {
        [
            (sym::ID, self.id.as_ref().map(|a| &a.path)),
            (sym::UNIQUE, self.unique.as_ref().map(|a| &a.path)),
            (sym::INDEX, self.index.as_ref().map(|a| &a.path)),
            (sym::DEFAULT, self.default.as_ref().map(|a| &a.path)),
            (sym::BELONGS_TO, self.belongs_to.as_ref().map(|a| &a.path)),
            (sym::COLUMN, self.column.path.as_ref()),
            (sym::POLYMORPHIC, self.polymorphic.as_ref().map(|a| &a.path)),
        ]
        .into_iter()
        .filter_map(|(name, p)| p.map(|p| (name, p)))
        .collect()
    }
}

fn parse_id(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<IdAttr> {
    match args.as_slice() {
        [] => Some(IdAttr { path, kind: IdKind::Plain, kind_ident: None }),
        [Arg::Word { path: word, modifier: None }] if word.get_ident().is_some() => {
            let ident = word.get_ident().expect("checked").clone();
            let kind = match unraw(&ident).as_str() {
                "auto" => IdKind::Auto,
                "cuid" => IdKind::Cuid,
                other => {
                    cx.error_spanned_by(&ident, messages::unknown_id_kind(other));
                    return None;
                }
            };
            Some(IdAttr { path, kind, kind_ident: Some(ident) })
        }
        [first, ..] => {
            let blame = if args.len() > 1 { &args[1] } else { first };
            cx.error_spanned_by(blame, messages::expected("`auto` or `cuid` (or nothing)", sym::ID, sym::ID));
            None
        }
    }
}

fn parse_field_index(attr: &'static str, path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<FieldIndexAttr> {
    let example = if attr == sym::UNIQUE { "field_unique" } else { "field_index" };
    let mut keys = Keys::new(attr);
    let mut out = FieldIndexAttr { path, name: None };
    let valid = sym::option_names(attr, Place::Field);
    let errors = cx.error_count();
    for arg in args {
        match arg {
            Arg::KeyValue { key, value } if key == "name" => {
                if keys.fresh(&key, cx) {
                    out.name = lit_str(&value, attr, "name", example, cx);
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => unknown_key(attr, &key, &valid, example, cx),
            Arg::Word { path, .. } if path.get_ident().is_some() => {
                unknown_key(attr, path.get_ident().expect("checked"), &valid, example, cx)
            }
            other => cx.error_spanned_by(&other, messages::expected("`name = \"...\"` or nothing", attr, example)),
        }
    }
    (cx.error_count() == errors).then_some(out)
}

fn parse_default(path: syn::Path, mut args: Vec<Arg>, cx: &Ctxt) -> Option<DefaultAttr> {
    if args.len() != 1 {
        let blame = if args.is_empty() {
            path.to_token_stream()
        } else {
            args[1..].iter().map(|a| a.to_token_stream()).collect()
        };
        cx.error_spanned_by(blame, messages::default_one_value());
        return None;
    }
    let value = match args.remove(0) {
        Arg::Lit(lit) => DefaultArg::Lit(lit),
        Arg::Word { path: word, modifier: None } => match word.get_ident() {
            Some(ident) if ident == sym::NOW => DefaultArg::Now(ident.clone()),
            Some(ident) => DefaultArg::Bare(ident.clone()),
            None => DefaultArg::Variant(word),
        },
        Arg::KeyValue { key, value } if key == "sql" => {
            DefaultArg::Sql(lit_str(&value, sym::DEFAULT, "sql", sym::DEFAULT, cx)?)
        }
        Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
            unknown_key(sym::DEFAULT, &key, &sym::option_names(sym::DEFAULT, Place::Field), sym::DEFAULT, cx);
            return None;
        }
        other => {
            cx.error_spanned_by(&other, messages::default_one_value());
            return None;
        }
    };
    Some(DefaultAttr { path, value })
}

fn parse_action(key: &Ident, value: &Value, cx: &Ctxt) -> Option<ActionArg> {
    let ident = match value {
        Value::Path(p) => p.get_ident(),
        Value::Lit(_) => None,
    };
    let Some(ident) = ident else {
        cx.error_spanned_by(
            value,
            messages::unknown_value(sym::BELONGS_TO, &unraw(key), &value.to_token_stream().to_string(), sym::ACTIONS),
        );
        return None;
    };
    let action = match unraw(ident).as_str() {
        "cascade" => ReferentialAction::Cascade,
        "restrict" => ReferentialAction::Restrict,
        "set_null" => ReferentialAction::SetNull,
        "set_default" => ReferentialAction::SetDefault,
        "no_action" => ReferentialAction::NoAction,
        other => {
            cx.error_spanned_by(ident, messages::unknown_value(sym::BELONGS_TO, &unraw(key), other, sym::ACTIONS));
            return None;
        }
    };
    Some(ActionArg { action, ident: ident.clone() })
}

fn parse_belongs_to(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<BelongsToAttr> {
    let mut iter = args.into_iter();
    let target = match iter.next() {
        Some(Arg::Word { path, modifier: None }) => path,
        Some(other) => {
            cx.error_spanned_by(&other, messages::belongs_to_target());
            return None;
        }
        None => {
            cx.error_spanned_by(&path, messages::belongs_to_target());
            return None;
        }
    };
    let valid = sym::option_names(sym::BELONGS_TO, Place::Field);
    let mut keys = Keys::new(sym::BELONGS_TO);
    let mut out = BelongsToAttr { path, target, on_delete: None, on_update: None, deferrable: None };
    let errors = cx.error_count();
    for arg in iter {
        match arg {
            Arg::KeyValue { key, value } if key == "on_delete" || key == "on_update" => {
                if keys.fresh(&key, cx) {
                    let action = parse_action(&key, &value, cx);
                    if key == "on_delete" {
                        out.on_delete = action;
                    } else {
                        out.on_update = action;
                    }
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
                unknown_key(sym::BELONGS_TO, &key, &valid, sym::BELONGS_TO, cx)
            }
            Arg::Word { path, modifier: None } if path.is_ident("deferrable") => {
                let ident = path.get_ident().expect("checked").clone();
                if keys.fresh(&ident, cx) {
                    out.deferrable = Some(ident);
                }
            }
            Arg::Word { path, .. } if path.get_ident().is_some() => {
                unknown_key(sym::BELONGS_TO, path.get_ident().expect("checked"), &valid, sym::BELONGS_TO, cx)
            }
            other => cx.error_spanned_by(
                &other,
                messages::expected("`on_delete = ...` or `on_update = ...`", sym::BELONGS_TO, sym::BELONGS_TO),
            ),
        }
    }
    (cx.error_count() == errors).then_some(out)
}

fn parse_column(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> ColumnAttr {
    let valid = sym::option_names(sym::COLUMN, Place::Field);
    let mut keys = Keys::new(sym::COLUMN);
    let mut out = ColumnAttr { path: Some(path), ..Default::default() };
    for arg in args {
        match arg {
            Arg::KeyValue { key, value } if valid.contains(&unraw(&key).as_str()) => {
                if !keys.fresh(&key, cx) {
                    continue;
                }
                let k = unraw(&key);
                match k.as_str() {
                    "name" => out.name = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "check" => out.check = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "sql_type" => out.sql_type = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "renamed_from" => out.renamed_from = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "backfill" => out.backfill = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "using" => out.using = lit_str(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "max_len" => out.max_len = lit_u32(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    "precision" => out.precision = lit_u32(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    _ => out.scale = lit_u32(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
                unknown_key(sym::COLUMN, &key, &valid, sym::COLUMN, cx)
            }
            Arg::Word { path, .. } if path.is_ident("dual_write") => {
                let key = path.get_ident().expect("checked");
                if keys.fresh(key, cx) {
                    out.dual_write = Some(key.span());
                }
            }
            Arg::Word { path, .. } if path.get_ident().is_some() => {
                unknown_key(sym::COLUMN, path.get_ident().expect("checked"), &valid, sym::COLUMN, cx)
            }
            other => cx.error_spanned_by(&other, messages::expected("`key = value` options", sym::COLUMN, sym::COLUMN)),
        }
    }
    if let (Some(span), None) = (out.dual_write, &out.renamed_from) {
        cx.error_at(
            span,
            format!(
                "`dual_write` plans a rename in the safe form, but this column says no `renamed_from`{}name the \
                 column it was called before: #[column(renamed_from = \"title\", dual_write)]",
                messages::HELP_SEP
            ),
        );
    }
    out
}

fn parse_polymorphic(path: syn::Path, args: Vec<Arg>, cx: &Ctxt) -> Option<PolymorphicAttr> {
    let mut targets = Vec::new();
    let mut on_delete = None;
    let mut keys = Keys::new(sym::POLYMORPHIC);
    let keys_valid = sym::option_names(sym::POLYMORPHIC, Place::Field);
    for arg in &args {
        if let Arg::KeyValue { key, value } = arg {
            if key != "on_delete" {
                unknown_key(sym::POLYMORPHIC, key, &keys_valid, sym::POLYMORPHIC, cx);
                return None;
            }
            if !keys.fresh(key, cx) {
                return None;
            }
            let written = value.to_token_stream().to_string();
            let ident = match value {
                Value::Path(p) => p.get_ident(),
                Value::Lit(_) => None,
            };
            let action = match ident.map(unraw).as_deref() {
                Some("cascade") => PolymorphicAction::Cascade,
                Some("restrict") => PolymorphicAction::Restrict,
                _ => {
                    cx.error_spanned_by(
                        value,
                        messages::unknown_value(sym::POLYMORPHIC, "on_delete", &written, sym::POLYMORPHIC_ACTIONS),
                    );
                    return None;
                }
            };
            on_delete = ident.map(|i| (action, i.clone()));
            continue;
        }
        match plain_path(arg) {
            Some(p) => targets.push(p.clone()),
            None => {
                cx.error_spanned_by(arg, messages::expected("target entities", sym::POLYMORPHIC, sym::POLYMORPHIC));
                return None;
            }
        }
    }
    Some(PolymorphicAttr { path, targets, on_delete })
}

// ---- db_enum -------------------------------------------------------------------

/// The arguments of `#[db_enum(...)]`.
pub fn parse_db_enum_args(args: TokenStream, cx: &Ctxt) -> Option<LitStr> {
    let args = tokens_args(args, sym::DB_ENUM, sym::DB_ENUM, cx)?;
    let mut keys = Keys::new(sym::DB_ENUM);
    let valid = sym::option_names(sym::DB_ENUM, Place::Enum);
    let mut name = None;
    for arg in args {
        match arg {
            Arg::KeyValue { key, value } if key == "name" => {
                if keys.fresh(&key, cx) {
                    name = lit_str(&value, sym::DB_ENUM, "name", sym::DB_ENUM, cx);
                }
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => {
                unknown_key(sym::DB_ENUM, &key, &valid, sym::DB_ENUM, cx)
            }
            Arg::Word { path, .. } if path.get_ident().is_some() => {
                unknown_key(sym::DB_ENUM, path.get_ident().expect("checked"), &valid, sym::DB_ENUM, cx)
            }
            other => cx.error_spanned_by(&other, messages::expected("`name = \"...\"`", sym::DB_ENUM, sym::DB_ENUM)),
        }
    }
    name
}

/// Reports tablewright attributes on a `#[db_enum]` other than `#[db_enum]` itself.
pub fn check_enum_attrs(attrs: &[Attribute], cx: &Ctxt) {
    for attr in attrs {
        match tw_name(attr) {
            Some(sym::DB_ENUM) => {}
            Some(other) => cx.error_spanned_by(attr, messages::entity_attr_on_enum(other)),
            None => {
                if let Some(msg) = near_miss(attr) {
                    cx.error_spanned_by(attr.path(), msg);
                }
            }
        }
    }
}

// ---- the parsed item -------------------------------------------------------------

/// An `#[entity]` struct with its attributes parsed: what the checks read and
/// what is lowered to the model.
pub struct Container<'a> {
    pub item: &'a syn::ItemStruct,
    /// The struct name, e.g. `TaskLabel`.
    pub name: String,
    /// The table name (`#[entity(table = "...")]` or the default).
    pub table: String,
    pub attrs: EntityAttrs,
    /// Named fields in declaration order (empty for tuple and unit structs).
    pub fields: Vec<Field<'a>>,
    /// The `#[tenant]` entities the caller knows of.
    pub tenants: &'a [String],
}

/// One named field.
pub struct Field<'a> {
    pub syn: &'a syn::Field,
    pub ident: &'a Ident,
    /// The field name without `r#`.
    pub name: String,
    /// The SQL column name (`#[column(name = "...")]` or the field name).
    pub column: String,
    pub attrs: FieldAttrs,
    pub ty: Result<super::types::FieldType, super::types::TypeError>,
}

impl Field<'_> {
    /// `false` for `#[skip]` fields.
    pub fn is_column(&self) -> bool {
        self.attrs.skip.is_none()
    }
}

impl<'a> Container<'a> {
    /// Parses the struct's and its fields' attributes and classifies field types.
    pub fn from_syn(args: TokenStream, item: &'a syn::ItemStruct, cx: &Ctxt, tenants: &'a [String]) -> Container<'a> {
        let attrs = EntityAttrs::from_syn(args, &item.attrs, cx);
        let name = unraw(&item.ident);
        let table = match &attrs.table {
            Some(t) => t.value(),
            None => crate::naming::table_name(&name),
        };
        let mut fields = Vec::new();
        if let syn::Fields::Named(named) = &item.fields {
            for f in &named.named {
                let ident = f.ident.as_ref().expect("named fields have idents");
                let fattrs = FieldAttrs::from_syn(&f.attrs, cx);
                let column = fattrs.column.name.as_ref().map_or_else(|| unraw(ident), LitStr::value);
                let ty = if fattrs.column.sql_type.is_some() {
                    Ok(super::types::classify_with_sql_type(&f.ty))
                } else {
                    super::types::classify(&f.ty)
                };
                fields.push(Field { syn: f, ident, name: unraw(ident), column, attrs: fattrs, ty });
            }
        }
        Container { item, name, table, attrs, fields, tenants }
    }

    /// The fields that are columns (not `#[skip]`).
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| f.is_column())
    }

    /// Columns a cross-cutting attribute adds, with the attribute's name.
    pub fn added_columns(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        if let Some(scoped) = &self.attrs.tenant_scoped {
            match &scoped.tenant {
                Some(t) => out.push((crate::naming::key_column(&path_name(t)), sym::TENANT_SCOPED)),
                // Bare: named after the tenant(s) the caller knows, else the default.
                None if self.tenants.is_empty() => out.push(("organization_id".to_string(), sym::TENANT_SCOPED)),
                None => {
                    for t in self.tenants {
                        out.push((crate::naming::key_column(t), sym::TENANT_SCOPED));
                    }
                }
            }
        }
        if self.attrs.soft_delete.is_some() {
            out.push(("deleted_at".into(), sym::SOFT_DELETE));
        }
        if self.attrs.timestamps.is_some() {
            out.push(("created_at".into(), sym::TIMESTAMPS));
            out.push(("updated_at".into(), sym::TIMESTAMPS));
        }
        if self.attrs.versioned.is_some() {
            out.push(("version".into(), sym::VERSIONED));
        }
        if self.attrs.userstamps.is_some() {
            out.push(("created_by".into(), sym::USERSTAMPS));
            out.push(("updated_by".into(), sym::USERSTAMPS));
        }
        for f in self.columns() {
            if f.attrs.polymorphic.is_some()
                && let Some(stem) = f.column.strip_suffix("_id")
            {
                out.push((format!("{stem}_type"), sym::POLYMORPHIC));
            }
        }
        out
    }
}

/// The entity name a path refers to: its last segment.
pub fn path_name(path: &syn::Path) -> String {
    path.segments.last().map(|s| unraw(&s.ident)).unwrap_or_default()
}

//! Typed tablewright attributes, parsed from syn (serde_derive's `attr.rs`):
//! which attributes are ours ([`tw_name`], [`near_miss`]), the struct's
//! attributes ([`EntityAttrs`]) and `#[db_enum]`'s; a field's are in
//! [`super::field_attr`].
//!
//! Every attribute's arguments go through the one grammar of
//! [`super::grammar`], then each attribute interprets its arguments,
//! recording every mistake (unknown or duplicate option, wrong value) in
//! the [`Ctxt`] and keeping the tokens to blame. Attributes that are not
//! tablewright's pass through untouched.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, Ident, LitStr, Meta};

use super::Ctxt;
use super::grammar::{
    Arg, Keys, LitArg, attr_args, first_use, lit_str, no_args, plain_path, tokens_args, unknown_key, unraw, word_ident,
};
use super::messages;
use super::symbols::{self as sym, Place};

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

/// The tablewright attribute this is; a misspelled one (see [`near_miss`])
/// is reported in `cx`, and like any foreign attribute gives `None`.
pub(super) fn ours(attr: &Attribute, cx: &Ctxt) -> Option<&'static str> {
    let name = tw_name(attr);
    if name.is_none()
        && let Some(msg) = near_miss(attr)
    {
        cx.error_spanned_by(attr.path(), msg);
    }
    name
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
            let Some(name) = ours(attr, cx) else { continue };
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
        match ours(attr, cx) {
            Some(sym::DB_ENUM) | None => {}
            Some(other) => cx.error_spanned_by(attr, messages::entity_attr_on_enum(other)),
        }
    }
}

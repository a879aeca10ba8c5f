//! The attributes of a field: `#[id]`, `#[unique]`, `#[index]`,
//! `#[default]`, `#[belongs_to]`, `#[column]`, `#[polymorphic]`, `#[skip]`,
//! and the field forms of `#[allow_lint]` and `#[seed]`, read into
//! [`FieldAttrs`] the way [`super::attr`] reads the struct's.

use quote::ToTokens;
use syn::{Attribute, Ident, LitInt, LitStr};

use super::Ctxt;
use super::attr::{doc, ours};
use super::grammar::{
    Arg, Keys, LitArg, Value, attr_args, first_use, lit_str, lit_u32, no_args, plain_path, unknown_key, unraw,
};
use super::messages;
use super::symbols::{self as sym, Place};
use crate::model::{PolymorphicAction, ReferentialAction};

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
            let Some(name) = ours(attr, cx) else { continue };
            let path = attr.path().clone();
            match name {
                sym::ID => read_once(&mut out.id, attr, name, cx, parse_id),
                sym::UNIQUE | sym::INDEX => {
                    let example = if name == sym::UNIQUE { "field_unique" } else { "field_index" };
                    let slot = if name == sym::UNIQUE { &mut out.unique } else { &mut out.index };
                    if first_use(slot, attr, name, example, cx) {
                        let Some(args) = attr_args(attr, name, example, cx) else { continue };
                        *slot = parse_field_index(name, path, args, cx);
                    }
                }
                sym::DEFAULT => read_once(&mut out.default, attr, name, cx, parse_default),
                sym::BELONGS_TO => read_once(&mut out.belongs_to, attr, name, cx, parse_belongs_to),
                sym::COLUMN => {
                    if first_use(&out.column.path, attr, name, name, cx) {
                        let Some(args) = attr_args(attr, name, name, cx) else { continue };
                        out.column = parse_column(path, args, cx);
                    }
                }
                sym::POLYMORPHIC => read_once(&mut out.polymorphic, attr, name, cx, parse_polymorphic),
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

/// Reads a single-use attribute into `slot` with `parse`; a second one is
/// reported and its arguments left unread.
fn read_once<T>(
    slot: &mut Option<T>,
    attr: &Attribute,
    name: &str,
    cx: &Ctxt,
    parse: fn(syn::Path, Vec<Arg>, &Ctxt) -> Option<T>,
) {
    if first_use(slot, attr, name, name, cx)
        && let Some(args) = attr_args(attr, name, name, cx)
    {
        *slot = parse(attr.path().clone(), args, cx);
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
        _ => None,
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
            // `dual_write` is a flag: `dual_write = ...` falls to the arm below,
            // which says the option is not written that way.
            Arg::KeyValue { key, value } if key != "dual_write" && valid.contains(&unraw(&key).as_str()) => {
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
                    "scale" => out.scale = lit_u32(&value, sym::COLUMN, &k, sym::COLUMN, cx),
                    _ => unknown_key(sym::COLUMN, &key, &valid, sym::COLUMN, cx),
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
                _ => None,
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

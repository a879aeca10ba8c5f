//! The syn front end, shared by the proc macros and build scripts: one parser,
//! one set of messages, so what compiles is what is emitted.
//!
//! The shape follows serde_derive: attributes are parsed into typed values
//! ([`attr`]), each mistake is recorded in a [`Ctxt`] (all of them, not just
//! the first), per-item rules live one function each in [`check`], and the
//! result is lowered to the syntax-free [`crate::model`] ([`lower`]).
//! Build scripts reach the same code through [`scan`], which walks a crate's
//! sources for `#[entity]` and `#[db_enum]` items.

use crate::model;

pub mod access_attr;
pub mod attr;
pub mod check;
pub mod ctxt;
pub mod field_attr;
pub mod fragments;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
pub mod grammar;
pub mod item;
pub mod limits;
pub mod lint_attr;
pub mod lower;
pub mod messages;
pub mod scan;
pub mod seed_attr;
pub mod symbols;
pub mod tenant_attr;
pub mod types;

pub use ctxt::Ctxt;

/// Context a parse runs in, beyond the item itself.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// The display path of the source file, used in model locations (`""` in
    /// the macro, where rustc reports locations itself).
    pub file: String,
    /// Names of the `#[tenant]` entities known to the caller. A bare
    /// `#[tenant_scoped]` adds the key column of its tenant, which indexes may
    /// name: `<tenant>_id` for each name here, `organization_id` when empty.
    pub tenants: Vec<String>,
}

/// Parses and checks an `#[entity]` struct. `args` are the tokens inside
/// `#[entity(...)]`; every other tablewright attribute is read from the item
/// (an `#[entity]` attribute still in `item.attrs` is skipped).
///
/// Returns `None` when any error was recorded in `cx` (all of them are: the
/// item is checked completely even after the first mistake).
pub fn parse_entity(args: proc_macro2::TokenStream, item: &syn::ItemStruct, cx: &Ctxt) -> Option<ParsedEntity> {
    lower::parse_entity_with(args, item, cx, &ParseOptions::default())
}

/// [`parse_entity`] with a file name for locations and the known tenants.
pub fn parse_entity_with(
    args: proc_macro2::TokenStream,
    item: &syn::ItemStruct,
    cx: &Ctxt,
    options: &ParseOptions,
) -> Option<ParsedEntity> {
    lower::parse_entity_with(args, item, cx, options)
}

/// Parses and checks a `#[db_enum]` enum. `args` are the tokens inside
/// `#[db_enum(...)]`. Returns `None` when any error was recorded in `cx`.
pub fn parse_db_enum(args: proc_macro2::TokenStream, item: &syn::ItemEnum, cx: &Ctxt) -> Option<ParsedEnum> {
    lower::parse_db_enum_with(args, item, cx, &ParseOptions::default())
}

/// [`parse_db_enum`] with a file name for locations.
pub fn parse_db_enum_with(
    args: proc_macro2::TokenStream,
    item: &syn::ItemEnum,
    cx: &Ctxt,
    options: &ParseOptions,
) -> Option<ParsedEnum> {
    lower::parse_db_enum_with(args, item, cx, options)
}

/// The struct with every tablewright attribute removed (on the struct and its
/// fields, misspelled ones that were reported included): what a macro
/// re-emits beside `compile_error!` when parsing failed.
pub fn strip_struct(item: &syn::ItemStruct) -> syn::ItemStruct {
    item::strip_struct(item)
}

/// The enum with every tablewright attribute removed.
pub fn strip_enum(item: &syn::ItemEnum) -> syn::ItemEnum {
    item::strip_enum(item)
}

/// The Rust identifier of a name the model keeps (`type` for `r#type`) or
/// a source spells (`r#type`): raw where a plain one would be a keyword, so
/// generated code can name an item whatever the user called it.
/// (`syn::Ident::new("r#type", ..)` panics.)
pub fn rust_ident(name: &str, span: proc_macro2::Span) -> syn::Ident {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    // `self`, `Self`, `super`, `crate` and `_` cannot be raw; no item has them as its name.
    let plain = syn::parse_str::<syn::Ident>(bare).is_ok() || matches!(bare, "self" | "Self" | "super" | "crate" | "_");
    if plain { syn::Ident::new(bare, span) } else { syn::Ident::new_raw(bare, span) }
}

/// An `#[entity]` struct after parsing and the per-item checks.
///
/// `model` is the lowered entity *before* the cross-cutting transforms
/// ([`crate::transform`]); `relations` and `enum_types` keep the user's tokens
/// so the macro can place compile-time assertions on them.
pub struct ParsedEntity {
    /// The lowered entity: declared columns, declared keys, indexes and checks.
    /// Foreign keys name their target entity; `target_table` and
    /// `target_columns` stay empty until [`crate::transform::apply`] resolves them.
    pub model: model::Entity,
    /// The user's struct with every tablewright attribute removed (doc
    /// comments, derives and other attributes kept).
    pub item: syn::ItemStruct,
    /// Every reference to another entity, for `assert_entity` / key assertions.
    pub relations: Vec<Relation>,
    /// Field types that are neither DSL types nor `sql_type` columns: they must
    /// be `#[db_enum]`s, which the macro asserts.
    pub enum_types: Vec<syn::Type>,
    /// The tenant of a `#[tenant_scoped]` entity when written explicitly
    /// (`#[tenant_scoped(Organization)]`); `None` when bare or not scoped.
    pub explicit_tenant: Option<syn::Path>,
    /// Every `#[default(Enum::Variant)]` path, so the macro can assert the
    /// variant exists.
    pub default_variants: Vec<syn::Path>,
}

/// A reference from one entity to another, with the tokens to blame.
pub struct Relation {
    pub kind: RelationKind,
    /// The target as written (`Project`, `crate::Task`); `Self` is replaced by
    /// the struct's own name (spanned on `Self`) so it works outside the impl.
    pub target: syn::Path,
    /// The field's type without `Option`: must equal the target's key type.
    /// `None` where no field is involved (the tenant of `#[tenant_scoped]`).
    pub key_type: Option<syn::Type>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    BelongsTo,
    ManyToMany,
    /// One target of `#[polymorphic(A, B)]`; all targets must share a key type.
    Polymorphic,
    Tenant,
}

/// A `#[db_enum]` enum after parsing and checks.
pub struct ParsedEnum {
    pub model: model::EnumType,
    /// The user's enum with tablewright attributes removed.
    pub item: syn::ItemEnum,
}

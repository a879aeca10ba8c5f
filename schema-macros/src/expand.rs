//! `#[entity]`: parse with the shared front end, apply the cross-cutting
//! transforms to learn the final columns, then emit the struct (with the
//! added columns as fields), the `Entity` impl, the sea-query identifiers and
//! the compile-time relation checks.

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use tablewright_core::frontend::{self, Ctxt, ParseOptions, ParsedEntity, RelationKind, item, messages, symbols};
use tablewright_core::model::{self, ColumnOrigin, ColumnType};
use tablewright_core::naming;
use tablewright_core::transform::{self, TenantInfo};

use crate::enum_expand::item_keyword;
use crate::{fallback, iden, partial, tenant};

/// The tenant of a `#[tenant_scoped]` entity, as the macro names it.
struct Tenant {
    name: String,
    /// Where the type is named: the user's path, or the resolved name spanned
    /// on `#[tenant_scoped]`.
    path: syn::Path,
}

/// Expands `#[entity(args)]` on `input`. `file` is the invoking source file,
/// used to find the tenant of a bare `#[tenant_scoped]`.
pub fn expand_entity(args: TokenStream, input: TokenStream, file: Option<PathBuf>) -> TokenStream {
    let item: syn::Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => return fallback::with_errors(input, Some(err)),
    };
    let item = match item {
        syn::Item::Struct(item) => item,
        mut other => {
            let hint =
                if matches!(other, syn::Item::Enum(_)) { "; for an enum column type, use `#[db_enum]`" } else { "" };
            let err = syn::Error::new_spanned(
                item_keyword(&other),
                messages::with_help(
                    format!("`#[entity]` goes on a struct with named fields{hint}"),
                    "#[entity] pub struct Task { #[id] pub id: Uuid, pub title: String }",
                ),
            );
            fallback::strip_item(&mut other);
            return fallback::with_errors(other, Some(err));
        }
    };

    // A bare `#[tenant_scoped]` names its column after the tenant, which the
    // front end must know before it checks indexes that mention that column.
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut tenants = Vec::new();
    if let Some(attr) = bare_tenant_scoped(&item) {
        match resolve_tenant(attr, file) {
            Ok(name) => tenants.push(name),
            Err(e) => errors.push(e),
        }
    }
    let bare_tenant_span = bare_tenant_scoped(&item).and_then(|a| a.path().segments.last()).map(|s| s.ident.span());

    let cx = Ctxt::new();
    let options = ParseOptions { file: String::new(), tenants: tenants.clone() };
    let parsed = frontend::parse_entity_with(args.clone(), &item, &cx, &options);
    let warnings = cx.take_warnings();
    let mut front_errors = cx.into_errors();
    front_errors.append(&mut errors);
    let errors = front_errors;
    let checked = errors.is_empty();

    // Without a clean parse, a lenient reading still gives the struct its
    // added columns, the `Entity` impl and the identifiers, so the rest of
    // the crate compiles and only this item's mistakes are reported.
    let (stripped, mut entity, explicit, relations_ok) = match &parsed {
        Some(p) => (p.item.clone(), p.model.clone(), p.explicit_tenant.clone(), checked),
        None => (
            frontend::strip_struct(&item),
            partial::partial_entity(args.clone(), &item, &tenants),
            partial::explicit_tenant(args, &item),
            false,
        ),
    };

    let tenant = match (explicit, tenants.first()) {
        _ if !entity.traits.tenant_scoped => None,
        (Some(path), _) => Some(Tenant { name: item::path_name(&path), path }),
        (None, Some(name)) => {
            let span = bare_tenant_span.unwrap_or_else(Span::call_site);
            Some(Tenant { name: name.clone(), path: syn::Path::from(frontend::rust_ident(name, span)) })
        }
        (None, None) => None,
    };

    let info = tenant.as_ref().map(|t| TenantInfo {
        entity: t.name.clone(),
        table: naming::table_name(&t.name),
        // The macro cannot see the tenant's key; only the column this entity
        // gains matters here, and its Rust type is `<Tenant as Entity>::PrimaryKey`.
        key_column: String::new(),
        key_type: ColumnType::Other(format!("<{} as Entity>::PrimaryKey", t.name)),
    });
    transform::apply_entity(&mut entity, info.as_ref(), None);

    let mut out = expand_items(stripped, &entity, tenant.as_ref());
    // Assertions only when the item itself is sound: otherwise they would
    // repeat its errors in rustc's words.
    if let (Some(parsed), true) = (&parsed, relations_ok) {
        out.extend(expand_assertions(parsed, &entity, &item, tenant.as_ref()));
    }
    out.extend(fallback::warnings(warnings));
    if let Some(errors) = fallback::combine(errors) {
        out.extend(errors.into_compile_error());
    }
    out
}

/// `#[tenant_scoped]` without a tenant named, on an entity that is not
/// itself the tenant (that conflict is the front end's to report).
fn bare_tenant_scoped(item: &syn::ItemStruct) -> Option<&syn::Attribute> {
    let named = |a: &syn::Attribute, n: &str| a.path().segments.last().is_some_and(|s| s.ident == n);
    if item.attrs.iter().any(|a| named(a, symbols::TENANT)) {
        return None;
    }
    item.attrs.iter().find(|a| named(a, symbols::TENANT_SCOPED) && matches!(a.meta, syn::Meta::Path(_)))
}

fn resolve_tenant(attr: &syn::Attribute, file: Option<PathBuf>) -> syn::Result<String> {
    let src = tenant::crate_src_dir();
    tenant::resolve(file.as_deref(), src.as_deref()).map_err(|why| syn::Error::new_spanned(attr, why.message()))
}

/// The Rust type of a column the cross-cutting attributes add.
fn added_field_type(column: &model::Column, entity: &model::Entity, tenant: Option<&Tenant>) -> TokenStream {
    let base = match (&column.origin, tenant) {
        (ColumnOrigin::Tenant, Some(t)) => {
            // Spanned on the tenant's name, where rustc then reports a tenant
            // that is not an entity.
            let path = &t.path;
            respan(quote!(<#path as ::tablewright::Entity>::PrimaryKey), path.span())
        }
        (ColumnOrigin::Userstamps, _) => match user_entity(entity) {
            Some(user) => {
                let user = frontend::rust_ident(&user, Span::call_site());
                quote!(<#user as ::tablewright::Entity>::PrimaryKey)
            }
            None => quote!(::std::string::String),
        },
        _ => match &column.ty {
            ColumnType::DateTimeUtc => {
                quote!(::tablewright::prelude::DateTime<::tablewright::prelude::Utc>)
            }
            ColumnType::I32 => quote!(i32),
            ColumnType::I64 => quote!(i64),
            ColumnType::Uuid => quote!(::tablewright::prelude::Uuid),
            _ => quote!(::std::string::String),
        },
    };
    if column.nullable { quote!(::core::option::Option<#base>) } else { base }
}

/// The user entity of `#[userstamps(User)]`.
fn user_entity(entity: &model::Entity) -> Option<String> {
    entity.traits.userstamps.as_ref()?.user.clone()
}

fn added_field_doc(column: &model::Column) -> String {
    let from = match column.origin {
        ColumnOrigin::Tenant => "`#[tenant_scoped]`",
        ColumnOrigin::SoftDelete => "`#[soft_delete]`",
        ColumnOrigin::Timestamps => "`#[timestamps]`",
        ColumnOrigin::Versioned => "`#[versioned]`",
        ColumnOrigin::Polymorphic => "`#[polymorphic(...)]`",
        ColumnOrigin::Userstamps => "`#[userstamps]`",
        ColumnOrigin::Declared => "a tablewright attribute",
    };
    let what = match (column.origin, column.name.as_str()) {
        (_, _) if column.doc.is_some() => column.doc.clone().unwrap_or_default(),
        (ColumnOrigin::SoftDelete, _) => "When the row was deleted; `None` while it is live.".to_string(),
        (ColumnOrigin::Timestamps, "created_at") => "When the row was inserted.".to_string(),
        (ColumnOrigin::Timestamps, _) => "When the row was last updated.".to_string(),
        (ColumnOrigin::Versioned, _) => "The row version, for optimistic locking.".to_string(),
        _ => format!("The column `{}`.", column.name),
    };
    format!(" {what}\n\n Column `{}`, added by {from}.", column.name)
}

/// The struct with the added columns as fields, the `Entity` impl and the
/// identifier enum.
fn expand_items(mut item: syn::ItemStruct, entity: &model::Entity, tenant: Option<&Tenant>) -> TokenStream {
    add_fields(&mut item, entity, tenant);

    let ident = &item.ident;
    let table = &entity.table;
    let columns: Vec<&str> = entity.columns.iter().map(|c| c.name.as_str()).collect();
    let pk = &entity.primary_key.columns;
    let key_type = primary_key_type(&item, entity);
    let iden_ident = format_ident!("{}Iden", ident);
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let iden = iden::expand_iden(&item.vis, ident, table, &columns);
    let tenant_column = match &entity.tenant_scope {
        Some(scope) => {
            let column = &scope.column;
            quote!(::core::option::Option::Some(#column))
        }
        None => quote!(::core::option::Option::None),
    };
    let model::EntityTraits { soft_delete, timestamps, versioned, audited, .. } = entity.traits;
    quote! {
        #item

        impl #impl_generics ::tablewright::Entity for #ident #ty_generics #where_clause {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const PRIMARY_KEY: &'static [&'static str] = &[#(#pk),*];
            type PrimaryKey = #key_type;
            type Iden = #iden_ident;
            const TENANT_COLUMN: ::core::option::Option<&'static str> = #tenant_column;
            const SOFT_DELETE: bool = #soft_delete;
            const TIMESTAMPS: bool = #timestamps;
            const VERSIONED: bool = #versioned;
            const AUDITED: bool = #audited;
        }

        #iden
    }
}

fn field_named<'a>(item: &'a syn::ItemStruct, name: &str) -> Option<&'a syn::Field> {
    item.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == name))
}

/// Inserts one `pub` field per added column, right after the field of the
/// column before it in table order, so the struct reads like the row.
fn add_fields(item: &mut syn::ItemStruct, entity: &model::Entity, tenant: Option<&Tenant>) {
    let syn::Fields::Named(named) = &mut item.fields else {
        return;
    };
    let mut fields: Vec<syn::Field> = named.named.iter().cloned().collect();
    for (i, column) in entity.columns.iter().enumerate() {
        let present = |fields: &[syn::Field], name: &str| {
            fields.iter().position(|f| f.ident.as_ref().is_some_and(|id| id == name))
        };
        if column.origin.is_declared() || present(&fields, &column.field).is_some() {
            continue;
        }
        let Ok(ident) = syn::parse_str::<syn::Ident>(&column.field) else {
            continue;
        };
        let ty = added_field_type(column, entity, tenant);
        let doc = added_field_doc(column);
        let field: syn::Field = syn::parse_quote!(#[doc = #doc] pub #ident: #ty);
        let at = entity.columns[..i].iter().rev().find_map(|prev| present(&fields, &prev.field)).map_or(0, |p| p + 1);
        fields.insert(at, field);
    }
    named.named = fields.into_iter().collect();
}

/// `type PrimaryKey`: the key field's type, a tuple for a composite key, `()`
/// when the entity has none (already an error).
fn primary_key_type(item: &syn::ItemStruct, entity: &model::Entity) -> TokenStream {
    let types: Vec<TokenStream> = entity
        .primary_key
        .columns
        .iter()
        .filter_map(|name| {
            let column = entity.column(name)?;
            field_named(item, &column.field).map(|f| f.ty.to_token_stream())
        })
        .collect();
    match types.as_slice() {
        [one] => one.clone(),
        many => quote!((#(#many),*)),
    }
}

/// Replaces `Self` with the struct's name, keeping the span: the checks live
/// in a `const _` outside any impl, where `Self` means nothing.
struct ReplaceSelf<'a>(&'a syn::Ident);

impl VisitMut for ReplaceSelf<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if let Some(first) = path.segments.first_mut()
            && first.ident == "Self"
        {
            first.ident = frontend::rust_ident(&self.0.to_string(), first.ident.span());
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

fn unself_path(path: &syn::Path, ident: &syn::Ident) -> syn::Path {
    let mut path = path.clone();
    ReplaceSelf(ident).visit_path_mut(&mut path);
    path
}

fn unself_type(ty: &syn::Type, ident: &syn::Ident) -> syn::Type {
    let mut ty = ty.clone();
    ReplaceSelf(ident).visit_type_mut(&mut ty);
    ty
}

/// `T` for `Option<T>`, else the type itself.
fn without_option(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner;
    }
    ty
}

/// What one macro call cannot know, asked of rustc on the user's tokens.
fn expand_assertions(
    parsed: &ParsedEntity,
    entity: &model::Entity,
    original: &syn::ItemStruct,
    tenant: Option<&Tenant>,
) -> TokenStream {
    let me = &original.ident;
    let mut checks = TokenStream::new();
    // Every token of a check carries the target's span except the key type,
    // which carries the field type's: rustc then blames the target when it
    // is not an entity and the field type when the keys differ.
    let references = |target: &syn::Path, key: Option<&syn::Type>| match key {
        Some(key) => {
            quote_spanned!(target.span()=> ::tablewright::__private::assert_references::<#target, #key>();)
        }
        None => quote_spanned!(target.span()=> ::tablewright::__private::assert_entity::<#target>();),
    };

    // Polymorphic targets of one field share a key type: compare each with the first.
    let mut poly_first: Option<(String, syn::Path)> = None;
    for relation in &parsed.relations {
        let target = unself_path(&relation.target, me);
        let key = relation.key_type.as_ref().map(|k| unself_type(k, me));
        match relation.kind {
            RelationKind::BelongsTo | RelationKind::ManyToMany => {
                checks.extend(references(&target, key.as_ref()));
            }
            RelationKind::Polymorphic => {
                let field = key.as_ref().map(|k| k.to_token_stream().to_string()).unwrap_or_default();
                match &poly_first {
                    Some((f, first)) if *f == field => {
                        let first = respan(first.to_token_stream(), target.span());
                        checks.extend(quote_spanned!(target.span()=>
                            ::tablewright::__private::assert_polymorphic_target::<#first, #target>();
                        ));
                    }
                    _ => {
                        checks.extend(references(&target, key.as_ref()));
                        poly_first = Some((field, target.clone()));
                    }
                }
            }
            // The tenant is checked below, through the tenant key column.
            RelationKind::Tenant => {}
        }
    }

    if let Some(tenant) = tenant {
        let path = unself_path(&tenant.path, me);
        // An added tenant key field is typed `<Tenant as Entity>::PrimaryKey`,
        // which already fails when the tenant is not an entity; a declared one
        // must have the tenant's key type.
        let declared = entity.tenant_scope.as_ref().and_then(|scope| {
            let column = entity.column(&scope.column).filter(|c| c.origin.is_declared())?;
            field_named(original, &column.field)
        });
        if let Some(field) = declared {
            let key = unself_type(without_option(&field.ty), me);
            checks.extend(references(&path, Some(&key)));
        }
    }

    for ty in &parsed.enum_types {
        let ty = unself_type(ty, me);
        checks.extend(quote_spanned!(ty.span()=> ::tablewright::__private::assert_db_enum::<#ty>();));
    }

    checks.extend(enum_default_checks(original));

    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #checks
        };
    }
}

/// `#[default(Enum::Variant)]`: name the variant as a value of the field's
/// type, so a misspelled variant or an enum of the wrong type fails to compile.
fn enum_default_checks(original: &syn::ItemStruct) -> TokenStream {
    let me = &original.ident;
    let mut out = TokenStream::new();
    for field in &original.fields {
        for attr in &field.attrs {
            if !attr.path().is_ident("default") {
                continue;
            }
            let Ok(syn::Expr::Path(expr)) = attr.parse_args::<syn::Expr>() else {
                continue;
            };
            if expr.path.segments.len() < 2 || expr.qself.is_some() {
                continue;
            }
            let path = unself_path(&expr.path, me);
            let ty = unself_type(without_option(&field.ty), me);
            out.extend(quote_spanned!(path.span()=> let _: #ty = #path;));
        }
    }
    out
}

/// The tokens with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(args: TokenStream, item: TokenStream) -> syn::File {
        let out = expand_entity(args, item, None);
        syn::parse2(out.clone()).unwrap_or_else(|e| panic!("expansion does not parse: {e}\n{out}"))
    }

    fn find_struct<'a>(file: &'a syn::File, name: &str) -> &'a syn::ItemStruct {
        file.items
            .iter()
            .find_map(|i| match i {
                syn::Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .expect("the struct is emitted")
    }

    fn field_names(item: &syn::ItemStruct) -> Vec<String> {
        item.fields.iter().map(|f| f.ident.as_ref().map(ToString::to_string).unwrap_or_default()).collect()
    }

    #[test]
    fn adds_fields_in_table_order_and_implements_entity() {
        let file = expand(
            quote!(table = "notes"),
            quote! {
                #[soft_delete]
                #[timestamps]
                #[versioned]
                pub struct Note {
                    #[id(auto)]
                    pub id: i64,
                    #[column(max_len = 80)]
                    pub title: String,
                    #[skip]
                    pub cache: Vec<u32>,
                }
            },
        );
        let item = find_struct(&file, "Note");
        assert_eq!(field_names(item), ["id", "title", "created_at", "updated_at", "deleted_at", "version", "cache"]);
        assert!(item.attrs.iter().all(|a| a.path().is_ident("doc")), "tablewright attributes are removed");
        let text = quote!(#file).to_string();
        assert!(text.contains("const TABLE : & 'static str = \"notes\""), "{text}");
        assert!(
            text.contains("& [\"id\" , \"title\" , \"created_at\" , \"updated_at\" , \"deleted_at\" , \"version\"]"),
            "{text}"
        );
        assert!(text.contains("type PrimaryKey = i64"), "{text}");
        assert!(text.contains("pub enum NoteIden"), "{text}");
        assert!(text.contains("Self :: DeletedAt => \"deleted_at\""), "{text}");
    }

    #[test]
    fn relations_become_assertions_on_the_users_tokens() {
        let file = expand(
            TokenStream::new(),
            quote! {
                pub struct Comment {
                    #[id]
                    pub id: Uuid,
                    #[belongs_to(Self, on_delete = set_null)]
                    pub parent_id: Option<Uuid>,
                    #[polymorphic(Task, Note)]
                    pub entity_id: Uuid,
                }
            },
        );
        let text = quote!(#file).to_string();
        assert!(text.contains("assert_references :: < Comment , Uuid >"), "{text}");
        assert!(text.contains("assert_references :: < Task , Uuid >"), "{text}");
        assert!(text.contains("assert_polymorphic_target :: < Task , Note >"), "{text}");
        let item = find_struct(&file, "Comment");
        assert_eq!(field_names(item), ["id", "parent_id", "entity_type", "entity_id"]);
    }

    #[test]
    fn composite_keys_are_tuples() {
        let file = expand(
            TokenStream::new(),
            quote! {
                #[many_to_many(Task, Label)]
                pub struct TaskLabel { pub task_id: Uuid, pub label_id: i64 }
            },
        );
        let text = quote!(#file).to_string();
        assert!(text.contains("type PrimaryKey = (Uuid , i64)"), "{text}");
        assert!(
            text.contains("const PRIMARY_KEY : & 'static [& 'static str] = & [\"task_id\" , \"label_id\"]"),
            "{text}"
        );
    }

    #[test]
    fn errors_keep_the_stripped_struct() {
        let out = expand_entity(
            TokenStream::new(),
            quote! {
                pub struct Task {
                    #[id]
                    pub id: Uuid,
                    #[column(colour = "red")]
                    pub title: String,
                }
            },
            None,
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("pub struct Task"), "{out}");
        assert!(!out.contains("# [column"), "{out}");
    }

    #[test]
    fn entity_on_an_enum_is_an_error_not_a_panic() {
        let out = expand_entity(
            TokenStream::new(),
            quote!(
                pub enum E {
                    A,
                }
            ),
            None,
        )
        .to_string();
        assert!(out.contains("compile_error") && out.contains("pub enum E"), "{out}");
    }

    /// Found by the fuzz target: `Self` in a raw-named struct, and a raw-named
    /// userstamps user, built `Ident::new("r#match")`, which panics.
    #[test]
    fn raw_names_expand() {
        let file = expand(
            TokenStream::new(),
            quote! {
                #[userstamps(r#type)]
                pub struct r#match {
                    #[id]
                    pub id: Uuid,
                    #[belongs_to(Self)]
                    pub parent_id: Option<Uuid>,
                }
            },
        );
        let text = quote!(#file).to_string();
        assert!(text.contains("assert_references :: < r#match , Uuid >"), "{text}");
        assert!(text.contains("< r#type as :: tablewright :: Entity > :: PrimaryKey"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
    }
}

//! The entity-level attributes as macros of their own, so that they work above
//! `#[entity]` as well as below it.
//!
//! rustc expands the outermost attribute macro first. Written below
//! `#[entity]`, `#[soft_delete]` is never expanded: `#[entity]` reads and
//! removes it. Written above, it runs first; it then moves itself, and every
//! other tablewright attribute between it and `#[entity]`, to just below
//! `#[entity]` in source order, so `#[entity]` sees the same item either way.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};

use tablewright_core::frontend::{messages, symbols};

use crate::fallback;

/// Whether the attribute's last path segment satisfies `name`.
fn last_ident_is(attr: &syn::Attribute, name: impl Fn(&str) -> bool) -> bool {
    attr.path().segments.last().is_some_and(|s| name(&s.ident.to_string()))
}

fn is_entity(attr: &syn::Attribute) -> bool {
    last_ident_is(attr, |n| n == symbols::ENTITY)
}

fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(s) => Some(&mut s.attrs),
        syn::Item::Enum(e) => Some(&mut e.attrs),
        syn::Item::Union(u) => Some(&mut u.attrs),
        syn::Item::Type(t) => Some(&mut t.attrs),
        syn::Item::Fn(f) => Some(&mut f.attrs),
        syn::Item::Mod(m) => Some(&mut m.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Trait(t) => Some(&mut t.attrs),
        syn::Item::Const(c) => Some(&mut c.attrs),
        syn::Item::Static(s) => Some(&mut s.attrs),
        syn::Item::Use(u) => Some(&mut u.attrs),
        _ => None,
    }
}

/// Expands `#[<name>(args)]` on `input`.
pub fn forward(name: &str, args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: syn::Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => return fallback::with_errors(input, Some(err)),
    };
    let is_struct = matches!(item, syn::Item::Struct(_));
    let Some(attrs) = attrs_mut(&mut item) else {
        return fallback::with_errors(input, Some(misplaced(name)));
    };
    let Some(at) = attrs.iter().position(is_entity) else {
        fallback::strip_item(&mut item);
        return fallback::with_errors(item, Some(misplaced(name)));
    };
    if !is_struct {
        // `#[entity]` reports that it needs a struct; no need to say it twice.
        return item.into_token_stream();
    }
    let ident = syn::Ident::new(name, Span::call_site());
    let this: syn::Attribute =
        if args.is_empty() { syn::parse_quote!(#[#ident]) } else { syn::parse_quote!(#[#ident(#args)]) };
    // Tablewright attributes between this one and `#[entity]` move along, so
    // their order (which decides index order in the output) is the source order.
    let mut moved = vec![this];
    let mut kept = Vec::with_capacity(attrs.len());
    for (i, attr) in attrs.drain(..).enumerate() {
        if i < at && last_ident_is(&attr, symbols::forwards) {
            moved.push(attr);
        } else {
            kept.push(attr);
        }
    }
    let entity_at = kept.iter().position(is_entity).unwrap_or(0);
    kept.splice(entity_at + 1..entity_at + 1, moved);
    *attrs = kept;
    quote!(#item)
}

fn misplaced(name: &str) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        messages::with_help(
            format!("`#[{name}]` only works on a struct marked `#[entity]`; put `#[entity]` above it"),
            format!("`#[entity]` reads its attributes in any order: #[entity] #[{name}] pub struct Task {{ ... }}"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: TokenStream, item: TokenStream) -> String {
        forward(name, args, item).to_string()
    }

    #[test]
    fn moves_itself_and_followers_below_entity_in_source_order() {
        let out = run(
            "soft_delete",
            TokenStream::new(),
            quote! {
                #[index(a)]
                #[derive(Debug)]
                #[entity(table = "t")]
                #[timestamps]
                struct T { id: i32 }
            },
        );
        let expected = quote! {
            #[derive(Debug)]
            #[entity(table = "t")]
            #[soft_delete]
            #[index(a)]
            #[timestamps]
            struct T { id: i32 }
        };
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn keeps_arguments() {
        let out = run(
            "index",
            quote!(a, b desc),
            quote!(
                #[tablewright::entity]
                struct T {
                    a: i32,
                }
            ),
        );
        assert_eq!(
            out,
            quote!(
                #[tablewright::entity]
                #[index(a, b desc)]
                struct T {
                    a: i32,
                }
            )
            .to_string()
        );
    }

    #[test]
    fn without_entity_is_an_error_and_strips_tablewright_attributes() {
        let out = run(
            "timestamps",
            TokenStream::new(),
            quote!(
                #[soft_delete]
                struct T {
                    #[id]
                    id: i32,
                }
            ),
        );
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("only works on a struct marked"), "{out}");
        assert!(!out.contains("soft_delete"), "{out}");
        assert!(!out.contains("# [id]"), "{out}");
    }
}

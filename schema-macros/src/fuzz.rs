//! The macros' own expansion functions under the front end's fuzz inputs
//! (`tablewright_core::frontend::fuzz`, which documents the inputs and the
//! environment variables that lengthen a run): `#[entity]`, `#[db_enum]` and
//! every forwarding attribute must never panic, and whatever they return
//! for an item must parse back as items (rustc reads it next; a
//! `compile_error!` is an item too).

use proc_macro2::TokenStream;
use proptest::prelude::*;
use quote::ToTokens;
use tablewright_core::frontend::fuzz::{fuzz, mutated_source, plausible, source, token_item, token_stream};

use crate::enum_expand::expand_db_enum;
use crate::expand::expand_entity;
use tablewright_core::frontend::symbols;

use crate::forward::forward;

/// Expands `item` with the macro `name` (`entity`, `db_enum` or a forwarded
/// attribute) given `args`, as rustc would call it.
fn expand(name: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    match name {
        symbols::ENTITY => expand_entity(args, item, None),
        symbols::DB_ENUM => expand_db_enum(args, item),
        _ => forward(name, args, item),
    }
}

/// Every macro on one item; when the item parses, every output must parse
/// as items.
fn expand_everywhere(args: &TokenStream, item: &TokenStream) {
    let is_item = syn::parse2::<syn::Item>(item.clone()).is_ok();
    for name in symbols::macro_names() {
        let out = expand(name, args.clone(), item.clone());
        if is_item && let Err(e) = syn::parse2::<syn::File>(out.clone()) {
            panic!("#[{name}({args})] returned tokens that do not parse ({e}):\n{out}");
        }
    }
}

/// A source file as rustc hands it to the macros: each struct or enum's
/// first tablewright attribute is the macro called, with that attribute
/// removed from the item and its tokens as the arguments.
fn expand_file(src: &str) {
    let Ok(file) = syn::parse_file(src) else { return };
    for item in file.items {
        let (attrs, mut item) = match item {
            syn::Item::Struct(s) => (s.attrs.clone(), syn::Item::Struct(s)),
            syn::Item::Enum(e) => (e.attrs.clone(), syn::Item::Enum(e)),
            _ => continue,
        };
        let ours = |a: &syn::Attribute| {
            a.path().segments.last().map(|s| s.ident.to_string()).filter(|n| symbols::macro_names().any(|m| m == n))
        };
        let Some((at, name)) = attrs.iter().enumerate().find_map(|(i, a)| ours(a).map(|n| (i, n))) else { continue };
        let args = match &attrs[at].meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        match &mut item {
            syn::Item::Struct(s) => drop(s.attrs.remove(at)),
            syn::Item::Enum(e) => drop(e.attrs.remove(at)),
            _ => {}
        }
        let input = item.to_token_stream();
        let out = expand(&name, args.clone(), input);
        if let Err(e) = syn::parse2::<syn::File>(out.clone()) {
            panic!("#[{name}({args})] returned tokens that do not parse ({e}):\n{out}");
        }
    }
}

#[test]
fn token_streams_never_panic() {
    fuzz(file!(), "macros: token streams", token_item(), |(args, item)| {
        expand_everywhere(&args, &item.to_token_stream());
    });
}

#[test]
fn arbitrary_items_never_panic() {
    fuzz(file!(), "macros: arbitrary items", (token_stream(), token_stream()), |(args, item)| {
        expand_everywhere(&args, &item);
    });
}

#[test]
fn source_files_never_panic() {
    let files = prop_oneof![2 => mutated_source(), 1 => source(), 1 => plausible()];
    fuzz(file!(), "macros: source files", files, |src| expand_file(&src));
}

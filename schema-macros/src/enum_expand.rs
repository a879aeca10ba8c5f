//! `#[db_enum]`: the enum as written plus `impl tablewright::DbEnum`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use tablewright_core::frontend::{self, Ctxt, messages};
use tablewright_core::naming;

use crate::fallback;

/// Expands `#[db_enum(args)]` on `input`.
pub fn expand_db_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => return fallback::with_errors(input, Some(err)),
    };
    let item = match item {
        syn::Item::Enum(item) => item,
        mut other => {
            let err = syn::Error::new_spanned(
                item_keyword(&other),
                messages::with_help(
                    "`#[db_enum]` goes on an enum whose variants have no fields",
                    "#[db_enum] pub enum Plan { Free, Pro }; for a table, use `#[entity]` on a struct",
                ),
            );
            fallback::strip_item(&mut other);
            return fallback::with_errors(other, Some(err));
        }
    };
    let cx = Ctxt::new();
    let parsed = frontend::parse_db_enum(args, &item, &cx);
    match (parsed, cx.check()) {
        (Some(parsed), Ok(())) => {
            let impl_ = expand_impl(&parsed);
            let item = parsed.item;
            quote!(#item #impl_)
        }
        (parsed, result) => {
            let item = match parsed {
                Some(parsed) => parsed.item,
                None => frontend::strip_enum(&item),
            };
            fallback::with_errors(item, result.err())
        }
    }
}

/// The token to blame when the item is not the kind a macro wants: `struct`, `fn`, ...
pub fn item_keyword(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(s) => s.struct_token.to_token_stream(),
        syn::Item::Enum(e) => e.enum_token.to_token_stream(),
        syn::Item::Union(u) => u.union_token.to_token_stream(),
        syn::Item::Fn(f) => f.sig.fn_token.to_token_stream(),
        syn::Item::Type(t) => t.type_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}

fn expand_impl(parsed: &frontend::ParsedEnum) -> TokenStream {
    let item = &parsed.item;
    let name = &item.ident;
    let sql_name = &parsed.model.sql_name;
    let mut idents = Vec::new();
    let mut values = Vec::new();
    for variant in &item.variants {
        let rust = variant.ident.unraw().to_string();
        let value = parsed
            .model
            .variants
            .iter()
            .find(|v| v.name == rust)
            .map_or_else(|| naming::snake_case(&rust), |v| v.value.clone());
        idents.push(&variant.ident);
        values.push(value);
    }
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let as_str =
        if idents.is_empty() { quote!(match *self {}) } else { quote!(match self { #( Self::#idents => #values, )* }) };
    quote! {
        impl #impl_generics ::tablewright::DbEnum for #name #ty_generics #where_clause {
            const SQL_NAME: &'static str = #sql_name;
            const VALUES: &'static [&'static str] = &[#(#values),*];
            fn as_str(&self) -> &'static str {
                #as_str
            }
            fn from_str_value(value: &str) -> ::core::option::Option<Self> {
                match value {
                    #( #values => ::core::option::Option::Some(Self::#idents), )*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

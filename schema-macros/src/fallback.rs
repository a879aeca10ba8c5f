//! What a macro emits when it cannot expand: the user's item without
//! tablewright attributes, next to the errors, so one mistake does not
//! cascade into "cannot find type" or "cannot find attribute" elsewhere
//! (the idea of thiserror's `fallback.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};
use tablewright_core::frontend;

/// Removes every tablewright attribute from a struct or an enum (the front
/// end decides which attributes are ours); other items are left as they are.
pub fn strip_item(item: &mut syn::Item) {
    match item {
        syn::Item::Struct(s) => *s = frontend::strip_struct(s),
        syn::Item::Enum(e) => *e = frontend::strip_enum(e),
        _ => {}
    }
}

/// The item followed by the errors.
pub fn with_errors(item: impl ToTokens, errors: Option<syn::Error>) -> TokenStream {
    let mut out = item.into_token_stream();
    if let Some(errors) = errors {
        out.extend(errors.into_compile_error());
    }
    out
}

/// Merges errors into one `syn::Error` (each keeps its own span).
pub fn combine(errors: impl IntoIterator<Item = syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}

/// Warnings as rustc warnings at their spans. A stable proc macro has no
/// warning API, so each is the use of a deprecated constant whose note is
/// the message (`warning: use of deprecated constant
/// \`_::sql_fragment\`: ...`); `#![deny(deprecated)]` makes them errors.
pub fn warnings(warnings: Vec<(Span, String)>) -> TokenStream {
    warnings
        .into_iter()
        .map(|(span, message)| {
            quote_spanned! {span=>
                const _: () = {
                    #[deprecated(note = #message)]
                    #[allow(non_upper_case_globals)]
                    const sql_fragment: () = ();
                    sql_fragment
                };
            }
        })
        .collect()
}

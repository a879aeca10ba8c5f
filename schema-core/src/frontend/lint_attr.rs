//! `#[allow_lint(rule, ...)]` on an entity or a field: silences schema-review
//! rules ([`crate::lint`]) there. Unknown rule names are compile errors that
//! list the valid ones.

use syn::Attribute;
use syn::ext::IdentExt;

use super::Ctxt;
use super::grammar::{Arg, parse_args};
use super::messages;
use super::symbols as sym;
use crate::lint;

/// Reads one `#[allow_lint(...)]` and appends its rule names to `out`
/// (each once), recording every mistake in `cx`.
pub fn parse_allow_lint(attr: &Attribute, out: &mut Vec<String>, cx: &Ctxt) {
    let tokens = match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        other => {
            cx.error_spanned_by(other, messages::allow_lint_needs_rules());
            return;
        }
    };
    let args = match parse_args(tokens) {
        Ok(args) => args,
        Err(e) => {
            cx.error_at(e.span(), messages::bad_arguments(sym::ALLOW_LINT, &e, sym::ALLOW_LINT));
            return;
        }
    };
    if args.is_empty() {
        cx.error_spanned_by(attr, messages::allow_lint_needs_rules());
        return;
    }
    for arg in args {
        let ident = match &arg {
            Arg::Word { path, modifier: None } => path.get_ident(),
            _ => None,
        };
        let Some(ident) = ident else {
            cx.error_spanned_by(&arg, messages::allow_lint_needs_rules());
            continue;
        };
        let name = ident.unraw().to_string();
        if lint::rule(&name).is_none() {
            let valid: Vec<&str> = lint::rule_names().collect();
            cx.error_spanned_by(ident, messages::unknown_lint(&name, &valid));
            continue;
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
}

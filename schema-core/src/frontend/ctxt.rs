//! The error accumulator of the front end (serde_derive's `Ctxt`): every
//! mistake in an item is recorded, not just the first, and the caller decides
//! how to report them (`compile_error!` in the macro, diagnostics in scans).

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects the errors found while parsing and checking one item.
///
/// Consume it with [`Ctxt::check`] or [`Ctxt::into_errors`]; dropping it
/// unconsumed panics in debug builds, so no error is ever lost silently.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
    /// Warnings, each at a span: the macro turns them into rustc warnings,
    /// a build script reports its own from the model.
    warnings: RefCell<Vec<(Span, String)>>,
}

impl Default for Ctxt {
    fn default() -> Self {
        Ctxt::new()
    }
}

impl Ctxt {
    /// An empty context.
    pub fn new() -> Self {
        Ctxt { errors: RefCell::new(Some(Vec::new())), warnings: RefCell::new(Vec::new()) }
    }

    /// Records an error spanned on the given tokens (first to last token).
    pub fn error_spanned_by<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        self.push(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records an error at one span.
    pub fn error_at<T: Display>(&self, span: Span, msg: T) {
        self.push(syn::Error::new(span, msg));
    }

    /// Records a warning spanned on the given tokens (their first token).
    pub fn warn_spanned_by<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        let span = obj.into_token_stream().into_iter().next().map_or_else(Span::call_site, |t| t.span());
        self.warnings.borrow_mut().push((span, msg.to_string()));
    }

    /// The warnings recorded so far, taken out of the context.
    pub fn take_warnings(&self) -> Vec<(Span, String)> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }

    /// Records a syn parse error (every message it carries).
    pub fn syn_error(&self, err: syn::Error) {
        self.push(err);
    }

    /// How many errors were recorded so far.
    pub fn error_count(&self) -> usize {
        self.errors.borrow().as_ref().map_or(0, Vec::len)
    }

    fn push(&self, err: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(err);
        }
    }

    /// Consumes the context: `Ok` when nothing was recorded, otherwise all
    /// errors combined into one `syn::Error` (its `to_compile_error` emits
    /// one `compile_error!` per message).
    pub fn check(self) -> syn::Result<()> {
        let mut errors = self.into_errors().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for rest in errors {
            combined.combine(rest);
        }
        Err(combined)
    }

    /// Consumes the context and returns every recorded error, in order.
    pub fn into_errors(self) -> Vec<syn::Error> {
        self.errors.borrow_mut().take().unwrap_or_default()
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if cfg!(debug_assertions) && !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("tablewright: a front-end Ctxt was dropped without calling check() or into_errors()");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_combines_all_errors() {
        let cx = Ctxt::new();
        assert_eq!(cx.error_count(), 0);
        cx.error_at(Span::call_site(), "first");
        cx.error_spanned_by(quote::quote!(a b), "second");
        assert_eq!(cx.error_count(), 2);
        let err = cx.check().unwrap_err();
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "without calling check()")]
    fn unconsumed_context_panics_in_debug() {
        let cx = Ctxt::new();
        cx.error_at(Span::call_site(), "lost");
        drop(cx);
    }
}

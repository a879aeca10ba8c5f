//! The schema review as an emitter: `review.md` ([`crate::lint::Review::markdown`])
//! is its artifact, and every open finding is a diagnostic (a warning, or an
//! error for the rules named in [`crate::lint::LintOptions::errors`]). The
//! lint rules themselves live in [`crate::lint`].

use super::{Artifact, Context, Emitted, Emitter};
use crate::lint;
use crate::model::Location;

/// Where the review goes, relative to the output directory.
pub const REVIEW_PATH: &str = "review.md";

/// The schema-review emitter: `review.md` and the findings as diagnostics.
pub struct SchemaReview;

impl Emitter for SchemaReview {
    fn name(&self) -> &'static str {
        "review"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let options = &cx.options().lint;
        // A rule name in the options that is not a rule: reported at the build script.
        out.diagnostics.extend(options.check(&Location { file: "build.rs".into(), line: 1, column: 1 }));
        let review = lint::review(cx.analysis());
        out.diagnostics.extend(review.diagnostics(options));
        out.artifacts.push(Artifact::text(REVIEW_PATH, review.markdown()));
    }
}

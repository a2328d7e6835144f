//! Freshness: pages whose `review_by` date has passed. A warning, an error with `--strict`.
//! (Each page's `updated` date comes from git history, see `crate::content::history`.)

use super::{CheckOptions, front_matter_location};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Severity};

pub fn check(site: &Site, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // A translation's review date is its source's: reported once, on the source.
    let sources = site
        .pages
        .iter()
        .filter(|p| p.lang == site.config.default_language);
    for page in sources {
        let Some(review_by) = page.front.review_by else {
            continue;
        };
        if review_by >= options.today {
            continue;
        }
        let mut diagnostic = Diagnostic::warning(
            "review-overdue",
            front_matter_location(site, page, "review_by"),
            format!("the page was due for review on {review_by}"),
        )
        .with_hint("re-read the page, correct it, then move `review_by` to the next review date");
        if options.strict {
            diagnostic.severity = Severity::Error;
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

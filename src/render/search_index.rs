//! The search indexes as one more output of a build: [`crate::search`] turns the site into
//! indexes and knows nothing of renderers; this adapter runs it for each [`Scope`].

use super::{Renderer, Scope};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::search::writer;

pub struct IndexRenderer;

impl Renderer for IndexRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        match scope {
            Scope::Site => writer::write_site(site, out),
            // The edited pages are served first; their documents follow with the rest.
            Scope::Edited { .. } => Ok(String::new()),
            Scope::Pages {
                edited,
                stale_documents,
            } => writer::update(site, out, edited, stale_documents),
        }
    }
}

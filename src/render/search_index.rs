//! The search indexes as one more output of a build: [`crate::search`] turns the site into
//! indexes and knows nothing of renderers; this adapter runs it for each [`Scope`].

use super::{Renderer, Scope};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::{Committed, Staging};
use crate::search::static_index::Layout;
use crate::search::writer;

/// Keeps the static index's layout as the output holds it, so that a live rebuild writes only
/// the files an edit touches.
#[derive(Default)]
pub struct IndexRenderer {
    layout: Committed<Option<Layout>>,
}

impl Renderer for IndexRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        let (summary, layout) = match scope {
            Scope::Site => writer::write_site(site, out)?,
            // The edited pages are served first; their documents follow with the rest.
            Scope::Edited { .. } => return Ok(String::new()),
            Scope::Pages {
                edited,
                stale_documents,
            } => writer::update(
                site,
                out,
                self.layout.get().as_ref(),
                edited,
                stale_documents,
            )?,
        };
        self.layout.set_at_commit(out, Some(layout));
        Ok(summary)
    }
}

//! The search indexes as one more output of a build: [`crate::search`] turns the site into
//! indexes and knows nothing of renderers; this adapter runs it for each [`Scope`].

use std::sync::{Arc, Mutex};

use super::{Renderer, Scope};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::search::static_index::Layout;
use crate::search::writer;

/// Keeps the static index's layout as the output holds it, so that a live rebuild writes only
/// the files an edit touches.
#[derive(Default)]
pub struct IndexRenderer {
    layout: Arc<Mutex<Option<Layout>>>,
}

impl IndexRenderer {
    /// `layout` becomes the one kept when `out` is committed: until then the output on disk is
    /// still the one the kept layout describes.
    fn keep_at_commit(&self, out: &Staging, layout: Layout) {
        let kept = Arc::clone(&self.layout);
        out.after_commit(Box::new(move || {
            *kept.lock().expect("not poisoned") = Some(layout);
            Ok(())
        }));
    }
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
            } => {
                let kept = self.layout.lock().expect("not poisoned").clone();
                writer::update(site, out, kept.as_ref(), edited, stale_documents)?
            }
        };
        self.keep_at_commit(out, layout);
        Ok(summary)
    }
}

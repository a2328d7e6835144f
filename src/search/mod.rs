//! Search (placeholder until the tantivy index lands).

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::render::Renderer;

pub struct IndexRenderer;

impl Renderer for IndexRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, _site: &Site, _out: &Staging) -> Result<String, Vec<Diagnostic>> {
        Ok("no search index".into())
    }
}

//! Turning a loaded [`Site`] into files. Each output format is a [`Renderer`] (mdBook's idea):
//! the HTML site, the search index, … The build runs them all into one staging folder.

pub mod html;
pub mod manifest;
pub mod theme;

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;

pub use html::HtmlRenderer;
pub use manifest::ManifestRenderer;
pub use theme::Theme;

pub trait Renderer: Sync {
    /// Short name for logs (`html`, `search`).
    fn name(&self) -> &'static str;

    /// Write this renderer's files into `out`. Returns a fragment for the build summary.
    fn render(&self, site: &Site, out: &Staging) -> Result<String, Vec<Diagnostic>>;
}

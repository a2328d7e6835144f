//! Turning a loaded [`Site`] into files. Each output format is a [`Renderer`] (mdBook's idea):
//! the HTML site, the search index, … The build runs them all into one staging folder.

mod context;
pub mod html;
pub mod manifest;
mod outline;
mod search_index;
mod shortcodes;
mod special;
pub mod theme;
pub mod theme_files;

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::search::documents::SearchDoc;

pub use html::HtmlRenderer;
pub use manifest::ManifestRenderer;
pub use search_index::IndexRenderer;
pub use theme::Theme;

pub trait Renderer: Sync {
    /// Short name for logs (`html`, `search`).
    fn name(&self) -> &'static str;

    /// Write this renderer's files for `scope` into `out`. Returns a fragment for the build
    /// summary.
    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>>;
}

/// What a render covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The whole site: a build.
    Site,
    /// The first half of a live rebuild after edits to page bodies: only the `edited` pages
    /// (indexes into the site's pages), so that the reader's page is served at once; what
    /// shows every page follows with [`Scope::Pages`].
    Edited { edited: &'a [usize] },
    /// A live rebuild after edits to page bodies: the `edited` pages (indexes into the site's
    /// pages) and what shows every page (special pages, manifest, search). `stale_documents`
    /// are the search documents of the edited pages' previous versions.
    Pages {
        edited: &'a [usize],
        stale_documents: &'a [SearchDoc],
    },
}

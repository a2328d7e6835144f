//! Search: a tantivy index written at build time, and the [`Search`] type that queries it.
//!
//! PLACEHOLDER: the types and signatures below are the contract the server and CLI use; the
//! implementation is still to come.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::{META_DIR, Staging};
use crate::render::Renderer;

/// Folder of the tantivy index inside the build output (`public/.helpcenter/index`).
pub const INDEX_DIR: &str = "index";

/// The JSON contract of `helpcenter search --json` and `GET /api/search`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hit {
    pub title: String,
    pub url: String,
    /// page, section, contact, role, service or procedure.
    pub kind: String,
    /// Breadcrumbs of where the hit lives ("Technical support › Phone numbers").
    pub section: String,
    /// Short HTML-escaped text with matched words in `<mark>`.
    pub snippet: String,
    pub score: f32,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index in {0}: run `helpcenter build` first")]
    Missing(String),
    #[error("the search index in {0} cannot be read ({1}): run `helpcenter build` again")]
    Unreadable(String, String),
}

/// An opened index: open once, query many times from many threads.
pub struct Search {}

impl Search {
    /// Open the index of the site built into `output_dir`.
    pub fn open(output_dir: &Path) -> Result<Search, SearchError> {
        let dir = output_dir.join(META_DIR).join(INDEX_DIR);
        if !dir.is_dir() {
            return Err(SearchError::Missing(output_dir.display().to_string()));
        }
        Ok(Search {})
    }

    /// Run a user's query. Any text is valid; an empty query has no hits.
    pub fn query(&self, query: &str, _limit: usize) -> SearchResponse {
        SearchResponse {
            query: query.to_string(),
            total: 0,
            took_ms: 0.0,
            hits: Vec::new(),
        }
    }

    /// How many documents the index holds.
    pub fn doc_count(&self) -> u64 {
        0
    }
}

/// Writes the search index into the build output.
pub struct IndexRenderer;

impl Renderer for IndexRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, _site: &Site, out: &Staging) -> Result<String, Vec<Diagnostic>> {
        let _ = std::fs::create_dir_all(out.dir().join(META_DIR).join(INDEX_DIR));
        Ok("0 search documents".into())
    }
}

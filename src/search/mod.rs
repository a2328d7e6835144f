//! Search: a tantivy index written at build time, and the [`Search`] type that queries it.
//!
//! - [`schema`]: the fields and the schema version.
//! - [`tokenizers`]: folding, stemming and phone digits (registered on every open), with
//!   `fold_tokenizer`, the folding in one pass.
//! - [`documents`]: the site cut into search documents (sections, contact rows, roles, …).
//! - [`query`]: a user's text to ranked hits, through
//!   - `plan`: the query cut into units and variants (stems, synonyms, phone numbers), with
//!     `query_words` (stop words, contact needs) and `expand` (typos, prefixes);
//!   - `rescore`: ranking of tantivy's candidates;
//!   - [`snippet`]: hits and their highlighted snippets.
//!
//! The index lives in `<output>/.helpcenter/index`; [`META_FILE`] beside it holds what the
//! query side needs that tantivy does not keep (schema version, synonyms).

pub mod documents;
mod expand;
mod fold_tokenizer;
mod near;
mod plan;
pub mod query;
mod query_words;
mod rescore;
pub mod schema;
pub mod snippet;
pub mod static_index;
pub mod tokenizers;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::output::META_DIR;

use schema::{Fields, SCHEMA_VERSION};
pub use writer::{index_meta, replace_documents, write};

/// Folder of the tantivy index inside the build output (`public/.helpcenter/index`).
pub const INDEX_DIR: &str = "index";

/// File beside the index (`public/.helpcenter/search.json`): see [`IndexMeta`].
pub const META_FILE: &str = "search.json";

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
    #[error(
        "the search index in {0} was built by another version of helpcenter: run `helpcenter build` again"
    )]
    Stale(String),
    /// A `lang` the site does not have; the second value lists those it has.
    #[error("the site has no language `{0}`: ask in one of {1}")]
    UnknownLanguage(String, String),
    /// tantivy failed while answering (a damaged index, an I/O error): not the same as no hits.
    #[error("the search failed: {0}")]
    Failed(#[from] tantivy::TantivyError),
}

/// What the query side needs besides the tantivy index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    /// [`SCHEMA_VERSION`] of the build that wrote the index.
    pub version: u32,
    pub documents: u64,
    /// The default language (`site.toml`).
    pub language: String,
    /// Groups of words that mean the same (`content/synonyms.yaml`).
    pub synonyms: Vec<Vec<String>>,
    /// The other languages, each with its synonyms (`content/synonyms.es.yaml`).
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, Vec<Vec<String>>>,
}

/// An opened index: open once, query many times from many threads.
pub struct Search {
    /// One index per language, the default first.
    indexes: Vec<LanguageIndex>,
    meta: IndexMeta,
    dir: PathBuf,
}

/// What one language's readers search: their pages (and pages of one other language only),
/// with their synonyms. Each language has its own index, so that its term statistics are its
/// own and a one-language site searches exactly what it did before languages.
struct LanguageIndex {
    code: String,
    reader: IndexReader,
    fields: Fields,
    prepared: plan::Prepared,
}

/// The folder of `lang`'s index under the output's `.helpcenter`: `index` for the default
/// language, `index-es` for Spanish.
pub fn index_dir(meta_dir: &Path, lang: &str, default: &str) -> PathBuf {
    if lang == default {
        meta_dir.join(INDEX_DIR)
    } else {
        meta_dir.join(format!("{INDEX_DIR}-{lang}"))
    }
}

impl Search {
    /// Open the index of the site built into `output_dir`.
    pub fn open(output_dir: &Path) -> Result<Search, SearchError> {
        let meta_dir = output_dir.join(META_DIR);
        let dir = meta_dir.join(INDEX_DIR);
        let shown = output_dir.display().to_string();
        let meta_path = meta_dir.join(META_FILE);
        if !dir.is_dir() || !meta_path.is_file() {
            return Err(SearchError::Missing(shown));
        }
        let unreadable = |e: String| SearchError::Unreadable(shown.clone(), e);
        let text = std::fs::read(&meta_path).map_err(|e| unreadable(e.to_string()))?;
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let version: Version =
            serde_json::from_slice(&text).map_err(|e| unreadable(e.to_string()))?;
        if version.version != SCHEMA_VERSION {
            return Err(SearchError::Stale(shown));
        }
        let meta: IndexMeta =
            serde_json::from_slice(&text).map_err(|e| unreadable(e.to_string()))?;
        let mut indexes = Vec::new();
        for (code, synonyms) in
            std::iter::once((&meta.language, &meta.synonyms)).chain(&meta.languages)
        {
            let dir = index_dir(&meta_dir, code, &meta.language);
            let directory = MmapDirectory::open(&dir).map_err(|e| unreadable(e.to_string()))?;
            let index = Index::open(directory).map_err(|e| unreadable(e.to_string()))?;
            tokenizers::register(&index);
            let fields =
                Fields::of(&index.schema()).map_err(|_| SearchError::Stale(shown.clone()))?;
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(|e: tantivy::TantivyError| unreadable(e.to_string()))?;
            indexes.push(LanguageIndex {
                code: code.clone(),
                reader,
                fields,
                prepared: plan::Prepared::new(synonyms),
            });
        }
        Ok(Search { indexes, meta, dir })
    }

    /// Run a user's query in the default language. Any text is valid; an empty query has no
    /// hits. An error means tantivy failed ([`SearchError::Failed`]), never that nothing
    /// matched.
    pub fn query(&self, query: &str, limit: usize) -> Result<SearchResponse, SearchError> {
        self.query_in(query, limit, None)
    }

    /// Run a query of a reader of `lang` (the default language for `None`): the pages of that
    /// language, its synonyms, and hits in its text first.
    pub fn query_in(
        &self,
        query: &str,
        limit: usize,
        lang: Option<&str>,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        let index = self.language_index(lang)?;
        let searcher = index.reader.searcher();
        // One language: every text is in it.
        let lang = (self.indexes.len() > 1).then_some(index.code.as_str());
        let (total, hits) = query::run(
            &searcher,
            &index.fields,
            &index.prepared,
            lang,
            query,
            limit,
        )?;
        Ok(SearchResponse {
            query: query.to_string(),
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
        })
    }

    /// How many documents the indexes hold.
    pub fn doc_count(&self) -> u64 {
        self.indexes
            .iter()
            .map(|index| index.reader.searcher().num_docs())
            .sum()
    }

    /// The default language of the indexed site.
    pub fn language(&self) -> &str {
        &self.meta.language
    }

    /// Every language of the indexed site, the default first.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.indexes.iter().map(|index| index.code.as_str())
    }

    /// The default language's index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// `helpcenter search` for people: numbered hits (title, URL, breadcrumbs, snippet), then how
/// many and how fast.
pub fn write_hits(
    out: &mut dyn std::io::Write,
    query: &str,
    response: &SearchResponse,
    color: bool,
) -> std::io::Result<()> {
    if response.hits.is_empty() {
        return writeln!(out, "No results for \"{query}\".");
    }
    for (i, hit) in response.hits.iter().enumerate() {
        writeln!(out, "{:>2}. {}", i + 1, hit.title)?;
        writeln!(out, "    {}", hit.url)?;
        if !hit.section.is_empty() {
            writeln!(out, "    {}", hit.section)?;
        }
        if !hit.snippet.is_empty() {
            writeln!(out, "    {}", terminal_snippet(&hit.snippet, color))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} of {} results in {:.2} ms",
        response.hits.len(),
        response.total,
        response.took_ms
    )
}

/// A snippet for a terminal: marks in bold (or [brackets] when not a terminal), entities decoded.
fn terminal_snippet(snippet: &str, color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    snippet
        .replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn search_is_send_and_sync() {
        assert_send_sync::<super::Search>();
    }
}

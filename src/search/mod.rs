//! Search: a tantivy index written at build time, and the [`Search`] type that queries it.
//!
//! - [`schema`]: the fields and the schema version.
//! - [`tokenizers`]: folding, stemming and phone digits (registered on every open).
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
mod plan;
pub mod query;
mod query_words;
mod rescore;
pub mod schema;
pub mod snippet;
pub mod static_index;
pub mod tokenizers;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{META_DIR, Staging};
use crate::render::{Renderer, Scope};

use documents::SearchDoc;
use schema::{Fields, SCHEMA_VERSION};

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
    reader: IndexReader,
    fields: Fields,
    meta: IndexMeta,
    /// Per language, the default first.
    prepared: Vec<(String, plan::Prepared)>,
    dir: PathBuf,
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
        let directory = MmapDirectory::open(&dir).map_err(|e| unreadable(e.to_string()))?;
        let index = Index::open(directory).map_err(|e| unreadable(e.to_string()))?;
        tokenizers::register(&index);
        let fields = Fields::of(&index.schema()).map_err(|_| SearchError::Stale(shown.clone()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| unreadable(e.to_string()))?;
        let prepared = std::iter::once((&meta.language, &meta.synonyms))
            .chain(&meta.languages)
            .map(|(lang, synonyms)| (lang.clone(), plan::Prepared::new(synonyms)))
            .collect();
        Ok(Search {
            reader,
            fields,
            meta,
            prepared,
            dir,
        })
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
        let searcher = self.reader.searcher();
        let (lang, prepared) = match lang {
            None => &self.prepared[0],
            Some(lang) => self
                .prepared
                .iter()
                .find(|(code, _)| code == lang)
                .ok_or_else(|| {
                    let known: Vec<&str> = self.languages().collect();
                    SearchError::UnknownLanguage(lang.to_string(), known.join(", "))
                })?,
        };
        // A one-language index has nothing to filter or order by language.
        let lang = (self.prepared.len() > 1).then_some(lang.as_str());
        let (total, hits) = query::run(&searcher, &self.fields, prepared, lang, query, limit)?;
        Ok(SearchResponse {
            query: query.to_string(),
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
        })
    }

    /// How many documents the index holds.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The default language of the indexed site.
    pub fn language(&self) -> &str {
        &self.meta.language
    }

    /// Every language of the indexed site, the default first.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.prepared.iter().map(|(code, _)| code.as_str())
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Writes the search index into the build output.
pub struct IndexRenderer;

impl Renderer for IndexRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        if let Scope::Pages {
            edited,
            stale_documents,
        } = scope
        {
            return update(site, out, edited, stale_documents);
        }
        let dir = out.dir().join(META_DIR).join(INDEX_DIR);
        let fail = |e: String| {
            vec![Diagnostic::error(
                "search-index",
                Location::file(&dir),
                format!("cannot write the search index: {e}"),
            )]
        };
        let docs = tracing::debug_span!("documents").in_scope(|| documents::documents(site));
        // The tantivy index for `serve` and the static index for static hosts, from one set
        // of documents.
        let (size, static_index) = rayon::join(
            || {
                let _span = tracing::debug_span!("tantivy").entered();
                write(&out.dir().join(META_DIR), &docs, &index_meta(site, docs.len()))
                .map_err(|e| fail(e.to_string()))
            },
            || {
                let _span = tracing::debug_span!("static").entered();
                static_index::write(site, &docs, out)
            },
        );
        Ok(format!(
            "{} search documents ({} index), {}",
            docs.len(),
            human_size(size?),
            static_index?
        ))
    }
}

/// Write the index of `docs` and its [`IndexMeta`] into `meta_dir` (the output's
/// `.helpcenter` folder). Returns the size of the index in bytes.
pub fn write(meta_dir: &Path, docs: &[SearchDoc], meta: &IndexMeta) -> tantivy::Result<u64> {
    let dir = meta_dir.join(INDEX_DIR);
    write_index(&dir, docs, &meta.language)?;
    let json = serde_json::to_vec_pretty(meta).expect("serializable");
    std::fs::write(meta_dir.join(META_FILE), json)?;
    Ok(dir_size(&dir))
}

/// Create the index in `dir` (which must not hold one) as a single segment.
/// What the query side needs to know of `site` besides its `documents` documents.
pub fn index_meta(site: &Site, documents: usize) -> IndexMeta {
    IndexMeta {
        version: SCHEMA_VERSION,
        documents: documents as u64,
        language: site.config.default_language.clone(),
        synonyms: site.synonyms.clone(),
        languages: site
            .languages
            .iter()
            .map(|l| (l.code.clone(), l.synonyms.clone()))
            .collect(),
    }
}

fn write_index(dir: &Path, docs: &[SearchDoc], language: &str) -> tantivy::Result<()> {
    std::fs::create_dir_all(dir)?;
    let (schema, f) = schema::build();
    let index = Index::create_in_dir(dir, schema)?;
    tokenizers::register(&index);
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000)?;
    for d in docs {
        writer.add_document(to_document(&f, d, language))?;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

/// `site_language`: the default language, for documents that do not say theirs.
fn to_document(f: &Fields, d: &SearchDoc, site_language: &str) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, d.kind);
    doc.add_text(f.url, &d.url);
    let or_site = |lang: &str| if lang.is_empty() { site_language.to_string() } else { lang.to_string() };
    doc.add_text(f.language, or_site(&d.text_lang));
    doc.add_text(f.audience, if d.everyone { "*".to_string() } else { or_site(&d.lang) });
    doc.add_text(f.title, &d.title);
    doc.add_text(f.section, &d.section);
    doc.add_text(f.name, &d.name);
    doc.add_text(f.name_stem, &d.name);
    for keyword in &d.keywords {
        doc.add_text(f.keywords, keyword);
    }
    doc.add_text(f.context, &d.context);
    doc.add_text(f.context_stem, &d.context);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.body_stem, &d.body);
    for phone in &d.phones {
        let variants = phone.variants.join(" ");
        let field = if phone.home { f.phone } else { f.phone_other };
        doc.add_text(field, &variants);
        doc.add_text(f.phones, format!("{}\t{variants}", phone.raw));
    }
    for country in &d.countries {
        doc.add_text(f.country, country.to_ascii_lowercase());
    }
    doc
}

/// Live rebuilds: in the index under `meta_dir`, drop the documents at `remove_urls` and add
/// `docs`, then bring [`IndexMeta`]'s document count up to date.
/// A live rebuild's search: the static index written again whole (its postings number
/// documents by position; it is small), the edited pages' documents replaced in the tantivy
/// index once the staged files are in place.
fn update(
    site: &Site,
    out: &Staging,
    edited: &[usize],
    stale: &[String],
) -> Result<String, Vec<Diagnostic>> {
    let mut docs = Vec::new();
    for &index in edited {
        documents::page_documents(site, &site.pages[index], &mut docs);
    }
    let summary = static_index::write(site, &documents::documents(site), out)?;
    let meta_dir = out.target().join(META_DIR);
    let stale = stale.to_vec();
    let language = site.config.default_language.clone();
    out.after_commit(Box::new(move || {
        replace_documents(&meta_dir, &stale, &docs, &language).map_err(std::io::Error::other)
    }));
    Ok(summary)
}

pub fn replace_documents(
    meta_dir: &Path,
    remove_urls: &[String],
    docs: &[SearchDoc],
    language: &str,
) -> tantivy::Result<()> {
    let index = Index::open_in_dir(meta_dir.join(INDEX_DIR))?;
    tokenizers::register(&index);
    let f = Fields::of(&index.schema())?;
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    for url in remove_urls {
        writer.delete_term(tantivy::Term::from_field_text(f.url, url));
    }
    for d in docs {
        writer.add_document(to_document(&f, d, language))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let meta_path = meta_dir.join(META_FILE);
    let text = std::fs::read(&meta_path)?;
    let mut meta: IndexMeta = serde_json::from_slice(&text)
        .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
    meta.documents = index.reader()?.searcher().num_docs();
    crate::output::write_live(
        meta_dir,
        META_FILE,
        &serde_json::to_vec_pretty(&meta).expect("serializable"),
    )?;
    Ok(())
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn search_is_send_and_sync() {
        assert_send_sync::<super::Search>();
    }
}

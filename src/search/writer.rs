//! Writing the search index: one tantivy index per language and the static index, from one
//! set of documents; live rebuilds replace the edited pages' documents.

use std::path::Path;

use rayon::prelude::*;
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::documents::{self, SearchDoc};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::static_index::{self, Layout};
use super::{INDEX_DIR, IndexMeta, META_FILE, index_dir, tokenizers};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{META_DIR, Staging};

/// Write the site's search indexes (tantivy and static, every language) into `out`. Returns a
/// fragment for the build summary and the static index's layout, for live rebuilds.
pub fn write_site(site: &Site, out: &Staging) -> Result<(String, Layout), Vec<Diagnostic>> {
    let dir = out.dir().join(META_DIR).join(INDEX_DIR);
    let fail = |e: String| {
        vec![Diagnostic::error(
            "search-index",
            Location::file(&dir),
            format!("cannot write the search index: {e}"),
        )]
    };
    // The tantivy index for `serve` and the static index for static hosts from one pass over
    // the documents, a batch at a time; then each commits or encodes, side by side. tantivy
    // indexes on a thread of its own; one index after the other, it was left running alone
    // once the HTML pages were done, and the static index made every document again after it.
    let meta_dir = out.dir().join(META_DIR);
    let mut meta = index_meta(site, 0);
    let mut writers = Writers::create(&meta_dir, &meta).map_err(|e| fail(e.to_string()))?;
    let mut statics = static_index::Builder::new(site);
    tracing::debug_span!("documents")
        .in_scope(|| {
            documents::for_each_batch(site, |batch| {
                // tantivy's thread starts on the batch while the static index takes it.
                writers.add(&batch)?;
                statics.add(&batch);
                Ok::<_, tantivy::TantivyError>(())
            })
        })
        .map_err(|e| fail(e.to_string()))?;
    let documents = writers.added;
    meta.documents = documents;
    let (sizes, static_result) = rayon::join(
        || tracing::debug_span!("tantivy").in_scope(|| writers.finish(&meta_dir, &meta)),
        || tracing::debug_span!("static").in_scope(|| statics.finish(site, out)),
    );
    let sizes = sizes.map_err(|e| fail(e.to_string()))?;
    let (static_index, layout) = static_result?;
    let total = human_size(sizes.iter().map(|(_, size)| size).sum());
    let index = match sizes.as_slice() {
        [_] => format!("{total} index"),
        languages => {
            let each: Vec<String> = languages
                .iter()
                .map(|(lang, size)| format!("{lang} {}", human_size(*size)))
                .collect();
            format!("{total} index: {}", each.join(", "))
        }
    };
    let summary = format!("{documents} search documents ({index}), {static_index}");
    Ok((summary, layout))
}

/// Write one index per language of `docs` and their [`IndexMeta`] into `meta_dir` (the
/// output's `.helpcenter` folder). Returns the size of each language's index in bytes.
pub fn write(
    meta_dir: &Path,
    docs: &[SearchDoc],
    meta: &IndexMeta,
) -> tantivy::Result<Vec<(String, u64)>> {
    let mut writers = Writers::create(meta_dir, meta)?;
    writers.add(docs)?;
    writers.finish(meta_dir, meta)
}

/// One tantivy writer per language, fed a batch of documents at a time; each indexes on a
/// thread of its own.
struct Writers {
    languages: Vec<(String, IndexWriter, Index)>,
    fields: Fields,
    site_language: String,
    /// Documents added so far, whichever languages see them.
    added: u64,
}

impl Writers {
    fn create(meta_dir: &Path, meta: &IndexMeta) -> tantivy::Result<Writers> {
        let codes: Vec<&String> = std::iter::once(&meta.language)
            .chain(meta.languages.keys())
            .collect();
        // The writers work at once: they share the one writer's memory (tantivy's least is
        // 15 MB each).
        let budget = (WRITER_BYTES / codes.len()).max(15_000_000);
        let (schema, fields) = schema::build();
        let languages = codes
            .into_iter()
            .map(|lang| {
                let dir = index_dir(meta_dir, lang, &meta.language);
                std::fs::create_dir_all(&dir)?;
                let index = Index::create_in_dir(&dir, schema.clone())?;
                tokenizers::register(&index);
                let writer = index.writer_with_num_threads(1, budget)?;
                Ok((lang.clone(), writer, index))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Writers {
            languages,
            fields,
            site_language: meta.language.clone(),
            added: 0,
        })
    }

    fn add(&mut self, docs: &[SearchDoc]) -> tantivy::Result<()> {
        for d in docs {
            for (lang, writer, _) in &self.languages {
                if d.seen_in(lang) {
                    writer.add_document(to_document(&self.fields, d, &self.site_language))?;
                }
            }
        }
        self.added += docs.len() as u64;
        Ok(())
    }

    /// Commit each index, merge one that ended with too many segments, and write `meta`.
    fn finish(self, meta_dir: &Path, meta: &IndexMeta) -> tantivy::Result<Vec<(String, u64)>> {
        let sizes = self
            .languages
            .into_par_iter()
            .map(|(lang, mut writer, index)| {
                writer.commit()?;
                let segments = index.searchable_segment_ids()?;
                if segments.len() > MAX_SEGMENTS {
                    writer.merge(&segments).wait()?;
                }
                writer.wait_merging_threads()?;
                let dir = index_dir(meta_dir, &lang, &meta.language);
                Ok((lang, dir_size(&dir)))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let json = serde_json::to_vec_pretty(meta).expect("serializable");
        std::fs::write(meta_dir.join(META_FILE), json)?;
        Ok(sizes)
    }
}

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

/// The indexing threads' memory, shared by the languages' writers: a segment is written each
/// time a writer's share fills up, about every 15,000 pages' documents for one language.
const WRITER_BYTES: usize = 50_000_000;

/// Segments a fresh index may keep unmerged. A query visits each segment, but a few cost
/// little, and merging them re-reads and re-writes the whole index: at 50,000 pages (3
/// segments) merging took 1.4 s of CPU and raised the build's peak memory by 300 MB. More
/// than a handful are merged, so query time stays flat as sites grow.
const MAX_SEGMENTS: usize = 4;

/// `site_language`: the default language, for documents that do not say theirs.
fn to_document(f: &Fields, d: &SearchDoc, site_language: &str) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, d.kind);
    doc.add_text(f.url, &d.url);
    let text_lang = if d.text_lang.is_empty() {
        site_language
    } else {
        &d.text_lang
    };
    doc.add_text(f.language, text_lang);
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
    if d.primary {
        doc.add_text(f.country, super::documents::PRIMARY_TERM);
    }
    doc
}

/// A live rebuild's search after the pages `edited` changed their bodies (`stale`: their
/// documents before): the static index mended where they changed (written whole without a
/// `layout`), and their documents replaced in the tantivy index once the staged files are in
/// place. Returns a fragment for the build summary and the static index's new layout.
pub fn update(
    site: &Site,
    out: &Staging,
    layout: Option<&Layout>,
    edited: &[usize],
    stale: &[SearchDoc],
) -> Result<(String, Layout), Vec<Diagnostic>> {
    let mut fresh = Vec::new();
    for &index in edited {
        documents::page_documents(site, index, &mut fresh);
    }
    let (summary, layout) = match layout {
        Some(layout) => static_index::update(site, out, layout, edited, stale, &fresh)?,
        None => static_index::write(site, out)?,
    };
    let meta_dir = out.target().join(META_DIR);
    let stale: Vec<String> = stale.iter().map(|d| d.url.clone()).collect();
    out.after_commit(Box::new(move || {
        replace_documents(&meta_dir, &stale, &fresh).map_err(std::io::Error::other)
    }));
    Ok((summary, layout))
}

/// In each language's index under `meta_dir`, drop the documents at `remove_urls` (one URL per
/// document) and add the `docs` its readers see, then bring [`IndexMeta`]'s document count up
/// to date: counted as a full build counts, each document once however many languages see it.
pub fn replace_documents(
    meta_dir: &Path,
    remove_urls: &[String],
    docs: &[SearchDoc],
) -> tantivy::Result<()> {
    let meta_path = meta_dir.join(META_FILE);
    let text = std::fs::read(&meta_path)?;
    let mut meta: IndexMeta = serde_json::from_slice(&text)
        .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
    let languages: Vec<String> = std::iter::once(meta.language.clone())
        .chain(meta.languages.keys().cloned())
        .collect();
    for lang in &languages {
        let index = Index::open_in_dir(index_dir(meta_dir, lang, &meta.language))?;
        tokenizers::register(&index);
        let f = Fields::of(&index.schema())?;
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for url in remove_urls {
            writer.delete_term(tantivy::Term::from_field_text(f.url, url));
        }
        for d in docs.iter().filter(|d| d.seen_in(lang)) {
            writer.add_document(to_document(&f, d, &meta.language))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
    }
    meta.documents = (meta.documents + docs.len() as u64).saturating_sub(remove_urls.len() as u64);
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

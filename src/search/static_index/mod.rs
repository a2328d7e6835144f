//! Search without a server: a compact, sharded index written as static files, queried by the
//! theme's `static-search.js` when `/api/search` does not answer (plain static hosting).
//!
//! Layout under `public/search-index/` (format `v` 2):
//! - `meta.json`: `{v, n (documents), s (term shards), c (documents per chunk), syn, cn, nd}`,
//!   plain JSON;
//! - `t/<k>.bin`: gzip-compressed JSON, term → postings for every term whose key (its first
//!   three characters) hashes (FNV-1a) to shard `k`, so one query word costs one small file and
//!   the last word's prefix matches live in the same file. Postings are in document order, each
//!   document as its distance from the previous one (the first from -1): `d` for weight 1,
//!   `-d, weight` otherwise (weights are at least 1);
//! - `d/<k>.bin`: gzip-compressed JSON, documents `k*c … k*c+c-1` as
//!   `[kind, title, url, section, excerpt]`, where a `url` starting with `#` continues the
//!   previous row's page (the part before its `#`) and a `section` of `0` repeats the previous
//!   row's.
//!
//! The shards are stored compressed (about a sixth of the JSON) under a name that hosts
//! send as it is (`application/octet-stream`); the browser checks for gzip's magic bytes before
//! decompressing, so a host that adds `Content-Encoding: gzip` anyway works too.
//!
//! Words are folded the way the browser folds the query (NFD, marks dropped, lowercase) and
//! phone numbers are indexed as the same digit variants as the tantivy index, so both searches
//! agree on accents and numbers.

use std::borrow::Cow;
use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use super::documents::{self, SearchDoc};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::Staging;
pub use edit::{Layout, update};
use files::{
    chunk_path, encode_chunk, encode_shard, language_files, meta_file, shard_of, shard_path,
};
use terms::Posting;
pub use terms::{fold, words};

mod edit;
mod files;
mod terms;

pub const STATIC_DIR: &str = "search-index";
/// The format of the files below, `meta.json`'s `v`.
const VERSION: u32 = 2;
/// Documents per `d/` chunk: a first query fetches a handful of chunks. 64 rather than 16
/// writes 650 files instead of 2,600 on 10,000 pages, for a few KB more per query.
const CHUNK: usize = 64;
/// Aim for term shards of about this many bytes.
const SHARD_BYTES: usize = 24_000;
const EXCERPT_CHARS: usize = 200;

/// Write the static index of the site's search documents into `out`: one per language, under
/// its folder (`/es/search-index/`), holding what that language's readers search, the
/// documents in their language's text first. Returns a fragment for the build summary and
/// where each page's documents went, for live rebuilds.
pub fn write(site: &Site, out: &Staging) -> Result<(String, Layout), Vec<Diagnostic>> {
    let mut builder = Builder::new(site);
    documents::for_each_batch(site, |batch| {
        builder.add(&batch);
        Ok::<_, ()>(())
    })
    .expect("infallible");
    builder.finish(site, out)
}

/// The static index of every language as the documents come, a batch at a time.
pub struct Builder {
    languages: Vec<LanguageIndex>,
}

impl Builder {
    pub fn new(site: &Site) -> Builder {
        Builder {
            languages: site
                .config
                .language_codes()
                .map(|lang| LanguageIndex::new(lang, site.pages.len()))
                .collect(),
        }
    }

    /// The next documents, in the order of [`documents::for_each_batch`].
    pub fn add(&mut self, batch: &[SearchDoc]) {
        self.languages.iter_mut().for_each(|index| index.add(batch));
    }

    /// Encode every language's files and write them into `out`: see [`write`].
    pub fn finish(self, site: &Site, out: &Staging) -> Result<(String, Layout), Vec<Diagnostic>> {
        let mut files = Vec::new();
        let mut layout = Layout::default();
        for index in self.languages {
            let dir = language_dir(site, &index.lang);
            let lang = index.lang.clone();
            let (part, pages) = index.finish();
            let rows = part.len() as u32;
            let (language_files, shards) = language_files(&dir, part, synonyms(site, &lang));
            files.extend(language_files);
            layout.add(lang, rows, shards, pages);
        }
        let summary = format!(
            "static search ({} files, {} KB)",
            files.len(),
            files
                .iter()
                .map(|(_, b)| b.len())
                .sum::<usize>()
                .div_ceil(1024)
        );
        write_files(out, &files)?;
        Ok((summary, layout))
    }
}

/// Where the static index of `lang` lives in the output.
fn language_dir(site: &Site, lang: &str) -> String {
    format!("{}{STATIC_DIR}", site.config.folder(lang))
}

fn synonyms<'a>(site: &'a Site, lang: &str) -> &'a [Vec<String>] {
    site.language(lang).map_or(&site.synonyms, |l| &l.synonyms)
}

/// Write `files` (path, bytes) into `out`, side by side.
fn write_files(out: &Staging, files: &[(String, Vec<u8>)]) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = files
        .par_iter()
        .filter_map(|(path, data)| {
            out.write(path, data).err().map(|e| {
                Diagnostic::error(
                    "static-search",
                    Location::file(path),
                    format!("cannot write: {e}"),
                )
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One language's index as the documents come: those in its own text, then the others (pages
/// not translated yet), each part numbering its documents from 0, and where each page's
/// documents are in its part.
struct LanguageIndex {
    lang: String,
    own: Part,
    other: Part,
    pages: Vec<Option<(bool, Range<u32>)>>,
}

impl LanguageIndex {
    fn new(lang: &str, pages: usize) -> LanguageIndex {
        LanguageIndex {
            lang: lang.to_string(),
            own: Part::default(),
            other: Part::default(),
            pages: vec![None; pages],
        }
    }

    fn add(&mut self, batch: &[SearchDoc]) {
        let (own, other): (Vec<&SearchDoc>, Vec<&SearchDoc>) = batch
            .iter()
            .filter(|d| d.seen_in(&self.lang))
            .partition(|d| d.text_lang.is_empty() || d.text_lang == self.lang);
        for (is_own, docs, part) in [(true, &own, &self.own), (false, &other, &self.other)] {
            // A page's documents come one after the other, all in the same part.
            for (i, doc) in docs.iter().enumerate() {
                let Some(page) = doc.page else { continue };
                let at = (part.len() + i) as u32;
                let (_, range) = self.pages[page as usize].get_or_insert((is_own, at..at));
                range.end = at + 1;
            }
        }
        self.own.add(&own);
        self.other.add(&other);
        // The own documents' numbers are final: their full chunks are encoded now, and their
        // rows dropped (10 MB of the 10,000-page build's peak). The others are numbered after
        // the last own document, known only at the end.
        self.own.encode_full_chunks();
    }

    /// One part, the other documents after its own, and each page's place in it.
    fn finish(self) -> (Part, Vec<Option<Range<u32>>>) {
        let offset = self.own.len() as u32;
        let pages = self
            .pages
            .into_iter()
            .map(|place| {
                place.map(|(own, range)| match own {
                    true => range,
                    false => range.start + offset..range.end + offset,
                })
            })
            .collect();
        let mut all = self.own;
        all.append(self.other);
        (all, pages)
    }
}

/// Documents numbered in the order they were added: what each hit shows, and each term's
/// `(document, weight)` in document order.
#[derive(Default)]
struct Part {
    /// The first documents' rows as their `d/` files, [`CHUNK`] rows each.
    chunks: Vec<Vec<u8>>,
    /// The rows after those.
    rows: Vec<Row>,
    postings: HashMap<String, Vec<Posting>>,
}

impl Part {
    fn add(&mut self, docs: &[&SearchDoc]) {
        let batch = Part {
            chunks: Vec::new(),
            rows: docs.iter().map(|d| Row::of(d)).collect(),
            postings: terms::postings(docs),
        };
        self.append(batch);
    }

    /// How many documents there are.
    fn len(&self) -> usize {
        self.chunks.len() * CHUNK + self.rows.len()
    }

    /// Encode the rows that fill whole chunks, keeping the rest.
    fn encode_full_chunks(&mut self) {
        let full = self.rows.len() - self.rows.len() % CHUNK;
        self.chunks
            .par_extend(self.rows[..full].par_chunks(CHUNK).map(encode_chunk));
        self.rows.drain(..full);
    }

    /// `later`'s documents after these (`later` has no encoded chunks).
    fn append(&mut self, later: Part) {
        debug_assert!(later.chunks.is_empty(), "only the first part has chunks");
        let offset = self.len() as u32;
        for (term, list) in later.postings {
            let shifted = list.into_iter().map(|posting| posting.shifted(offset));
            self.postings.entry(term).or_default().extend(shifted);
        }
        self.rows.extend(later.rows);
    }
}

/// What a hit shows of its document.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    kind: Cow<'static, str>,
    title: String,
    url: String,
    section: String,
    /// The start of its text: contact rows list their numbers, others their text.
    excerpt: String,
}

impl Row {
    fn of(doc: &SearchDoc) -> Row {
        let text = doc.body.as_str();
        let excerpt = match text.char_indices().nth(EXCERPT_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        };
        Row {
            kind: Cow::Borrowed(doc.kind),
            title: doc.title.clone(),
            url: doc.url.clone(),
            section: doc.section.clone(),
            excerpt: excerpt.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_added_in_batches_give_the_files_of_one_batch() {
        let doc = |i: usize, lang: &str| SearchDoc {
            kind: "page",
            title: format!("Invoice {i}"),
            url: format!("/p{i}/"),
            body: format!("billing words {} shared", i % 3),
            lang: "es".into(),
            text_lang: lang.into(),
            ..Default::default()
        };
        // Untranslated documents (English text) come after the Spanish ones in any batch.
        let docs: Vec<SearchDoc> = (0..200)
            .map(|i| doc(i, if i % 4 == 0 { "en" } else { "es" }))
            .collect();
        let build = |batches: &[&[SearchDoc]]| {
            let mut index = LanguageIndex::new("es", 0);
            batches.iter().for_each(|batch| index.add(batch));
            language_files("search-index", index.finish().0, &[]).0
        };
        let whole = build(&[&docs]);
        assert_eq!(whole, build(&[&docs[..70], &docs[70..71], &docs[71..]]));
        let (_, first_chunk) = whole.iter().find(|(p, _)| p.ends_with("d/0.bin")).unwrap();
        let mut json = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&first_chunk[..]),
            &mut json,
        )
        .unwrap();
        assert!(json.starts_with(r#"[["page","Invoice 1","/p1/""#), "{json}");

        // The chunks encoded as the documents came are those of every row encoded at the end:
        // the Spanish rows, then the English ones numbered after them.
        let (spanish, english): (Vec<&SearchDoc>, Vec<&SearchDoc>) =
            docs.iter().partition(|d| d.text_lang == "es");
        let rows: Vec<Row> = spanish.into_iter().chain(english).map(Row::of).collect();
        let chunks: Vec<(String, Vec<u8>)> = whole
            .iter()
            .filter(|(p, _)| p.contains("/d/"))
            .cloned()
            .collect();
        let expected: Vec<(String, Vec<u8>)> = rows
            .chunks(CHUNK)
            .enumerate()
            .map(|(k, chunk)| (chunk_path("search-index", k as u32), encode_chunk(chunk)))
            .collect();
        assert_eq!(chunks, expected);
    }

    #[test]
    fn shards_are_gzip_with_a_neutral_name() {
        let docs = [SearchDoc {
            kind: "page",
            title: "Invoices".into(),
            url: "/billing/invoices/".into(),
            ..Default::default()
        }];
        let mut part = Part::default();
        part.add(&docs.iter().collect::<Vec<_>>());
        let (files, _) = language_files("search-index", part, &[]);
        for (path, data) in &files {
            if path.ends_with("meta.json") {
                assert_eq!(data[0], b'{', "{path}");
            } else {
                assert!(path.ends_with(".bin"), "{path}");
                assert_eq!(&data[..2], [0x1f, 0x8b], "{path}: gzip");
            }
        }
        let meta: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p.ends_with("meta.json"))
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(meta["v"], VERSION);
    }
}

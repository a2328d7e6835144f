//! A live rebuild's static index: only the files an edit touches are written again. Writing it
//! whole took most of a live rebuild at scale (1.1 s of a 1.6 s edit at 10,000 pages, most of
//! 7.9 s at 50,000), for an edit that changes a few hundred of its terms.
//!
//! Documents are numbered by position, so an edited page's documents keep their numbers when
//! there are as many as before; otherwise they go after the last one, and the old numbers are
//! left with no postings (their rows stay in the chunks, never found; `n` counts them, which
//! only nudges the weights). Each term shard that held a term of the old documents or holds
//! one of the new ones is read, mended and written again, and so is each chunk that holds a
//! new row. The shard count stays what the full build chose: a full build rebalances.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use super::terms::{Posting, doc_terms};
use super::{
    CHUNK, Row, chunk_path, encode_chunk, encode_shard, language_dir, meta_file, shard_of,
    shard_path, synonyms, write_files,
};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::search::documents::SearchDoc;

/// Where each page's documents are in each language's static index, as the output holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    languages: Vec<LanguageLayout>,
}

#[derive(Debug, Clone, PartialEq)]
struct LanguageLayout {
    lang: String,
    /// Documents numbered so far, `meta.json`'s `n`.
    rows: u32,
    shards: u32,
    /// By the site's page index: the numbers of that page's documents.
    pages: Vec<Option<Range<u32>>>,
}

impl Layout {
    pub(super) fn add(
        &mut self,
        lang: String,
        rows: u32,
        shards: u32,
        pages: Vec<Option<Range<u32>>>,
    ) {
        self.languages.push(LanguageLayout {
            lang,
            rows,
            shards,
            pages,
        });
    }
}

/// Bring the static index under `out`'s target up to date after the pages `edited` (indexes
/// into the site's pages) changed their bodies: `stale` were their documents, `fresh` are
/// them now. Writes the files that change into `out`; returns a fragment for the build summary
/// and the layout once they are in place.
pub fn update(
    site: &Site,
    out: &Staging,
    layout: &Layout,
    edited: &[usize],
    stale: &[SearchDoc],
    fresh: &[SearchDoc],
) -> Result<(String, Layout), Vec<Diagnostic>> {
    let mut next = layout.clone();
    let mut files = Vec::new();
    for language in &mut next.languages {
        let dir = language_dir(site, &language.lang);
        let read = |rel: &str| read_gzip(&out.target().join(rel));
        let planned = Edit::plan(language, edited, stale, fresh);
        let mended = planned.and_then(|edit| Ok((edit.files(&dir, language, &read)?, edit)));
        let edit = match mended {
            Ok((mended, edit)) => {
                files.extend(mended);
                edit
            }
            // Not what the last build wrote (changed by hand, or cut short): written whole.
            Err(e) => {
                tracing::warn!("the static index is written again whole: {e}");
                return super::write(site, out);
            }
        };
        if language.rows != edit.rows_before {
            files.push(meta_file(
                &dir,
                language.rows,
                language.shards,
                synonyms(site, &language.lang),
            ));
        }
    }
    tracing::debug!(files = files.len(), "static index mended");
    write_files(out, &files)?;
    let summary = format!("static search ({} files updated)", files.len());
    Ok((summary, next))
}

/// One language's part of an update: the numbers that lose their postings and where the
/// fresh documents go.
struct Edit<'a> {
    removed: Vec<Range<u32>>,
    placed: Vec<(u32, &'a SearchDoc)>,
    stale: Vec<&'a SearchDoc>,
    rows_before: u32,
}

impl<'a> Edit<'a> {
    /// Plan the edit and move `language` to its layout after it; an error when the layout is
    /// not of this site's pages.
    fn plan(
        language: &mut LanguageLayout,
        edited: &[usize],
        stale: &'a [SearchDoc],
        fresh: &'a [SearchDoc],
    ) -> Result<Edit<'a>, String> {
        let lang = language.lang.as_str();
        let seen = |docs: &'a [SearchDoc], page: usize| -> Vec<&'a SearchDoc> {
            docs.iter()
                .filter(|d| d.page == Some(page as u32) && d.seen_in(lang))
                .collect()
        };
        let mut edit = Edit {
            removed: Vec::new(),
            placed: Vec::new(),
            stale: Vec::new(),
            rows_before: language.rows,
        };
        for &page in edited {
            let docs = seen(fresh, page);
            let place = language
                .pages
                .get_mut(page)
                .ok_or(format!("no page {page} in the layout"))?;
            let old = place.take();
            let start = match &old {
                Some(range) if range.len() == docs.len() => range.start,
                _ => {
                    language.rows += docs.len() as u32;
                    language.rows - docs.len() as u32
                }
            };
            edit.removed.extend(old);
            edit.stale.extend(seen(stale, page));
            edit.placed
                .extend(docs.iter().enumerate().map(|(i, d)| (start + i as u32, *d)));
            language.pages[page] = (!docs.is_empty()).then(|| start..start + docs.len() as u32);
        }
        Ok(edit)
    }

    /// The files this edit writes under `dir`: the term shards and chunks it changes, mended
    /// from what `read` gives of them (gzip-decompressed, `None` for a file not there).
    fn files(
        &self,
        dir: &str,
        language: &LanguageLayout,
        read: &(dyn Fn(&str) -> std::io::Result<Option<Vec<u8>>> + Sync),
    ) -> Result<Vec<(String, Vec<u8>)>, String> {
        let shards = language.shards;
        let mut added: BTreeMap<u32, Vec<(String, Posting)>> = BTreeMap::new();
        for &(at, doc) in &self.placed {
            doc_terms(doc, |term, weight| {
                added
                    .entry(shard_of(term, shards))
                    .or_default()
                    .push((term.to_string(), Posting::new(at, weight)));
            });
        }
        let mut touched: BTreeSet<u32> = added.keys().copied().collect();
        for doc in &self.stale {
            doc_terms(doc, |term, _| {
                touched.insert(shard_of(term, shards));
            });
        }
        let removed = |p: &Posting| self.removed.iter().any(|r| r.contains(&p.doc()));
        let mut files: Vec<(String, Vec<u8>)> = touched
            .par_iter()
            .map(|&k| {
                let path = shard_path(dir, k);
                let json = read(&path)
                    .map_err(|e| format!("{path}: {e}"))?
                    .ok_or(format!("{path} is missing"))?;
                let mut terms = decode_shard(&json).ok_or(format!("{path}: not a term shard"))?;
                terms
                    .values_mut()
                    .for_each(|list| list.retain(|p| !removed(p)));
                for (term, posting) in added.get(&k).into_iter().flatten() {
                    terms.entry(term.clone()).or_default().push(*posting);
                }
                terms.retain(|_, list| !list.is_empty());
                terms.values_mut().for_each(|list| list.sort_unstable());
                let borrowed: BTreeMap<&str, &Vec<Posting>> =
                    terms.iter().map(|(t, l)| (t.as_str(), l)).collect();
                Ok((path, encode_shard(&borrowed)))
            })
            .collect::<Result<_, String>>()?;

        let mut chunks: BTreeMap<u32, Vec<(usize, Row)>> = BTreeMap::new();
        for &(at, doc) in &self.placed {
            let k = at / CHUNK as u32;
            let row = (at as usize % CHUNK, Row::of(doc));
            chunks.entry(k).or_default().push(row);
        }
        for (k, new_rows) in chunks {
            let path = chunk_path(dir, k);
            // A chunk past the last build's rows is new.
            let mut rows = if (k as usize * CHUNK) < self.rows_before as usize {
                let json = read(&path)
                    .map_err(|e| format!("{path}: {e}"))?
                    .ok_or(format!("{path} is missing"))?;
                expand_rows(&json).ok_or(format!("{path}: not a chunk"))?
            } else {
                Vec::new()
            };
            // New rows come in order: each replaces one of the chunk's or follows its last.
            for (i, row) in new_rows {
                match rows.len().cmp(&i) {
                    std::cmp::Ordering::Greater => rows[i] = row,
                    std::cmp::Ordering::Equal => rows.push(row),
                    std::cmp::Ordering::Less => return Err(format!("{path}: rows are missing")),
                }
            }
            files.push((path, encode_chunk(&rows)));
        }
        Ok(files)
    }
}

/// The file at `path`, gzip-decompressed; `None` when there is none. At most
/// [`MAX_FILE_BYTES`] of it: a shard is tens of kilobytes (a megabyte or two for the most
/// common words at 50,000 pages), and a file that expands further was not written here.
fn read_gzip(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut json = Vec::with_capacity(bytes.len() * 6);
    flate2::read::GzDecoder::new(&bytes[..])
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut json)?;
    if json.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other("larger than a shard can be"));
    }
    Ok(Some(json))
}

const MAX_FILE_BYTES: u64 = 256 << 20;

fn decode_shard(json: &[u8]) -> Option<BTreeMap<String, Vec<Posting>>> {
    let encoded: BTreeMap<String, Vec<i64>> = serde_json::from_slice(json).ok()?;
    encoded
        .into_iter()
        .map(|(term, list)| Some((term, decode_postings(&list)?)))
        .collect()
}

/// [`encode_postings`] undone.
fn decode_postings(encoded: &[i64]) -> Option<Vec<Posting>> {
    let mut out = Vec::with_capacity(encoded.len());
    let mut prev = -1i64;
    let mut numbers = encoded.iter();
    while let Some(&n) = numbers.next() {
        let (gap, weight) = match n {
            n if n > 0 => (n, 1),
            n if n < 0 => (-n, *numbers.next()?),
            _ => return None,
        };
        prev += gap;
        out.push(Posting::new(
            u32::try_from(prev).ok()?,
            u32::try_from(weight).ok()?,
        ));
    }
    Some(out)
}

/// A chunk's rows as [`super::chunk_rows`] wrote them, each `#anchor` and `0` expanded.
fn expand_rows(json: &[u8]) -> Option<Vec<Row>> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Section {
        Text(String),
        /// `0`.
        Previous(serde::de::IgnoredAny),
    }
    let rows: Vec<(String, String, String, Section, String)> = serde_json::from_slice(json).ok()?;
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for (kind, title, url, section, excerpt) in rows {
        let previous = out.last();
        let url = match (url.starts_with('#'), previous) {
            (true, Some(p)) => format!("{}{url}", &p.url[..p.url.find('#').unwrap_or(p.url.len())]),
            _ => url,
        };
        let section = match (section, previous) {
            (Section::Text(text), _) => text,
            (Section::Previous(_), Some(p)) => p.section.clone(),
            (Section::Previous(_), None) => return None,
        };
        out.push(Row {
            kind: kind.into(),
            title,
            url,
            section,
            excerpt,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::files::{chunk_rows, encode_postings, to_json};
    use super::*;
    use proptest::prelude::*;
    use std::borrow::Cow;

    fn row() -> impl Strategy<Value = Row> {
        let page = prop::sample::select(vec!["/a/", "/a/b/", "/c/"]);
        let anchor = prop::option::of(prop::sample::select(vec!["one", "two"]));
        let section = prop::sample::select(vec!["", "A", "A › B"]);
        (page, anchor, section, "[a-zé \"\\\\]{0,8}").prop_map(|(page, anchor, section, text)| {
            Row {
                kind: Cow::Borrowed(if anchor.is_some() { "section" } else { "page" }),
                title: text.clone(),
                url: match anchor {
                    Some(a) => format!("{page}#{a}"),
                    None => page.to_string(),
                },
                section: section.to_string(),
                excerpt: text,
            }
        })
    }

    proptest! {
        #[test]
        fn chunks_read_back_as_written(rows in prop::collection::vec(row(), 0..20)) {
            let json = to_json(&chunk_rows(&rows));
            prop_assert_eq!(expand_rows(&json), Some(rows));
        }

        #[test]
        fn postings_read_back_as_written(
            pairs in prop::collection::btree_map(0u32..5_000, 1u32..=20, 0..50)
        ) {
            let list: Vec<Posting> = pairs
                .into_iter()
                .map(|(doc, weight)| Posting::new(doc, weight))
                .collect();
            prop_assert_eq!(decode_postings(&encode_postings(&list)), Some(list));
        }
    }

    #[test]
    fn a_page_keeps_its_numbers_when_it_has_as_many_documents_else_goes_last() {
        let doc = |page: u32, url: &str| SearchDoc {
            kind: "page",
            url: url.into(),
            page: Some(page),
            ..Default::default()
        };
        let mut language = LanguageLayout {
            lang: "en".into(),
            rows: 10,
            shards: 1,
            pages: vec![Some(0..2), Some(2..3), None],
        };
        let stale = [doc(0, "/a/"), doc(0, "/a/#x"), doc(1, "/b/")];
        let fresh = [
            doc(0, "/a/"),
            doc(0, "/a/#x"),
            doc(1, "/b/"),
            doc(1, "/b/#y"),
        ];
        let edit = Edit::plan(&mut language, &[0, 1], &stale, &fresh).unwrap();
        assert_eq!(edit.removed, [0..2, 2..3]);
        let placed: Vec<(u32, &str)> = edit
            .placed
            .iter()
            .map(|(at, d)| (*at, d.url.as_str()))
            .collect();
        assert_eq!(
            placed,
            [(0, "/a/"), (1, "/a/#x"), (10, "/b/"), (11, "/b/#y")]
        );
        assert_eq!(language.rows, 12);
        assert_eq!(language.pages, [Some(0..2), Some(10..12), None]);
        assert!(Edit::plan(&mut language, &[3], &stale, &fresh).is_err());
    }
}

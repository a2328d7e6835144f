//! The static index's files: term shards, document chunks and `meta.json`, encoded as the
//! module's documentation says, gzip-compressed where they are `.bin`.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::terms::{Posting, country_words, fnv1a, shard_key};
use super::{CHUNK, Part, Row, SHARD_BYTES, VERSION, fold};

#[derive(Serialize)]
struct Meta {
    v: u32,
    n: usize,
    s: u32,
    c: usize,
    /// Synonym groups, folded.
    syn: Vec<Vec<String>>,
    /// Folded words of country names, and the generic contact words and stop words: a query
    /// of these only (naming a country) ranks the primary contact rows first.
    cn: Vec<String>,
    nd: Vec<&'static str>,
}

/// The files of one language's static index, under `dir`, and how many term shards it has.
pub(super) fn language_files(
    dir: &str,
    part: Part,
    synonyms: &[Vec<String>],
) -> (Vec<(String, Vec<u8>)>, u32) {
    let documents = part.len() as u32;
    let Part {
        chunks,
        rows,
        postings,
    } = part;
    let total: usize = postings.iter().map(|(t, p)| t.len() + p.len() * 4).sum();
    let shards = total.div_ceil(SHARD_BYTES).max(1) as u32;

    let mut by_shard: Vec<BTreeMap<&str, &[Posting]>> = vec![BTreeMap::new(); shards as usize];
    for (term, list) in &postings {
        by_shard[shard_of(term, shards) as usize].insert(term, list);
    }
    // Encoded shard by shard, so that only the shards being written hold a second copy.
    let mut files: Vec<(String, Vec<u8>)> = by_shard
        .par_iter()
        .enumerate()
        .map(|(k, terms)| (shard_path(dir, k as u32), encode_shard(terms)))
        .collect();
    let encoded = chunks.len();
    files.extend(
        chunks
            .into_iter()
            .enumerate()
            .map(|(k, chunk)| (chunk_path(dir, k as u32), chunk)),
    );
    files.par_extend(
        rows.par_chunks(CHUNK)
            .enumerate()
            .map(|(k, chunk)| (chunk_path(dir, (encoded + k) as u32), encode_chunk(chunk))),
    );
    files.push(meta_file(dir, documents, shards, synonyms));
    (files, shards)
}

pub(super) fn shard_of(term: &str, shards: u32) -> u32 {
    fnv1a(shard_key(term)) % shards
}

pub(super) fn shard_path(dir: &str, k: u32) -> String {
    format!("{dir}/t/{k}.bin")
}

pub(super) fn chunk_path(dir: &str, k: u32) -> String {
    format!("{dir}/d/{k}.bin")
}

/// A term shard's file: its terms' postings, gzip-compressed JSON.
pub(super) fn encode_shard<L: AsRef<[Posting]>>(terms: &BTreeMap<&str, L>) -> Vec<u8> {
    let encoded: BTreeMap<&str, Vec<i64>> = terms
        .iter()
        .map(|(term, list)| (*term, encode_postings(list.as_ref())))
        .collect();
    gzip(&to_json(&encoded))
}

/// A `d/` chunk's file: its rows, gzip-compressed JSON.
pub(super) fn encode_chunk(rows: &[Row]) -> Vec<u8> {
    gzip(&to_json(&chunk_rows(rows)))
}

/// `meta.json` of an index of `rows` documents in `shards` term shards.
pub(super) fn meta_file(
    dir: &str,
    rows: u32,
    shards: u32,
    synonyms: &[Vec<String>],
) -> (String, Vec<u8>) {
    let syn = synonyms
        .iter()
        .map(|group| group.iter().map(|w| fold(w)).collect())
        .collect();
    let meta = Meta {
        v: VERSION,
        n: rows as usize,
        s: shards,
        c: CHUNK,
        syn,
        cn: country_words(),
        nd: crate::search::query_words::generic_contact_words()
            .chain(crate::search::query_words::STOP_WORDS.iter().copied())
            .collect(),
    };
    (format!("{dir}/meta.json"), to_json(&meta))
}

pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializable")
}

/// Gzip with libdeflate at level 6: the shards come out as small as with zlib's level 6, in
/// three quarters of zlib-rs's time (level 7 is 1.6 % smaller for 40 % more time; level 4 is
/// 4 % bigger). Each thread keeps its compressor, whose state is a few hundred KB.
fn gzip(data: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<libdeflater::Compressor> =
            std::cell::RefCell::new(libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(6).expect("a valid level"),
            ));
    }
    COMPRESSOR.with_borrow_mut(|c| {
        let mut out = vec![0; c.gzip_compress_bound(data.len())];
        let written = c
            .gzip_compress(data, &mut out)
            .expect("the bound is enough room");
        out.truncate(written);
        out
    })
}

/// `(document, weight)` in document order → distances from the previous document (the first
/// from -1), `d` for weight 1 and `-d, weight` otherwise: small numbers, few JSON digits.
pub(super) fn encode_postings(list: &[Posting]) -> Vec<i64> {
    let mut out = Vec::with_capacity(list.len() + list.len() / 4);
    let mut prev = -1i64;
    for (doc, weight) in list.iter().map(|p| (p.doc(), p.weight())) {
        let gap = i64::from(doc) - prev;
        debug_assert!(
            gap > 0 && weight > 0,
            "postings in document order, weights ≥ 1"
        );
        prev = i64::from(doc);
        if weight == 1 {
            out.push(gap);
        } else {
            out.extend([-gap, i64::from(weight)]);
        }
    }
    out
}

/// A `d/` chunk's `section`: the text, or `0` for the previous row's.
#[derive(Serialize, Debug, PartialEq)]
#[serde(untagged)]
pub(super) enum Section<'a> {
    Text(&'a str),
    Previous(u8),
}

/// One chunk's rows, `[kind, title, url, section, excerpt]`: a heading's `url` as `#anchor`
/// when it continues the previous row's page, and its `section` as `0` when it repeats the
/// previous row's (a page's headings share both). URLs are site paths, starting with `/`.
pub(super) fn chunk_rows(chunk: &[Row]) -> Vec<(&str, &str, &str, Section<'_>, &str)> {
    let mut prev: Option<(&str, &str)> = None;
    chunk
        .iter()
        .map(|d| {
            let (page, anchor) = d.url.split_at(d.url.find('#').unwrap_or(d.url.len()));
            let url = match prev {
                Some((prev_page, _)) if prev_page == page && !anchor.is_empty() => anchor,
                _ => d.url.as_str(),
            };
            let section = match prev {
                Some((_, prev_section)) if prev_section == d.section => Section::Previous(0),
                _ => Section::Text(&d.section),
            };
            prev = Some((page, &d.section));
            (&*d.kind, d.title.as_str(), url, section, d.excerpt.as_str())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::EXCERPT_CHARS;
    use super::*;
    use crate::search::documents::SearchDoc;

    #[test]
    fn postings_are_gaps_with_weights_only_when_not_one() {
        let list = |pairs: &[(u32, u32)]| -> Vec<Posting> {
            pairs.iter().map(|&(d, w)| Posting::new(d, w)).collect()
        };
        assert_eq!(
            encode_postings(&list(&[(0, 1), (3, 20), (4, 1), (10, 2)])),
            [1, -3, 20, 1, -6, 2]
        );
        assert_eq!(encode_postings(&list(&[(0, 5)])), [-1, 5]);
    }

    #[test]
    fn chunk_rows_continue_the_previous_page_and_section() {
        let doc = |kind, url: &str, section: &str| SearchDoc {
            kind,
            title: "T".into(),
            url: url.into(),
            section: section.into(),
            body: "x".repeat(EXCERPT_CHARS + 10),
            ..Default::default()
        };
        let docs = [
            doc("page", "/a/b/", "A"),
            doc("section", "/a/b/#one", "A › B"),
            doc("section", "/a/b/#two", "A › B"),
            doc("page", "/a/c/", "A"),
            doc("section", "/a/b/#three", "A"),
        ];
        let rows: Vec<Row> = docs.iter().map(Row::of).collect();
        let json = String::from_utf8(to_json(&chunk_rows(&rows))).unwrap();
        let x = "x".repeat(EXCERPT_CHARS);
        assert_eq!(
            json,
            format!(
                r##"[["page","T","/a/b/","A","{x}"],["section","T","#one","A › B","{x}"],["section","T","#two",0,"{x}"],["page","T","/a/c/","A","{x}"],["section","T","/a/b/#three",0,"{x}"]]"##
            )
        );
    }
}

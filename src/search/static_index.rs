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

use std::collections::BTreeMap;
use std::io::Write;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::documents::SearchDoc;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::Staging;

pub const STATIC_DIR: &str = "search-index";
/// The format of the files below, `meta.json`'s `v`.
const VERSION: u32 = 2;
/// Documents per `d/` chunk: a first query fetches a handful of chunks. 64 rather than 16
/// writes 650 files instead of 2,600 on 10,000 pages, for a few KB more per query.
const CHUNK: usize = 64;
/// Aim for term shards of about this many bytes.
const SHARD_BYTES: usize = 24_000;
const EXCERPT_CHARS: usize = 200;

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

/// Write the static index of `docs` (the site's search documents) into `out`: one per
/// language, under its folder (`/es/search-index/`), holding what that language's readers
/// search, the documents in their language's text first.
pub fn write(site: &Site, docs: &[SearchDoc], out: &Staging) -> Result<String, Vec<Diagnostic>> {
    let mut files = Vec::new();
    for lang in site.config.language_codes() {
        let dir = format!("{}{STATIC_DIR}", site.config.folder(lang));
        let seen_by = |d: &&SearchDoc| d.seen_in(lang);
        let in_text = |d: &&SearchDoc| d.text_lang.is_empty() || d.text_lang == lang;
        let mine: Vec<&SearchDoc> = docs
            .iter()
            .filter(|d| seen_by(d) && in_text(d))
            .chain(docs.iter().filter(|d| seen_by(d) && !in_text(d)))
            .collect();
        let synonyms = site.language(lang).map_or(&site.synonyms, |l| &l.synonyms);
        files.extend(language_files(&dir, &mine, synonyms));
    }
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let written: Vec<Result<(), Diagnostic>> = files
        .par_iter()
        .map(|(path, data)| {
            out.write(path, data).map_err(|e| {
                Diagnostic::error(
                    "static-search",
                    Location::file(path),
                    format!("cannot write: {e}"),
                )
            })
        })
        .collect();
    let errors: Vec<Diagnostic> = written.into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(format!(
        "static search ({} files, {} KB)",
        files.len(),
        bytes.div_ceil(1024)
    ))
}

/// The files of one language's static index, under `dir`.
fn language_files(
    dir: &str,
    docs: &[&SearchDoc],
    synonyms: &[Vec<String>],
) -> Vec<(String, Vec<u8>)> {
    let postings = postings(docs);
    let total: usize = postings.iter().map(|(t, p)| t.len() + p.len() * 4).sum();
    let shards = total.div_ceil(SHARD_BYTES).max(1) as u32;

    let mut by_shard: Vec<BTreeMap<&str, &[(u32, u32)]>> = vec![BTreeMap::new(); shards as usize];
    for (term, list) in &postings {
        by_shard[(fnv1a(shard_key(term)) % shards) as usize].insert(term, list);
    }
    // Encoded shard by shard, so that only the shards being written hold a second copy.
    let mut files: Vec<(String, Vec<u8>)> = by_shard
        .par_iter()
        .enumerate()
        .map(|(k, terms)| {
            let encoded: BTreeMap<&str, Vec<i64>> = terms
                .iter()
                .map(|(term, list)| (*term, encode_postings(list)))
                .collect();
            (format!("{dir}/t/{k}.bin"), gzip(&to_json(&encoded)))
        })
        .collect();
    files.par_extend(docs.par_chunks(CHUNK).enumerate().map(|(k, chunk)| {
        (
            format!("{dir}/d/{k}.bin"),
            gzip(&to_json(&chunk_rows(chunk))),
        )
    }));
    let syn = synonyms
        .iter()
        .map(|group| group.iter().map(|w| fold(w)).collect())
        .collect();
    let meta = Meta {
        v: VERSION,
        n: docs.len(),
        s: shards,
        c: CHUNK,
        syn,
        cn: country_words(),
        nd: super::query_words::generic_contact_words()
            .chain(super::query_words::STOP_WORDS.iter().copied())
            .collect(),
    };
    files.push((format!("{dir}/meta.json"), to_json(&meta)));
    files
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializable")
}

/// Gzip at the default level (zlib-rs): the best level makes the term shards 3 % smaller for
/// five times the time, level 3 is 5 % bigger for a fifth less.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::default(),
    );
    e.write_all(data).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// `(document, weight)` in document order → distances from the previous document (the first
/// from -1), `d` for weight 1 and `-d, weight` otherwise: small numbers, few JSON digits.
fn encode_postings(list: &[(u32, u32)]) -> Vec<i64> {
    let mut out = Vec::with_capacity(list.len() + list.len() / 4);
    let mut prev = -1i64;
    for &(doc, weight) in list {
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
enum Section<'a> {
    Text(&'a str),
    Previous(u8),
}

/// One chunk's rows, `[kind, title, url, section, excerpt]`: a heading's `url` as `#anchor`
/// when it continues the previous row's page, and its `section` as `0` when it repeats the
/// previous row's (a page's headings share both). URLs are site paths, starting with `/`.
fn chunk_rows<'a>(
    chunk: &[&'a SearchDoc],
) -> Vec<(&'a str, &'a str, &'a str, Section<'a>, &'a str)> {
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
            (d.kind, d.title.as_str(), url, section, excerpt(d))
        })
        .collect()
}

/// The excerpt shown under a hit: contact rows list their numbers, others their text.
fn excerpt(doc: &SearchDoc) -> &str {
    let text = doc.body.as_str();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Term → `(document, weight)` for every document. Weights are small integers: a word in the
/// title or name counts most, then keywords, context and body; a phone number of the row's own
/// country counts like a name.
fn postings(docs: &[&SearchDoc]) -> HashMap<String, Vec<(u32, u32)>> {
    // Each thread fills its own map as it goes (holding every document's terms at once cost
    // about 100 MB on 10,000 pages); the maps are merged and each list put in document order.
    let mut postings = docs
        .par_iter()
        .enumerate()
        .fold(
            HashMap::<String, Vec<(u32, u32)>>::default,
            |mut postings, (doc, d)| {
                for (term, weight) in doc_terms(d) {
                    postings.entry(term).or_default().push((doc as u32, weight));
                }
                postings
            },
        )
        .reduce(HashMap::default, |mut into, from| {
            for (term, mut list) in from {
                into.entry(term).or_default().append(&mut list);
            }
            into
        });
    postings.values_mut().for_each(|list| list.sort_unstable());
    postings
}

fn doc_terms(doc: &SearchDoc) -> HashMap<String, u32> {
    let mut terms: HashMap<String, u32> = HashMap::default();
    let mut add = |text: &str, weight: u32, cap: u32| {
        for word in fold(text).split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            for term in [light_stem(word), Some(word)].into_iter().flatten() {
                // Look up before allocating: most words of a page repeat.
                match terms.get_mut(term) {
                    Some(w) => *w = (*w + weight).min(cap.max(*w)),
                    None => {
                        terms.insert(term.to_string(), weight.min(cap));
                    }
                }
            }
        }
    };
    add(&doc.title, 10, 20);
    add(&doc.name, 10, 20);
    for keyword in &doc.keywords {
        add(keyword, 6, 20);
    }
    add(&doc.context, 2, 6);
    add(&doc.body, 1, 4);
    for phone in &doc.phones {
        let weight = if phone.home { 20 } else { 8 };
        for variant in &phone.variants {
            let w = terms.entry(variant.clone()).or_default();
            *w = (*w).max(weight);
        }
    }
    for country in &doc.countries {
        let w = terms.entry(fold(country)).or_default();
        *w = (*w).max(6);
    }
    if doc.primary {
        terms.insert(super::documents::PRIMARY_TERM.to_string(), 1);
    }
    terms
}

/// Every folded word of every country name the search knows.
fn country_words() -> Vec<String> {
    let mut out: Vec<String> = super::documents::COUNTRY_CODES
        .iter()
        .flat_map(|c| super::documents::country_names(c))
        .flat_map(|name| words(name))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Lowercase, accents removed, split on anything that is not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the browser's `s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()` gives for
/// the Latin text of a Help Center.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if c.is_alphabetic() {
            match deunicode::deunicode_char(c) {
                Some(ascii) => folded.push_str(&ascii.to_lowercase()),
                None => folded.extend(c.to_lowercase()),
            }
        } else {
            folded.push(c);
        }
    }
    folded
}

/// Plural-insensitive form shared with the browser: `invoices` → `invoice`.
fn light_stem(word: &str) -> Option<&str> {
    (word.len() > 4 && word.ends_with('s') && !word.ends_with("ss"))
        .then(|| &word[..word.len() - 1])
}

/// The part of a term that picks its shard: the first three characters.
fn shard_key(term: &str) -> &str {
    match term.char_indices().nth(3) {
        Some((cut, _)) => &term[..cut],
        None => term,
    }
}

/// 32-bit FNV-1a over UTF-8 bytes; the browser computes the same.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |hash, b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::super::tokenizers::phone_variants;
    use super::*;

    #[test]
    fn folding_matches_the_browser() {
        assert_eq!(
            words("México, FACTURACIÓN e-mail"),
            ["mexico", "facturacion", "e", "mail"]
        );
        assert_eq!(fold("São Paulo"), "sao paulo");
    }

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }

    #[test]
    fn shard_keys_are_three_characters() {
        assert_eq!(shard_key("invoice"), "inv");
        assert_eq!(shard_key("tt"), "tt");
    }

    #[test]
    fn postings_are_gaps_with_weights_only_when_not_one() {
        assert_eq!(
            encode_postings(&[(0, 1), (3, 20), (4, 1), (10, 2)]),
            [1, -3, 20, 1, -6, 2]
        );
        assert_eq!(encode_postings(&[(0, 5)]), [-1, 5]);
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
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let json = String::from_utf8(to_json(&chunk_rows(&refs))).unwrap();
        let x = "x".repeat(EXCERPT_CHARS);
        assert_eq!(
            json,
            format!(
                r##"[["page","T","/a/b/","A","{x}"],["section","T","#one","A › B","{x}"],["section","T","#two",0,"{x}"],["page","T","/a/c/","A","{x}"],["section","T","/a/b/#three",0,"{x}"]]"##
            )
        );
    }

    #[test]
    fn shards_are_gzip_with_a_neutral_name() {
        let docs = [SearchDoc {
            kind: "page",
            title: "Invoices".into(),
            url: "/billing/invoices/".into(),
            ..Default::default()
        }];
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let files = language_files("search-index", &refs, &[]);
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

    #[test]
    fn phone_variants_are_terms() {
        let doc = SearchDoc {
            kind: "contact",
            title: "Brazil".into(),
            phones: vec![super::super::documents::PhoneDoc {
                raw: "0800-887-3333".into(),
                variants: phone_variants("0800-887-3333", Some("+558008873333")),
                home: true,
            }],
            ..Default::default()
        };
        let terms = doc_terms(&doc);
        for digits in ["08008873333", "8008873333", "3333", "558008873333"] {
            assert_eq!(terms.get(digits), Some(&20), "{digits}");
        }
        assert!(terms.contains_key("brazil"));
    }
}

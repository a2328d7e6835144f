//! From user text to ranked hits with snippets.
//!
//! The query is never parsed as syntax: it is cut into folded words and phone-number digit
//! runs, and every word becomes a *unit* with *variants* — the exact word, its stems, its
//! synonyms, the real index terms within its typo budget, and (last word only) the terms it
//! is a prefix of. tantivy retrieves candidates with BM25 over all variants; then each
//! candidate is re-scored Meilisearch-style: how many units it matches (weighted by how rare
//! each word is), how well (exact > stem > synonym > prefix > typo) and where (name >
//! keywords > breadcrumbs > body), plus a boost for contact rows when the query names a
//! country and a contact need.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, InvertedIndexReader, Searcher, TERMINATED, TantivyDocument, Term,
};

use super::documents::{COUNTRY_CODES, country_names};
use super::schema::Fields;
use super::tokenizers::{Analyzers, Word, digit_runs};
use super::{Hit, IndexMeta};
use crate::render::theme::escape_html_into;

/// Longest query text looked at, in bytes; the rest is ignored.
const MAX_QUERY_BYTES: usize = 512;
/// Most words looked at.
const MAX_WORDS: usize = 16;
/// Candidates re-scored per query.
const CANDIDATES: usize = 100;
/// Most index terms a word expands to through typos, and through a prefix.
const MAX_FUZZY_TERMS: usize = 8;
const MAX_PREFIX_TERMS: usize = 12;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 200;

// Where a word matched.
const W_NAME: f32 = 3.0;
const W_KEYWORDS: f32 = 2.6;
const W_CONTEXT: f32 = 1.3;
const W_BODY: f32 = 1.0;
const W_PHONE: f32 = 4.0;
// How it matched.
const Q_EXACT: f32 = 1.0;
const Q_STEM: f32 = 0.9;
const Q_SYNONYM: f32 = 0.85;
const Q_PREFIX: f32 = 0.75;
const Q_TYPO_1: f32 = 0.6;
const Q_TYPO_2: f32 = 0.45;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "com", "como", "con", "da", "das",
    "de", "del", "do", "does", "dos", "e", "el", "em", "en", "es", "for", "from", "how", "i", "in",
    "is", "it", "la", "las", "los", "me", "mi", "my", "na", "o", "of", "on", "or", "os", "our",
    "para", "por", "que", "the", "this", "to", "um", "uma", "un", "una", "us", "we", "what",
    "where", "which", "who", "with", "y", "you", "your",
];

/// Words that say the reader wants to reach someone (folded).
const CONTACT_NEEDS: &[&str] = &[
    "call",
    "calling",
    "phone",
    "phones",
    "telephone",
    "number",
    "numbers",
    "numero",
    "numeros",
    "telefono",
    "telefonos",
    "telefone",
    "telefones",
    "tel",
    "fone",
    "contact",
    "contacts",
    "contacto",
    "contato",
    "billing",
    "bill",
    "invoice",
    "invoices",
    "facturacion",
    "factura",
    "faturamento",
    "fatura",
    "support",
    "soporte",
    "suporte",
    "tsc",
    "helpdesk",
    "toll",
    "free",
    "tollfree",
    "gratuito",
    "email",
    "mail",
    "correo",
    "ligar",
    "llamar",
    "hotline",
    "office",
    "oficina",
    "escritorio",
    "reach",
    "dial",
];

/// One entry of a synonym group: its folded words, each with its stems.
type Entry = Vec<(String, Vec<String>)>;

/// What a query needs that is computed once per index: folded synonyms and country names.
#[derive(Clone)]
pub struct Prepared {
    analyzers: Analyzers,
    /// Synonym groups; each entry is its folded words with their stems.
    groups: Vec<Vec<Entry>>,
    /// Folded country names as word sequences, with their lowercase ISO code.
    countries: Vec<(Vec<String>, String)>,
}

impl Prepared {
    pub fn new(meta: &IndexMeta) -> Prepared {
        let mut analyzers = Analyzers::default();
        let groups = meta
            .synonyms
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|entry| {
                        analyzers
                            .words(entry)
                            .into_iter()
                            .map(|w| {
                                let stems = analyzers.stems(&w.text);
                                (w.text, stems)
                            })
                            .collect::<Vec<_>>()
                    })
                    .filter(|e| !e.is_empty())
                    .collect()
            })
            .collect();
        let mut countries = Vec::new();
        for code in COUNTRY_CODES {
            for name in country_names(code) {
                let words: Vec<String> =
                    analyzers.words(name).into_iter().map(|w| w.text).collect();
                countries.push((words, code.to_ascii_lowercase()));
            }
        }
        Prepared {
            analyzers,
            groups,
            countries,
        }
    }
}

/// One way a unit can match a document: every term present in the document.
#[derive(Debug, Clone)]
struct Variant {
    terms: Vec<Term>,
    /// Field weight × match quality.
    quality: f32,
    /// Whether the terms are in the `name` field (for exactness).
    in_name: bool,
}

/// A query word or phone number, and the ways it can match.
#[derive(Debug, Clone, Default)]
struct Unit {
    /// Importance (rarer words count more).
    weight: f32,
    variants: Vec<Variant>,
}

/// What snippets highlight.
#[derive(Debug, Default)]
struct Marks {
    words: HashSet<String>,
    stems: HashSet<String>,
    phones: HashSet<String>,
}

struct Plan {
    units: Vec<Unit>,
    marks: Marks,
    /// Lowercase ISO codes of the countries the query names, when it also names a contact need.
    contact_countries: Vec<String>,
    /// Adjacent query words, as phrases per field: a document holding one earns proximity.
    phrases: Vec<Vec<Term>>,
    /// How many adjacent pairs of words the query has.
    pairs: usize,
}

/// Run `text` against the index. Returns the number of matching documents and the best hits.
pub fn run(
    searcher: &Searcher,
    fields: &Fields,
    prepared: &Prepared,
    text: &str,
    limit: usize,
) -> (usize, Vec<Hit>) {
    if limit == 0 {
        return (0, Vec::new());
    }
    let mut analyzers = prepared.analyzers.clone();
    let Some(plan) = plan(searcher, fields, prepared, &mut analyzers, text) else {
        return (0, Vec::new());
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for unit in &plan.units {
        for v in &unit.variants {
            let query: Box<dyn Query> = if v.terms.len() == 1 {
                Box::new(TermQuery::new(
                    v.terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(BooleanQuery::new(
                    v.terms
                        .iter()
                        .map(|t| {
                            let q: Box<dyn Query> =
                                Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                            (Occur::Must, q)
                        })
                        .collect(),
                ))
            };
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(query, v.quality * unit.weight)),
            ));
        }
    }
    if clauses.is_empty() {
        return (0, Vec::new());
    }
    let query = BooleanQuery::new(clauses);
    let want = CANDIDATES.max(limit * 2);
    let Ok((total, candidates)) =
        searcher.search(&query, &(Count, TopDocs::with_limit(want).order_by_score()))
    else {
        return (0, Vec::new());
    };
    let mut scored = rescore(searcher, fields, &plan, &candidates);
    // Best first; equal scores in index order (site order).
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(limit);
    let hits = scored
        .into_iter()
        .filter_map(|(score, address)| {
            hit(
                searcher,
                fields,
                &plan.marks,
                &mut analyzers,
                score,
                address,
            )
        })
        .collect();
    (total, hits)
}

fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Cut the query into units and variants.
fn plan(
    searcher: &Searcher,
    f: &Fields,
    prepared: &Prepared,
    an: &mut Analyzers,
    text: &str,
) -> Option<Plan> {
    let mut end = text.len().min(MAX_QUERY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let runs = digit_runs(text);
    // Words are read from the text without its phone numbers.
    let mut rest = text.to_string();
    for run in &runs {
        rest.replace_range(run.from..run.to, &" ".repeat(run.to - run.from));
    }
    let mut words: Vec<Word> = an.words(&rest);
    words.truncate(MAX_WORDS);
    if words.is_empty() && runs.is_empty() {
        return None;
    }
    let typing_last = !text.ends_with(char::is_whitespace);
    let all_stop = words.iter().all(|w| is_stop(&w.text));
    let n_docs = searcher.num_docs().max(1) as f32;
    let max_idf = (1.0 + (n_docs + 0.5) / 0.5).ln();
    let mut marks = Marks::default();
    let mut units: Vec<Unit> = Vec::new();
    let stems: Vec<Vec<String>> = words.iter().map(|w| an.stems(&w.text)).collect();

    for (i, word) in words.iter().enumerate() {
        let w = word.text.as_str();
        let stop = is_stop(w) && !all_stop;
        let mut unit = Unit::default();
        if !stop {
            marks.words.insert(w.to_string());
        }
        for (field, weight) in [
            (f.name, W_NAME),
            (f.keywords, W_KEYWORDS),
            (f.context, W_CONTEXT),
            (f.body, W_BODY),
        ] {
            unit.variants.push(single(field, w, weight * Q_EXACT));
        }
        for stem in &stems[i] {
            if !stop {
                marks.stems.insert(stem.clone());
            }
            for (field, weight) in [
                (f.name_stem, W_NAME),
                (f.context_stem, W_CONTEXT),
                (f.body_stem, W_BODY),
            ] {
                unit.variants.push(single(field, stem, weight * Q_STEM));
            }
        }
        let chars = w.chars().count();
        let alphabetic = w.chars().all(char::is_alphabetic);
        if !stop && alphabetic {
            let distance = match chars {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            if distance > 0 {
                for (term, d, found_in) in fuzzy_terms(searcher, f, w, distance) {
                    let q = if d == 1 { Q_TYPO_1 } else { Q_TYPO_2 };
                    for (field, weight) in found_in {
                        unit.variants.push(single(field, &term, weight * q));
                    }
                    marks.words.insert(term);
                }
            }
        }
        if i + 1 == words.len() && typing_last && chars >= 2 && !(stop && chars < 3) {
            for (term, found_in) in prefix_terms(searcher, expandable(f), w) {
                let completeness = chars as f32 / term.chars().count() as f32;
                let q = Q_PREFIX * (0.7 + 0.3 * completeness);
                for (field, weight) in found_in {
                    unit.variants.push(single(field, &term, weight * q));
                }
                marks.words.insert(term);
            }
        }
        // Importance from the rarest form the word takes in the index.
        let df = unit
            .variants
            .iter()
            .filter(|v| v.terms.len() == 1)
            .map(|v| searcher.doc_freq(&v.terms[0]).unwrap_or(0))
            .max()
            .unwrap_or(0) as f32;
        let idf = (1.0 + (n_docs - df + 0.5).max(0.0) / (df + 0.5)).ln();
        unit.weight = if stop {
            0.1
        } else {
            0.3 + 0.7 * (idf / max_idf).clamp(0.0, 1.0)
        };
        units.push(unit);
    }

    // Synonyms: a span of query words that reads as one entry of a group gets the other
    // entries of the group as variants.
    for group in &prepared.groups {
        for entry in group {
            for start in 0..words.len() {
                if start + entry.len() > words.len() {
                    break;
                }
                let matches = entry.iter().enumerate().all(|(k, (e, e_stems))| {
                    let (w, w_stems) = (&words[start + k].text, &stems[start + k]);
                    w == e || (w.len() > 3 && w_stems.iter().any(|s| e_stems.contains(s)))
                });
                if !matches {
                    continue;
                }
                for other in group {
                    if std::ptr::eq(other, entry) {
                        continue;
                    }
                    let variants = synonym_variants(f, other, &mut marks);
                    for unit in &mut units[start..start + entry.len()] {
                        unit.variants.extend(variants.iter().cloned());
                    }
                }
            }
        }
    }

    for run in &runs {
        let mut unit = Unit {
            weight: 1.5,
            variants: Vec::new(),
        };
        for (digits, share) in &run.candidates {
            unit.variants.push(single(f.phone, digits, W_PHONE * share));
            unit.variants
                .push(single(f.phone_other, digits, W_PHONE * share * 0.9));
            marks.phones.insert(digits.clone());
        }
        // The start of a number ("0800 887") finds the numbers it begins, as the static
        // search's prefix match does.
        if let Some((whole, _)) = run.candidates.first() {
            let phones = [(f.phone, W_PHONE), (f.phone_other, W_PHONE * 0.9)];
            for (term, found_in) in prefix_terms(searcher, phones, whole) {
                for (field, weight) in found_in {
                    unit.variants.push(single(field, &term, weight * Q_PREFIX));
                }
                marks.phones.insert(term);
            }
        }
        units.push(unit);
    }

    // A country named together with a contact need favours that country's contact rows.
    let folded: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let wants_contact = !runs.is_empty() || folded.iter().any(|w| CONTACT_NEEDS.contains(w));
    let mut contact_countries = Vec::new();
    if wants_contact {
        for (name, code) in &prepared.countries {
            if !name.is_empty()
                && folded
                    .windows(name.len())
                    .any(|win| win.iter().zip(name).all(|(a, b)| a == b))
                && !contact_countries.contains(code)
            {
                contact_countries.push(code.clone());
            }
        }
    }
    // Proximity: consecutive words (not stop words) side by side in one field.
    let mut phrases = Vec::new();
    let mut pairs = 0;
    for pair in words.windows(2) {
        if is_stop(&pair[0].text) || is_stop(&pair[1].text) {
            continue;
        }
        pairs += 1;
        for field in [f.name, f.keywords, f.context, f.body] {
            phrases.push(
                pair.iter()
                    .map(|w| Term::from_field_text(field, &w.text))
                    .collect(),
            );
        }
    }
    for unit in &mut units {
        for v in &mut unit.variants {
            let field = v.terms[0].field();
            v.in_name = field == f.name || field == f.name_stem;
        }
    }
    Some(Plan {
        units,
        marks,
        contact_countries,
        phrases,
        pairs,
    })
}

fn single(field: Field, text: &str, quality: f32) -> Variant {
    Variant {
        terms: vec![Term::from_field_text(field, text)],
        quality,
        in_name: false,
    }
}

fn synonym_variants(
    f: &Fields,
    entry: &[(String, Vec<String>)],
    marks: &mut Marks,
) -> Vec<Variant> {
    let mut out = Vec::new();
    for (word, _) in entry {
        marks.words.insert(word.clone());
    }
    for (field, weight) in [
        (f.name, W_NAME),
        (f.keywords, W_KEYWORDS),
        (f.context, W_CONTEXT),
        (f.body, W_BODY),
    ] {
        out.push(Variant {
            terms: entry
                .iter()
                .map(|(w, _)| Term::from_field_text(field, w))
                .collect(),
            quality: weight * Q_SYNONYM,
            in_name: false,
        });
    }
    if let [(_, stems)] = entry {
        for stem in stems {
            marks.stems.insert(stem.clone());
            for (field, weight) in [(f.name_stem, W_NAME), (f.body_stem, W_BODY)] {
                out.push(single(field, stem, weight * Q_SYNONYM * Q_STEM));
            }
        }
    }
    out
}

/// The folded fields searched for typos and prefixes, with their weights.
fn expandable(f: &Fields) -> [(Field, f32); 4] {
    [
        (f.name, W_NAME),
        (f.keywords, W_KEYWORDS),
        (f.context, W_CONTEXT),
        (f.body, W_BODY),
    ]
}

type Expansion = Vec<(Field, f32)>;

/// Index terms within `distance` typos of `word` (not `word` itself), closest and most
/// frequent first, with the fields holding them.
fn fuzzy_terms(
    searcher: &Searcher,
    f: &Fields,
    word: &str,
    distance: u8,
) -> Vec<(String, u8, Expansion)> {
    let mut found: HashMap<String, (u8, u32, Expansion)> = HashMap::new();
    // The automaton depends on the word only: build it once for every field.
    let query = FuzzyTermQuery::new(Term::from_field_text(f.name, word), distance, true);
    let Ok(automaton) = query.automaton() else {
        return Vec::new();
    };
    for (field, weight) in expandable(f) {
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term == word || term.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let df = stream.value().doc_freq;
                let entry = found
                    .entry(term.to_string())
                    .or_insert_with(|| (edit_distance(word, term), 0, Vec::new()));
                entry.1 += df;
                if !entry.2.iter().any(|(f, _)| *f == field) {
                    entry.2.push((field, weight));
                }
            }
        }
    }
    let mut list: Vec<(String, u8, u32, Expansion)> = found
        .into_iter()
        .filter(|(_, (d, _, _))| *d <= distance)
        .map(|(t, (d, df, fields))| (t, d, df, fields))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    list.truncate(MAX_FUZZY_TERMS);
    list.into_iter()
        .map(|(t, d, _, fields)| (t, d, fields))
        .collect()
}

/// Index terms of `fields` that start with `prefix` (not `prefix` itself), most frequent
/// first.
fn prefix_terms(
    searcher: &Searcher,
    fields: impl IntoIterator<Item = (Field, f32)>,
    prefix: &str,
) -> Vec<(String, Expansion)> {
    let mut found: HashMap<String, (u32, Expansion)> = HashMap::new();
    for (field, weight) in fields {
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream()
            else {
                continue;
            };
            let mut seen = 0;
            while stream.advance() && seen < 256 {
                let key = stream.key();
                if !key.starts_with(prefix.as_bytes()) {
                    break;
                }
                seen += 1;
                if key.len() == prefix.len() {
                    continue;
                }
                let Ok(term) = std::str::from_utf8(key) else {
                    continue;
                };
                let entry = found.entry(term.to_string()).or_default();
                entry.0 += stream.value().doc_freq;
                if !entry.1.iter().any(|(f, _)| *f == field) {
                    entry.1.push((field, weight));
                }
            }
        }
    }
    let mut list: Vec<(String, u32, Expansion)> = found
        .into_iter()
        .map(|(t, (df, fields))| (t, df, fields))
        .collect();
    list.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
    list.truncate(MAX_PREFIX_TERMS);
    list.into_iter().map(|(t, _, fields)| (t, fields)).collect()
}

/// Optimal string alignment distance (a transposition counts as one typo), on characters.
pub fn edit_distance(a: &str, b: &str) -> u8 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m].min(255) as u8
}

/// Re-score tantivy's candidates: coverage of the query's units, match quality, BM25 as a
/// tie-breaker, and the contact boost.
fn rescore(
    searcher: &Searcher,
    f: &Fields,
    plan: &Plan,
    candidates: &[(f32, DocAddress)],
) -> Vec<(f32, DocAddress)> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let n_units = plan.units.len();
    let mut best = vec![0f32; candidates.len() * n_units];
    let mut contact_boost = vec![false; candidates.len()];
    let mut in_name = vec![false; candidates.len() * n_units];
    let mut name_len = vec![0u32; candidates.len()];
    let mut proximity = vec![0usize; candidates.len()];
    let mut page = vec![false; candidates.len()];
    let mut segments: Vec<u32> = candidates.iter().map(|(_, a)| a.segment_ord).collect();
    segments.sort_unstable();
    segments.dedup();
    for ord in segments {
        let segment = searcher.segment_reader(ord);
        let mut in_segment: Vec<(DocId, usize)> = candidates
            .iter()
            .enumerate()
            .filter(|(_, (_, a))| a.segment_ord == ord)
            .map(|(i, (_, a))| (a.doc_id, i))
            .collect();
        in_segment.sort_unstable();
        let mut readers: HashMap<Field, Arc<InvertedIndexReader>> = HashMap::new();
        let mut present = |terms: &[Term]| -> Vec<usize> {
            let mut postings = Vec::with_capacity(terms.len());
            for term in terms {
                let field = term.field();
                let reader = match readers.get(&field) {
                    Some(r) => r.clone(),
                    None => match segment.inverted_index(field) {
                        Ok(r) => {
                            readers.insert(field, r.clone());
                            r
                        }
                        Err(_) => return Vec::new(),
                    },
                };
                match reader.read_postings(term, IndexRecordOption::Basic) {
                    Ok(Some(p)) => postings.push(p),
                    _ => return Vec::new(),
                }
            }
            let mut out = Vec::new();
            'docs: for &(doc, i) in &in_segment {
                for p in postings.iter_mut() {
                    let at = if p.doc() < doc { p.seek(doc) } else { p.doc() };
                    if at == TERMINATED {
                        break 'docs;
                    }
                    if at != doc {
                        continue 'docs;
                    }
                }
                out.push(i);
            }
            out
        };
        for (u, unit) in plan.units.iter().enumerate() {
            for v in &unit.variants {
                for i in present(&v.terms) {
                    let slot = &mut best[i * n_units + u];
                    *slot = slot.max(v.quality);
                    if v.in_name {
                        in_name[i * n_units + u] = true;
                    }
                }
            }
        }
        for i in present(&[Term::from_field_text(f.kind, "page")]) {
            page[i] = true;
        }
        if let Ok(norms) = segment.get_fieldnorms_reader(f.name) {
            for &(doc, i) in &in_segment {
                name_len[i] = norms.fieldnorm(doc);
            }
        }
        let mut matched_pairs: Vec<HashSet<usize>> = vec![HashSet::new(); candidates.len()];
        for (k, phrase) in plan.phrases.iter().enumerate() {
            let weight = PhraseQuery::new(phrase.clone())
                .weight(EnableScoring::disabled_from_searcher(searcher));
            let Ok(mut scorer) = weight.and_then(|w| w.scorer(segment, 1.0)) else {
                continue;
            };
            for &(doc, i) in &in_segment {
                let at = if scorer.doc() < doc {
                    scorer.seek(doc)
                } else {
                    scorer.doc()
                };
                if at == TERMINATED {
                    break;
                }
                if at == doc {
                    // Four fields per pair: count each pair once.
                    matched_pairs[i].insert(k / 4);
                }
            }
        }
        for (i, set) in matched_pairs.iter().enumerate() {
            proximity[i] += set.len();
        }
        if !plan.contact_countries.is_empty() {
            let contacts: HashSet<usize> = present(&[Term::from_field_text(f.kind, "contact")])
                .into_iter()
                .collect();
            for code in &plan.contact_countries {
                for i in present(&[Term::from_field_text(f.country, code)]) {
                    if contacts.contains(&i) {
                        contact_boost[i] = true;
                    }
                }
            }
        }
    }
    let total_weight: f32 = plan.units.iter().map(|u| u.weight).sum::<f32>().max(1e-6);
    let max_bm25 = candidates
        .iter()
        .map(|(s, _)| *s)
        .fold(0f32, f32::max)
        .max(1e-6);
    candidates
        .iter()
        .enumerate()
        .map(|(i, &(bm25, address))| {
            let mut covered = 0.0;
            let mut quality = 0.0;
            let mut named = 0;
            for (u, unit) in plan.units.iter().enumerate() {
                let q = best[i * n_units + u];
                if q > 0.0 {
                    covered += unit.weight;
                    quality += unit.weight * q;
                }
                if in_name[i * n_units + u] {
                    named += 1;
                }
            }
            let mut score =
                4.0 * covered / total_weight + quality / total_weight + 0.5 * bm25 / max_bm25;
            // Exactness: how much of the document's name the query covers.
            if name_len[i] > 0 {
                score += 0.5 * (named as f32 / name_len[i] as f32).min(1.0);
            }
            if plan.pairs > 0 {
                score += 0.8 * proximity[i] as f32 / plan.pairs as f32;
            }
            if page[i] {
                score += 0.1;
            }
            if contact_boost[i] {
                score += 1.5;
            }
            (score, address)
        })
        .collect()
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    marks: &Marks,
    an: &mut Analyzers,
    score: f32,
    address: DocAddress,
) -> Option<Hit> {
    let doc: TantivyDocument = searcher.doc(address).ok()?;
    let text = |field: Field| -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let kind = text(f.kind);
    let body = text(f.body);
    let phones: Vec<(String, Vec<String>)> = doc
        .get_all(f.phones)
        .filter_map(|v| v.as_str())
        .filter_map(|line| {
            let (raw, variants) = line.split_once('\t')?;
            Some((
                raw.to_string(),
                variants.split(' ').map(str::to_string).collect(),
            ))
        })
        .collect();
    let limit = if kind == "contact" {
        240
    } else {
        SNIPPET_CHARS
    };
    Some(Hit {
        title: text(f.title),
        url: text(f.url),
        kind,
        section: text(f.section),
        snippet: snippet(an, &body, marks, &phones, limit),
        score,
    })
}

/// A window of `text` around the best cluster of matches, HTML-escaped, matches in `<mark>`.
fn snippet(
    an: &mut Analyzers,
    text: &str,
    marks: &Marks,
    phones: &[(String, Vec<String>)],
    max_chars: usize,
) -> String {
    // Byte ranges to mark.
    let mut ranges: Vec<(usize, usize, String)> = Vec::new();
    for (raw, variants) in phones {
        if variants.iter().any(|v| marks.phones.contains(v)) {
            let mut from = 0;
            while let Some(at) = text[from..].find(raw.as_str()) {
                let start = from + at;
                ranges.push((start, start + raw.len(), raw.clone()));
                from = start + raw.len();
            }
        }
    }
    let stem_prefixes: Vec<&str> = marks
        .stems
        .iter()
        .map(|s| &s[..s.char_indices().nth(3).map_or(s.len(), |(i, _)| i)])
        .collect();
    let mut stemmed: HashMap<String, bool> = HashMap::new();
    for word in an.words(text) {
        if ranges
            .iter()
            .any(|(a, b, _)| word.from < *b && word.to > *a)
        {
            continue;
        }
        let hit = marks.words.contains(&word.text)
            || (stem_prefixes.iter().any(|p| word.text.starts_with(p))
                && *stemmed.entry(word.text.clone()).or_insert_with(|| {
                    an.stems(&word.text).iter().any(|s| marks.stems.contains(s))
                }));
        if hit {
            ranges.push((word.from, word.to, word.text));
        }
    }
    ranges.sort_by_key(|r| r.0);

    // Pick the window (in bytes) holding the most distinct matches.
    let max_bytes = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| i);
    let (mut start, mut end) = (0, text.len());
    if text.len() > max_bytes {
        let mut best = (0usize, 0usize);
        for (k, r) in ranges.iter().enumerate() {
            let from = r.0.saturating_sub(40);
            let distinct: HashSet<&str> = ranges[k..]
                .iter()
                .take_while(|x| x.1 <= from + max_bytes)
                .map(|x| x.2.as_str())
                .collect();
            if distinct.len() > best.0 {
                best = (distinct.len(), from);
            }
        }
        start = best.1;
        // Start on a word boundary.
        if start > 0 {
            start = text[..start]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
        }
        end = (start + max_bytes).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end < text.len()
            && let Some(space) = text[start..end].rfind(char::is_whitespace)
            && space > 0
        {
            end = start + space;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for (a, b, _) in ranges.iter().filter(|r| r.0 >= start && r.1 <= end) {
        if *a < at {
            continue;
        }
        escape_html_into(&mut out, &text[at..*a]);
        out.push_str("<mark>");
        escape_html_into(&mut out, &text[*a..*b]);
        out.push_str("</mark>");
        at = *b;
    }
    escape_html_into(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("manager", "manager"), 0);
        assert_eq!(edit_distance("manger", "manager"), 1);
        assert_eq!(edit_distance("mnaager", "manager"), 1);
        assert_eq!(edit_distance("enginer", "engineer"), 1);
        assert_eq!(edit_distance("ab", "xyz"), 3);
    }

    #[test]
    fn snippet_marks_words_stems_and_phones_and_escapes_the_rest() {
        let mut an = Analyzers::default();
        let mut marks = Marks::default();
        marks.words.insert("brazil".into());
        marks.stems.insert("invoic".into());
        marks.phones.insert("08008873333".into());
        let phones = vec![("0800-887-3333".to_string(), vec!["08008873333".to_string()])];
        let s = snippet(
            &mut an,
            "Brazil <b> · Toll-free: 0800-887-3333 & invoices",
            &marks,
            &phones,
            200,
        );
        assert_eq!(
            s,
            "<mark>Brazil</mark> &lt;b&gt; · Toll-free: <mark>0800-887-3333</mark> &amp; <mark>invoices</mark>"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_matches() {
        let mut an = Analyzers::default();
        let mut marks = Marks::default();
        marks.words.insert("needle".into());
        let text = format!("{} needle {}", "hay ".repeat(200), "straw ".repeat(200));
        let s = snippet(&mut an, &text, &marks, &[], 100);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>needle</mark>"), "{s}");
        let visible = s.replace("<mark>", "").replace("</mark>", "");
        assert!(visible.chars().count() <= 102, "{s}");
    }
}

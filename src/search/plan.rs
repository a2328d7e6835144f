//! Query planning: the user's text cut into *units* (a word or a phone number), each with the
//! *variants* it can match (exact word, stems, synonyms, typos, prefixes) and their weights,
//! plus what snippets highlight, adjacent pairs for proximity and the contact countries.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::Term;
use tantivy::schema::Field;

use super::documents::{COUNTRY_CODES, country_names};
use super::expand::{expandable, fuzzy_terms, prefix_terms};
use super::query_words::{is_contact_need, is_generic_contact, is_stop};
use super::schema::Fields;
use super::snippet::Marks;
use super::tokenizers::{Analyzers, Word, digit_runs};

/// Longest query text looked at, in bytes; the rest is ignored.
const MAX_QUERY_BYTES: usize = 512;
/// Most words looked at.
const MAX_WORDS: usize = 16;
/// Documents holding a word for it to be taken as spelled right (no typo variants).
const KNOWN_WORD_DOCS: u64 = 2;

// Where a word matched.
pub(super) const W_NAME: f32 = 3.0;
pub(super) const W_KEYWORDS: f32 = 2.6;
pub(super) const W_CONTEXT: f32 = 1.3;
pub(super) const W_BODY: f32 = 1.0;
const W_PHONE: f32 = 4.0;
// How it matched.
const Q_EXACT: f32 = 1.0;
const Q_STEM: f32 = 0.9;
const Q_SYNONYM: f32 = 0.85;
const Q_PREFIX: f32 = 0.75;
const Q_TYPO_1: f32 = 0.6;
const Q_TYPO_2: f32 = 0.45;

/// One entry of a synonym group: its folded words, each with its stems.
type Entry = Vec<(String, Vec<String>)>;

/// What a query needs that is computed once per index: folded synonyms and country names.
#[derive(Clone)]
pub struct Prepared {
    pub(super) analyzers: Analyzers,
    /// Synonym groups; each entry is its folded words with their stems.
    groups: Vec<Vec<Entry>>,
    /// Folded country names as word sequences, with their lowercase ISO code.
    countries: Vec<(Vec<String>, String)>,
}

impl Prepared {
    /// For a language with these synonym groups.
    pub fn new(synonyms: &[Vec<String>]) -> Prepared {
        let mut analyzers = Analyzers::default();
        let groups = synonyms
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
pub(super) struct Variant {
    pub(super) terms: Vec<Term>,
    /// Field weight × match quality.
    pub(super) quality: f32,
    /// Whether the terms are in the `name` field (for exactness).
    pub(super) in_name: bool,
    /// Its boost in retrieval; 0 leaves it out (an exact word whose stems are searched, since
    /// every document holding the word holds its stems, which carry the exact word's boost).
    pub(super) retrieval: f32,
}

/// A query word or phone number, and the ways it can match.
#[derive(Debug, Clone, Default)]
pub(super) struct Unit {
    /// Importance (rarer words count more).
    pub(super) weight: f32,
    /// A stop word among other words: it helps retrieval but a document lacking it loses
    /// nothing ("estado de mi pedido" against "el estado de su pedido").
    pub(super) stop: bool,
    pub(super) variants: Vec<Variant>,
}

/// A planned query: its units and what ranking and snippets need besides.
pub(super) struct Plan {
    pub(super) units: Vec<Unit>,
    pub(super) marks: Marks,
    /// Lowercase ISO codes of the countries the query names, when it also names a contact need.
    pub(super) contact_countries: Vec<String>,
    /// Lowercase ISO codes of the countries the query names when it names nothing else (but
    /// contact needs and stop words): "brasil", "chile phone". Their primary contact rows
    /// come first.
    pub(super) only_countries: Vec<String>,
    /// Adjacent query words, as phrases per field: a document holding one earns proximity.
    pub(super) phrases: Vec<Vec<Term>>,
    /// How many adjacent pairs of words the query has.
    pub(super) pairs: usize,
}

/// Cut the query into units and variants; `None` when it has no word and no number, an error
/// only when the index cannot be read.
pub(super) fn plan(
    searcher: &Searcher,
    f: &Fields,
    prepared: &Prepared,
    an: &mut Analyzers,
    text: &str,
) -> tantivy::Result<Option<Plan>> {
    let text = &text[..text.floor_char_boundary(MAX_QUERY_BYTES)];
    let runs = digit_runs(text);
    // Words are read from the text without its phone numbers.
    let mut rest = text.to_string();
    for run in &runs {
        rest.replace_range(run.from..run.to, &" ".repeat(run.to - run.from));
    }
    let mut words: Vec<Word> = an.words(&rest);
    words.truncate(MAX_WORDS);
    if words.is_empty() && runs.is_empty() {
        return Ok(None);
    }
    let typing_last = !text.ends_with(char::is_whitespace);
    let all_stop = words.iter().all(|w| is_stop(&w.text));
    let n_docs = searcher.num_docs().max(1) as f32;
    let max_idf = (1.0 + (n_docs + 0.5) / 0.5).ln();
    let mut marks = Marks::default();
    let mut units: Vec<Unit> = Vec::new();
    let stems: Vec<Vec<String>> = words.iter().map(|w| an.stems(&w.text)).collect();
    let mut doc_freqs = DocFreqs {
        searcher,
        known: HashMap::new(),
    };

    for (i, word) in words.iter().enumerate() {
        let w = word.text.as_str();
        let stop = is_stop(w) && !all_stop;
        let mut unit = Unit::default();
        if !stop {
            marks.words.insert(w.to_string());
        }
        let mut held_by = 0;
        for (field, weight) in [
            (f.name, W_NAME),
            (f.keywords, W_KEYWORDS),
            (f.context, W_CONTEXT),
            (f.body, W_BODY),
        ] {
            let mut exact = single(field, w, weight * Q_EXACT);
            if field != f.keywords && !stems[i].is_empty() {
                exact.retrieval = 0.0;
            }
            held_by = held_by.max(doc_freqs.of(&exact.terms[0])?);
            unit.variants.push(exact);
        }
        let stem_fields = [
            (f.name_stem, W_NAME),
            (f.context_stem, W_CONTEXT),
            (f.body_stem, W_BODY),
        ];
        // Retrieval searches one stem per field, the one most documents hold: the stems of
        // a word are mostly held by the same documents, and rescoring checks them all.
        let mut widest = [0usize; 3];
        if stems[i].len() > 1 {
            for (k, (field, _)) in stem_fields.iter().enumerate() {
                let mut most = 0;
                for (s, stem) in stems[i].iter().enumerate() {
                    let df = doc_freqs.of(&Term::from_field_text(*field, stem))?;
                    if df > most {
                        (most, widest[k]) = (df, s);
                    }
                }
            }
        }
        for (s, stem) in stems[i].iter().enumerate() {
            if !stop {
                marks.stems.insert(stem.clone());
            }
            for (k, (field, weight)) in stem_fields.into_iter().enumerate() {
                let mut variant = single(field, stem, weight * Q_STEM);
                variant.retrieval = if s == widest[k] {
                    weight * (Q_STEM + Q_EXACT)
                } else {
                    0.0
                };
                unit.variants.push(variant);
            }
        }
        let chars = w.chars().count();
        let alphabetic = w.chars().all(char::is_alphabetic);
        // A word the index holds is taken as spelled right, as Lucene's spell checker does
        // by default: looking for its typos costs a fifth of a query and finds other words.
        if !stop && alphabetic && held_by < KNOWN_WORD_DOCS {
            let distance = match chars {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            if distance > 0 {
                for (term, d, found_in) in fuzzy_terms(searcher, f, w, distance)? {
                    let q = if d == 1 { Q_TYPO_1 } else { Q_TYPO_2 };
                    for (field, weight) in found_in {
                        unit.variants.push(single(field, &term, weight * q));
                    }
                    marks.words.insert(term);
                }
            }
        }
        if i + 1 == words.len() && typing_last && chars >= 2 && !(stop && chars < 3) {
            for (term, found_in) in prefix_terms(searcher, expandable(f), w)? {
                let completeness = chars as f32 / term.chars().count() as f32;
                let q = Q_PREFIX * (0.7 + 0.3 * completeness);
                for (field, weight) in found_in {
                    unit.variants.push(single(field, &term, weight * q));
                }
                marks.words.insert(term);
            }
        }
        // Importance from the commonest form the word takes in the index (its most held stem,
        // say): a word is only as rare as the documents that match it.
        let mut df = 0;
        for v in unit.variants.iter().filter(|v| v.terms.len() == 1) {
            df = df.max(doc_freqs.of(&v.terms[0])?);
        }
        let df = df as f32;
        let idf = (1.0 + (n_docs - df + 0.5).max(0.0) / (df + 0.5)).ln();
        unit.stop = stop;
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
            ..Default::default()
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
            for (term, found_in) in prefix_terms(searcher, phones, whole)? {
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
    let wants_contact = !runs.is_empty() || folded.iter().any(|w| is_contact_need(w));
    // Every country the query names, and which of its words name one.
    let mut covered = vec![false; folded.len()];
    let mut only_countries: Vec<String> = Vec::new();
    for (name, code) in &prepared.countries {
        if name.is_empty() || name.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - name.len() {
            let words = &folded[start..start + name.len()];
            if words.iter().zip(name).all(|(a, b)| a == b) {
                covered[start..start + name.len()].fill(true);
                if !only_countries.contains(code) {
                    only_countries.push(code.clone());
                }
            }
        }
    }
    let contact_countries = if wants_contact {
        only_countries.clone()
    } else {
        Vec::new()
    };
    // Only countries (and contact needs): the primary table's rows for them come first.
    let only_countries = if runs.is_empty()
        && folded
            .iter()
            .zip(&covered)
            .all(|(w, &c)| c || is_generic_contact(w) || is_stop(w))
    {
        only_countries
    } else {
        Vec::new()
    };
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
    Ok(Some(Plan {
        units,
        marks,
        contact_countries,
        only_countries,
        phrases,
        pairs,
    }))
}

/// Document frequencies looked up once per query: the exact word, the choice of stem and the
/// word's importance each need some of them.
struct DocFreqs<'s> {
    searcher: &'s Searcher,
    known: HashMap<Term, u64>,
}

impl DocFreqs<'_> {
    fn of(&mut self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&df) = self.known.get(term) {
            return Ok(df);
        }
        let df = self.searcher.doc_freq(term)?;
        self.known.insert(term.clone(), df);
        Ok(df)
    }
}

pub(super) fn single(field: Field, text: &str, quality: f32) -> Variant {
    Variant {
        terms: vec![Term::from_field_text(field, text)],
        quality,
        in_name: false,
        retrieval: quality,
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
            retrieval: weight * Q_SYNONYM,
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

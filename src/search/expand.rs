//! Expansions of a query word into real index terms: within its typo budget, and (last word)
//! the terms it is a prefix of.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::plan::{W_BODY, W_CONTEXT, W_KEYWORDS, W_NAME};
use super::schema::Fields;

/// Most index terms a word expands to through typos, and through a prefix.
const MAX_FUZZY_TERMS: usize = 8;
const MAX_PREFIX_TERMS: usize = 12;

/// The folded fields searched for typos and prefixes, with their weights.
pub(super) fn expandable(f: &Fields) -> [(Field, f32); 4] {
    [
        (f.name, W_NAME),
        (f.keywords, W_KEYWORDS),
        (f.context, W_CONTEXT),
        (f.body, W_BODY),
    ]
}

pub(super) type Expansion = Vec<(Field, f32)>;

/// Index terms within `distance` typos of `word` (not `word` itself), closest and most
/// frequent first, with the fields holding them.
pub(super) fn fuzzy_terms(
    searcher: &Searcher,
    f: &Fields,
    word: &str,
    distance: u8,
) -> tantivy::Result<Vec<(String, u8, Expansion)>> {
    let mut found: HashMap<String, (u8, u32, Expansion)> = HashMap::new();
    // The automaton depends on the word only: build it once for every field.
    let query = FuzzyTermQuery::new(Term::from_field_text(f.name, word), distance, true);
    let automaton = query.automaton()?;
    for (field, weight) in expandable(f) {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
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
    Ok(list
        .into_iter()
        .map(|(t, d, _, fields)| (t, d, fields))
        .collect())
}

/// Index terms of `fields` that start with `prefix` (not `prefix` itself), most frequent
/// first.
pub(super) fn prefix_terms(
    searcher: &Searcher,
    fields: impl IntoIterator<Item = (Field, f32)>,
    prefix: &str,
) -> tantivy::Result<Vec<(String, Expansion)>> {
    let mut found: HashMap<String, (u32, Expansion)> = HashMap::new();
    for (field, weight) in fields {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
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
    Ok(list.into_iter().map(|(t, _, fields)| (t, fields)).collect())
}

/// Typos between `a` and `b`, a transposition counting as one, at most 255.
pub fn edit_distance(a: &str, b: &str) -> u8 {
    crate::text::typos(a, b).min(255) as u8
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
}

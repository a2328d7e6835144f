//! Synonym lines for queries that found nothing: a query word the index does not have, near
//! (in typos) a word it has, and the query with that word instead finds something. The line
//! to add to `content/synonyms.yaml` makes the two mean the same.

use serde::Serialize;

use crate::search::Search;

/// Near words tried per query word, closest and most frequent first.
const CANDIDATES: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The word readers typed.
    pub word: String,
    /// The word of the site it is near.
    pub existing: String,
    /// Where the line goes: `content/synonyms.yaml`, or `content/synonyms.LANG.yaml`.
    pub file: String,
    /// The line to add: `- [pasward, password]`.
    pub line: String,
    /// What the query finds with the site's word instead (checked against the built index).
    pub hits: usize,
}

/// A suggestion for `query` (normalized, zero results) searched in `lang`, checked against
/// the built index: `None` when no near word would make it find anything.
pub fn suggest(search: &Search, lang: &str, query: &str) -> Option<Suggestion> {
    let lang_known = search.languages().any(|l| l == lang);
    let lang = lang_known.then_some(lang)?;
    let text = query.replace("[email]", " ");
    let words = Search::folded_words(&text);
    for (i, word) in words.iter().enumerate() {
        // Shorter words are mostly acronyms (vpn, sla), too near too many others.
        let chars = word.chars().count();
        if chars < 4 || !word.chars().all(char::is_alphabetic) {
            continue;
        }
        if search.has_term(word, Some(lang)).unwrap_or(true) {
            continue;
        }
        // The search forgives one typo from 5 letters: two are left to suggest, from 6.
        let distance = match chars {
            4 => 1,
            5 => continue,
            _ => 2,
        };
        let Ok(near) = search.near_terms(word, distance, Some(lang)) else {
            continue;
        };
        let near = near.into_iter().filter(|(t, _)| t.chars().count() >= 4);
        for (existing, _) in near.take(CANDIDATES) {
            let mut replaced = words.clone();
            replaced[i] = existing.clone();
            let hits = search
                .query_in(&replaced.join(" "), 1, Some(lang))
                .map_or(0, |r| r.total);
            if hits > 0 {
                let file = if lang == search.language() {
                    "content/synonyms.yaml".to_string()
                } else {
                    format!("content/synonyms.{lang}.yaml")
                };
                return Some(Suggestion {
                    line: format!("- [{word}, {existing}]"),
                    word: word.clone(),
                    existing,
                    file,
                    hits,
                });
            }
        }
    }
    None
}

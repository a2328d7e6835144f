//! Hits and their snippets: a window of the body around the best cluster of matches,
//! HTML-escaped, matched words and phone numbers in `<mark>`.
//!
//! Offsets into the body are bytes; every cut goes through [`str::floor_char_boundary`] so
//! no text, however accented, can make a slice fall inside a character.

use std::collections::{HashMap, HashSet};

use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Hit;
use super::schema::Fields;
use super::tokenizers::Analyzers;
use crate::text::escape_html_into;

/// Snippet length in characters.
const SNIPPET_CHARS: usize = 200;

/// What snippets highlight: folded words, stems, and phone digit strings.
#[derive(Debug, Default)]
pub struct Marks {
    pub words: HashSet<String>,
    pub stems: HashSet<String>,
    pub phones: HashSet<String>,
}

pub(super) fn hit(
    searcher: &Searcher,
    f: &Fields,
    marks: &Marks,
    an: &mut Analyzers,
    score: f32,
    address: DocAddress,
) -> tantivy::Result<Hit> {
    let doc: TantivyDocument = searcher.doc(address)?;
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
    Ok(Hit {
        title: text(f.title),
        url: text(f.url),
        kind,
        section: text(f.section),
        snippet: snippet(an, &body, marks, &phones, limit),
        score,
    })
}

/// A window of `text` around the best cluster of matches, HTML-escaped, matches in `<mark>`.
pub fn snippet(
    an: &mut Analyzers,
    text: &str,
    marks: &Marks,
    phones: &[(String, Vec<String>)],
    max_chars: usize,
) -> String {
    // Byte ranges to mark.
    let mut ranges: Vec<(usize, usize, String)> = Vec::new();
    for (raw, variants) in phones {
        // An empty `raw` would be found at every offset, forever.
        if !raw.is_empty() && variants.iter().any(|v| marks.phones.contains(v)) {
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
        // The window starts 40 bytes before a match, which may fall inside a character.
        start = text.floor_char_boundary(best.1);
        // Start on a word boundary (after the whitespace, which may be wider than a byte).
        if start > 0 {
            start = text[..start]
                .char_indices()
                .rfind(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
        }
        end = text.floor_char_boundary(start + max_bytes);
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

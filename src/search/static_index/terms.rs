//! The static index's words: folded as the browser folds a query, light-stemmed, weighted by
//! where in a document they stand.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::search::documents::SearchDoc;

/// A document and a term's weight in it, in one `u32`: the document above [`WEIGHT_BITS`]
/// bits of weight, so that a list sorts in document order. Half the memory of a pair: the
/// postings are most of what the static index holds while it is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Posting(u32);

/// Weights are at most 20 ([`doc_terms`]' caps).
const WEIGHT_BITS: u32 = 5;

impl Posting {
    pub(super) fn new(doc: u32, weight: u32) -> Posting {
        debug_assert!(
            doc < 1 << (32 - WEIGHT_BITS),
            "134 million documents at most"
        );
        Posting(doc << WEIGHT_BITS | weight.min((1 << WEIGHT_BITS) - 1))
    }

    pub(super) fn doc(self) -> u32 {
        self.0 >> WEIGHT_BITS
    }

    pub(super) fn weight(self) -> u32 {
        self.0 & ((1 << WEIGHT_BITS) - 1)
    }

    /// The same weight, `offset` documents later.
    pub(super) fn shifted(self, offset: u32) -> Posting {
        Posting::new(self.doc() + offset, self.weight())
    }
}

/// Term → its postings, in document order, for every document. Weights are small integers: a word in the
/// title or name counts most, then keywords, context and body; a phone number of the row's own
/// country counts like a name.
pub(super) fn postings(docs: &[&SearchDoc]) -> HashMap<String, Vec<Posting>> {
    // Each thread fills its own map as it goes (holding every document's terms at once cost
    // about 100 MB on 10,000 pages); the maps are merged and each list put in document order.
    let mut postings = docs
        .par_iter()
        .enumerate()
        .fold(
            HashMap::<String, Vec<Posting>>::default,
            |mut postings, (doc, d)| {
                doc_terms(d, |term, weight| {
                    let posting = Posting::new(doc as u32, weight);
                    // Look up before allocating: most terms are in the map already.
                    match postings.get_mut(term) {
                        Some(list) => list.push(posting),
                        None => {
                            postings.insert(term.to_string(), vec![posting]);
                        }
                    }
                });
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

/// Each term of `doc` once, with its weight in the document: what [`postings`] records.
pub(super) fn doc_terms(doc: &SearchDoc, mut take: impl FnMut(&str, u32)) {
    // Folded once up front, so that the terms borrow from these texts and no term is copied
    // until it is new to the postings.
    let texts: Vec<(String, u32, u32)> = [(&doc.title, 10, 20), (&doc.name, 10, 20)]
        .into_iter()
        .chain(doc.keywords.iter().map(|k| (k, 6, 20)))
        .chain([(&doc.context, 2, 6), (&doc.body, 1, 4)])
        .map(|(text, weight, cap)| (fold(text), weight, cap))
        .collect();
    let countries: Vec<String> = doc.countries.iter().map(|c| fold(c)).collect();
    // Sized for a word in eight bytes of text: growing the map from empty, word by word, was
    // a tenth of the static index's time.
    let bytes: usize = texts.iter().map(|(text, _, _)| text.len()).sum();
    let mut terms: HashMap<&str, u32> =
        HashMap::with_capacity_and_hasher(bytes / 8 + doc.phones.len() * 4, Default::default());
    for (text, weight, cap) in &texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            for term in [light_stem(word), Some(word)].into_iter().flatten() {
                let w = terms.entry(term).or_insert(0);
                *w = (*w + weight).min((*cap).max(*w));
            }
        }
    }
    for phone in &doc.phones {
        let weight = if phone.home { 20 } else { 8 };
        for variant in &phone.variants {
            let w = terms.entry(variant).or_default();
            *w = (*w).max(weight);
        }
    }
    for country in &countries {
        let w = terms.entry(country).or_default();
        *w = (*w).max(6);
    }
    if doc.primary {
        terms.insert(crate::search::documents::PRIMARY_TERM, 1);
    }
    for (term, weight) in terms {
        take(term, weight);
    }
}

/// Every folded word of every country name the search knows.
pub(super) fn country_words() -> Vec<String> {
    let mut out: Vec<String> = crate::search::documents::COUNTRY_CODES
        .iter()
        .flat_map(|c| crate::search::documents::country_names(c))
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
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
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
pub(super) fn light_stem(word: &str) -> Option<&str> {
    (word.len() > 4 && word.ends_with('s') && !word.ends_with("ss"))
        .then(|| &word[..word.len() - 1])
}

/// The part of a term that picks its shard: the first three characters.
pub(super) fn shard_key(term: &str) -> &str {
    match term.char_indices().nth(3) {
        Some((cut, _)) => &term[..cut],
        None => term,
    }
}

/// 32-bit FNV-1a over UTF-8 bytes; the browser computes the same.
pub(super) fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |hash, b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenizers::phone_variants;

    #[test]
    fn a_posting_keeps_its_document_and_weight_and_sorts_by_document() {
        let mut list = [
            Posting::new(7, 1),
            Posting::new(3, 20),
            Posting::new(100_000, 4),
        ];
        list.sort_unstable();
        let pairs: Vec<(u32, u32)> = list.iter().map(|p| (p.doc(), p.weight())).collect();
        assert_eq!(pairs, [(3, 20), (7, 1), (100_000, 4)]);
        assert_eq!(Posting::new(3, 20).shifted(10), Posting::new(13, 20));
    }

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
    fn phone_variants_are_terms() {
        let doc = SearchDoc {
            kind: "contact",
            title: "Brazil".into(),
            phones: vec![crate::search::documents::PhoneDoc {
                raw: "0800-887-3333".into(),
                variants: phone_variants("0800-887-3333", Some("+558008873333")),
                home: true,
            }],
            ..Default::default()
        };
        let mut terms = HashMap::default();
        doc_terms(&doc, |term, weight| {
            terms.insert(term.to_string(), weight);
        });
        for digits in ["08008873333", "8008873333", "3333", "558008873333"] {
            assert_eq!(terms.get(digits), Some(&20), "{digits}");
        }
        assert!(terms.contains_key("brazil"));
    }
}

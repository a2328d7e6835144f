//! Text analysis shared by indexing and querying: the same code folds, stems and reads phone
//! numbers on both sides, so a query term always looks like an indexed term.
//!
//! - [`FOLD`]: words split on anything not alphanumeric, lowercased, accents folded
//!   (`México` → `mexico`).
//! - [`STEM`]: [`FOLD`], then the English, Spanish and Portuguese stems of every word at the
//!   same position (a Help Center in Latin America mixes the three).
//! - [`DIGITS`]: whitespace-separated digit strings, for the phone variants built by
//!   [`phone_variants`].
//!
//! tantivy does not store custom tokenizers in the index: [`register`] runs on every open.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::text::digits;

use tantivy::Index;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    WhitespaceTokenizer,
};

use super::fold_tokenizer::{FoldTokenStream, FoldTokenizer};

pub const FOLD: &str = "hc_fold";
pub const STEM: &str = "hc_stem";
pub const DIGITS: &str = "hc_digits";

/// Languages whose stems are indexed, whatever the site's language.
const STEM_LANGUAGES: [Language; 3] = [Language::English, Language::Spanish, Language::Portuguese];

/// Register the analyzers under the names the schema uses.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(FOLD, fold_analyzer());
    manager.register(STEM, TextAnalyzer::from(MultiStemTokenizer::new()));
    manager.register(
        DIGITS,
        TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
    );
}

fn fold_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(FoldTokenizer::default())
}

fn stemmers() -> Vec<TextAnalyzer> {
    STEM_LANGUAGES
        .iter()
        .map(|&language| {
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(language))
                .build()
        })
        .collect()
}

/// A folded word and where it is in the original text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

/// The analyzers as plain functions, for query building and snippets.
#[derive(Clone)]
pub struct Analyzers {
    fold: FoldTokenizer,
    stemmers: Vec<TextAnalyzer>,
}

impl Default for Analyzers {
    fn default() -> Self {
        Analyzers {
            fold: FoldTokenizer::default(),
            stemmers: stemmers(),
        }
    }
}

impl Analyzers {
    /// The folded words of `text`, as the [`FOLD`] tokenizer indexes them.
    pub fn words(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let mut stream = self.fold.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            words.push(Word {
                text: token.text.clone(),
                from: token.offset_from,
                to: token.offset_to,
            });
        }
        words
    }

    /// The distinct stems of a folded word, as the [`STEM`] tokenizer indexes them.
    pub fn stems(&mut self, word: &str) -> Vec<String> {
        stem_all(&mut self.stemmers, word)
    }
}

fn stem_all(stemmers: &mut [TextAnalyzer], word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(stemmers.len());
    for stemmer in stemmers {
        let mut stream = stemmer.token_stream(word);
        if stream.advance() {
            let stem = &stream.token().text;
            if !stem.is_empty() && !out.iter().any(|s| s == stem) {
                out.push(stem.clone());
            }
        }
    }
    out
}

/// How many words' stems a [`MultiStemTokenizer`] remembers before starting over.
const STEM_CACHE_WORDS: usize = 100_000;

/// [`FOLD`] followed by the stems of every language in [`STEM_LANGUAGES`], at one position.
#[derive(Clone)]
pub struct MultiStemTokenizer {
    fold: FoldTokenizer,
    stemmers: Vec<TextAnalyzer>,
    cache: StemCache,
}

/// Stems of the words seen so far. A Help Center repeats a small vocabulary, and running
/// three Snowball stemmers on every word was a tenth of a 10,000-page build. The stems live
/// in one list so that a token stream can step through a word's stems by index.
#[derive(Clone, Default)]
struct StemCache {
    words: FxHashMap<String, Range<usize>>,
    stems: Vec<String>,
}

impl StemCache {
    /// Where the stems of `word` are in `self.stems`, stemming it on first sight.
    fn stems_of(&mut self, word: &str, stemmers: &mut [TextAnalyzer]) -> Range<usize> {
        if let Some(range) = self.words.get(word) {
            return range.clone();
        }
        if self.words.len() >= STEM_CACHE_WORDS {
            self.words.clear();
            self.stems.clear();
        }
        let start = self.stems.len();
        self.stems.extend(stem_all(stemmers, word));
        let range = start..self.stems.len();
        self.words.insert(word.to_string(), range.clone());
        range
    }
}

impl MultiStemTokenizer {
    pub fn new() -> Self {
        MultiStemTokenizer {
            fold: FoldTokenizer::default(),
            stemmers: stemmers(),
            cache: StemCache::default(),
        }
    }
}

impl Default for MultiStemTokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Tokenizer for MultiStemTokenizer {
    type TokenStream<'a> = MultiStemTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MultiStemTokenStream<'a> {
        MultiStemTokenStream {
            words: self.fold.token_stream(text),
            stemmers: &mut self.stemmers,
            cache: &mut self.cache,
            pending: 0..0,
            token: Token::default(),
        }
    }
}

/// Folds one word at a time and emits its stems, copying each into one reused token.
pub struct MultiStemTokenStream<'a> {
    words: FoldTokenStream<'a>,
    stemmers: &'a mut [TextAnalyzer],
    cache: &'a mut StemCache,
    /// The current word's stems not emitted yet, as indexes into the cache's list.
    pending: Range<usize>,
    token: Token,
}

impl TokenStream for MultiStemTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.pending.is_empty() {
            if !self.words.advance() {
                return false;
            }
            let word = self.words.token();
            self.pending = self.cache.stems_of(&word.text, self.stemmers);
            self.token.offset_from = word.offset_from;
            self.token.offset_to = word.offset_to;
            self.token.position = word.position;
            self.token.position_length = word.position_length;
        }
        self.token.text.clear();
        self.token
            .text
            .push_str(&self.cache.stems[self.pending.start]);
        self.pending.start += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The shortest digit string indexed or searched as a phone number.
pub const MIN_PHONE_DIGITS: usize = 4;

/// Every digit string a reader may type for one phone number: the digits as written, the
/// E.164 digits, the national number with and without the trunk prefix `0`, and the trailing
/// groups as written (`2288`, `39572288`, `1139572288`) down to [`MIN_PHONE_DIGITS`].
pub fn phone_variants(raw: &str, e164: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if s.len() >= MIN_PHONE_DIGITS && !out.contains(&s) {
            out.push(s);
        }
    };
    let all = digits(raw);
    push(all.trim_start_matches('0').to_string());
    push(all);
    let groups: Vec<&str> = raw
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    for start in (0..groups.len()).rev() {
        push(groups[start..].concat());
    }
    if let Some(e164) = e164 {
        push(digits(e164));
        if let Ok((number, _)) = crate::content::phone_metadata::parse(None, e164) {
            let national = number.national().value().to_string();
            push(format!("0{national}"));
            push(national);
        }
    }
    out
}

/// A run of digit groups in a query, joined (`(11) 3957-2288` → `1139572288`), with the
/// digit strings of its contiguous sub-runs and how much of the run each covers.
#[derive(Debug, Clone, PartialEq)]
pub struct DigitRun {
    /// Byte range of the run in the query.
    pub from: usize,
    pub to: usize,
    /// (digits, share of the run's digits) for the whole run and every sub-run of at least
    /// [`MIN_PHONE_DIGITS`] digits, whole run first.
    pub candidates: Vec<(String, f32)>,
}

/// Find phone-like runs in a query: digit groups separated only by spaces, `-`, `.`, `(`,
/// `)` or a leading `+`, holding at least [`MIN_PHONE_DIGITS`] digits in all.
pub fn digit_runs(query: &str) -> Vec<DigitRun> {
    let bytes = query.as_bytes();
    let is_sep = |b: u8| matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'+' | b'\t');
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A digit directly glued to letters ("4G", "a1b2") is part of a word.
        if i > 0 && (bytes[i - 1].is_ascii_alphabetic() || matches!(bytes[i - 1], b'/' | b':')) {
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut end;
        loop {
            let g = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            groups.push((g, i));
            end = i;
            let mut j = i;
            while j < bytes.len() && is_sep(bytes[j]) {
                j += 1;
            }
            if j > i && j < bytes.len() && bytes[j].is_ascii_digit() {
                i = j;
            } else {
                break;
            }
        }
        if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || matches!(bytes[i], b'/' | b':')) {
            // "3957abc", "24/7": not a number.
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let total: usize = groups.iter().map(|(a, b)| b - a).sum();
        // Several short groups ("10 365") are more likely figures than a number.
        let long_enough = if groups.len() == 1 {
            total >= MIN_PHONE_DIGITS
        } else {
            total >= 6
        };
        if long_enough {
            let mut candidates: Vec<(String, f32)> = Vec::new();
            let whole: String = groups.iter().map(|&(a, b)| &query[a..b]).collect();
            candidates.push((whole, 1.0));
            for a in 0..groups.len() {
                for b in (a + 1)..=groups.len() {
                    if a == 0 && b == groups.len() {
                        continue;
                    }
                    let s: String = groups[a..b].iter().map(|&(x, y)| &query[x..y]).collect();
                    if s.len() >= MIN_PHONE_DIGITS && !candidates.iter().any(|(c, _)| *c == s) {
                        let share = s.len() as f32 / total as f32;
                        candidates.push((s, share));
                    }
                }
            }
            // A leading "+" belongs to the run.
            let from = if start > 0 && bytes[start - 1] == b'+' {
                start - 1
            } else {
                start
            };
            runs.push(DigitRun {
                from,
                to: end,
                candidates,
            });
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        let mut a = Analyzers::default();
        let words: Vec<String> = a
            .words("México, Facturación & SÃO Paulo")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(words, ["mexico", "facturacion", "sao", "paulo"]);
    }

    #[test]
    fn stems_in_three_languages() {
        let mut a = Analyzers::default();
        assert!(a.stems("invoices").contains(&"invoic".to_string()));
        assert!(a.stems("facturas").contains(&"factur".to_string()));
        let stems = a.stems("numbers");
        assert!(stems.contains(&"number".to_string()), "{stems:?}");
    }

    #[test]
    fn multi_stem_tokenizer_emits_every_stem_at_one_position() {
        let mut t = MultiStemTokenizer::new();
        let mut stream = t.token_stream("Telefones numbers");
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push((stream.token().text.clone(), stream.token().position));
        }
        assert!(
            tokens.iter().any(|(t, p)| t == "telefon" && *p == 0),
            "{tokens:?}"
        );
        assert!(tokens.iter().all(|(_, p)| *p <= 1));
    }

    #[test]
    fn multi_stem_tokens_are_the_same_from_the_cache() {
        let mut t = MultiStemTokenizer::new();
        let mut run = |text: &str| {
            let mut stream = t.token_stream(text);
            let mut tokens = Vec::new();
            while stream.advance() {
                let k = stream.token();
                tokens.push((k.text.clone(), k.position, k.offset_from, k.offset_to));
            }
            tokens
        };
        let text = "Facturas, invoices & números";
        let first = run(text);
        assert_eq!(run(text), first);
        // Every stem of a word sits at the word's position and spans the word.
        assert_eq!(first[0], ("factura".to_string(), 0, 0, 8));
        assert!(
            first.contains(&("factur".to_string(), 0, 0, 8)),
            "{first:?}"
        );
        assert!(
            first.contains(&("invoic".to_string(), 1, 10, 18)),
            "{first:?}"
        );
        assert!(
            first.iter().any(|k| k.0 == "numer" && k.1 == 2),
            "{first:?}"
        );
    }

    #[test]
    fn phone_variants_cover_every_way_of_writing() {
        let v = phone_variants("+55-11-3957-2288", Some("+551139572288"));
        for want in [
            "551139572288",
            "1139572288",
            "01139572288",
            "39572288",
            "2288",
        ] {
            assert!(v.contains(&want.to_string()), "{want} in {v:?}");
        }
        let v = phone_variants("0800-887-3333", Some("+558008873333"));
        for want in [
            "08008873333",
            "8008873333",
            "3333",
            "8873333",
            "558008873333",
        ] {
            assert!(v.contains(&want.to_string()), "{want} in {v:?}");
        }
    }

    #[test]
    fn digit_runs_join_groups() {
        let runs = digit_runs("call (11) 3957-2288 or +55 11 3957 2288, 24/7");
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].candidates[0].0, "1139572288");
        assert_eq!(runs[1].candidates[0].0, "551139572288");
        assert!(runs[1].candidates.iter().any(|(c, _)| c == "39572288"));
        assert!(digit_runs("24/7 365 days").is_empty());
        assert!(digit_runs("4G 5G").is_empty());
        assert_eq!(
            digit_runs("0800 887 3333")[0].candidates[0].0,
            "08008873333"
        );
    }
}

//! The [`FOLD`](super::tokenizers::FOLD) analyzer in one pass: tantivy's `SimpleTokenizer`,
//! `RemoveLongFilter`, `LowerCaser` and `AsciiFoldingFilter`, token for token.
//!
//! Folding was a tenth of a build's instructions: every indexed text goes through it twice
//! (the folded field and the stemmed one), and the chain copies each word, then scans it
//! twice more to learn it is ASCII, which almost every word of a Help Center is. Here an
//! ASCII word is found, copied and lowercased in one scan; a word with other characters goes
//! through tantivy's own filters, so the two can never disagree.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words of this many bytes or more are dropped, as `RemoveLongFilter::limit(48)` drops them.
const LONGEST_WORD: usize = 48;

#[derive(Clone)]
pub struct FoldTokenizer {
    token: Token,
    /// Lowercases and folds a word that is not all ASCII.
    non_ascii: TextAnalyzer,
}

impl Default for FoldTokenizer {
    fn default() -> Self {
        FoldTokenizer {
            token: Token::default(),
            non_ascii: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }
}

impl Tokenizer for FoldTokenizer {
    type TokenStream<'a> = FoldTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldTokenStream<'a> {
        self.token.reset();
        FoldTokenStream {
            text,
            at: 0,
            token: &mut self.token,
            non_ascii: &mut self.non_ascii,
        }
    }
}

pub struct FoldTokenStream<'a> {
    text: &'a str,
    /// Where the next word is looked for (a byte offset on a character boundary).
    at: usize,
    token: &'a mut Token,
    non_ascii: &'a mut TextAnalyzer,
}

/// What a byte is to [`FoldTokenStream::next_word`]: a table lookup is half the instructions
/// of the range tests per byte, and every indexed text is scanned byte by byte.
const SEPARATOR: u8 = 0;
const ASCII_ALNUM: u8 = 1;
const NOT_ASCII: u8 = 2;
static CLASS: [u8; 256] = {
    let mut class = [SEPARATOR; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        class[b] = if !byte.is_ascii() {
            NOT_ASCII
        } else if byte.is_ascii_alphanumeric() {
            ASCII_ALNUM
        } else {
            SEPARATOR
        };
        b += 1;
    }
    class
};

impl FoldTokenStream<'_> {
    /// The next word's byte range and whether it is all ASCII, as `SimpleTokenizer` splits:
    /// a run of alphanumeric characters. Runs of ASCII are skipped in bulk.
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        let start = loop {
            i += bytes[i..]
                .iter()
                .position(|&b| CLASS[usize::from(b)] != SEPARATOR)?;
            if bytes[i].is_ascii() {
                break i;
            }
            let c = self.char_at(i);
            if c.is_alphanumeric() {
                break i;
            }
            i += c.len_utf8();
        };
        let mut ascii = true;
        loop {
            i += bytes[i..]
                .iter()
                .position(|&b| CLASS[usize::from(b)] != ASCII_ALNUM)
                .unwrap_or(bytes.len() - i);
            if i == bytes.len() || bytes[i].is_ascii() {
                break;
            }
            let c = self.char_at(i);
            if !c.is_alphanumeric() {
                break;
            }
            ascii = false;
            i += c.len_utf8();
        }
        self.at = i;
        Some((start, i, ascii))
    }

    /// The character at byte `i`, a character boundary before the end.
    fn char_at(&self, i: usize) -> char {
        self.text[i..].chars().next().expect("a character boundary")
    }
}

impl TokenStream for FoldTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            // Every word takes a position, a dropped one too, as in the filter chain.
            self.token.position = self.token.position.wrapping_add(1);
            let Some((from, to, ascii)) = self.next_word() else {
                self.token.text.clear();
                return false;
            };
            if to - from >= LONGEST_WORD {
                continue;
            }
            let word = &self.text[from..to];
            self.token.text.clear();
            if ascii {
                self.token.text.push_str(word);
                self.token.text.make_ascii_lowercase();
            } else {
                let mut folded = self.non_ascii.token_stream(word);
                folded.advance();
                self.token.text.push_str(&folded.token().text);
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};

    /// The filter chain this tokenizer replaces.
    fn chain() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST_WORD))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn folds_splits_and_drops_long_words_like_the_chain() {
        let mut fold = TextAnalyzer::from(FoldTokenizer::default());
        let long = "x".repeat(LONGEST_WORD);
        let text = format!("Facturación: SÃO Paulo, {long} e-mail ½ Ⅻ ǅemo");
        let got = tokens(&mut fold, &text);
        let words: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words[..5], ["facturacion", "sao", "paulo", "e", "mail"]);
        // The long word is gone but keeps its position.
        assert_eq!(got[3].position, 4);
        assert_eq!(got, tokens(&mut chain(), &text));
    }

    fn text() -> impl Strategy<Value = String> {
        // Words and separators of every kind a page has, and any character at all.
        let piece = prop_oneof![
            "[a-zA-Z0-9]{1,12}",
            "[ -/:-@\\[-`{-~]{1,3}",
            "[áéíóúñçãõÁÉÍÓÚÑÇÃÕüÜß]{1,3}",
            Just("x".repeat(LONGEST_WORD - 1)),
            Just("y".repeat(LONGEST_WORD)),
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn gives_the_tokens_of_the_chain(text in text()) {
            let mut fold = TextAnalyzer::from(FoldTokenizer::default());
            prop_assert_eq!(tokens(&mut fold, &text), tokens(&mut chain(), &text));
            // Reused, as tantivy reuses it for every text.
            prop_assert_eq!(tokens(&mut fold, &text), tokens(&mut chain(), &text));
        }
    }
}

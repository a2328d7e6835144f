//! Random Unicode (accents, combining marks, emoji, CJK, right-to-left text, zero-width
//! joiners, odd whitespace, mixed with ASCII, digits and Markdown/HTML punctuation) through
//! every text path of search, phone numbers, slugs and heading ids: nothing may panic, and what comes out
//! keeps its basic shape. `HC_UNICODE_CASES=N` runs N cases per property.

use std::collections::HashSet;

use proptest::prelude::*;

use helpcenter::content::phone::Phone;
use helpcenter::content::phone::PhoneEntry;
use helpcenter::markdown;
use helpcenter::sanitize::RawHtml;
use helpcenter::search::snippet::{Marks, snippet};
use helpcenter::search::static_index;
use helpcenter::search::tokenizers::{
    Analyzers, MIN_PHONE_DIGITS, MultiStemTokenizer, digit_runs, phone_variants,
};
use helpcenter::search::{Search, SearchResponse};
use helpcenter::slug::slugify;
use helpcenter::text::digits;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Characters that have broken text code before: multi-byte letters, marks that combine,
/// case mappings that change length (`İ`, `ß`, `ﬁ`), emoji with modifiers and joiners, CJK,
/// Hebrew and Arabic with direction marks, whitespace wider than a byte, HTML and Markdown.
const SPICE: &[char] = &[
    'á',
    'é',
    'í',
    'ó',
    'ú',
    'ñ',
    'ç',
    'ã',
    'õ',
    'ü',
    'É',
    'Ç',
    'Ñ',
    'ß',
    'İ',
    'ﬁ',
    'Ω',
    'ǅ',
    '\u{301}',
    '\u{303}',
    '\u{327}',
    '\u{308}',
    '😀',
    '👍',
    '\u{1F3FD}',
    '👩',
    '\u{200D}',
    '💻',
    '\u{FE0F}',
    '\u{200B}',
    '\u{200C}',
    '\u{FEFF}',
    '中',
    '文',
    '日',
    '本',
    '語',
    '한',
    '국',
    'ש',
    'ל',
    'ו',
    'ם',
    'م',
    'ر',
    'ح',
    'ب',
    'ا',
    '\u{200F}',
    '\u{200E}',
    '\u{202E}',
    '\u{A0}',
    '\u{3000}',
    '\u{2028}',
    '\u{85}',
    '-',
    '(',
    ')',
    '+',
    '.',
    ':',
    '/',
    '<',
    '>',
    '&',
    '"',
    '\'',
    '#',
    '*',
    '_',
    '`',
    '[',
    ']',
    '{',
    '}',
    '|',
    '\n',
    '\t',
    '…',
    '·',
];

fn cases(default: u32) -> u32 {
    std::env::var("HC_UNICODE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        3 => Just(' '),
        5 => prop::sample::select(SPICE),
        1 => any::<char>(),
    ]
}

fn text(max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..max_chars).prop_map(|c| c.into_iter().collect())
}

/// Mostly digits and the separators numbers are written with, a little of everything else.
fn phone_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::char::range('0', '9'),
            3 => prop::sample::select(&[' ', '-', '(', ')', '+', '.', '/', 'x'][..]),
            1 => any_char(),
        ],
        0..24,
    )
    .prop_map(|c| c.into_iter().collect())
}

/// A line of safe-to-quote text (no control characters), for titles in front matter.
fn title() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => Just(' '),
            2 => prop::sample::select(&SPICE[..56]),
        ],
        1..30,
    )
    .prop_map(|c| c.into_iter().collect::<String>())
    .prop_filter("a title with a letter", |t| {
        t.chars().any(char::is_alphanumeric)
    })
}

/// `s` with the snippet's HTML escapes undone.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Check a snippet of `text`: `<mark>`s balanced and never nested, each around one word the
/// marks ask for, and the visible text (without the `…` that say it was cut) a piece of `text`.
fn check_snippet(an: &mut Analyzers, text: &str, marks: &Marks, s: &str) -> Result<(), String> {
    let mut visible = String::new();
    let mut rest = s;
    while let Some(open) = rest.find("<mark>") {
        visible.push_str(&rest[..open]);
        let after = &rest[open + "<mark>".len()..];
        let close = after.find("</mark>").ok_or("an unclosed <mark>")?;
        let marked = unescape(&after[..close]);
        if marked.contains("<mark>") {
            return Err("nested <mark>".into());
        }
        let words = an.words(&marked);
        let [word] = words.as_slice() else {
            return Err(format!("<mark> around {marked:?}, not one word"));
        };
        let stems = an.stems(&word.text);
        if !marks.words.contains(&word.text) && !stems.iter().any(|s| marks.stems.contains(s)) {
            return Err(format!("<mark> around {marked:?}, which was not asked for"));
        }
        visible.push_str(&after[..close]);
        rest = &after[close + "</mark>".len()..];
    }
    if rest.contains("</mark>") {
        return Err("a stray </mark>".into());
    }
    visible.push_str(rest);
    let visible = unescape(&visible);
    let cut_start = visible.strip_prefix('…').unwrap_or(&visible);
    let candidates = [
        visible.as_str(),
        cut_start,
        visible.strip_suffix('…').unwrap_or(&visible),
        cut_start.strip_suffix('…').unwrap_or(cut_start),
    ];
    if !candidates.iter().any(|c| text.contains(c)) {
        return Err(format!("{visible:?} is not a piece of the text"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn words_lie_on_character_boundaries_and_stem_without_panicking(t in text(200)) {
        let mut an = Analyzers::default();
        for word in an.words(&t) {
            prop_assert!(word.from < word.to && t.get(word.from..word.to).is_some(), "{word:?}");
            prop_assert!(!word.text.is_empty());
            for stem in an.stems(&word.text) {
                prop_assert!(!stem.is_empty());
            }
        }
        // The index-side tokenizer: folded words and their stems, offsets inside the text.
        let mut stemmer = TextAnalyzer::from(MultiStemTokenizer::new());
        let mut stream = stemmer.token_stream(&t);
        while stream.advance() {
            let token = stream.token();
            prop_assert!(t.get(token.offset_from..token.offset_to).is_some(), "{token:?}");
        }
        for w in static_index::words(&t) {
            prop_assert!(!w.is_empty() && w.chars().all(char::is_alphanumeric), "{w:?}");
        }
    }

    #[test]
    fn digit_runs_are_digits_inside_the_query(t in text(120)) {
        for run in digit_runs(&t) {
            prop_assert!(t.get(run.from..run.to).is_some(), "{run:?}");
            for (candidate, share) in &run.candidates {
                prop_assert!(candidate.len() >= MIN_PHONE_DIGITS, "{run:?}");
                prop_assert!(candidate.bytes().all(|b| b.is_ascii_digit()), "{run:?}");
                prop_assert!(*share > 0.0 && *share <= 1.0, "{run:?}");
            }
        }
        for variant in phone_variants(&t, None) {
            prop_assert!(variant.len() >= MIN_PHONE_DIGITS);
            prop_assert!(variant.bytes().all(|b| b.is_ascii_digit()), "{variant:?}");
        }
        prop_assert!(digits(&t).bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn phone_numbers_in_any_text_normalize_or_say_why(
        raw in prop_oneof![text(40), phone_like()],
        region in prop::sample::select(vec![None, Some("BR"), Some("US"), Some("MX"), Some("ES")]),
    ) {
        let mut phone = Phone::from(PhoneEntry::Plain(raw.clone()));
        if phone.normalize(region).is_ok() {
            let e164 = phone.e164.clone().unwrap_or_default();
            prop_assert!(
                e164.strip_prefix('+').is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())),
                "{raw:?} → {e164:?}"
            );
        }
        // A link only for a number that dials: valid, or valid in its plan's current form.
        if let Some(href) = phone.tel_href() {
            prop_assert!(href.starts_with("tel:+") && href.is_ascii(), "{href:?}");
            let dial = href.trim_start_matches("tel:");
            prop_assert!(phonenumber::parse(None, dial).is_ok_and(|n| n.is_valid()), "{raw:?} → {href:?}");
        }
        for variant in phone_variants(&raw, phone.e164.as_deref()) {
            prop_assert!(variant.bytes().all(|b| b.is_ascii_digit()), "{variant:?}");
        }
    }

    #[test]
    fn snippets_are_pieces_of_the_text_with_marks_on_asked_words(
        t in text(400),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        strangers in prop::collection::vec(text(12), 0..3),
        max_chars in 10usize..260,
    ) {
        let mut an = Analyzers::default();
        let words = an.words(&t);
        let mut marks = Marks::default();
        let mut asked: Vec<String> = strangers;
        if !words.is_empty() {
            asked.extend(picks.iter().map(|i| words[i.index(words.len())].text.clone()));
        }
        for q in &asked {
            for w in an.words(q) {
                marks.stems.extend(an.stems(&w.text));
                marks.words.insert(w.text);
            }
        }
        let s = snippet(&mut an, &t, &marks, &[], max_chars);
        if let Err(e) = check_snippet(&mut an, &t, &marks, &s) {
            prop_assert!(false, "{e}\ntext: {t:?}\nmarks: {marks:?}\nsnippet: {s:?}");
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii_words_joined_by_single_dashes(t in text(80)) {
        let slug = slugify(&t);
        prop_assert!(
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug:?}"
        );
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{slug:?}");
    }

    #[test]
    fn heading_ids_are_unique(headings in prop::collection::vec(text(30), 1..8), body in text(120)) {
        let mut source = String::new();
        for (i, h) in headings.iter().enumerate() {
            // Some headings twice: duplicates must still get distinct ids.
            let h = if i % 3 == 2 { &headings[0] } else { h };
            source.push_str(&format!("## {}\n\n{body}\n\n", h.replace('\n', " ")));
        }
        let converted = markdown::convert(&source, RawHtml::Sanitize);
        let mut seen = HashSet::new();
        for heading in &converted.headings {
            prop_assert!(!heading.id.is_empty(), "{:?}", converted.headings);
            prop_assert!(seen.insert(heading.id.clone()), "{:?}", converted.headings);
        }
    }
}

/// A site of one page with random Unicode, built through the library (static index, tantivy
/// index, Markdown, slugs), then searched with words of the page and random text.
fn build_and_search(title: &str, body: &str, queries: &[String]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://help.test\"\nlanguage = \"en\"\ntheme = \"default\"\n",
    );
    write(
        "content/_index.md",
        "---\ntitle: Welcome\ndescription: Home.\n---\nHello.\n",
    );
    let quoted = serde_json::to_string(title).unwrap();
    write(
        "content/page.md",
        &format!("---\ntitle: {quoted}\ndescription: {quoted}\n---\n{body}\n"),
    );
    let options = helpcenter::build::BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    helpcenter::build::build(&options).map_err(|e| format!("build failed: {e:?}"))?;
    let index = root.join("public/search-index/meta.json");
    std::fs::read_to_string(&index).map_err(|e| format!("no static index: {e}"))?;
    let search = Search::open(&root.join("public")).map_err(|e| e.to_string())?;
    for q in queries {
        let response: SearchResponse = search.query(q, 5).map_err(|e| e.to_string())?;
        for hit in &response.hits {
            // The marks are the server's own; here only their shape is checked.
            check_marks_only(&hit.snippet)?;
        }
    }
    Ok(())
}

/// `<mark>` balanced, not nested, around text holding a word.
fn check_marks_only(s: &str) -> Result<(), String> {
    let mut an = Analyzers::default();
    let mut rest = s;
    while let Some(open) = rest.find("<mark>") {
        let after = &rest[open + "<mark>".len()..];
        let close = after
            .find("</mark>")
            .ok_or(format!("unclosed <mark> in {s:?}"))?;
        if after[..close].contains("<mark>") || an.words(&unescape(&after[..close])).is_empty() {
            return Err(format!("bad <mark> in {s:?}"));
        }
        rest = &after[close + "</mark>".len()..];
    }
    if rest.contains("</mark>") {
        return Err(format!("stray </mark> in {s:?}"));
    }
    Ok(())
}

proptest! {
    // A whole build per case: few cases.
    #![proptest_config(ProptestConfig { cases: cases(12), ..ProptestConfig::default() })]

    #[test]
    fn random_pages_build_and_every_query_answers(
        title in title(),
        headings in prop::collection::vec(text(30), 0..4),
        paragraphs in prop::collection::vec(text(300), 1..4),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        strangers in prop::collection::vec(text(40), 1..4),
    ) {
        let mut body = String::new();
        for (i, p) in paragraphs.iter().enumerate() {
            if let Some(h) = headings.get(i) {
                body.push_str(&format!("## {}\n\n", h.replace('\n', " ")));
            }
            body.push_str(p);
            body.push_str("\n\n");
        }
        let mut an = Analyzers::default();
        let words = an.words(&body);
        let mut queries = strangers;
        if !words.is_empty() {
            queries.extend(picks.iter().map(|i| words[i.index(words.len())].text.clone()));
            // Several words of the page, as a reader types them.
            let i = picks[0].index(words.len());
            let end = (i + 3).min(words.len());
            queries.push(body[words[i].from..words[end - 1].to].to_string());
        }
        if let Err(e) = build_and_search(&title, &body, &queries) {
            prop_assert!(false, "{e}\ntitle: {title:?}\nbody: {body:?}\nqueries: {queries:?}");
        }
    }
}

/// Issue 13's page, in process: the snippet window used to start inside `ç`.
#[test]
fn a_match_after_many_accented_words_gets_a_snippet() {
    let mut an = Analyzers::default();
    let text = format!("{}yyyy roteador final", "ção ".repeat(200));
    let mut marks = Marks::default();
    marks.words.insert("roteador".into());
    let s = snippet(&mut an, &text, &marks, &[], 200);
    assert!(s.contains("<mark>roteador</mark>"), "{s}");
    check_snippet(&mut an, &text, &marks, &s).unwrap();
    // Wider whitespace before the window must not be cut in half either.
    let text = format!("{}yyyy roteador final", "ção\u{3000}\u{A0}".repeat(200));
    let s = snippet(&mut an, &text, &marks, &[], 200);
    check_snippet(&mut an, &text, &marks, &s).unwrap();
}

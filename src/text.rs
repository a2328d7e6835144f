//! Small text utilities shared by the stages: edit distance, "did you mean", HTML escaping,
//! JSON for a script element, digits.

/// Edits (insertions, deletions, substitutions of characters) between `a` and `b`.
pub fn levenshtein(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// Typos between `a` and `b`: edits, with a swap of two neighbouring characters counting as
/// one (optimal string alignment).
pub fn typos(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(wanted, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` when a candidate is a likely typo of `wanted`, else nothing.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates)
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_default()
}

/// Append `text` to `out` with `& < > " '` escaped: the one HTML escaper (templates, search
/// snippets).
pub fn escape_html_into(out: &mut String, text: &str) {
    // Bytes, copying the runs between special characters: these five are ASCII, so they
    // never sit inside a multi-byte character and every slice falls on a boundary. A table
    // tests each byte with one load (every text of every page passes here): it holds one
    // more than the byte's place in `ENTITIES`, 0 for a byte kept as it is.
    const ENTITIES: [(u8, &str); 5] = [
        (b'&', "&amp;"),
        (b'<', "&lt;"),
        (b'>', "&gt;"),
        (b'"', "&quot;"),
        (b'\'', "&#39;"),
    ];
    const ENTITY: [u8; 256] = {
        let mut table = [0; 256];
        let mut i = 0;
        while i < ENTITIES.len() {
            table[ENTITIES[i].0 as usize] = i as u8 + 1;
            i += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut copied = 0;
    while let Some(found) = bytes[copied..]
        .iter()
        .position(|&b| ENTITY[b as usize] != 0)
    {
        let at = copied + found;
        out.push_str(&text[copied..at]);
        out.push_str(ENTITIES[usize::from(ENTITY[usize::from(bytes[at])]) - 1].1);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
}

/// `value` as JSON that can sit inside a `<script>` element: only `</script` could end it
/// early, and `\u003c` is the same JSON as `<`.
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("serializable")
        .replace('<', "\\u003c")
}

/// `text`'s words with one space between them: what `split_whitespace().join(" ")` gives,
/// without a list of the words. Every page's text goes through here: a word's ASCII bytes
/// above the space are skipped in bulk, and only other bytes are looked at as characters.
pub fn collapse_whitespace(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut word: Option<usize> = None;
    while i < bytes.len() {
        if word.is_some() {
            i += bytes[i..]
                .iter()
                .position(|&b| b <= b' ' || !b.is_ascii())
                .unwrap_or(bytes.len() - i);
            if i == bytes.len() {
                break;
            }
        }
        let (space, len) = match bytes[i] {
            b'\t'..=b'\r' | b' ' => (true, 1),
            b if b.is_ascii() => (false, 1),
            _ => {
                let c = text[i..].chars().next().expect("a character starts here");
                (c.is_whitespace(), c.len_utf8())
            }
        };
        match (space, word) {
            (true, Some(from)) => {
                push_word(&mut out, &text[from..i]);
                word = None;
            }
            (false, None) => word = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(from) = word {
        push_word(&mut out, &text[from..]);
    }
    out
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

/// Only the ASCII digits of `text` (a phone number as written → what a `tel:` link and
/// search compare).
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn collapsing_whitespace_is_split_and_join(
            text in "[a\\t\\n\\x0b\\x0c\\r \\x1c\\u{85}\\u{a0}\\u{2003}\\u{3000}é€😀\\u{fffc}]{0,40}"
        ) {
            proptest::prop_assert_eq!(
                collapse_whitespace(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_replaces_each_special_character(text in "[a&<>\"'é😀 ]{0,40}") {
            let mut out = String::from("kept:");
            escape_html_into(&mut out, &text);
            let want: String = text
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(out, format!("kept:{want}"));
        }
    }

    #[test]
    fn near_names_are_suggested_far_ones_not() {
        assert_eq!(levenshtein("técnico", "tecnico"), 1);
        let ids = ["technical-support", "billing-email", "offices"];
        assert_eq!(closest("technical-suport", ids), Some("technical-support"));
        assert_eq!(closest("phones", ids), None);
    }
}

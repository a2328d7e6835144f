//! Raw HTML in Markdown. On a static host a `<script>` or an `onerror=` in one page would run in
//! every reader's browser, so by default the HTML of a page that holds raw HTML is cleaned with
//! ammonia, keeping what a help center needs (tables, `<details>`, `<kbd>`, images, safe links),
//! and links whose scheme could run code (`javascript:`, `vbscript:`, `data:`) lose their link.
//! `allow_raw_html = true` in `site.toml` publishes raw HTML as written, for trusted editors.
//!
//! What is removed is reported by [`removed_from`], which reads the raw HTML with html5ever's
//! tokenizer against the same lists that configure ammonia, so that `check` names each
//! dropped element at its line.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use serde::Serialize;

/// What happens to raw HTML in Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Cleaned: only the elements and attributes below are kept.
    #[default]
    Sanitize,
    /// Published as written (`allow_raw_html = true`).
    Keep,
}

/// Something taken out of a page: where (byte offset in the Markdown) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub offset: usize,
    pub what: String,
}

/// The help line of every `html-removed` warning.
pub const HINT: &str = "write it in Markdown; only if every editor is trusted, set `allow_raw_html = true` in site.toml";

/// URL schemes a link or image may use; relative URLs are always fine.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Elements kept, besides ammonia's defaults' text-level and table elements (listed in full so
/// that the report and the cleaner agree).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];
/// Elements removed with their content, not only their tags.
const CONTENT_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object",
];
/// Attributes kept on every element.
const GENERIC_ATTRIBUTES: &[&str] = &["id", "class", "lang", "title", "dir"];
/// Attributes kept on some elements.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "alt", "width", "height"]),
    ("th", &["colspan", "rowspan", "scope", "style"]),
    ("td", &["colspan", "rowspan", "style"]),
    ("col", &["span"]),
    ("details", &["open"]),
    ("ol", &["start", "reversed", "type"]),
    ("time", &["datetime"]),
    // Task lists: `- [x] done` becomes a disabled checkbox.
    ("input", &["type", "checked", "disabled"]),
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(CONTENT_TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
                .collect(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        // Table alignment is written as `style="text-align: …"`; nothing else of CSS.
        .filter_style_properties(HashSet::from(["text-align"]))
        .attribute_filter(|element, attribute, value| {
            (element != "input" || attribute != "type" || value == "checkbox")
                .then_some(value.into())
        })
        .link_rel(None)
        // Shortcode placeholders are comments; a comment cannot run anything.
        .strip_comments(false);
    builder
});

/// The HTML with everything outside the lists above removed.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// Whether a link (or, with `image`, an image source) may be published as it is.
pub fn safe_url(url: &str) -> bool {
    let url = url.trim_start();
    // A scheme is letters, digits, `+`, `-`, `.` before the first `:`, and before any `/?#`.
    let Some(colon) = url.find(':') else {
        return true;
    };
    let scheme = &url[..colon];
    if scheme.contains(['/', '?', '#']) {
        return true;
    }
    // Browsers drop tabs and newlines inside a scheme (`java\tscript:`).
    let scheme: String = scheme
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    SCHEMES.contains(&scheme.as_str())
}

/// What [`clean`] removes from the raw HTML `fragment`, which starts at byte `offset` of the
/// Markdown. Line numbers inside the fragment move the offset to the line concerned.
pub fn removed_from(fragment: &str, offset: usize, out: &mut Vec<Removed>) {
    let sink = Report {
        found: RefCell::new(Vec::new()),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(fragment));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(fragment.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    for (line, what) in tokenizer.sink.found.into_inner() {
        let start = line_starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0);
        out.push(Removed {
            offset: offset + start,
            what,
        });
    }
}

struct Report {
    /// (line in the fragment, what is removed)
    found: RefCell<Vec<(u64, String)>>,
}

impl TokenSink for Report {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let name = tag.name.to_string();
        let mut found = self.found.borrow_mut();
        if !TAGS.contains(&name.as_str()) {
            let content = if CONTENT_TAGS.contains(&name.as_str()) {
                " and its content"
            } else {
                ""
            };
            found.push((line, format!("the `<{name}>` element{content}")));
            return TokenSinkResult::Continue;
        }
        let allowed = TAG_ATTRIBUTES
            .iter()
            .find(|(tag, _)| *tag == name)
            .map_or(&[][..], |(_, attributes)| *attributes);
        for attribute in &tag.attrs {
            let key = attribute.name.local.to_string();
            if !GENERIC_ATTRIBUTES.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
                found.push((line, format!("the `{key}` attribute of `<{name}>`")));
            } else if matches!(key.as_str(), "href" | "src") && !safe_url(&attribute.value) {
                found.push((
                    line,
                    format!(
                        "the `{key}` of `<{name}>`, which links to `{}`",
                        scheme_of(&attribute.value)
                    ),
                ));
            }
        }
        TokenSinkResult::Continue
    }
}

/// `javascript:alert(1)` → `javascript:`, for messages.
pub fn scheme_of(url: &str) -> String {
    match url.trim_start().split_once(':') {
        Some((scheme, _)) => format!("{}:", scheme.chars().take(20).collect::<String>()),
        None => url.chars().take(20).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_help_pages_need_and_drops_what_runs() {
        let html = r#"<details open><summary>More</summary><p><kbd>Ctrl</kbd> <img src="/a.png" alt="a" onerror="alert(1)"></p></details><script>alert(2)</script><a href="javascript:alert(3)">x</a><table><tr><th style="text-align: center; color: red">h</th></tr></table><!--hc:shortcode:0-->"#;
        let cleaned = clean(html);
        assert_eq!(
            cleaned,
            r#"<details open=""><summary>More</summary><p><kbd>Ctrl</kbd> <img src="/a.png" alt="a"></p></details><a>x</a><table><tbody><tr><th style="text-align:center">h</th></tr></tbody></table><!--hc:shortcode:0-->"#
        );
    }

    #[test]
    fn reports_each_removal_on_its_line() {
        let mut out = Vec::new();
        removed_from(
            "<div>\n<img src=x onerror=alert(1)>\n<script>x</script><a href=' JaVa\tScript:x'>",
            100,
            &mut out,
        );
        let found: Vec<(usize, &str)> = out.iter().map(|r| (r.offset, r.what.as_str())).collect();
        assert_eq!(
            found,
            [
                (106, "the `onerror` attribute of `<img>`"),
                (135, "the `<script>` element and its content"),
                (135, "the `href` of `<a>`, which links to `JaVa\tScript:`"),
            ]
        );
    }

    #[test]
    fn schemes() {
        for safe in [
            "/x/",
            "x.html",
            "#a",
            "https://e.test",
            "mailto:a@b.test",
            "tel:+55",
            "a/b:c",
            "?q=a:b",
        ] {
            assert!(safe_url(safe), "{safe}");
        }
        for unsafe_url in [
            "javascript:x",
            " JAVASCRIPT:x",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
            "file:///etc",
        ] {
            assert!(!safe_url(unsafe_url), "{unsafe_url}");
        }
    }
}

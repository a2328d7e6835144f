//! Markdown → HTML in one pass, collecting what later stages need: headings (with stable,
//! de-duplicated ids), plain text per heading for search, outgoing links for the checker, and
//! shortcodes (`{{ contacts(table="x") }}` alone in a paragraph) left as placeholders that the
//! renderer fills.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::sanitize::{self, RawHtml, Removed};
use crate::shortcode::{Placed, Shortcode, ShortcodeError};
use crate::slug::slugify;

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The text under one heading (or before the first heading, with `heading: None`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TextSection {
    pub heading: Option<usize>,
    /// The words, with [`SHORTCODE_MARK`] where a shortcode stands.
    pub text: String,
    /// The shortcodes of the section (indexes into [`Converted::shortcodes`]), in the order
    /// of their marks.
    pub shortcodes: Vec<usize>,
}

/// Where a shortcode stands in a section's text (U+FFFC OBJECT REPLACEMENT CHARACTER): search
/// puts the placed data's words there.
pub const SHORTCODE_MARK: char = '\u{fffc}';

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub url: String,
    /// Byte offset in the Markdown source.
    pub offset: usize,
    pub is_image: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Converted {
    pub html: String,
    pub headings: Vec<Heading>,
    pub sections: Vec<TextSection>,
    pub links: Vec<Link>,
    pub shortcodes: Vec<Placed>,
    /// Raw HTML and unsafe links taken out (see [`crate::sanitize`]).
    pub removed: Vec<Removed>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Convert Markdown to HTML and collect headings, text sections, links and shortcodes. Raw
/// HTML is cleaned unless `raw_html` says to keep it.
pub fn convert(source: &str, raw_html: RawHtml) -> Converted {
    convert_in(source, raw_html, "", "")
}

/// [`convert`] for a page under a language folder: links to the site's pages (`/billing/`)
/// get `prefix` (`/es/billing/`), so that a reader stays in their language. Links to files
/// (`/files/form.pdf`, a last segment with a dot) are shared by every language and stay.
/// In the HTML, every root-relative link and image also gets `base_path` (`/help/es/billing/`);
/// [`Converted::links`] keep the site's own paths, which is what `check` resolves.
pub fn convert_in(source: &str, raw_html: RawHtml, prefix: &str, base_path: &str) -> Converted {
    let mut out = Converted {
        sections: vec![TextSection::default()],
        ..Default::default()
    };
    let mut heading_ids = HeadingIds::default();
    let mut events: Vec<Event> = Vec::new();
    // Events of the heading or paragraph being read, held back until its end is seen.
    let mut held: Vec<Event> = Vec::new();
    let mut holding: Option<(Tag, usize)> = None;

    let sanitize = raw_html == RawHtml::Sanitize;
    let mut has_raw_html = false;
    // For each link or image open: whether it lost its link (an unsafe scheme).
    let mut links_open: Vec<bool> = Vec::new();
    // Where the held paragraph's words start in its section's text.
    let mut paragraph_text_from = 0;

    for (mut event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        if !prefix.is_empty()
            && let Event::Start(Tag::Link { dest_url, .. }) = &mut event
            && let Some(localized) = localize_link(dest_url, prefix)
        {
            *dest_url = localized.into();
        }
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let is_image = matches!(event, Event::Start(Tag::Image { .. }));
                out.links.push(Link {
                    url: dest_url.to_string(),
                    offset: range.start,
                    is_image,
                });
                let unsafe_url = sanitize && !sanitize::safe_url(dest_url);
                if unsafe_url {
                    out.removed.push(Removed {
                        offset: range.start,
                        what: format!(
                            "the {} to `{}`",
                            if is_image { "image source" } else { "link" },
                            sanitize::scheme_of(dest_url)
                        ),
                    });
                }
                links_open.push(unsafe_url);
                if unsafe_url {
                    // Only the link goes; its text stays.
                    continue;
                }
            }
            // Popped for every end; skipped when its start was.
            Event::End(TagEnd::Link | TagEnd::Image) if links_open.pop().unwrap_or(false) => {
                continue;
            }
            Event::Html(raw) | Event::InlineHtml(raw) if sanitize => {
                has_raw_html = true;
                sanitize::removed_from(raw, range.start, &mut out.removed);
            }
            _ => {}
        }
        if !base_path.is_empty()
            && let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) =
                &mut event
            && dest_url.starts_with('/')
            && !dest_url.starts_with("//")
        {
            *dest_url = format!("{base_path}{dest_url}").into();
        }
        // A heading's own words become its section's title, not body text.
        if !matches!(holding, Some((Tag::Heading { .. }, _))) {
            collect_text(&event, out.sections.last_mut().expect("always one section"));
        }

        match event {
            Event::Start(tag @ (Tag::Heading { .. } | Tag::Paragraph)) if holding.is_none() => {
                paragraph_text_from = out.sections.last().map_or(0, |s| s.text.len());
                holding = Some((tag, range.start));
            }
            Event::End(TagEnd::Heading(level)) if holding.is_some() => {
                let (tag, _) = holding.take().expect("checked");
                let Tag::Heading {
                    id, classes, attrs, ..
                } = tag
                else {
                    unreachable!()
                };
                let title = plain_text(&held);
                let wanted = id.map(|s| s.to_string()).unwrap_or_else(|| slugify(&title));
                let id = heading_ids.unique(if wanted.is_empty() {
                    "section".into()
                } else {
                    wanted
                });
                let level_num = heading_level(level);
                out.headings.push(Heading {
                    level: level_num,
                    id: id.clone(),
                    title,
                });
                out.sections.push(TextSection {
                    heading: Some(out.headings.len() - 1),
                    ..Default::default()
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }));
                events.append(&mut held);
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::End(TagEnd::Paragraph) if holding.is_some() => {
                let (tag, start) = holding.take().expect("checked");
                match read_shortcode(&held) {
                    Some(shortcode) => {
                        let index = out.shortcodes.len();
                        events.push(Event::Html(Shortcode::placeholder(index).into()));
                        out.shortcodes.push(Placed {
                            shortcode,
                            offset: start,
                        });
                        held.clear();
                        // Its words are not text: a mark stands where its data goes.
                        let section = out.sections.last_mut().expect("always one section");
                        section.text.truncate(paragraph_text_from);
                        section.text.push_str(&format!(" {SHORTCODE_MARK} "));
                        section.shortcodes.push(index);
                    }
                    None => {
                        events.push(Event::Start(tag));
                        events.append(&mut held);
                        events.push(Event::End(TagEnd::Paragraph));
                    }
                }
            }
            event if holding.is_some() => held.push(event),
            event => events.push(event),
        }
    }
    html::push_html(&mut out.html, events.into_iter());
    if has_raw_html {
        out.html = sanitize::clean(&out.html);
    }
    // Every page keeps its HTML and text until the build ends; the room they grew into was a
    // quarter of a 10,000-page build's heap.
    out.html.shrink_to_fit();
    for section in &mut out.sections {
        section.text = crate::text::collapse_whitespace(&section.text);
        section.text.shrink_to_fit();
    }
    out
}

/// `/billing/#x` → `/es/billing/#x` for `prefix` `/es`; `None` for links that stay as they
/// are (other sites, `#anchors`, relative links, files).
pub(crate) fn localize_link(url: &str, prefix: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if last.contains('.') || path == prefix || path.starts_with(&format!("{prefix}/")) {
        return None;
    }
    Some(format!("{prefix}{url}"))
}

fn collect_text(event: &Event, section: &mut TextSection) {
    match event {
        Event::Text(t) | Event::Code(t) => section.text.push_str(t),
        Event::SoftBreak | Event::HardBreak | Event::End(_) => section.text.push(' '),
        _ => {}
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Ids already given, and for each wanted id the next suffix to try, so that a thousand
/// headings with the same title cost a thousand steps, not half a million.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    fn unique(&mut self, wanted: String) -> String {
        if self.used.insert(wanted.clone()) {
            return wanted;
        }
        let n = self.next_suffix.entry(wanted.clone()).or_insert(1);
        loop {
            let id = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// A paragraph that is only `{{ name(key="value", …) }}`: what it places, or why nothing.
fn read_shortcode(events: &[Event]) -> Option<Result<Shortcode, ShortcodeError>> {
    if !events
        .iter()
        .all(|e| matches!(e, Event::Text(_) | Event::SoftBreak))
    {
        return None;
    }
    Shortcode::read(&plain_text(events))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_default(source: &str) -> Converted {
        convert(source, RawHtml::Sanitize)
    }

    #[test]
    fn a_converted_page_keeps_no_room_to_spare() {
        // Every page is kept until the build ends: the room its strings grew into was a
        // quarter of a 10,000-page build's heap.
        let source = format!(
            "# Title\n\n{}",
            "A paragraph that grows the page.\n\n".repeat(300)
        );
        let c = convert_default(&source);
        assert!(c.html.len() > 10_000);
        assert_eq!(c.html.capacity(), c.html.len());
        for section in &c.sections {
            assert_eq!(section.text.capacity(), section.text.len());
        }
    }

    #[test]
    fn heading_ids_are_slugs_and_unique() {
        let c = convert_default("# Café Área\n\n## Notes\n\n## Notes\n\n### Custom {#mine}\n");
        let ids: Vec<_> = c.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["cafe-area", "notes", "notes-1", "mine"]);
        assert!(
            c.html.contains(r#"<h2 id="notes-1">Notes</h2>"#),
            "{}",
            c.html
        );
    }

    #[test]
    fn shortcode_alone_in_paragraph_becomes_placeholder() {
        let c = convert_default(
            "Intro.\n\n{{ contacts(table=\"technical-support\", country=\"BR\") }}\n\nMore {{ x() }} text.\n",
        );
        assert_eq!(c.shortcodes.len(), 1);
        assert_eq!(
            c.shortcodes[0].shortcode,
            Ok(Shortcode::Contacts {
                table: "technical-support".into()
            })
        );
        assert_eq!(c.shortcodes[0].offset, 8);
        assert!(c.html.contains(&Shortcode::placeholder(0)));
        assert_eq!(
            c.sections[0].text,
            format!("Intro. {SHORTCODE_MARK} More {{{{ x() }}}} text.")
        );
        assert_eq!(c.sections[0].shortcodes, [0]);
        assert!(c.html.contains("More {{ x() }} text."));
    }

    #[test]
    fn text_is_grouped_by_heading_and_links_recorded() {
        let c = convert_default("Lead [a](/x/).\n\n## Billing\n\nInvoices here ![i](/img.png).\n");
        assert_eq!(c.sections.len(), 2);
        assert_eq!(c.sections[0].text, "Lead a .");
        assert_eq!(c.sections[1].heading, Some(0));
        assert_eq!(c.sections[1].text, "Invoices here i .");
        assert_eq!(c.links.len(), 2);
        assert!(c.links[1].is_image);
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let c =
            convert_default("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note\n");
        assert!(c.html.contains("<table>"));
        assert!(c.html.contains("<del>old</del>"));
        assert!(c.html.contains("footnote"));
    }

    #[test]
    fn links_to_pages_get_the_language_folder() {
        let c = convert_in(
            "[a](/billing/#x) [b](/files/f.pdf) [c](https://x.org/) [d](#top) [e](../up/) [f](/es/y/)",
            RawHtml::Sanitize,
            "/es",
            "",
        );
        let urls: Vec<&str> = c.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "/es/billing/#x",
                "/files/f.pdf",
                "https://x.org/",
                "#top",
                "../up/",
                "/es/y/"
            ]
        );
        assert!(c.html.contains(r#"href="/es/billing/#x""#), "{}", c.html);
        assert_eq!(convert_default("[a](/billing/)").links[0].url, "/billing/");
    }

    #[test]
    fn under_a_base_path_the_html_links_below_it_and_checks_see_the_site_paths() {
        let c = convert_in(
            "[a](/billing/#x) ![b](/files/f.png) [c](https://x.org/) [d](#top) [e](//cdn.x/)",
            RawHtml::Sanitize,
            "/es",
            "/help",
        );
        assert!(
            c.html.contains(r#"href="/help/es/billing/#x""#),
            "{}",
            c.html
        );
        assert!(c.html.contains(r#"src="/help/files/f.png""#), "{}", c.html);
        assert!(c.html.contains(r#"href="https://x.org/""#));
        assert!(c.html.contains(r##"href="#top""##));
        assert!(c.html.contains(r#"href="//cdn.x/""#));
        let urls: Vec<&str> = c.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls[..2], ["/es/billing/#x", "/files/f.png"]);
    }
}

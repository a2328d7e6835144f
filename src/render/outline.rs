//! "On this page" from the rendered page: the Markdown's headings with ids, and the headings
//! of the data blocks its shortcodes placed (each service and role), in page order.

use crate::markdown::Heading;

/// The page's outline: `<h2 id>` / `<h3 id>` headings, and `<section class="service|role"
/// id>` blocks by their first `<h3>`. Titles are plain text (tags dropped, entities read).
pub(super) fn outline(html: &str) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let heading = ["<h2 id=\"", "<h3 id=\""]
            .iter()
            .position(|p| rest.starts_with(p));
        if let Some(level) = heading {
            let close = if level == 0 { "</h2>" } else { "</h3>" };
            if let Some((id, title)) = attribute_and_text(&rest[8..], close) {
                out.push(Heading {
                    level: level as u8 + 2,
                    id,
                    title,
                });
            }
        } else if let Some(block) = [
            "<section class=\"service\" id=\"",
            "<section class=\"role\" id=\"",
        ]
        .iter()
        .find(|p| rest.starts_with(**p))
        {
            let after = &rest[block.len()..];
            if let Some(end) = after.find('"') {
                let id = after[..end].to_string();
                let inner = &after[end..];
                if let Some(h3) = inner.find("<h3>").filter(|&h| h < 200)
                    && let Some(close) = inner[h3..].find("</h3>")
                {
                    out.push(Heading {
                        level: 3,
                        id,
                        title: plain(&inner[h3 + 4..h3 + close]),
                    });
                }
            }
        }
        rest = &rest[1..];
    }
    out
}

/// `id">Text</hN>` → the id and the text.
fn attribute_and_text(after: &str, close: &str) -> Option<(String, String)> {
    let end = after.find('"')?;
    let id = after[..end].to_string();
    let body = &after[end..];
    let start = body.find('>')? + 1;
    let stop = body.find(close)?;
    (start <= stop).then(|| (id, plain(&body[start..stop])))
}

/// Text of an HTML fragment: tags dropped, the entities the renderer writes read back.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    // Most titles have no entity: no six copies of them.
    let text = if text.contains('&') {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
    } else {
        text
    };
    crate::text::collapse_whitespace(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_data_blocks_in_page_order() {
        let html = r#"<p>x</p><h2 id="roles">Roles</h2>
<section class="role" id="role-am">
<h3>Account manager <span class="abbr">(AM)</span></h3><p>…</p></section>
<section class="service" id="service-uc">
<h3>UC&amp;C</h3></section><h3 id="more">More &amp; less</h3><h4 id="x">no</h4>"#;
        let got: Vec<(u8, String, String)> = outline(html)
            .into_iter()
            .map(|h| (h.level, h.id, h.title))
            .collect();
        assert_eq!(
            got,
            [
                (2, "roles".into(), "Roles".into()),
                (3, "role-am".into(), "Account manager (AM)".into()),
                (3, "service-uc".into(), "UC&C".into()),
                (3, "more".into(), "More & less".into()),
            ]
        );
    }
}

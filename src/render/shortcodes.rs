//! Shortcodes: the data a page places (`{{ contacts(table="…") }}`, services, roles,
//! procedures), rendered by the theme's `shortcodes/` templates into the page's HTML.

use std::borrow::Cow;

use serde::Serialize;
use tera::{Context, Value};

use super::HtmlRenderer;
use crate::content::data::ContactTable;
use crate::content::{DataRef, Page, Site, resolve_shortcode};
use crate::diagnostics::{Diagnostic, Location};
use crate::shortcode::Shortcode;

impl HtmlRenderer {
    /// The page's HTML with each shortcode placeholder replaced by its rendered data (borrowed
    /// as it is when the page has none, as most pages of a big site).
    pub fn fill_shortcodes<'a>(
        &self,
        site: &Site,
        page: &'a Page,
    ) -> Result<Cow<'a, str>, Diagnostic> {
        if page.markdown.shortcodes.is_empty() {
            return Ok(Cow::Borrowed(&page.markdown.html));
        }
        let rendered = page
            .markdown
            .shortcodes
            .iter()
            .map(|placed| {
                placed
                    .shortcode
                    .as_ref()
                    .map_err(|e| Diagnostic::error("shortcode", Location::default(), e.to_string()))
                    .and_then(|shortcode| self.render_shortcode(site, &page.lang, shortcode))
                    .map_err(|mut d| {
                        if d.location.line.is_none() {
                            d.location = Location::at_offset(
                                site.config.content_dir().join(&page.path),
                                &page.source,
                                page.body_offset + placed.offset,
                            );
                        }
                        d
                    })
            })
            .collect::<Result<Vec<String>, Diagnostic>>()?;
        // Filled in place in one string sized once: every page's filled body lives until the
        // build ends, and a new string per shortcode left each with room to spare.
        let room = rendered.iter().map(String::len).sum::<usize>();
        let mut html = String::with_capacity(page.markdown.html.len() + room);
        html.push_str(&page.markdown.html);
        for (index, rendered) in rendered.iter().enumerate() {
            let placeholder = Shortcode::placeholder(index);
            if let Some(at) = html.find(&placeholder) {
                html.replace_range(at..at + placeholder.len(), rendered);
            }
        }
        Ok(Cow::Owned(html))
    }

    fn render_shortcode(
        &self,
        site: &Site,
        lang: &str,
        shortcode: &Shortcode,
    ) -> Result<String, Diagnostic> {
        let data = site.data_in(lang);
        let items = resolve_shortcode(data, shortcode)
            .map_err(|e| Diagnostic::error("shortcode", Location::default(), e.to_string()))?;
        let mut context = Context::new();
        let template = match shortcode {
            Shortcode::Contacts { table } => {
                let table: &ContactTable = &data.contacts[table];
                let mut table = serde_json::to_value(table).expect("serializable");
                add_tel_links(&mut table);
                context.insert("table", &table);
                context.insert("anchor", &items[0].anchor());
                "shortcodes/contacts.html"
            }
            Shortcode::Services | Shortcode::Service { .. } => {
                let services: Vec<Value> = items
                    .iter()
                    .filter_map(|item| {
                        data.services
                            .iter()
                            .find(|s| matches!(item, DataRef::Service(id) if *id == s.id))
                    })
                    .map(|s| {
                        let description =
                            crate::markdown::convert(&s.description, site.config.raw_html());
                        with_extra(
                            s,
                            &DataRef::Service(s.id.clone()).anchor(),
                            Some(description.html),
                        )
                    })
                    .collect();
                context.insert("services", &services);
                "shortcodes/services.html"
            }
            Shortcode::Roles | Shortcode::Role { .. } => {
                let roles: Vec<Value> = items
                    .iter()
                    .filter_map(|item| {
                        data.roles
                            .iter()
                            .find(|r| matches!(item, DataRef::Role(c) if *c == r.code))
                    })
                    .map(|r| with_extra(r, &DataRef::Role(r.code.clone()).anchor(), None))
                    .collect();
                context.insert("roles", &roles);
                "shortcodes/roles.html"
            }
            Shortcode::Procedure { id } => {
                context.insert("procedure", &data.procedures[id]);
                context.insert("anchor", &items[0].anchor());
                "shortcodes/procedure.html"
            }
        };
        self.render_template(template, lang, &context)
    }
}

/// Give every phone number in `value` (an object with `raw` and `dial`) a `tel` field: the
/// `tel:` URL of the form that dials, or none for a number that is not valid in its country's
/// numbering plan (and that no known plan change fixes): the theme shows it as text.
pub(super) fn add_tel_links(value: &mut Value) {
    match value {
        Value::Object(map) if map.contains_key("raw") && map.contains_key("dial") => {
            let tel = match map["dial"].as_str() {
                Some(dial) => Value::String(format!("tel:{dial}")),
                None => Value::Null,
            };
            map.insert("tel".into(), tel);
        }
        Value::Object(map) => map.values_mut().for_each(add_tel_links),
        Value::Array(items) => items.iter_mut().for_each(add_tel_links),
        _ => {}
    }
}

/// A data item as a template value, with its anchor and (for services) its Markdown as HTML.
fn with_extra<T: Serialize>(item: &T, anchor: &str, description_html: Option<String>) -> Value {
    let mut value = serde_json::to_value(item).expect("serializable");
    value["anchor"] = Value::String(anchor.to_string());
    if let Some(html) = description_html {
        value["description_html"] = Value::String(html);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_get_tel_links_only_when_they_dial() {
        let mut value = serde_json::json!({
            "rows": [{
                "toll_free": [{"raw": "0800-887-3333", "e164": "+558008873333", "dial": "+558008873333"}],
                "local": [{"raw": "ext. (12) 34", "e164": null, "dial": null}],
                "location": "Brazil"
            }]
        });
        add_tel_links(&mut value);
        assert_eq!(value["rows"][0]["toll_free"][0]["tel"], "tel:+558008873333");
        assert_eq!(value["rows"][0]["local"][0]["tel"], Value::Null);
        assert!(value["rows"][0].get("tel").is_none());
    }
}

//! Placements: which page shows each data item, from the pages' shortcodes, in each
//! language.

use std::collections::HashMap;

use super::{Data, DataRef, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::shortcode::{Shortcode, ShortcodeError};
use crate::text::did_you_mean;

/// Record which page shows each data item, from the pages' shortcodes. Unknown references are
/// errors; an item placed twice keeps its first page.
pub(super) fn place_data(site: &mut Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let content = site.config.content_dir();
    let mut by_lang: HashMap<&str, HashMap<DataRef, usize>> = HashMap::new();
    for (index, page) in site.pages.iter().enumerate() {
        let data = site.data_in(&page.lang);
        let placements = by_lang.entry(page.lang.as_str()).or_default();
        for placed in &page.markdown.shortcodes {
            let location = || {
                Location::at_offset(
                    content.join(&page.path),
                    &page.source,
                    page.body_offset + placed.offset,
                )
            };
            let items = placed
                .shortcode
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|shortcode| match resolve_shortcode(data, shortcode) {
                    // The data file's own error says why the item is missing.
                    Err(_) if data.unreadable.contains(&shortcode.source()) => Ok(Vec::new()),
                    resolved => resolved,
                });
            match items {
                Ok(items) => {
                    for item in items {
                        placements.entry(item).or_insert(index);
                    }
                }
                // An untranslated copy repeats its source's error: reported once, there.
                Err(_) if page.untranslated => {}
                Err(error) => diagnostics.push(
                    Diagnostic::error("shortcode", location(), error.to_string())
                        .with_hint(crate::shortcode::HELP),
                ),
            }
        }
    }
    let mut by_lang: HashMap<String, HashMap<DataRef, usize>> = by_lang
        .into_iter()
        .map(|(lang, placements)| (lang.to_string(), placements))
        .collect();
    site.placements = by_lang
        .remove(&site.config.default_language)
        .unwrap_or_default();
    for language in &mut site.languages {
        language.placements = by_lang.remove(&language.code).unwrap_or_default();
    }
    diagnostics
}

/// The data items a shortcode shows, or why it names nothing.
pub fn resolve_shortcode(
    data: &Data,
    shortcode: &Shortcode,
) -> Result<Vec<DataRef>, ShortcodeError> {
    // `names` are read only when the item is missing, for the "did you mean".
    fn found<'a>(
        shortcode: &Shortcode,
        exists: bool,
        item: DataRef,
        names: impl Iterator<Item = &'a str>,
        wanted: &str,
    ) -> Result<Vec<DataRef>, ShortcodeError> {
        if exists {
            return Ok(vec![item]);
        }
        Err(ShortcodeError::NoData {
            shortcode: shortcode.clone(),
            did_you_mean: did_you_mean(wanted, names),
        })
    }
    match shortcode {
        Shortcode::Contacts { table: id } => found(
            shortcode,
            data.contacts.contains_key(id),
            DataRef::Contacts(id.clone()),
            data.contacts.keys().map(String::as_str),
            id,
        ),
        Shortcode::Services => Ok(data
            .services
            .iter()
            .map(|s| DataRef::Service(s.id.clone()))
            .collect()),
        Shortcode::Service { id } => found(
            shortcode,
            data.services.iter().any(|s| s.id == *id),
            DataRef::Service(id.clone()),
            data.services.iter().map(|s| s.id.as_str()),
            id,
        ),
        Shortcode::Roles => Ok(data
            .roles
            .iter()
            .map(|r| DataRef::Role(r.code.clone()))
            .collect()),
        Shortcode::Role { code } => found(
            shortcode,
            data.roles.iter().any(|r| r.code == *code),
            DataRef::Role(code.clone()),
            data.roles.iter().map(|r| r.code.as_str()),
            code,
        ),
        Shortcode::Procedure { id } => found(
            shortcode,
            data.procedures.contains_key(id),
            DataRef::Procedure(id.clone()),
            data.procedures.keys().map(String::as_str),
            id,
        ),
    }
}

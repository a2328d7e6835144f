//! Translations: pages a language does not have yet (`translation-missing`), and translations
//! whose source changed after them (`translation-outdated`), by the dates of git history, or
//! of the files outside git.

use std::collections::HashMap;

use super::page_file;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};

pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if !site.config.is_multilingual() {
        return diagnostics;
    }
    let default = &site.config.default_language;
    let sources: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == *default && !p.path.is_empty())
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    for page in &site.pages {
        if page.lang == *default || page.path.is_empty() {
            continue;
        }
        let key = site.config.unprefixed(&page.lang, &page.url);
        let Some(&source) = sources.get(key) else {
            continue;
        };
        let source = &site.pages[source];
        if page.untranslated {
            diagnostics.push(
                Diagnostic::warning(
                    "translation-missing",
                    Location::file(page_file(site, source)),
                    format!(
                        "`{}` has no `{}` translation: `{}` shows this text",
                        source.path, page.lang, page.url
                    ),
                )
                .with_hint(format!(
                    "write content/{} beside it",
                    translation_file(&source.path, &page.lang)
                )),
            );
            continue;
        }
        if let (Some(changed), Some(translated)) = (source.updated, page.updated)
            && changed > translated
        {
            diagnostics.push(
                Diagnostic::warning(
                    "translation-outdated",
                    Location::file(page_file(site, page)),
                    format!(
                        "`{}` changed on {changed}, after this translation (last changed on {translated})",
                        source.path
                    ),
                )
                .with_hint(format!(
                    "bring content/{} up to date with content/{}",
                    page.path, source.path
                )),
            );
        }
    }
    diagnostics
}

/// `billing/faq.md` → `billing/faq.es.md`.
fn translation_file(source: &str, lang: &str) -> String {
    match source.strip_suffix(".md") {
        Some(base) => format!("{base}.{lang}.md"),
        None => format!("{source}.{lang}"),
    }
}

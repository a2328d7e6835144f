//! A site in several languages (`[languages.es]` in `site.toml`). Translations sit beside their
//! source (`page.es.md` next to `page.md`) and take their order, dates and template from it. A
//! page with no translation yet is published in that language anyway, with the default
//! language's text (`untranslated`), so that every page exists at the same path in every
//! language and switching language never lands on a missing page.

use std::collections::{HashMap, HashSet};

use super::tree::build_tree;
use super::{Data, DataRef, Page};
use crate::config::Config;
use crate::markdown;

/// One more language of the site: where its pages start, and its translated data.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Language {
    pub code: String,
    /// Index of its home page in the site's pages.
    pub home: usize,
    /// The default language's data with this language's display text over it.
    pub data: Data,
    /// The page (in this language) where each data item is shown.
    pub placements: HashMap<DataRef, usize>,
    /// `synonyms.<code>.yaml`.
    pub synonyms: Vec<Vec<String>>,
}

/// `page.es` → `("page", Some("es"))` when `es` is one of the site's other languages; any other
/// name is the default language's.
pub fn split_language<'a>(config: &Config, stem: &'a str) -> (&'a str, Option<&'a str>) {
    match stem.rsplit_once('.') {
        Some((base, lang)) if !base.is_empty() && config.languages.contains_key(lang) => {
            (base, Some(lang))
        }
        _ => (stem, None),
    }
}

/// `billing/faq.es.md` → `billing/faq.md`: the file a translation translates.
pub fn source_of(path: &str, lang: &str) -> String {
    match path.strip_suffix(&format!(".{lang}.md")) {
        Some(base) => format!("{base}.md"),
        None => path.to_string(),
    }
}

/// Give translations what belongs to their source (weight, review date, template), drop the
/// translations of drafts (recording them in `drafts`), and add an untranslated copy of every
/// source page a language lacks. Then link each language's pages into a tree, the default
/// language first. Returns the pages and each other language's home.
pub(super) fn arrange(
    config: &Config,
    mut pages: Vec<Page>,
    drafts: &mut Vec<String>,
) -> (Vec<Page>, Vec<usize>) {
    let default = config.default_language.as_str();
    if config.is_multilingual() {
        let sources: HashMap<String, usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lang == default)
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        let draft_files: HashSet<String> = drafts.iter().cloned().collect();
        let mut translated = HashSet::new();
        let mut kept = Vec::with_capacity(pages.len());
        for i in 0..pages.len() {
            let page = &pages[i];
            if page.lang == default {
                kept.push(i);
                continue;
            }
            let key = config.unprefixed(&page.lang, &page.url).to_string();
            if let Some(&source) = sources.get(&key) {
                let front = pages[source].front.clone();
                let page = &mut pages[i];
                page.front.weight = front.weight;
                page.front.review_by = front.review_by;
                page.front.template = front.template;
                translated.insert((page.lang.clone(), key));
                kept.push(i);
            } else if draft_files.contains(&source_of(&page.path, &page.lang)) {
                drafts.push(page.path.clone());
            } else {
                // A page of this language only.
                translated.insert((page.lang.clone(), key));
                pages[i].standalone = true;
                kept.push(i);
            }
        }
        let mut untranslated = Vec::new();
        for lang in config.languages.keys() {
            for &i in sources.values() {
                if !translated.contains(&(lang.clone(), pages[i].url.clone())) {
                    untranslated.push(untranslated_copy(config, &pages[i], lang));
                }
            }
        }
        let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
        pages = kept.into_iter().filter_map(|i| slots[i].take()).collect();
        pages.extend(untranslated);
    }

    let mut by_lang = by_language(pages);
    let mut all = build_tree(
        by_lang.remove(default).unwrap_or_default(),
        config,
        default,
        0,
    );
    let mut homes = Vec::new();
    for lang in config.languages.keys() {
        homes.push(all.len());
        let tree = build_tree(
            by_lang.remove(lang).unwrap_or_default(),
            config,
            lang,
            all.len(),
        );
        all.extend(tree);
    }
    (all, homes)
}

/// The pages of each language. A page is large and 50,000 of them are tens of megabytes: each
/// moves once, into a list made to its language's size, and a site of one language keeps its
/// list (pushed one at a time, the lists grew and moved them again: 0.1 s at 50,000 pages).
fn by_language(pages: Vec<Page>) -> HashMap<String, Vec<Page>> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for page in &pages {
        *counts.entry(page.lang.as_str()).or_default() += 1;
    }
    if counts.len() <= 1 {
        return match pages.first() {
            Some(page) => HashMap::from([(page.lang.clone(), pages)]),
            None => HashMap::new(),
        };
    }
    let mut by_lang: HashMap<String, Vec<Page>> = counts
        .into_iter()
        .map(|(lang, n)| (lang.to_string(), Vec::with_capacity(n)))
        .collect();
    for page in pages {
        by_lang
            .get_mut(&page.lang)
            .expect("every language was counted")
            .push(page);
    }
    by_lang
}

/// `source` published under `lang`'s folder with its own text: links to pages get the folder.
pub fn untranslated_copy(config: &Config, source: &Page, lang: &str) -> Page {
    let prefix = config.prefix(lang);
    let mut page = source.clone();
    page.url = format!("{prefix}{}", source.url);
    page.lang = lang.to_string();
    page.untranslated = true;
    let links_to_pages = source
        .markdown
        .links
        .iter()
        .any(|link| markdown::localize_link(&link.url, &prefix).is_some());
    if links_to_pages {
        page.markdown = markdown::convert_in(
            &source.source[source.body_offset..],
            config.raw_html(),
            &prefix,
            &config.base_path,
        );
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_suffixes_are_the_sites_languages_only() {
        let mut config: Config =
            toml::from_str("title = 'x'\nbase_url = 'https://x.org'\n[languages.es]\n").unwrap();
        config.default_language = "en".into();
        assert_eq!(split_language(&config, "faq.es"), ("faq", Some("es")));
        assert_eq!(split_language(&config, "_index.es"), ("_index", Some("es")));
        assert_eq!(split_language(&config, "v1.2"), ("v1.2", None));
        assert_eq!(split_language(&config, "faq.pt"), ("faq.pt", None));
        assert_eq!(split_language(&config, ".es"), (".es", None));
        assert_eq!(source_of("billing/faq.es.md", "es"), "billing/faq.md");
    }
}

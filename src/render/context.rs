//! What templates see of a page: its summary, breadcrumbs, neighbours, sidebar and its
//! translations.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

use super::theme::Theme;
use crate::content::{Page, PageKind, Site};

/// How many of its section's pages a page's sidebar lists. A section of 500 articles would
/// otherwise put 500 links (and 25 KB) on each of them.
const SECTION_NAV_LINKS: usize = 8;

/// The site's languages as the theme names them, and every page by URL, to find a page's
/// translations.
pub struct Languages {
    /// `(code, name)`, the default language first.
    names: Vec<(String, String)>,
    by_url: HashMap<String, usize>,
}

impl Languages {
    pub fn new(site: &Site, theme: &Theme) -> Languages {
        let names = theme
            .languages
            .iter()
            .map(|l| (l.code.clone(), l.name.clone()))
            .collect::<Vec<_>>();
        // One language: no page has a translation to look up.
        let by_url = if names.len() > 1 {
            site.pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.url.clone(), i))
                .collect()
        } else {
            HashMap::new()
        };
        Languages { names, by_url }
    }

    /// Page `index` in each language that has it (none on a one-language site).
    pub fn translations<'a>(&'a self, site: &'a Site, index: usize) -> Vec<Translation<'a>> {
        let page = &site.pages[index];
        if self.by_url.is_empty() {
            return Vec::new();
        }
        let key = site.config.unprefixed(&page.lang, &page.url);
        self.names
            .iter()
            .filter_map(|(code, name)| {
                let url = format!("{}{key}", site.config.prefix(code));
                let &other = self.by_url.get(&url)?;
                let other = &site.pages[other];
                Some(Translation {
                    lang: code,
                    name,
                    url: site.config.href(&other.url),
                    permalink: site.config.permalink(&other.url),
                    current: *code == page.lang,
                })
            })
            .collect()
    }
}

#[derive(Serialize)]
pub(super) struct Link<'a> {
    title: &'a str,
    url: Cow<'a, str>,
}

/// A link of the breadcrumbs, which structured data also gives as an absolute URL.
#[derive(Serialize)]
pub(super) struct Crumb<'a> {
    title: &'a str,
    url: Cow<'a, str>,
    permalink: String,
}

#[derive(Serialize)]
pub(super) struct Summary<'a> {
    pub(super) title: &'a str,
    /// The link to the page (under the site's base path); `permalink` is the absolute URL.
    pub(super) url: Cow<'a, str>,
    permalink: String,
    description: Option<&'a str>,
    kind: PageKind,
    pub(super) updated: Option<chrono::NaiveDate>,
    weight: i64,
}

/// A page with its content, for the special pages (handbook, sitemap, feed).
#[derive(Serialize)]
pub(super) struct FullPage<'a> {
    #[serde(flatten)]
    pub(super) summary: Summary<'a>,
    pub(super) content: &'a str,
    /// How deep its URL is: 0 for the home page.
    pub(super) depth: usize,
}

#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    #[serde(flatten)]
    pub(super) summary: Summary<'a>,
    content: &'a str,
    /// "On this page": the rendered headings, data blocks' included (`outline`).
    toc: Vec<crate::markdown::Heading>,
    tags: &'a [String],
    review_by: Option<chrono::NaiveDate>,
    content_hash: &'a str,
    /// From the home page down to the parent.
    breadcrumbs: Vec<Crumb<'a>>,
    /// The breadcrumbs and this page as a schema.org `BreadcrumbList`, JSON text for a
    /// `<script type="application/ld+json">` (`<` escaped); none on the home page.
    breadcrumb_list: Option<String>,
    children: Vec<Summary<'a>>,
    /// Whether some child page has no link in this page's content (sections then list them).
    children_unlinked: bool,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    /// URL of the top-level section this page is in, for highlighting the navigation.
    pub(super) top_section: Option<Cow<'a, str>>,
    /// The sidebar: the section this page is in (a section's own pages for a section).
    section_nav: Option<SectionNav<'a>>,
    /// The language of the page's URL, and of its text (the default language's while the page
    /// is `untranslated`).
    lang: &'a str,
    content_lang: &'a str,
    untranslated: bool,
    /// The page in every language that has it, this one included (`hreflang`, the switcher).
    translations: Vec<Translation<'a>>,
}

#[derive(Serialize)]
pub(super) struct Translation<'a> {
    pub(super) lang: &'a str,
    /// What the language calls itself ("Español").
    pub(super) name: &'a str,
    pub(super) url: Cow<'a, str>,
    pub(super) permalink: String,
    pub(super) current: bool,
}

#[derive(Serialize)]
pub(super) struct SectionNav<'a> {
    title: &'a str,
    url: Cow<'a, str>,
    /// Up to [`SECTION_NAV_LINKS`] of the section's pages, around the current one.
    links: Vec<Link<'a>>,
    /// How many pages the section has in all.
    total: usize,
}

/// Indices of the pages depth first from the home page: a section, then its pages and
/// subsections in their order. Pages no section reaches (none today) come last.
pub(super) fn reading_order(site: &Site, lang: &str) -> Vec<usize> {
    let mut order = Vec::with_capacity(site.pages.len());
    let mut seen = vec![false; site.pages.len()];
    let mut stack = vec![site.home_of(lang)];
    while let Some(index) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        order.push(index);
        stack.extend(site.pages[index].children.iter().rev());
    }
    order.extend((0..site.pages.len()).filter(|&i| !seen[i] && site.pages[i].lang == lang));
    order
}

pub(super) fn summary<'a>(site: &'a Site, page: &'a Page) -> Summary<'a> {
    Summary {
        title: page.title(),
        url: site.config.href(&page.url),
        permalink: site.config.permalink(&page.url),
        description: page.front.description.as_deref(),
        kind: page.kind,
        updated: page.updated,
        weight: page.front.weight,
    }
}

pub(super) fn page_context<'a>(
    site: &'a Site,
    languages: &'a Languages,
    index: usize,
    content: &'a str,
) -> PageContext<'a> {
    let page = &site.pages[index];
    let mut breadcrumbs = Vec::new();
    let mut cursor = page.parent;
    while let Some(i) = cursor {
        let url = &site.pages[i].url;
        breadcrumbs.push(Crumb {
            title: site.pages[i].title(),
            url: site.config.href(url),
            permalink: site.config.permalink(url),
        });
        cursor = site.pages[i].parent;
    }
    breadcrumbs.reverse();
    let (prev, next) = match page.parent {
        Some(parent) => {
            let siblings = &site.pages[parent].children;
            let at = siblings
                .iter()
                .position(|&i| i == index)
                .expect("child of its parent");
            (
                at.checked_sub(1).map(|p| link(site, siblings[p])),
                siblings.get(at + 1).map(|&n| link(site, n)),
            )
        }
        None => (None, None),
    };
    let home = site.home_of(&page.lang);
    let top_section = if page.kind == PageKind::Home {
        None
    } else {
        let mut top = index;
        while let Some(parent) = site.pages[top].parent.filter(|&p| p != home) {
            top = parent;
        }
        Some(site.config.href(&site.pages[top].url))
    };
    let section_nav = match page.kind {
        PageKind::Home => None,
        PageKind::Section => Some(section_nav(site, index, None)),
        PageKind::Page => page
            .parent
            .filter(|&p| p != home)
            .map(|p| section_nav(site, p, Some(index))),
    };
    PageContext {
        breadcrumb_list: breadcrumb_list(&breadcrumbs, page.title()),
        summary: summary(site, page),
        content,
        toc: super::outline::outline(content),
        tags: &page.front.tags,
        review_by: page.front.review_by,
        content_hash: &page.content_hash,
        breadcrumbs,
        children: page
            .children
            .iter()
            .map(|&c| summary(site, &site.pages[c]))
            .collect(),
        children_unlinked: page.children.iter().any(|&c| {
            let href = site.config.href(&site.pages[c].url);
            !content.contains(&format!("href=\"{href}\""))
        }),
        prev,
        next,
        top_section,
        section_nav,
        lang: &page.lang,
        content_lang: if page.untranslated {
            &site.config.default_language
        } else {
            &page.lang
        },
        untranslated: page.untranslated,
        translations: languages.translations(site, index),
    }
}

/// A schema.org `BreadcrumbList`: every crumb names its page's absolute URL but the last, this
/// page (schema.org lets it go without `item`).
#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
}

fn breadcrumb_list(crumbs: &[Crumb], title: &str) -> Option<String> {
    if crumbs.is_empty() {
        return None;
    }
    let items = crumbs
        .iter()
        .map(|c| (c.title, Some(c.permalink.as_str())))
        .chain([(title, None)])
        .enumerate()
        .map(|(i, (name, item))| ListItem {
            kind: "ListItem",
            position: i + 1,
            name,
            item,
        })
        .collect();
    let list = BreadcrumbList {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items,
    };
    Some(crate::text::script_json(&list))
}

fn link(site: &Site, index: usize) -> Link<'_> {
    let page = &site.pages[index];
    Link {
        title: page.title(),
        url: site.config.href(&page.url),
    }
}

/// The sidebar of section `section`: a window of its pages around `current`.
fn section_nav(site: &Site, section: usize, current: Option<usize>) -> SectionNav<'_> {
    let children = &site.pages[section].children;
    let at = current
        .and_then(|c| children.iter().position(|&i| i == c))
        .unwrap_or(0);
    let start = at
        .saturating_sub(SECTION_NAV_LINKS / 2)
        .min(children.len().saturating_sub(SECTION_NAV_LINKS));
    SectionNav {
        title: site.pages[section].title(),
        url: site.config.href(&site.pages[section].url),
        links: children[start..]
            .iter()
            .take(SECTION_NAV_LINKS)
            .map(|&i| link(site, i))
            .collect(),
        total: children.len(),
    }
}

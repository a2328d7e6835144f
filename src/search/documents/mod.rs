//! From a loaded [`Site`] to search documents, at the grain a reader wants to land on: one per
//! page (its title and lead), one per heading, one per contact row, role, service and procedure.

use rayon::prelude::*;

use crate::content::{DataRef, Page, Site, resolve_shortcode};
use crate::markdown::{SHORTCODE_MARK, TextSection};
use crate::shortcode::Shortcode;

mod data;

use data::data_documents;
pub use data::{COUNTRY_CODES, country_names};

/// One document of the index.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    /// page, section, contact, role, service or procedure.
    pub kind: &'static str,
    /// Shown as the hit's title.
    pub title: String,
    pub url: String,
    /// Breadcrumbs shown with the hit.
    pub section: String,
    /// What the document is called (weighted highest).
    pub name: String,
    pub keywords: Vec<String>,
    /// Where it lives: breadcrumbs and similar.
    pub context: String,
    pub body: String,
    pub phones: Vec<PhoneDoc>,
    /// ISO codes (uppercase) of a contact row's countries.
    pub countries: Vec<String>,
    /// The language of the document's URL: whose readers search it.
    pub lang: String,
    /// The language of its text (the default language's on an untranslated page).
    pub text_lang: String,
    /// Searched by every language's readers: a page that exists in its language only.
    pub everyone: bool,
    /// A row of the site's primary contact table (`home_contacts` in `[extra]`): what a
    /// query of only a country ("brasil", "chile phone") lands on first.
    pub primary: bool,
    /// The page whose own text this is, as its index in the site's pages: set on a page's
    /// document and its headings', not on the data placed on it. A live rebuild finds an
    /// edited page's documents in the static index by it.
    pub page: Option<u32>,
}

/// The term that marks [`SearchDoc::primary`] documents in the `country` field and the static
/// index: no country code or folded word has a `*`.
pub const PRIMARY_TERM: &str = "*primary";

impl SearchDoc {
    /// Whether readers of `lang` are shown the document.
    pub fn seen_in(&self, lang: &str) -> bool {
        self.everyone || self.lang.is_empty() || self.lang == lang
    }
}

/// A phone number of a contact row.
#[derive(Debug, Clone, Default)]
pub struct PhoneDoc {
    /// As written.
    pub raw: String,
    /// Digit strings a reader may type ([`phone_variants`](super::tokenizers::phone_variants)).
    pub variants: Vec<String>,
    /// Whether the number belongs to one of the row's countries (a Brazilian number on the
    /// Brazil row, not on the Venezuela row that lists it for another service).
    pub home: bool,
}

const CRUMB: &str = " › ";

/// Pages whose documents [`for_each_batch`] makes at a time: about 1,000 documents, a
/// megabyte or two.
const BATCH_PAGES: usize = 256;

/// Every search document of the site, in every language.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for_each_batch(site, |batch| {
        docs.extend(batch);
        Ok::<_, ()>(())
    })
    .expect("infallible");
    docs
}

/// The site's documents in [`documents`]' order, a batch of pages at a time (made in
/// parallel), then the data's. Each index takes them one batch after the other, so that no one
/// holds every document at once: on 10,000 pages they are 40 MB.
pub fn for_each_batch<E>(
    site: &Site,
    mut take: impl FnMut(Vec<SearchDoc>) -> Result<(), E>,
) -> Result<(), E> {
    for (batch, pages) in site.pages.chunks(BATCH_PAGES).enumerate() {
        let first = batch * BATCH_PAGES;
        let per_page: Vec<Vec<SearchDoc>> = (first..first + pages.len())
            .into_par_iter()
            .map(|index| {
                let mut docs = Vec::new();
                page_documents(site, index, &mut docs);
                docs
            })
            .collect();
        take(per_page.into_iter().flatten().collect())?;
    }
    let mut data = Vec::new();
    for lang in site.config.language_codes() {
        data_documents(site, lang, &mut data);
    }
    take(data)
}

/// Titles of the page's ancestors below the home page, then the page itself when `include`.
fn trail(site: &Site, page: &Page, include: bool) -> Vec<String> {
    let mut titles = Vec::new();
    let mut current = page.parent;
    while let Some(i) = current {
        if site.pages[i].parent.is_some() {
            titles.push(site.pages[i].title().to_string());
        }
        current = site.pages[i].parent;
    }
    titles.reverse();
    if include {
        titles.push(page.title().to_string());
    }
    titles
}

/// The documents of the site's page `index`: the page itself and one per heading.
pub fn page_documents(site: &Site, index: usize, docs: &mut Vec<SearchDoc>) {
    let page = &site.pages[index];
    let from = docs.len();
    page_text_documents(site, page, docs);
    let text_lang = if page.untranslated {
        &site.config.default_language
    } else {
        &page.lang
    };
    for doc in &mut docs[from..] {
        doc.lang = page.lang.clone();
        doc.text_lang = text_lang.clone();
        doc.everyone = page.standalone;
        doc.page = Some(index as u32);
    }
}

fn page_text_documents(site: &Site, page: &Page, docs: &mut Vec<SearchDoc>) {
    let md = &page.markdown;
    let crumbs = trail(site, page, false);
    let lead = md
        .sections
        .iter()
        .find(|s| s.heading.is_none())
        .map(|s| with_placed_data(site, page, s))
        .unwrap_or_default();
    let description = page.front.description.clone().unwrap_or_default();
    docs.push(SearchDoc {
        kind: "page",
        title: page.title().to_string(),
        url: page.url.clone(),
        section: crumbs.join(CRUMB),
        name: page.title().to_string(),
        keywords: page.front.tags.clone(),
        context: crumbs.join(" "),
        body: join_text([description.as_str(), lead.as_str()]),
        ..Default::default()
    });

    let mut page_trail = crumbs;
    page_trail.push(page.title().to_string());
    // Open headings above the current one: (level, title).
    let mut open: Vec<(u8, String)> = Vec::new();
    for section in &md.sections {
        let Some(h) = section.heading else { continue };
        let heading = &md.headings[h];
        while open
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            open.pop();
        }
        let mut crumbs = page_trail.clone();
        crumbs.extend(open.iter().map(|(_, t)| t.clone()));
        docs.push(SearchDoc {
            kind: "section",
            title: heading.title.clone(),
            url: format!("{}#{}", page.url, heading.id),
            section: crumbs.join(CRUMB),
            name: heading.title.clone(),
            context: crumbs.join(" "),
            body: with_placed_data(site, page, section),
            ..Default::default()
        });
        open.push((heading.level, heading.title.clone()));
    }
}

fn join_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A section's text with each shortcode's mark replaced by a short description of the data it
/// places (the table's title, the services' names…), so that a section is found by what it
/// shows.
fn with_placed_data(site: &Site, page: &Page, section: &TextSection) -> String {
    // Loading collapsed the section's whitespace already; only placed words need it again.
    if !section.text.contains(SHORTCODE_MARK) {
        return section.text.clone();
    }
    let mut placed = section.shortcodes.iter();
    let mut out = String::with_capacity(section.text.len());
    for (i, part) in section.text.split(SHORTCODE_MARK).enumerate() {
        if i > 0
            && let Some(described) = placed
                .next()
                .and_then(|&k| page.markdown.shortcodes[k].shortcode.as_ref().ok())
                .and_then(|shortcode| describe_shortcode(site, &page.lang, shortcode))
        {
            out.push_str(&described);
        }
        out.push_str(part);
    }
    crate::text::collapse_whitespace(&out)
}

fn describe_shortcode(site: &Site, lang: &str, shortcode: &Shortcode) -> Option<String> {
    let data = site.data_in(lang);
    let items = resolve_shortcode(data, shortcode).ok()?;
    let parts: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            DataRef::Contacts(id) => data
                .contacts
                .get(id)
                .map(|t| join_text([t.title.as_str(), t.description.as_deref().unwrap_or("")])),
            DataRef::Service(id) => data
                .services
                .iter()
                .find(|s| &s.id == id)
                .map(|s| join_text([s.name.as_str(), s.short_name.as_deref().unwrap_or("")])),
            DataRef::Role(code) => data
                .roles
                .iter()
                .find(|r| &r.code == code)
                .map(|r| format!("{} ({})", r.name, r.code)),
            DataRef::Procedure(id) => data
                .procedures
                .get(id)
                .map(|p| join_text([p.title.as_str(), p.summary.as_str()])),
        })
        .collect();
    Some(parts.join(". "))
}

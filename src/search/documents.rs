//! From a loaded [`Site`] to search documents, at the grain a reader wants to land on: one per
//! page (its title and lead), one per heading, one per contact row, role, service and procedure.

use rayon::prelude::*;

use crate::content::data::{ContactRow, ContactTable, Procedure, Role, Service};
use crate::content::{DataRef, Page, Site, resolve_shortcode};
use crate::markdown::{SHORTCODE_MARK, TextSection};
use crate::shortcode::Shortcode;

use super::tokenizers::phone_variants;

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
}

/// The term that marks [`SearchDoc::primary`] documents in the `country` field and the static
/// index: no country code or folded word has a `*`.
pub const PRIMARY_TERM: &str = "*primary";

/// The site's primary contact table as `lang`'s readers see it: `home_contacts`.
fn primary_table<'a>(site: &'a Site, lang: &str) -> Option<&'a str> {
    site.config
        .languages
        .get(lang)
        .and_then(|l| l.extra.get("home_contacts"))
        .or_else(|| site.config.extra.get("home_contacts"))
        .and_then(|v| v.as_str())
}

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
    /// Digit strings a reader may type ([`phone_variants`]).
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
    for pages in site.pages.chunks(BATCH_PAGES) {
        let per_page: Vec<Vec<SearchDoc>> = pages
            .par_iter()
            .map(|page| {
                let mut docs = Vec::new();
                page_documents(site, page, &mut docs);
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

/// The documents of the data placed on `lang`'s pages: contact rows, roles, services,
/// procedures, in that language's text.
fn data_documents(site: &Site, lang: &str, docs: &mut Vec<SearchDoc>) {
    let data = site.data_in(lang);
    let placements = site.placements_in(lang);
    let from = docs.len();
    // Contact tables in the order of the pages that place them (site order breaks ties).
    let mut tables: Vec<(usize, &ContactTable)> = data
        .contacts
        .values()
        .filter_map(|t| Some((*placements.get(&DataRef::Contacts(t.id.clone()))?, t)))
        .collect();
    tables.sort_by_key(|(page, t)| (*page, t.id.clone()));
    for (page, table) in tables {
        for row in &table.rows {
            docs.push(contact_document(site, &site.pages[page], table, row));
        }
    }
    let placed = |item: &DataRef, anchor: &str| placed(site, placements, item, anchor);
    docs.extend(data.roles.iter().filter_map(|r| role_document(&placed, r)));
    docs.extend(
        data.services
            .iter()
            .filter_map(|s| service_document(site, &placed, s)),
    );
    docs.extend(
        data.procedures
            .values()
            .filter_map(|p| procedure_document(&placed, p)),
    );
    let text_lang = match site.language(lang) {
        Some(_) => lang,
        None => site.config.default_language.as_str(),
    };
    for doc in &mut docs[from..] {
        doc.lang = lang.to_string();
        doc.text_lang = text_lang.to_string();
    }
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

/// The documents of one page: the page itself and one per heading.
pub fn page_documents(site: &Site, page: &Page, docs: &mut Vec<SearchDoc>) {
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
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// The page placing `item`, its URL with the item's anchor, and the page's breadcrumbs.
fn placed(
    site: &Site,
    placements: &std::collections::HashMap<DataRef, usize>,
    item: &DataRef,
    anchor: &str,
) -> Option<(String, Vec<String>)> {
    let page = &site.pages[*placements.get(item)?];
    Some((format!("{}#{anchor}", page.url), trail(site, page, true)))
}

fn contact_document(site: &Site, page: &Page, table: &ContactTable, row: &ContactRow) -> SearchDoc {
    let crumbs = trail(site, page, true);
    let mut lines = vec![row.location.clone()];
    let mut phones = Vec::new();
    for (label, list) in [("Toll-free", &row.toll_free), ("Local", &row.local)] {
        if list.is_empty() {
            continue;
        }
        let shown: Vec<String> = list
            .iter()
            .map(|p| match &p.note {
                Some(note) => format!("{} ({note})", p.raw),
                None => p.raw.clone(),
            })
            .collect();
        lines.push(format!("{label}: {}", shown.join(", ")));
        for p in list {
            phones.push(PhoneDoc {
                raw: p.raw.clone(),
                variants: {
                    let mut variants = phone_variants(&p.raw, p.e164.as_deref());
                    // The form that dials now (a number of an old plan): found by it too.
                    if p.dial != p.e164 {
                        for v in phone_variants("", p.dial.as_deref()) {
                            if !variants.contains(&v) {
                                variants.push(v);
                            }
                        }
                    }
                    variants
                },
                home: p
                    .region
                    .as_ref()
                    .is_none_or(|r| row.countries.iter().any(|c| c.eq_ignore_ascii_case(r))),
            });
        }
    }
    if !row.emails.is_empty() {
        lines.push(format!("E-mail: {}", row.emails.join(", ")));
    }
    if let Some(portal) = &row.portal {
        lines.push(format!("Portal: {portal}"));
    }
    if let Some(services) = &row.services {
        lines.push(format!("Services: {services}"));
    }
    if let Some(notes) = &row.notes {
        lines.push(notes.clone());
    }
    let mut keywords: Vec<String> = Vec::new();
    for code in &row.countries {
        keywords.extend(country_names(code).iter().map(|s| s.to_string()));
    }
    for email in &row.emails {
        keywords.push(email.replace(['@', '.', '-', '_'], " "));
    }
    keywords.extend(row.portal.iter().cloned());
    keywords.extend(row.services.iter().cloned());
    let mut context = crumbs.clone();
    context.push(table.title.clone());
    lines.extend(table.description.clone());
    SearchDoc {
        kind: "contact",
        title: format!("{} — {}", row.location, table.title),
        url: format!("{}#{}", page.url, row.anchor),
        section: crumbs.join(CRUMB),
        name: row.location.clone(),
        keywords,
        context: context.join(" "),
        body: lines.join(" · "),
        phones,
        countries: row.countries.clone(),
        primary: primary_table(site, &page.lang) == Some(table.id.as_str()),
        ..Default::default()
    }
}

/// Where a data item is placed: its URL and breadcrumbs (see [`placed`]).
type Placed<'a> = dyn Fn(&DataRef, &str) -> Option<(String, Vec<String>)> + 'a;

fn role_document(placed: &Placed, role: &Role) -> Option<SearchDoc> {
    let item = DataRef::Role(role.code.clone());
    let (url, crumbs) = placed(&item, &item.anchor())?;
    let mut body = vec![role.summary.clone()];
    body.extend(role.responsibilities.iter().cloned());
    if let Some(who) = &role.assigned_to {
        body.push(format!("Assigned to: {who}."));
    }
    if !role.languages.is_empty() {
        body.push(format!("Languages: {}.", role.languages.join(", ")));
    }
    body.extend(role.languages_note.iter().cloned());
    let mut keywords = vec![role.code.clone()];
    keywords.extend(role.aliases.iter().cloned());
    Some(SearchDoc {
        kind: "role",
        title: format!("{} ({})", role.name, role.code),
        url,
        section: crumbs.join(CRUMB),
        name: role.name.clone(),
        keywords,
        context: crumbs.join(" "),
        body: body.join(" "),
        ..Default::default()
    })
}

fn service_document(site: &Site, placed: &Placed, service: &Service) -> Option<SearchDoc> {
    let item = DataRef::Service(service.id.clone());
    let (url, crumbs) = placed(&item, &item.anchor())?;
    let description = crate::markdown::convert(&service.description, site.config.raw_html())
        .sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut keywords: Vec<String> = service.short_name.iter().cloned().collect();
    keywords.extend(service.offerings.iter().cloned());
    Some(SearchDoc {
        kind: "service",
        title: match &service.short_name {
            Some(short) => format!("{} ({short})", service.name),
            None => service.name.clone(),
        },
        url,
        section: crumbs.join(CRUMB),
        name: service.name.clone(),
        keywords,
        context: crumbs.join(" "),
        body: join_text([service.summary.as_str(), description.as_str()]),
        ..Default::default()
    })
}

fn procedure_document(placed: &Placed, procedure: &Procedure) -> Option<SearchDoc> {
    let item = DataRef::Procedure(procedure.id.clone());
    let (url, crumbs) = placed(&item, &item.anchor())?;
    let mut body = vec![procedure.summary.clone()];
    body.extend(
        procedure
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1)),
    );
    body.extend(procedure.rules.iter().cloned());
    body.extend(
        procedure
            .deadlines
            .iter()
            .map(|d| format!("{}: {}.", d.when, d.then)),
    );
    body.extend(procedure.notes.iter().cloned());
    Some(SearchDoc {
        kind: "procedure",
        title: procedure.title.clone(),
        url,
        section: crumbs.join(CRUMB),
        name: procedure.title.clone(),
        context: crumbs.join(" "),
        body: join_text(body.iter().map(String::as_str)),
        ..Default::default()
    })
}

/// Names of a country in English, Spanish and Portuguese (and common abbreviations), by ISO
/// alpha-2 code. Contact rows are indexed under all of them, and the query side uses them to
/// tell that a query names a country.
pub fn country_names(code: &str) -> &'static [&'static str] {
    match code.to_ascii_uppercase().as_str() {
        "AR" => &["Argentina"],
        "BO" => &["Bolivia"],
        "BR" => &["Brazil", "Brasil"],
        "CA" => &["Canada", "Canadá"],
        "CL" => &["Chile"],
        "CO" => &["Colombia", "Colômbia"],
        "CR" => &["Costa Rica"],
        "DO" => &["Dominican Republic", "República Dominicana"],
        "EC" => &["Ecuador", "Equador"],
        "ES" => &["Spain", "España", "Espanha"],
        "GT" => &["Guatemala"],
        "HN" => &["Honduras"],
        "MX" => &["Mexico", "México", "Méjico"],
        "NI" => &["Nicaragua", "Nicarágua"],
        "PA" => &["Panama", "Panamá"],
        "PE" => &["Peru", "Perú"],
        "PR" => &["Puerto Rico", "Porto Rico"],
        "PT" => &["Portugal"],
        "PY" => &["Paraguay", "Paraguai"],
        "SV" => &["El Salvador"],
        // Not "US": it is also the pronoun ("call us").
        "US" => &["USA", "United States", "Estados Unidos", "EUA", "EEUU"],
        "UY" => &["Uruguay", "Uruguai"],
        "VE" => &["Venezuela"],
        _ => &[],
    }
}

/// Every code [`country_names`] knows.
pub const COUNTRY_CODES: &[&str] = &[
    "AR", "BO", "BR", "CA", "CL", "CO", "CR", "DO", "EC", "ES", "GT", "HN", "MX", "NI", "PA", "PE",
    "PR", "PT", "PY", "SV", "US", "UY", "VE",
];

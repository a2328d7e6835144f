//! The documents of a site's data as its pages place it: one per contact row, role, service
//! and procedure, at the anchor of the page that shows it.

use crate::content::data::{ContactRow, ContactTable, Procedure, Role, Service};
use crate::content::{DataRef, Page, Site};

use super::{CRUMB, PhoneDoc, SearchDoc, join_text, trail};
use crate::search::tokenizers::phone_variants;

/// The documents of the data placed on `lang`'s pages: contact rows, roles, services,
/// procedures, in that language's text.
pub(super) fn data_documents(site: &Site, lang: &str, docs: &mut Vec<SearchDoc>) {
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

/// The site's primary contact table as `lang`'s readers see it: `home_contacts`.
fn primary_table<'a>(site: &'a Site, lang: &str) -> Option<&'a str> {
    site.config
        .languages
        .get(lang)
        .and_then(|l| l.extra.get("home_contacts"))
        .or_else(|| site.config.extra.get("home_contacts"))
        .and_then(|v| v.as_str())
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

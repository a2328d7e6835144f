//! Pages and the site's shape: duplicate URLs, unreachable pages, empty sections, missing
//! descriptions and templates, `base_url`.

use std::collections::HashMap;

use super::{front_matter_location, page_file};
use crate::content::{PageKind, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::render::theme_files::ThemeFiles;

/// What concerns the site's shape: settings, URLs, reachability.
pub fn check_site(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    config(site, &mut diagnostics);
    duplicate_urls(site, &mut diagnostics);
    reachability(site, &mut diagnostics);
    diagnostics
}

/// What concerns one page alone (a live rebuild checks the edited pages again).
pub fn check_page(site: &Site, index: usize) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if let Some(page) = site
        .pages
        .get(index)
        .filter(|p| !p.path.is_empty() && !p.untranslated)
    {
        removed_html(site, page, &mut diagnostics);
        if page.kind == PageKind::Section
            && page.children.is_empty()
            && page.markdown.shortcodes.is_empty()
            && page.markdown.sections.iter().all(|s| s.text.is_empty())
        {
            diagnostics.push(
                Diagnostic::warning(
                    "empty-section",
                    front_matter_location(site, page, "title"),
                    format!("the section `{}` has no pages and no text", page.url),
                )
                .with_hint("add pages to its folder or text to its _index.md, or delete it"),
            );
        }
        let has_description = page
            .front
            .description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty());
        let home_default = page.kind == PageKind::Home && !site.config.description.is_empty();
        if !has_description && !home_default {
            diagnostics.push(
                Diagnostic::warning(
                    "missing-description",
                    front_matter_location(site, page, "description"),
                    "the page has no description",
                )
                .with_hint(
                    "add `description: …` to the front matter: one sentence for search results, cards and the meta description",
                ),
            );
        }
        if let Some(template) = &page.front.template
            && !ThemeFiles::exists(&site.config, &format!("templates/{template}"))
        {
            diagnostics.push(
                Diagnostic::error(
                    "missing-template",
                    front_matter_location(site, page, "template"),
                    format!(
                        "the theme `{}` has no template `{template}`",
                        site.config.theme
                    ),
                )
                .with_hint(format!(
                    "add it to {}/templates/ (or use one of the built-in templates), or remove `template:` for the default",
                    site.config.theme_dir()
                        .strip_prefix(&site.config.root)
                        .unwrap_or(&site.config.theme_dir())
                        .display()
                )),
            );
        }
    }
    diagnostics
}

fn config(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let base = &site.config.base_url;
    let absolute = ["https://", "http://"].iter().any(|scheme| {
        base.strip_prefix(scheme)
            .is_some_and(|host| !host.is_empty() && !host.starts_with('/'))
    });
    if !absolute {
        diagnostics.push(
            Diagnostic::error(
                "config",
                site.config.base_url_at.clone(),
                format!("`base_url` must be an absolute URL, not `{base}`"),
            )
            .with_hint("write the address the site is published at, e.g. https://help.example.com"),
        );
    }
    home_contacts(site, diagnostics);
}

/// `home_contacts` in `[extra]` (or a language's `extra`) names the contact table the home
/// page shows: a misspelt one would show nothing, silently.
fn home_contacts(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    const KEY: &str = "home_contacts";
    let config = &site.config;
    let path = config.root.join(crate::config::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let settings = std::iter::once(("extra".to_string(), &config.extra)).chain(
        config
            .languages
            .iter()
            .map(|(code, l)| (format!("languages.{code}.extra"), &l.extra)),
    );
    for (table, extra) in settings {
        let Some(value) = extra.get(KEY) else {
            continue;
        };
        // The key after its table's header (`[extra]`), else wherever it is written.
        let after = text.find(&format!("[{table}]")).unwrap_or(0);
        let location = match text[after..]
            .find(KEY)
            .map(|i| i + after)
            .or_else(|| text.find(KEY))
        {
            Some(offset) => Location::at_offset(&path, &text, offset),
            None => Location::file(&path),
        };
        let tables = &site.data.contacts;
        let problem = match value.as_str() {
            None => format!("`{KEY}` in [{table}] must be the id of a contact table, in quotes"),
            Some(id)
                if tables.contains_key(id)
                    || site.data.unreadable.contains(&format!("contacts/{id}")) =>
            {
                continue;
            }
            Some(id) => format!(
                "`{KEY}` in [{table}] names no contact table `{id}`{}",
                crate::text::did_you_mean(id, tables.keys().map(String::as_str))
            ),
        };
        diagnostics.push(Diagnostic::error("config", location, problem).with_hint(
            "name a file of content/data/contacts/ without .yaml (home_contacts = \"support\" shows content/data/contacts/support.yaml), or remove the line",
        ));
    }
}

/// Two files published at the same URL: the second would overwrite the first.
fn duplicate_urls(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for page in site
        .pages
        .iter()
        .filter(|p| !p.path.is_empty() && !p.untranslated)
    {
        match first.get(page.url.as_str()) {
            Some(other) => diagnostics.push(
                Diagnostic::error(
                    "duplicate-url",
                    Location::at(page_file(site, page), 1, 1),
                    format!(
                        "`{}` and `content/{other}` are both published at `{}`",
                        format_args!("content/{}", page.path),
                        page.url
                    ),
                )
                .with_hint(
                    "rename or move one of them: URLs come from folder and file names, lowercased with accents folded and `_index.md` standing for its folder",
                ),
            ),
            None => {
                first.insert(&page.url, &page.path);
            }
        }
    }
}

/// Pages that navigation does not lead to. The tree links every page to its section, so this
/// finds pages whose section is a draft left out of the build: they are published, but under
/// a generated section page that editors never wrote.
fn reachability(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let draft_sections: Vec<(&str, &str)> = site
        .drafts
        .iter()
        .filter_map(|d| {
            let folder = d.strip_suffix("_index.md")?;
            (!folder.is_empty()).then_some((folder, d.as_str()))
        })
        .collect();
    let mut reached = vec![false; site.pages.len()];
    let mut stack: Vec<usize> = site
        .config
        .language_codes()
        .map(|l| site.home_of(l))
        .collect();
    while let Some(i) = stack.pop() {
        if i < reached.len() && !std::mem::replace(&mut reached[i], true) {
            stack.extend(&site.pages[i].children);
        }
    }
    for (i, page) in site.pages.iter().enumerate() {
        if page.path.is_empty() || page.untranslated {
            continue;
        }
        let draft_section = draft_sections
            .iter()
            .find(|(folder, _)| page.path.starts_with(folder));
        if let Some((_, section)) = draft_section {
            diagnostics.push(
                Diagnostic::warning(
                    "unreachable",
                    Location::at(page_file(site, page), 1, 1),
                    format!(
                        "this page is published, but its section `content/{section}` is a draft"
                    ),
                )
                .with_hint(
                    "mark this page `draft: true` as well, or publish the section; until then readers reach the page only through a generated section page",
                ),
            );
        } else if !reached[i] {
            diagnostics.push(Diagnostic::warning(
                "unreachable",
                Location::at(page_file(site, page), 1, 1),
                format!("no navigation leads to `{}`", page.url),
            ));
        }
    }
}

/// Raw HTML and links taken out of a page by [`crate::sanitize`], one warning each.
fn removed_html(site: &Site, page: &crate::content::Page, diagnostics: &mut Vec<Diagnostic>) {
    for removed in &page.markdown.removed {
        diagnostics.push(
            Diagnostic::warning(
                "html-removed",
                Location::at_offset(
                    page_file(site, page),
                    &page.source,
                    page.body_offset + removed.offset,
                ),
                format!("{} is removed from the published page", removed.what),
            )
            .with_hint(crate::sanitize::HINT),
        );
    }
}

//! The HTML site: one file per page, the theme's special pages, static assets.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::shortcodes::add_tel_links;
use super::theme::{Theme, template_error};
use super::{Renderer, Scope};
use crate::content::{Page, PageKind, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{Staging, file_for_url};

/// Templates rendered once per site when the theme has them, and where they are written.
const SPECIAL_TEMPLATES: &[(&str, &str)] = &[
    ("404.html", "404.html"),
    ("search.html", "search/index.html"),
    ("handbook.html", "handbook/index.html"),
    ("sitemap.xml", "sitemap.xml"),
    ("robots.txt", "robots.txt"),
    ("atom.xml", "atom.xml"),
    ("opensearch.xml", "opensearch.xml"),
];

/// How many pages `recent` (the feed) holds.
const RECENT_PAGES: usize = 20;

/// How many of its section's pages a page's sidebar lists. A section of 500 articles would
/// otherwise put 500 links (and 25 KB) on each of them.
const SECTION_NAV_LINKS: usize = 12;

/// Template contexts built once per build and cloned per page.
pub struct Shared {
    plain: Context,
    with_data: Context,
}

pub struct HtmlRenderer {
    pub theme: Theme,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: &'a str,
    permalink: String,
    description: Option<&'a str>,
    kind: PageKind,
    updated: Option<chrono::NaiveDate>,
    weight: i64,
}

/// A page with its content, for the special pages (handbook, sitemap, feed).
#[derive(Serialize)]
struct FullPage<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    content: &'a str,
    /// How deep its URL is: 0 for the home page.
    depth: usize,
}

#[derive(Serialize)]
struct PageContext<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    content: &'a str,
    toc: &'a [crate::markdown::Heading],
    tags: &'a [String],
    review_by: Option<chrono::NaiveDate>,
    content_hash: &'a str,
    /// From the home page down to the parent.
    breadcrumbs: Vec<Link<'a>>,
    children: Vec<Summary<'a>>,
    /// Whether some child page has no link in this page's content (sections then list them).
    children_unlinked: bool,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    /// URL of the top-level section this page is in, for highlighting the navigation.
    top_section: Option<&'a str>,
    /// The sidebar: the section this page is in (a section's own pages for a section).
    section_nav: Option<SectionNav<'a>>,
}

#[derive(Serialize)]
struct SectionNav<'a> {
    title: &'a str,
    url: &'a str,
    /// Up to [`SECTION_NAV_LINKS`] of the section's pages, around the current one.
    links: Vec<Link<'a>>,
    /// How many pages the section has in all.
    total: usize,
}

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        let shared = self.shared_context(site);
        let contents = tracing::debug_span!("contents").in_scope(|| self.page_contents(site))?;
        let all: Vec<usize>;
        let pages = match scope {
            Scope::Site => {
                all = (0..site.pages.len()).collect();
                &all
            }
            Scope::Pages { edited, .. } => edited,
        };
        // The special pages start beside the others: the handbook, every page in one, is
        // the longest single render and would otherwise run alone at the end.
        let (written, special) = rayon::join(
            || {
                pages
                    .par_iter()
                    .map(|&index| {
                        let html = self.render_page(site, &shared, index, &contents[index])?;
                        let url = &site.pages[index].url;
                        out.write(&file_for_url(url), html.as_bytes())
                            .map_err(|e| io_error(url, e))
                    })
                    .collect::<Vec<Result<(), Diagnostic>>>()
            },
            || {
                let _special = tracing::debug_span!("special").entered();
                self.render_special(site, &shared, &contents)
            },
        );
        collect_errors(written)?;
        for (path, text) in special? {
            out.write(path, text.as_bytes())
                .map_err(|e| vec![io_error(path, e)])?;
        }
        if let Scope::Pages { .. } = scope {
            // Body edits change no asset.
            return Ok(format!("{} pages", pages.len()));
        }
        let copies: Vec<Result<(), Diagnostic>> = self
            .theme
            .static_files
            .par_iter()
            .map(|(from, to)| out.copy(from, to).map_err(|e| io_error(to, e)))
            .chain(site.assets.par_iter().map(|from| {
                let rel = from.strip_prefix(site.config.content_dir()).unwrap_or(from);
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.copy(from, &rel).map_err(|e| io_error(&rel, e))
            }))
            .collect();
        collect_errors(copies)?;
        Ok(format!("{} pages", site.pages.len()))
    }
}

impl HtmlRenderer {
    /// Every page's body: its Markdown HTML with shortcodes filled. The special pages (handbook,
    /// feed) reuse them.
    pub fn page_contents<'a>(&self, site: &'a Site) -> Result<Vec<Cow<'a, str>>, Vec<Diagnostic>> {
        let contents: Vec<Result<Cow<'a, str>, Diagnostic>> = site
            .pages
            .par_iter()
            .map(|page| self.fill_shortcodes(site, page))
            .collect();
        collect_errors(contents)
    }

    /// One page's HTML document.
    pub fn render_page(
        &self,
        site: &Site,
        shared: &Shared,
        index: usize,
        content: &str,
    ) -> Result<String, Diagnostic> {
        let page = &site.pages[index];
        // The site's data is large on a big site: only pages that may show it get a copy.
        let needs_data = page.kind == PageKind::Home || page.front.template.is_some();
        let mut context = if needs_data {
            shared.with_data.clone()
        } else {
            shared.plain.clone()
        };
        context.insert("page", &page_context(site, index, content));
        let template = page.front.template.as_deref().unwrap_or(match page.kind {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        });
        self.render_template(template, &context).map_err(|d| {
            let hint = format!("while rendering `{}` ({})", page.url, page.path);
            d.with_hint(hint)
        })
    }

    /// Render, in memory, one page of each template and the special pages, so that `check`
    /// fails on a template error as `build` does, without rendering the whole site.
    pub fn check_templates(&self, site: &Site) -> Vec<Diagnostic> {
        let shared = self.shared_context(site);
        // A shortcode that names nothing is the loader's error already.
        let contents: Vec<Cow<str>> = site
            .pages
            .iter()
            .map(|page| {
                self.fill_shortcodes(site, page)
                    .unwrap_or(Cow::Borrowed(&page.markdown.html))
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        // A `template:` the theme lacks is `missing-template` already.
        let samples = (0..site.pages.len()).filter(|&i| {
            let page = &site.pages[i];
            let exists = page
                .front
                .template
                .as_deref()
                .is_none_or(|t| self.theme.has_template(t));
            exists && seen.insert((page.kind, page.front.template.clone()))
        });
        let rendered: Vec<Result<String, Diagnostic>> = samples
            .map(|i| self.render_page(site, &shared, i, &contents[i]))
            .collect();
        let mut errors = collect_errors(rendered).err().unwrap_or_default();
        errors.extend(
            self.render_special(site, &shared, &contents)
                .err()
                .unwrap_or_default(),
        );
        errors
    }

    /// What every template sees: the site's settings and the navigation; and, for the home
    /// page, pages with their own template and the special pages, the site's data.
    pub fn shared_context(&self, site: &Site) -> Shared {
        let mut context = Context::new();
        context.insert("site", &site.config);
        context.insert("js_strings", &self.theme.js_strings);
        let home = &site.pages[0];
        let nav: Vec<Value> = home
            .children
            .iter()
            .map(|&i| {
                let section = &site.pages[i];
                serde_json::json!({
                    "title": section.title(),
                    "url": section.url,
                    "description": section.front.description,
                    "is_section": section.is_section(),
                })
            })
            .collect();
        context.insert("nav", &nav);
        let plain = context.clone();
        let mut data = serde_json::to_value(&site.data).expect("serializable");
        add_tel_links(&mut data);
        context.insert("data", &data);
        // Anchor of each placed data item → its URL, so the theme can link to it from anywhere.
        let data_urls: std::collections::BTreeMap<String, String> = site
            .placements
            .keys()
            .filter_map(|item| {
                let anchor = item.anchor();
                Some((anchor.clone(), site.data_url(item, &anchor)?))
            })
            .collect();
        context.insert("data_urls", &data_urls);
        Shared {
            plain,
            with_data: context,
        }
    }

    pub(super) fn render_template(
        &self,
        name: &str,
        context: &Context,
    ) -> Result<String, Diagnostic> {
        self.theme
            .tera
            .render(name, context)
            .map_err(|e| template_error(&self.theme.dir.join("templates").join(name), &e))
    }

    /// The theme's special pages (404, search, handbook, sitemap, feed…) as `(path, text)`.
    pub fn render_special(
        &self,
        site: &Site,
        shared: &Shared,
        contents: &[Cow<str>],
    ) -> Result<Vec<(&'static str, String)>, Vec<Diagnostic>> {
        let present: Vec<&(&str, &str)> = SPECIAL_TEMPLATES
            .iter()
            .filter(|(t, _)| self.theme.has_template(t))
            .collect();
        if present.is_empty() {
            return Ok(Vec::new());
        }
        let mut context = shared.with_data.clone();
        // In reading order (each section followed by its pages), for the handbook and sitemap.
        // Borrowed, so that the context holds the only copy of every page's content.
        let pages: Vec<FullPage> = reading_order(site)
            .into_iter()
            .map(|index| {
                let page = &site.pages[index];
                FullPage {
                    summary: summary(site, page),
                    content: &contents[index],
                    depth: page.url.matches('/').count() - 1,
                }
            })
            .collect();
        context.insert("pages", &pages);
        // The most recently updated pages first, for feeds.
        let mut recent: Vec<&FullPage> = pages
            .iter()
            .filter(|p| p.summary.updated.is_some())
            .collect();
        recent.sort_by_key(|p| std::cmp::Reverse(p.summary.updated));
        recent.truncate(RECENT_PAGES);
        context.insert("recent", &recent);
        let results: Vec<Result<(&'static str, String), Diagnostic>> = present
            .par_iter()
            .map(|(template, path)| Ok((*path, self.render_template(template, &context)?)))
            .collect();
        collect_errors(results)
    }
}

/// Indices of the pages depth first from the home page: a section, then its pages and
/// subsections in their order. Pages no section reaches (none today) come last.
fn reading_order(site: &Site) -> Vec<usize> {
    let mut order = Vec::with_capacity(site.pages.len());
    let mut seen = vec![false; site.pages.len()];
    let mut stack = vec![0];
    while let Some(index) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        order.push(index);
        stack.extend(site.pages[index].children.iter().rev());
    }
    order.extend((0..site.pages.len()).filter(|&i| !seen[i]));
    order
}

fn summary<'a>(site: &'a Site, page: &'a Page) -> Summary<'a> {
    Summary {
        title: page.title(),
        url: &page.url,
        permalink: site.config.permalink(&page.url),
        description: page.front.description.as_deref(),
        kind: page.kind,
        updated: page.updated,
        weight: page.front.weight,
    }
}

fn page_context<'a>(site: &'a Site, index: usize, content: &'a str) -> PageContext<'a> {
    let page = &site.pages[index];
    let mut breadcrumbs = Vec::new();
    let mut cursor = page.parent;
    while let Some(i) = cursor {
        breadcrumbs.push(Link {
            title: site.pages[i].title(),
            url: &site.pages[i].url,
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
            let link = |i: usize| Link {
                title: site.pages[i].title(),
                url: &site.pages[i].url,
            };
            (
                at.checked_sub(1).map(|p| link(siblings[p])),
                siblings.get(at + 1).map(|&n| link(n)),
            )
        }
        None => (None, None),
    };
    let top_section = if page.kind == PageKind::Home {
        None
    } else {
        let mut top = index;
        while let Some(parent) = site.pages[top].parent.filter(|&p| p != 0) {
            top = parent;
        }
        Some(site.pages[top].url.as_str())
    };
    let section_nav = match page.kind {
        PageKind::Home => None,
        PageKind::Section => Some(section_nav(site, index, None)),
        PageKind::Page => page
            .parent
            .filter(|&p| p != 0)
            .map(|p| section_nav(site, p, Some(index))),
    };
    PageContext {
        summary: summary(site, page),
        content,
        toc: &page.markdown.headings,
        tags: &page.front.tags,
        review_by: page.front.review_by,
        content_hash: &page.content_hash,
        breadcrumbs,
        children: page
            .children
            .iter()
            .map(|&c| summary(site, &site.pages[c]))
            .collect(),
        children_unlinked: page
            .children
            .iter()
            .any(|&c| !content.contains(&format!("href=\"{}\"", site.pages[c].url))),
        prev,
        next,
        top_section,
        section_nav,
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
        url: &site.pages[section].url,
        links: children[start..]
            .iter()
            .take(SECTION_NAV_LINKS)
            .map(|&i| Link {
                title: site.pages[i].title(),
                url: &site.pages[i].url,
            })
            .collect(),
        total: children.len(),
    }
}

fn io_error(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "io",
        Location::file(what),
        format!("cannot write the output: {e}"),
    )
}

/// The values, or every distinct error: a template error repeated on many pages is one
/// error, whose hint names the first page and counts the others.
fn collect_errors<T>(results: Vec<Result<T, Diagnostic>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut ok = Vec::with_capacity(results.len());
    let mut errors: Vec<(Diagnostic, usize)> = Vec::new();
    for result in results {
        match result {
            Ok(v) => ok.push(v),
            Err(e) => match errors.iter_mut().find(|(first, _)| {
                (first.code, &first.message, &first.location) == (e.code, &e.message, &e.location)
            }) {
                Some((_, again)) => *again += 1,
                None => errors.push((e, 0)),
            },
        }
    }
    if errors.is_empty() {
        return Ok(ok);
    }
    Err(errors
        .into_iter()
        .map(|(mut d, again)| {
            if again > 0 {
                let others = crate::diagnostics::plural(again, "other page");
                d.hint = Some(format!("{}, and on {others}", d.hint.unwrap_or_default()));
            }
            d
        })
        .collect())
}

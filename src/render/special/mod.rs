//! The theme's special pages: 404, search, handbook, feed and OpenSearch description in each
//! language; the sitemap and robots.txt once per site. Each file stays small enough for a
//! phone and a crawler: a handbook beyond [`HANDBOOK_PART_BYTES`] is published in parts, a
//! sitemap beyond [`sitemap::SITEMAP_URLS`] as a sitemap index over several sitemaps.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

mod sitemap;

use super::context::{FullPage, reading_order, summary};
use super::html::{HtmlRenderer, Shared, collect_errors};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use sitemap::{SITEMAP_URLS, sitemap_entries, sitemap_files};

/// Templates rendered once per language when the theme has them, and where they are written
/// (under the language's folder). The handbook may be several files (see [`handbook_parts`]).
const LANGUAGE_TEMPLATES: &[(&str, &str)] = &[
    ("404.html", "404.html"),
    ("search.html", "search/index.html"),
    ("atom.xml", "atom.xml"),
    ("opensearch.xml", "opensearch.xml"),
];

/// Page HTML one handbook file holds at most (its markup comes on top): a part of a few
/// megabytes still opens on a phone. A smaller handbook is one file, as it prints best.
const HANDBOOK_PART_BYTES: usize = 4 << 20;

/// How many pages `recent` (the feed) holds.
const RECENT_PAGES: usize = 20;

/// One file of the handbook: a top-level section's pages, or a stretch of them.
#[derive(Serialize, Clone, PartialEq, Debug)]
pub(super) struct Part {
    title: String,
    /// `2` for the second file of one section's pages.
    number: usize,
    url: String,
    permalink: String,
    pages: usize,
    #[serde(skip)]
    range: std::ops::Range<usize>,
    /// The section's URL, which parts of one section share.
    #[serde(skip)]
    section: String,
    /// Where it is written, under the language's folder (`handbook/billing/index.html`).
    #[serde(skip)]
    file: String,
}

/// What one special file adds to its language's context. A handbook part's variables hold its
/// pages' bodies and a sitemap's up to 10,000 entries, so they are added just before rendering
/// and removed with [`JOB_VARIABLES`] once the file is rendered.
enum Job<'a> {
    /// The context as it is.
    Plain,
    /// The feed, with the most recently updated pages.
    Feed(Vec<&'a FullPage<'a>>),
    /// One sitemap of `entries`, which lists the handbooks when `handbooks`.
    Sitemap {
        entries: &'a [Value],
        handbooks: bool,
    },
    /// The sitemap index, with the URL of each sitemap.
    SitemapIndex(Vec<String>),
    /// The handbook's contents file (`part` is `None`) or one of its parts.
    Handbook {
        pages: &'a [FullPage<'a>],
        parts: &'a [Part],
        part: Option<usize>,
    },
}

/// Every variable a [`Job`] adds.
const JOB_VARIABLES: &[&str] = &[
    "recent",
    "all_pages",
    "handbooks",
    "sitemaps",
    "pages",
    "parts",
    "part",
    "prev_part",
    "next_part",
];

impl Job<'_> {
    fn add_to(&self, context: &mut Context) {
        match self {
            Job::Plain => {}
            Job::Feed(recent) => context.insert("recent", recent),
            Job::Sitemap { entries, handbooks } => {
                context.insert("all_pages", entries);
                context.insert("handbooks", handbooks);
            }
            Job::SitemapIndex(listed) => context.insert("sitemaps", listed),
            Job::Handbook { pages, parts, part } => match part {
                None if parts.is_empty() => context.insert("pages", pages),
                None => {
                    context.insert("pages", &[] as &[FullPage]);
                    context.insert("parts", parts);
                }
                Some(i) => {
                    let part = &parts[*i];
                    context.insert("pages", &pages[part.range.clone()]);
                    context.insert("parts", parts);
                    context.insert("part", part);
                    if let Some(prev) = i.checked_sub(1) {
                        context.insert("prev_part", &parts[prev]);
                    }
                    if let Some(next) = parts.get(i + 1) {
                        context.insert("next_part", next);
                    }
                }
            },
        }
    }
}

/// Where a rendered special file goes: `(path, text)`.
pub type Sink<'s> = &'s (dyn Fn(&str, &str) -> Result<(), Diagnostic> + Sync);

/// Each language's handbook parts, as [`HtmlRenderer::render_special_of`] made them.
pub type HandbookParts = HashMap<String, Vec<Part>>;

/// The files of the handbook parts in `before` that `now` no longer has.
pub fn removed_parts(site: &Site, before: &HandbookParts, now: &HandbookParts) -> Vec<String> {
    let mut gone = Vec::new();
    for (lang, parts) in before {
        let kept = now.get(lang).map_or(&[][..], Vec::as_slice);
        for part in parts
            .iter()
            .filter(|p| kept.iter().all(|k| k.file != p.file))
        {
            gone.push(format!("{}{}", site.config.folder(lang), part.file));
        }
    }
    gone
}

/// What a live rebuild changed since the special pages were last rendered.
#[derive(Clone, Copy)]
pub struct Changes<'a> {
    /// The pages edited (indexes into the site's pages).
    pub edited: &'a [usize],
    /// The handbook parts the output holds: a part is rendered again when it holds an edited
    /// page, or when the parts are not these any more.
    pub parts: &'a HandbookParts,
}

impl HtmlRenderer {
    /// Render the special pages of every language and the site's, listing at most `limit`
    /// pages per language, and hand each file to `sink` as soon as it is rendered; after
    /// `changes` (`None`: everything changed), only the handbook parts they touch. Returns the
    /// handbook's parts.
    pub(super) fn render_special_of(
        &self,
        site: &Site,
        shared: &Shared,
        contents: &[Cow<str>],
        limit: usize,
        changes: Option<Changes>,
        sink: Sink,
    ) -> Result<HandbookParts, Vec<Diagnostic>> {
        type Language<'a> = (&'a str, String, Vec<usize>, Vec<FullPage<'a>>, Vec<Part>);
        let languages: Vec<Language> = self
            .theme
            .languages
            .iter()
            .map(|theme| {
                let lang = theme.code.as_str();
                let order: Vec<usize> = reading_order(site, lang).into_iter().take(limit).collect();
                let pages = full_pages(site, lang, &order, contents);
                let parts = handbook_parts(site, lang, &pages);
                (lang, site.config.folder(lang), order, pages, parts)
            })
            .collect();
        let mut jobs: Vec<(&str, &str, String, Job)> = Vec::new();
        for (lang, folder, order, pages, parts) in &languages {
            for (template, path) in LANGUAGE_TEMPLATES {
                if self.theme.has_template(template) {
                    let job = match *template {
                        "atom.xml" => Job::Feed(recent(pages)),
                        _ => Job::Plain,
                    };
                    jobs.push((lang, template, format!("{folder}{path}"), job));
                }
            }
            if self.theme.has_template("handbook.html") {
                let job = |part| Job::Handbook { pages, parts, part };
                let contents = format!("{folder}handbook/index.html");
                jobs.push((lang, "handbook.html", contents, job(None)));
                let moved = changes.is_none_or(|c| c.parts.get(*lang) != Some(parts));
                for (i, part) in parts.iter().enumerate() {
                    let edited = changes.is_none_or(|c| {
                        order[part.range.clone()]
                            .iter()
                            .any(|page| c.edited.contains(page))
                    });
                    if moved || edited {
                        let path = format!("{folder}{}", part.file);
                        jobs.push((lang, "handbook.html", path, job(Some(i))));
                    }
                }
            }
        }
        let default = site.config.default_language.as_str();
        let entries;
        if self.theme.has_template("sitemap.xml") {
            entries = sitemap_entries(site, shared, limit);
            for (path, template, job) in sitemap_files(&site.config, &entries, SITEMAP_URLS) {
                jobs.push((default, template, path, job));
            }
        }
        if self.theme.has_template("robots.txt") {
            jobs.push((default, "robots.txt", "robots.txt".into(), Job::Plain));
        }
        // Each thread copies a language's context (its data included: tens of megabytes on a
        // big site) once, not once per file, and takes a file's variables out again after it.
        let results: Vec<Result<(), Diagnostic>> = jobs
            .into_par_iter()
            .map_init(HashMap::new, |copies, (lang, template, path, job)| {
                let context: &mut Context = copies
                    .entry(lang)
                    .or_insert_with(|| shared.with_data(site, lang).clone());
                job.add_to(context);
                let text = self.render_template(template, lang, context);
                for name in JOB_VARIABLES {
                    context.remove(name);
                }
                sink(&path, &text?)
            })
            .collect();
        collect_errors(results)?;
        Ok(languages
            .into_iter()
            .map(|(lang, _, _, _, parts)| (lang.to_string(), parts))
            .collect())
    }
}

/// The pages at `order` with their content. Borrowed, so that a context holds the only copy.
fn full_pages<'a>(
    site: &'a Site,
    lang: &str,
    order: &[usize],
    contents: &'a [Cow<str>],
) -> Vec<FullPage<'a>> {
    // The depth of a page below its language's home (`/es/billing/` is 1, as `/billing/`).
    let home_depth = site.config.folder(lang).matches('/').count() + 1;
    order
        .iter()
        .map(|&index| {
            let page = &site.pages[index];
            FullPage {
                summary: summary(site, page),
                content: &contents[index],
                depth: page.url.matches('/').count() - home_depth,
            }
        })
        .collect()
}

/// The most recently updated pages first, for feeds.
fn recent<'p, 'a>(pages: &'p [FullPage<'a>]) -> Vec<&'p FullPage<'a>> {
    let mut recent: Vec<&FullPage> = pages
        .iter()
        .filter(|p| p.summary.updated.is_some())
        .collect();
    recent.sort_by_key(|p| std::cmp::Reverse(p.summary.updated));
    recent.truncate(RECENT_PAGES);
    recent
}

/// `pages` (in reading order) cut into parts: each top-level section with its pages (the home
/// page goes with the first), a section whose pages outgrow [`HANDBOOK_PART_BYTES`] cut into
/// several parts. One part when everything fits.
fn handbook_parts(site: &Site, lang: &str, pages: &[FullPage]) -> Vec<Part> {
    let total: usize = pages.iter().map(|p| p.content.len()).sum();
    if total <= HANDBOOK_PART_BYTES {
        return Vec::new();
    }
    let prefix = site.config.prefix(lang);
    let mut parts: Vec<Part> = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, page) in pages.iter().enumerate() {
        let starts_section = page.depth == 1;
        let full = bytes + page.content.len() > HANDBOOK_PART_BYTES;
        if i > start && (full || (starts_section && pages[start..i].iter().any(|p| p.depth >= 1))) {
            parts.push(new_part(site, &prefix, pages, start..i, &parts));
            (start, bytes) = (i, 0);
        }
        bytes += page.content.len();
    }
    parts.push(new_part(site, &prefix, pages, start..pages.len(), &parts));
    parts
}

/// The part of `pages[range]`, named after the section its first page is in.
fn new_part(
    site: &Site,
    prefix: &str,
    pages: &[FullPage],
    range: std::ops::Range<usize>,
    before: &[Part],
) -> Part {
    // The section: the nearest page at depth 1 at or before the start, else (the home page
    // starts the first part) the first in the part.
    let section = pages[..=range.start]
        .iter()
        .rev()
        .chain(&pages[range.clone()])
        .find(|p| p.depth == 1)
        .unwrap_or(&pages[range.start]);
    let slug = section
        .summary
        .url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("home")
        .to_string();
    let number = 1 + before
        .iter()
        .filter(|p| p.section == section.summary.url)
        .count();
    let folder = if number == 1 {
        slug
    } else {
        format!("{slug}-{number}")
    };
    let path = format!("{prefix}/handbook/{folder}/");
    let file = format!("handbook/{folder}/index.html");
    Part {
        title: section.summary.title.to_string(),
        number,
        url: site.config.href(&path).into_owned(),
        permalink: site.config.permalink(&path),
        pages: range.len(),
        range,
        section: section.summary.url.to_string(),
        file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_adds_only_variables_that_are_taken_out_after_it() {
        let part = |number| Part {
            title: "Billing".into(),
            number,
            url: format!("/handbook/billing-{number}/"),
            permalink: String::new(),
            pages: 0,
            range: 0..0,
            section: "/billing/".into(),
            file: String::new(),
        };
        let parts = [part(1), part(2), part(3)];
        let entries = [serde_json::json!({ "n": 1 })];
        let jobs = [
            Job::Plain,
            Job::Feed(Vec::new()),
            Job::Sitemap {
                entries: &entries,
                handbooks: true,
            },
            Job::SitemapIndex(vec!["https://x.org/sitemap-1.xml".into()]),
            Job::Handbook {
                pages: &[],
                parts: &[],
                part: None,
            },
            Job::Handbook {
                pages: &[],
                parts: &parts,
                part: None,
            },
            Job::Handbook {
                pages: &[],
                parts: &parts,
                part: Some(1),
            },
        ];
        let mut added = std::collections::BTreeSet::new();
        for job in &jobs {
            let mut context = Context::new();
            context.insert("site", "kept");
            job.add_to(&mut context);
            let Value::Object(variables) = context.clone().into_json() else {
                panic!("a context is an object");
            };
            added.extend(variables.keys().filter(|k| *k != "site").cloned());
            for name in JOB_VARIABLES {
                context.remove(name);
            }
            assert_eq!(context.into_json(), serde_json::json!({ "site": "kept" }));
        }
        assert_eq!(
            added.len(),
            JOB_VARIABLES.len(),
            "every listed variable is one a job adds"
        );
    }
}

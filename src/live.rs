//! Live builds for `serve`: the last build stays in memory, so after an edit to one page only
//! that page is loaded, rendered and written again. Anything that can change other pages
//! (front matter, shortcodes, data, templates, config, added or removed files) falls back to a
//! full build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, BuildFailure, BuildOptions, BuildReport};
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::output::Staging;
use crate::output::{META_DIR, write_live};
use crate::render::HtmlRenderer;
use crate::render::manifest::{MANIFEST_FILE, Manifest};
use crate::search::{
    self,
    static_index::{self, STATIC_DIR},
};

pub struct LiveBuild {
    options: BuildOptions,
    site: Site,
    html: HtmlRenderer,
}

/// What a rebuild did.
#[derive(Debug)]
pub enum Rebuilt {
    /// Only these page URLs were rendered again.
    Pages {
        urls: Vec<String>,
        elapsed: Duration,
    },
    Full(BuildReport),
}

impl LiveBuild {
    /// A full build, kept for later incremental rebuilds.
    pub fn new(options: BuildOptions) -> Result<(LiveBuild, BuildReport), BuildFailure> {
        let built = build::build_keeping(&options)?;
        Ok((
            LiveBuild {
                options,
                site: built.site,
                html: built.html,
            },
            built.report,
        ))
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Bring the output up to date after `changed` files changed. On failure the output keeps
    /// the last good build.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, BuildFailure> {
        let started = Instant::now();
        match self.try_pages(changed) {
            Some(result) => {
                let urls = result?;
                Ok(Rebuilt::Pages {
                    urls,
                    elapsed: started.elapsed(),
                })
            }
            None => {
                let (live, report) = LiveBuild::new(self.options.clone())?;
                *self = live;
                Ok(Rebuilt::Full(report))
            }
        }
    }

    /// Rebuild only the changed pages, or `None` when the change needs a full build.
    fn try_pages(&mut self, changed: &[PathBuf]) -> Option<Result<Vec<String>, BuildFailure>> {
        let content = self.site.config.content_dir();
        let mut updates = Vec::new();
        for path in changed {
            let path = absolute(path);
            if path.extension().is_none_or(|e| e != "md")
                || !path.starts_with(&content)
                || !path.is_file()
            {
                return None;
            }
            let rel = path
                .strip_prefix(&content)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let index = self.site.pages.iter().position(|p| p.path == rel)?;
            let page = match content::load_page(
                &self.site.config,
                &path,
                LoadOptions {
                    drafts: self.options.drafts,
                },
            ) {
                Ok(Some(page)) => page,
                Ok(None) => return None,
                Err(d) => {
                    return Some(Err(BuildFailure {
                        diagnostics: vec![d],
                    }));
                }
            };
            let old = &self.site.pages[index];
            // Front matter feeds navigation, section lists and feeds; shortcodes feed placements.
            if page.front != old.front
                || page.markdown.shortcodes.len() != old.markdown.shortcodes.len()
            {
                return None;
            }
            let same_shortcodes = page
                .markdown
                .shortcodes
                .iter()
                .zip(&old.markdown.shortcodes)
                .all(|(a, b)| a.name == b.name && a.args == b.args);
            if !same_shortcodes {
                return None;
            }
            updates.push((index, page));
        }
        if updates.is_empty() {
            return None;
        }
        Some(self.apply(updates))
    }

    fn apply(&mut self, updates: Vec<(usize, content::Page)>) -> Result<Vec<String>, BuildFailure> {
        // Swap the new pages in; on failure swap the old ones back, so the site in memory always
        // matches the output on disk.
        let mut previous = Vec::with_capacity(updates.len());
        for (index, mut page) in updates {
            let old = &self.site.pages[index];
            page.parent = old.parent;
            page.children = old.children.clone();
            page.kind = old.kind;
            previous.push((index, std::mem::replace(&mut self.site.pages[index], page)));
        }
        // Search documents of the old versions: the page and one per heading.
        let stale: Vec<String> = previous
            .iter()
            .flat_map(|(_, old)| {
                std::iter::once(old.url.clone()).chain(
                    old.markdown
                        .headings
                        .iter()
                        .map(|h| format!("{}#{}", old.url, h.id)),
                )
            })
            .collect();
        // A body edit can break a link: the edited pages' links are checked, and a broken
        // one keeps the last good page served, as a full build would.
        let broken: Vec<Diagnostic> = tracing::debug_span!("links").in_scope(|| {
            crate::check::links::check_pages(&self.site, previous.iter().map(|(i, _)| *i))
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect()
        });
        let result = if broken.is_empty() {
            self.write_pages(previous.iter().map(|(i, _)| *i), &stale)
        } else {
            Err(BuildFailure {
                diagnostics: broken,
            })
        };
        if result.is_err() {
            for (index, page) in previous {
                self.site.pages[index] = page;
            }
        }
        result
    }

    fn write_pages(
        &self,
        indexes: impl Iterator<Item = usize>,
        stale: &[String],
    ) -> Result<Vec<String>, BuildFailure> {
        let site = &self.site;
        let output = self.options.output_dir();
        let fail = |diagnostics: Vec<Diagnostic>| BuildFailure { diagnostics };
        let io = |what: &str, e: std::io::Error| {
            fail(vec![Diagnostic::error(
                "io",
                Location::file(what),
                e.to_string(),
            )])
        };

        // The edited pages first, so the reader waiting on one sees it as soon as possible.
        let shared = self.html.shared_context(site);
        let mut urls = Vec::new();
        let mut pages = Vec::new();
        for index in indexes {
            let page = &site.pages[index];
            let content = self
                .html
                .fill_shortcodes(site, page)
                .map_err(|d| fail(vec![d]))?;
            let html = self
                .html
                .render_page(site, &shared, index, &content)
                .map_err(|d| fail(vec![d]))?;
            pages.push((crate::output::file_for_url(&page.url), html));
            urls.push(page.url.clone());
        }
        for (path, text) in &pages {
            write_live(&output, path, text.as_bytes()).map_err(|e| io(path, e))?;
        }
        // Then what shows every page's text (handbook, feed), the manifest and search.
        let contents = self.html.page_contents(site).map_err(fail)?;
        let mut files: Vec<(String, String)> = Vec::new();
        for (path, text) in self
            .html
            .render_special(site, &shared, &contents)
            .map_err(fail)?
        {
            files.push((path.to_string(), text));
        }
        files.push((
            format!("{META_DIR}/{MANIFEST_FILE}"),
            serde_json::to_string(&Manifest::of(site)).expect("serializable"),
        ));
        for (path, text) in &files {
            write_live(&output, path, text.as_bytes()).map_err(|e| io(path, e))?;
        }
        self.update_search(&urls, stale)
            .map_err(|e| io("search index", e))?;
        Ok(urls)
    }

    /// Replace the edited pages' documents in the tantivy index, and rewrite the static index
    /// (its postings number documents by position, so it is regenerated whole; it is small).
    fn update_search(&self, urls: &[String], stale: &[String]) -> std::io::Result<()> {
        let site = &self.site;
        let output = self.options.output_dir();
        let mut docs = Vec::new();
        for url in urls {
            if let Some(page) = site.page_by_url(url) {
                search::documents::page_documents(site, page, &mut docs);
            }
        }
        search::replace_documents(&output.join(META_DIR), stale, &docs, &site.config.language)
            .map_err(std::io::Error::other)?;

        let staging = Staging::new(&output.join(".static-search"))?;
        static_index::write(site, &search::documents::documents(site), &staging)
            .map_err(|d| std::io::Error::other(d[0].to_string()))?;
        let live = output.join(STATIC_DIR);
        let old = output.join(format!(".{STATIC_DIR}.old"));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&live, &old)?;
        std::fs::rename(staging.dir().join(STATIC_DIR), &live)?;
        std::fs::remove_dir_all(&old)
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

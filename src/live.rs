//! Live builds for `serve`: an incremental rebuild is a mode of the one build pipeline. The
//! last build stays in memory; after edits that change only page bodies, the dirty set is the
//! edited pages (rendered again), the pages that link to them (checked again, since a heading
//! may have moved), and what shows every page (special pages, manifest, search). The same
//! renderers write it into an overlay staging folder, committed through the same step as a
//! full build, and only when loading and every check found no error. Anything else (front
//! matter, shortcodes, data, templates, config, added or removed files) is a full build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::build::{self, BuildFailure, BuildOptions, BuildReport};
use crate::check::Checks;
use crate::check::links::linking_to;
use crate::content::{self, LoadOptions, Page, Site};
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::render::{HtmlRenderer, IndexRenderer, Scope};
use crate::search::documents::{SearchDoc, page_documents};

pub struct LiveBuild {
    options: BuildOptions,
    site: Site,
    html: HtmlRenderer,
    index: IndexRenderer,
    loaded: Vec<Diagnostic>,
    checks: Checks,
    /// Files changed since the last good build: a failed rebuild's changes are still to do.
    pending: Vec<PathBuf>,
    /// Whether the output's special pages lag behind the pages (a live rebuild failed half
    /// way): the next rebuild is a full one.
    stale: bool,
}

/// What a rebuild did.
#[derive(Debug)]
pub enum Rebuilt {
    /// Only the pages with these URLs were rendered again.
    Pages {
        urls: Vec<String>,
        report: BuildReport,
    },
    Full(BuildReport),
}

impl Rebuilt {
    pub fn report(&self) -> &BuildReport {
        match self {
            Rebuilt::Pages { report, .. } | Rebuilt::Full(report) => report,
        }
    }
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
                index: built.index,
                loaded: built.loaded,
                checks: built.checks,
                pending: Vec::new(),
                stale: false,
            },
            built.report,
        ))
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Bring the output up to date after `changed` files changed. On failure the output keeps
    /// the last good build, and so does the site in memory.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, BuildFailure> {
        self.pending.extend_from_slice(changed);
        self.pending.sort();
        self.pending.dedup();
        let incremental = if self.stale {
            None
        } else {
            self.edited_bodies(&self.pending)
        };
        let result = match incremental {
            Some(updates) => self.rebuild_pages(updates),
            None => LiveBuild::new(self.options.clone()).map(|(live, report)| {
                *self = live;
                Rebuilt::Full(report)
            }),
        };
        if result.is_ok() {
            self.pending.clear();
        }
        result
    }

    /// The changed pages loaded again, when every change is to the body of an existing page
    /// (same front matter, same shortcodes); `None` when the change needs a full build.
    fn edited_bodies(&self, changed: &[PathBuf]) -> Option<Vec<(usize, Page)>> {
        let content = self.site.config.content_dir();
        let mut updates = Vec::new();
        for path in changed {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            if path.extension().is_none_or(|e| e != "md")
                || !path.starts_with(&content)
                || !path.is_file()
            {
                return None;
            }
            let rel = content::relative(&content, &path);
            let options = LoadOptions {
                drafts: self.options.drafts,
            };
            // A page that no longer loads is a full build's to report, with what follows.
            let source = content::load_page(&self.site.config, &path, options).ok()??;
            // The file's page, and its copies in the languages that have no translation of it.
            let mut found = false;
            for (index, old) in self.site.pages.iter().enumerate() {
                if old.path != rel {
                    continue;
                }
                found = true;
                let page = if old.untranslated {
                    content::languages::untranslated_copy(&self.site.config, &source, &old.lang)
                } else {
                    source.clone()
                };
                let same_shortcodes = page.markdown.shortcodes.len()
                    == old.markdown.shortcodes.len()
                    && page
                        .markdown
                        .shortcodes
                        .iter()
                        .zip(&old.markdown.shortcodes)
                        .all(|(a, b)| a.shortcode == b.shortcode);
                // Front matter feeds navigation, section lists and feeds; shortcodes feed
                // placements.
                if page.front != old.front || !same_shortcodes {
                    return None;
                }
                updates.push((index, page));
            }
            if !found {
                return None;
            }
        }
        (!updates.is_empty()).then_some(updates)
    }

    fn rebuild_pages(&mut self, updates: Vec<(usize, Page)>) -> Result<Rebuilt, BuildFailure> {
        let started = Instant::now();
        // Swap the new pages in; on failure the old ones go back, so that the site in memory
        // always matches the output on disk.
        let mut previous = Vec::with_capacity(updates.len());
        let mut stale: Vec<SearchDoc> = Vec::new();
        for (index, mut page) in updates {
            page_documents(&self.site, index, &mut stale);
            let old = &self.site.pages[index];
            page.parent = old.parent;
            page.children = old.children.clone();
            page.kind = old.kind;
            page.standalone = old.standalone;
            previous.push((index, std::mem::replace(&mut self.site.pages[index], page)));
        }
        let edited: Vec<usize> = previous.iter().map(|(i, _)| *i).collect();
        let urls: Vec<String> = edited
            .iter()
            .map(|&i| self.site.pages[i].url.clone())
            .collect();
        // A heading renamed on an edited page may break an anchor elsewhere.
        let mut dirty: Vec<usize> = {
            let targets: HashSet<&str> = urls.iter().map(String::as_str).collect();
            linking_to(&self.site, &targets)
        };
        dirty.extend(&edited);
        dirty.sort_unstable();
        dirty.dedup();
        let mut checks = self.checks.clone();
        checks.recheck_pages(&self.site, &dirty);

        // Two commits through the same step: the edited pages first, so that the reader's page
        // is served at once (on 10,000 pages the rest takes a second), then what shows every
        // page (special pages, manifest, search). Both only when loading and every check
        // found no error.
        let output = self.options.output_dir();
        let commit = |scope: Scope| {
            let rendered = overlay(&output).and_then(|staging| {
                build::render_staged(&self.site, &self.html, &self.index, staging, scope)
            });
            build::commit(
                &self.site,
                &output,
                &self.loaded,
                &checks,
                rendered,
                started,
            )
        };
        let first = commit(Scope::Edited { edited: &edited });
        if let Err(failure) = first {
            for (index, page) in previous {
                self.site.pages[index] = page;
            }
            return Err(failure);
        }
        let rest = commit(Scope::Pages {
            edited: &edited,
            stale_documents: &stale,
        });
        // The edited pages are out: the site in memory keeps them either way. A failure of
        // the second half (the disk, not the content: the checks passed) leaves the special
        // pages behind, so the next change is a full build.
        self.checks = checks;
        match rest {
            Ok(report) => Ok(Rebuilt::Pages { urls, report }),
            Err(failure) => {
                self.stale = true;
                Err(failure)
            }
        }
    }
}

fn overlay(output: &Path) -> Result<Staging, BuildFailure> {
    Staging::overlay(output).map_err(|e| build::io_failure(output, e))
}

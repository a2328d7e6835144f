//! `helpcenter check`: everything that can be wrong with a loaded site, before customers see it.
//!
//! The loader already reports what stops a file from being read (YAML and TOML syntax, unknown
//! keys, wrong types, missing fields, duplicate keys, invalid UTF-8, unknown shortcodes). The
//! checks here look at the loaded [`Site`] as a whole, one family per file:
//!
//! | file | codes |
//! |---|---|
//! | [`pages`] | `duplicate-url`, `html-removed`, `unreachable`, `empty-section`, `missing-description`, `missing-template`, `config` |
//! | [`links`] | `broken-link`, `broken-anchor`, `draft-link` |
//! | [`data`] | `duplicate-id`, `unplaced-data`, `email-invalid` |
//! | [`phones`] | `phone-unreadable`, `phone-invalid`, `phone-country`, `phone-country-code`, `phone-typo` |
//! | [`freshness`] | `review-overdue` |
//! | [`translations`] | `translation-missing`, `translation-outdated` |
//!
//! `build` runs the same checks beside rendering ([`crate::build::build`]): errors fail the build
//! and nothing is swapped in.

pub mod data;
pub mod freshness;
pub mod links;
pub mod pages;
pub mod phones;
pub mod translations;

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Location};
pub(crate) use crate::text::{closest, levenshtein};

#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Overdue `review_by` dates are errors instead of warnings.
    pub strict: bool,
    /// The day `review_by` dates are compared with.
    pub today: NaiveDate,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            strict: false,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// Run every check on a loaded site. Diagnostics come back in the order of the families above;
/// callers sort them by location.
pub fn check(site: &Site, options: &CheckOptions) -> Vec<Diagnostic> {
    run(site, options).all()
}

/// Every check's findings, kept apart by what they depend on: a body edit changes only
/// per-page findings, so a live rebuild runs again the checks of the pages it touches.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// The site as a whole: its shape, data, phone numbers, review dates.
    pub site: Vec<Diagnostic>,
    /// Per page, by index: its links and its own problems.
    pub pages: Vec<Vec<Diagnostic>>,
}

impl Checks {
    /// Run the per-page checks of `indexes` again, after their pages changed.
    pub fn recheck_pages(&mut self, site: &Site, indexes: &[usize]) {
        for (&index, found) in indexes.iter().zip(page_checks(site, indexes)) {
            self.pages[index] = found;
        }
    }

    pub fn all(&self) -> Vec<Diagnostic> {
        let pages = self.pages.iter().flatten();
        self.site.iter().chain(pages).cloned().collect()
    }
}

/// Run every check. The site-wide passes are independent and run side by side, beside the
/// per-page checks.
pub fn run(site: &Site, options: &CheckOptions) -> Checks {
    let _span = tracing::debug_span!("check").entered();
    let passes: [&(dyn Fn() -> Vec<Diagnostic> + Sync); 5] = [
        &|| pages::check_site(site),
        &|| translations::check(site),
        &|| data::check(site),
        &|| tracing::debug_span!("phones").in_scope(|| phones::check(site)),
        &|| freshness::check(site, options),
    ];
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let (site_wide, pages) = rayon::join(
        || passes.par_iter().flat_map_iter(|pass| pass()).collect(),
        || tracing::debug_span!("links").in_scope(|| page_checks(site, &all)),
    );
    Checks {
        site: site_wide,
        pages,
    }
}

fn page_checks(site: &Site, indexes: &[usize]) -> Vec<Vec<Diagnostic>> {
    let links = links::check_pages(site, indexes);
    indexes
        .iter()
        .zip(links)
        .map(|(&index, mut found)| {
            found.extend(pages::check_page(site, index));
            found
        })
        .collect()
}

/// The file of a page, for diagnostics.
pub(crate) fn page_file(site: &Site, page: &Page) -> std::path::PathBuf {
    site.config.content_dir().join(&page.path)
}

/// Location of the value of front-matter key `key` in a page (`review_by: 2024-01-01` → the
/// date), or of the `title:` line, or of the first line.
pub(crate) fn front_matter_location(site: &Site, page: &Page, key: &str) -> Location {
    let file = page_file(site, page);
    let front = &page.source[..page.body_offset.min(page.source.len())];
    for wanted in [key, "title"] {
        let mut offset = 0;
        for line in front.split_inclusive('\n') {
            if let Some(rest) = line.strip_prefix(wanted)
                && let Some(value) = rest.strip_prefix(':')
            {
                let skipped = value.len() - value.trim_start_matches([' ', '\t']).len();
                let at = offset + wanted.len() + 1 + skipped;
                return Location::at_offset(file, &page.source, at);
            }
            offset += line.len();
        }
    }
    Location::at(file, 1, 1)
}

/// A contact table with its data file, the file's text and each row's span in it (when the
/// rows could be found), for diagnostics that point at a value.
pub(crate) struct TableSource<'a> {
    pub table: &'a crate::content::data::ContactTable,
    pub path: &'a Path,
    pub source: String,
    pub rows: Vec<Option<Range<usize>>>,
}

pub(crate) fn contact_tables(site: &Site) -> Vec<TableSource<'_>> {
    site.data
        .contacts
        .values()
        .filter_map(|table| {
            let path = site
                .data
                .sources
                .get(&crate::content::DataRef::Contacts(table.id.clone()))?;
            let source = std::fs::read_to_string(path).unwrap_or_default();
            let items = sequence_items(&source, Some("rows"));
            let rows = if items.len() == table.rows.len() {
                items.into_iter().map(Some).collect()
            } else {
                vec![None; table.rows.len()]
            };
            Some(TableSource {
                table,
                path,
                source,
                rows,
            })
        })
        .collect()
}

/// The text of each item of a block sequence in YAML `source`: the items under the top-level
/// key `key` (`rows:`), or of the top-level sequence with `None`. Empty when the layout is not
/// the plain block style (callers then fall back to searching the whole file).
pub(crate) fn sequence_items(source: &str, key: Option<&str>) -> Vec<Range<usize>> {
    let mut items = Vec::new();
    let mut offset = 0;
    let mut started = key.is_none();
    let mut indent: Option<usize> = None;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let this_indent = line.len() - trimmed.len();
        if !started {
            if let Some(key) = key
                && this_indent == 0
                && trimmed.strip_prefix(key).is_some_and(|r| {
                    r.strip_prefix(':')
                        .is_some_and(|r| r.trim().is_empty() || r.trim().starts_with('#'))
                })
            {
                started = true;
            }
            continue;
        }
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let is_item = content == "-" || content.starts_with("- ");
        match indent {
            None if is_item => {
                indent = Some(this_indent);
                items.push(start..offset);
            }
            None => break,
            Some(i) if this_indent == i && is_item => items.push(start..offset),
            Some(i) if this_indent < i || (this_indent == i && !is_item) => break,
            Some(_) => {
                if let Some(last) = items.last_mut() {
                    last.end = offset;
                }
            }
        }
    }
    items
}

/// Location of `needle` in `source`, looked for first after `key:` within `within`, then
/// anywhere within it, then anywhere in the file.
pub(crate) fn locate_value(
    path: &Path,
    source: &str,
    within: Option<Range<usize>>,
    key: Option<&str>,
    needle: &str,
) -> Location {
    let range = within.clone().unwrap_or(0..source.len());
    let block = &source[range.clone()];
    let key_at = key.and_then(|k| block.find(&format!("{k}:"))).unwrap_or(0);
    let found = block[key_at..]
        .find(needle)
        .map(|i| i + key_at)
        .or_else(|| block.find(needle));
    match found {
        Some(i) => Location::at_offset(path, source, range.start + i),
        None if !needle.is_empty() && source.contains(needle) => {
            crate::content::locate(path, source, needle)
        }
        None => match within {
            Some(_) => Location::at_offset(path, source, range.start + first_non_blank(block)),
            None => Location::file(path),
        },
    }
}

fn first_non_blank(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// A site path relative to the site root, for messages (`content/data/roles.yaml:3:5`).
pub(crate) fn display_location(site: &Site, location: &Location) -> String {
    let file = location
        .file
        .strip_prefix(&site.config.root)
        .unwrap_or(&location.file);
    Location {
        file: file.to_path_buf(),
        ..location.clone()
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("08008005383", "08008005853"), 2);
        assert_eq!(levenshtein("abc", "abc"), 0);
        assert_eq!(levenshtein("", "ab"), 2);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn finds_sequence_items() {
        let source =
            "title: T\nrows:\n  - location: A\n    countries: [AR]\n\n  - location: B\nnotes: []\n";
        let items = sequence_items(source, Some("rows"));
        assert_eq!(items.len(), 2);
        assert_eq!(
            &source[items[0].clone()],
            "  - location: A\n    countries: [AR]\n"
        );
        assert_eq!(&source[items[1].clone()], "  - location: B\n");
        let top = "- id: a\n  name: A\n- id: b\n";
        assert_eq!(sequence_items(top, None).len(), 2);
        assert_eq!(
            sequence_items("rows:\n- a: 1\n- a: 2\nx: 1\n", Some("rows")).len(),
            2
        );
        assert!(sequence_items("rows: [{a: 1}]\n", Some("rows")).is_empty());
    }
}

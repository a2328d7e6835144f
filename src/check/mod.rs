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
//! | [`phones`] | `phone-unreadable`, `phone-plan-changed`, `phone-invalid`, `phone-country`, `phone-country-code`, `phone-typo` |
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

/// A contact table with its data file, for diagnostics that point at a value (each row
/// carries its [`crate::yaml::Span`] from loading).
pub(crate) struct TableSource<'a> {
    pub table: &'a crate::content::data::ContactTable,
    pub path: &'a Path,
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
            Some(TableSource { table, path })
        })
        .collect()
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

    /// Every diagnostic of a check, `file:line:col code message`, paths relative to `root`.
    fn found(site: &Site, root: &Path) -> Vec<String> {
        let mut found: Vec<String> = check(site, &CheckOptions::default())
            .iter()
            .map(|d| {
                let place = display_location(site, &d.location);
                format!(
                    "{} {} {}",
                    place.trim_start_matches(['/', '\\']),
                    d.code,
                    d.message
                )
            })
            .collect();
        found.sort();
        assert!(found.iter().all(|f| !f.contains(&*root.to_string_lossy())));
        found
    }

    #[test]
    fn checks_point_at_what_was_loaded_whatever_the_files_say_now() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.toml", "title = \"T\"\nbase_url = \"help.test\"\n");
        let page = "---\ntitle: Home\ndescription: H.\n---\n{{ contacts(table=\"t\") }}\n";
        write("content/_index.md", page);
        let table = "title: T\nrows:\n  - id: a\n    location: A\n    countries: [BR]\n    \
                     local: [\"call us\"]\n    emails: [nobody]\n  - id: a\n    location: B\n";
        write("content/data/contacts/t.yaml", table);
        write(
            "content/data/services.yaml",
            "- id: x\n  name: X\n  summary: S.\n  description: D.\n",
        );
        let config = crate::config::Config::load(root).unwrap();
        let (site, loaded) = crate::content::load(&config, Default::default());
        assert!(loaded.is_empty(), "{loaded:?}");
        let expected = [
            "content/data/contacts/t.yaml:6:14 phone-unreadable cannot read the phone number `call us` (not a number)",
            "content/data/contacts/t.yaml:7:14 email-invalid `nobody` is not a valid e-mail address: it has no `@`",
            "content/data/contacts/t.yaml:8:9 duplicate-id rows 1 and 2 of the table both have the id `a`",
            "content/data/services.yaml:1:7 unplaced-data the service `x` is not shown on any page",
            "site.toml:2:1 config `base_url` must be an absolute URL, not `help.test`",
        ];
        assert_eq!(found(&site, root), expected);
        // The files change or go after loading (an editor saves, a branch is switched): the
        // checks report on what was loaded, where it was.
        write(
            "content/data/contacts/t.yaml",
            &format!("# moved\n\n{table}"),
        );
        std::fs::remove_file(root.join("content/data/services.yaml")).unwrap();
        std::fs::remove_file(root.join("site.toml")).unwrap();
        assert_eq!(found(&site, root), expected);
    }
}

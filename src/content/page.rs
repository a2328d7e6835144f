//! Markdown pages: YAML front matter, then the body.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::{self, Converted};
use crate::yaml;

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    /// One sentence for the meta description, cards and search results.
    #[serde(default)]
    pub description: Option<String>,
    /// Order within the section: smaller first, then by title.
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// The date by which an editor must re-read the page; `check` warns once it has passed.
    #[serde(default)]
    pub review_by: Option<NaiveDate>,
    /// Template to render with instead of `page.html` / `section.html`.
    #[serde(default)]
    pub template: Option<String>,
    /// For editors only (where a fact comes from, what the source lacks): loaded, checked as
    /// text, never published.
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Section,
    Page,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub kind: PageKind,
    /// Path relative to `content/`, with `/` separators (`billing/_index.md`); empty for a
    /// section that has no `_index.md`.
    pub path: String,
    /// Pretty URL path (`/billing/changing-billing-information/`).
    pub url: String,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `source`; offsets recorded by the Markdown pass are
    /// relative to it.
    pub body_offset: usize,
    /// The Markdown source, for diagnostics that point into it.
    #[serde(skip)]
    pub source: String,
    pub markdown: Converted,
    pub parent: Option<usize>,
    /// Sub-sections and pages of a section, in display order.
    pub children: Vec<usize>,
    /// Last change: from git history, else the file's modification time.
    pub updated: Option<NaiveDate>,
    /// Hash of the source file, so feedback can refer to the version a reader saw.
    pub content_hash: String,
    /// The language of the page's URL (`es` for `/es/…`).
    pub lang: String,
    /// Whether the page shows the default language's text because it has no translation in
    /// `lang` yet.
    pub untranslated: bool,
    /// Whether the page exists in its language only (no source in the default language):
    /// search shows it to every language's readers.
    pub standalone: bool,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.front.title
    }

    pub fn is_section(&self) -> bool {
        self.kind != PageKind::Page
    }
}

/// Split `---` front matter from the body and parse both. `path` is used in diagnostics.
/// Links to the site's pages get `lang`'s folder (`/es`), and all links the site's base path.
pub fn parse(
    path: &Path,
    source: &str,
    config: &Config,
    lang: &str,
) -> Result<(FrontMatter, usize, Converted), Diagnostic> {
    let (front, body_offset) = split_front_matter(source).ok_or_else(|| {
        let opened = source.trim_start_matches('\u{feff}').starts_with("---");
        if opened {
            Diagnostic::error(
                "front-matter",
                Location::at(path, 1, 1),
                "the front matter is not closed: no `---` line after it",
            )
            .with_hint(
                "end the front matter with a line holding only `---`, before the page's text",
            )
        } else {
            Diagnostic::error(
                "front-matter",
                Location::at(path, 1, 1),
                "missing front matter",
            )
            .with_hint("start the file with a `---` line, then `title: …`, then another `---` line")
        }
    })?;
    let front: FrontMatter = yaml::parse(path, front, 2)?;
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(
            "front-matter",
            Location::at(path, 2, 1),
            "the title is empty",
        )
        .with_hint("give the page a `title:`"));
    }
    Ok((
        front,
        body_offset,
        markdown::convert_in(
            &source[body_offset..],
            config.raw_html(),
            &config.prefix(lang),
            &config.base_path,
        ),
    ))
}

/// The front matter's text and the byte offset where the body starts.
fn split_front_matter(source: &str) -> Option<(&str, usize)> {
    let bom = if source.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let rest = source[bom..].strip_prefix("---")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let front_start = source.len() - rest.len();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], front_start + offset + line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let source = "---\ntitle: A\n---\n# Body\n";
        let (front, body_offset) = split_front_matter(source).unwrap();
        assert_eq!(front, "title: A\n");
        assert_eq!(&source[body_offset..], "# Body\n");
    }

    #[test]
    fn front_matter_errors_use_file_lines() {
        let config: Config = toml::from_str("title = 'T'\nbase_url = 'https://x.org'").unwrap();
        let err = parse(
            Path::new("x.md"),
            "---\ntitle: A\ntitel: B\n---\n",
            &config,
            "en",
        )
        .unwrap_err();
        assert_eq!(err.location.line, Some(3));
        assert!(
            err.message.contains("unknown field `titel`"),
            "{}",
            err.message
        );
        let err = parse(Path::new("x.md"), "no front matter", &config, "en").unwrap_err();
        assert_eq!(err.code, "front-matter");
    }
}

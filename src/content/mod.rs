//! The content model: loading `content/` into an immutable [`Site`].
//!
//! Markdown files become pages (directories are sections, `_index.md` describes a section),
//! YAML files under `data/` become typed data, `synonyms.yaml` feeds search, and any other file
//! is copied to the output beside its page. Problems are collected, never thrown at the first one.

pub mod data;
mod data_files;
pub mod history;
pub mod languages;
mod overlay;
pub mod page;
pub mod phone;
pub mod phone_metadata;
mod placements;
pub mod plan_changes;
mod tree;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, read_text as read};
use crate::slug::slugify;
use crate::yaml;
use data::{ContactTable, Procedure, Role, Service};
use data_files::load_data;
pub use languages::Language;
pub use page::{FrontMatter, Page, PageKind};
use placements::place_data;
pub use placements::resolve_shortcode;

pub const DATA_DIR: &str = "data";
pub const SYNONYMS_FILE: &str = "synonyms.yaml";

/// Typed data from `content/data/`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Data {
    pub contacts: BTreeMap<String, ContactTable>,
    pub services: Vec<Service>,
    pub roles: Vec<Role>,
    pub procedures: BTreeMap<String, Procedure>,
    /// Which file each item came from, for diagnostics.
    #[serde(skip)]
    pub sources: HashMap<DataRef, PathBuf>,
    /// Data files that failed to load, as `contacts/ID`, `procedures/ID`, `services`, `roles`.
    #[serde(skip)]
    pub unreadable: std::collections::HashSet<String>,
}

/// One placeable piece of data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum DataRef {
    Contacts(String),
    Service(String),
    Role(String),
    Procedure(String),
}

impl DataRef {
    /// The element id of the item on the page that places it.
    pub fn anchor(&self) -> String {
        match self {
            DataRef::Contacts(id) => format!("contacts-{id}"),
            DataRef::Service(id) => format!("service-{id}"),
            DataRef::Role(code) => format!("role-{}", slugify(code)),
            DataRef::Procedure(id) => format!("procedure-{id}"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub config: Config,
    /// All pages; index 0 is the home page. Parents come before their children.
    pub pages: Vec<Page>,
    pub data: Data,
    /// Groups of words that mean the same to search.
    pub synonyms: Vec<Vec<String>>,
    /// The page (index into `pages`) where each data item is shown.
    pub placements: HashMap<DataRef, usize>,
    /// Files under `content/` that are neither pages nor data: copied as they are.
    pub assets: Vec<PathBuf>,
    /// How many content files were read.
    pub files_read: usize,
    /// URLs of the pages whose file failed to load (its error says why): links to them are
    /// not reported again as broken.
    pub unloaded: Vec<String>,
    /// Pages left out because they are drafts (paths relative to `content/`); empty with
    /// `--drafts`.
    pub drafts: Vec<String>,
    /// The languages besides the default one (`[languages.*]`), in code order; empty for a
    /// one-language site. `data`, `placements` and `synonyms` above are the default
    /// language's.
    pub languages: Vec<Language>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

impl Site {
    pub fn page_by_url(&self, url: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.url == url)
    }

    /// One of the other languages, by code.
    pub fn language(&self, lang: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == lang)
    }

    /// The data as shown in `lang`: translated display text over the default language's.
    pub fn data_in(&self, lang: &str) -> &Data {
        self.language(lang).map_or(&self.data, |l| &l.data)
    }

    /// Where each data item is shown in `lang`.
    pub fn placements_in(&self, lang: &str) -> &HashMap<DataRef, usize> {
        self.language(lang)
            .map_or(&self.placements, |l| &l.placements)
    }

    /// The home page of `lang` (index into `pages`).
    pub fn home_of(&self, lang: &str) -> usize {
        self.language(lang).map_or(0, |l| l.home)
    }

    /// URL of a data item on its page in `lang` (`/es/technical-support/phone-numbers/#role-am`).
    pub fn data_url(&self, lang: &str, item: &DataRef, anchor: &str) -> Option<String> {
        let page = self.placements_in(lang).get(item)?;
        Some(format!("{}#{anchor}", self.pages[*page].url))
    }

    /// Counts for the build summary.
    pub fn data_files(&self) -> usize {
        let mut files: Vec<&PathBuf> = self.data.sources.values().collect();
        files.sort();
        files.dedup();
        files.len()
    }
}

/// Load the whole site. Returns the site built from everything that could be read, and every
/// problem found on the way; callers decide whether errors are fatal.
pub fn load(config: &Config, options: LoadOptions) -> (Site, Vec<Diagnostic>) {
    let _span = tracing::debug_span!("load").entered();
    let content = config.content_dir();
    let mut diagnostics = Vec::new();
    let mut markdown = Vec::new();
    let mut yaml_files = Vec::new();
    let mut assets = Vec::new();
    // Per language: `synonyms.yaml`, `synonyms.es.yaml`.
    let mut synonyms_files: Vec<(String, PathBuf)> = Vec::new();
    // Translated data: (language, file).
    let mut data_text = Vec::new();

    let walker = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| content.clone());
                diagnostics.push(Diagnostic::error("io", Location::file(path), e.to_string()));
                continue;
            }
        };
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::warning(
                    "symlink",
                    Location::file(entry.path()),
                    "a symbolic link is not followed: it is left out of the site",
                )
                .with_hint("copy the file or folder into content/ instead of linking to it"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        let rel = path.strip_prefix(&content).unwrap_or(&path);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let (base, lang) = languages::split_language(config, stem);
        let is_yaml = ext == "yaml" || ext == "yml";
        if ext == "md" {
            markdown.push(path);
        } else if rel == Path::new(SYNONYMS_FILE)
            || (is_yaml
                && base == "synonyms"
                && rel.parent() == Some(Path::new(""))
                && lang.is_some())
        {
            let lang = lang.unwrap_or(&config.default_language).to_string();
            synonyms_files.push((lang, path));
        } else if rel.starts_with(DATA_DIR) && is_yaml {
            match lang {
                Some(lang) => data_text.push((lang.to_string(), path)),
                None => yaml_files.push(path),
            }
        } else {
            assets.push(path);
        }
    }
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "io",
                Location::file(&content),
                "the content folder does not exist",
            )
            .with_hint("create content/_index.md, or pass --root with the site's folder"),
        );
    }
    let files_read = markdown.len() + yaml_files.len() + data_text.len() + synonyms_files.len();

    // Data and pages load side by side: each calling code's first number waits for its
    // metadata (`phone_metadata`), which then overlaps reading the Markdown.
    let ((data, data_diagnostics), parsed) = rayon::join(
        || tracing::debug_span!("data").in_scope(|| load_data(&content, &yaml_files)),
        || {
            tracing::debug_span!("pages").in_scope(|| {
                markdown
                    .par_iter()
                    .map(|path| load_page(config, path, options))
                    .collect::<Vec<Result<Option<Page>, Diagnostic>>>()
            })
        },
    );
    diagnostics.extend(data_diagnostics);

    let mut synonyms: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for (lang, path) in &synonyms_files {
        match read(path).and_then(|text| yaml::parse::<Vec<Vec<String>>>(path, &text, 1)) {
            Ok(groups) => {
                synonyms.insert(lang.clone(), groups);
            }
            Err(d) => diagnostics.push(d),
        }
    }

    let mut pages = Vec::with_capacity(parsed.len() + 1);
    let mut drafts = Vec::new();
    let mut unloaded = Vec::new();
    for (path, result) in markdown.iter().zip(parsed) {
        match result {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => drafts.push(relative(&content, path)),
            Err(d) => {
                unloaded.extend(page_url(
                    config,
                    path.strip_prefix(&content).unwrap_or(path),
                ));
                diagnostics.push(d);
            }
        }
    }
    tracing::debug_span!("history").in_scope(|| history::apply(&content, &mut pages));
    let (pages, homes) = languages::arrange(config, pages, &mut drafts);
    let mut languages = Vec::new();
    for (code, home) in config.languages.keys().zip(homes) {
        let mut translated = data.clone();
        for (_, path) in data_text.iter().filter(|(lang, _)| lang == code) {
            diagnostics.extend(overlay::apply_file(&content, &mut translated, path));
        }
        languages.push(Language {
            code: code.clone(),
            home,
            data: translated,
            placements: HashMap::new(),
            synonyms: synonyms.remove(code).unwrap_or_default(),
        });
    }
    let mut site = Site {
        config: config.clone(),
        pages,
        data,
        synonyms: synonyms
            .remove(&config.default_language)
            .unwrap_or_default(),
        placements: HashMap::new(),
        assets,
        files_read,
        unloaded,
        drafts,
        languages,
    };
    diagnostics.extend(place_data(&mut site));
    phone_metadata::release_patterns();
    (site, diagnostics)
}

/// Read and convert one Markdown file of the site; `Ok(None)` for a draft left out. The page
/// comes back unlinked (no parent or children).
pub fn load_page(
    config: &Config,
    path: &Path,
    options: LoadOptions,
) -> Result<Option<Page>, Diagnostic> {
    let content = &config.content_dir();
    let source = read(path)?;
    let rel = path.strip_prefix(content).unwrap_or(path);
    let rel_str = relative(content, path);
    // `faq.es.md` is the Spanish `faq.md`: same URL under `/es`.
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let (base, lang) = languages::split_language(config, stem);
    let lang = lang.unwrap_or(&config.default_language).to_string();
    let (front, body_offset, markdown) = page::parse(path, &source, config, &lang)?;
    if front.draft && !options.drafts {
        return Ok(None);
    }
    let is_index = base == "_index";
    let kind = match (
        is_index,
        rel.parent().is_none_or(|p| p.as_os_str().is_empty()),
    ) {
        (true, true) => PageKind::Home,
        (true, false) => PageKind::Section,
        (false, _) => PageKind::Page,
    };
    let url = page_url(config, rel).ok_or_else(|| {
        Diagnostic::error(
            "file-name",
            Location::file(path),
            format!(
                "`{rel_str}` has a folder or file name with no letter or digit to make its URL from"
            ),
        )
        .with_hint("rename it with at least one letter or digit, e.g. `billing/faq.md`")
    })?;
    let updated = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).date_naive());
    let content_hash = blake3::hash(source.as_bytes()).to_hex()[..16].to_string();
    Ok(Some(Page {
        kind,
        path: rel_str,
        url,
        front,
        body_offset,
        source,
        markdown,
        parent: None,
        children: Vec::new(),
        updated,
        content_hash,
        lang,
        untranslated: false,
        standalone: false,
    }))
}

/// `path` relative to `content`, with `/` separators.
pub fn relative(content: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(content).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// The URL of the page in file `rel` (relative to `content/`): [`url_for`] of its source
/// under its language's folder (`billing/faq.es.md` → `/es/billing/faq/`).
pub fn page_url(config: &Config, rel: &Path) -> Option<String> {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    match languages::split_language(config, stem) {
        (base, Some(lang)) => {
            let url = url_for(&rel.with_file_name(format!("{base}.md")))?;
            Some(format!("{}{url}", config.prefix(lang)))
        }
        (_, None) => url_for(rel),
    }
}

/// `billing/_index.md` → `/billing/`; `billing/changing.md` → `/billing/changing/`. `None`
/// when a folder or file name has no letter or digit to make a URL segment from (`!!!.md`).
pub fn url_for(rel: &Path) -> Option<String> {
    let mut url = String::from("/");
    let parent = rel.parent().unwrap_or(Path::new(""));
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let names = parent
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .chain((stem != "_index").then_some(stem));
    for name in names {
        let segment = slugify(&name);
        if segment.is_empty() {
            return None;
        }
        url.push_str(&segment);
        url.push('/');
    }
    Some(url)
}

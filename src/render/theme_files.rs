//! The files of a site's theme: the built-in theme (the repository's `src/theme/`, inside the
//! binary) with the site's own theme folder (`themes/<theme>/`) over it, file by file.
//!
//! A site changes one template, static file or UI string by writing just that file into
//! `themes/default/` (UI strings merge key by key, see `theme.rs`); everything else comes from
//! the binary. A site naming another theme (`theme = "x"`) reads `themes/x/` the same way, with
//! the built-in files as the fallback for those it lacks.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Location};

/// The built-in theme. rust-embed rather than include_dir: it is actively released, it embeds
/// each file with `include_bytes!`, so an edited file rebuilds the binary (build.rs reruns for
/// added ones), and with `debug-embed` a debug binary embeds too, so tests run what ships.
#[derive(RustEmbed)]
#[folder = "src/theme/"]
struct BuiltIn;

/// What diagnostics call the folder of a built-in file: it is nowhere on disk.
pub const BUILT_IN: &str = "<built-in theme>";

/// The theme that a site without `theme` in `site.toml` uses.
pub const DEFAULT_THEME: &str = "default";

/// Where one theme file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The site's own file, at this path.
    Site(PathBuf),
    BuiltIn,
}

/// Every file of a site's theme, by its path in the theme (`templates/page.html`).
#[derive(Debug, Clone)]
pub struct ThemeFiles {
    files: BTreeMap<String, Source>,
    /// The site's theme folder (`themes/default`), which may not exist.
    pub dir: PathBuf,
}

impl ThemeFiles {
    /// The built-in files, then each file of the site's theme folder over them. A folder named
    /// in `site.toml` must exist; `themes/default/` is optional.
    pub fn load(config: &Config) -> Result<ThemeFiles, Diagnostic> {
        let dir = config.theme_dir();
        let mut files: BTreeMap<String, Source> = BuiltIn::iter()
            .map(|rel| (rel.into_owned(), Source::BuiltIn))
            .collect();
        if !dir.is_dir() {
            if config.theme != DEFAULT_THEME {
                return Err(Diagnostic::error(
                    "theme",
                    Location::file(config.root.join(CONFIG_FILE)),
                    format!("there is no theme folder {}", shown(config, &dir)),
                )
                .with_hint(format!(
                    "create themes/{}/ (its files are taken over the built-in theme's), or remove `theme` from site.toml to use the built-in theme",
                    config.theme
                )));
            }
            return Ok(ThemeFiles { files, dir });
        }
        // Links are followed, as the template loader always did (a theme shared by links).
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let at = e.path().unwrap_or(&dir).to_path_buf();
                Diagnostic::error(
                    "io",
                    Location::file(at),
                    format!("cannot read the theme: {e}"),
                )
            })?;
            let rel = relative(&dir, entry.path());
            // Editors' swap and backup files (`.page.html.swp`) are no part of the theme.
            if !entry.file_type().is_file() || rel.split('/').any(|part| part.starts_with('.')) {
                continue;
            }
            files.insert(rel, Source::Site(entry.into_path()));
        }
        Ok(ThemeFiles { files, dir })
    }

    /// Whether the theme of `config` has the file `rel`, without listing the whole theme (a
    /// per-page check asks this).
    pub fn exists(config: &Config, rel: &str) -> bool {
        BuiltIn::get(rel).is_some() || config.theme_dir().join(rel).is_file()
    }

    /// `(path below prefix, source)` of each file under `prefix` (`templates/`), sorted.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a Source)> {
        use std::ops::Bound;
        self.files
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map_while(move |(rel, source)| Some((rel.strip_prefix(prefix)?, source)))
    }

    pub fn source(&self, rel: &str) -> Option<&Source> {
        self.files.get(rel)
    }

    /// Where diagnostics say the file `rel` is: the site's file, or `<built-in theme>/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        match self.files.get(rel) {
            Some(Source::Site(path)) => path.clone(),
            _ => Path::new(BUILT_IN).join(rel),
        }
    }

    pub fn read(&self, rel: &str) -> std::io::Result<Cow<'static, [u8]>> {
        match self.files.get(rel) {
            Some(Source::Site(path)) => std::fs::read(path).map(Cow::Owned),
            Some(Source::BuiltIn) => {
                built_in(rel).ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
            }
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// The file `rel` as text; a file that cannot be read or is not UTF-8 is an error at it.
    pub fn read_text(&self, rel: &str) -> Result<String, Diagnostic> {
        match self.files.get(rel) {
            Some(Source::Site(path)) => crate::diagnostics::read_text(path),
            _ => {
                let bytes = built_in(rel).unwrap_or_default();
                Ok(String::from_utf8_lossy(&bytes).into_owned())
            }
        }
    }
}

/// The bytes of the built-in file `rel` (`templates/page.html`).
pub fn built_in(rel: &str) -> Option<Cow<'static, [u8]>> {
    BuiltIn::get(rel).map(|file| file.data)
}

/// Every file of the built-in theme, sorted.
pub fn built_in_files() -> impl Iterator<Item = Cow<'static, str>> {
    let mut files: Vec<_> = BuiltIn::iter().collect();
    files.sort();
    files.into_iter()
}

/// The text of `path` when it names a built-in file (`<built-in theme>/templates/page.html`),
/// so that a diagnostic there can show its line.
pub fn built_in_source(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(BUILT_IN).ok()?;
    let bytes = built_in(&rel.to_string_lossy().replace('\\', "/"))?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn shown(config: &Config, path: &Path) -> String {
    path.strip_prefix(&config.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum EjectError {
    #[error(
        "there is no {CONFIG_FILE} in {0}: run `helpcenter theme eject` in the site's folder or pass --root DIR"
    )]
    NoSite(PathBuf),
    #[error(
        "{dir} already has {} of the built-in theme's files ({}); nothing was written: pass --force to overwrite them",
        crate::diagnostics::plural(.files.len(), "file"),
        listed(.files)
    )]
    Exists { dir: PathBuf, files: Vec<String> },
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// What `helpcenter theme eject` wrote into `dir`.
#[derive(Debug)]
pub struct Ejected {
    pub dir: PathBuf,
    pub written: usize,
    /// Files that were there and were overwritten (`--force`).
    pub overwritten: Vec<String>,
}

/// Write every built-in theme file into `root/themes/default/`, to change it there. Files
/// already there are a refusal (nothing is written) unless `force`; files the built-in theme
/// lacks are left alone.
pub fn eject(root: &Path, force: bool) -> Result<Ejected, EjectError> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(EjectError::NoSite(root.to_path_buf()));
    }
    let dir = root.join("themes").join(DEFAULT_THEME);
    let names: Vec<_> = built_in_files().collect();
    let existing: Vec<String> = names
        .iter()
        .filter(|rel| std::fs::symlink_metadata(dir.join(rel.as_ref())).is_ok())
        .map(|rel| rel.to_string())
        .collect();
    if !existing.is_empty() && !force {
        return Err(EjectError::Exists {
            dir,
            files: existing,
        });
    }
    for rel in &names {
        let path = dir.join(rel.as_ref());
        let io = |e| EjectError::Io(path.clone(), e);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).map_err(io)?;
        // Written beside and renamed over: a link in the way is replaced, never written through.
        let temp = path.with_file_name(format!(".eject-{}.tmp", std::process::id()));
        std::fs::write(&temp, built_in(rel).unwrap_or_default()).map_err(io)?;
        std::fs::rename(&temp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            io(e)
        })?;
    }
    Ok(Ejected {
        dir,
        written: names.len(),
        overwritten: existing,
    })
}

/// The first few names, and how many more.
fn listed(files: &[String]) -> String {
    let mut text = files.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if files.len() > 3 {
        text.push_str(&format!(" and {} more", files.len() - 3));
    }
    text
}

impl Ejected {
    pub fn summary(&self) -> String {
        let mut text = format!(
            "Wrote the built-in theme into {}: {}",
            self.dir.display(),
            crate::diagnostics::plural(self.written, "file")
        );
        if !self.overwritten.is_empty() {
            text.push_str(&format!(", {} overwritten", self.overwritten.len()));
        }
        text.push_str(".\nThe site's files there win over the built-in ones; delete any you leave unchanged to keep getting the built-in version.\n");
        text
    }
}

//! `site.toml`: the site's settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Location};
use crate::sanitize::RawHtml;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Shown on the home page and as the default meta description.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at, used for canonical links, the sitemap and feeds.
    pub base_url: String,
    /// BCP 47 language tag of the content (`en`, `es`, `pt-BR`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Folder name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Publish raw HTML in Markdown as written, scripts included. Off by default: the HTML is
    /// cleaned (see [`crate::sanitize`]). Turn on only when every editor is trusted.
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Free-form values for the theme (`[extra]` in `site.toml`).
    #[serde(default)]
    pub extra: toml::Table,
    /// The site root (the folder holding `site.toml`); set by [`Config::load`].
    #[serde(skip)]
    pub root: PathBuf,
    /// Where `base_url` is written, for `check`; set by [`Config::load`].
    #[serde(skip)]
    pub base_url_at: Location,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

impl Config {
    /// Read `site.toml` from `root`. An unknown key or a wrong type names the file, line and key.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        if !path.is_file() {
            return Err(Diagnostic::error(
                "config",
                Location::file(&path),
                format!("cannot read {CONFIG_FILE}: there is no such file"),
            )
            .with_hint("run helpcenter from the site's folder or pass --root DIR"));
        }
        let text = crate::diagnostics::read_text(&path)?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let location = match e.span() {
                Some(span) => Location::at_offset(&path, &text, span.start),
                None => Location::file(&path),
            };
            let message = e.message().trim().to_string();
            let diagnostic = Diagnostic::error("config", location, message.clone());
            match crate::yaml::hint_for(&message) {
                Some(hint) => diagnostic.with_hint(hint),
                None => diagnostic,
            }
        })?;
        config.root = root.to_path_buf();
        config.base_url_at = match text.find("base_url") {
            Some(i) => Location::at_offset(&path, &text, i),
            None => Location::file(&path),
        };
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        Ok(config)
    }

    pub fn raw_html(&self) -> RawHtml {
        if self.allow_raw_html {
            RawHtml::Keep
        } else {
            RawHtml::Sanitize
        }
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// Absolute URL for a site path such as `/billing/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

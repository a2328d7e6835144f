//! `site.toml`: the site's settings.

use std::collections::BTreeMap;
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
    /// The path of `base_url` (`/help` for `https://example.com/help/`; empty at a host's
    /// root): every link, asset and fetch of the site starts with it. Set with `base_url` by
    /// [`Config::set_base_url`].
    #[serde(skip_deserializing)]
    pub base_path: String,
    /// BCP 47 tag of the default language (`en`, `es`, `pt-BR`): its pages are at `/`.
    /// `language` is the older name of the key.
    #[serde(default = "default_language", alias = "language")]
    pub default_language: String,
    /// The language these settings are seen in: the default one, or the language of a
    /// [`Config::localized`] copy. Templates read it as `site.language`.
    #[serde(skip_deserializing)]
    pub language: String,
    /// The other languages, each under `/<code>/` (`[languages.es]`). Empty: a one-language
    /// site.
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// The theme: the built-in one, with the site's `themes/<theme>/` files over it (an
    /// optional folder for `default`, a required one for any other name).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Publish raw HTML in Markdown as written, scripts included. Off by default: the HTML is
    /// cleaned (see [`crate::sanitize`]). Turn on only when every editor is trusted.
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Search insights recorded by `helpcenter serve` (`[insights]`: `enabled`,
    /// `retention_days`).
    #[serde(default)]
    pub insights: crate::insights::Settings,
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

/// One more language of the site (`[languages.es]` in `site.toml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The site's title in this language; the default language's when left out.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Values for the theme, over the site's `[extra]`.
    #[serde(default)]
    pub extra: toml::Table,
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
        config.set_base_url(&config.base_url.clone());
        config.language = config.default_language.clone();
        config.check_languages(&path, &text)?;
        Ok(config)
    }

    /// A language code becomes a URL folder (`/es/`) and a file suffix (`page.es.md`): letters,
    /// digits and `-` only, and not the default language again.
    fn check_languages(&self, path: &Path, text: &str) -> Result<(), Diagnostic> {
        for code in self.languages.keys() {
            let valid = !code.is_empty()
                && code.len() <= 12
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && code.starts_with(|c: char| c.is_ascii_alphabetic());
            let problem = if !valid {
                format!("`{code}` is not a language code")
            } else if *code == self.default_language {
                format!("`{code}` is the default language; list only the others")
            } else {
                continue;
            };
            let location = match text.find(&format!("languages.{code}")) {
                Some(offset) => Location::at_offset(path, text, offset),
                None => Location::file(path),
            };
            return Err(Diagnostic::error("config", location, problem).with_hint(
                "name each other language by its BCP 47 code, e.g. [languages.es] or [languages.pt-BR]",
            ));
        }
        Ok(())
    }

    /// Every language of the site, the default first.
    pub fn language_codes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.default_language.as_str())
            .chain(self.languages.keys().map(String::as_str))
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// The URL folder of a language: empty for the default, `/es` for Spanish.
    pub fn prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// Where `lang`'s files go in the output: empty for the default, `es/` for Spanish.
    pub fn folder(&self, lang: &str) -> String {
        match self.prefix(lang).strip_prefix('/') {
            Some(code) => format!("{code}/"),
            None => String::new(),
        }
    }

    /// A URL of `lang` without its language folder (`/es/billing/` → `/billing/`): the same
    /// page's URL in every language once that language's prefix is put back.
    pub fn unprefixed<'a>(&self, lang: &str, url: &'a str) -> &'a str {
        &url[self.prefix(lang).len().min(url.len())..]
    }

    /// The settings as seen from `lang`'s pages: its title, description and `extra`, and
    /// `language` set to it. The default language's own config is returned as it is.
    pub fn localized(&self, lang: &str) -> Config {
        let mut config = self.clone();
        if let Some(settings) = self.languages.get(lang) {
            config.language = lang.to_string();
            if let Some(title) = &settings.title {
                config.title = title.clone();
            }
            if let Some(description) = &settings.description {
                config.description = description.clone();
            }
            config.extra.extend(settings.extra.clone());
        }
        config
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

    /// The site's own theme folder, which holds only what it changes of the built-in theme.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// Publish at `url`: `base_url` without its trailing `/`, and its path as `base_path`.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.trim_end_matches('/').to_string();
        self.base_path = base_path_of(&self.base_url);
    }

    /// The link to a site path such as `/billing/` from a page of the site: the path under
    /// `base_path` (`/help/billing/`). Other URLs (`#row`, `https://…`) are returned as they are.
    pub fn href<'a>(&self, url: &'a str) -> std::borrow::Cow<'a, str> {
        if self.base_path.is_empty() || !url.starts_with('/') || url.starts_with("//") {
            url.into()
        } else {
            format!("{}{url}", self.base_path).into()
        }
    }

    /// Absolute URL for a site path such as `/billing/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// The path of a base URL, without its trailing `/`: `/help` for `https://example.com/help/`,
/// empty for `https://example.com`.
pub fn base_path_of(base_url: &str) -> String {
    let base_url = base_url.trim_end_matches('/');
    let path = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        // Not an absolute URL (`check` says so): a path is still a path.
        None if base_url.starts_with('/') => base_url,
        None => "",
    };
    path.split(['?', '#']).next().unwrap_or("").to_string()
}

//! A theme: tera templates compiled once, static assets with fingerprinted names, and UI strings.
//!
//! Layout of `themes/<name>/`: `templates/**` (tera), `static/**` (copied; `.css` and `.js`
//! files get a content hash in their name so they can be cached forever), `i18n/<lang>.toml`
//! (flat `key = "text"` UI strings, `en` as the fallback).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};

/// `(source file, output path)` of each static file, and logical path → output path.
type StaticFiles = (Vec<(PathBuf, String)>, HashMap<String, String>);

pub struct Theme {
    pub tera: Tera,
    pub dir: PathBuf,
    /// `(source file, output path)` of every static file.
    pub static_files: Vec<(PathBuf, String)>,
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme, Diagnostic> {
        let dir = config.theme_dir();
        let templates = dir.join("templates");
        if !templates.is_dir() {
            return Err(Diagnostic::error(
                "theme",
                Location::file(config.root.join(crate::config::CONFIG_FILE)),
                format!(
                    "theme `{}` has no templates folder at {}",
                    config.theme,
                    templates.display()
                ),
            )
            .with_hint("set `theme` in site.toml to a folder under themes/"));
        }
        let glob = format!("{}/**/*", templates.display());
        let mut tera = Tera::new(&glob).map_err(|e| template_error(&templates, &e))?;
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);

        let (static_files, assets) = fingerprint_static(&dir.join("static")).map_err(|e| {
            Diagnostic::error("io", Location::file(dir.join("static")), e.to_string())
        })?;
        let assets = Arc::new(assets);
        tera.register_function("asset", move |args: &HashMap<String, Value>| {
            let path = args
                .get("path")
                .and_then(Value::as_str)
                .ok_or("asset() needs path=\"…\"")?;
            let url = assets
                .get(path.trim_start_matches('/'))
                .ok_or_else(|| format!("no static file `{path}` in the theme"))?;
            Ok(Value::String(format!("/{url}")))
        });

        let strings = Arc::new(load_strings(&dir.join("i18n"), &config.language)?);
        tera.register_function("t", move |args: &HashMap<String, Value>| {
            let key = args
                .get("key")
                .and_then(Value::as_str)
                .ok_or("t() needs key=\"…\"")?;
            let text = strings
                .get(key)
                .ok_or_else(|| format!("no UI string `{key}` in the theme's i18n files"))?;
            Ok(Value::String(text.clone()))
        });
        Ok(Theme {
            tera,
            dir,
            static_files,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// Tera's default escaper also rewrites `/` as `&#x2F;`, which makes every URL unreadable in
/// the HTML source; `/` needs no escaping in text or quoted attributes.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_html_into(&mut out, input);
    out
}

/// Append `text` to `out` with `& < > " '` escaped: the one HTML escaper (templates, search
/// snippets).
pub fn escape_html_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A tera error with its causes, which is where the useful part of the message usually is.
pub fn template_error(templates: &Path, error: &tera::Error) -> Diagnostic {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Diagnostic::error("template", Location::file(templates), message)
}

/// Walk `static/`, hashing `.css`/`.js` into their names. Returns the files to copy and the map
/// from logical path (`css/site.css`) to output path (`css/site.1a2b3c4d5e.css`).
fn fingerprint_static(dir: &Path) -> std::io::Result<StaticFiles> {
    let mut files = Vec::new();
    let mut map = HashMap::new();
    if !dir.is_dir() {
        return Ok((files, map));
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let out = match path.extension().and_then(|e| e.to_str()) {
            Some(ext @ ("css" | "js")) => {
                let hash = blake3::hash(&std::fs::read(&path)?).to_hex();
                let stem = rel.strip_suffix(&format!(".{ext}")).unwrap_or(&rel);
                format!("{stem}.{}.{ext}", &hash[..10])
            }
            _ => rel.clone(),
        };
        map.insert(rel, out.clone());
        files.push((path, out));
    }
    Ok((files, map))
}

fn load_strings(dir: &Path, language: &str) -> Result<HashMap<String, String>, Diagnostic> {
    let mut strings = HashMap::new();
    // English first, then the site language (and its base, `pt` for `pt-BR`) overriding it.
    let base = language.split('-').next().unwrap_or(language);
    for lang in ["en", base, language] {
        let path = dir.join(format!("{lang}.toml"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let table: HashMap<String, String> = toml::from_str(&text).map_err(|e| {
            let location = match e.span() {
                Some(span) => Location::at_offset(&path, &text, span.start),
                None => Location::file(&path),
            };
            Diagnostic::error("i18n", location, e.message().to_string())
        })?;
        strings.extend(table);
    }
    Ok(strings)
}

//! A theme: tera templates compiled once, static assets with fingerprinted names, and UI strings.
//!
//! Layout of `themes/<name>/`: `templates/**` (tera), `static/**` (copied; `.css` and `.js`
//! files get a content hash in their name so they can be cached forever), `i18n/<lang>.toml`
//! (flat `key = "text"` UI strings, `en` as the fallback).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::text::escape_html_into;

/// `(source file, output path)` of each static file, and logical path → output path.
type StaticFiles = (Vec<(PathBuf, String)>, HashMap<String, String>);

pub struct Theme {
    pub dir: PathBuf,
    /// `(source file, output path)` of every static file.
    pub static_files: Vec<(PathBuf, String)>,
    /// The templates once per language, each with its UI strings; the default language first.
    pub languages: Vec<ThemeLanguage>,
}

/// The theme in one language: `t(key=…)` answers from that language's strings.
pub struct ThemeLanguage {
    pub code: String,
    pub tera: Tera,
    /// The UI strings scripts need (keys starting with `js_`, plus `lang` and `prefix`) as JSON safe to put
    /// in a `<script>` element; templates get it as `js_strings`. Built once: rendering it
    /// with `t()` on every page was a tenth of a 10,000-page build.
    pub js_strings: String,
    /// What the language calls itself (`language_name` in its strings: "Español").
    pub name: String,
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
        tera.register_filter("embed", |value: &Value, args: &HashMap<String, Value>| {
            let html = value.as_str().ok_or("embed works on HTML text")?;
            let prefix = args.get("prefix").and_then(Value::as_str).unwrap_or("");
            let shift = args.get("shift").and_then(Value::as_u64).unwrap_or(0);
            Ok(Value::String(embed_html(html, prefix, shift.min(5) as u8)))
        });
        let languages = config
            .language_codes()
            .map(|code| ThemeLanguage::new(&tera, &dir, code, &config.prefix(code)))
            .collect::<Result<_, _>>()?;
        Ok(Theme {
            dir,
            static_files,
            languages,
        })
    }

    /// The theme in `lang`, or in the default language for a code the site does not have.
    pub fn in_lang(&self, lang: &str) -> &ThemeLanguage {
        self.languages
            .iter()
            .find(|l| l.code == lang)
            .unwrap_or(&self.languages[0])
    }

    pub fn tera(&self) -> &Tera {
        &self.languages[0].tera
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera().get_template_names().any(|n| n == name)
    }
}

impl ThemeLanguage {
    fn new(tera: &Tera, dir: &Path, code: &str, prefix: &str) -> Result<ThemeLanguage, Diagnostic> {
        let strings = load_strings(&dir.join("i18n"), code)?;
        let mut js: BTreeMap<&str, &str> = strings
            .iter()
            .filter(|(key, _)| key.starts_with("js_"))
            .map(|(key, text)| (key.as_str(), text.as_str()))
            .collect();
        js.insert("lang", code);
        // The language's folder (`/es`), where its search page and static index are.
        if !prefix.is_empty() {
            js.insert("prefix", prefix);
        }
        let js_strings = serde_json::to_string(&js)
            .expect("serializable")
            .replace('<', "\\u003c");
        let name = strings
            .get("language_name")
            .cloned()
            .unwrap_or_else(|| code.to_string());
        let strings = Arc::new(strings);
        let mut tera = tera.clone();
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
        Ok(ThemeLanguage {
            code: code.to_string(),
            tera,
            js_strings,
            name,
        })
    }
}

/// Tera's default escaper also rewrites `/` as `&#x2F;`, which makes every URL unreadable in
/// the HTML source; `/` needs no escaping in text or quoted attributes.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_html_into(&mut out, input);
    out
}

/// `html` made ready to sit inside another document (the handbook stacks every page): each
/// `id="…"` and `href="#…"` gets `prefix`, and headings move down `shift` levels (h6 at most).
/// One pass in Rust; ten `replace` filters per page made the handbook a twentieth of a build.
pub fn embed_html(html: &str, prefix: &str, shift: u8) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let tail = &bytes[i..];
        // Every pattern is ASCII, so `i` stays on a character boundary when one matches.
        let matched = if tail.starts_with(b" id=\"") {
            Some((5, None))
        } else if tail.starts_with(b"href=\"#") {
            Some((7, None))
        } else {
            let digit = if tail.starts_with(b"</h") { 3 } else { 2 };
            match tail.get(digit) {
                Some(level @ b'1'..=b'6') if tail.starts_with(b"<h") || digit == 3 => {
                    Some((digit, Some((level - b'0' + shift).min(6))))
                }
                _ => None,
            }
        };
        let Some((len, heading)) = matched else {
            i += 1;
            continue;
        };
        out.push_str(&html[copied..i + len]);
        match heading {
            Some(level) => {
                out.push(char::from(b'0' + level));
                i += len + 1;
            }
            None => {
                out.push_str(prefix);
                i += len;
            }
        }
        copied = i;
    }
    out.push_str(&html[copied..]);
    out
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
    // tera says which variable or filter (`page.titel`) but not where: the first place the
    // template's source names it is where the editor looks.
    let location = std::fs::read_to_string(templates)
        .ok()
        .and_then(|source| {
            let named = message.split('`').skip(1).step_by(2);
            named
                .filter(|name| !name.is_empty())
                .find_map(|name| source.find(name))
                .map(|offset| Location::at_offset(templates, &source, offset))
        })
        .unwrap_or_else(|| Location::file(templates));
    Diagnostic::error("template", location, message)
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
        if !path.is_file() {
            continue;
        }
        let text = crate::diagnostics::read_text(&path)?;
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

#[cfg(test)]
mod tests {
    use super::{embed_html, escape_html};

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"Tom & "Jerry's" <b>/ñandú/</b>"#),
            "Tom &amp; &quot;Jerry&#39;s&quot; &lt;b&gt;/ñandú/&lt;/b&gt;"
        );
        assert_eq!(escape_html("México"), "México");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn embedded_html_has_prefixed_ids_and_lower_headings() {
        let html = r##"<h2 id="steps">Steps</h2><p><a href="#steps">up</a> <a href="/x/#y">x</a></p><hr><header></header><h6>Six</h6>é"##;
        assert_eq!(
            embed_html(html, "hb3-", 2),
            r##"<h4 id="hb3-steps">Steps</h4><p><a href="#hb3-steps">up</a> <a href="/x/#y">x</a></p><hr><header></header><h6>Six</h6>é"##
        );
        assert_eq!(embed_html("", "p-", 1), "");
    }
}

//! A theme: tera templates compiled once, static assets with fingerprinted names, and UI strings.
//!
//! Layout of a theme (the built-in one is `src/theme/`; a site's `themes/<name>/` holds only the
//! files it changes, see [`super::theme_files`]): `templates/**` (tera), `static/**` (copied;
//! `.css` and `.js` files get a content hash in their name so they can be cached forever),
//! `i18n/<lang>.toml` (flat `key = "text"` UI strings, `en` as the fallback).

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tera::{Tera, Value};

use super::theme_files::{Source, ThemeFiles};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::Staging;
use crate::text::escape_html_into;

/// One static file of the theme and the output path it is published at.
pub struct StaticFile {
    /// Its path in the theme (`static/css/site.css`).
    pub rel: String,
    pub source: Source,
    /// `css/site.1a2b3c4d5e.css`
    pub out: String,
}

/// UI strings without the `js_` prefix that scripts need too: site.js builds the search dialog.
const SCRIPT_KEYS: &[&str] = &["search", "search_label", "search_placeholder"];

pub struct Theme {
    /// Every file of the theme: the built-in ones with the site's over them.
    pub files: ThemeFiles,
    pub static_files: Vec<StaticFile>,
    /// The templates once per language, each with its UI strings; the default language first.
    pub languages: Vec<ThemeLanguage>,
}

/// The theme in one language: `t(key=…)` answers from that language's strings.
pub struct ThemeLanguage {
    pub code: String,
    pub tera: Tera,
    /// The UI strings scripts need (keys starting with `js_`, the [`SCRIPT_KEYS`], plus `lang`,
    /// `base` and `prefix`) as JSON safe to put in a `<script>` element; templates get it as
    /// `js_strings`. Built once: rendering it with `t()` on every page was a tenth of a
    /// 10,000-page build.
    pub js_strings: String,
    /// The same strings as a script (`window.hcStrings = {…};`), published once per language
    /// at [`ThemeLanguage::strings_asset`] so that pages link it instead of carrying it:
    /// templates get its URL as `strings_script`.
    pub strings_script: String,
    /// Where the strings script is published: `js/strings.en.1a2b3c4d5e.js`.
    pub strings_asset: String,
    /// What the language calls itself (`language_name` in its strings: "Español").
    pub name: String,
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme, Diagnostic> {
        let files = ThemeFiles::load(config)?;
        let mut templates = Vec::new();
        for (name, _) in files.under("templates/") {
            templates.push((name, files.read_text(&format!("templates/{name}"))?));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates)
            .map_err(|e| template_error(&files, None, &e))?;

        let (static_files, assets) = fingerprint_static(&files)?;
        let assets = Arc::new(assets);
        let base_path = config.base_path.clone();
        tera.register_function("asset", move |args: &HashMap<String, Value>| {
            let path = args
                .get("path")
                .and_then(Value::as_str)
                .ok_or("asset() needs path=\"…\"")?;
            let url = assets
                .get(path.trim_start_matches('/'))
                .ok_or_else(|| format!("no static file `{path}` in the theme"))?;
            Ok(Value::String(format!("{base_path}/{url}")))
        });
        tera.register_filter("embed", |value: &Value, args: &HashMap<String, Value>| {
            let html = value.as_str().ok_or("embed works on HTML text")?;
            let prefix = args.get("prefix").and_then(Value::as_str).unwrap_or("");
            let shift = args.get("shift").and_then(Value::as_u64).unwrap_or(0);
            Ok(Value::String(embed_html(html, prefix, shift.min(5) as u8)))
        });
        let languages = config
            .language_codes()
            .map(|code| ThemeLanguage::new(&tera, &files, code, config))
            .collect::<Result<_, _>>()?;
        Ok(Theme {
            files,
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

    /// A tera error met while rendering `template`, at the line of the theme file it names.
    pub fn template_error(&self, template: &str, error: &tera::Error) -> Diagnostic {
        template_error(&self.files, Some(template), error)
    }
}

impl StaticFile {
    /// Put the file into the output: the site's is copied, a built-in one written.
    pub fn publish(&self, files: &ThemeFiles, out: &Staging) -> std::io::Result<()> {
        match &self.source {
            Source::Site(path) => out.copy(path, &self.out),
            Source::BuiltIn => out.write(&self.out, &files.read(&self.rel)?),
        }
    }
}

impl ThemeLanguage {
    fn new(
        tera: &Tera,
        files: &ThemeFiles,
        code: &str,
        config: &Config,
    ) -> Result<ThemeLanguage, Diagnostic> {
        let strings = load_strings(files, code)?;
        let mut js: BTreeMap<&str, &str> = strings
            .iter()
            .filter(|(key, _)| key.starts_with("js_") || SCRIPT_KEYS.contains(&key.as_str()))
            .map(|(key, text)| (key.as_str(), text.as_str()))
            .collect();
        js.insert("lang", code);
        // The site's base path (`/help`), under which the API and every page are, and the
        // language's folder under it (`/help/es`), where its search page and static index are.
        let prefix = format!("{}{}", config.base_path, config.prefix(code));
        if !config.base_path.is_empty() {
            js.insert("base", &config.base_path);
        }
        if !prefix.is_empty() {
            js.insert("prefix", &prefix);
        }
        let js_strings = crate::text::script_json(&js);
        let strings_script = format!("window.hcStrings={js_strings};\n");
        let hash = blake3::hash(strings_script.as_bytes()).to_hex();
        let strings_asset = format!("js/strings.{code}.{}.js", &hash[..10]);
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
            strings_script,
            strings_asset,
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
    let mut copied = 0;
    // Every pattern has a `<` (headings) or a `"` (` id="`, `href="#`): jump between those.
    // All are ASCII, so each cut stays on a character boundary.
    for at in memchr::memchr2_iter(b'<', b'"', bytes) {
        if at < copied {
            continue;
        }
        let (cut, heading) = if bytes[at] == b'"' {
            let before = &bytes[copied..at];
            if before.ends_with(b" id=") {
                (at + 1, None)
            } else if before.ends_with(b"href=") && bytes.get(at + 1) == Some(&b'#') {
                (at + 2, None)
            } else {
                continue;
            }
        } else {
            let digit = if bytes[at + 1..].starts_with(b"/h") {
                at + 3
            } else if bytes.get(at + 1) == Some(&b'h') {
                at + 2
            } else {
                continue;
            };
            match bytes.get(digit) {
                Some(level @ b'1'..=b'6') => (digit, Some((level - b'0' + shift).min(6))),
                _ => continue,
            }
        };
        out.push_str(&html[copied..cut]);
        copied = cut;
        match heading {
            Some(level) => {
                out.push(char::from(b'0' + level));
                copied += 1;
            }
            None => out.push_str(prefix),
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// A tera error with its causes, which is where the useful part of the message usually is,
/// at the line of the template it is about: `template` (the one rendered) or the one tera
/// names (`Failed to parse 'partials/toc.html'`, `… while rendering 'base.html'`).
fn template_error(files: &ThemeFiles, template: Option<&str>, error: &tera::Error) -> Diagnostic {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    // The innermost template tera names first (an include fails inside the page rendering it).
    let mut names: Vec<&str> = message.split('\'').skip(1).step_by(2).collect();
    names.reverse();
    names.extend(template);
    names.retain(|name| files.source(&format!("templates/{name}")).is_some());
    let location = names
        .iter()
        .find_map(|name| {
            let rel = format!("templates/{name}");
            let text = files.read_text(&rel).ok()?;
            let offset = error_offset(&message, &text)?;
            Some(Location::at_offset(files.path(&rel), &text, offset))
        })
        .or_else(|| {
            let first = names.first()?;
            Some(Location::file(files.path(&format!("templates/{first}"))))
        })
        .unwrap_or_else(|| Location::file(files.path("templates")));
    Diagnostic::error("template", location, message)
}

/// Where in `source` the error is: the `--> line:column` of a syntax error, else the first
/// place the source names what tera says is wrong (`page.titel`), where the editor looks.
fn error_offset(message: &str, source: &str) -> Option<usize> {
    let syntax = message.split(" --> ").nth(1).and_then(|at| {
        let mut numbers = at
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        let line: usize = numbers.next()?.parse().ok()?;
        let column: usize = numbers.next()?.parse().ok()?;
        let start = source
            .split_inclusive('\n')
            .take(line.checked_sub(1)?)
            .map(str::len)
            .sum::<usize>();
        let text = source[start..].lines().next().unwrap_or("");
        Some(
            start
                + text
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i),
        )
    });
    syntax.or_else(|| {
        let named = message.split('`').skip(1).step_by(2);
        named
            .filter(|name| !name.is_empty())
            .find_map(|name| source.find(name))
    })
}

/// The theme's `static/` files, hashing `.css`/`.js` into their names, and the map from logical
/// path (`css/site.css`) to output path (`css/site.1a2b3c4d5e.css`) for `asset()`.
fn fingerprint_static(
    files: &ThemeFiles,
) -> Result<(Vec<StaticFile>, HashMap<String, String>), Diagnostic> {
    let mut published = Vec::new();
    let mut map = HashMap::new();
    for (path, source) in files.under("static/") {
        let rel = format!("static/{path}");
        let out = match path.rsplit_once('.') {
            Some((stem, ext @ ("css" | "js"))) => {
                let bytes = files.read(&rel).map_err(|e| {
                    Diagnostic::error("io", Location::file(files.path(&rel)), e.to_string())
                })?;
                let hash = blake3::hash(&bytes).to_hex();
                format!("{stem}.{}.{ext}", &hash[..10])
            }
            _ => path.to_string(),
        };
        map.insert(path.to_string(), out.clone());
        published.push(StaticFile {
            rel,
            source: source.clone(),
            out,
        });
    }
    Ok((published, map))
}

/// The UI strings of `language`, key by key: English, then the language's base (`pt` for
/// `pt-BR`), then the language itself, each the built-in file first and the site's over it.
fn load_strings(
    files: &ThemeFiles,
    language: &str,
) -> Result<FxHashMap<String, String>, Diagnostic> {
    // Looked up by `t()` tens of times a page: a fast hash, as the keys are the theme's own.
    let mut strings = FxHashMap::default();
    let base = language.split('-').next().unwrap_or(language);
    let mut done = Vec::new();
    for lang in ["en", base, language] {
        if done.contains(&lang) {
            continue;
        }
        done.push(lang);
        let rel = format!("i18n/{lang}.toml");
        let mut layers = Vec::new();
        if let Some(bytes) = super::theme_files::built_in(&rel) {
            let path = std::path::Path::new(super::theme_files::BUILT_IN).join(&rel);
            layers.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
        if let Some(Source::Site(path)) = files.source(&rel) {
            layers.push((path.clone(), crate::diagnostics::read_text(path)?));
        }
        for (path, text) in layers {
            let table: HashMap<String, String> = toml::from_str(&text).map_err(|e| {
                let location = match e.span() {
                    Some(span) => Location::at_offset(&path, &text, span.start),
                    None => Location::file(&path),
                };
                Diagnostic::error("i18n", location, e.message().to_string())
            })?;
            strings.extend(table);
        }
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::{embed_html, escape_html};
    use proptest::strategy::Strategy;

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

    /// The first version, a byte at a time: the oracle for the one that jumps.
    fn embed_html_bytewise(html: &str, prefix: &str, shift: u8) -> String {
        let bytes = html.as_bytes();
        let mut out = String::new();
        let (mut copied, mut i) = (0, 0);
        while i < bytes.len() {
            let tail = &bytes[i..];
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

    proptest::proptest! {
        #[test]
        fn embedding_jumps_to_the_same_result_as_a_byte_at_a_time(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "<h", "</h", "<h2", "</h3>", " id=\"", "href=\"#", "href=\"",
                        "id=\"", "\"", "<", "1", "7", "#", " ", "é", "<hr>", "a",
                    ]).prop_map(str::to_string),
                    "[a-z<>\"#= 0-9]{0,4}",
                ],
                0..40,
            ),
            shift in 0u8..6,
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(
                embed_html(&html, "p-", shift),
                embed_html_bytewise(&html, "p-", shift)
            );
        }
    }
}

//! Internal links and `#anchors` in pages: to pages, headings, data items placed on a page
//! (contact rows, tables, services, roles, procedures), files under `content/` and the theme's
//! static files. `mailto:` addresses are checked like e-mail addresses in data.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::{closest, page_file};
use crate::content::{self, DataRef, Page, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::render::theme_files::ThemeFiles;

/// Everything a link can lead to.
struct Targets<'a> {
    site: &'a Site,
    pages: HashMap<&'a str, usize>,
    /// Ids on each page (headings and placed data), by page index, gathered when a link
    /// first points there: a live rebuild checks a page's links, not the whole site's.
    anchors: Vec<OnceCell<HashSet<String>>>,
    /// The data items placed on each page.
    placed: HashMap<usize, Vec<&'a DataRef>>,
    /// Ids the theme puts on every page (`main`).
    theme_ids: HashSet<String>,
    /// URL path → file under content/ or the theme's static folder.
    files: HashSet<String>,
    /// URL of each draft left out → its file.
    drafts: HashMap<String, &'a str>,
}

/// The links of the pages at `indexes`, one list per page (a live rebuild checks only the
/// pages an edit touches).
pub fn check_pages(site: &Site, indexes: &[usize]) -> Vec<Vec<Diagnostic>> {
    let targets = Targets::new(site);
    indexes
        .iter()
        .map(|&index| check_page(site, &targets, index))
        .collect()
}

/// The pages with a link to one of `urls` (whose anchors they may point at).
pub fn linking_to(site: &Site, urls: &HashSet<&str>) -> Vec<usize> {
    (0..site.pages.len())
        .filter(|&i| {
            let page = &site.pages[i];
            page.markdown.links.iter().any(|link| {
                let resolved = resolve(&page.url, &link.url);
                let path = resolved.split(['#', '?']).next().unwrap_or("");
                urls.contains(path) || (path.is_empty() && urls.contains(page.url.as_str()))
            })
        })
        .collect()
}

fn check_page(site: &Site, targets: &Targets, index: usize) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // An untranslated copy has its source's links: reported once, on the source.
    if !site.pages[index].untranslated {
        let page = &site.pages[index];
        for link in &page.markdown.links {
            let offset = page.body_offset + link.offset;
            // Point at the URL itself when it is written after the link text.
            let offset = page
                .source
                .get(offset..)
                .and_then(|rest| {
                    let window = &rest[..rest.floor_char_boundary(4096)];
                    window.find(link.url.as_str())
                })
                .map_or(offset, |i| offset + i);
            let location = || Location::at_offset(page_file(site, page), &page.source, offset);
            if let Some(found) = check_link(site, targets, index, page, &link.url, location) {
                diagnostics.push(found);
            }
        }
    }
    diagnostics
}

impl<'a> Targets<'a> {
    fn new(site: &'a Site) -> Self {
        let pages = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.as_str(), i))
            .collect();
        let mut placed: HashMap<usize, Vec<&DataRef>> = HashMap::new();
        let every_language =
            std::iter::once(&site.placements).chain(site.languages.iter().map(|l| &l.placements));
        for (item, &page) in every_language.flatten() {
            placed.entry(page).or_default().push(item);
        }
        let content = site.config.content_dir();
        let mut files: HashSet<String> = site
            .assets
            .iter()
            .map(|a| format!("/{}", content::relative(&content, a)))
            .collect();
        // Theme static files keep their path, except CSS and JS, which get a content hash. A
        // theme that cannot be read is the build's error already.
        let theme = ThemeFiles::load(&site.config).ok();
        if let Some(theme) = &theme {
            for (path, _) in theme.under("static/") {
                if !(path.ends_with(".css") || path.ends_with(".js")) {
                    files.insert(format!("/{path}"));
                }
            }
        }
        files.insert("/404.html".into());
        files.insert("/sitemap.xml".into());
        let drafts = site
            .drafts
            .iter()
            .filter_map(|d| Some((content::url_for(std::path::Path::new(d))?, d.as_str())))
            .collect();
        Targets {
            site,
            pages,
            anchors: (0..site.pages.len()).map(|_| OnceCell::new()).collect(),
            placed,
            theme_ids: theme.as_ref().map(theme_ids).unwrap_or_default(),
            files,
            drafts,
        }
    }

    /// The ids on page `index`: its headings, and each data item placed on it with the rows
    /// of a contact table.
    fn anchors(&self, index: usize) -> &HashSet<String> {
        self.anchors[index].get_or_init(|| {
            let site = self.site;
            let mut ids: HashSet<String> = site.pages[index]
                .markdown
                .headings
                .iter()
                .map(|h| h.id.clone())
                .collect();
            for item in self.placed.get(&index).into_iter().flatten() {
                ids.insert(item.anchor());
                if let DataRef::Contacts(table) = item
                    && let Some(table) = site.data_in(&site.pages[index].lang).contacts.get(table)
                {
                    ids.extend(table.rows.iter().map(|r| r.anchor.clone()));
                }
            }
            ids
        })
    }

    fn page(&self, path: &str) -> Option<usize> {
        if let Some(&i) = self.pages.get(path) {
            return Some(i);
        }
        let trimmed = path.strip_suffix("index.html").unwrap_or(path);
        if let Some(&i) = self.pages.get(trimmed) {
            return Some(i);
        }
        if !trimmed.ends_with('/') {
            return self.pages.get(format!("{trimmed}/").as_str()).copied();
        }
        None
    }
}

/// Literal `id="…"` attributes in the theme's templates (`<main id="main">`), the site's and the
/// built-in ones.
fn theme_ids(theme: &ThemeFiles) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (name, _) in theme.under("templates/") {
        let Ok(text) = theme.read_text(&format!("templates/{name}")) else {
            continue;
        };
        for part in text.split("id=\"").skip(1) {
            if let Some(id) = part.split('"').next()
                && !id.contains(['{', '%'])
            {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

fn check_link(
    site: &Site,
    targets: &Targets,
    index: usize,
    page: &Page,
    url: &str,
    location: impl Fn() -> Location,
) -> Option<Diagnostic> {
    if let Some(address) = strip_scheme(url, "mailto") {
        let address = address.split('?').next().unwrap_or("");
        let address = percent_decode(address);
        return super::data::email_problem(&address).map(|problem| {
            Diagnostic::error(
                "email-invalid",
                location(),
                format!("`{address}` is not a valid e-mail address: {problem}"),
            )
            .with_hint("write the address as name@example.com")
        });
    }
    if has_scheme(url) || url.starts_with("//") {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        Some(index)
    } else {
        let resolved = resolve(&page.url, &percent_decode(path));
        match targets.page(&resolved) {
            Some(target) => Some(target),
            None if targets.files.contains(&resolved) => None,
            // The page's own error says why it is missing.
            None if site
                .unloaded
                .iter()
                .any(|u| u.trim_end_matches('/') == resolved.trim_end_matches('/')) =>
            {
                return None;
            }
            None => {
                return Some(missing_target(
                    site,
                    targets,
                    page,
                    url,
                    &resolved,
                    location(),
                ));
            }
        }
    };
    let (Some(target), Some(fragment)) = (target, fragment) else {
        return None;
    };
    let fragment = percent_decode(fragment);
    if fragment.is_empty()
        || targets.anchors(target).contains(&fragment)
        || targets.theme_ids.contains(&fragment)
        || site.pages[target]
            .source
            .contains(&format!("id=\"{fragment}\""))
    {
        return None;
    }
    let target_url = &site.pages[target].url;
    let mut ids: Vec<&str> = targets.anchors(target).iter().map(String::as_str).collect();
    ids.sort();
    let hint = match closest(&fragment, ids.iter().copied()) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if ids.is_empty() => format!("`{target_url}` has no headings or data items"),
        None => {
            let shown: Vec<String> = ids.iter().take(8).map(|id| format!("#{id}")).collect();
            format!(
                "ids on that page: {}{}",
                shown.join(", "),
                if ids.len() > 8 { ", …" } else { "" }
            )
        }
    };
    Some(
        Diagnostic::error(
            "broken-anchor",
            location(),
            format!("broken link: `{target_url}` has no heading or item with id `{fragment}`"),
        )
        .with_hint(hint),
    )
}

fn missing_target(
    site: &Site,
    targets: &Targets,
    page: &Page,
    url: &str,
    resolved: &str,
    location: Location,
) -> Diagnostic {
    let draft = targets
        .drafts
        .get(resolved)
        .or_else(|| targets.drafts.get(&format!("{resolved}/")));
    if let Some(draft) = draft {
        return Diagnostic::error(
            "draft-link",
            location,
            format!("broken link: `{url}` is the draft `content/{draft}`, which is left out of the build"),
        )
        .with_hint("publish the page (remove `draft: true`) or remove the link; `--drafts` includes drafts");
    }
    let hint = if resolved.ends_with(".md") {
        // A link to a Markdown file: suggest the page's URL.
        let base = std::path::Path::new(&page.path)
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let file = resolve(&format!("/{base}/"), url.split('#').next().unwrap_or(url));
        match content::url_for(std::path::Path::new(file.trim_start_matches('/'))) {
            Some(suggested) => format!("link to the page's URL, `{suggested}`, not to its file"),
            None => "link to the page's URL, not to its file".to_string(),
        }
    } else if !url.starts_with('/') && resolved != url {
        let near = closest(resolved, site.pages.iter().map(|p| p.url.as_str()));
        match near {
            Some(near) => format!(
                "relative links resolve against the page's URL `{}`; did you mean `{near}`?",
                page.url
            ),
            None => format!(
                "relative links resolve against the page's URL `{}`: write site paths that start with `/`",
                page.url
            ),
        }
    } else {
        let mut candidates: Vec<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
        candidates.extend(targets.files.iter().map(String::as_str));
        match closest(resolved, candidates) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "link to a page by its URL (`/billing/`) or to a file under content/".into(),
        }
    };
    Diagnostic::error(
        "broken-link",
        location,
        format!("broken link: no page or file at `{resolved}`"),
    )
    .with_hint(hint)
}

/// The text after `scheme:` when `url` uses that scheme (case-insensitively).
fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let (head, rest) = url.split_once(':')?;
    head.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// `https:`, `tel:`, `mailto:` …: a scheme is letters, digits, `+`, `-`, `.` before a colon.
fn has_scheme(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolve `link` against the page URL `base` as a browser would, `.` and `..` included.
pub fn resolve(base: &str, link: &str) -> String {
    let joined = if link.starts_with('/') {
        link.to_string()
    } else {
        let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{link}")
    };
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = joined.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." | "" if i != last => {}
            ".." => {
                parts.pop();
                if i == last {
                    parts.push("");
                }
            }
            "." => parts.push(""),
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_browser() {
        assert_eq!(resolve("/a/b/", "../c/"), "/a/c/");
        assert_eq!(resolve("/a/b/", "x.png"), "/a/b/x.png");
        assert_eq!(resolve("/a/b/", "./"), "/a/b/");
        assert_eq!(resolve("/", "../../x/"), "/x/");
        assert_eq!(resolve("/a/", "/billing/"), "/billing/");
        assert_eq!(resolve("/a/", "/billing"), "/billing");
        assert_eq!(resolve("/a/b/", ".."), "/a/");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("tel:+1"));
        assert!(!has_scheme("/a:b"));
        assert!(!has_scheme("foo/bar"));
        assert_eq!(strip_scheme("MAILTO:a@b.co", "mailto"), Some("a@b.co"));
        assert_eq!(percent_decode("a%20b%zz"), "a b%zz");
    }
}

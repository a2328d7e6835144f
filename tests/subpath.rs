//! A site published under a subpath (`base_url = "https://example.com/help/"`): every link,
//! asset, fetch, feed, sitemap entry and OpenSearch URL lives under `/help/`, and `serve`
//! answers there.

mod common;

use std::path::Path;

use common::{Site, http};
use reqwest::StatusCode;

const BASE_URL: &str = "https://example.com/help/";

/// Every URL of a built file: attributes of HTML and XML, sitemap locations, OpenSearch
/// templates, and the paths the scripts are given (`"base"`, `"prefix"`).
fn urls_in(text: &str) -> Vec<String> {
    let attribute =
        regex::Regex::new(r#"(?:href|src|action|template|data-static-search)="([^"]*)""#).unwrap();
    let element = regex::Regex::new(r"<(?:loc|id|Image|moz:SearchForm)[^>]*>([^<]*)<").unwrap();
    let script = regex::Regex::new(r#""(?:base|prefix)":"([^"]*)""#).unwrap();
    attribute
        .captures_iter(text)
        .chain(element.captures_iter(text))
        .map(|c| c[1].replace("&amp;", "&"))
        .chain(script.captures_iter(text).map(|c| format!("{}/", &c[1])))
        .collect()
}

/// The built file a URL of the site names, or why it names none.
fn resolve(public: &Path, url: &str) -> Result<(), String> {
    let path = match url.strip_prefix("https://example.com") {
        Some(path) => path,
        None if url.starts_with('/') && !url.starts_with("//") => url,
        // Other sites, `mailto:`, `tel:`, in-page anchors.
        None if url.contains(':') || url.starts_with('#') || url.starts_with("//") => {
            return Ok(());
        }
        None => return Err("a relative URL".into()),
    };
    let Some(rest) = path.strip_prefix("/help/") else {
        return Err("not under /help/".into());
    };
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    if rest == "api/feedback" {
        return Ok(()); // the server's, posted to
    }
    let file = if rest.is_empty() || rest.ends_with('/') {
        public.join(rest).join("index.html")
    } else {
        public.join(rest)
    };
    if file.is_file() {
        Ok(())
    } else {
        Err(format!("no file {}", file.display()))
    }
}

#[test]
fn every_url_of_a_subpath_build_is_under_it_and_resolves_to_a_built_file() {
    let site = Site::sample();
    site.run_ok(&["build", "--base-url", BASE_URL]);
    let public = site.public();
    let (mut checked, mut wrong) = (0, Vec::new());
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // The strings scripts carry the scripts' paths (`"base"`, `"prefix"`).
        let is_text = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("html" | "xml" | "txt")
        ) || (name.starts_with("strings.") && name.ends_with(".js"));
        if !is_text || path.starts_with(public.join(".helpcenter")) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for url in urls_in(&text) {
            checked += 1;
            if let Err(why) = resolve(&public, &url) {
                wrong.push(format!("{}: {url}: {why}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong URLs:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Pages in three languages, each with dozens of links: the walk found them.
    assert!(checked > 2000, "only {checked} URLs checked");

    let home = site.read_output("es/index.html");
    let at = home
        .find(r#"src="/help/js/strings.es."#)
        .expect("strings script")
        + 11;
    let strings = site.read_output(&home[at..at + home[at..].find('"').unwrap()]);
    assert!(
        strings.contains(r#""base":"/help""#),
        "scripts know the base path"
    );
    assert!(strings.contains(r#""prefix":"/help/es""#));
    let robots = site.read_output("robots.txt");
    assert!(robots.contains("Disallow: /help/api/"), "{robots}");
    assert!(robots.contains("Sitemap: https://example.com/help/sitemap.xml"));
}

#[test]
fn a_site_at_the_host_root_is_unchanged() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let home = site.read_output("index.html");
    assert!(home.contains(r#"href="/billing/""#));
    assert!(home.contains(r#"action="/api/feedback""#) || !home.contains("api/feedback"));
    let at = home
        .find(r#"src="/js/strings.en."#)
        .expect("strings script")
        + 6;
    let strings = site.read_output(&home[at..at + home[at..].find('"').unwrap()]);
    assert!(
        !strings.contains(r#""base":"#),
        "no base path on a root site"
    );
}

#[test]
fn serve_answers_under_the_base_path() {
    let site = Site::sample();
    let server = site.serve(&["--no-watch", "--base-url", BASE_URL]);
    assert!(
        server.url.ends_with("/help/"),
        "the URL printed is the site's: {}",
        server.url
    );
    let client = http();
    let home = client.get(server.at("")).send().unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().unwrap().contains(r#"href="/help/billing/""#));

    let folder = client.get(server.at("billing")).send().unwrap();
    assert_eq!(folder.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(folder.headers()["location"], "/help/billing/");

    let search = client
        .get(server.at("api/search?q=invoice"))
        .send()
        .unwrap();
    assert_eq!(search.status(), StatusCode::OK);
    let hits: serde_json::Value = search.json().unwrap();
    let first = hits["hits"][0]["url"].as_str().unwrap();
    assert!(
        first.starts_with('/') && !first.starts_with("/help/"),
        "hits name the site's paths, which the theme puts under the base path: {first}"
    );

    // The feedback form names the page as linked; the thanks come back under the base path.
    let posted = client
        .post(server.at("api/feedback"))
        .header("Origin", format!("http://{}", server.addr()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("page=%2Fhelp%2Fbilling%2F&helpful=yes")
        .send()
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        posted.headers()["location"],
        "/help/billing/?feedback=thanks#feedback"
    );

    let missing = client.get(server.at("no-such-page/")).send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

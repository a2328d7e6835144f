//! The default theme's output, checked without a browser (tests/browser drives Chromium).

mod common;

use common::{Site, snapshot};

#[test]
fn every_page_is_csp_clean_and_tel_links_are_e164() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let mut pages = 0;
    let mut tel_links = 0;
    for (path, bytes) in snapshot(&site.public()) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).expect("utf-8");
        let name = path.display();
        let lang = path
            .iter()
            .next()
            .and_then(|c| c.to_str())
            .filter(|c| ["es", "pt"].contains(c))
            .unwrap_or("en");
        assert!(
            html.starts_with(&format!("<!doctype html>\n<html lang=\"{lang}\">")),
            "{name}"
        );
        assert!(
            !html.contains(" style="),
            "{name}: style attributes break the CSP"
        );
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(
                tag.contains(" src=")
                    || tag.contains("application/ld+json")
                    || tag.contains("application/json"),
                "{name}: inline script {tag}"
            );
        }
        for (at, _) in html.match_indices("href=\"tel:") {
            let href: String = html[at + 10..].chars().take_while(|&c| c != '"').collect();
            tel_links += 1;
            assert!(
                href.starts_with('+') && href[1..].chars().all(|c| c.is_ascii_digit()),
                "{name}: tel:{href}"
            );
        }
    }
    assert!(pages > 16, "pages and special pages");
    assert!(tel_links > 50, "the tel: check saw {tel_links} links");
}

#[test]
fn special_pages_feeds_and_handbook_in_reading_order() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let robots = site.read_output("robots.txt");
    assert!(
        robots.contains("Sitemap: https://help.example.com/sitemap.xml"),
        "{robots}"
    );
    let sitemap = site.read_output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://help.example.com/billing/</loc>"));
    assert!(site.read_output("atom.xml").contains("<entry>"));
    assert!(
        site.read_output("opensearch.xml")
            .contains("/search/?q={searchTerms}")
    );
    assert!(
        site.read_output("search/index.html")
            .contains("data-search-page")
    );
    assert!(site.public().join("favicon.svg").is_file());

    let handbook = site.read_output("handbook/index.html");
    let toc = &handbook[handbook.find("handbook-toc").expect("contents")..];
    let at = |title: &str| toc.find(&format!("\">{title}</a></li>")).expect(title);
    // A section is followed by its own pages before the next section.
    assert!(at("Technical support") < at("Technical support phone numbers"));
    assert!(at("Technical support phone numbers") < at("Billing"));
    assert!(at("Billing") < at("Billing Customer Care"));
    assert!(
        handbook.contains("0800-887-3333"),
        "data tables are in the handbook"
    );

    let page = site.read_output("technical-support/phone-numbers/index.html");
    assert!(page.contains(
        r#"<link rel="canonical" href="https://help.example.com/technical-support/phone-numbers/">"#
    ));
    assert!(page.contains(r#""@type":"BreadcrumbList""#));
    // Every crumb but the last (this page, whose URL is the page's own) names its URL.
    let at = page.find("application/ld+json\">").unwrap() + 21;
    let ld: serde_json::Value =
        serde_json::from_str(&page[at..at + page[at..].find("</script>").unwrap()]).unwrap();
    let items = ld["itemListElement"].as_array().unwrap();
    let (last, others) = items.split_last().unwrap();
    assert_eq!(last["name"], "Technical support phone numbers");
    assert!(last.get("item").is_none());
    assert!(
        others
            .iter()
            .all(|i| i["item"].as_str().unwrap().starts_with("https://"))
    );
    assert!(page.contains(r#"action="/api/feedback""#) && page.contains(r#"name="website""#));
    let home = site.read_output("index.html");
    assert!(
        home.contains("/technical-support/phone-numbers/#technical-support-brazil"),
        "support block links rows"
    );
    assert!(
        home.contains("/services/#service-cdn"),
        "service cards link to their place"
    );
}

#[test]
fn a_site_without_data_still_builds_every_template() {
    let site = Site::minimal();
    site.run_ok(&["build"]);
    assert!(site.read_output("index.html").contains("Hello."));
    assert!(site.read_output("handbook/index.html").contains("Welcome"));
}

/// A big section's sidebar lists the 8 pages around the current one and links to the rest;
/// scripts get their UI strings as one JSON object.
#[test]
fn sidebar_shows_a_window_of_a_big_section() {
    let site = Site::minimal();
    site.write(
        "content/guides/_index.md",
        "---\ntitle: Guides\n---\nAll guides.\n",
    );
    for n in 1..=30 {
        site.write(
            &format!("content/guides/guide-{n:02}.md"),
            &format!("---\ntitle: Guide {n:02}\nweight: {n}\n---\nText {n}.\n"),
        );
    }
    site.run_ok(&["build"]);
    let sidebar = |page: &str| {
        let html = site.read_output(&format!("guides/{page}/index.html"));
        let nav = &html[html.find("class=\"section-nav\"").expect("sidebar")..];
        nav[..nav.find("</nav>").unwrap()].to_string()
    };
    let titles = |nav: &str| -> Vec<String> {
        nav.match_indices("\">Guide ")
            .map(|(at, _)| nav[at + 2..at + 10].to_string())
            .collect()
    };

    let middle = sidebar("guide-15");
    let expected: Vec<String> = (11..=18).map(|n| format!("Guide {n:02}")).collect();
    assert_eq!(titles(&middle), expected);
    assert!(middle.contains(r#"<a href="/guides/guide-15/" aria-current="page">Guide 15</a>"#));
    assert!(middle.contains(r#"<a href="/guides/">All pages in this section (30)</a>"#));

    let first = sidebar("guide-01");
    let expected: Vec<String> = (1..=8).map(|n| format!("Guide {n:02}")).collect();
    assert_eq!(titles(&first), expected);
    let last = sidebar("guide-30");
    let expected: Vec<String> = (23..=30).map(|n| format!("Guide {n:02}")).collect();
    assert_eq!(titles(&last), expected);

    let html = site.read_output("guides/guide-15/index.html");
    assert!(
        !html.contains("hc-strings"),
        "the strings are not in the page"
    );
    let strings = script_strings(&site, &html);
    assert_eq!(strings["lang"], "en");
    assert_eq!(strings["js_search_result"], "1 result");
    assert_eq!(strings["search_label"], "Search the Help Center");
}

/// The UI strings of the strings script a page links (`window.hcStrings = {…};`).
fn script_strings(site: &Site, html: &str) -> serde_json::Value {
    let at = html.find("src=\"/js/strings.").expect("strings script") + 6;
    let url = &html[at..at + html[at..].find('"').unwrap()];
    let script = site.read_output(url.trim_start_matches('/'));
    let json = script
        .strip_prefix("window.hcStrings=")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("window.hcStrings={…};");
    serde_json::from_str(json).expect("JSON")
}

/// Each language's strings script is published once, fingerprinted, and linked (deferred,
/// before site.js) by every page of that language; no page carries the search dialog.
#[test]
fn each_language_links_its_own_strings_script() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    for (page, lang, label) in [
        ("billing/index.html", "en", "Search the Help Center"),
        (
            "es/billing/index.html",
            "es",
            "Buscar en el Centro de Ayuda",
        ),
        (
            "pt/billing/index.html",
            "pt",
            "Pesquisar na Central de Ajuda",
        ),
    ] {
        let html = site.read_output(page);
        let strings = script_strings(&site, &html);
        assert_eq!(strings["lang"], lang, "{page}");
        assert_eq!(strings["search_label"], label, "{page}");
        assert!(strings["js_search_hint"].is_string(), "{page}");
        let strings_at = html.find("/js/strings.").unwrap();
        let site_js = html.find("/js/site.").expect("site.js");
        assert!(
            strings_at < site_js,
            "{page}: the strings load before site.js"
        );
        let tag = &html[html[..strings_at].rfind("<script").unwrap()..];
        assert!(tag[..tag.find('>').unwrap()].contains(" defer"), "{page}");
        assert!(
            !html.contains("<dialog"),
            "{page}: site.js builds the dialog"
        );
    }
}

#[test]
fn on_this_page_lists_more_than_two_headings_or_two_main_ones() {
    let site = Site::minimal();
    let pages = [
        (
            "three",
            "## One\n\nx\n\n### Two\n\nx\n\n### Three\n\nx\n",
            true,
        ),
        ("two-main", "## One\n\nx\n\n## Two\n\nx\n", true),
        ("main-and-sub", "## One\n\nx\n\n### Two\n\nx\n", false),
        ("one", "## One\n\nx\n", false),
    ];
    for (slug, body, _) in pages {
        site.write(
            &format!("content/{slug}.md"),
            &format!("---\ntitle: Page {slug}\n---\n{body}"),
        );
    }
    site.run_ok(&["build"]);
    for (slug, _, listed) in pages {
        let html = site.read_output(&format!("{slug}/index.html"));
        assert_eq!(html.contains("toc-compact"), listed, "{slug}: compact list");
        assert_eq!(html.contains("toc-side"), listed, "{slug}: side list");
    }
}

#[test]
fn the_sections_menu_marks_the_top_section_of_the_page() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let menu = |rel: &str| {
        let html = site.read_output(rel);
        let at = html.find("<nav class=\"sections\"").expect("menu");
        html[at..at + html[at..].find("</nav>").unwrap()].to_string()
    };
    let current = |menu: &str| menu.matches("aria-current=\"true\"").count();
    let page = menu("billing/changing-billing-information/index.html");
    assert_eq!(current(&page), 1, "{page}");
    assert!(
        page.contains(r#"<a href="/billing/" aria-current="true">"#),
        "{page}"
    );
    let spanish = menu("es/billing/index.html");
    assert!(
        spanish.contains(r#"<a href="/es/billing/" aria-current="true">"#),
        "{spanish}"
    );
    assert_eq!(current(&menu("index.html")), 0);
    assert_eq!(current(&menu("search/index.html")), 0);
}

//! A site in several languages: translations beside their sources under `/es/…`, data
//! translated as text only, untranslated pages still published, search per language, and a
//! one-language site unchanged.

mod common;

use std::collections::BTreeSet;

use common::{Site, http, snapshot, text};

/// Every `tel:` and `mailto:` link of an HTML page, and the numbers as shown.
fn facts(html: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for scheme in ["href=\"tel:", "href=\"mailto:"] {
        for part in html.split(scheme).skip(1) {
            found.insert(format!("{scheme}{}", part.split('"').next().unwrap_or("")));
        }
    }
    for part in html.split("class=\"tel\" href=\"").skip(1) {
        if let Some(shown) = part.split('>').nth(1) {
            found.insert(shown.split('<').next().unwrap_or("").to_string());
        }
    }
    found
}

#[test]
fn the_sample_says_every_number_and_address_alike_in_three_languages() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let public = site.public();
    let mut pages = 0;
    for (path, bytes) in snapshot(&public) {
        let rel = path.to_string_lossy().into_owned();
        let skip = rel.starts_with("es/") || rel.starts_with("pt/") || rel.starts_with("handbook");
        if skip || !rel.ends_with("index.html") {
            continue;
        }
        let english = facts(&String::from_utf8_lossy(&bytes));
        for lang in ["es", "pt"] {
            let other = std::fs::read_to_string(public.join(lang).join(&rel))
                .unwrap_or_else(|_| panic!("{lang}/{rel} is published"));
            assert_eq!(
                facts(&other),
                english,
                "{lang}/{rel} shows other numbers than {rel}"
            );
        }
        pages += 1;
    }
    assert!(pages >= 15, "compared {pages} pages");
    // The whole sample is translated: no page falls back to English.
    let out = site.run_ok(&["check"]);
    assert!(!out.contains("translation-missing"), "{out}");

    let spanish = site.read_output("es/technical-support/phone-numbers/index.html");
    assert!(
        spanish.starts_with("<!doctype html>\n<html lang=\"es\">"),
        "{spanish:.80}"
    );
    assert!(
        spanish.contains(r#"id="technical-support-brazil""#),
        "same row anchors"
    );
    assert!(
        spanish.contains("Brasil") && spanish.contains("México"),
        "country names in Spanish"
    );
    assert!(spanish.contains(
        r#"hreflang="pt" href="https://help.example.com/pt/technical-support/phone-numbers/""#
    ));
    assert!(spanish.contains(
        r#"hreflang="x-default" href="https://help.example.com/technical-support/phone-numbers/""#
    ));
    let home = site.read_output("es/index.html");
    assert!(
        home.contains(r#"action="/es/search/""#),
        "the search form stays in Spanish"
    );
    let portuguese = site.read_output("pt/index.html");
    assert!(portuguese.contains("Pesquisar"), "UI strings in Portuguese");
    for special in [
        "404.html",
        "search/index.html",
        "handbook/index.html",
        "atom.xml",
        "opensearch.xml",
    ] {
        for lang in ["es", "pt"] {
            assert!(
                public.join(lang).join(special).is_file(),
                "{lang}/{special}"
            );
        }
    }
    let sitemap = site.read_output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://help.example.com/pt/billing/</loc>"));
    assert!(sitemap.contains(
        r#"<xhtml:link rel="alternate" hreflang="es" href="https://help.example.com/es/billing/"/>"#
    ));
}

/// A two-language site: `faq` translated, `guide` not, `es-only` only in Spanish.
fn bilingual() -> Site {
    let site = Site::minimal();
    site.write(
        "site.toml",
        "title = \"Help\"\nbase_url = \"https://help.test\"\ndefault_language = \"en\"\n\n[languages.es]\ntitle = \"Ayuda\"\n",
    );
    site.write(
        "content/_index.es.md",
        "---\ntitle: Bienvenido\n---\nHola.\n",
    );
    site.write(
        "content/faq.md",
        "---\ntitle: FAQ\nweight: 2\n---\n## Calls {#calls}\n\nSee the [guide](/guide/) and [the form](/files/form.pdf).\n",
    );
    site.write(
        "content/faq.es.md",
        "---\ntitle: Preguntas\n---\n## Llamadas {#calls}\n\nVea la [guía](/guide/) y [el formulario](/files/form.pdf).\n",
    );
    site.write(
        "content/guide.md",
        "---\ntitle: Guide\nweight: 1\n---\nThe routers guide.\n",
    );
    site.write(
        "content/es-only.es.md",
        "---\ntitle: Solo en español\n---\nEnrutadores zanahoria.\n",
    );
    site.write("content/files/form.pdf", "%PDF");
    site
}

#[test]
fn untranslated_pages_are_published_with_a_notice_and_checked() {
    let site = bilingual();
    site.run_ok(&["build"]);
    let guide = site.read_output("es/guide/index.html");
    assert!(
        guide.contains("<html lang=\"es\">"),
        "the page is in the Spanish site"
    );
    assert!(
        guide.contains(r#"class="notice untranslated""#),
        "a visible notice"
    );
    assert!(
        guide.contains(r#"<article class="prose" lang="en">"#),
        "its text is marked English"
    );
    assert!(guide.contains("The routers guide."));
    // A translation's links stay in its language; files are shared.
    let faq = site.read_output("es/faq/index.html");
    assert!(
        faq.contains(r#"href="/es/guide/""#) && faq.contains(r#"href="/files/form.pdf""#),
        "{faq}"
    );
    assert!(faq.contains(r#"<h2 id="calls">Llamadas</h2>"#));
    assert!(!faq.contains("notice untranslated"));

    let out = site.run(&["check"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only: {report}");
    assert!(
        report.contains("warning[translation-missing]: `guide.md` has no `es` translation: `/es/guide/` shows this text"),
        "{report}"
    );
    assert!(
        report.contains("help: write content/guide.es.md beside it"),
        "{report}"
    );
    assert!(
        !report.contains("`faq.md` has no"),
        "faq is translated: {report}"
    );
}

#[test]
fn a_translation_older_than_its_source_is_outdated() {
    let site = bilingual();
    let set = |rel: &str, day: &str| {
        let time = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        let secs = time.and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
        let file = std::fs::File::options()
            .write(true)
            .open(site.path().join(rel))
            .unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64))
            .unwrap();
    };
    set("content/faq.es.md", "2026-03-01");
    set("content/faq.md", "2026-05-20");
    let report = text(&site.run(&["check"]));
    assert!(
        report.contains("warning[translation-outdated]: `faq.md` changed on 2026-05-20, after this translation (last changed on 2026-03-01)"),
        "{report}"
    );
    assert!(report.contains("--> content/faq.es.md"), "{report}");
    set("content/faq.es.md", "2026-06-01");
    assert!(!text(&site.run(&["check"])).contains("translation-outdated"));
}

#[test]
fn translations_take_order_and_drafts_from_their_source() {
    let site = bilingual();
    site.run_ok(&["build"]);
    let home = site.read_output("es/index.html");
    let (guide, faq) = (
        home.find("/es/guide/").unwrap(),
        home.find("/es/faq/").unwrap(),
    );
    assert!(guide < faq, "weight 1 before weight 2, as in the source");

    site.write(
        "content/faq.md",
        "---\ntitle: FAQ\ndraft: true\n---\nSoon.\n",
    );
    site.run_ok(&["build"]);
    assert!(!site.public().join("faq/index.html").exists());
    assert!(
        !site.public().join("es/faq/index.html").exists(),
        "a draft's translation waits too"
    );
}

#[test]
fn search_answers_in_the_readers_language() {
    let site = bilingual();
    site.run_ok(&["build"]);
    let urls = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["search", "--json"];
        all.extend(args);
        let json: serde_json::Value = serde_json::from_str(&site.run_ok(&all)).unwrap();
        json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["url"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(urls(&["llamadas", "--lang", "es"]), ["/es/faq/#calls"]);
    assert!(
        urls(&["llamadas"]).is_empty(),
        "English readers search English pages"
    );
    // An untranslated page is found in its own language's words, at the reader's URL.
    assert_eq!(urls(&["routers", "--lang", "es"])[0], "/es/guide/");
    // A page of one language only is found by every reader.
    assert_eq!(urls(&["zanahoria"]), ["/es/es-only/"]);
    let out = site.run(&["search", "x", "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("the site has no language `fr`: ask in one of en, es"),
        "{}",
        text(&out)
    );

    let server = site.serve(&["--no-watch"]);
    let answer = |query: &str| {
        http()
            .get(server.at(&format!("/api/search?q={query}")))
            .send()
            .unwrap()
    };
    let hits: serde_json::Value = answer("llamadas&lang=es").json().unwrap();
    assert_eq!(hits["hits"][0]["url"], "/es/faq/#calls");
    assert_eq!(answer("llamadas&lang=fr").status(), 400);
    let missing = http().get(server.at("/es/no-such-page/")).send().unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing.text().unwrap().contains("<html lang=\"es\">"),
        "the Spanish 404 page"
    );
    assert!(
        site.public().join("es/search-index/meta.json").is_file(),
        "static index per language"
    );
}

#[test]
fn translated_data_changes_text_never_facts() {
    let site = bilingual();
    site.write(
        "content/data/contacts/support.yaml",
        "title: Support\nrows:\n  - location: Brazil\n    countries: [BR]\n    toll_free: [\"0800-887-3333\"]\nnotes: [Call us.]\n",
    );
    site.write(
        "content/faq.md",
        "---\ntitle: FAQ\n---\n{{ contacts(table=\"support\") }}\n",
    );
    site.write(
        "content/faq.es.md",
        "---\ntitle: Preguntas\n---\n{{ contacts(table=\"support\") }}\n",
    );
    site.write(
        "content/data/contacts/support.es.yaml",
        "title: Soporte\nrows:\n  brazil:\n    location: Brasil\nnotes: [Llámenos.]\n",
    );
    site.run_ok(&["build"]);
    let faq = site.read_output("es/faq/index.html");
    assert!(
        faq.contains("Brasil") && faq.contains("Llámenos.") && faq.contains("0800-887-3333"),
        "{faq}"
    );
    assert!(
        faq.contains(r#"id="support-brazil""#),
        "the row keeps its anchor"
    );

    site.write(
        "content/data/contacts/support.es.yaml",
        "title: Soporte\nrows:\n  brasil:\n    location: Brasil\nnotes: [Uno., Dos.]\n",
    );
    let out = site.run(&["build"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("error[translation]: no row `brasil` in the source file"),
        "{report}"
    );
    assert!(
        report.contains("content/data/contacts/support.es.yaml:3:3"),
        "{report}"
    );
    assert!(
        report.contains("`notes` has 2 entries; the source has 1"),
        "{report}"
    );
    site.write(
        "content/data/contacts/support.es.yaml",
        "title: Soporte\nrows:\n  brazil:\n    toll_free: [\"0800\"]\n",
    );
    let report = text(&site.run(&["build"]));
    assert!(
        report.contains("unknown field `toll_free`"),
        "a number cannot be translated: {report}"
    );
}

#[test]
fn a_one_language_site_has_no_language_machinery() {
    let site = Site::minimal();
    site.write("content/faq.md", "---\ntitle: FAQ\n---\nSee [home](/).\n");
    site.write(
        "content/notes.es.md",
        "---\ntitle: Not a language\n---\nx\n",
    );
    site.run_ok(&["build"]);
    let faq = site.read_output("faq/index.html");
    assert!(
        !faq.contains("hreflang") && !faq.contains("language-switch"),
        "{faq}"
    );
    assert!(!site.public().join("es").exists());
    // Without [languages.es], `notes.es.md` is a page of its own.
    assert!(site.public().join("notes-es/index.html").is_file());
    assert!(site.public().join(".helpcenter/index").is_dir());
    assert!(!site.public().join(".helpcenter/index-es").exists());
}

#[test]
fn a_language_code_that_cannot_be_a_folder_is_refused() {
    let site = Site::minimal();
    site.write(
        "site.toml",
        "title = \"Help\"\nbase_url = \"https://help.test\"\n\n[languages.\"../x\"]\ntitle = \"X\"\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("`../x` is not a language code"),
        "{}",
        text(&out)
    );
    site.write(
        "site.toml",
        "title = \"Help\"\nbase_url = \"https://help.test\"\n\n[languages.en]\n",
    );
    assert!(text(&site.run(&["build"])).contains("`en` is the default language"));
}

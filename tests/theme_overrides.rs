//! The built-in theme and what a site changes of it: one file in `themes/default/` wins over
//! the built-in one, UI strings key by key; `theme eject` writes the whole theme out.

mod common;

use common::{Site, built_in_theme_file, repo_root, text};

/// The output file whose name is `css/site.<hash>.css`.
fn stylesheet(site: &Site) -> String {
    let css = std::fs::read_dir(site.public().join("css"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("site.") && name.ends_with(".css"))
        .expect("a stylesheet");
    format!("css/{css}")
}

#[test]
fn one_template_one_string_and_one_static_file_override_the_rest_is_built_in() {
    let site = Site::minimal();
    site.write(
        "content/guide.md",
        "---\ntitle: Guide\ndescription: G.\n---\nRead me.\n",
    );
    site.write(
        "themes/default/templates/partials/feedback.html",
        "<p class=\"our-feedback\">Write to us.</p>\n",
    );
    site.write(
        "themes/default/i18n/en.toml",
        "footer_note = \"Questions? Ask Example Co.\"\n",
    );
    site.write(
        "themes/default/static/css/site.css",
        "body { color: teal }\n",
    );
    site.run_ok(&["build"]);

    let page = site.read_output("guide/index.html");
    assert!(
        page.contains(r#"<p class="our-feedback">Write to us.</p>"#),
        "{page}"
    );
    assert!(
        !page.contains("Was this page helpful?"),
        "the site's partial wins"
    );
    assert!(page.contains("<p>Questions? Ask Example Co.</p>"), "{page}");
    // Everything else is the built-in theme's: other strings, templates, scripts.
    let at = page.find("src=\"/js/strings.en.").expect("strings script") + 6;
    let strings = site.read_output(&page[at..at + page[at..].find('"').unwrap()]);
    assert!(strings.contains(r#""search_placeholder":"Search the Help Center…""#));
    assert!(page.contains(r#"<nav class="breadcrumbs""#) || page.contains("breadcrumb"));
    assert!(site.public().join("favicon.svg").is_file());
    // The site's stylesheet is the one published and linked, under its own fingerprint.
    let css = stylesheet(&site);
    assert_eq!(site.read_output(&css), "body { color: teal }\n");
    assert!(page.contains(&format!("href=\"/{css}\"")), "{page}");
    let script = site.public().join("js");
    assert!(
        std::fs::read_dir(script).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("site.")),
        "built-in scripts are published"
    );

    let report: serde_json::Value =
        serde_json::from_str(&site.run_ok(&["check", "--format", "json"])).unwrap();
    assert_eq!(report["errors"], 0, "{report:#}");
}

/// Strings merge per language: the site's English override does not reach Spanish pages,
/// which keep the built-in Spanish text unless the site overrides that too.
#[test]
fn ui_strings_override_key_by_key_in_each_language() {
    let site = Site::minimal();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://help.test\"\n[languages.es]\ntitle = \"T es\"\n",
    );
    site.write(
        "themes/default/i18n/en.toml",
        "footer_note = \"Ask us.\"\nsearch_hero_title = \"Hello!\"\n",
    );
    site.write(
        "themes/default/i18n/es.toml",
        "search_hero_title = \"¡Hola!\"\nsearch_placeholder = \"Busque aquí…\"\n",
    );
    site.run_ok(&["build"]);
    let en = site.read_output("index.html");
    assert!(
        en.contains("<p>Ask us.</p>") && en.contains("<h1>Hello!</h1>"),
        "{en}"
    );
    let es = site.read_output("es/index.html");
    assert!(es.contains("<h1>¡Hola!</h1>"), "{es}");
    assert!(
        es.contains(
            "<p>¿No encuentra lo que necesita? Busque en el Centro de Ayuda o contáctenos.</p>"
        ),
        "{es}"
    );
    // The scripts' strings (the search dialog's placeholder) are overridden the same way.
    let at = es.find("src=\"/js/strings.es.").expect("strings script") + 6;
    let script = site.read_output(&es[at..at + es[at..].find('"').unwrap()]);
    assert!(
        script.contains(r#""search_placeholder":"Busque aquí…""#),
        "{script}"
    );
    assert!(script.contains(r#""js_close":"Cerrar""#), "{script}");
}

#[test]
fn a_named_theme_falls_back_to_the_built_in_files_and_must_exist() {
    let site = Site::minimal();
    site.write(
        "content/guide.md",
        "---\ntitle: Guide\ndescription: G.\n---\nRead me.\n",
    );
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://help.test\"\ntheme = \"plain\"\n",
    );
    site.write(
        "themes/plain/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<div class=\"plain\">{{ page.content | safe }}</div>{% endblock main %}\n",
    );
    site.run_ok(&["build"]);
    let page = site.read_output("guide/index.html");
    assert!(
        page.contains("<div class=\"plain\"><p>Read me.</p>\n</div>"),
        "{page}"
    );
    assert!(
        page.contains("class=\"site-header\""),
        "base.html is the built-in one"
    );
    assert!(site.read_output("index.html").contains("class=\"hero\""));

    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://help.test\"\ntheme = \"plian\"\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("error[theme]: there is no theme folder themes/plian")
            && all.contains("site.toml")
            && all.contains("create themes/plian/"),
        "{all}"
    );
}

#[test]
fn theme_eject_writes_the_theme_and_refuses_to_overwrite() {
    let site = Site::minimal();
    site.run_ok(&["build"]);
    let before = site.read_output("index.html");

    let out = site.run(&["theme", "eject"]);
    assert!(out.status.success(), "{}", text(&out));
    let theme = site.path().join("themes/default");
    let sources: Vec<_> = walkdir::WalkDir::new(repo_root().join("src/theme"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .collect();
    for source in &sources {
        let rel = source
            .path()
            .strip_prefix(repo_root().join("src/theme"))
            .unwrap();
        assert_eq!(
            std::fs::read(theme.join(rel)).unwrap(),
            std::fs::read(source.path()).unwrap(),
            "{}",
            rel.display()
        );
    }
    assert!(
        text(&out).contains(&format!("{} files", sources.len())),
        "{}",
        text(&out)
    );
    // The ejected theme builds the same site.
    site.run_ok(&["build"]);
    assert_eq!(site.read_output("index.html"), before);

    // A second eject would overwrite: refused, nothing written.
    let page = theme.join("templates/page.html");
    std::fs::write(&page, "edited").unwrap();
    let out = site.run(&["theme", "eject"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("already has") && error.contains("--force"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "edited");

    let out = site.run(&["theme", "eject", "--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        built_in_theme_file("templates/page.html")
    );

    std::fs::remove_file(site.path().join("site.toml")).unwrap();
    let out = site.run(&["theme", "eject", "--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("there is no site.toml in"),
        "{}",
        text(&out)
    );
}

/// The sample keeps its telecom wording through its own few strings; the built-in theme has
/// none of it.
#[test]
fn the_sample_keeps_its_wording_and_the_built_in_theme_is_generic() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let home = site.read_output("index.html");
    for wording in [
        r#"placeholder="Search numbers, topics…""#,
        "Type a country, a phone number in any format, a role or a question.",
        "<h2 id=\"support-title\">Contact technical support</h2>",
        "All technical support numbers",
        "or contact technical support.",
        "/technical-support/phone-numbers/#technical-support-brazil",
    ] {
        assert!(home.contains(wording), "{wording}");
    }
    let es = site.read_output("es/index.html");
    assert!(es.contains("Contactar a soporte técnico"), "{es}");
    let pt = site.read_output("pt/index.html");
    assert!(pt.contains("Fale com o suporte técnico"), "{pt}");

    for lang in ["en", "es", "pt"] {
        let strings = built_in_theme_file(&format!("i18n/{lang}.toml")).to_lowercase();
        for word in [
            "phone",
            "teléfono",
            "telefone",
            "técnic",
            "technical",
            "tsc",
        ] {
            assert!(!strings.contains(word), "{lang}.toml: {word}");
        }
    }
}

/// `home_contacts` names the table the home page shows; a name of no table is an error at
/// its line.
#[test]
fn the_home_page_shows_the_table_home_contacts_names() {
    let site = Site::minimal();
    site.write(
        "content/data/contacts/desk.yaml",
        "title: Desk\nrows:\n  - location: Brazil\n    countries: [BR]\n    local: [\"+55-11-3957-2288\"]\n",
    );
    site.write(
        "content/contact.md",
        "---\ntitle: Contact\ndescription: C.\n---\n{{ contacts(table=\"desk\") }}\n",
    );
    site.run_ok(&["build"]);
    assert!(!site.read_output("index.html").contains("support-block"));

    let config =
        "title = \"T\"\nbase_url = \"https://help.test\"\n\n[extra]\nhome_contacts = \"desk\"\n";
    site.write("site.toml", config);
    site.run_ok(&["build"]);
    let home = site.read_output("index.html");
    assert!(
        home.contains(r#"<a href="/contact/#desk-brazil">Brazil</a>"#),
        "{home}"
    );

    site.write("site.toml", &config.replace("\"desk\"", "\"dsk\""));
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(
            "error[config]: `home_contacts` in [extra] names no contact table `dsk`; did you mean `desk`?\n --> site.toml:5:1"
        ),
        "{}",
        text(&out)
    );
}

/// A site's file may break a built-in template: the error is at the built-in template's line,
/// shown from the text inside the binary.
#[test]
fn an_error_in_a_built_in_template_names_its_line() {
    let site = Site::minimal();
    site.write(
        "themes/default/templates/macros.html",
        "{% macro search_form(id, hero, prefix) %}{% endmacro search_form %}\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let index = built_in_theme_file("templates/index.html");
    let line = index[..index.find("macros::cards").unwrap()]
        .lines()
        .count();
    let all = text(&out);
    assert!(
        all.contains(&format!(
            "--> <built-in theme>/templates/index.html:{line}:"
        )),
        "{all}"
    );
    assert!(
        all.contains("{{ macros::cards(items=page.children) }}"),
        "{all}"
    );
}

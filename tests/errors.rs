//! Errors that point at the cause: one cause gives one error, at the line that is wrong, with a
//! help line that says what to do.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::{Site, text};

/// The `error[…]` and `warning[…]` lines of a check, with the location line after each.
fn findings(site: &Site) -> Vec<String> {
    let out = site.run(&["check"]);
    let all = text(&out);
    let lines: Vec<&str> = all.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("error[") || l.starts_with("warning["))
        .map(|(i, l)| format!("{l} {}", lines.get(i + 1).unwrap_or(&"").trim()))
        .collect()
}

fn errors(site: &Site) -> Vec<String> {
    findings(site)
        .into_iter()
        .filter(|f| f.starts_with("error"))
        .collect()
}

#[test]
fn a_page_whose_front_matter_fails_gives_one_error_not_broken_links_too() {
    let site = Site::sample();
    let page = "content/billing/changing-billing-information.md";
    let source = std::fs::read_to_string(site.path().join(page)).unwrap();
    site.write(page, &source.replacen("title:", "tittle:", 1));
    let found = errors(&site);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("unknown field `tittle`"), "{found:#?}");
}

#[test]
fn a_duplicate_key_points_at_the_duplicate() {
    let site = Site::minimal();
    site.write(
        "content/a.md",
        "---\ntitle: A\ndescription: A.\ntitle: B\n---\nText.\n",
    );
    site.write(
        "content/data/contacts/t.yaml",
        "title: T\nrows:\n  - location: Brazil\n    countries: [BR]\n    location: Brasil\n",
    );
    let found = errors(&site);
    assert!(
        found
            .iter()
            .any(|f| f.contains("duplicate field `title`") && f.ends_with("content/a.md:4:1")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("duplicate field `location`")
                && f.ends_with("content/data/contacts/t.yaml:5:5")),
        "{found:#?}"
    );
}

#[test]
fn a_data_file_that_fails_is_not_also_a_missing_table() {
    let site = Site::minimal();
    site.write("content/data/contacts/help.yaml", "title: [unclosed\n");
    site.write(
        "content/help.md",
        "---\ntitle: Help\ndescription: H.\n---\n{{ contacts(table=\"help\") }}\n",
    );
    let found = errors(&site);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("help.yaml"), "{found:#?}");
}

#[test]
fn shortcode_ids_get_a_did_you_mean() {
    let site = Site::minimal();
    site.write(
        "content/data/contacts/technical-support.yaml",
        "title: T\nrows:\n  - location: Brazil\n    countries: [BR]\n",
    );
    site.write(
        "content/help.md",
        "---\ntitle: Help\ndescription: H.\n---\n{{ contacts(table=\"technical-suport\") }}\n\n{{ contact(table=\"technical-support\") }}\n",
    );
    let found = errors(&site);
    assert!(
        found
            .iter()
            .any(|f| f.contains("no contact table `technical-suport`")
                && f.contains("did you mean `technical-support`?")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("unknown shortcode `contact`; did you mean `contacts`?")),
        "{found:#?}"
    );
}

#[test]
fn an_unclosed_front_matter_says_so() {
    let site = Site::minimal();
    site.write("content/a.md", "---\ntitle: A\ndescription: A.\n\nText.\n");
    let out = text(&site.run(&["check"]));
    assert!(
        out.contains("the front matter is not closed: no `---` line after it"),
        "{out}"
    );
}

#[test]
fn a_tab_in_yaml_gets_a_help_line() {
    let site = Site::minimal();
    site.write(
        "content/data/contacts/t.yaml",
        "title: T\nrows:\n\t- location: Brazil\n",
    );
    let out = text(&site.run(&["check"]));
    assert!(
        out.contains("help: YAML does not allow tabs for indentation: indent with spaces"),
        "{out}"
    );
}

#[test]
fn one_file_is_one_file() {
    let site = Site::minimal();
    let out = text(&site.run(&["check"]));
    assert!(out.contains("0 errors, 0 warnings in 2 files"), "{out}");
    std::fs::remove_file(site.path().join("content/_index.md")).unwrap();
    let out = text(&site.run(&["check"]));
    assert!(out.contains(" in 1 file "), "{out}");
}

#[test]
fn serve_on_a_port_in_use_names_the_option_and_builds_nothing() {
    let site = Site::minimal();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let started = Instant::now();
    let out = site.run(&["serve", "--no-watch", "--port", &port]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("the port is in use") && all.contains("--port 0"),
        "{all}"
    );
    assert!(
        !site.public().exists(),
        "no build before the port is known to be free"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn serve_says_what_failed_and_why_and_exits_2() {
    let site = Site::minimal();
    let serve = |extra: &[&str]| {
        let mut args = vec!["serve", "--no-watch", "--port", "0"];
        args.extend(extra);
        let out = site.run(&args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // The cause follows what failed.
    let no_site = serve(&["--no-build"]);
    assert!(
        no_site.contains("error: no built site in ")
            && no_site.contains("(run `helpcenter build` first, or drop --no-build): "),
        "{no_site}"
    );
    site.run_ok(&["build"]);
    site.write("not-a-database", "plain text\n");
    let db = site.path().join("not-a-database");
    let bad_db = serve(&["--no-build", "--feedback-db", db.to_str().unwrap()]);
    assert!(
        bad_db.contains(&format!(
            "error: cannot open the feedback database {}: file is not a database",
            db.display()
        )),
        "{bad_db}"
    );
    site.write("content/broken.md", "no front matter\n");
    let failed = serve(&[]);
    assert!(
        failed.contains("error: the build failed; nothing to serve"),
        "{failed}"
    );
}

#[test]
fn a_template_error_is_one_error_at_its_line_and_check_finds_it_too() {
    let site = Site::sample();
    // The site's own copy of a built-in template (included by page.html), with a typo.
    let template = site
        .path()
        .join("themes/default/templates/partials/article.html");
    let source = common::built_in_theme_file("templates/partials/article.html");
    assert!(source.contains("{{ page.title }}"));
    let broken = source.replacen("{{ page.title }}", "{{ page.titel }}", 1);
    let line = broken[..broken.find("page.titel").unwrap()].lines().count();
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(&template, broken).unwrap();
    let built = one_template_error_at(&site, "templates/partials/article.html", line);
    assert!(
        built.contains("while rendering `/") && built.contains("other pages"),
        "{built}"
    );
}

/// `build` and `check` each fail with one template error, at `rel:line`; returns what `build`
/// printed.
fn one_template_error_at(site: &Site, rel: &str, line: usize) -> String {
    let mut built = String::new();
    for command in ["build", "check"] {
        let out = site.run(&[command]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {all}");
        assert_eq!(
            all.matches("error[template]").count(),
            1,
            "{command}: {all}"
        );
        assert!(all.contains(&format!("{rel}:{line}:")), "{command}: {all}");
        if command == "build" {
            built = all;
        }
    }
    built
}

#[test]
fn an_error_in_the_sections_menu_is_one_error_at_its_line() {
    let site = Site::sample();
    // Rendered once per top section rather than per page: still one error, at its line.
    let rel = "templates/partials/sections_menu.html";
    let source = common::built_in_theme_file(rel);
    let broken = source.replacen("{{ item.title }}", "{{ item.titel }}", 1);
    assert_ne!(broken, source);
    let line = broken[..broken.find("item.titel").unwrap()].lines().count();
    site.write(&format!("themes/default/{rel}"), &broken);
    one_template_error_at(&site, rel, line);
}

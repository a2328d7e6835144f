//! The build pipeline through the real binary: output, data rows, errors, safe output.

mod common;

use common::{Site, snapshot, text};

#[test]
fn sample_site_builds_every_page_and_row_with_anchors() {
    let site = Site::sample();
    let stdout = site.run_ok(&["build"]);
    assert!(stdout.starts_with("Built "), "summary line: {stdout}");
    assert!(stdout.contains("data files"), "{stdout}");

    let home = site.read_output("index.html");
    for section in [
        "/services/",
        "/your-team/",
        "/technical-support/",
        "/billing/",
        "/customer-portal/",
    ] {
        assert!(
            home.contains(&format!("href=\"{section}\"")),
            "home links {section}"
        );
    }
    let phones = site.read_output("technical-support/phone-numbers/index.html");
    assert!(phones.contains(r#"id="technical-support-brazil""#));
    assert!(
        phones.contains(r#"href="tel:+558008873333""#),
        "toll-free number as E.164 tel: link"
    );
    assert!(phones.contains("0800-887-3333"), "number kept as written");
    assert!(site.public().join("404.html").is_file());
}

/// `tests/seed-handbook.txt` is the handbook the sample content was written from (a copy of
/// `shared/seeds/000_e936bb547f3339a2.txt`, kept in the repository so that a clean clone runs
/// this test too). Every number and address it prints must reach a published page.
#[test]
fn every_phone_number_and_email_of_the_seed_handbook_is_published() {
    let seed = std::fs::read_to_string(common::repo_root().join("tests/seed-handbook.txt"))
        .expect("tests/seed-handbook.txt");
    // Phone-like runs (digits with separators, at least 7 digits) and e-mail addresses.
    let mut wanted = std::collections::BTreeSet::new();
    for token in seed.split(['|', '\n', ',', ' ']) {
        let token = token.trim();
        let digits = token.chars().filter(char::is_ascii_digit).count();
        let phone_like = digits >= 7
            && token
                .chars()
                .all(|c| c.is_ascii_digit() || "+-()".contains(c));
        if phone_like || token.contains('@') {
            wanted.insert(token);
        }
    }
    // So that a tokenizer that finds nothing cannot make the test pass.
    assert_eq!(wanted.len(), 41, "38 numbers and 3 addresses: {wanted:?}");

    let site = Site::sample();
    site.run_ok(&["build"]);
    let mut published = String::new();
    for (path, bytes) in snapshot(&site.public()) {
        if path.extension().is_some_and(|e| e == "html") {
            published.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    let missing: Vec<&str> = wanted
        .into_iter()
        .filter(|token| !published.contains(token))
        .collect();
    assert!(missing.is_empty(), "not on any page: {missing:?}");
    for rule in ["72 business hours", "10 locations", "waiting for customer"] {
        assert!(published.contains(rule), "rule missing: {rule}");
    }
}

#[test]
fn broken_yaml_names_file_line_and_column_and_keeps_previous_output() {
    let site = Site::minimal();
    site.write(
        "content/data/roles.yaml",
        "- code: AM\n  name: Account manager\n  summary: Sales contact.\n",
    );
    site.write("content/team.md", "---\ntitle: Team\n---\n{{ roles() }}\n");
    site.run_ok(&["build"]);
    let before = snapshot(&site.public());

    site.write(
        "content/data/roles.yaml",
        "- code: AM\n  name: Account manager\n  summray: typo\n",
    );
    let out = site.run(&["build"]);
    assert!(!out.status.success());
    let message = text(&out);
    assert!(message.contains("content/data/roles.yaml:3:3"), "{message}");
    assert!(message.contains("unknown field `summray`"), "{message}");
    assert!(message.contains("previous output"), "{message}");
    assert_eq!(
        snapshot(&site.public()),
        before,
        "previous output byte-identical"
    );

    site.write("content/team.md", "---\ntitle: Team\nweight: [oops\n---\n");
    let message = text(&site.run(&["build"]));
    assert!(
        message.contains("content/team.md:3:"),
        "front matter line in the file's numbering: {message}"
    );
    assert_eq!(snapshot(&site.public()), before);
}

#[test]
fn unknown_config_key_is_an_error_with_line() {
    let site = Site::minimal();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://x\"\ncolour = \"red\"\n",
    );
    let message = text(&site.run(&["build"]));
    assert!(message.contains("site.toml:3:1"), "{message}");
    assert!(message.contains("unknown field `colour`"), "{message}");
}

/// The `handbook` fixture: sections with and without `_index.md`, a page with two headings of
/// one name, a draft.
#[test]
fn sections_pages_and_pretty_urls() {
    let site = Site::fixture("handbook");
    site.run_ok(&["build"]);
    let page = site.read_output("billing/changing-billing-information/index.html");
    assert!(
        page.contains(r#"id="steps""#) && page.contains(r#"id="steps-1""#),
        "de-duplicated heading ids"
    );
    assert!(
        page.contains(r#"href="/billing/""#),
        "breadcrumb to its section"
    );
    let section = site.read_output("billing/index.html");
    assert!(
        section.contains(r#"href="/billing/changing-billing-information/""#),
        "section lists its pages"
    );
    assert!(
        !site.public().join("billing/draft/index.html").exists(),
        "drafts left out"
    );
    assert!(
        site.read_output("orphans/index.html").contains("Orphans"),
        "folder without _index.md still a section"
    );

    site.run_ok(&["build", "--drafts"]);
    assert!(
        site.public().join("billing/draft/index.html").exists(),
        "--drafts includes drafts"
    );
}

#[test]
fn unknown_shortcode_target_is_an_error_with_position() {
    let site = Site::minimal();
    site.write(
        "content/x.md",
        "---\ntitle: X\n---\n\nText.\n\n{{ contacts(table=\"nope\") }}\n",
    );
    let out = site.run(&["build"]);
    assert!(!out.status.success());
    let message = text(&out);
    assert!(message.contains("content/x.md:7:1"), "{message}");
    assert!(message.contains("no contact table `nope`"), "{message}");
}

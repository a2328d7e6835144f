//! `helpcenter check` on fixture sites: each check fails and passes, with its exact text.

mod common;

use common::{Site, text};

/// Run `helpcenter check --format json <args>`; returns whether it succeeded and one line per
/// diagnostic, `path:line:col: severity[code]: message`.
fn check(site: &Site, args: &[&str]) -> (bool, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let out = site.run(&all);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&out)));
    let mut lines = Vec::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let mut place = d["file"].as_str().unwrap().to_string();
        if let Some(line) = d["line"].as_u64() {
            place.push_str(&format!(":{line}"));
            if let Some(col) = d["column"].as_u64() {
                place.push_str(&format!(":{col}"));
            }
        }
        lines.push(format!(
            "{place}: {}[{}]: {}",
            d["severity"].as_str().unwrap(),
            d["code"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        ));
    }
    let errors = report["errors"].as_u64().unwrap();
    assert_eq!(
        out.status.success(),
        errors == 0,
        "exit status follows errors"
    );
    (out.status.success(), lines.join("\n"))
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndescription: About {title}.\n---\n{body}")
}

#[test]
fn minimal_site_is_clean_with_summary_line() {
    let site = Site::minimal();
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("0 errors, 0 warnings in 2 files ("),
        "{stdout}"
    );
}

/// What an editor sees: the `mistakes` fixture, one of each common slip, as `check` prints it
/// (the snapshot is `tests/snapshots/check__mistakes_as_an_editor_sees_them.snap`).
#[test]
fn mistakes_as_an_editor_sees_them() {
    let site = Site::fixture("mistakes");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    insta::assert_snapshot!(site.normalize(&text(&out)));
}

/// One fixture per schema problem: (file, text, expected diagnostics).
#[test]
fn schema_errors_name_file_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "content/a.md",
            "---\ntitle: A\ntitel: B\n---\n",
            "content/a.md:3:1: error[yaml]: unknown field `titel`, expected one of `title`, `description`, `weight`, `tags`, `draft`, `review_by`, `template`, `editor_note`",
        ),
        (
            "content/a.md",
            "---\ntitle: A\nweight: heavy\n---\n",
            "content/a.md:3:9: error[yaml]: weight: invalid type: string \"heavy\", expected a whole number",
        ),
        (
            "content/a.md",
            "---\ndescription: No title.\n---\n",
            "content/a.md:2:1: error[yaml]: missing field `title`",
        ),
        (
            "content/a.md",
            "---\ntitle: A\ntitle: B\n---\n",
            "content/a.md:3:1: error[yaml]: duplicate field `title`",
        ),
        (
            "content/a.md",
            "---\ntitle: A\nreview_by: next year\n---\n",
            "content/a.md:3:12: error[yaml]: review_by: input contains invalid characters",
        ),
        (
            "content/data/contacts/t.yaml",
            "title: T\nrows:\n  - location: Brazil\n    phone: [\"+55 11 3957 2288\"]\n",
            "content/data/contacts/t.yaml:4:5: error[yaml]: rows[0]: unknown field `phone`, expected one of `id`, `location`, `countries`, `region`, `toll_free`, `local`, `emails`, `portal`, `services`, `notes`, `editor_note`",
        ),
        (
            "content/data/contacts/t.yaml",
            "title: T\nrows:\n  - location: Brazil\n    countries: BR\n",
            "content/data/contacts/t.yaml:4:16: error[yaml]: rows[0].countries: invalid type: string \"BR\", expected a sequence",
        ),
        (
            "content/data/contacts/t.yaml",
            "title: T\n",
            "content/data/contacts/t.yaml:1:1: error[yaml]: missing field `rows`",
        ),
        (
            "content/data/contacts/t.yaml",
            "title: T\nrows:\n  - location: Brazil\n    location: Chile\n",
            "content/data/contacts/t.yaml:4:5: error[yaml]: rows[0]: duplicate field `location`",
        ),
        (
            "content/data/services.yaml",
            "- id: cdn\n  name: CDN\n  description: Fast.\n",
            "content/data/services.yaml:1:3: error[yaml]: [0]: missing field `summary`",
        ),
        (
            "content/data/roles.yaml",
            "- code: AM\n  name: Account manager\n  summary: Sales.\n  languages: English\n",
            "content/data/roles.yaml:4:14: error[yaml]: [0].languages: invalid type: string \"English\", expected a sequence",
        ),
        (
            "content/data/procedures/p.yaml",
            "title: P\nsummary: S.\ndeadlines:\n  - when: Monday\n",
            "content/data/procedures/p.yaml:4:5: error[yaml]: deadlines[0]: missing field `then`",
        ),
        (
            "content/data/other.yaml",
            "a: 1\n",
            "content/data/other.yaml: error[data-file]: unknown kind of data file",
        ),
        (
            "content/synonyms.yaml",
            "cdn: content delivery network\n",
            "content/synonyms.yaml:1:1: error[yaml]: invalid type: map, expected a sequence",
        ),
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://x.test\"\ncolour = \"red\"\n",
            "site.toml:3:1: error[config]: unknown field `colour`, expected one of `title`, `description`, `base_url`, `default_language`, `language`, `languages`, `theme`, `allow_raw_html`, `insights`, `extra`",
        ),
        (
            "site.toml",
            "title = 3\nbase_url = \"https://x.test\"\n",
            "site.toml:1:9: error[config]: invalid type: integer `3`, expected a string",
        ),
        (
            "site.toml",
            "title = \"T\"\n",
            "site.toml:1:1: error[config]: missing field `base_url`",
        ),
        (
            "site.toml",
            "title = \"T\"\ntitle = \"U\"\nbase_url = \"https://x.test\"\n",
            "site.toml:2:1: error[config]: duplicate key",
        ),
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"help.test\"\n",
            "site.toml:2:1: error[config]: `base_url` must be an absolute URL, not `help.test`",
        ),
    ];
    let mut failures = Vec::new();
    for (file, source, expected) in cases {
        let site = Site::minimal();
        site.write(file, source);
        let (ok, lines) = check(&site, &[]);
        assert!(!ok, "{file}: {source}");
        if lines != *expected {
            failures.push(format!(
                "{file}: {source:?}\n  got:  {lines:?}\n  want: {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_urls() {
    let site = Site::minimal();
    site.write("content/billing.md", &page("Billing page", ""));
    site.write("content/billing/_index.md", &page("Billing", "Text.\n"));
    site.write("content/a b.md", &page("A b", ""));
    site.write("content/A-b.md", &page("A-b", ""));
    assert_eq!(check(&site, &[]), (false, "\
content/A-b.md:1:1: error[duplicate-url]: `content/A-b.md` and `content/a b.md` are both published at `/a-b/`
content/billing.md:1:1: error[duplicate-url]: `content/billing.md` and `content/billing/_index.md` are both published at `/billing/`".into()));
    let site = Site::minimal();
    site.write("content/billing/_index.md", &page("Billing", "Text.\n"));
    site.write("content/billing/x.md", &page("X", ""));
    assert_eq!(check(&site, &[]), (true, String::new()));
}

#[test]
fn pages_under_a_draft_section_are_unreachable() {
    let site = Site::minimal();
    site.write(
        "content/old/_index.md",
        "---\ntitle: Old\ndescription: Old things.\ndraft: true\n---\nText.\n",
    );
    site.write("content/old/page.md", &page("Page", ""));
    assert_eq!(check(&site, &[]), (true, "content/old/page.md:1:1: warning[unreachable]: this page is published, but its section `content/old/_index.md` is a draft".into()));
    assert_eq!(check(&site, &["--drafts"]), (true, String::new()));
}

#[test]
fn empty_sections_and_missing_descriptions() {
    let site = Site::minimal();
    site.write("content/empty/_index.md", &page("Empty", "\n"));
    site.write("content/full/_index.md", &page("Full", "Some text.\n"));
    site.write("content/full/bare.md", "---\ntitle: Bare\n---\nText.\n");
    site.write(
        "content/full/blank.md",
        "---\ntitle: Blank\ndescription: \" \"\n---\nText.\n",
    );
    site.write("content/full/fine.md", &page("Fine", "Text.\n"));
    assert_eq!(
        check(&site, &[]),
        (
            true,
            "\
content/empty/_index.md:2:8: warning[empty-section]: the section `/empty/` has no pages and no text
content/full/bare.md:2:8: warning[missing-description]: the page has no description
content/full/blank.md:3:14: warning[missing-description]: the page has no description"
                .into()
        )
    );
}

#[test]
fn templates_must_exist_in_the_theme() {
    let site = Site::minimal();
    site.write(
        "content/a.md",
        "---\ntitle: A\ndescription: A.\ntemplate: wide.html\n---\n",
    );
    site.write(
        "content/b.md",
        "---\ntitle: B\ndescription: B.\ntemplate: page.html\n---\n",
    );
    assert_eq!(check(&site, &[]), (false, "content/a.md:4:11: error[missing-template]: the theme `default` has no template `wide.html`".into()));
}

/// The `links` fixture: `good-links.md` holds every kind of link that resolves (pages, headings,
/// contact rows, placed items, files, relative and external links), `links.md` one of each
/// that does not. Only `links.md` is reported.
#[test]
fn internal_links_and_anchors() {
    let site = Site::fixture("links");
    assert_eq!(check(&site, &[]), (false, "\
content/links.md:5:5: error[broken-link]: broken link: no page or file at `/suport/`
content/links.md:5:19: error[broken-anchor]: broken link: `/support/` has no heading or item with id `phone-number`
content/links.md:5:47: error[broken-anchor]: broken link: `/support/` has no heading or item with id `nothing-like-it`
content/links.md:6:6: error[broken-link]: broken link: no page or file at `/images/logo.jpg`
content/links.md:6:28: error[broken-link]: broken link: no page or file at `/links/support/`
content/links.md:6:42: error[broken-link]: broken link: no page or file at `/links/support.md`
content/links.md:6:58: error[broken-anchor]: broken link: `/links/` has no heading or item with id `nope`
content/links.md:7:5: error[email-invalid]: `billing@lumen` is not a valid e-mail address: the domain has no dot (name@example.com)".into()));
}

#[test]
fn links_to_drafts_and_drafts_themselves() {
    let site = Site::minimal();
    site.write(
        "content/secret.md",
        "---\ntitle: Secret\ndescription: S.\ndraft: true\n---\n[x](/nowhere/)\n",
    );
    site.write("content/a.md", &page("A", "[s](/secret/)\n"));
    assert_eq!(check(&site, &[]), (false, "content/a.md:5:5: error[draft-link]: broken link: `/secret/` is the draft `content/secret.md`, which is left out of the build".into()));
    assert_eq!(check(&site, &["--drafts"]), (false, "content/secret.md:6:5: error[broken-link]: broken link: no page or file at `/nowhere/`".into()));
}

#[test]
fn link_diagnostic_is_rendered_rustc_style() {
    let site = Site::minimal();
    site.write("content/a.md", &page("A", "See [the guide](/gide/).\n"));
    site.write("content/guide.md", &page("Guide", ""));
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.split(" (").next().unwrap(),
        "\
error[broken-link]: broken link: no page or file at `/gide/`
 --> content/a.md:5:17
  |
5 | See [the guide](/gide/).
  |                 ^^^^^^
  |
  = help: did you mean `/guide/`?

1 error, 0 warnings in 4 files"
    );
}

/// The `phones` fixture: `good.yaml` has numbers in every form that reads (E.164, national,
/// with and without the trunk prefix, a row of several countries), `bad.yaml` one of each
/// mistake. Only `bad.yaml` is reported.
#[test]
fn phone_numbers() {
    let site = Site::fixture("phones");
    assert_eq!(check(&site, &[]), (true, "\
content/data/contacts/bad.yaml:5:18: warning[phone-unreadable]: cannot read the phone number `call us` (not a number)
content/data/contacts/bad.yaml:6:14: warning[phone-invalid]: `+55-11-3957-22` is not a valid phone number of BR; the site shows it without a `tel:` link
content/data/contacts/bad.yaml:6:32: warning[phone-country-code]: `+55-55-11-3957-2288` is not a valid number, but without its country code +55 it reads as the BR number +551139572288: it looks like it gained a country code; the site shows it without a `tel:` link
content/data/contacts/bad.yaml:9:14: warning[phone-country-code]: `+212-204-9306` reads as a +212 number (MA, EH), but the row is for VE: it looks like it lost VE's country code +58; the site shows it without a `tel:` link
content/data/contacts/bad.yaml:9:31: warning[phone-country]: `+55-11-3957-2288` is a number of BR (+55), but the row is for VE".into()));
}

#[test]
fn same_number_with_different_digits_in_two_tables() {
    let site = Site::minimal();
    let table = |toll_free: &str| {
        format!(
            "title: T\nrows:\n  - location: Argentina\n    countries: [AR]\n    toll_free: [\"{toll_free}\"]\n    local: [\"+54-11-5170-5383\"]\n\
             \x20 - location: Brazil\n    countries: [BR]\n    local: [\"+55-11-3957-2288\"]\n"
        )
    };
    site.write(
        "content/data/contacts/support.yaml",
        &table("0800-800-5383"),
    );
    site.write(
        "content/data/contacts/billing.yaml",
        &table("0800-800-5853"),
    );
    // A table of other numbers (offices) is not compared: it agrees on none.
    site.write(
        "content/data/contacts/offices.yaml",
        "title: Offices\nrows:\n  - location: Argentina\n    countries: [AR]\n    toll_free: [\"0800-800-5380\"]\n    local: [\"+54-11-5170-0000\"]\n",
    );
    site.write(
        "content/t.md",
        &page(
            "T",
            "{{ contacts(table=\"support\") }}\n\n{{ contacts(table=\"billing\") }}\n\n{{ contacts(table=\"offices\") }}\n",
        ),
    );
    assert_eq!(check(&site, &[]), (true, "content/data/contacts/billing.yaml:5:18: warning[phone-typo]: `0800-800-5853` (AR, toll-free) differs by 2 digits from `0800-800-5383` for the same country in content/data/contacts/support.yaml:5:18".into()));
    site.write(
        "content/data/contacts/billing.yaml",
        &table("0800-800-5383"),
    );
    assert_eq!(check(&site, &[]), (true, String::new()));
}

/// The `data-errors` fixture: bad e-mails and duplicate ids in each kind of data, and data
/// that no page places.
#[test]
fn emails_ids_and_unplaced_data() {
    // 5:40 is the second address itself, not the same text inside the first one (5:19).
    let site = Site::fixture("data-errors");
    assert_eq!(check(&site, &[]), (false, "\
content/data/contacts/t.yaml:5:40: error[email-invalid]: `billing@lumen` is not a valid e-mail address: the domain has no dot (name@example.com)
content/data/contacts/t.yaml:5:57: error[email-invalid]: `a b@lumen.com` is not a valid e-mail address: it contains a space
content/data/contacts/t.yaml:6:9: error[duplicate-id]: rows 1 and 2 of the table both have the id `br`
content/data/procedures/unused.yaml:1:1: warning[unplaced-data]: the procedure `unused` is not shown on any page
content/data/roles.yaml:4:9: error[duplicate-id]: items 1 (`AM`) and 2 (`am`) have the same code: both would be `#role-am`
content/data/roles.yaml:4:9: warning[unplaced-data]: the role `am` is not shown on any page
content/data/services.yaml:5:7: error[duplicate-id]: items 1 (`cdn`) and 2 (`cdn`) have the same id: both would be `#service-cdn`".into()));
}

#[test]
fn review_dates() {
    let site = Site::minimal();
    site.write(
        "content/old.md",
        "---\ntitle: Old\ndescription: O.\nreview_by: 2001-02-03\n---\n",
    );
    site.write(
        "content/new.md",
        "---\ntitle: New\ndescription: N.\nreview_by: 2999-01-01\n---\n",
    );
    assert_eq!(check(&site, &[]), (true, "content/old.md:4:12: warning[review-overdue]: the page was due for review on 2001-02-03".into()));
    assert_eq!(
        check(&site, &["--strict"]),
        (
            false,
            "content/old.md:4:12: error[review-overdue]: the page was due for review on 2001-02-03"
                .into()
        )
    );
}

#[test]
fn build_runs_the_same_checks() {
    let site = Site::minimal();
    site.write("content/a.md", "---\ntitle: A\n---\n[x](/a/)\n");
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let message = text(&out);
    assert!(
        message.contains("warning[missing-description]"),
        "{message}"
    );
    assert!(message.contains("(1 warning)"), "{message}");
    let before = common::snapshot(&site.public());

    site.write("content/a.md", "---\ntitle: A\n---\n[x](/b/)\n");
    let out = site.run(&["build"]);
    assert!(!out.status.success());
    let message = text(&out);
    assert!(message.contains("error[broken-link]"), "{message}");
    assert!(message.contains("previous output"), "{message}");
    assert_eq!(common::snapshot(&site.public()), before);
}

/// The sample handbook's real irregularities are reported, and nothing else.
#[test]
fn sample_site_has_only_its_known_irregularities() {
    let site = Site::sample();
    let (ok, lines) = check(&site, &[]);
    assert!(ok, "{lines}");
    assert_eq!(lines, "\
content/data/contacts/billing-sign-in.yaml:7:18: warning[phone-typo]: `0800-800-5853` (AR, toll-free) differs by 2 digits from `0800-800-5383` for the same country in content/data/contacts/technical-support.yaml:8:18
content/data/contacts/billing-sign-in.yaml:20:14: warning[phone-plan-changed]: `+57-1-611-9013` follows CO's numbering plan before 2021-09-01 (Colombia's landlines gained 60 before their one-digit area code: Bogotá 1 became 601): today it dials as +57 601 6119013
content/data/contacts/billing-sign-in.yaml:34:18: warning[phone-plan-changed]: `01-800-999-1422` follows MX's numbering plan before 2019-08-03 (Mexico dropped the long-distance prefixes 01, 044 and 045 and the mobile 1 after +52): today it dials as +52 800 999 1422
content/data/contacts/offices.yaml:24:14: warning[phone-plan-changed]: `+57-1 611-9000` follows CO's numbering plan before 2021-09-01 (Colombia's landlines gained 60 before their one-digit area code: Bogotá 1 became 601): today it dials as +57 601 6119000
content/data/contacts/technical-support.yaml:21:14: warning[phone-plan-changed]: `+57(1)-611-9013` follows CO's numbering plan before 2021-09-01 (Colombia's landlines gained 60 before their one-digit area code: Bogotá 1 became 601): today it dials as +57 601 6119013
content/data/contacts/technical-support.yaml:28:18: warning[phone-plan-changed]: `01-800-999-1422` follows MX's numbering plan before 2019-08-03 (Mexico dropped the long-distance prefixes 01, 044 and 045 and the mobile 1 after +52): today it dials as +52 800 999 1422
content/data/contacts/technical-support.yaml:50:18: warning[phone-country]: `+55-11-3957-2288` is a number of BR (+55), but the row is for CR, PA, US
content/data/contacts/technical-support.yaml:67:14: warning[phone-country-code]: `+212-204-9306` reads as a +212 number (MA, EH), but the row is for VE: it looks like it lost VE's country code +58; the site shows it without a `tel:` link
content/data/contacts/technical-support.yaml:74:14: warning[phone-country]: `+55-11-3957-2288` is a number of BR (+55), but the row is for VE");
}

#[test]
fn json_report_shape() {
    let site = Site::minimal();
    site.write("content/a.md", "---\ntitle: A\n---\n");
    let out = site.run(&["check", "--format", "json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 1);
    assert_eq!(report["files"], 3);
    assert_eq!(
        report["diagnostics"][0],
        serde_json::json!({
            "severity": "warning",
            "code": "missing-description",
            "message": "the page has no description",
            "file": "content/a.md",
            "line": 2,
            "column": 8,
            "hint": "add `description: …` to the front matter: one sentence for search results, cards and the meta description",
        })
    );
}

/// How long `check` takes on a generated 10,000-page site (100 sections of 100 pages, each
/// with headings, links to pages and anchors, plus contact tables). Prints the figures; run
/// with `cargo test --release --test check -- --ignored --nocapture large_site`.
#[test]
#[ignore = "timing, run by hand"]
fn large_site_timing() {
    let site = Site::minimal();
    let mut rows = String::from("title: Support\nrows:\n");
    for i in 0..200 {
        rows.push_str(&format!(
            "  - location: Place {i}\n    countries: [BR]\n    local: [\"+55-11-3957-{:04}\"]\n    emails: [\"place{i}@example.com\"]\n",
            2000 + i
        ));
    }
    site.write("content/data/contacts/support.yaml", &rows);
    for s in 0..100 {
        site.write(
            &format!("content/section-{s}/_index.md"),
            &page(&format!("Section {s}"), "Pages of this section.\n"),
        );
        for p in 0..100 {
            let next = (s * 100 + p + 1) % 10_000;
            let body = format!(
                "## Overview\n\nSee [the next page](/section-{}/page-{}/#overview) and [home](/).\n\n## Details\n\n{}\n\nBack to [overview](#overview).\n",
                next / 100,
                next % 100,
                "Lorem ipsum dolor sit amet. ".repeat(20)
            );
            let body = if s == 0 && p == 0 {
                format!(
                    "{body}\n{{{{ contacts(table=\"support\") }}}}\n\n[row](#support-place-7)\n"
                )
            } else {
                body
            };
            site.write(
                &format!("content/section-{s}/page-{p}.md"),
                &page(&format!("Page {s}-{p}"), &body),
            );
        }
    }
    for run in 0..3 {
        let started = std::time::Instant::now();
        let out = site.run(&["check"]);
        let elapsed = started.elapsed();
        assert!(out.status.success(), "{}", text(&out));
        println!(
            "run {run}: {} ms wall; {}",
            elapsed.as_millis(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
}

//! The sample Help Center as customers get it, every built page of every language: each
//! `tel:` link dials a number the numbering plan says is valid, and nothing speaks of the
//! document the Help Center was written from (editors' notes stay out).

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::Site;

fn built() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Site::sample();
        site.run_ok(&["build"]);
        site
    })
}

/// Every published HTML page (path relative to the output, text).
fn pages() -> Vec<(PathBuf, String)> {
    let public = built().public();
    walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| {
            !e.path()
                .components()
                .any(|c| c.as_os_str() == ".helpcenter")
        })
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("read page");
            (e.path().strip_prefix(&public).unwrap().to_path_buf(), text)
        })
        .collect()
}

#[test]
fn every_tel_link_dials_a_valid_number() {
    let tel = regex::Regex::new(r#"href="tel:([^"]*)""#).unwrap();
    let mut seen = 0;
    let mut wrong = Vec::new();
    for (path, html) in pages() {
        for m in tel.captures_iter(&html) {
            seen += 1;
            let href = &m[1];
            let ok = href.starts_with('+')
                && phonenumber::parse(None, href).is_ok_and(|n| phonenumber::is_valid(&n));
            if !ok {
                wrong.push(format!("{}: tel:{href}", path.display()));
            }
        }
    }
    assert!(seen > 100, "only {seen} tel: links found");
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "tel: links that cannot connect:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn numbers_of_old_plans_show_as_printed_and_dial_the_current_form() {
    let site = built();
    for lang in ["", "es/", "pt/"] {
        let html = site.read_output(&format!("{lang}technical-support/phone-numbers/index.html"));
        assert!(
            html.contains(r#"<a class="tel" href="tel:+528009991422">01-800-999-1422</a>"#),
            "{lang}: Mexico's toll-free number dials without 01"
        );
        assert!(
            html.contains(r#"<a class="tel" href="tel:+576016119013">+57(1)-611-9013</a>"#),
            "{lang}: Bogotá dials 601"
        );
        // +212 is Morocco: no known fix, so no link, but the number is still there.
        assert!(!html.contains("tel:+2122049306"), "{lang}");
        assert!(html.contains("+212-204-9306"), "{lang}");
    }
}

/// Remarks about the document the Help Center was written from, in any language: customers
/// read the Help Center, editors keep such remarks in `editor_note`.
const SOURCE_REMARKS: &[&str] = &[
    "the handbook does not",
    "handbook prints",
    "is listed as",
    "does not list",
    "does not give",
    "el manual no",
    "la guía no",
    "o guia não",
    "o manual não",
    "source handbook",
];

#[test]
fn no_page_speaks_of_the_source_document() {
    let mut found = Vec::new();
    for (path, html) in pages() {
        let lower = html.to_lowercase();
        for remark in SOURCE_REMARKS {
            if lower.contains(remark) {
                found.push(format!("{}: {remark:?}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "remarks about the source document:\n{}",
        found.join("\n")
    );
}

/// `editor_note` in front matter and in every kind of data file is loaded and never
/// published: not in pages, the handbook, search indexes or feeds.
#[test]
fn editor_notes_never_reach_the_output() {
    let site = Site::sample();
    let marker = "EDITORS-ONLY-7f3a";
    let add = |rel: &str, at: &str, text: &str| {
        let path = site.path().join(rel);
        let s = std::fs::read_to_string(&path).unwrap();
        assert!(s.contains(at), "{rel} has {at:?}");
        std::fs::write(&path, s.replacen(at, text, 1)).unwrap();
    };
    let note = format!("editor_note: {marker} front matter\n");
    add(
        "content/billing/_index.md",
        "draft: false\n",
        &format!("draft: false\n{note}"),
    );
    add(
        "content/data/contacts/offices.yaml",
        "rows:\n",
        &format!("editor_note: {marker} table\nrows:\n"),
    );
    add(
        "content/data/contacts/offices.yaml",
        "    local: [\"+54-11 5170-0000\"]\n",
        &format!("    local: [\"+54-11 5170-0000\"]\n    editor_note: {marker} row\n"),
    );
    add(
        "content/data/procedures/standard-changes.yaml",
        "title:",
        &format!("editor_note: {marker} procedure\ntitle:"),
    );
    site.run_ok(&["build"]);
    let check = site.run(&["check"]);
    assert!(check.status.success(), "{}", common::text(&check));
    for entry in walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(marker),
                "{} publishes an editor's note",
                entry.path().display()
            );
        }
    }
}

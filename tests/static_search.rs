//! The static search (no server) runs the browser's own module under Node against the built
//! sample site and must agree with the tantivy search on the relevance set.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Site, repo_root};

struct Case {
    query: String,
    expect: Vec<String>,
}

fn relevance_set(file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(repo_root().join(file)).unwrap();
    let cases: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).unwrap();
    cases
        .iter()
        .map(|case| Case {
            query: case["query"].as_str().unwrap().to_string(),
            expect: match &case["expect"] {
                serde_yaml::Value::Sequence(urls) => urls
                    .iter()
                    .map(|u| u.as_str().unwrap().to_string())
                    .collect(),
                url => vec![url.as_str().unwrap().to_string()],
            },
        })
        .collect()
}

/// One JSON line per query from tests/static-search/relevance.mjs, against the index in
/// `base` (`search-index/`, `es/search-index/`).
fn run_static_search_in(site: &Site, base: &str, queries: &[&str]) -> Vec<serde_json::Value> {
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/static-search/relevance.mjs"))
        .arg(site.public())
        .arg(repo_root().join("src/theme/static/js/static-search.js"))
        .arg(base)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is needed for the static search tests (scripts/test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(queries).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn run_static_search(site: &Site, queries: &[&str]) -> Vec<serde_json::Value> {
    run_static_search_in(site, "search-index/", queries)
}

#[test]
fn static_search_keeps_the_expected_top3_hit_for_nine_in_ten_queries_in_each_language() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    for (lang, file, base) in [
        ("en", "tests/relevance.yaml", "search-index/"),
        ("es", "tests/relevance.es.yaml", "es/search-index/"),
        ("pt", "tests/relevance.pt.yaml", "pt/search-index/"),
    ] {
        static_relevance(&site, lang, file, base);
    }
}

fn static_relevance(site: &Site, lang: &str, file: &str, base: &str) {
    let cases = relevance_set(file);
    let queries: Vec<&str> = cases.iter().map(|c| c.query.as_str()).collect();
    let results = run_static_search_in(site, base, &queries);
    let mut kept = 0;
    for (case, result) in cases.iter().zip(&results) {
        let urls: Vec<&str> = result["urls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        if urls
            .iter()
            .take(3)
            .any(|u| case.expect.iter().any(|e| e == u))
        {
            kept += 1;
        } else {
            println!(
                "miss: {:?} expected {:?}, got {:?}",
                case.query,
                case.expect,
                &urls[..urls.len().min(3)]
            );
        }
    }
    let share = kept as f64 / cases.len() as f64;
    println!(
        "static search [{lang}]: {kept}/{} queries keep their expected top-3 hit ({:.0} %)",
        cases.len(),
        share * 100.0
    );
    assert!(
        share >= 0.9,
        "[{lang}] only {:.0} % kept their top-3 hit",
        share * 100.0
    );
}

#[test]
fn static_search_folds_accents_marks_matches_and_handles_hostile_input() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    let results = run_static_search(
        &site,
        &[
            "facturacion",
            "0800 887 3333",
            "",
            "   ",
            "\"C++ (AND :-) 🎉",
            &"x".repeat(1000),
        ],
    );
    let snippets: String = results[0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["snippet"].as_str().unwrap())
        .collect();
    assert!(
        snippets.contains("<mark>"),
        "matched words are marked: {snippets}"
    );
    let first = results[1]["urls"][0].as_str().unwrap();
    assert!(
        first.ends_with("-brazil"),
        "phone number finds the Brazil row first: {first}"
    );
    assert_eq!(
        results[2]["urls"].as_array().unwrap().len(),
        0,
        "empty query, no hits"
    );
    assert_eq!(results[3]["urls"].as_array().unwrap().len(), 0);
    for result in &results[4..] {
        assert!(
            result["urls"].is_array(),
            "hostile input answered: {result}"
        );
    }
}

/// A country alone, or with a generic contact word, lands on the primary contact table's row
/// (`home_contacts`: technical support) first, as on the server.
#[test]
fn static_search_puts_the_primary_contact_row_first_for_a_bare_country() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    for (base, prefix, queries) in [
        (
            "search-index/",
            "",
            &["brasil", "peru", "chile phone", "telefone brasil"][..],
        ),
        (
            "es/search-index/",
            "/es",
            &["brasil", "teléfono perú", "chile teléfono"][..],
        ),
        (
            "pt/search-index/",
            "/pt",
            &["brasil", "telefone brasil", "peru"][..],
        ),
    ] {
        let results = run_static_search_in(&site, base, queries);
        for (query, result) in queries.iter().zip(&results) {
            let first = result["urls"][0].as_str().unwrap_or_default();
            assert!(
                first.starts_with(&format!(
                    "{prefix}/technical-support/phone-numbers/#technical-support-"
                )),
                "{base} {query:?}: first hit {first}"
            );
        }
    }
}

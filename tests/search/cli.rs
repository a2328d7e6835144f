//! Errors (a missing, stale or damaged index) and `helpcenter search` on the command line;
//! the two issues found through it, in the CLI and in `/api/search`.

use helpcenter::search::{Search, SearchError, SearchResponse};

use crate::common;
use crate::sample_output;

// Errors

#[test]
fn missing_or_stale_index_says_to_build() {
    let dir = tempfile::tempdir().unwrap();
    let err = Search::open(dir.path()).err().expect("no index");
    assert!(matches!(err, SearchError::Missing(_)));
    assert!(err.to_string().contains("helpcenter build"), "{err}");

    let site = common::Site::minimal();
    site.run_ok(&["build"]);
    let meta = site.public().join(".helpcenter/search.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let stale = text.replacen("\"version\": ", "\"version\": 1000", 1);
    std::fs::write(&meta, stale).unwrap();
    let err = Search::open(&site.public()).err().expect("stale index");
    assert!(matches!(err, SearchError::Stale(_)), "{err:?}");
    assert!(err.to_string().contains("helpcenter build"), "{err}");

    let out = site.run(&["search", "billing"]);
    assert!(!out.status.success());
    assert!(
        common::text(&out).contains("helpcenter build"),
        "{}",
        common::text(&out)
    );
}

// The command line

#[test]
fn cli_json_prints_one_object_with_brazil_rows_first() {
    let out = std::process::Command::new(common::binary())
        .args(["search", "0800 887 3333", "--json", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1, "one JSON line: {stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let object = value.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["hits", "query", "took_ms", "total"]);
    assert_eq!(value["query"], "0800 887 3333");
    assert!(value["took_ms"].is_f64());
    let hits = value["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "the two Brazil rows: {value}");
    for hit in hits {
        assert!(hit["url"].as_str().unwrap().ends_with("-brazil"), "{hit}");
        let mut keys: Vec<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            ["kind", "score", "section", "snippet", "title", "url"]
        );
    }
}

#[test]
fn cli_human_output_numbers_the_hits() {
    let out = std::process::Command::new(common::binary())
        .args(["search", "acount manger", "--limit", "3", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(" 1. Account manager (AM)"), "{stdout}");
    assert!(stdout.contains("/your-team/#role-am"), "{stdout}");
    assert!(stdout.contains(" 3. "), "{stdout}");
    assert!(!stdout.contains(" 4. "), "{stdout}");
    assert!(
        !stdout.contains("<mark>"),
        "marks are shown for a terminal: {stdout}"
    );

    let out = std::process::Command::new(common::binary())
        .args(["search", "C++ \"unclosed", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
}

/// Issue 13: the snippet window starts 40 bytes before the first match, which on accented
/// text fell inside `ç`: `helpcenter search` exited 101 and `/api/search` answered 500.
#[test]
fn a_match_after_accented_words_has_a_snippet_in_the_cli_and_the_api() {
    let site = common::Site::minimal();
    site.write(
        "content/acentos.md",
        &format!(
            "---\ntitle: Acentos\ndescription: Palavras acentuadas.\n---\n{}yyyy roteador final\n",
            "ção ".repeat(200)
        ),
    );
    site.run_ok(&["build"]);
    let out = site.run(&["search", "roteador"]);
    assert!(out.status.success(), "{}", common::text(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("[roteador] final"), "{printed}");

    let server = site.serve(&[]);
    let response = reqwest::blocking::get(format!("{}api/search?q=roteador", server.url))
        .expect("GET /api/search");
    assert_eq!(response.status(), 200);
    let body: SearchResponse = response.json().expect("search JSON");
    assert!(
        body.hits[0].snippet.contains("<mark>roteador</mark>"),
        "{:?}",
        body.hits
    );
}

/// Issue 15: a tantivy failure (here a damaged document store) is an error, not "no hits".
#[test]
fn a_damaged_index_is_a_search_error_in_the_library_the_cli_and_the_api() {
    let site = common::Site::minimal();
    site.write(
        "content/router.md",
        "---\ntitle: Router\ndescription: The router.\n---\nRestart the router.\n",
    );
    site.run_ok(&["build"]);
    let index = site.public().join(".helpcenter/index");
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "store") {
            // Garbage over the compressed documents; the footer stays, so the index opens.
            let mut bytes = std::fs::read(&path).unwrap();
            let n = bytes.len().min(120);
            bytes[..n].fill(0xff);
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let search = Search::open(&site.public()).expect("the index still opens");
    let error = search.query("router", 5).expect_err("a damaged store");
    assert!(matches!(error, SearchError::Failed(_)), "{error:?}");

    let out = site.run(&["search", "router"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: the search failed"),
        "{}",
        common::text(&out)
    );

    let server = site.serve(&["--no-build", "--no-watch"]);
    let response = reqwest::blocking::get(format!("{}api/search?q=router", server.url))
        .expect("GET /api/search");
    assert_eq!(response.status(), 500);
    let body: serde_json::Value = response.json().expect("JSON error");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the search failed")),
        "{body}"
    );
}

//! Search over the sample Help Center: every query form of the search issue (folding, stems,
//! phone formats, typos, prefix, synonyms), hostile input, snippets, errors and the CLI.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod matching;
mod results;
mod typos;

use std::path::PathBuf;
use std::sync::OnceLock;

use helpcenter::search::{Hit, Search, SearchResponse};

/// The sample site, built once per test binary into cargo's temporary folder.
fn sample_output() -> &'static PathBuf {
    static OUTPUT: OnceLock<PathBuf> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-sample");
        let out = std::process::Command::new(common::binary())
            .arg("build")
            .arg("--root")
            .arg(common::repo_root())
            .arg("--output")
            .arg(&output)
            .output()
            .expect("run helpcenter build");
        assert!(out.status.success(), "{}", common::text(&out));
        let summary = String::from_utf8_lossy(&out.stdout);
        assert!(
            summary.contains("search documents (") && summary.contains(" index"),
            "build summary reports the index: {summary}"
        );
        output
    })
}

fn search() -> &'static Search {
    static SEARCH: OnceLock<Search> = OnceLock::new();
    SEARCH.get_or_init(|| Search::open(sample_output()).expect("open the sample index"))
}

fn query(q: &str) -> SearchResponse {
    search().query(q, 10).unwrap()
}

fn urls(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.url.as_str()).collect()
}

/// The rank (1-based) of the first hit whose URL ends with `anchor`.
fn rank(q: &str, anchor: &str) -> Option<usize> {
    query(q)
        .hits
        .iter()
        .position(|h| h.url.ends_with(anchor))
        .map(|r| r + 1)
}

fn assert_first(q: &str, anchor: &str) {
    let response = query(q);
    assert!(
        response
            .hits
            .first()
            .is_some_and(|h| h.url.ends_with(anchor)),
        "{q:?}: expected {anchor} first, got {:#?}",
        urls(&response.hits)
    );
}

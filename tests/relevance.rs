//! The relevance set (`tests/relevance.yaml`) against the sample Help Center, through the
//! library: every expected URL in the top 3, most at rank 1, and at least 90 % at rank 1.

mod common;

use helpcenter::search::{Hit, Search};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(untagged)]
enum Urls {
    One(String),
    Any(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    query: String,
    expect: Urls,
    /// 3 when rank 1 is not required.
    #[serde(default = "one")]
    top: usize,
}

fn one() -> usize {
    1
}

fn show(hits: &[Hit]) -> String {
    hits.iter()
        .enumerate()
        .map(|(i, h)| format!("    {}. {:.3} {} ({})\n", i + 1, h.score, h.url, h.title))
        .collect()
}

#[test]
fn relevance_set_finds_the_right_result_first() {
    let text = std::fs::read_to_string(common::repo_root().join("tests/relevance.yaml")).unwrap();
    let cases: Vec<Case> = serde_yaml::from_str(&text).expect("tests/relevance.yaml");
    assert!(cases.len() >= 50, "the set holds at least 50 queries");

    let site = common::Site::sample();
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).expect("index");

    let (mut top1, mut top3) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let expected = match &case.expect {
            Urls::One(url) => vec![url.clone()],
            Urls::Any(urls) => urls.clone(),
        };
        let response = search.query(&case.query, 10).unwrap();
        let rank = response
            .hits
            .iter()
            .position(|h| expected.contains(&h.url))
            .map(|r| r + 1);
        if rank == Some(1) {
            top1 += 1;
        }
        if rank.is_some_and(|r| r <= 3) {
            top3 += 1;
        }
        if rank != Some(1) {
            println!(
                "not first: {:?} (rank {})\n{}",
                case.query,
                rank.map_or("none".into(), |r| r.to_string()),
                show(&response.hits[..response.hits.len().min(3)])
            );
        }
        if rank.is_none_or(|r| r > case.top.min(3)) {
            failures.push(format!(
                "{:?}: expected {} at rank ≤ {}, got rank {}\n{}",
                case.query,
                expected.join(" or "),
                case.top,
                rank.map_or("none".into(), |r| r.to_string()),
                show(&response.hits[..response.hits.len().min(5)])
            ));
        }
    }
    let n = cases.len() as f64;
    let (p1, p3) = (100.0 * top1 as f64 / n, 100.0 * top3 as f64 / n);
    println!(
        "relevance: {} queries, top-1 {top1} ({p1:.1} %), top-3 {top3} ({p3:.1} %)",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} misses (top-1 {p1:.1} %, top-3 {p3:.1} %):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        p3 >= 100.0 && p1 >= 90.0,
        "top-1 {p1:.1} %, top-3 {p3:.1} %"
    );
}

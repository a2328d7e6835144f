//! Query latency over the relevance set (`tests/relevance.yaml`), snippets included, in
//! process: on the sample Help Center, then on a generated site of 10,000 pages.
//!
//! Run: `cargo bench --bench search` (prints p50 / p99 / max; figures, no assertions).
//! `HC_BENCH_PAGES=2000 cargo bench --bench search` changes the size of the generated site.
//! `HC_BENCH_OUTPUT=DIR cargo bench --bench search` measures the index of a site built into DIR
//! instead (`scripts/bench` builds its corpus there), with the relevance set's queries and the
//! corpus's own words.

use std::path::Path;
use std::time::{Duration, Instant};

use helpcenter::build::{BuildOptions, load_and_check};
use helpcenter::check::CheckOptions;
use helpcenter::output::META_DIR;
use helpcenter::search::documents::{SearchDoc, documents};
use helpcenter::search::{Search, index_meta, write};

const ROUNDS: usize = 30;

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs this file without it, as a
/// quick smoke test (one round, a small generated site).
fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn queries(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("tests/relevance.yaml")).expect("relevance set");
    let cases: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).expect("yaml");
    cases
        .iter()
        .filter_map(|c| c.get("query")?.as_str().map(str::to_string))
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn measure(label: &str, search: &Search, queries: &[String]) {
    let rounds = if benchmarking() { ROUNDS } else { 1 };
    for q in queries {
        search.query(q, 10).expect("search"); // warm up
    }
    let mut times = Vec::with_capacity(queries.len() * rounds);
    let mut per_query = vec![Duration::ZERO; queries.len()];
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let started = Instant::now();
            let response = search.query(q, 10).expect("search");
            let took = started.elapsed();
            times.push(took);
            per_query[i] += took;
            std::hint::black_box(response);
        }
    }
    times.sort();
    if std::env::var_os("HC_BENCH_SLOWEST").is_some() {
        let mut slowest: Vec<(Duration, &String)> =
            per_query.iter().copied().zip(queries).collect();
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (total, q) in slowest.iter().take(8) {
            println!(
                "  {:.3} ms  {q:?}",
                total.as_secs_f64() * 1000.0 / rounds as f64
            );
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: {} documents, {} queries × {rounds}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        search.doc_count(),
        queries.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("timed")),
    );
}

/// A deterministic generator (xorshift), so every run indexes the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, words: &'a [String]) -> &'a str {
        &words[(self.next() % words.len() as u64) as usize]
    }
}

/// `pages` generated pages of 1 page document + 4 sections each, with text drawn from the
/// sample's own vocabulary (so queries hit many documents), plus the sample's documents.
fn generated(sample: &[SearchDoc], pages: usize) -> Vec<SearchDoc> {
    let mut vocabulary: Vec<String> = sample
        .iter()
        .flat_map(|d| d.body.split_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.len() > 2)
        .collect();
    vocabulary.sort();
    vocabulary.dedup();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut docs = sample.to_vec();
    let sentence = |rng: &mut Rng, n: usize| {
        (0..n)
            .map(|_| rng.pick(&vocabulary).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for p in 0..pages {
        let title = sentence(&mut rng, 3);
        let url = format!("/generated/section-{}/page-{p}/", p % 50);
        let section = format!("Generated section {}", p % 50);
        docs.push(SearchDoc {
            kind: "page",
            title: title.clone(),
            url: url.clone(),
            section: section.clone(),
            name: title.clone(),
            context: section.clone(),
            body: sentence(&mut rng, 60),
            ..Default::default()
        });
        for h in 0..4 {
            let heading = sentence(&mut rng, 3);
            docs.push(SearchDoc {
                kind: "section",
                title: heading.clone(),
                url: format!("{url}#heading-{h}"),
                section: format!("{section} › {title}"),
                name: heading,
                context: format!("{section} {title}"),
                body: sentence(&mut rng, 120),
                ..Default::default()
            });
        }
    }
    docs
}

/// Queries as people type them into a generated corpus's Help Center (`bench/gen_corpus.py`
/// draws its text from these words).
const CORPUS_QUERIES: &[&str] = &[
    "billing",
    "invoice changes",
    "phone numbers",
    "0800 887",
    "portal password",
    "reset my password",
    "mpls outage",
    "ddos protection",
    "how do i add a user",
    "technical support brazil",
    "sip trunk",
    "cdn cache",
    "invoce",
    "contact",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut queries = queries(root);
    if let Some(output) = std::env::var_os("HC_BENCH_OUTPUT") {
        queries.extend(CORPUS_QUERIES.iter().map(|q| q.to_string()));
        let output = Path::new(&output);
        let search = Search::open(output).expect("a site built into HC_BENCH_OUTPUT");
        measure(&output.display().to_string(), &search, &queries);
        return;
    }
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let site = load_and_check(&options, &CheckOptions::default())
        .site
        .expect("the sample site loads");
    let sample = documents(&site);

    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("sample");
    let started = Instant::now();
    let meta = index_meta(&site, sample.len());
    let size: u64 = write(&out.join(META_DIR), &sample, &meta)
        .expect("index")
        .iter()
        .map(|(_, size)| size)
        .sum();
    println!(
        "sample: indexed {} documents ({} KB) in {} ms",
        sample.len(),
        size / 1024,
        started.elapsed().as_millis()
    );
    measure("sample", &Search::open(&out).expect("open"), &queries);

    let pages: usize = std::env::var("HC_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benchmarking() { 10_000 } else { 200 });
    let docs = generated(&sample, pages);
    let out = tmp.path().join("generated");
    let started = Instant::now();
    let size: u64 = write(&out.join(META_DIR), &docs, &index_meta(&site, docs.len()))
        .expect("index")
        .iter()
        .map(|(_, size)| size)
        .sum();
    println!(
        "generated: indexed {} pages, {} documents ({:.1} MB) in {} ms",
        pages,
        docs.len(),
        size as f64 / 1_048_576.0,
        started.elapsed().as_millis()
    );
    measure(
        &format!("generated {pages} pages"),
        &Search::open(&out).expect("open"),
        &queries,
    );
}

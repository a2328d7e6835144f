//! Bounded loopback load generator for `helpcenter serve` (run through `scripts/load`).
//!
//! `load URL DB [--seconds N] [--concurrency C] [--page PATH]`: for each of a static page,
//! `/api/search` (taking turns through [`QUERIES`]) and `/api/feedback`, C workers send
//! requests back to back for N seconds; prints requests/s and latency percentiles, then checks
//! that every acknowledged feedback post is a row in DB.

use std::time::{Duration, Instant};

use serde_json::json;

/// What support staff type: words, a phone number, a misspelling, a country.
const QUERIES: [&str; 6] = [
    "phone%20numbers",
    "billing",
    "0800%20887",
    "invoice%20changes",
    "portal%20pasword",
    "brazil",
];

#[derive(Clone, Copy)]
enum Kind {
    Page,
    Search,
    Feedback,
}

struct Outcome {
    ok: usize,
    failed: usize,
    latencies: Vec<Duration>,
}

async fn worker(
    client: reqwest::Client,
    base: String,
    page: String,
    kind: Kind,
    until: Instant,
) -> Outcome {
    let mut out = Outcome {
        ok: 0,
        failed: 0,
        latencies: Vec::new(),
    };
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let started = Instant::now();
        let request = match kind {
            Kind::Page => client.get(format!("{base}{page}")),
            Kind::Search => client.get(format!(
                "{base}api/search?q={}&limit=10",
                QUERIES[i as usize % QUERIES.len()]
            )),
            Kind::Feedback => client.post(format!("{base}api/feedback")).json(&json!({
                "page": format!("/{page}"),
                "helpful": !i.is_multiple_of(3),
                "comment": format!("load test {i}"),
            })),
        };
        let success = match request.send().await {
            Ok(r) => {
                let good = r.status().is_success();
                good && r.bytes().await.is_ok()
            }
            Err(_) => false,
        };
        out.latencies.push(started.elapsed());
        if success {
            out.ok += 1;
        } else {
            out.failed += 1;
        }
    }
    out
}

fn rows(db: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the feedback database");
    conn.query_row("SELECT COUNT(*) FROM feedback", [], |r| r.get(0))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(default)
    };
    let (Some(base), Some(db)) = (args.first().cloned(), args.get(1).cloned()) else {
        eprintln!("usage: load URL DB [--seconds N] [--concurrency C] [--page PATH]");
        std::process::exit(2);
    };
    assert!(
        base.starts_with("http://127.0.0.1:") || base.starts_with("http://[::1]:"),
        "loopback only"
    );
    let seconds = flag("--seconds", 5).clamp(1, 60);
    let concurrency = flag("--concurrency", 32).clamp(1, 256) as usize;
    let page = args
        .iter()
        .position(|a| a == "--page")
        .and_then(|i| args.get(i + 1))
        .map_or("billing/changing-billing-information/", String::as_str)
        .trim_start_matches('/')
        .to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");

    println!(
        "{concurrency} connections, {seconds} s per endpoint, {}",
        base.trim_end_matches('/')
    );
    println!(
        "{:<16} {:>9} {:>10} {:>9} {:>9} {:>9} {:>7}",
        "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    let mut acked = 0;
    let before = rows(&db);
    for (name, kind) in [
        ("static page", Kind::Page),
        ("/api/search", Kind::Search),
        ("/api/feedback", Kind::Feedback),
    ] {
        let started = Instant::now();
        let until = started + Duration::from_secs(seconds);
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                tokio::spawn(worker(
                    client.clone(),
                    base.clone(),
                    page.clone(),
                    kind,
                    until,
                ))
            })
            .collect();
        let (mut ok, mut failed, mut latencies) = (0, 0, Vec::new());
        for w in workers {
            let o = w.await.expect("worker");
            ok += o.ok;
            failed += o.failed;
            latencies.extend(o.latencies);
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        println!(
            "{:<16} {:>9} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            name,
            ok + failed,
            (ok + failed) as f64 / elapsed,
            pct(0.50),
            pct(0.99),
            pct(1.0),
            failed
        );
        if let Kind::Feedback = kind {
            acked = ok as i64;
        }
    }
    let stored = rows(&db) - before;
    println!("feedback: {acked} acknowledged, {stored} new rows in the database");
    if stored != acked {
        eprintln!("MISMATCH: every acknowledged feedback must be stored exactly once");
        std::process::exit(1);
    }
}

//! Loopback load on `/api/feedback` of one or more replicas (run through
//! `scripts/bench-feedback`).
//!
//! `feedback_load [--seconds N] [--concurrency C] [--page PATH] URL…`: C workers post back to
//! back for N seconds, worker `w` to `URL[w % len]`; prints one line:
//! `requests req/s p50_ms p99_ms errors acknowledged`.

use std::time::{Duration, Instant};

use serde_json::json;

struct Outcome {
    ok: usize,
    failed: usize,
    latencies: Vec<Duration>,
}

async fn worker(client: reqwest::Client, url: String, page: String, until: Instant) -> Outcome {
    let mut out = Outcome {
        ok: 0,
        failed: 0,
        latencies: Vec::new(),
    };
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let started = Instant::now();
        let request = client.post(&url).json(&json!({
            "page": page,
            "helpful": !i.is_multiple_of(3),
            "comment": format!("bench {i}"),
        }));
        let success = match request.send().await {
            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
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

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seconds, mut concurrency, mut page, mut urls) =
        (5u64, 32usize, "/".to_string(), Vec::new());
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--seconds" => seconds = value().parse().unwrap_or(5),
            "--concurrency" => concurrency = value().parse().unwrap_or(32),
            "--page" => page = value(),
            url => urls.push(url.trim_end_matches('/').to_string()),
        }
    }
    if urls.is_empty() || urls.iter().any(|u| !u.starts_with("http://127.0.0.1:")) {
        eprintln!(
            "usage: feedback_load [--seconds N] [--concurrency C] [--page PATH] http://127.0.0.1:PORT…"
        );
        std::process::exit(2);
    }
    let (seconds, concurrency) = (seconds.clamp(1, 120), concurrency.clamp(1, 512));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let url = format!("{}/api/feedback", urls[w % urls.len()]);
            tokio::spawn(worker(client.clone(), url, page.clone(), until))
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
        "{} {:.0} {:.2} {:.2} {} {}",
        ok + failed,
        (ok + failed) as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        failed,
        ok
    );
}

//! Feedback in PostgreSQL, against a real, throwaway cluster (Debian's `postgresql` package:
//! `initdb` in a temporary folder, a free port, `pg_ctl start`) and the real binary: several
//! replicas under load, a replica killed and the database crashed mid-load, 503s while the
//! database is down, the `feedback` commands, and nginx in front of the replicas.
//!
//! Without the PostgreSQL binaries these tests fail (`scripts/test` installs them); a
//! developer may set `SKIP_POSTGRES_TESTS=1` to skip them.

#[path = "../common/mod.rs"]
mod common;

mod cluster;
mod commands;
mod nginx;
mod replicas;

use std::time::{Duration, Instant};

use common::{Server, Site};
use serde_json::{Value, json};

/// The sample site, built once per test.
fn built_site() -> Site {
    let site = Site::sample();
    site.run_ok(&["build"]);
    site
}

fn replica(site: &Site, url: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--no-build"];
    args.extend_from_slice(extra);
    site.serve_feedback(url, &args)
}

fn post(
    client: &reqwest::blocking::Client,
    server: &Server,
    comment: &str,
) -> reqwest::Result<reqwest::blocking::Response> {
    client
        .post(server.at("api/feedback"))
        .json(&json!({"page": "/billing/", "helpful": true, "comment": comment}))
        .send()
}

fn search(client: &reqwest::blocking::Client, server: &Server, q: &str) -> u64 {
    let r = client
        .get(server.at("api/search"))
        .query(&[("q", q)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().unwrap()["total"].as_u64().unwrap()
}

fn insights(site: &Site, db: &str) -> Value {
    let out = site.run_ok(&["insights", "--format", "json", "--db", db]);
    serde_json::from_str(&out).expect("insights JSON")
}

/// The report once `ready` holds for it (the recorder writes in batches, off the request
/// path).
fn wait_for_insights(site: &Site, db: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let report = insights(site, db);
        if ready(&report) {
            return report;
        }
        assert!(Instant::now() < until, "never ready: {}", report["totals"]);
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn healthz(client: &reqwest::blocking::Client, server: &Server) -> Value {
    client
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

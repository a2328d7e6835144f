//! Replicas sharing PostgreSQL under load: a replica SIGKILLed and the database crashed
//! mid-load lose no acknowledged post; while the database is down posts are 503s, pages and
//! search still answer, and the replica reconnects by itself.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cluster::{Pg, skip};
use crate::common::{Server, http};
use crate::{built_site, healthz, post, replica, search, wait_for_insights};

/// Three replicas under concurrent load; one is SIGKILLed, then PostgreSQL crashes and comes
/// back, all mid-load. Every acknowledged post is stored, once.
#[test]
fn replicas_lose_no_acknowledged_post_through_a_kill_and_a_database_crash() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    let url = pg.url();
    let mut replicas: Vec<Option<Server>> =
        (0..3).map(|_| Some(replica(&site, &url, &[]))).collect();
    let targets: Vec<String> = replicas
        .iter()
        .flatten()
        .map(|s| s.at("api/feedback"))
        .collect();
    let dead: Vec<AtomicBool> = (0..3).map(|_| AtomicBool::new(false)).collect();
    let stop = AtomicBool::new(false);
    let after_restart = AtomicBool::new(false);
    let acked = Mutex::new(Vec::<String>::new());
    let refused = AtomicUsize::new(0);
    let acked_after_restart = AtomicUsize::new(0);
    let unexpected = Mutex::new(Vec::<String>::new());

    std::thread::scope(|scope| {
        for worker in 0..6 {
            let (targets, dead, stop, acked, refused, unexpected) =
                (&targets, &dead, &stop, &acked, &refused, &unexpected);
            let (after_restart, acked_after_restart) = (&after_restart, &acked_after_restart);
            scope.spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let i = (worker + n) % targets.len();
                    if dead[i].load(Ordering::Relaxed) {
                        continue;
                    }
                    let comment = format!("w{worker}-{n}");
                    let restarted = after_restart.load(Ordering::Relaxed);
                    match client
                        .post(&targets[i])
                        .json(&json!({"page": "/billing/", "helpful": n.is_multiple_of(2), "comment": comment}))
                        .send()
                    {
                        Ok(r) if r.status().is_success() => {
                            acked.lock().unwrap().push(comment);
                            if restarted {
                                acked_after_restart.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Ok(r) if r.status() == 503 => {
                            assert!(r.headers().contains_key("retry-after"), "503 without Retry-After");
                            refused.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        Ok(r) => unexpected.lock().unwrap().push(format!("{} {:?}", r.status(), r.text())),
                        // The killed replica, or a request it was answering.
                        Err(_) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1500));
        let before_kill = acked.lock().unwrap().len();
        dead[0].store(true, Ordering::Relaxed);
        replicas[0].take().unwrap().kill(); // SIGKILL, requests in flight
        std::thread::sleep(Duration::from_millis(1000));
        let before_crash = acked.lock().unwrap().len();
        pg.crash();
        std::thread::sleep(Duration::from_millis(1000));
        pg.restart();
        after_restart.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(3000));
        stop.store(true, Ordering::Relaxed);
        assert!(
            before_kill > 0 && before_crash > before_kill,
            "{before_kill} {before_crash}"
        );
    });

    let unexpected = unexpected.into_inner().unwrap();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    let acked = acked.into_inner().unwrap();
    assert!(
        acked_after_restart.load(Ordering::Relaxed) > 0,
        "the replicas did not reconnect after the restart"
    );
    let rows = site.feedback_export(&url);
    let mut stored: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        *stored
            .entry(row["comment"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    let lost: Vec<&String> = acked.iter().filter(|c| !stored.contains_key(*c)).collect();
    let doubled: Vec<&String> = acked
        .iter()
        .filter(|c| stored.get(*c).copied().unwrap_or(0) > 1)
        .collect();
    eprintln!(
        "fault test: {} acknowledged, {} stored, {} refused (503 or connection lost)",
        acked.len(),
        rows.len(),
        refused.load(Ordering::Relaxed)
    );
    assert!(
        lost.is_empty(),
        "{} acknowledged posts lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert!(doubled.is_empty(), "stored twice: {doubled:?}");
    assert!(rows.len() >= acked.len());
    for r in replicas.iter().flatten() {
        assert!(!r.stderr().contains("panicked"), "{}", r.stderr());
    }
}

/// While the database is down: 503 + Retry-After for posts, pages and search still answer,
/// /healthz says so; then the replica reconnects by itself.
#[test]
fn a_database_outage_is_503_and_the_server_reconnects() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    let server = replica(&site, &pg.url(), &[]);
    let client = http();
    assert_eq!(post(&client, &server, "before").unwrap().status(), 201);
    let health = healthz(&client, &server);
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["feedback_store"],
        json!({"store": "postgres", "available": true})
    );

    pg.stop("fast");
    for _ in 0..3 {
        let r = post(&client, &server, "while down").unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "5");
        let body: Value = r.json().unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("unavailable"),
            "{body}"
        );
    }
    let r = client.get(server.at("healthz")).send().unwrap();
    assert_eq!(r.status(), 200);
    let health: Value = r.json().unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["feedback_store"]["available"], false, "{health}");
    assert!(
        health["feedback_store"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{health}"
    );
    assert_eq!(
        client.get(server.at("billing/")).send().unwrap().status(),
        200
    );
    assert_eq!(
        client
            .get(server.at("api/search?q=billing"))
            .send()
            .unwrap()
            .status(),
        200
    );
    // The insights batch holding that search fails; the recorder goes on.
    let until = Instant::now() + Duration::from_secs(20);
    while healthz(&client, &server)["insights"]["failed_batches"] == 0 {
        assert!(Instant::now() < until, "no failed insights batch");
        std::thread::sleep(Duration::from_millis(100));
    }

    pg.restart();
    let started = Instant::now();
    loop {
        let status = post(&client, &server, "after").unwrap().status();
        if status == 201 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no reconnection"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let health = healthz(&client, &server);
    assert_eq!(health["status"], "ok", "{health}");
    let comments: Vec<Value> = site
        .feedback_export(&pg.url())
        .iter()
        .map(|r| r["comment"].clone())
        .collect();
    assert_eq!(comments, vec![json!("before"), json!("after")]);
    // Recording resumed on a new connection.
    search(&client, &server, "reconnected billing");
    wait_for_insights(&site, &pg.url(), |r| {
        r["top_queries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["query"] == "reconnected billing")
    });
}

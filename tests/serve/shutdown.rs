//! The server stopped: every acknowledged feedback post survives a SIGKILL, even one sent
//! mid-load; SIGTERM shuts down cleanly.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{Server, Site, http};

/// Post `n` entries from `threads` threads; returns how many were acknowledged (2xx).
fn post_concurrently(server: &Server, threads: usize, per_thread: usize) -> usize {
    let url = server.at("api/feedback");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let url = url.clone();
                scope.spawn(move || {
                    let client = http();
                    let mut acked = 0;
                    for i in 0..per_thread {
                        let body = json!({"page": "/", "helpful": i % 2 == 0, "comment": format!("t{t} #{i}")});
                        if let Ok(r) = client.post(&url).json(&body).send()
                            && r.status().is_success()
                        {
                            acked += 1;
                        }
                    }
                    acked
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

#[test]
fn acknowledged_feedback_survives_kill_9() {
    let site = Site::minimal();
    let db = site.path().join("feedback.sqlite3");
    let args = ["--no-watch", "--no-build", "--rate-limit", "0"];
    site.run_ok(&["build"]);

    let server = site.serve(&args);
    let acked = post_concurrently(&server, 8, 25);
    assert_eq!(acked, 200);
    server.kill(); // SIGKILL right after the last acknowledgement
    assert_eq!(site.feedback_export(db.to_str().unwrap()).len(), 200);

    // Killed while posts are in flight: every acknowledged row is there.
    let server = site.serve(&args);
    let url = server.at("api/feedback");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let acked: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let (url, stop) = (url.clone(), &stop);
                scope.spawn(move || {
                    let client = http();
                    let mut acked = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        match client
                            .post(&url)
                            .json(&json!({"page": "/", "helpful": true}))
                            .send()
                        {
                            Ok(r) if r.status().is_success() => acked += 1,
                            Ok(r) => panic!("unexpected {}", r.status()),
                            Err(_) => break, // the server is gone
                        }
                    }
                    acked
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        server.kill();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert!(acked > 0);
    let rows = site.feedback_export(db.to_str().unwrap()).len();
    assert!(
        rows >= 200 + acked,
        "{rows} rows, {} acknowledged",
        200 + acked
    );
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let site = Site::minimal();
    let mut server = site.serve(&["--no-watch"]);
    let r = http()
        .post(server.at("api/feedback"))
        .json(&json!({"page": "/", "helpful": true}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}\n{}", server.stderr());
    // Closed cleanly: SQLite removed its write-ahead log.
    assert!(!site.path().join("feedback.sqlite3-wal").exists());
    assert_eq!(
        site.feedback_export(site.path().join("feedback.sqlite3").to_str().unwrap())
            .len(),
        1
    );
}

//! Feedback in PostgreSQL, against a real, throwaway cluster (Debian's `postgresql` package:
//! `initdb` in a temporary folder, a free port, `pg_ctl start`) and the real binary: several
//! replicas under load, a replica killed and the database crashed mid-load, 503s while the
//! database is down, the `feedback` commands, and nginx in front of the replicas.
//!
//! Without the PostgreSQL binaries these tests fail (`scripts/test` installs them); a
//! developer may set `SKIP_POSTGRES_TESTS=1` to skip them.

mod common;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Server, Site, http, text};
use serde_json::{Value, json};

/// A PostgreSQL cluster in a temporary folder; stopped (only this one) and deleted on drop.
struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

fn skip() -> bool {
    if std::env::var("SKIP_POSTGRES_TESTS").as_deref() == Ok("1") {
        eprintln!("SKIP_POSTGRES_TESTS=1: PostgreSQL test skipped");
        return true;
    }
    false
}

/// Run `command` through `sh -c` as the `postgres` user when we are root (initdb refuses
/// root), as ourselves otherwise.
fn as_postgres(command: &str) -> std::process::Output {
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = Command::new("su");
        c.args(["postgres", "-s", "/bin/sh", "-c", command]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", command]);
        c
    };
    cmd.output().expect("run a PostgreSQL command")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Pg {
    fn start() -> Pg {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").is_file())
            .max_by_key(|b| {
                b.parent()
                    .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .expect(
                "no PostgreSQL server binaries under /usr/lib/postgresql: install Debian's \
                 `postgresql` package (scripts/test does), or set SKIP_POSTGRES_TESTS=1",
            );
        let dir = tempfile::tempdir().expect("tempdir");
        if unsafe { libc::geteuid() } == 0 {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success(), "chown postgres {}", dir.path().display());
        }
        let d = dir.path().display();
        let out = as_postgres(&format!(
            "{}/initdb -D {d}/data -A trust -U postgres --no-sync",
            bin.display()
        ));
        assert!(out.status.success(), "initdb: {}", text(&out));
        let mut pg = Pg { dir, bin, port: 0 };
        for attempt in 0.. {
            pg.port = free_port();
            if pg.try_start() {
                break;
            }
            assert!(attempt < 3, "pg_ctl start failed:\n{}", pg.log());
        }
        pg.psql("postgres", "CREATE DATABASE helpcenter");
        pg
    }

    fn try_start(&self) -> bool {
        let d = self.dir.path().display();
        as_postgres(&format!(
            "{}/pg_ctl -D {d}/data -o '-p {} -k {d} -c listen_addresses=127.0.0.1' -l {d}/log -w -t 60 start",
            self.bin.display(),
            self.port
        ))
        .status
        .success()
    }

    /// Start again (same port) after [`Pg::crash`].
    fn restart(&self) {
        assert!(self.try_start(), "pg_ctl start failed:\n{}", self.log());
    }

    /// `pg_ctl stop -m immediate`: no checkpoint, every backend killed, as in a crash.
    fn crash(&self) {
        self.stop("immediate");
    }

    fn stop(&self, mode: &str) {
        let out = as_postgres(&format!(
            "{}/pg_ctl -D {}/data -m {mode} -w stop",
            self.bin.display(),
            self.dir.path().display()
        ));
        assert!(out.status.success(), "pg_ctl stop: {}", text(&out));
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/helpcenter", self.port)
    }

    fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-At",
                "-d",
                db,
                "-c",
                sql,
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .output()
            .expect("psql");
        assert!(out.status.success(), "psql {sql}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = as_postgres(&format!(
            "{}/pg_ctl -D {}/data -m immediate -w stop",
            self.bin.display(),
            self.dir.path().display()
        ));
    }
}

/// The sample site, built once per test.
fn built_site() -> Site {
    let site = Site::sample();
    site.run_ok(&["build"]);
    site
}

fn replica(site: &Site, url: &str, extra: &[&str]) -> Server {
    let mut args = vec![
        "--no-build",
        "--no-watch",
        "--rate-limit",
        "0",
        "--feedback-db",
        url,
    ];
    args.extend_from_slice(extra);
    site.serve(&args)
}

fn export(site: &Site, db: &str) -> Vec<Value> {
    let out = site.run_ok(&["feedback", "export", "--format", "json", "--db", db]);
    serde_json::from_str(&out).expect("export JSON")
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
    let rows = export(&site, &url);
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
    let health: Value = client
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap();
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
    let health: Value = client
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    let comments: Vec<Value> = export(&site, &pg.url())
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

/// Searches and opens through two replicas sharing PostgreSQL add up in `helpcenter insights
/// --db postgres://…`, with the zero-result queries and the least helpful pages; no column
/// holds the reader's address.
#[test]
fn search_insights_are_recorded_in_postgres_without_the_reader() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    let url = pg.url();
    let (a, b) = (replica(&site, &url, &[]), replica(&site, &url, &[]));
    let client = http();
    for server in [&a, &a, &b] {
        assert!(search(&client, server, "Billing") > 0);
    }
    for server in [&a, &b] {
        assert_eq!(search(&client, server, "zzqxv wqvkz"), 0);
    }
    let r = client
        .post(a.at("api/search/click"))
        .header("Content-Type", "application/json")
        .header("Origin", a.url.trim_end_matches('/'))
        .body(json!({"q": "billing", "url": "/billing/", "position": 1}).to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = client
        .post(b.at("api/feedback"))
        .json(&json!({"page": "/billing/", "helpful": false, "comment": "no refund info"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);

    let report = wait_for_insights(&site, &url, |r| {
        r["totals"]["searches"] == 5 && r["totals"]["clicks"] == 1
    });
    let find = |list: &str, q: &str| -> Value {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["query"] == q)
            .unwrap_or_else(|| panic!("no {q:?} in {}", report[list]))
            .clone()
    };
    let billing = find("top_queries", "billing");
    assert_eq!(billing["searches"], 3, "{billing}");
    assert_eq!(billing["clicks_by_position"], json!({"1": 1}), "{billing}");
    assert!(billing["hits"].as_u64().unwrap() > 0, "{billing}");
    let gap = find("no_results", "zzqxv wqvkz");
    assert_eq!(
        (gap["searches"].as_u64(), gap["hits"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(report["totals"]["zero_result_searches"], 2);
    assert_eq!(
        report["pages"][0]["page"], "/billing/",
        "{}",
        report["pages"]
    );
    assert_eq!(report["pages"][0]["comments"][0]["text"], "no refund info");
    for server in [&a, &b] {
        let health = healthz(&client, server);
        assert_eq!(health["insights"]["enabled"], true, "{health}");
        assert_eq!(health["insights"]["failed_batches"], 0, "{health}");
    }

    // Nothing about the reader in any column.
    drop((a, b));
    for table in ["search_queries", "search_clicks"] {
        let cells = pg.psql(
            "helpcenter",
            &format!("SELECT string_agg(t::text, E'\\n') FROM {table} t"),
        );
        assert!(!cells.is_empty(), "{table} is empty");
        assert!(!cells.contains("127.0.0.1"), "{table}: {cells}");
    }
    assert_eq!(
        pg.psql("helpcenter", "SELECT clicks FROM search_clicks"),
        "1"
    );
}

/// `feedback export`/`stats` read PostgreSQL; `feedback migrate` copies a SQLite file in,
/// once however often it runs; wrong or unreachable stores are errors that say so.
#[test]
fn feedback_commands_read_postgres_and_migrate_is_idempotent() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    let sqlite = site.path().join("feedback.sqlite3");
    {
        let server = site.serve(&["--no-build", "--no-watch"]);
        let client = http();
        for (page, helpful, comment) in [
            ("/billing/", true, "clear"),
            ("/billing/", false, "=1+1"),
            ("/", false, ""),
        ] {
            let r = client
                .post(server.at("api/feedback"))
                .json(&json!({"page": page, "helpful": helpful, "comment": comment}))
                .send()
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    }
    let url = pg.url();
    let db = sqlite.to_str().unwrap();
    let out = site.run_ok(&["feedback", "migrate", "--from", db, "--to", &url]);
    assert!(
        out.contains("Copied 3 new feedback entries") && out.contains("0 of 3 were there already"),
        "{out}"
    );
    let out = site.run_ok(&["feedback", "migrate", "--to", &url]); // --from: ROOT/feedback.sqlite3
    assert!(
        out.contains("Copied 0 new") && out.contains("3 of 3 were there already"),
        "{out}"
    );
    assert_eq!(pg.psql("helpcenter", "SELECT count(*) FROM feedback"), "3");

    let strip_ids = |rows: Vec<Value>| -> Vec<Value> {
        rows.into_iter()
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("id");
                r
            })
            .collect()
    };
    assert_eq!(strip_ids(export(&site, &url)), strip_ids(export(&site, db)));
    let csv = site.run_ok(&["feedback", "export", "--db", &url]);
    assert!(csv.contains(",'=1+1"), "{csv}");
    let stats = site.run_ok(&["feedback", "stats", "--db", &url]);
    assert!(stats.contains("3 votes on 2 pages"), "{stats}");
    let out = Command::new(common::binary())
        .args(["feedback", "stats", "--format", "json", "--root"])
        .arg(site.path())
        .env("HELPCENTER_FEEDBACK_DB", &url)
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    assert_eq!(stats[0]["page"], "/", "{stats}");
    // The same migrations on both: the two schema_migrations agree.
    assert_eq!(
        pg.psql(
            "helpcenter",
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"
        ),
        (1..=helpcenter::feedback::schema_version())
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );

    // Errors name the store and what to do; exit code 2; no password shown.
    let closed = free_port();
    let bad = format!("postgres://postgres:hunter2@127.0.0.1:{closed}/helpcenter");
    for args in [
        vec!["feedback", "export", "--db", bad.as_str()],
        vec!["feedback", "migrate", "--from", db, "--to", bad.as_str()],
        vec![
            "serve",
            "--no-build",
            "--no-watch",
            "--port",
            "0",
            "--feedback-db",
            bad.as_str(),
        ],
    ] {
        let out = site.run(&args);
        let message = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(
            message.contains("cannot reach the feedback database"),
            "{message}"
        );
        assert!(
            message.contains(&format!("127.0.0.1:{closed}")) && !message.contains("hunter2"),
            "{message}"
        );
        assert!(!message.contains("panicked"), "{message}");
    }
    let out = site.run(&["feedback", "export", "--db", "mysql://db/help"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("mysql:// is not a feedback store"),
        "{}",
        text(&out)
    );
    assert!(!site.path().join("mysql:").exists());
    let out = site.run(&["feedback", "migrate", "--from", &url, "--to", &url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("--from must be a SQLite file"),
        "{}",
        text(&out)
    );
}

fn nginx() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("no nginx: install Debian's `nginx` package (scripts/test does), or set SKIP_POSTGRES_TESTS=1")
}

/// nginx running `deploy/nginx.conf` (its ports rewritten to this test's).
struct Nginx {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    port: u16,
}

impl Nginx {
    fn start(upstreams: &[String]) -> Nginx {
        let shipped =
            std::fs::read_to_string(common::repo_root().join("deploy/nginx.conf")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("logs")).unwrap();
        let port = free_port();
        let mut conf = shipped
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
            .replace("worker_processes auto;", "worker_processes 1;");
        for (i, addr) in upstreams.iter().enumerate() {
            let example = format!("server 127.0.0.1:{} ", 8081 + i);
            assert!(
                conf.contains(&example),
                "deploy/nginx.conf has no `{example}`"
            );
            conf = conf.replace(&example, &format!("server {addr} "));
        }
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let test = Command::new(nginx())
            .arg("-t")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .output()
            .unwrap();
        assert!(test.status.success(), "nginx -t: {}", text(&test));
        let child = Command::new(nginx())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off;"])
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            _dir: dir,
            port,
        }
    }

    fn at(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers (SIGKILL would leave them running).
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client_from(address: &str) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// nginx spreads requests over three replicas and passes the reader's address: each replica
/// limits each reader (so a reader gets N× the limit), a forged X-Forwarded-For changes
/// nothing, and a killed replica's share goes to the others.
#[test]
fn nginx_spreads_requests_and_passes_the_client_address() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    // The replicas must know nginx's authority (Host/Origin check): start nginx first on
    // ports that the replicas then take.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let nginx = Nginx::start(
        &ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect::<Vec<_>>(),
    );
    let allowed = format!("127.0.0.1:{}", nginx.port);
    // Started together on an empty database: they take turns migrating it.
    let url = pg.url();
    let replicas: Vec<Server> = std::thread::scope(|scope| {
        let starting: Vec<_> = ports
            .iter()
            .map(|p| {
                let (port, site, url, allowed) = (p.to_string(), &site, &url, &allowed);
                scope.spawn(move || {
                    site.serve(&[
                        "--no-build",
                        "--no-watch",
                        "--feedback-db",
                        url,
                        "--rate-limit",
                        "3",
                        "--trusted-proxy",
                        "127.0.0.1",
                        "--allowed-host",
                        allowed,
                        "--port",
                        &port,
                    ])
                })
            })
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    assert_eq!(
        pg.psql("helpcenter", "SELECT count(*) FROM schema_migrations"),
        helpcenter::feedback::schema_version().to_string()
    );
    for (r, p) in replicas.iter().zip(&ports) {
        assert!(r.url.ends_with(&format!(":{p}/")), "{}", r.url);
    }

    let reader = client_from("127.0.0.2");
    let send = |client: &reqwest::blocking::Client, forged: Option<&str>| {
        let mut request = client
            .post(nginx.at("api/feedback"))
            .header("Origin", format!("http://{allowed}"))
            .json(&json!({"page": "/billing/", "helpful": true}));
        if let Some(f) = forged {
            request = request.header("X-Forwarded-For", f);
        }
        request.send().unwrap().status().as_u16()
    };
    let statuses: Vec<u16> = (0..12)
        .map(|i| send(&reader, (i % 2 == 0).then_some("203.0.113.9")))
        .collect();
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(accepted, 9, "3 replicas × 3 a minute: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 429),
        "{statuses:?}"
    );
    // Another reader has its own allowance.
    assert_eq!(send(&client_from("127.0.0.3"), None), 201);
    assert_eq!(export(&site, &pg.url()).len(), 10);

    // Pages through the proxy; a killed replica is skipped.
    let mut replicas = replicas;
    replicas.remove(1).kill();
    let client = client_from("127.0.0.4");
    for _ in 0..9 {
        let r = client.get(nginx.at("billing/")).send().unwrap();
        assert_eq!(r.status(), 200);
    }
}

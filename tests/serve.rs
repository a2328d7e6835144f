//! `helpcenter serve` over real HTTP on 127.0.0.1 (an ephemeral port), with the real binary.

mod common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use common::{Server, Site, http};
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};

fn json_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status, "{:?}", response.url());
    let body: Value = response.json().expect("JSON error body");
    let message = body["error"].as_str().expect("error message").to_string();
    assert!(!message.is_empty());
    message
}

fn feedback_rows(site: &Site, db: &std::path::Path) -> Vec<Value> {
    let out = site.run_ok(&[
        "feedback",
        "export",
        "--format",
        "json",
        "--db",
        db.to_str().unwrap(),
    ]);
    serde_json::from_str::<Vec<Value>>(&out).expect("export JSON")
}

#[test]
fn static_files_headers_and_errors() {
    let site = Site::sample();
    let server = site.serve(&["--no-watch"]);
    let client = http();

    let home = client.get(&server.url).send().unwrap();
    assert_eq!(home.status(), 200);
    let h = home.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'self'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h["cache-control"].to_str().unwrap().contains("max-age=60"));
    let body = home.text().unwrap();
    assert!(body.contains("</html>"));
    assert!(
        !body.contains("__livereload"),
        "no live reload without watch"
    );

    // Conditional requests.
    let etag = h["etag"].to_str().unwrap();
    let again = client
        .get(&server.url)
        .header("If-None-Match", etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), 304);
    let last_modified = h["last-modified"].to_str().unwrap();
    let again = client
        .get(&server.url)
        .header("If-Modified-Since", last_modified)
        .send()
        .unwrap();
    assert_eq!(again.status(), 304);

    // HEAD: headers, no body.
    let head = client.head(&server.url).send().unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert!(head.text().unwrap().is_empty());

    // Compression.
    for encoding in ["gzip", "br"] {
        let r = client
            .get(&server.url)
            .header("Accept-Encoding", encoding)
            .send()
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], encoding);
    }

    // Fingerprinted stylesheet: cached for a year.
    let css = body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|href| href.ends_with(".css"))
        .expect("stylesheet link");
    let r = client.get(server.at(css)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    // Folders: redirect to the slash form, never list.
    let r = client.get(server.at("billing")).send().unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/billing/");
    let r = client.get(server.at("css/")).send().unwrap();
    assert_eq!(r.status(), 404);

    // The theme's 404 page.
    let r = client.get(server.at("no/such/page/")).send().unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().unwrap().contains("Page not found"));

    // Build metadata is never served.
    for path in [
        ".helpcenter/pages.json",
        ".helpcenter/",
        ".helpcenter/index/",
        "%2ehelpcenter/pages.json",
    ] {
        let r = client.get(server.at(path)).send().unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }

    // Only GET and HEAD.
    let r = client.delete(&server.url).send().unwrap();
    assert_eq!(r.status(), 405);
}

#[test]
fn paths_never_leave_the_output() {
    let site = Site::minimal();
    site.write("secret.txt", "TOP-SECRET");
    let server = site.serve(&["--no-watch"]);
    let long = format!("/{}", "a/".repeat(3000));
    let attempts = [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/index.html%00.txt",
        "/%00",
        "/./index.html",
        "/%252e%252e/secret.txt",
        "//secret.txt",
        long.as_str(),
    ];
    for target in attempts {
        let (status, response) = server.raw("GET", target);
        assert!(
            status == 400 || status == 404,
            "{target}: status {status}\n{response}"
        );
        assert!(!response.contains("TOP-SECRET"), "{target} leaked a file");
        assert!(!response.contains("root:"), "{target} leaked /etc/passwd");
    }
    // A request for an existing page is still fine.
    assert_eq!(server.raw("GET", "/index.html").0, 200);
}

#[test]
fn search_and_health() {
    let site = Site::sample();
    let server = site.serve(&["--no-watch"]);
    let client = http();

    let health: Value = client
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(health["pages"].as_u64().unwrap() > 5);
    assert!(health["documents"].is_u64());

    let r = client
        .get(server.at("api/search?q=phone%20numbers&limit=1000"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().unwrap();
    assert_eq!(body["query"], "phone numbers");
    assert!(body["total"].is_u64() && body["took_ms"].is_number());
    assert!(body["hits"].as_array().unwrap().len() <= 50);

    json_error(
        client.get(server.at("api/search")).send().unwrap(),
        StatusCode::BAD_REQUEST,
    );
    let long = "x".repeat(1001);
    json_error(
        client
            .get(server.at(&format!("api/search?q={long}")))
            .send()
            .unwrap(),
        StatusCode::BAD_REQUEST,
    );
    for limit in ["abc", "0", "-1"] {
        json_error(
            client
                .get(server.at(&format!("api/search?q=a&limit={limit}")))
                .send()
                .unwrap(),
            StatusCode::BAD_REQUEST,
        );
    }
    let r = client.post(server.at("api/search?q=a")).send().unwrap();
    assert_eq!(r.status(), 405);
}

#[test]
fn search_without_index_is_503() {
    let site = Site::minimal();
    site.run_ok(&["build"]);
    std::fs::remove_dir_all(site.public().join(".helpcenter/index")).unwrap();
    let server = site.serve(&["--no-watch", "--no-build"]);
    let message = json_error(
        http().get(server.at("api/search?q=a")).send().unwrap(),
        StatusCode::SERVICE_UNAVAILABLE,
    );
    assert!(message.contains("index"), "{message}");
}

#[test]
fn feedback_accepts_json_and_forms_and_refuses_bad_input() {
    let site = Site::minimal();
    let db = site.path().join("fb.sqlite3");
    let server = site.serve(&[
        "--no-watch",
        "--rate-limit",
        "0",
        "--feedback-db",
        db.to_str().unwrap(),
    ]);
    let client = http();
    let url = server.at("api/feedback");
    let post_json = |body: &Value| client.post(&url).json(body).send().unwrap();

    // JSON success, with the comment cleaned.
    let r =
        post_json(&json!({"page": "/", "helpful": true, "comment": " thanks\u{0}\u{1b}!\r\nbye "}));
    assert_eq!(r.status(), 201);
    // Form success: 303 back to the page.
    let r = client
        .post(&url)
        .header("Origin", server.url.trim_end_matches('/'))
        .form(&[("page", "/"), ("helpful", "no"), ("comment", "")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/?feedback=thanks#feedback");
    // Exactly 2,000 characters is fine.
    let r = post_json(&json!({"page": "/", "helpful": true, "comment": "é".repeat(2000)}));
    assert_eq!(r.status(), 201);
    // Honeypot: answered like a success, stored nowhere.
    let r = post_json(&json!({"page": "/", "helpful": true, "website": "http://spam"}));
    assert_eq!(r.status(), 201);
    let r = client
        .post(&url)
        .form(&[("page", "/"), ("helpful", "yes"), ("website", "spam")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);

    // 422: well-formed but wrong.
    for (body, expected) in [
        (json!({"page": "/nope/", "helpful": true}), "not a page"),
        (json!({"helpful": true}), "page"),
        (json!({"page": "/"}), "helpful"),
        (json!({"page": "/", "helpful": "yes"}), "helpful"),
        (json!({"page": 3, "helpful": true}), "page"),
        (
            json!({"page": "/", "helpful": true, "comment": 5}),
            "comment",
        ),
        (
            json!({"page": "/", "helpful": true, "comment": "a".repeat(2001)}),
            "2000",
        ),
        (json!(["/", true]), "object"),
    ] {
        let message = json_error(post_json(&body), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains(expected), "{body}: {message}");
    }
    let r = client
        .post(&url)
        .form(&[("page", "/"), ("helpful", "maybe")])
        .send()
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY);
    let r = client
        .post(&url)
        .form(&[("helpful", "yes")])
        .send()
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY);

    // 400: malformed JSON.
    let r = client
        .post(&url)
        .header("Content-Type", "application/json")
        .body("{\"page\": ")
        .send()
        .unwrap();
    assert!(json_error(r, StatusCode::BAD_REQUEST).contains("JSON"));

    // 415: other content types, or none.
    for content_type in [
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = client.post(&url).body("page=/&helpful=yes");
        if let Some(ct) = content_type {
            request = request.header("Content-Type", ct);
        }
        json_error(request.send().unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    // 413: over the limit (32,192 bytes), announced or streamed (chunked).
    let big = format!(
        "{{\"page\": \"/\", \"helpful\": true, \"comment\": \"{}\"}}",
        "a".repeat(33 * 1024)
    );
    let r = client
        .post(&url)
        .header("Content-Type", "application/json")
        .body(big.clone())
        .send()
        .unwrap();
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE);
    let r = client
        .post(&url)
        .header("Content-Type", "application/json")
        .body(reqwest::blocking::Body::new(std::io::Cursor::new(
            big.into_bytes(),
        )))
        .send()
        .unwrap();
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE);

    // 403: cross-site.
    let ok = json!({"page": "/", "helpful": true});
    let r = client
        .post(&url)
        .header("Origin", "https://evil.example")
        .json(&ok)
        .send()
        .unwrap();
    json_error(r, StatusCode::FORBIDDEN);
    let r = client
        .post(&url)
        .header("Origin", "null")
        .json(&ok)
        .send()
        .unwrap();
    json_error(r, StatusCode::FORBIDDEN);
    let r = client
        .post(&url)
        .header("Sec-Fetch-Site", "cross-site")
        .json(&ok)
        .send()
        .unwrap();
    json_error(r, StatusCode::FORBIDDEN);

    // 405: only POST.
    assert_eq!(client.get(&url).send().unwrap().status(), 405);

    // Stored: exactly the three accepted entries, cleaned, with the page's content hash.
    let rows = feedback_rows(&site, &db);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0]["comment"], "thanks!\nbye");
    assert_eq!(rows[0]["helpful"], true);
    assert!(!rows[0]["content_hash"].as_str().unwrap().is_empty());
    assert!(rows[0]["received_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rows[1]["helpful"], false);
    assert_eq!(rows[1]["comment"], Value::Null);

    let csv = site.run_ok(&["feedback", "export", "--db", db.to_str().unwrap()]);
    assert!(csv.starts_with("id,received_at,page,content_hash,helpful,comment\n"));
    assert_eq!(csv.matches(",/,").count(), 3, "{csv}");
    assert!(csv.contains(",\"thanks!\nbye\"\n"), "{csv}");
    let future = site.run_ok(&[
        "feedback",
        "export",
        "--since",
        "2999-01-01",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(future.lines().count(), 1);
    let stats = site.run_ok(&["feedback", "stats", "--db", db.to_str().unwrap()]);
    assert!(stats.contains("3 votes on 1 pages"), "{stats}");
    let bad = site.run(&[
        "feedback",
        "export",
        "--since",
        "yesterday",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
}

#[test]
fn feedback_rate_limit() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch", "--rate-limit", "3"]);
    let client = http();
    let ok = json!({"page": "/", "helpful": true});
    for _ in 0..3 {
        assert_eq!(
            client
                .post(server.at("api/feedback"))
                .json(&ok)
                .send()
                .unwrap()
                .status(),
            201
        );
    }
    let r = client
        .post(server.at("api/feedback"))
        .json(&ok)
        .send()
        .unwrap();
    assert!(r.headers().contains_key("retry-after"));
    json_error(r, StatusCode::TOO_MANY_REQUESTS);
    // The default database is ROOT/feedback.sqlite3.
    assert!(site.path().join("feedback.sqlite3").is_file());
}

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
    assert_eq!(feedback_rows(&site, &db).len(), 200);

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
    let rows = feedback_rows(&site, &db).len();
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
        feedback_rows(&site, &site.path().join("feedback.sqlite3")).len(),
        1
    );
}

/// Live-reload events, read line by line.
struct Events {
    lines: std::io::Lines<BufReader<Response>>,
}

impl Events {
    fn open(server: &Server) -> Events {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(90))
            .build()
            .unwrap();
        let r = client.get(server.at("__livereload")).send().unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut events = Events {
            lines: BufReader::new(r).lines(),
        };
        events.next_event("hello");
        events
    }

    /// Skip to the event named `name`; returns its data.
    fn next_event(&mut self, name: &str) -> String {
        let mut current = String::new();
        let mut data = Vec::new();
        for line in self.lines.by_ref() {
            let line = line.expect("event stream");
            if let Some(event) = line.strip_prefix("event: ") {
                current = event.to_string();
                data.clear();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push(d.strip_prefix(' ').unwrap_or(d).to_string());
            } else if line.is_empty() && current == name {
                return data.join("\n");
            }
        }
        panic!("event stream ended before a {name} event");
    }
}

#[test]
fn watch_rebuilds_reloads_and_reports_errors() {
    let site = Site::sample();
    let server = site.serve(&[]);
    let client = http();
    let page = "billing/changing-billing-information/";
    let body = client.get(server.at(page)).send().unwrap().text().unwrap();
    assert!(body.contains("<script src=\"/__livereload.js\" defer></script></body>"));
    let script = client.get(server.at("__livereload.js")).send().unwrap();
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(script.text().unwrap().contains("EventSource"));

    // Edit a page: rebuilt, served, reload sent.
    let mut events = Events::open(&server);
    let source = site
        .path()
        .join("content/billing/changing-billing-information.md");
    let original = std::fs::read_to_string(&source).unwrap();
    site.write(
        "content/billing/changing-billing-information.md",
        &format!("{original}\nLive edit marker 4711.\n"),
    );
    events.next_event("reload");
    let body = client.get(server.at(page)).send().unwrap().text().unwrap();
    assert!(body.contains("Live edit marker 4711"));

    // Break a YAML file: the last good page stays, the error is reported.
    let yaml = "content/data/contacts/billing-email.yaml";
    let good = std::fs::read_to_string(site.path().join(yaml)).unwrap();
    site.write(yaml, "title: [unclosed\n");
    let error = events.next_event("build-error");
    assert!(error.contains("billing-email.yaml"), "{error}");
    let r = client.get(server.at(page)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().unwrap().contains("Live edit marker 4711"));
    assert!(
        server.stderr().contains("billing-email.yaml"),
        "terminal: {}",
        server.stderr()
    );
    // A page opened now gets the error at once.
    let mut late = Events::open(&server);
    assert!(
        late.next_event("build-error")
            .contains("billing-email.yaml")
    );

    // Fixed: reload.
    site.write(yaml, &good);
    events.next_event("reload");
    late.next_event("reload");
}

/// The address is printed only once the sources are watched, so an edit saved as soon as it
/// appears is rebuilt and served.
#[test]
fn an_edit_saved_as_soon_as_the_address_appears_is_served() {
    let site = Site::sample();
    let server = site.serve(&[]);
    let rel = "content/billing/changing-billing-information.md";
    let original = std::fs::read_to_string(site.path().join(rel)).unwrap();
    site.write(rel, &format!("{original}\nSaved at once 9127.\n"));
    let client = http();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = client
            .get(server.at("billing/changing-billing-information/"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        if body.contains("Saved at once 9127") {
            break;
        }
        assert!(Instant::now() < deadline, "the edit was never served");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `serve --drafts` previews pages marked `draft: true`, and `--base-url` sets the canonical
/// links, as `build` does; without `--drafts` a draft is a 404.
#[test]
fn serve_previews_drafts_under_the_given_base_url() {
    let site = Site::sample();
    site.write(
        "content/billing/draft-preview.md",
        "---\ntitle: Draft preview\ndraft: true\n---\nNot published yet.\n",
    );
    let client = http();

    let server = site.serve(&["--drafts", "--base-url", "https://preview.example.org/"]);
    let response = client
        .get(server.at("billing/draft-preview/"))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().unwrap();
    assert!(body.contains("Not published yet."), "{body}");
    assert!(
        body.contains(r#"href="https://preview.example.org/billing/draft-preview/""#),
        "canonical link under the given base URL"
    );
    server.kill();

    let server = site.serve(&[]);
    let response = client
        .get(server.at("billing/draft-preview/"))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

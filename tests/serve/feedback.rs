//! `/api/feedback`: JSON and form posts stored cleaned, the honeypot, bad input refused with
//! the right status, what `feedback export`/`stats` then read, and the rate limit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Site, http};
use crate::json_error;

#[test]
fn feedback_accepts_json_and_forms_and_refuses_bad_input() {
    let site = Site::minimal();
    let db = site.path().join("fb.sqlite3");
    let server = site.serve_feedback(db.to_str().unwrap(), &[]);
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
    for (header, value) in [
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let r = client
            .post(&url)
            .header(header, value)
            .json(&ok)
            .send()
            .unwrap();
        json_error(r, StatusCode::FORBIDDEN);
    }

    // 405: only POST.
    assert_eq!(client.get(&url).send().unwrap().status(), 405);

    // Stored: exactly the three accepted entries, cleaned, with the page's content hash.
    let rows = site.feedback_export(db.to_str().unwrap());
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

//! The `insights` and `feedback` commands on PostgreSQL: search insights recorded by two
//! replicas add up in `helpcenter insights --db postgres://…`; `feedback export`/`stats`
//! read the database, `feedback migrate` copies a SQLite file in once, and wrong or
//! unreachable stores are errors that say so.

use std::process::Command;

use serde_json::{Value, json};

use crate::cluster::{Pg, free_port, skip};
use crate::common::{self, http, text};
use crate::{built_site, healthz, replica, search, wait_for_insights};

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
    assert_eq!(
        strip_ids(site.feedback_export(&url)),
        strip_ids(site.feedback_export(db))
    );
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

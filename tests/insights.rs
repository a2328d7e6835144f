//! Search insights through a running `helpcenter serve` (real HTTP on 127.0.0.1, the real
//! binary) and `helpcenter insights`: counts, zero results, opens, privacy, masking,
//! retention, recording off, suggestions, the HTML report.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Server, Site, http};
use serde_json::{Value, json};

const AGENT: &str = "insights-test-agent/7.3 (unique-ua-marker)";

/// A small site: a password page and a billing page.
fn site(extra_config: &str) -> Site {
    let site = Site::minimal();
    site.write(
        "site.toml",
        &format!(
            "title = \"Test Help Center\"\nbase_url = \"https://help.test\"\nlanguage = \"en\"\n{extra_config}"
        ),
    );
    site.write(
        "content/account/password.md",
        "---\ntitle: Resetting your password\n---\nForgot your password? Reset it from the sign-in page.\n",
    );
    site.write(
        "content/billing.md",
        "---\ntitle: Billing and invoices\n---\nEvery invoice lists the month's charges.\n",
    );
    site
}

fn serve(site: &Site, db: &Path) -> Server {
    site.serve_feedback(db.to_str().unwrap(), &[])
}

fn search(server: &Server, q: &str) -> Value {
    let r = http()
        .get(server.at("api/search"))
        .query(&[("q", q)])
        .header("User-Agent", AGENT)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

fn click(server: &Server, body: Value, content_type: &str) -> reqwest::StatusCode {
    http()
        .post(server.at("api/search/click"))
        .header("Content-Type", content_type)
        .header("User-Agent", AGENT)
        .header("Origin", server.url.trim_end_matches('/'))
        .body(body.to_string())
        .send()
        .unwrap()
        .status()
}

fn insights(site: &Site, db: &Path) -> Value {
    let out = site.run_ok(&["insights", "--format", "json", "--db", db.to_str().unwrap()]);
    serde_json::from_str(&out).expect("insights JSON")
}

/// The report once it counts `searches` searches and `clicks` opens (the recorder writes in
/// batches, off the request path).
fn wait_for(site: &Site, db: &Path, searches: u64, clicks: u64) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let report = insights(site, db);
        let t = &report["totals"];
        if t["searches"] == searches && t["clicks"] == clicks {
            return report;
        }
        assert!(
            Instant::now() < until,
            "never reached {searches}/{clicks}: {t}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn query<'a>(list: &'a Value, q: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["query"] == q)
        .unwrap_or_else(|| panic!("no {q:?} in {list:#}"))
}

#[test]
fn searches_opens_gaps_and_suggestions_are_reported_without_the_reader() {
    let site = site("");
    let db = site.path().join("feedback.sqlite3");
    let server = serve(&site, &db);
    for _ in 0..3 {
        assert!(search(&server, "Billing")["total"].as_u64().unwrap() > 0);
    }
    search(&server, "  BILLING  ");
    // Two typos in a 7-letter word: more than the search forgives.
    for _ in 0..2 {
        assert_eq!(search(&server, "pasward")["total"], 0);
    }
    search(&server, "reset Ana.Perez@Example.com");
    search(&server, "call 0800 887 3333");

    let open = |q: &str, position: u32| json!({"q": q, "lang": "en", "url": "/billing/", "position": position});
    assert_eq!(click(&server, open("billing", 1), "application/json"), 204);
    assert_eq!(
        click(&server, open("Billing", 1), "text/plain;charset=UTF-8"),
        204
    );
    assert_eq!(click(&server, open("billing", 2), "text/plain"), 204);
    // Refused: another site, a bad position, another type, an unknown language.
    let cross = http()
        .post(server.at("api/search/click"))
        .header("Content-Type", "application/json")
        .header("Origin", "https://evil.example")
        .body(open("billing", 1).to_string())
        .send()
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(click(&server, open("billing", 0), "application/json"), 422);
    assert_eq!(
        click(
            &server,
            open("billing", 1),
            "application/x-www-form-urlencoded"
        ),
        415
    );
    let unknown = json!({"q": "billing", "lang": "xx", "position": 1});
    assert_eq!(click(&server, unknown, "application/json"), 422);
    // A page's feedback, for the pages list.
    let r = http()
        .post(server.at("api/feedback"))
        .header("User-Agent", AGENT)
        .json(&json!({"page": "/billing/", "helpful": false, "comment": "no refund info"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);

    let report = wait_for(&site, &db, 8, 3);
    let health: Value = http()
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["insights"]["enabled"], true);
    assert_eq!(health["insights"]["dropped"], 0);

    let billing = query(&report["top_queries"], "billing");
    assert_eq!(billing["searches"], 4, "case and spaces folded: {billing}");
    assert_eq!(billing["clicks"], 3);
    assert_eq!(billing["clicks_by_position"], json!({"1": 2, "2": 1}));
    assert_eq!(billing["first_url"], "/billing/");
    assert!(billing["hits"].as_u64().unwrap() > 0);
    assert_eq!(report["top_queries"][0]["query"], "billing");

    let gap = query(&report["no_results"], "pasward");
    assert_eq!(
        (gap["searches"].as_u64(), gap["hits"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(gap["suggestion"]["line"], "- [pasward, password]", "{gap}");
    assert_eq!(gap["suggestion"]["file"], "content/synonyms.yaml");
    assert!(gap["suggestion"]["hits"].as_u64().unwrap() > 0);
    assert_eq!(
        report["totals"]["zero_result_searches"].as_u64(),
        Some(2 + count_zero(&report))
    );

    // E-mail addresses are masked; digits are kept.
    query(&report["top_queries"], "reset [email]");
    query(&report["top_queries"], "call 0800 887 3333");
    let text = report.to_string();
    assert!(!text.to_lowercase().contains("ana.perez"), "{text}");

    let page = &report["pages"][0];
    assert_eq!(page["page"], "/billing/");
    assert_eq!(page["comments"][0]["text"], "no refund info");
    assert_eq!(report["weeks"].as_array().unwrap().len(), 1);

    // The text and CSV forms say the same.
    let text = site.run_ok(&["insights", "--db", db.to_str().unwrap()]);
    assert!(text.contains("- [pasward, password]"), "{text}");
    let csv = site.run_ok(&["insights", "--format", "csv", "--db", db.to_str().unwrap()]);
    assert!(csv.starts_with("list,lang,query,searches,"), "{csv}");
    assert!(csv.contains("no_results,en,pasward,2,0,0,"), "{csv}");

    // The HTML report: one file, charts as inline SVG, nothing fetched.
    let html_path = site.path().join("report.html");
    site.run_ok(&[
        "insights",
        "--db",
        db.to_str().unwrap(),
        "--html",
        html_path.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(html.matches("<svg ").count() >= 4, "charts");
    assert!(html.contains("<title id=\"chart-days-title\">"));
    for external in [
        "http:",
        "https:",
        "<script",
        "<link rel=\"stylesheet\"",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "{external} in the report");
    }
    assert!(html.contains("pasward") && html.contains("no refund info"));

    // Nothing about the reader in any column of any table.
    drop(server);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.contains(&"search_queries".to_string()), "{tables:?}");
    let mut cells = 0;
    for table in &tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let cell: String = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                    other => format!("{other:?}"),
                };
                cells += 1;
                for secret in [
                    "127.0.0.1",
                    AGENT,
                    "unique-ua-marker",
                    "insights-test-agent",
                    "Ana.Perez",
                    "ana.perez",
                ] {
                    assert!(!cell.contains(secret), "{table}: {cell:?} holds {secret:?}");
                }
            }
        }
    }
    assert!(cells > 20, "the tables were read ({cells} cells)");
}

/// Zero-result searches other than `pasward` (none expected, but the sample may differ).
fn count_zero(report: &Value) -> u64 {
    report["no_results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["query"] != "pasward")
        .map(|q| q["searches"].as_u64().unwrap())
        .sum()
}

#[test]
fn recording_off_records_nothing() {
    let site = site("\n[insights]\nenabled = false\n");
    let db = site.path().join("feedback.sqlite3");
    let server = serve(&site, &db);
    search(&server, "billing");
    search(&server, "pasward");
    assert_eq!(
        click(
            &server,
            json!({"q": "billing", "position": 1}),
            "application/json"
        ),
        204
    );
    let health: Value = http()
        .get(server.at("healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["insights"]["enabled"], false);
    std::thread::sleep(Duration::from_millis(800)); // longer than a batch takes
    drop(server);
    let report = insights(&site, &db);
    assert_eq!(report["totals"]["searches"], 0, "{report:#}");
    assert_eq!(report["totals"]["clicks"], 0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM search_queries) + (SELECT COUNT(*) FROM search_clicks)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 0);
}

#[test]
fn retention_deletes_old_days_on_start() {
    let site = site("\n[insights]\nretention_days = 30\n");
    let db = site.path().join("feedback.sqlite3");
    let day = |back: u64| {
        (chrono::Utc::now().date_naive() - chrono::Days::new(back))
            .format("%Y-%m-%d")
            .to_string()
    };
    {
        use helpcenter::insights::{Counts, SqliteStore, Store};
        let mut store = SqliteStore::open(&db).unwrap();
        let mut counts = Counts::new();
        for (back, q) in [
            (400, "ancient"),
            (31, "too old"),
            (29, "recent"),
            (0, "today"),
        ] {
            let count = counts
                .entry((day(back), "en".into(), q.into()))
                .or_default();
            count.searches = 1;
            count.clicks.insert(1, 1);
        }
        store.add(&counts).unwrap();
    }
    let server = serve(&site, &db);
    drop(server);
    let report = insights(&site, &db);
    let kept: Vec<&str> = report["top_queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["query"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["recent", "today"], "{report:#}");
    assert_eq!(report["totals"]["clicks"], 2, "their opens went with them");
    // --since narrows the report.
    let out = site.run_ok(&[
        "insights",
        "--format",
        "json",
        "--db",
        db.to_str().unwrap(),
        "--since",
        &day(5),
    ]);
    let since: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(since["totals"]["searches"], 1);
}

#[test]
fn insights_without_a_database_is_trouble() {
    let site = site("");
    let out = site.run(&["insights"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("no feedback database"),
        "{}",
        common::text(&out)
    );
}

//! `/healthz` and `/api/search`: the answers, bad requests refused, and a 503 without an
//! index.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Site, http};
use crate::json_error;

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

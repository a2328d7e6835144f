//! `helpcenter serve` over real HTTP on 127.0.0.1 (an ephemeral port), with the real binary.

#[path = "../common/mod.rs"]
mod common;

mod feedback;
mod files;
mod preview;
mod search;
mod shutdown;

use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::Value;

fn json_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status, "{:?}", response.url());
    let body: Value = response.json().expect("JSON error body");
    let message = body["error"].as_str().expect("error message").to_string();
    assert!(!message.is_empty());
    message
}

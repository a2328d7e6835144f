//! `serve` as a preview while writing: each edit rebuilt and reloaded, build errors reported,
//! an edit saved as soon as the address appears served, drafts under a given base URL.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::Response;

use crate::common::{Server, Site, http};

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

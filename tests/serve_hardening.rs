//! The server under abuse and odd conditions (issue 14): idle and partial connections, a flood
//! of idle sockets, big compressed files, foreign hosts and forwarding headers, a full disk,
//! symbolic links out of the output, Retry-After and long non-ASCII comments.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, Site, http};
use serde_json::{Value, json};

fn health(server: &Server) -> Value {
    http()
        .get(server.at("/healthz"))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

/// Read until the server closes the connection (or `limit` passes); how long it took.
fn time_to_close(mut stream: TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => continue, // a 408 may come first
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(start.elapsed());
            }
            Err(_) => return None,
        }
    }
}

#[test]
fn idle_and_partial_connections_are_closed() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch", "--header-timeout", "1"]);
    let silent = TcpStream::connect(server.addr()).unwrap();
    let mut partial = TcpStream::connect(server.addr()).unwrap();
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let mut kept = TcpStream::connect(server.addr()).unwrap();
    write!(
        kept,
        "GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr()
    )
    .unwrap();
    let threads: Vec<_> = [silent, partial, kept]
        .into_iter()
        .map(|s| std::thread::spawn(move || time_to_close(s, Duration::from_secs(8))))
        .collect();
    for (name, t) in ["silent", "partial headers", "idle keep-alive"]
        .iter()
        .zip(threads)
    {
        let took = t.join().unwrap();
        assert!(
            took.is_some_and(|d| d < Duration::from_secs(5)),
            "the {name} connection was not closed: {took:?}"
        );
    }
    // The server is still well.
    assert_eq!(health(&server)["status"], "ok");
}

/// More idle sockets than file descriptors: readers still get answers, at once.
#[test]
fn a_flood_of_idle_connections_does_not_starve_readers() {
    let site = Site::minimal();
    // 256 descriptors: the server keeps at most 128 connections; the header timeout (10 s) is
    // longer than the client's, so only shedding the idle ones can make room.
    let server = site.serve_with(&["--no-watch"], Some(256));
    let mut idle = Vec::new();
    for _ in 0..400 {
        idle.push(TcpStream::connect(server.addr()).unwrap());
    }
    std::thread::sleep(Duration::from_millis(300));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for _ in 0..5 {
        let r = client.get(server.at("/")).send();
        assert!(
            r.as_ref().is_ok_and(|r| r.status() == 200),
            "a reader got no answer behind {} idle sockets: {r:?}\n{}",
            idle.len(),
            server.stderr()
        );
    }
    let h = health(&server);
    assert!(h["connections"]["shed"].as_u64().unwrap() > 0, "{h}");
    assert!(h["connections"]["open"].as_u64().unwrap() <= 128, "{h}");
    drop(idle);
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

#[test]
fn big_files_are_compressed_once() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch"]);
    let text: String = (0..200_000)
        .map(|i| format!("line {i} of the handbook\n"))
        .collect();
    std::fs::write(site.public().join("handbook.txt"), &text).unwrap();
    let client = http();
    let get = || {
        client
            .get(server.at("/handbook.txt"))
            .header("Accept-Encoding", "gzip")
            .send()
            .unwrap()
    };
    let first = get();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-encoding"], "gzip");
    assert!(
        first.headers()["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    let etag = first.headers()["etag"].clone();
    let first = first.bytes().unwrap();
    let second = get().bytes().unwrap();
    assert_eq!(first, second, "the same bytes twice");
    assert_eq!(gunzip(&first), text.as_bytes());
    let cache = &health(&server)["compression_cache"];
    assert_eq!(cache["misses"], 1, "compressed once: {cache}");
    assert!(cache["hits"].as_u64().unwrap() >= 1, "{cache}");
    // Conditional requests and plain readers are unchanged.
    let r = client
        .get(server.at("/handbook.txt"))
        .header("Accept-Encoding", "gzip")
        .header("If-None-Match", etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);
    let plain = client.get(server.at("/handbook.txt")).send().unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().unwrap(), text);
}

#[test]
fn compressed_pages_keep_the_live_reload_script() {
    let site = Site::minimal();
    let server = site.serve(&[]);
    let r = http()
        .get(server.at("/"))
        .header("Accept-Encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let html = String::from_utf8(gunzip(&r.bytes().unwrap())).unwrap();
    assert!(html.contains("/__livereload.js"), "{html}");
}

fn post(server: &Server, headers: &[(&str, &str)]) -> reqwest::blocking::Response {
    let mut request = http()
        .post(server.at("/api/feedback"))
        .json(&json!({"page": "/", "helpful": true}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().unwrap()
}

#[test]
fn posts_from_foreign_hosts_are_refused() {
    let site = Site::minimal(); // base_url = "https://help.test"
    let server = site.serve(&["--no-watch", "--rate-limit", "2"]);
    let own = format!("http://{}", server.addr());
    let evil = "http://evil.example";
    // DNS rebinding: the attacker's name in Origin and Host.
    assert_eq!(
        post(&server, &[("Origin", evil), ("Host", "evil.example")]).status(),
        403
    );
    // Forwarding headers from a peer that is no trusted proxy are not believed.
    let r = post(
        &server,
        &[("Origin", evil), ("X-Forwarded-Host", "evil.example")],
    );
    assert_eq!(r.status(), 403);
    // The site's own hosts: the bound address, base_url's.
    assert_eq!(post(&server, &[("Origin", &own)]).status(), 201);
    assert_eq!(
        post(&server, &[("Origin", "https://help.test")]).status(),
        201
    );
    // Without a trusted proxy every forwarded client shares the peer's limit.
    let r = post(&server, &[("X-Forwarded-For", "192.0.2.9")]);
    assert_eq!(r.status(), 429);
}

#[test]
fn allowed_hosts_and_trusted_proxies() {
    let site = Site::minimal();
    let server = site.serve(&[
        "--no-watch",
        "--rate-limit",
        "2",
        "--allowed-host",
        "docs.example",
        "--trusted-proxy",
        "127.0.0.0/8",
    ]);
    let r = post(
        &server,
        &[("Origin", "http://docs.example"), ("Host", "docs.example")],
    );
    assert_eq!(r.status(), 201);
    let evil = "http://evil.example";
    let r = post(
        &server,
        &[("Origin", evil), ("X-Forwarded-Host", "evil.example")],
    );
    assert_eq!(r.status(), 403);
    let behind = |client: &str| {
        post(
            &server,
            &[
                ("Origin", "https://help.test"),
                ("X-Forwarded-Host", "help.test"),
                ("X-Forwarded-For", client),
            ],
        )
        .status()
    };
    assert_eq!(behind("192.0.2.1"), 201);
    assert_eq!(behind("203.0.113.5, 192.0.2.1"), 201);
    assert_eq!(behind("192.0.2.1"), 429, "limited by the forwarded client");
    assert_eq!(behind("192.0.2.2"), 201, "not by the proxy");
}

/// A tmpfs of 320 KiB holds the database; posts fill it.
#[test]
fn a_full_disk_answers_507_and_loses_nothing() {
    let site = Site::minimal();
    let disk = site.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=320k", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (the writer's unit test covers SQLITE_FULL)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    let db = disk.join("feedback.sqlite3");
    let server = site.serve_feedback(db.to_str().unwrap(), &[]);
    let client = http();
    let mut stored = 0;
    let mut refused = None;
    for i in 0..1000 {
        let r = client
            .post(server.at("/api/feedback"))
            .json(&json!({"page": "/", "helpful": true, "comment": format!("{i} {}", "x".repeat(1900))}))
            .send()
            .unwrap();
        if r.status() == 201 {
            stored += 1;
        } else {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("the disk never filled");
    assert_eq!(r.status(), 507);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let message = r.json::<Value>().unwrap()["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("out of storage"), "{message}");
    server.kill();
    assert_eq!(
        site.feedback_export(db.to_str().unwrap()).len(),
        stored,
        "every acknowledged post is stored"
    );
}

#[test]
fn symlinked_folders_do_not_leave_the_output() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch"]);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let public = site.public();
    std::os::unix::fs::symlink(outside.path(), public.join("elsewhere")).unwrap();
    std::fs::create_dir(public.join("inner")).unwrap();
    std::fs::write(public.join("inner/ok.txt"), "fine").unwrap();
    std::os::unix::fs::symlink(public.join("inner"), public.join("alias")).unwrap();
    let client = http();
    for path in ["/elsewhere/secret.txt", "/elsewhere/", "/elsewhere"] {
        let r = client.get(server.at(path)).send().unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = client.get(server.at("/alias/ok.txt")).send().unwrap();
    assert_eq!(r.status(), 200, "a link within the output is fine");
    // A link out below a link that stays in.
    std::os::unix::fs::symlink(outside.path(), public.join("inner/out")).unwrap();
    let r = client
        .get(server.at("/alias/out/secret.txt"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client
        .get(server.at("/inner/out/secret.txt"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn retry_after_is_the_computed_wait() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch", "--rate-limit", "1"]);
    assert_eq!(post(&server, &[]).status(), 201);
    std::thread::sleep(Duration::from_millis(2100));
    let r = post(&server, &[]);
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (55..=58).contains(&secs),
        "Retry-After {secs}, ~58 s were left"
    );
}

#[test]
fn long_non_ascii_comments_fit() {
    let site = Site::minimal();
    let server = site.serve(&["--no-watch", "--rate-limit", "0"]);
    let client = http();
    let comment = "😀".repeat(2000);
    // A form: 12 bytes a character, percent-encoded.
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("page", "/")
        .append_pair("helpful", "yes")
        .append_pair("comment", &comment)
        .finish();
    assert!(body.len() > 24_000);
    let r = client
        .post(server.at("/api/feedback"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text());
    // JSON escaped to ASCII (`\ud83d\ude00`): 12 bytes a character too.
    let escaped: String = comment
        .encode_utf16()
        .map(|u| format!("\\u{u:04x}"))
        .collect();
    let r = client
        .post(server.at("/api/feedback"))
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"page": "/", "helpful": true, "comment": "{escaped}"}}"#
        ))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text());
    // One character more is over the comment limit (422), not over the body limit.
    let r = client
        .post(server.at("/api/feedback"))
        .json(&json!({"page": "/", "helpful": true, "comment": "😀".repeat(2001)}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
}

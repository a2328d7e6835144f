//! Static files: headers, conditional requests, HEAD, compression, caching, folder redirects,
//! the theme's 404 page, build metadata never served; no request path leaves the output.

use crate::common::{Site, http};

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

//! A careless editor or an attacker at the build: file names, planted links, YAML and Markdown
//! built to take unbounded time or memory, raw HTML that would run in readers' browsers, and a
//! closed pipe. Each one gets a clear error (or warning) and loses nothing.

mod common;

use std::fs;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Site, binary, text};

/// Run `helpcenter <args> --root <site>`, killed if it runs past `limit`: a build that goes
/// quadratic or runs away in memory fails here instead of hanging the suite. The limits are
/// many times what the work takes, so a slow machine does not fail them.
fn run_within(site: &Site, args: &[&str], limit: Duration) -> Output {
    let mut child = spawn(site, args);
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("helpcenter {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `helpcenter <args> --root <site>` started, its output piped.
fn spawn(site: &Site, args: &[&str]) -> Child {
    Command::new(binary())
        .args(args)
        .arg("--root")
        .arg(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run helpcenter")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed by a signal")
}

#[test]
fn names_without_letters_or_digits_are_errors_naming_the_file() {
    for name in ["_.md", "~.md", "!!!/page.md", "billing/!!!.md"] {
        let site = Site::minimal();
        site.write(
            &format!("content/{name}"),
            "---\ntitle: Odd\ndescription: An odd name.\n---\nText.\n",
        );
        for command in ["build", "check"] {
            let out = site.run(&[command]);
            let all = text(&out);
            assert_eq!(code(&out), 1, "{command} {name}: {all}");
            assert!(
                all.contains("error[file-name]") && all.contains(name),
                "{command} {name}: {all}"
            );
        }
        assert!(!site.public().exists(), "{name}: nothing published");
    }
}

#[test]
fn a_build_never_writes_through_links_planted_in_its_output() {
    let site = Site::minimal();
    site.write(
        "content/billing/_index.md",
        "---\ntitle: Billing\ndescription: B.\n---\nB.\n",
    );
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    fs::write(&victim, "keep me").unwrap();
    fs::create_dir(outside.path().join("dir")).unwrap();

    site.run_ok(&["build"]);
    fs::remove_file(site.public().join("robots.txt")).unwrap();
    std::os::unix::fs::symlink(&victim, site.public().join("robots.txt")).unwrap();
    fs::remove_dir_all(site.public().join("billing")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("dir"), site.public().join("billing")).unwrap();
    // The second build moves the planted output aside, the third writes into it again.
    site.run_ok(&["build"]);
    site.run_ok(&["build"]);
    site.run_ok(&["build"]);

    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    assert_eq!(fs::read_dir(outside.path().join("dir")).unwrap().count(), 0);
    assert!(!site.public().join("robots.txt").is_symlink());
    assert!(site.read_output("billing/index.html").contains("Billing"));
}

#[test]
fn alias_amplification_is_refused_with_the_file_named() {
    // The table's own fields, valid for its schema: 20,000 notes, each the 100,000-character
    // title again.
    let mut table = format!(
        "title: &long \"{}\"\nrows:\n  - location: Brazil\n    countries: [BR]\nnotes: [",
        "x".repeat(100_000)
    );
    table.push_str(&vec!["*long"; 20_000].join(", "));
    table.push_str("]\n");
    assert!(table.len() < 250_000);
    refused_quickly(
        "bomb.yaml",
        &table,
        "bomb.yaml:5:",
        "aliases expand this file to more than",
    );
}

/// `check` on a site whose data file `name` holds `yaml` ends within seconds with one error
/// at `location` saying `message`.
fn refused_quickly(name: &str, yaml: &str, location: &str, message: &str) {
    let site = Site::minimal();
    site.write(&format!("content/data/contacts/{name}"), yaml);
    let out = run_within(&site, &["check"], Duration::from_secs(30));
    let all = text(&out);
    assert_eq!(code(&out), 1, "{all}");
    assert!(all.contains(location) && all.contains(message), "{all}");
    assert_eq!(all.matches("error[").count(), 1, "{all}");
}

#[test]
fn deeply_nested_yaml_is_refused_quickly() {
    let depth = 300_000;
    let value = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    refused_quickly(
        "deep.yaml",
        &format!("title: {value}\n"),
        "deep.yaml:1:263\n",
        "nested more than 128 levels",
    );
}

#[test]
fn twenty_thousand_identical_headings_build_in_linear_time() {
    let site = Site::minimal();
    let mut page = String::from("---\ntitle: Same\ndescription: Same headings.\n---\n");
    page.push_str(&"## Same heading\n".repeat(20_000));
    site.write("content/same.md", &page);
    let out = run_within(&site, &["build"], Duration::from_secs(120));
    assert_eq!(code(&out), 0, "{}", text(&out));
    let html = site.read_output("same/index.html");
    assert!(html.contains(r#"id="same-heading""#));
    assert!(html.contains(r#"id="same-heading-19999""#));
}

const HOSTILE: &str = "---\ntitle: Hostile\ndescription: Raw HTML.\n---\n\
Press <kbd>Ctrl</kbd> and <img src=\"/logo.png\" alt=\"logo\" onerror=\"alert(1)\">.\n\n\
<script>alert(2)</script>\n\n\
<details><summary>More</summary>\n\nInside.\n\n</details>\n\n\
[bad](javascript:alert(3)) and ![img](data:text/html,x) and [good](https://example.com/).\n";

#[test]
fn raw_html_is_cleaned_by_default_and_check_names_each_removal() {
    let site = Site::minimal();
    site.write("content/hostile.md", HOSTILE);
    let out = site.run(&["check"]);
    let all = text(&out);
    assert_eq!(code(&out), 0, "warnings only: {all}");
    for (line, what) in [
        (5, "the `onerror` attribute of `<img>`"),
        (7, "the `<script>` element and its content"),
        (15, "the link to `javascript:`"),
        (15, "the image source to `data:`"),
    ] {
        assert!(
            all.contains(&format!("hostile.md:{line}:"))
                && all.contains(&format!("{what} is removed from the published page")),
            "{line} {what}: {all}"
        );
    }
    site.run_ok(&["build"]);
    let html = site.read_output("hostile/index.html");
    let body = &html[html.find("Press").expect("page text")..];
    for gone in ["alert(", "onerror", "javascript:", "data:text"] {
        assert!(!body.contains(gone), "{gone} published: {body}");
    }
    for kept in [
        "<kbd>Ctrl</kbd>",
        r#"<img src="/logo.png" alt="logo">"#,
        "<details><summary>More</summary>",
        r#"<a href="https://example.com/">good</a>"#,
    ] {
        assert!(body.contains(kept), "{kept} lost: {body}");
    }
}

#[test]
fn trusted_raw_html_is_published_as_written() {
    let site = Site::minimal();
    let config = fs::read_to_string(site.path().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{config}allow_raw_html = true\n"));
    site.write("content/hostile.md", HOSTILE);
    let out = site.run(&["check"]);
    assert!(!text(&out).contains("html-removed"), "{}", text(&out));
    site.run_ok(&["build"]);
    let html = site.read_output("hostile/index.html");
    assert!(html.contains("<script>alert(2)</script>"));
    assert!(html.contains(r#"onerror="alert(1)""#));
}

#[test]
fn a_closed_pipe_is_a_clean_end() {
    let site = Site::sample();
    site.run_ok(&["build"]);
    // A row makes the JSON statistics span lines, so serde_json meets the closed pipe.
    let mut db = helpcenter::feedback::open(&site.path().join("feedback.sqlite3")).unwrap();
    let row = helpcenter::feedback::NewFeedback {
        page: "/billing/".into(),
        content_hash: "h".into(),
        helpful: true,
        comment: Some("clear".into()),
    };
    helpcenter::feedback::insert_all(&mut db, &[row]).unwrap();
    for args in [
        &["search", "billing"][..],
        &["check"][..],
        &["search", "--json", "phone"][..],
        &["feedback", "stats", "--format", "json"][..],
        &["feedback", "export", "--format", "json"][..],
    ] {
        let mut child = spawn(&site, args);
        // Hang up before the command writes anything, as a reader that exits at once does:
        // its first write meets a closed pipe, whatever the timing.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code(&out), 0, "{args:?}: {stderr}");
    }
}

#[test]
fn exit_codes_are_0_fine_1_content_errors_2_trouble() {
    let site = Site::minimal();
    assert_eq!(code(&site.run(&["check"])), 0);
    // No index yet: the command cannot do its work.
    assert_eq!(code(&site.run(&["search", "x"])), 2);
    site.write("content/broken.md", "no front matter\n");
    assert_eq!(code(&site.run(&["check"])), 1);
    assert_eq!(code(&site.run(&["build"])), 1);
    let out = Command::new(binary())
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "usage");
    let out = Command::new(binary())
        .args(["feedback", "stats", "--db"])
        .arg(site.path().join("missing.sqlite"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_its_line_and_column() {
    let site = Site::minimal();
    let path = site.path().join("content/latin1.md");
    fs::write(
        &path,
        b"---\ntitle: A\ndescription: B.\n---\nPar\xe1grafo.\n",
    )
    .unwrap();
    let out = site.run(&["check"]);
    assert!(
        text(&out).contains("error[encoding]") && text(&out).contains("latin1.md:5:4\n"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_symlink_under_content_is_named_not_silently_skipped() {
    let site = Site::minimal();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("page.md"), "---\ntitle: L\n---\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("page.md"),
        site.path().join("content/linked.md"),
    )
    .unwrap();
    let out = site.run(&["check"]);
    let all = text(&out);
    assert!(
        all.contains("warning[symlink]") && all.contains("linked.md"),
        "{all}"
    );
}

#[test]
fn a_staging_folder_left_by_a_crashed_build_is_removed() {
    let site = Site::minimal();
    // A process id that is not running: the highest possible one, above pid_max.
    let stale = site.path().join(".public.staging-4194305-0");
    fs::create_dir_all(stale.join("billing")).unwrap();
    fs::write(stale.join("billing/index.html"), "half a build").unwrap();
    site.run_ok(&["build"]);
    assert!(!stale.exists(), "the crashed build's folder is gone");
    assert!(site.public().join("index.html").is_file());
}

#[test]
fn raw_html_in_a_service_description_is_cleaned_and_named() {
    let site = Site::minimal();
    site.write(
        "content/data/services.yaml",
        "- id: cdn\n  name: CDN\n  summary: S.\n  description: \"Fast <img src=x onerror=alert(1)>.\"\n",
    );
    site.write(
        "content/services.md",
        "---\ntitle: Services\ndescription: S.\n---\n{{ services() }}\n",
    );
    let out = site.run(&["check"]);
    assert!(
        text(&out).contains(
            "the `onerror` attribute of `<img>` is removed from the description of service `cdn`"
        ),
        "{}",
        text(&out)
    );
    site.run_ok(&["build"]);
    assert!(!site.read_output("services/index.html").contains("onerror"));
}

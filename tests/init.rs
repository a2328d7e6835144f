//! `helpcenter init`: a new folder becomes a Help Center that builds, serves and checks clean
//! with the built-in theme alone; a folder with files in it is refused without `--force`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Site, binary, http, text};

fn helpcenter(args: &[&str], dir: &Path) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run helpcenter")
}

/// A `Site` over the folder `init` wrote, so its helpers (`run`, `serve`) apply.
fn initialized() -> Site {
    let site = Site {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let out = helpcenter(&["init", "my-help"], site.path());
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Next: cd my-help && helpcenter serve"),
        "{stdout}"
    );
    // The site is the new folder: move it up to the temporary folder's root.
    let made = site.path().join("my-help");
    for entry in std::fs::read_dir(&made).unwrap() {
        let entry = entry.unwrap();
        std::fs::rename(entry.path(), site.path().join(entry.file_name())).unwrap();
    }
    std::fs::remove_dir(&made).unwrap();
    site
}

#[test]
fn init_writes_a_site_that_checks_builds_and_serves_clean() {
    let site = initialized();
    assert!(
        !site.path().join("themes").exists(),
        "the theme is built in"
    );
    for file in [
        "site.toml",
        "content/_index.md",
        "content/getting-started/_index.md",
        "content/getting-started/contact-us.md",
        "content/data/contacts/support.yaml",
        "content/synonyms.yaml",
    ] {
        assert!(site.path().join(file).is_file(), "{file}");
    }

    let report: serde_json::Value =
        serde_json::from_str(&site.run_ok(&["check", "--format", "json"])).unwrap();
    assert_eq!(
        (&report["errors"], &report["warnings"]),
        (&0.into(), &0.into()),
        "{report:#}"
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Built 3 pages"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("warning"), "{}", text(&out));

    // The home page shows the table named by home_contacts; the page places it by shortcode.
    let home = site.read_output("index.html");
    assert!(home.contains("Example Co. Help Center"), "{home}");
    assert!(
        home.contains(r#"<a class="tel" href="tel:+18005550100">+1 800-555-0100</a>"#),
        "{home}"
    );
    let page = site.read_output("getting-started/contact-us/index.html");
    assert!(page.contains(r#"id="support-united-kingdom""#), "{page}");
    assert!(page.contains("mailto:support-uk@example.com"), "{page}");

    // Synonyms: "log in" finds the page that says "sign in".
    let found = site.run_ok(&["search", "log in", "--json"]);
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(
        found["hits"][0]["url"], "/getting-started/contact-us/#before-you-call",
        "{found:#}"
    );

    let server = site.serve(&["--no-watch"]);
    let response = http().get(server.at("getting-started/")).send().unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().unwrap().contains("Contact us"));
    let response = http().get(server.at("favicon.svg")).send().unwrap();
    assert_eq!(response.status(), 200, "built-in static files are served");
}

/// The starter is generic: nothing of the repository's telecom sample.
#[test]
fn the_starter_speaks_of_example_co_only() {
    let site = initialized();
    for entry in walkdir::WalkDir::new(site.path()) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for word in [
            "Lumen",
            "LATAM",
            "TSC",
            "Latin America",
            "telecom",
            "Brazil",
        ] {
            assert!(!text.contains(word), "{}: {word}", entry.path().display());
        }
    }
}

#[test]
fn a_folder_with_files_is_refused_without_force_and_kept_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("notes");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("todo.txt"), "mine").unwrap();
    std::fs::write(target.join("site.toml"), "title = \"Mine\"\n").unwrap();

    let out = helpcenter(&["init", "notes"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("the folder notes is not empty") && error.contains("--force"),
        "{error}"
    );
    assert!(!target.join("content").exists(), "nothing was written");

    let out = helpcenter(&["init", "notes", "--force"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Kept 1 file already there: site.toml."),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(target.join("site.toml")).unwrap(),
        "title = \"Mine\"\n",
        "an existing file is never overwritten"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("todo.txt")).unwrap(),
        "mine"
    );
    assert!(
        target
            .join("content/getting-started/contact-us.md")
            .is_file()
    );

    // A file is no folder to start a site in.
    let out = helpcenter(&["init", "notes/todo.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("notes/todo.txt is not a folder"));
}

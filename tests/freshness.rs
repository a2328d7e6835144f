//! Page dates from git history: one walk, committed files get their last commit's date,
//! uncommitted ones keep their modification time, drafts stay out.

mod common;

use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use git2::{Repository, Signature, Time};
use helpcenter::config::Config;
use helpcenter::content::{self, LoadOptions};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn commit(repo: &Repository, files: &[&str], seconds: i64, message: &str) {
    let mut index = repo.index().unwrap();
    for file in files {
        index.add_path(Path::new(file)).unwrap();
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = Signature::new("Editor", "editor@example.com", &Time::new(seconds, 0)).unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
    .unwrap();
}

fn page(title: &str) -> String {
    format!("---\ntitle: {title}\ndescription: {title}.\n---\nText.\n")
}

#[test]
fn updated_dates_come_from_one_walk_of_git_history() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write(
        &root,
        "site.toml",
        "title = \"T\"\nbase_url = \"https://x.test\"\n",
    );
    write(&root, "content/_index.md", &page("Home"));
    write(&root, "content/a.md", &page("A"));
    write(&root, "content/b.md", &page("B"));
    write(
        &root,
        "content/draft.md",
        "---\ntitle: D\ndraft: true\n---\n",
    );
    // The repository is the parent folder: content/ is at site/content in it.
    let repo = Repository::init(dir.path()).unwrap();
    let day = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    };
    commit(
        &repo,
        &[
            "site/site.toml",
            "site/content/_index.md",
            "site/content/a.md",
            "site/content/b.md",
        ],
        day(2021, 5, 6),
        "first",
    );
    write(&root, "content/b.md", &page("B, changed"));
    commit(&repo, &["site/content/b.md"], day(2022, 7, 8), "second");
    // Uncommitted change and an untracked file: the modification time (today) wins.
    write(&root, "content/_index.md", &page("Home, edited"));
    write(&root, "content/new.md", &page("New"));

    let config = Config::load(&root).unwrap();
    let (site, diagnostics) = content::load(&config, LoadOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let updated = |url: &str| site.page_by_url(url).unwrap().updated;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(updated("/a/"), NaiveDate::from_ymd_opt(2021, 5, 6));
    assert_eq!(updated("/b/"), NaiveDate::from_ymd_opt(2022, 7, 8));
    assert_eq!(updated("/"), Some(today));
    assert_eq!(updated("/new/"), Some(today));
    assert!(site.page_by_url("/draft/").is_none(), "drafts left out");
    assert_eq!(site.drafts, ["draft.md"]);

    let (site, _) = content::load(&config, LoadOptions { drafts: true });
    assert!(
        site.page_by_url("/draft/").is_some(),
        "--drafts includes drafts"
    );
}

#[test]
fn outside_git_dates_are_modification_times() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "site.toml",
        "title = \"T\"\nbase_url = \"https://x.test\"\n",
    );
    write(dir.path(), "content/_index.md", &page("Home"));
    let config = Config::load(dir.path()).unwrap();
    let (site, _) = content::load(&config, LoadOptions::default());
    assert_eq!(site.pages[0].updated, Some(chrono::Utc::now().date_naive()));
}

/// `helpcenter check` on `site`: its stderr, after insisting it succeeded.
fn check_stderr(site: &common::Site) -> String {
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{}", common::text(&out));
    stderr
}

#[test]
fn a_damaged_repository_is_said_once_and_pages_keep_their_file_dates() {
    let site = common::Site::minimal();
    let root = site.path();
    write(root, "content/a.md", &page("A"));
    // Outside git, and in a repository without a commit yet: nothing to say.
    let quiet = check_stderr(&site);
    assert!(!quiet.contains("git history"), "{quiet}");
    let repo = Repository::init(root).unwrap();
    let quiet = check_stderr(&site);
    assert!(!quiet.contains("git history"), "{quiet}");
    commit(&repo, &["content/_index.md"], 1_600_000_000, "first");
    commit(&repo, &["content/a.md"], 1_600_100_000, "second");
    let quiet = check_stderr(&site);
    assert!(!quiet.contains("git history"), "{quiet}");

    // The files of the first commit go missing from the object store.
    let first = repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .parent(0)
        .unwrap();
    let tree = first.tree_id().to_string();
    fs::remove_file(root.join(".git/objects").join(&tree[..2]).join(&tree[2..])).unwrap();
    let stderr = check_stderr(&site);
    assert_eq!(stderr.matches("git history of").count(), 1, "{stderr}");
    assert!(stderr.contains("WARN"), "{stderr}");
    assert!(
        stderr.contains(&*root.join(".git").to_string_lossy()) && stderr.contains(&tree),
        "names the repository and what is missing: {stderr}"
    );
}

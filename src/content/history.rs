//! Freshness: when each page last changed, from git history.
//!
//! A fresh clone gives every file the same modification time, so when the site is in a git
//! repository a page's `updated` date is the date of the last commit that changed its file. All
//! pages are dated in one walk of the history (newest commit first, each commit diffed against
//! its first parent, limited to `content/`), which stops as soon as every page has a date or
//! after [`MAX_COMMITS`]. Files with uncommitted changes, files git does not know and sites
//! outside git keep their modification time.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use git2::{DiffOptions, ErrorCode, Repository, Sort, StatusOptions};

use super::Page;

/// How many commits the walk reads at most; older pages keep their modification time.
pub const MAX_COMMITS: usize = 20_000;

/// Replace the `updated` date of pages whose file is committed and unchanged with the date of
/// the last commit that touched it. Never fails: without git, dates stay as they are.
pub fn apply(content: &Path, pages: &mut [Page]) {
    let wanted: Vec<&str> = pages
        .iter()
        .filter(|p| !p.path.is_empty())
        .map(|p| p.path.as_str())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let Some(dates) = last_changed(content, &wanted) else {
        return;
    };
    for page in pages {
        if let Some(date) = dates.get(&page.path) {
            page.updated = Some(*date);
        }
    }
}

/// Date of the last commit that changed each of `paths` (relative to `content`), for the
/// paths that are committed and clean. `None` when `content` is not in a git repository, or
/// its history cannot be read (said once in the log: pages then keep their file dates).
pub fn last_changed(content: &Path, paths: &[&str]) -> Option<HashMap<String, NaiveDate>> {
    let repo = match Repository::discover(content) {
        Ok(repo) => repo,
        // Not in a repository: the normal case outside git, nothing to say.
        Err(e) if e.code() == ErrorCode::NotFound => return None,
        Err(e) => {
            warn(content, "cannot open the repository", &e);
            return None;
        }
    };
    let mut trouble = Trouble::new(repo.path());
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let content = content.canonicalize().ok()?;
    let prefix = content.strip_prefix(&workdir).ok()?;
    let prefix = to_git_path(prefix);
    let in_repo = |rel: &str| {
        if prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{prefix}/{rel}")
        }
    };

    // Repository path → content-relative path, for the pages still without a date.
    let mut pending: HashMap<String, &str> = paths.iter().map(|p| (in_repo(p), *p)).collect();
    // Uncommitted changes are newer than any commit: keep the modification time.
    let mut status = StatusOptions::new();
    status.include_untracked(true).include_ignored(false);
    if !prefix.is_empty() {
        status.pathspec(&prefix);
    }
    match repo.statuses(Some(&mut status)) {
        Ok(statuses) => {
            let dirty: HashSet<String> = statuses
                .iter()
                .filter(|s| !s.status().is_empty())
                .filter_map(|s| s.path().ok().map(str::to_string))
                .collect();
            pending.retain(|path, _| !dirty.contains(path));
        }
        Err(e) => trouble.warn("cannot tell which files have changes", &e),
    }

    let mut dates = HashMap::new();
    // No commit yet: nothing to date.
    if repo.is_empty().unwrap_or(false) {
        return Some(dates);
    }
    let mut walk = repo.revwalk().ok()?;
    if let Err(e) = walk.push_head() {
        trouble.warn("cannot read HEAD", &e);
        return Some(dates);
    }
    walk.set_sorting(Sort::TIME).ok()?;
    let mut diff_options = DiffOptions::new();
    if !prefix.is_empty() {
        diff_options.pathspec(&prefix);
    }
    // A shallow clone (CI checkouts) lacks the parents of its oldest commits: not damage.
    let shallow = repo.is_shallow();
    for oid in walk.take(MAX_COMMITS) {
        if pending.is_empty() {
            break;
        }
        let commit = match oid.and_then(|oid| repo.find_commit(oid)) {
            Ok(commit) => commit,
            Err(e) if shallow && e.code() == ErrorCode::NotFound => break,
            Err(e) => {
                trouble.warn("cannot read a commit", &e);
                break;
            }
        };
        let tree = match commit.tree() {
            Ok(tree) => tree,
            Err(e) => {
                trouble.warn(
                    &format!("cannot read the files of commit {}", commit.id()),
                    &e,
                );
                continue;
            }
        };
        let parent_tree = match commit.parent(0).and_then(|p| p.tree()) {
            Ok(tree) => Some(tree),
            Err(e) if commit.parent_count() > 0 && !shallow => {
                trouble.warn(
                    &format!("cannot read the parent of commit {}", commit.id()),
                    &e,
                );
                None
            }
            Err(_) => None,
        };
        let diff = match repo.diff_tree_to_tree(
            parent_tree.as_ref(),
            Some(&tree),
            Some(&mut diff_options),
        ) {
            Ok(diff) => diff,
            Err(e) => {
                trouble.warn(&format!("cannot compare commit {}", commit.id()), &e);
                continue;
            }
        };
        let time = commit.time();
        let Some(date) =
            DateTime::from_timestamp(time.seconds() + time.offset_minutes() as i64 * 60, 0)
                .map(|t| t.date_naive())
        else {
            continue;
        };
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path() else {
                continue;
            };
            if let Some(rel) = pending.remove(&to_git_path(path)) {
                dates.insert(rel.to_string(), date);
            }
        }
    }
    Some(dates)
}

fn warn(repository: &Path, what: &str, e: &git2::Error) {
    tracing::warn!(
        "git history of {}: {what}: {}; pages' `updated` dates may be off",
        repository.display(),
        e.message()
    );
}

/// Says the first thing the history could not give, once: a damaged repository would
/// otherwise say it for every commit.
struct Trouble<'a> {
    repository: &'a Path,
    said: bool,
}

impl<'a> Trouble<'a> {
    fn new(repository: &'a Path) -> Self {
        Trouble {
            repository,
            said: false,
        }
    }

    fn warn(&mut self, what: &str, e: &git2::Error) {
        if !std::mem::replace(&mut self.said, true) {
            warn(self.repository, what, e);
        }
    }
}

fn to_git_path(path: &Path) -> String {
    let mut parts = Vec::new();
    for part in path.components() {
        parts.push(part.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

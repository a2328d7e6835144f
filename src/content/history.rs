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
use git2::{DiffOptions, Repository, Sort, StatusOptions};

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
/// paths that are committed and clean. `None` when `content` is not in a git repository.
pub fn last_changed(content: &Path, paths: &[&str]) -> Option<HashMap<String, NaiveDate>> {
    let repo = Repository::discover(content).ok()?;
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
    if let Ok(statuses) = repo.statuses(Some(&mut status)) {
        let dirty: HashSet<String> = statuses
            .iter()
            .filter(|s| !s.status().is_empty())
            .filter_map(|s| s.path().ok().map(str::to_string))
            .collect();
        pending.retain(|path, _| !dirty.contains(path));
    }

    let mut dates = HashMap::new();
    let mut walk = repo.revwalk().ok()?;
    walk.push_head().ok()?;
    walk.set_sorting(Sort::TIME).ok()?;
    let mut diff_options = DiffOptions::new();
    if !prefix.is_empty() {
        diff_options.pathspec(&prefix);
    }
    for oid in walk.take(MAX_COMMITS) {
        if pending.is_empty() {
            break;
        }
        let Ok(commit) = oid.and_then(|oid| repo.find_commit(oid)) else {
            break;
        };
        let Ok(tree) = commit.tree() else { continue };
        let parent_tree = commit.parent(0).ok().and_then(|p| p.tree().ok());
        let Ok(diff) =
            repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut diff_options))
        else {
            continue;
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

fn to_git_path(path: &Path) -> String {
    let mut parts = Vec::new();
    for part in path.components() {
        parts.push(part.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

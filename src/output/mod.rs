//! Safe output: everything is written into a staging folder beside the output folder and swapped
//! in only when the whole build succeeded, so a failed build leaves the last good site untouched.
//!
//! The output a build replaces is kept as `.NAME.previous` and becomes the next build's
//! staging folder: files are overwritten where they are and only what the build did not write
//! is deleted. Rebuilding 10,000 pages then creates and deletes no files, where a fresh folder
//! would delete 20,000 inodes and create 20,000 more; on ext4 without a journal, creating files
//! for minutes after a large deletion is several times slower (see README, "Benchmarks").

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use walkdir::WalkDir;

mod tidy;
use tidy::{remove_abandoned, remove_links};

/// Folder inside the output for build artefacts that are not part of the public site (search
/// index, page manifest). Servers must never serve it.
pub const META_DIR: &str = ".helpcenter";

/// Work for [`Staging::commit`] to do once the files are in place (a live rebuild's search
/// index update).
pub type AfterCommit = Box<dyn FnOnce() -> io::Result<()> + Send>;

/// A folder being filled by a build. Dropped without [`Staging::commit`], it is removed (or,
/// when it was a previous output, put back for the next build).
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    previous: PathBuf,
    /// When the folder is a previous output, or an overlay: the files written into it so far
    /// (`/`-separated, relative), so that [`Staging::commit`] can delete the rest or move them.
    written: Option<Mutex<HashSet<String>>>,
    /// An overlay holds only what a live rebuild changed, moved into the target file by file.
    overlay: bool,
    /// An overlay's files to remove from the target at commit (`/`-separated, relative).
    removed: Mutex<Vec<String>>,
    after_commit: Mutex<Vec<AfterCommit>>,
    committed: bool,
}

impl std::fmt::Debug for Staging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staging")
            .field("dir", &self.dir)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Staging {
    /// A staging folder next to `target` (same filesystem, so the swap is a rename): the
    /// previous output when one was kept, else a new empty folder.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        // Unique per build, also within one process (serve builds again and again).
        static BUILDS: AtomicUsize = AtomicUsize::new(0);
        let build = BUILDS.fetch_add(1, Ordering::Relaxed);
        remove_abandoned(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}-{build}", std::process::id()));
        let previous = parent.join(format!(".{name}.previous"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        let recycled = previous.is_dir() && fs::rename(&previous, &dir).is_ok();
        if recycled {
            // The search index is written by tantivy, which wants an empty folder; it is a
            // dozen files.
            let meta = dir.join(META_DIR);
            if meta.exists() {
                fs::remove_dir_all(meta)?;
            }
            // Files are written over in place: a link planted in the old output would
            // send a write outside it.
            remove_links(&dir)?;
        } else {
            fs::create_dir_all(&dir)?;
        }
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            previous,
            written: recycled.then(Default::default),
            overlay: false,
            removed: Mutex::default(),
            after_commit: Mutex::default(),
            committed: false,
        })
    }

    /// A staging folder for a live rebuild of `target`: empty, holding only what the rebuild
    /// writes. [`Staging::commit`] moves each file into the target (each one atomically) and
    /// leaves the rest of the target as it is.
    pub fn overlay(target: &Path) -> io::Result<Staging> {
        // A fresh folder named after `NAME.live`, which has no previous output to recycle:
        // `.NAME.live.staging-PID-N`, removed by the next build if this process crashes.
        let mut staging = Staging::new(&target.with_file_name(format!(
            "{}.live",
            target.file_name().map_or("public".into(), |n| n.to_string_lossy())
        )))?;
        staging.target = target.to_path_buf();
        staging.written = Some(Mutex::default());
        staging.overlay = true;
        Ok(staging)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder this staging replaces (or, as an overlay, updates).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Run `work` at commit, after the files are in place; a dropped staging never runs it.
    pub fn after_commit(&self, work: AfterCommit) {
        self.after_commit.lock().expect("not poisoned").push(work);
    }

    /// Remove the file at `rel` (a `/`-separated path) from the target at commit, as what it
    /// showed no longer exists. Only an overlay needs this: a full build's output holds only
    /// what it wrote.
    pub fn remove(&self, rel: &str) {
        if self.overlay {
            self.removed
                .lock()
                .expect("not poisoned")
                .push(rel.to_string());
        }
    }

    /// Write `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if self.written.is_none() {
            return self.put(rel, |path| fs::write(path, bytes));
        }
        // Over an old file: write over its blocks and cut only what is left past the end.
        // Truncating first would free every block and allocate new ones.
        self.put(rel, |path| {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)?;
            file.write_all(bytes)?;
            file.set_len(bytes.len() as u64)
        })
    }

    /// Copy the file `from` to `rel` inside the staging folder.
    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        self.put(rel, |path| fs::copy(from, path).map(|_| ()))
    }

    /// Create the file at `rel` with `make`, noting it as written.
    fn put(&self, rel: &str, make: impl Fn(&Path) -> io::Result<()>) -> io::Result<()> {
        let rel = rel.trim_start_matches('/');
        let path = self.dir.join(rel);
        let attempt = || {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            make(&path)
        };
        if let Err(e) = attempt() {
            // In a previous output, a file may sit where a folder goes now, or the reverse.
            if self.written.is_none() || !self.clear_way(rel)? {
                return Err(e);
            }
            attempt()?;
        }
        if let Some(written) = &self.written {
            written
                .lock()
                .expect("not poisoned")
                .insert(rel.to_string());
        }
        Ok(())
    }

    /// Remove what stands in the way of a file at `rel`: a file where one of its folders
    /// goes, or a folder where it goes. Returns whether anything was removed.
    fn clear_way(&self, rel: &str) -> io::Result<bool> {
        let mut path = self.dir.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let last = i + 1 == parts.len();
            match fs::symlink_metadata(&path) {
                Ok(m) if last && m.is_dir() => {
                    fs::remove_dir_all(&path)?;
                    return Ok(true);
                }
                Ok(m) if !last && !m.is_dir() => {
                    fs::remove_file(&path)?;
                    return Ok(true);
                }
                Ok(_) => {}
                Err(_) => return Ok(false),
            }
        }
        Ok(false)
    }

    /// Delete what a recycled folder holds that this build did not write (pages removed since,
    /// old fingerprinted assets), and the folders left empty.
    fn remove_unwritten(&self, written: &HashSet<String>) -> io::Result<()> {
        let mut kept_dirs: HashSet<&str> = HashSet::new();
        for rel in written {
            let mut rel = rel.as_str();
            while let Some((dir, _)) = rel.rsplit_once('/') {
                if !kept_dirs.insert(dir) {
                    break;
                }
                rel = dir;
            }
        }
        // Contents first, so that a folder is empty by the time it comes up. The search
        // index under META_DIR is written by tantivy, not through `put`: left alone.
        let entries = WalkDir::new(&self.dir).min_depth(1).contents_first(true);
        for entry in entries {
            let entry = entry.map_err(io::Error::other)?;
            let rel = entry.path().strip_prefix(&self.dir).expect("inside");
            if rel.starts_with(META_DIR) {
                continue;
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() {
                if !kept_dirs.contains(rel.as_str()) {
                    fs::remove_dir(entry.path())?;
                }
            } else if !written.contains(&rel) {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    /// Put the staged site in place of the target. The old output is moved aside first, and
    /// kept as the next build's staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        if self.overlay {
            let written = self
                .written
                .take()
                .map(|w| w.into_inner().expect("not poisoned"));
            self.move_into_target(&written.unwrap_or_default())?;
            self.remove_from_target()?;
            self.committed = true;
            fs::remove_dir_all(&self.dir)?;
            return self.run_after_commit();
        }
        if let Some(written) = self.written.take() {
            self.remove_unwritten(&written.into_inner().expect("not poisoned"))?;
        }
        // Another build may have left a previous output since this one started.
        let aside = if self.previous.exists() {
            let mut name = self.dir.file_name().expect("named").to_owned();
            name.push(".old");
            self.dir.with_file_name(name)
        } else {
            self.previous.clone()
        };
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &aside)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            // Put the last good site back before reporting.
            if had_old && let Err(back) = fs::rename(&aside, &self.target) {
                tracing::error!(
                    "cannot put the previous output back from {} to {}: {back}",
                    aside.display(),
                    self.target.display()
                );
            }
            return Err(e);
        }
        self.committed = true;
        if had_old && aside != self.previous {
            fs::remove_dir_all(&aside)?;
        }
        self.run_after_commit()
    }

    fn run_after_commit(&mut self) -> io::Result<()> {
        let work = std::mem::take(&mut *self.after_commit.lock().expect("not poisoned"));
        work.into_iter().try_for_each(|work| work())
    }

    /// An overlay's removals, each with its folder when that is left empty; never through a
    /// link planted in the served folder.
    fn remove_from_target(&self) -> io::Result<()> {
        let removed = std::mem::take(&mut *self.removed.lock().expect("not poisoned"));
        for rel in removed {
            let mut path = self.target.clone();
            let mut linked = false;
            for part in rel.split('/') {
                path.push(part);
                linked |= path.is_symlink();
            }
            if linked {
                continue;
            }
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            if let Some(folder) = path.parent() {
                // Fails, as it should, while the folder holds anything else.
                let _ = fs::remove_dir(folder);
            }
        }
        Ok(())
    }

    /// An overlay's commit: each file renamed over the target's (a reader never sees half a
    /// file).
    fn move_into_target(&self, written: &HashSet<String>) -> io::Result<()> {
        for rel in written {
            // A link planted in the served folder must not lead a rename outside it.
            let mut to = self.target.clone();
            for part in rel.split('/') {
                to.push(part);
                if to.is_symlink() {
                    fs::remove_file(&to)?;
                }
            }
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(self.dir.join(rel), to)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A recycled folder goes back for the next build to reuse; a new one is removed.
        let recycled = self.written.is_some()
            && !self.overlay
            && !self.previous.exists()
            && fs::rename(&self.dir, &self.previous).is_ok();
        if !recycled
            && let Err(e) = fs::remove_dir_all(&self.dir)
            && e.kind() != io::ErrorKind::NotFound
        {
            // Removed by the first build after this process ends (`tidy`).
            tracing::warn!(
                "cannot remove the staging folder {}: {e}",
                self.dir.display()
            );
        }
    }
}

/// What a renderer remembers of the output it wrote (where the static index put each page,
/// the handbook's parts), for a live rebuild to change only what an edit touches. A new value
/// takes effect when the staging it was written into is committed: until then the output on
/// disk is still the one the current value describes.
#[derive(Default)]
pub struct Committed<T>(Arc<Mutex<T>>);

impl<T: Clone + Send + 'static> Committed<T> {
    pub fn get(&self) -> T {
        self.0.lock().expect("not poisoned").clone()
    }

    pub fn set_at_commit(&self, out: &Staging, value: T) {
        let kept = Arc::clone(&self.0);
        out.after_commit(Box::new(move || {
            *kept.lock().expect("not poisoned") = value;
            Ok(())
        }));
    }
}

/// Replace one file of a live output folder atomically (write beside it, then rename), so a
/// server reading it never sees half a file.
pub fn write_live(dir: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(rel.trim_start_matches('/'));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, bytes)?;
    fs::rename(&temp, &path)
}

/// The file a pretty URL is written to: `/billing/` → `billing/index.html`.
pub fn file_for_url(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests;

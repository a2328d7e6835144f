//! Staging: commit, recycling the previous output, overlays, failures.

use super::*;

#[test]
fn commit_replaces_and_drop_discards() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    let staging = Staging::new(&target).unwrap();
    staging.write("a/index.html", b"one").unwrap();
    staging.commit().unwrap();
    assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"one");

    let staging = Staging::new(&target).unwrap();
    staging.write("a/index.html", b"two").unwrap();
    drop(staging);
    assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"one");
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "staging folder removed (nothing to keep after a first build)"
    );
}

fn build(target: &Path, files: &[(&str, &str)]) -> io::Result<()> {
    let staging = Staging::new(target)?;
    for (rel, text) in files {
        staging.write(rel, text.as_bytes())?;
    }
    staging.commit()
}

/// The entries of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn files(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            format!("{rel}={}", fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_rebuild_reuses_the_previous_output_and_deletes_what_it_did_not_write() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    let previous = tmp.path().join(".public.previous");
    let inode = |p: &Path| fs::metadata(p).unwrap().ino();

    build(
        &target,
        &[
            ("a/index.html", "a1, longer than what replaces it"),
            ("b/index.html", "b1"),
            ("x/y/z.css", "z"),
            ("x/y/grows.css", "g"),
        ],
    )
    .unwrap();
    let first = inode(&target.join("a/index.html"));
    assert!(!previous.exists(), "nothing to keep after a first build");

    build(&target, &[("a/index.html", "a2"), ("c/index.html", "c2")]).unwrap();
    assert_eq!(files(&target), ["a/index.html=a2", "c/index.html=c2"]);
    assert_eq!(files(&previous).len(), 4, "the first output is kept");

    // The third build writes into the first one's files (same inodes; a shorter text
    // leaves nothing of the longer one behind), stale files go, and the folders they
    // leave empty.
    build(
        &target,
        &[("a/index.html", "a3"), ("x/y/grows.css", "grown")],
    )
    .unwrap();
    assert_eq!(files(&target), ["a/index.html=a3", "x/y/grows.css=grown"]);
    assert_eq!(inode(&target.join("a/index.html")), first);
    assert!(!target.join("b").exists());
    assert_eq!(files(&previous), ["a/index.html=a2", "c/index.html=c2"]);
}

#[test]
fn a_rebuild_leaves_what_tantivy_writes_in_the_meta_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    for round in 0..3 {
        let staging = Staging::new(&target).unwrap();
        let index = staging.dir().join(META_DIR).join("index");
        assert!(
            !index.exists(),
            "round {round}: tantivy gets an empty folder"
        );
        fs::create_dir_all(&index).unwrap();
        fs::write(index.join("segment"), "written directly").unwrap();
        staging.write("a/index.html", b"a").unwrap();
        staging.commit().unwrap();
        assert!(
            target.join(META_DIR).join("index/segment").exists(),
            "round {round}"
        );
    }
}

#[test]
fn two_builds_at_once_both_commit_and_the_last_one_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(&target, &[("a", "1")]).unwrap();
    build(&target, &[("a", "2")]).unwrap();
    // The first takes the previous output; the second finds none and starts afresh.
    let first = Staging::new(&target).unwrap();
    let second = Staging::new(&target).unwrap_or_else(|e| panic!("{e}"));
    first.write("a", b"3").unwrap();
    second.write("a", b"4").unwrap();
    first.commit().unwrap();
    second.commit().unwrap();
    assert_eq!(files(&target), ["a=4"]);
    assert_eq!(names(tmp.path()), [".public.previous", "public"]);
}

#[test]
fn a_rebuild_replaces_files_by_folders_and_folders_by_files() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(&target, &[("a", "file"), ("b/index.html", "page")]).unwrap();
    build(&target, &[("c", "c")]).unwrap();
    // Recycles the first output, where `a` is a file and `b` a folder.
    build(&target, &[("a/index.html", "page"), ("b", "file")]).unwrap();
    assert_eq!(files(&target), ["a/index.html=page", "b=file"]);
}

#[test]
fn a_failed_rebuild_leaves_the_site_and_keeps_the_previous_output_for_later() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(&target, &[("a/index.html", "one")]).unwrap();
    build(&target, &[("a/index.html", "two")]).unwrap();
    let staging = Staging::new(&target).unwrap();
    staging.write("a/index.html", b"half").unwrap();
    drop(staging);
    assert_eq!(files(&target), ["a/index.html=two"]);
    // The site and the previous output put back, nothing else.
    assert_eq!(names(tmp.path()), [".public.previous", "public"]);
    // The next build still reuses it and writes a clean site.
    build(&target, &[("b/index.html", "three")]).unwrap();
    assert_eq!(files(&target), ["b/index.html=three"]);
}

#[test]
fn urls_map_to_index_files() {
    assert_eq!(file_for_url("/"), "index.html");
    assert_eq!(file_for_url("/billing/x/"), "billing/x/index.html");
    assert_eq!(file_for_url("/sitemap.xml"), "sitemap.xml");
}

#[test]
fn an_overlay_moves_its_files_in_and_runs_what_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(
        &target,
        &[
            ("a/index.html", "a1"),
            ("b/index.html", "b1"),
            ("idx/1", "old"),
            ("idx/2", "old"),
        ],
    )
    .unwrap();
    let overlay = Staging::overlay(&target).unwrap();
    overlay.write("a/index.html", b"a2").unwrap();
    overlay.write("idx/1", b"new").unwrap();
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran.clone();
    overlay.after_commit(Box::new(move || {
        flag.store(true, Ordering::SeqCst);
        Ok(())
    }));
    // Nothing is visible before the commit.
    assert_eq!(
        fs::read_to_string(target.join("a/index.html")).unwrap(),
        "a1"
    );
    overlay.commit().unwrap();
    assert!(ran.load(Ordering::SeqCst));
    assert_eq!(
        files(&target),
        [
            "a/index.html=a2",
            "b/index.html=b1",
            "idx/1=new",
            "idx/2=old"
        ]
    );
    assert_eq!(names(tmp.path()), ["public"], "the overlay folder is gone");

    // Dropped, an overlay changes nothing and runs nothing.
    let overlay = Staging::overlay(&target).unwrap();
    overlay.write("b/index.html", b"b2").unwrap();
    overlay.after_commit(Box::new(|| panic!("must not run")));
    drop(overlay);
    assert_eq!(
        fs::read_to_string(target.join("b/index.html")).unwrap(),
        "b1"
    );
    assert_eq!(names(tmp.path()), ["public"]);
}

#[test]
fn an_overlay_never_moves_a_file_through_a_planted_link() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(&target, &[("a/index.html", "a1")]).unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::remove_dir_all(target.join("a")).unwrap();
    std::os::unix::fs::symlink(&outside, target.join("a")).unwrap();
    let overlay = Staging::overlay(&target).unwrap();
    overlay.write("a/index.html", b"a2").unwrap();
    overlay.commit().unwrap();
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(files(&target), ["a/index.html=a2"]);
}

#[test]
fn an_overlay_removes_files_and_their_emptied_folders_but_never_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    build(
        &target,
        &[("a/index.html", "a1"), ("b/index.html", "b1"), ("b/x", "x")],
    )
    .unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("index.html"), "kept").unwrap();
    std::os::unix::fs::symlink(&outside, target.join("l")).unwrap();
    let overlay = Staging::overlay(&target).unwrap();
    for gone in [
        "a/index.html",
        "b/index.html",
        "l/index.html",
        "none/index.html",
    ] {
        overlay.remove(gone);
    }
    overlay.commit().unwrap();
    assert_eq!(files(&target), ["b/x=x"]);
    assert!(!target.join("a").exists(), "an emptied folder goes too");
    assert_eq!(
        fs::read_to_string(outside.join("index.html")).unwrap(),
        "kept"
    );
}

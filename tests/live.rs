//! Incremental rebuilds give the same output as a full build, and fall back to a full build
//! when a change can reach other pages.

mod common;

use std::path::{Path, PathBuf};

use common::static_index::{static_answers, static_difference};
use common::{Site, differing, snapshot};
use helpcenter::build::{BuildOptions, build};
use helpcenter::live::{LiveBuild, Rebuilt};

/// The output without the tantivy index, whose segment files have random names, and without
/// the static index, which [`static_answers`] compares.
fn site_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(path, _)| {
            let path = path.to_string_lossy();
            !path.starts_with(".helpcenter/index") && !path.contains("search-index/")
        })
        .collect()
}

fn options(site: &Site, output: &str) -> BuildOptions {
    BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(site.path().join(output)),
        ..Default::default()
    }
}

#[test]
fn editing_a_page_body_rerenders_only_that_page_and_matches_a_full_build() {
    let site = Site::sample();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let page = "content/billing/changing-billing-information.md";
    let text = std::fs::read_to_string(site.path().join(page)).unwrap();
    site.write(
        page,
        &format!("{text}\n## A new heading\n\nFresh words about invoices.\n"),
    );

    match live.rebuild(&[site.path().join(page)]).expect("rebuild") {
        Rebuilt::Pages { urls, .. } => assert_eq!(urls, ["/billing/changing-billing-information/"]),
        Rebuilt::Full(_) => panic!("a body edit should not need a full build"),
    }
    let served = site.read_output("billing/changing-billing-information/index.html");
    assert!(
        served.contains(r#"id="a-new-heading""#) && served.contains("Fresh words about invoices.")
    );

    let search = helpcenter::search::Search::open(&site.public()).expect("index");
    let hits = search.query("fresh words invoices", 3).unwrap().hits;
    assert_eq!(
        hits[0].url, "/billing/changing-billing-information/#a-new-heading",
        "search documents of the page replaced"
    );

    build(&options(&site, "full")).expect("full build");
    assert_eq!(
        site_files(&site.public()),
        site_files(&site.path().join("full")),
        "incremental output equals a full build"
    );
    let (live_index, full_index) = (
        static_answers(&site.public()),
        static_answers(&site.path().join("full")),
    );
    assert!(
        live_index == full_index,
        "the static index finds what a full build's does: {:?}",
        static_difference(&live_index, &full_index)
    );
}

#[test]
fn front_matter_or_data_changes_fall_back_to_a_full_build() {
    let site = Site::sample();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let page = "content/billing/_index.md";
    let text = std::fs::read_to_string(site.path().join(page)).unwrap();
    site.write(page, &text.replacen("title: ", "title: Renamed ", 1));
    assert!(matches!(
        live.rebuild(&[site.path().join(page)]).unwrap(),
        Rebuilt::Full(_)
    ));
    assert!(
        site.read_output("index.html").contains("Renamed"),
        "navigation on other pages updated"
    );

    let data = site.path().join("content/data/roles.yaml");
    assert!(matches!(live.rebuild(&[data]).unwrap(), Rebuilt::Full(_)));
}

#[test]
fn a_broken_page_keeps_the_last_good_output() {
    let site = Site::sample();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let before = site_files(&site.public());
    let page = "content/billing/changing-billing-information.md";
    site.write(page, "---\ntitle: [broken\n---\n");
    let failure = live
        .rebuild(&[site.path().join(page)])
        .expect_err("broken front matter");
    assert!(
        failure.diagnostics[0]
            .to_string()
            .contains("changing-billing-information.md:2:"),
        "{:?}",
        failure.diagnostics
    );
    assert_eq!(site_files(&site.public()), before);
}

#[test]
fn a_body_edit_that_breaks_a_link_keeps_the_last_good_page() {
    let site = Site::sample();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let before = site_files(&site.public());
    let page = "content/billing/changing-billing-information.md";
    let text = std::fs::read_to_string(site.path().join(page)).unwrap();
    site.write(
        page,
        &format!("{text}\nSee [the old page](/no-such-page/).\n"),
    );
    let failure = live
        .rebuild(&[site.path().join(page)])
        .expect_err("a broken internal link is an error");
    let message = failure.diagnostics[0].to_string();
    assert!(
        message.contains("changing-billing-information.md:") && message.contains("/no-such-page/"),
        "{message}"
    );
    assert_eq!(site_files(&site.public()), before, "nothing written");

    // Mended: the next edit goes through the incremental path again.
    site.write(page, &format!("{text}\nSee [billing](/billing/).\n"));
    assert!(matches!(
        live.rebuild(&[site.path().join(page)]).expect("rebuild"),
        Rebuilt::Pages { .. }
    ));
    assert!(
        site.read_output("billing/changing-billing-information/index.html")
            .contains(r#"<a href="/billing/">billing</a>"#)
    );
}

#[test]
fn a_static_index_file_changed_by_hand_is_written_again_whole_at_the_next_edit() {
    let site = Site::sample();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let page = "content/billing/changing-billing-information.md";
    let text = std::fs::read_to_string(site.path().join(page)).unwrap();
    // First every term shard deleted, then every file replaced by something no build writes.
    type Damage = fn(&Path);
    let damage: [(&str, Damage); 2] = [
        ("t", |file| std::fs::remove_file(file).unwrap()),
        ("", |file| std::fs::write(file, b"not gzip").unwrap()),
    ];
    for (step, (folder, damage)) in damage.into_iter().enumerate() {
        for entry in walkdir::WalkDir::new(site.public().join("search-index").join(folder)) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "bin") {
                damage(entry.path());
            }
        }
        site.write(page, &format!("{text}\nFresh words about modems {step}.\n"));
        assert!(matches!(
            live.rebuild(&[site.path().join(page)]).expect("rebuild"),
            Rebuilt::Pages { .. }
        ));
        build(&options(&site, "full")).expect("full build");
        assert!(
            static_answers(&site.public()) == static_answers(&site.path().join("full")),
            "step {step}"
        );
    }
}

/// A handbook of three parts, one per top section: each section's page is 1.5 MB of HTML.
fn big_handbook() -> Site {
    let site = Site::minimal();
    for section in ["alpha", "beta", "gamma"] {
        site.write(
            &format!("content/{section}/_index.md"),
            &format!("---\ntitle: {section}\ndescription: The {section} section.\n---\n"),
        );
        site.write(
            &format!("content/{section}/big.md"),
            &big_page(section, 1_500),
        );
    }
    site
}

/// A page of `lines` kilobyte lines of code.
fn big_page(title: &str, lines: usize) -> String {
    let code = ("a".repeat(1023) + "\n").repeat(lines);
    format!("---\ntitle: Big {title}\ndescription: A big page.\n---\n```text\n{code}```\n")
}

#[test]
fn a_body_edit_renders_again_only_the_handbook_parts_it_changes() {
    use std::os::unix::fs::MetadataExt;
    let site = big_handbook();
    let (mut live, _) = LiveBuild::new(options(&site, "public")).expect("first build");
    let inode = |rel: &str| std::fs::metadata(site.public().join(rel)).unwrap().ino();
    let parts = ["alpha", "beta", "gamma"].map(|s| format!("handbook/{s}/index.html"));
    let before = parts.each_ref().map(|p| inode(p));
    let page = "content/beta/big.md";
    let mut rebuild = |text: String| {
        site.write(page, &text);
        assert!(matches!(
            live.rebuild(&[site.path().join(page)]).expect("rebuild"),
            Rebuilt::Pages { .. }
        ));
        build(&options(&site, "full")).expect("full build");
        let (live_files, full_files) = (
            site_files(&site.public()),
            site_files(&site.path().join("full")),
        );
        assert_eq!(
            differing(&live_files, &full_files),
            [] as [PathBuf; 0],
            "incremental output equals a full build"
        );
    };

    rebuild(big_page("beta", 1_500) + "\nA small change.\n");
    let after = parts.each_ref().map(|p| inode(p));
    assert_eq!(
        (after[0], after[2]),
        (before[0], before[2]),
        "alpha and gamma kept"
    );
    assert_ne!(after[1], before[1], "beta rendered again");

    // Beta grows past a part, then shrinks back: the parts move, and every one is rendered.
    rebuild(big_page("beta", 4_500));
    assert!(site.public().join("handbook/beta-2/index.html").is_file());
    rebuild(big_page("beta", 1_500));
}

//! A live rebuild is a mode of the one build pipeline: after any sequence of edits (bodies,
//! heading renames and additions, links, front matter, data, templates, raw HTML, new and
//! removed files), in a site of two languages, the live output and diagnostics equal those of a
//! full build of the same sources. The static search index is compared by what it finds: a
//! live rebuild mends only the files an edit touches and may number documents otherwise.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::static_index::{static_answers, static_difference};
use common::{Site, differing, snapshot};
use helpcenter::build::{BuildOptions, build};
use helpcenter::live::LiveBuild;
use helpcenter::search::Search;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Edit {
    /// Append a paragraph to page `n` (of [`PAGES`]).
    Body(usize, &'static str),
    /// Rename page `n`'s first heading to one of two names.
    Heading(usize, bool),
    /// Add a heading and a paragraph to page `n`: it has one more search document.
    NewHeading(usize),
    /// Link page `n` to beta's heading, or to an anchor that does not exist.
    Link(usize, bool),
    FrontMatter(usize),
    RawHtml(usize),
    Data(bool),
    Template,
    NewPage,
    RemovePage,
}

/// Beta has no Spanish translation: Spanish readers search it too, after their own pages.
/// `solo` is in Spanish only: every language's readers search it.
const PAGES: [&str; 5] = [
    "content/_index.md",
    "content/guide/alpha.md",
    "content/guide/beta.md",
    "content/guide/alpha.es.md",
    "content/guide/solo.es.md",
];
const HEADINGS: [(&str, &str); 5] = [
    ("## Welcome desk", "## Front desk"),
    ("## Alpha steps", "## Alpha stages"),
    ("## Beta notes", "## Beta remarks"),
    ("## Pasos de alfa", "## Etapas de alfa"),
    ("## Solo aqui", "## Solo alli"),
];

fn edit() -> impl Strategy<Value = Edit> {
    let page = 0..PAGES.len();
    prop_oneof![
        3 => (page.clone(), prop::sample::select(vec!["invoice", "router", "portal"]))
            .prop_map(|(n, w)| Edit::Body(n, w)),
        2 => (page.clone(), any::<bool>()).prop_map(|(n, b)| Edit::Heading(n, b)),
        2 => page.clone().prop_map(Edit::NewHeading),
        2 => (page.clone(), any::<bool>()).prop_map(|(n, b)| Edit::Link(n, b)),
        1 => page.clone().prop_map(Edit::FrontMatter),
        1 => page.prop_map(Edit::RawHtml),
        1 => any::<bool>().prop_map(Edit::Data),
        1 => Just(Edit::Template),
        1 => Just(Edit::NewPage),
        1 => Just(Edit::RemovePage),
    ]
}

fn fixture() -> Site {
    let shm = Path::new("/dev/shm");
    let site = if shm.is_dir() {
        Site::minimal_in(shm)
    } else {
        Site::minimal()
    };
    site.write(
        PAGES[0],
        "---\ntitle: Welcome\ndescription: Home.\n---\nSee the [guide](/guide/).\n\n## Welcome desk\n\nHello.\n",
    );
    site.write(
        "content/guide/_index.md",
        "---\ntitle: Guide\ndescription: The guide.\n---\nThe guide: [alpha](/guide/alpha/) and [beta](/guide/beta/).\n",
    );
    site.write(
        PAGES[1],
        "---\ntitle: Alpha\ndescription: A.\n---\n## Alpha steps\n\nRead [the notes](/guide/beta/#beta-notes).\n",
    );
    site.write(
        PAGES[2],
        "---\ntitle: Beta\ndescription: B.\n---\n## Beta notes\n\nCall us.\n\n{{ contacts(table=\"help\") }}\n",
    );
    site.write(
        PAGES[3],
        "---\ntitle: Alfa\ndescription: A.\n---\n## Pasos de alfa\n\nLea [las notas](/guide/beta/#beta-notes).\n",
    );
    site.write(
        PAGES[4],
        "---\ntitle: Solo\ndescription: S.\n---\n## Solo aqui\n\nZanahoria.\n",
    );
    site.write(
        "content/_index.es.md",
        "---\ntitle: Bienvenido\ndescription: Inicio.\n---\nHola.\n",
    );
    // The site's own copy of one built-in template, which the `Template` edit changes.
    site.write(
        "themes/default/templates/page.html",
        &common::built_in_theme_file("templates/page.html"),
    );
    // The home page shows the table, so that its edits render with the site's data.
    site.write(
        "site.toml",
        "title = \"Test Help Center\"\nbase_url = \"https://help.test\"\ndefault_language = \"en\"\n\n[languages.es]\ntitle = \"Ayuda\"\n\n[extra]\nhome_contacts = \"help\"\n",
    );
    site.write(
        "content/data/contacts/help.yaml",
        "title: Help line\nrows:\n  - location: Brazil\n    countries: [BR]\n    local: [\"+55-11-3957-2288\"]\n",
    );
    site
}

/// Apply `edit` to the sources; returns the files it touched.
fn apply(site: &Site, edit: &Edit, step: usize, extras: &mut Vec<PathBuf>) -> Vec<PathBuf> {
    let path = |rel: &str| site.path().join(rel);
    let read = |rel: &str| fs::read_to_string(path(rel)).unwrap();
    let rewrite = |rel: &str, text: String| {
        fs::write(path(rel), text).unwrap();
        vec![path(rel)]
    };
    match *edit {
        Edit::Body(n, word) => rewrite(
            PAGES[n],
            read(PAGES[n]) + &format!("\nMore about {word} {step}.\n"),
        ),
        Edit::Heading(n, second) => {
            let (a, b) = HEADINGS[n];
            let (from, to) = if second { (a, b) } else { (b, a) };
            rewrite(PAGES[n], read(PAGES[n]).replacen(from, to, 1))
        }
        Edit::NewHeading(n) => rewrite(
            PAGES[n],
            read(PAGES[n]) + &format!("\n## Added {step}\n\nMore about the modem {step}.\n"),
        ),
        Edit::Link(n, good) => {
            let anchor = if good { "beta-notes" } else { "nowhere" };
            rewrite(
                PAGES[n],
                read(PAGES[n]) + &format!("\n[More](/guide/beta/#{anchor}) {step}.\n"),
            )
        }
        Edit::FrontMatter(n) => {
            let text = read(PAGES[n]);
            let (_, rest) = text.split_once("description: ").unwrap();
            let (_, rest) = rest.split_once('\n').unwrap();
            let head = &text[..text.find("description: ").unwrap()];
            rewrite(
                PAGES[n],
                format!("{head}description: Changed {step}.\n{rest}"),
            )
        }
        Edit::RawHtml(n) => rewrite(PAGES[n], read(PAGES[n]) + "\n<b onclick=\"x()\">bold</b>\n"),
        Edit::Data(brasil) => {
            let rel = "content/data/contacts/help.yaml";
            let (from, to) = if brasil {
                ("Brazil", "Brasil")
            } else {
                ("Brasil", "Brazil")
            };
            rewrite(rel, read(rel).replacen(from, to, 1))
        }
        Edit::Template => {
            let rel = "themes/default/templates/page.html";
            rewrite(rel, read(rel) + &format!("<!-- {step} -->\n"))
        }
        Edit::NewPage => {
            let rel = format!("content/guide/extra-{step}.md");
            extras.push(path(&rel));
            rewrite(
                &rel,
                format!("---\ntitle: Extra {step}\ndescription: E.\n---\nExtra text.\n"),
            )
        }
        Edit::RemovePage => match extras.pop() {
            Some(extra) => {
                fs::remove_file(&extra).unwrap();
                vec![extra]
            }
            None => Vec::new(),
        },
    }
}

/// The output without the tantivy segments, whose file names are random, and without the
/// static index, which [`static_answers`] compares.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(path, _)| {
            let path = path.to_string_lossy();
            !path.starts_with(".helpcenter/index") && !path.contains("search-index/")
        })
        .collect()
}

/// What the server search finds, for comparing two indexes. As sets: a live index still counts
/// the documents it replaced in its term statistics until its segments merge, so near ties may
/// rank in another order than in a fresh index.
fn answers(dir: &Path) -> Vec<Vec<String>> {
    let search = Search::open(dir).expect("index");
    [
        "invoice",
        "router",
        "portal",
        "alpha",
        "beta remarks",
        "modem",
        "etapas",
        "zanahoria",
        "brasil",
        "extra",
    ]
    .iter()
    .map(|q| {
        search
            .query(q, 10)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.url)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    })
    .collect()
}

fn outcome<T>(
    result: Result<T, helpcenter::build::BuildFailure>,
    warnings: impl Fn(T) -> Vec<helpcenter::diagnostics::Diagnostic>,
) -> Result<Vec<String>, Vec<String>> {
    let text =
        |ds: Vec<helpcenter::diagnostics::Diagnostic>| ds.iter().map(|d| d.to_string()).collect();
    match result {
        Ok(done) => Ok(text(warnings(done))),
        Err(failure) => Err(text(failure.diagnostics)),
    }
}

fn options(site: &Site, output: &str) -> BuildOptions {
    BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(site.path().join(output)),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // 64 sequences in the suite; `HC_LIVE_CASES=500` for the long run (README, "Live builds").
        cases: std::env::var("HC_LIVE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn live_rebuilds_equal_full_builds(edits in prop::collection::vec(edit(), 1..5)) {
        let site = fixture();
        let (mut live, _) = LiveBuild::new(options(&site, "live")).expect("first build");
        build(&options(&site, "full")).expect("first full build");
        let mut extras = Vec::new();
        for (step, edit) in edits.iter().enumerate() {
            let changed = apply(&site, edit, step, &mut extras);
            let live_outcome = outcome(live.rebuild(&changed), |r| r.report().warnings.clone());
            let full_outcome = outcome(build(&options(&site, "full")), |r| r.warnings);
            prop_assert_eq!(&live_outcome, &full_outcome, "step {}: {:?}", step, edit);
            let (live_dir, full_dir) = (site.path().join("live"), site.path().join("full"));
            let (live_files, full_files) = (files(&live_dir), files(&full_dir));
            prop_assert!(live_files == full_files, "step {}: {:?}: outputs differ: {:?}", step, edit, differing(&live_files, &full_files));
            let (live_static, full_static) = (static_answers(&live_dir), static_answers(&full_dir));
            prop_assert!(live_static == full_static, "step {}: {:?}: static indexes differ: {:?}", step, edit, static_difference(&live_static, &full_static));
            prop_assert_eq!(answers(&live_dir), answers(&full_dir), "step {}: {:?}", step, edit);
        }
    }
}

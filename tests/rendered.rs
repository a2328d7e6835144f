//! The pages a reader gets, whole: the `handbook` fixture built with the default theme and its
//! pages compared with the snapshots in `tests/snapshots/` (`cargo insta review` after an
//! intended change; under `CI` a missing or different snapshot fails).

mod common;

use std::sync::OnceLock;

use common::Site;

/// The fixture, built once for the tests of this file.
fn built() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Site::fixture("handbook");
        site.run_ok(&["build"]);
        site
    })
}

fn page(rel: &str) -> String {
    let site = built();
    site.normalize(&site.read_output(rel))
}

/// A content page: table of contents, the contact table placed by its shortcode (rows with
/// anchors, `tel:` links in E.164, a note, an e-mail), breadcrumbs, sidebar, next link.
#[test]
fn a_page_with_a_contact_table() {
    insta::assert_snapshot!(page("support/phone-numbers/index.html"));
}

/// A section index: its text, then its pages in weight order, as cards.
#[test]
fn a_section_index() {
    insta::assert_snapshot!(page("support/index.html"));
}

/// The 404 page, served for any missing path.
#[test]
fn the_not_found_page() {
    insta::assert_snapshot!(page("404.html"));
}

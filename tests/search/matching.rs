//! A word found in its other forms: accents folded both ways, stems (English, Spanish,
//! Portuguese), phone numbers in any format, synonyms and abbreviations.

use helpcenter::search::{Hit, Search};

use crate::common;
use crate::{assert_first, query, rank, urls};

// Folding

#[test]
fn mexico_finds_the_mexico_rows() {
    let response = query("Mexico");
    let top: Vec<&Hit> = response.hits.iter().take(3).collect();
    assert_eq!(top.len(), 3, "{:#?}", urls(&response.hits));
    assert!(
        top.iter()
            .all(|h| h.kind == "contact" && h.title.contains("xico")),
        "{:#?}",
        urls(&response.hits)
    );
    assert!(
        response.hits.iter().any(|h| h.title.starts_with("México")),
        "México (with the accent) is found: {:#?}",
        urls(&response.hits)
    );
}

#[test]
fn accents_fold_both_ways() {
    // A bare country lands on the primary (technical support) row; the row written "Perú"
    // is found by it too.
    assert_first("Perú", "#technical-support-peru");
    assert!(rank("Perú", "#billing-sign-in-peru").is_some_and(|r| r <= 3));
    assert!(rank("peru sign in", "#billing-sign-in-peru").is_some_and(|r| r <= 3));
    let hits = query("panama").hits;
    assert!(
        hits.iter().any(|h| h.title.contains("Panamá")),
        "{:#?}",
        urls(&hits)
    );
    assert!(!query("FACTURACIÓN").hits.is_empty());
    let folded = query("facturacion").hits;
    assert!(!folded.is_empty(), "two empty lists would be equal too");
    assert_eq!(urls(&folded), urls(&query("facturación").hits));
}

// Stemming in English, Spanish and Portuguese

#[test]
fn stems_match_other_forms_of_a_word() {
    assert!(
        rank(
            "reported incidents",
            "/technical-support/reporting-an-incident/"
        )
        .is_some()
    );
    let hits = query("invoice").hits;
    assert!(
        hits.iter()
            .any(|h| h.snippet.contains("<mark>invoices</mark>")),
        "invoices highlighted through its stem: {hits:#?}"
    );
    // Portuguese and Spanish plurals.
    assert!(!query("telefones").hits.is_empty());
    assert!(!query("facturas").hits.is_empty());
}

// Phone numbers in any format

#[test]
fn phone_numbers_in_every_format_find_the_brazil_rows() {
    for q in [
        "0800 887 3333",
        "08008873333",
        "0800-887-3333",
        "+55 11 3957 2288",
        "+551139572288",
        "(11) 3957-2288",
        "2288",
        "3957-2288",
        "55 11 39572288",
    ] {
        let hits = query(q).hits;
        assert!(
            hits.first().is_some_and(|h| h.url.contains("brazil")),
            "{q:?}: {:#?}",
            urls(&hits)
        );
        assert!(
            hits[0].snippet.contains("<mark>"),
            "{q:?}: the number is marked: {}",
            hits[0].snippet
        );
    }
}

#[test]
fn a_number_finds_only_the_rows_that_hold_it() {
    let hits = query("0800 887 3333").hits;
    assert_eq!(hits.len(), 2, "{:#?}", urls(&hits));
    assert!(hits.iter().all(|h| h.url.ends_with("-brazil")));
    assert!(hits[0].snippet.contains("<mark>0800-887-3333</mark>"));
    assert!(hits[0].snippet.starts_with("Brazil"), "{}", hits[0].snippet);
    assert!(query("9999 9999").hits.is_empty());
}

#[test]
fn other_countries_numbers() {
    assert_first("+52 55 2581 6270", "#offices-mexico");
    assert_first("3957-1900", "#offices-brazil-morumbi");
    assert!(query("01-800-999-1422").hits[0].url.contains("mexico"));
}

// Synonyms and abbreviations

#[test]
fn synonyms_from_the_content_folder() {
    assert!(rank("TT", "/technical-support/reporting-an-incident/").is_some_and(|r| r <= 3));
    assert_first("SE", "#role-se");
    assert_first("product specialist", "#role-se");
    assert_first("datacenter", "#service-data-center");
    assert!(rank("senha", "#signing-in-and-forgotten-passwords").is_some_and(|r| r <= 3));
}

#[test]
fn synonyms_file_of_another_site_is_used() {
    let site = common::Site::minimal();
    site.write(
        "content/widgets.md",
        "---\ntitle: Gizmo care\n---\nHow to clean your gizmo.\n",
    );
    site.write("content/synonyms.yaml", "- [widget, gizmo]\n");
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).unwrap();
    let hits = search.query("widget", 5).unwrap().hits;
    assert_eq!(
        hits.first().map(|h| h.url.as_str()),
        Some("/widgets/"),
        "{hits:#?}"
    );
    assert!(
        hits[0].snippet.contains("<mark>gizmo</mark>"),
        "{}",
        hits[0].snippet
    );
}

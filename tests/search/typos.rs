//! Typos (Meilisearch's rule: a budget that grows with the word's length) and prefixes, with
//! the stop words and the scores that come with them.

use helpcenter::search::{Search, SearchResponse};

use crate::common;
use crate::{assert_first, query, rank, urls};

// Typos (Meilisearch's rule) and prefixes

#[test]
fn a_typod_role_name_finds_the_role() {
    assert_first("acount manger", "#role-am");
    assert_first("sales enginer", "#role-se");
    assert_first("customer care manger", "#role-ccm");
}

#[test]
fn typo_budget_grows_with_word_length() {
    // Under 5 characters: no typo allowed ("cdn" itself is found).
    assert!(!query("cdn").hits.is_empty());
    assert!(
        query("cdx").hits.is_empty(),
        "{:#?}",
        urls(&query("cdx").hits)
    );
    // From 9 characters: two typos ("tecnicall" for "technical").
    let hits = query("tecnicall").hits;
    assert!(
        hits.iter()
            .any(|h| h.snippet.contains("<mark>technical</mark>")
                || h.snippet.contains("<mark>Technical</mark>")),
        "{hits:#?}"
    );
    // 5 to 8 characters: one typo ("tiket" finds "ticket"), not two ("tockit" finds nothing;
    // "tkiet" would not do: a swap with a letter between is three typos).
    let hits = query("tiket").hits;
    assert!(
        hits.first()
            .is_some_and(|h| h.snippet.contains("<mark>ticket</mark>")),
        "{hits:#?}"
    );
    let hits = query("tockit").hits;
    assert!(hits.is_empty(), "{:#?}", urls(&hits));
}

#[test]
fn exact_matches_outrank_typo_matches() {
    // Two pages alike but for one word, one typo apart; made-up words, so no stemmer or
    // synonym relates them and only the typo rule can match the second page.
    let site = common::Site::minimal();
    for (name, word) in [("exact", "zorblat"), ("typo", "zorblax")] {
        site.write(
            &format!("content/{name}.md"),
            &format!("---\ntitle: Gadget care\n---\nClean the {word} every week.\n"),
        );
    }
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).unwrap();
    let hits = search.query("zorblat", 10).unwrap().hits;
    let found = urls(&hits);
    let last_exact = found.iter().rposition(|u| u.starts_with("/exact/"));
    let first_typo = found.iter().position(|u| u.starts_with("/typo/"));
    assert!(
        last_exact.zip(first_typo).is_some_and(|(e, t)| e < t),
        "both pages found, every exact hit first: {hits:#?}"
    );

    // On the sample, the first hit for "managed" has the word itself.
    let hits = query("managed").hits;
    assert!(
        hits.first()
            .is_some_and(|h| h.snippet.to_lowercase().contains("<mark>managed</mark>")),
        "{hits:#?}"
    );
}

#[test]
fn a_word_several_pages_hold_is_not_taken_for_a_typo() {
    // "status" is one typo from "states"; pages that hold "status" mean it as typed.
    let site = common::Site::minimal();
    for n in 1..=3 {
        site.write(
            &format!("content/order-{n}.md"),
            "---\ntitle: Orders\n---\nAsk for the status of your order.\n",
        );
    }
    site.write(
        "content/offices.md",
        "---\ntitle: Offices\n---\nWe have offices in the United States.\n",
    );
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).unwrap();
    let hits = search.query("status", 10).unwrap().hits;
    let found = urls(&hits);
    assert!(
        found.iter().any(|u| u.starts_with("/order-"))
            && !found.iter().any(|u| u.starts_with("/offices/")),
        "{found:#?}"
    );
}

#[test]
fn stop_words_count_only_when_nothing_else_matches() {
    let site = common::Site::minimal();
    site.write(
        "content/zorblat.md",
        "---\ntitle: Gadget care\n---\nClean the zorblat every week.\n",
    );
    for n in 1..=3 {
        site.write(
            &format!("content/other-{n}.md"),
            &format!("---\ntitle: Other {n}\n---\nWho to call for the rest.\n"),
        );
    }
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).unwrap();
    // Every page holds "the": the total counts the pages holding the other word.
    let with_stop = search.query("the zorblat", 10).unwrap();
    let alone = search.query("zorblat", 10).unwrap();
    assert!(alone.total > 0, "{alone:#?}");
    assert_eq!(with_stop.total, alone.total, "{with_stop:#?}");
    assert!(
        with_stop.hits[0].url.starts_with("/zorblat/"),
        "{with_stop:#?}"
    );
    // A query whose other words no page holds still finds the pages its stop words are on.
    let hits = search.query("who qxzv", 10).unwrap().hits;
    assert!(
        urls(&hits).iter().any(|u| u.starts_with("/other-")),
        "{:#?}",
        urls(&hits)
    );
}

#[test]
fn the_same_query_gives_the_same_scores_every_time() {
    // Scores are sums of many terms' floats: the order of the sum must not change per call.
    for q in [
        "how do I report an incident",
        "phone numbers brazil",
        "cambiar factura",
    ] {
        let first = query(q);
        for _ in 0..20 {
            let again = query(q);
            let scores = |r: &SearchResponse| -> Vec<(String, u32)> {
                r.hits
                    .iter()
                    .map(|h| (h.url.clone(), h.score.to_bits()))
                    .collect()
            };
            assert_eq!(scores(&first), scores(&again), "{q}");
        }
    }
}

#[test]
fn last_word_matches_as_a_prefix() {
    assert!(rank("reportin", "/technical-support/reporting-an-incident/").is_some_and(|r| r <= 3));
    let hits = query("touchp").hits;
    assert!(hits[0].url.contains("touchpoints"), "{:#?}", urls(&hits));
    assert!(
        hits[0].snippet.contains("<mark>touchpoints</mark>"),
        "{}",
        hits[0].snippet
    );
    // Only the last word: "touchp order" finds pages about orders, none through "touchpoints".
    let hits = query("touchp order").hits;
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| !h.snippet.contains("<mark>touchpoints")),
        "{hits:#?}"
    );
}

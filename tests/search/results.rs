//! What a query gets back: the ranking, hostile input (any text is a valid query), the
//! limit, snippets (matches marked, the rest escaped), the hits' fields; one `Search` shared
//! by threads.

use helpcenter::search::Search;

use crate::common;
use crate::{assert_first, query, search};

// Ranking

#[test]
fn a_country_and_a_contact_need_rank_the_contact_row_first() {
    assert_first("brasil telefone suporte", "#technical-support-brazil");
    assert_first("teléfono soporte méxico", "#technical-support-mexico");
    assert_first("call support in Colombia", "#technical-support-colombia");
    assert_first("venezuela billing email", "#billing-email-venezuela");
}

#[test]
fn title_matches_outrank_body_matches() {
    assert_first("escalation numbers", "#escalation-numbers");
    assert_first(
        "portal user administrator",
        "#the-portal-user-administrator",
    );
}

// Hostile input

#[test]
fn any_text_is_a_valid_query() {
    let long = "billing ".repeat(125);
    let hostile = [
        "\"",
        "\"unclosed quote",
        "+",
        "-",
        "+billing -portal",
        ":",
        "title:billing",
        "a:b:c",
        "AND",
        "billing AND OR NOT portal",
        "C++",
        "(",
        "[unbalanced",
        "{ ] )",
        "*",
        "passw*",
        "~2",
        "billing^10",
        "\\",
        "🙂",
        "📞 brazil 🇧🇷",
        "\u{0}",
        "<script>alert(1)</script>",
        "'; DROP TABLE--",
        long.as_str(),
        &"x".repeat(1000),
        &"9".repeat(1000),
        &"é".repeat(1000),
    ];
    let mut snippets = 0;
    for q in hostile {
        let response = search().query(q, 10).unwrap();
        assert_eq!(response.query, q);
        assert!(response.hits.len() <= 10);
        for hit in &response.hits {
            // Escaped HTML: the only tags are the marks (the sample's text has quotes and
            // apostrophes, so an unescaped snippet shows here).
            let bare = hit.snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !bare.contains(['<', '>', '"', '\'']),
                "{q:?}: {}",
                hit.snippet
            );
            snippets += 1;
        }
    }
    assert!(
        snippets > 20,
        "the escaping was looked at in {snippets} snippets"
    );
    // Operators are words: `+billing -portal` finds billing and portal, `C++` is UC&C.
    let hits = query("+billing -portal").hits;
    assert!(
        hits.first()
            .is_some_and(|h| h.snippet.contains("<mark>billing</mark>")
                && h.snippet.contains("<mark>portal</mark>")),
        "{hits:#?}"
    );
    assert_first("C++", "#service-managed-ucc");
}

#[test]
fn empty_query_has_no_hits() {
    for q in ["", "   ", "\t\n", "!!!", "--"] {
        let response = query(q);
        assert!(response.hits.is_empty(), "{q:?}");
        assert_eq!(response.total, 0, "{q:?}");
    }
}

#[test]
fn limit_is_respected() {
    let all = search().query("portal", 50).unwrap();
    assert!(
        all.hits.len() > 3,
        "more than the limit below: {}",
        all.hits.len()
    );
    assert!(all.total >= all.hits.len());
    assert_eq!(search().query("portal", 3).unwrap().hits.len(), 3);
    assert!(search().query("portal", 0).unwrap().hits.is_empty());
}

// Snippets

#[test]
fn snippets_mark_matches_and_escape_everything_else() {
    let site = common::Site::minimal();
    site.write(
        "content/escaping.md",
        "---\ntitle: Escaping\n---\nTom & Jerry write `<b>bold</b>` and \"quotes\".\n",
    );
    site.run_ok(&["build"]);
    let search = Search::open(&site.public()).unwrap();
    let hit = &search.query("jerry", 5).unwrap().hits[0];
    assert_eq!(
        hit.snippet,
        "Tom &amp; <mark>Jerry</mark> write &lt;b&gt;bold&lt;/b&gt; and &quot;quotes&quot;."
    );
}

#[test]
fn contact_snippets_show_country_and_numbers() {
    let hit = &query("Brazil TSC").hits[0];
    assert_eq!(hit.kind, "contact");
    assert!(hit.snippet.contains("Brazil"), "{}", hit.snippet);
    assert!(hit.snippet.contains("0800-887-3333"), "{}", hit.snippet);
    assert!(hit.snippet.contains("+55-11-3957-2288"), "{}", hit.snippet);
    assert!(!hit.section.is_empty());
}

#[test]
fn hits_carry_kind_section_and_score() {
    let kinds: std::collections::HashSet<String> = [
        "account manager",
        "CDN",
        "report an incident",
        "brazil",
        "escalation numbers",
        "Billing",
    ]
    .iter()
    .flat_map(|q| query(q).hits)
    .map(|h| h.kind)
    .collect();
    for kind in ["page", "section", "contact", "role", "service", "procedure"] {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    let hits = query("billing").hits;
    assert_eq!(hits.len(), 10);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(search().doc_count() > 100);
}

#[test]
fn search_is_shared_between_threads() {
    std::thread::scope(|scope| {
        for q in ["brazil", "account manager", "0800 887 3333", "portal"] {
            scope.spawn(move || {
                for _ in 0..20 {
                    assert!(!search().query(q, 5).unwrap().hits.is_empty());
                }
            });
        }
    });
}

//! Search over the sample Help Center: every query form of the search issue (folding, stems,
//! phone formats, typos, prefix, synonyms), hostile input, snippets, errors and the CLI.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use helpcenter::search::{Hit, Search, SearchError, SearchResponse};

/// The sample site, built once per test binary into cargo's temporary folder.
fn sample_output() -> &'static PathBuf {
    static OUTPUT: OnceLock<PathBuf> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-sample");
        let out = std::process::Command::new(common::binary())
            .arg("build")
            .arg("--root")
            .arg(common::repo_root())
            .arg("--output")
            .arg(&output)
            .output()
            .expect("run helpcenter build");
        assert!(out.status.success(), "{}", common::text(&out));
        let summary = String::from_utf8_lossy(&out.stdout);
        assert!(
            summary.contains("search documents (") && summary.contains(" index"),
            "build summary reports the index: {summary}"
        );
        output
    })
}

fn search() -> &'static Search {
    static SEARCH: OnceLock<Search> = OnceLock::new();
    SEARCH.get_or_init(|| Search::open(sample_output()).expect("open the sample index"))
}

fn query(q: &str) -> SearchResponse {
    search().query(q, 10).unwrap()
}

fn urls(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.url.as_str()).collect()
}

/// The rank (1-based) of the first hit whose URL ends with `anchor`.
fn rank(q: &str, anchor: &str) -> Option<usize> {
    query(q)
        .hits
        .iter()
        .position(|h| h.url.ends_with(anchor))
        .map(|r| r + 1)
}

fn assert_first(q: &str, anchor: &str) {
    let response = query(q);
    assert!(
        response
            .hits
            .first()
            .is_some_and(|h| h.url.ends_with(anchor)),
        "{q:?}: expected {anchor} first, got {:#?}",
        urls(&response.hits)
    );
}

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

// Errors

#[test]
fn missing_or_stale_index_says_to_build() {
    let dir = tempfile::tempdir().unwrap();
    let err = Search::open(dir.path()).err().expect("no index");
    assert!(matches!(err, SearchError::Missing(_)));
    assert!(err.to_string().contains("helpcenter build"), "{err}");

    let site = common::Site::minimal();
    site.run_ok(&["build"]);
    let meta = site.public().join(".helpcenter/search.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let stale = text.replacen("\"version\": ", "\"version\": 1000", 1);
    std::fs::write(&meta, stale).unwrap();
    let err = Search::open(&site.public()).err().expect("stale index");
    assert!(matches!(err, SearchError::Stale(_)), "{err:?}");
    assert!(err.to_string().contains("helpcenter build"), "{err}");

    let out = site.run(&["search", "billing"]);
    assert!(!out.status.success());
    assert!(
        common::text(&out).contains("helpcenter build"),
        "{}",
        common::text(&out)
    );
}

// The command line

#[test]
fn cli_json_prints_one_object_with_brazil_rows_first() {
    let out = std::process::Command::new(common::binary())
        .args(["search", "0800 887 3333", "--json", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1, "one JSON line: {stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let object = value.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["hits", "query", "took_ms", "total"]);
    assert_eq!(value["query"], "0800 887 3333");
    assert!(value["took_ms"].is_f64());
    let hits = value["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "the two Brazil rows: {value}");
    for hit in hits {
        assert!(hit["url"].as_str().unwrap().ends_with("-brazil"), "{hit}");
        let mut keys: Vec<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            ["kind", "score", "section", "snippet", "title", "url"]
        );
    }
}

#[test]
fn cli_human_output_numbers_the_hits() {
    let out = std::process::Command::new(common::binary())
        .args(["search", "acount manger", "--limit", "3", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(" 1. Account manager (AM)"), "{stdout}");
    assert!(stdout.contains("/your-team/#role-am"), "{stdout}");
    assert!(stdout.contains(" 3. "), "{stdout}");
    assert!(!stdout.contains(" 4. "), "{stdout}");
    assert!(
        !stdout.contains("<mark>"),
        "marks are shown for a terminal: {stdout}"
    );

    let out = std::process::Command::new(common::binary())
        .args(["search", "C++ \"unclosed", "--output"])
        .arg(sample_output())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
}

/// Issue 13: the snippet window starts 40 bytes before the first match, which on accented
/// text fell inside `ç`: `helpcenter search` exited 101 and `/api/search` answered 500.
#[test]
fn a_match_after_accented_words_has_a_snippet_in_the_cli_and_the_api() {
    let site = common::Site::minimal();
    site.write(
        "content/acentos.md",
        &format!(
            "---\ntitle: Acentos\ndescription: Palavras acentuadas.\n---\n{}yyyy roteador final\n",
            "ção ".repeat(200)
        ),
    );
    site.run_ok(&["build"]);
    let out = site.run(&["search", "roteador"]);
    assert!(out.status.success(), "{}", common::text(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("[roteador] final"), "{printed}");

    let server = site.serve(&[]);
    let response = reqwest::blocking::get(format!("{}api/search?q=roteador", server.url))
        .expect("GET /api/search");
    assert_eq!(response.status(), 200);
    let body: SearchResponse = response.json().expect("search JSON");
    assert!(
        body.hits[0].snippet.contains("<mark>roteador</mark>"),
        "{:?}",
        body.hits
    );
}

/// Issue 15: a tantivy failure (here a damaged document store) is an error, not "no hits".
#[test]
fn a_damaged_index_is_a_search_error_in_the_library_the_cli_and_the_api() {
    let site = common::Site::minimal();
    site.write(
        "content/router.md",
        "---\ntitle: Router\ndescription: The router.\n---\nRestart the router.\n",
    );
    site.run_ok(&["build"]);
    let index = site.public().join(".helpcenter/index");
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "store") {
            // Garbage over the compressed documents; the footer stays, so the index opens.
            let mut bytes = std::fs::read(&path).unwrap();
            let n = bytes.len().min(120);
            bytes[..n].fill(0xff);
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let search = Search::open(&site.public()).expect("the index still opens");
    let error = search.query("router", 5).expect_err("a damaged store");
    assert!(matches!(error, SearchError::Failed(_)), "{error:?}");

    let out = site.run(&["search", "router"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: the search failed"),
        "{}",
        common::text(&out)
    );

    let server = site.serve(&["--no-build", "--no-watch"]);
    let response = reqwest::blocking::get(format!("{}api/search?q=router", server.url))
        .expect("GET /api/search");
    assert_eq!(response.status(), 500);
    let body: serde_json::Value = response.json().expect("JSON error");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the search failed")),
        "{body}"
    );
}

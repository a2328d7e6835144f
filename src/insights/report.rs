//! `helpcenter insights`: what readers searched, what found nothing, what they did not open,
//! the pages they found least helpful, and the trends per day and week.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::store::{QueryDay, Store, StoreError};
use super::suggest::{Suggestion, suggest};
use crate::feedback::Feedback;
use crate::search::Search;

/// Most comments shown per page.
const COMMENTS_PER_PAGE: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Everything the report says; `--format json` prints it as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The first day counted (`--since`), if any.
    pub since: Option<String>,
    /// The first and last day with searches.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub totals: Totals,
    /// Most searched first.
    pub top_queries: Vec<QueryStats>,
    /// Searched, found nothing (the latest search of each): the content gaps.
    pub no_results: Vec<QueryStats>,
    /// Found something, and no reader opened a result.
    pub no_clicks: Vec<QueryStats>,
    /// Pages with feedback, least helpful first, with their latest comments.
    pub pages: Vec<PageInsight>,
    pub days: Vec<Period>,
    pub weeks: Vec<Period>,
    /// Why there are no suggestions, when there is no built index to check them against.
    pub suggestions_unavailable: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub searches: u64,
    /// Distinct (language, query) pairs.
    pub queries: usize,
    pub zero_result_searches: u64,
    /// zero_result_searches / searches, 0 to 1.
    pub zero_result_rate: f64,
    /// Results opened.
    pub clicks: u64,
    pub feedback_votes: usize,
    pub feedback_helpful: usize,
    /// Searches left out as unfinished typing (see [`unfinished`]); not in the other counts.
    pub unfinished_searches: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryStats {
    pub query: String,
    pub lang: String,
    pub searches: u64,
    /// Hits of the latest search.
    pub hits: Option<u64>,
    /// The first hit of the latest search.
    pub first_url: Option<String>,
    pub clicks: u64,
    /// Result position (1 = first) → opens.
    pub clicks_by_position: BTreeMap<u32, u64>,
    /// Days it was searched on.
    pub days: usize,
    pub last_day: String,
    /// For a query that found nothing: the synonym line that would answer it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageInsight {
    pub page: String,
    pub votes: usize,
    pub helpful: usize,
    pub not_helpful: usize,
    pub helpful_ratio: f64,
    /// Latest first.
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub received_at: String,
    pub helpful: bool,
    pub text: String,
}

/// A day (`2025-01-31`) or an ISO week (`2025-W05`, starting on Monday `start`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Period {
    pub period: String,
    pub start: String,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub zero_result_rate: f64,
    pub clicks: u64,
    pub feedback_votes: usize,
    pub feedback_helpful: usize,
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Put the report together from `store`, from `since` (`YYYY-MM-DD`) on. With `search` (the
/// built site's index), zero-result queries get a checked synonym suggestion. `limit` bounds
/// each list.
pub fn build(
    store: &dyn Store,
    since: Option<&str>,
    search: Option<&Search>,
    limit: usize,
) -> Result<Report, StoreError> {
    let rows = store.queries(since)?;
    let feedback = store.feedback(since)?;
    Ok(assemble(&rows, &feedback, since, search, limit))
}

fn assemble(
    rows: &[QueryDay],
    feedback: &[Feedback],
    since: Option<&str>,
    search: Option<&Search>,
    limit: usize,
) -> Report {
    let mut totals = Totals::default();
    let mut queries: BTreeMap<(&str, &str), QueryStats> = BTreeMap::new();
    let mut days: BTreeMap<String, Period> = BTreeMap::new();
    let unfinished = unfinished(rows, search);
    for (i, row) in rows.iter().enumerate() {
        if unfinished.contains(&i) {
            totals.unfinished_searches += row.searches;
            continue;
        }
        let clicks: u64 = row.clicks.values().sum();
        let zero = if row.hits == Some(0) { row.searches } else { 0 };
        totals.searches += row.searches;
        totals.zero_result_searches += zero;
        totals.clicks += clicks;
        let day = days.entry(row.day.clone()).or_default();
        day.searches += row.searches;
        day.zero_result_searches += zero;
        day.clicks += clicks;
        let q = queries
            .entry((&row.lang, &row.query))
            .or_insert_with(|| QueryStats {
                query: row.query.clone(),
                lang: row.lang.clone(),
                searches: 0,
                hits: None,
                first_url: None,
                clicks: 0,
                clicks_by_position: BTreeMap::new(),
                days: 0,
                last_day: String::new(),
                suggestion: None,
            });
        q.searches += row.searches;
        q.clicks += clicks;
        for (position, n) in &row.clicks {
            *q.clicks_by_position.entry(*position).or_default() += n;
        }
        if row.searches > 0 {
            // Rows come oldest day first: the last one seen is the latest search.
            q.days += 1;
            q.hits = row.hits;
            q.first_url = row.first_url.clone();
            q.last_day = row.day.clone();
        }
    }
    for f in feedback {
        totals.feedback_votes += 1;
        totals.feedback_helpful += usize::from(f.helpful);
        let day = days.entry(f.received_at[..10.min(f.received_at.len())].to_string());
        let day = day.or_default();
        day.feedback_votes += 1;
        day.feedback_helpful += usize::from(f.helpful);
    }
    totals.queries = queries.len();
    totals.zero_result_rate = rate(totals.zero_result_searches, totals.searches);

    let mut weeks: BTreeMap<String, Period> = BTreeMap::new();
    for (name, day) in &mut days {
        day.period = name.clone();
        day.start = name.clone();
        day.zero_result_rate = rate(day.zero_result_searches, day.searches);
        let Ok(date) = NaiveDate::parse_from_str(name, "%Y-%m-%d") else {
            continue;
        };
        let iso = date.iso_week();
        let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
        let week = weeks
            .entry(format!("{}-W{:02}", iso.year(), iso.week()))
            .or_default();
        week.start = monday.format("%Y-%m-%d").to_string();
        week.searches += day.searches;
        week.zero_result_searches += day.zero_result_searches;
        week.clicks += day.clicks;
        week.feedback_votes += day.feedback_votes;
        week.feedback_helpful += day.feedback_helpful;
    }
    for (name, week) in &mut weeks {
        week.period = name.clone();
        week.zero_result_rate = rate(week.zero_result_searches, week.searches);
    }

    let mut all: Vec<QueryStats> = queries.into_values().filter(|q| q.searches > 0).collect();
    all.sort_by(|a, b| {
        b.searches
            .cmp(&a.searches)
            .then(a.query.cmp(&b.query))
            .then(a.lang.cmp(&b.lang))
    });
    let mut no_results: Vec<QueryStats> = all
        .iter()
        .filter(|q| q.hits == Some(0))
        .take(limit)
        .cloned()
        .collect();
    if let Some(search) = search {
        for q in &mut no_results {
            q.suggestion = suggest(search, &q.lang, &q.query);
        }
    }
    let no_clicks = all
        .iter()
        .filter(|q| q.hits.is_some_and(|h| h > 0) && q.clicks == 0)
        .take(limit)
        .cloned()
        .collect();
    all.truncate(limit);

    Report {
        since: since.map(str::to_string),
        first_day: rows.first().map(|r| r.day.clone()),
        last_day: rows.last().map(|r| r.day.clone()),
        totals,
        top_queries: all,
        no_results,
        no_clicks,
        pages: pages(feedback, limit),
        days: days.into_values().collect(),
        weeks: weeks.into_values().collect(),
        suggestions_unavailable: None,
    }
}

/// The rows that are a search box's unfinished typing: the search dialog asks as the reader
/// types, so `billing` also leaves `bil` and `billi`. A query is left out when, the same day
/// and in the same language, another query continues its last word (`billi` → `billing`),
/// nobody opened its results, and (with the built index) its last word is not a word of the
/// site (`bill` stays).
fn unfinished(rows: &[QueryDay], search: Option<&Search>) -> std::collections::HashSet<usize> {
    let mut groups: BTreeMap<(&str, &str), Vec<(&str, usize)>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        groups
            .entry((&row.day, &row.lang))
            .or_default()
            .push((&row.query, i));
    }
    let mut out = std::collections::HashSet::new();
    for ((_, lang), mut queries) in groups {
        queries.sort();
        for (j, (query, i)) in queries.iter().enumerate() {
            let continued = queries[j + 1..]
                .iter()
                .take_while(|(longer, _)| longer.starts_with(query))
                .any(|(longer, _)| {
                    longer[query.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
                });
            if !continued || !rows[*i].clicks.is_empty() {
                continue;
            }
            let last = query.rsplit(' ').next().unwrap_or(query);
            let word = search.is_some_and(|s| {
                Search::folded_words(last)
                    .iter()
                    .all(|w| s.has_term(w, Some(lang)).unwrap_or(false))
            });
            if !word {
                out.insert(*i);
            }
        }
    }
    out
}

fn pages(feedback: &[Feedback], limit: usize) -> Vec<PageInsight> {
    let stats = crate::feedback::stats(feedback);
    stats
        .into_iter()
        .take(limit)
        .map(|s| {
            let mut comments: Vec<Comment> = feedback
                .iter()
                .filter(|f| f.page == s.page)
                .filter_map(|f| {
                    let text = f.comment.as_deref()?.trim();
                    (!text.is_empty()).then(|| Comment {
                        received_at: f.received_at.clone(),
                        helpful: f.helpful,
                        text: text.to_string(),
                    })
                })
                .collect();
            comments.sort_by(|a, b| b.received_at.cmp(&a.received_at));
            comments.truncate(COMMENTS_PER_PAGE);
            PageInsight {
                page: s.page,
                votes: s.votes,
                helpful: s.helpful,
                not_helpful: s.not_helpful,
                helpful_ratio: s.helpful_ratio,
                comments,
            }
        })
        .collect()
}

/// Write the report in `format`: JSON (the whole [`Report`]), CSV (one row per query:
/// every list's queries, most searched first) or text for a terminal.
pub fn write(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        Format::Csv => super::formats::csv(report, out),
        Format::Text => super::formats::text(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: &str, query: &str, searches: u64, hits: u64, clicks: &[(u32, u64)]) -> QueryDay {
        QueryDay {
            day: day.into(),
            lang: "en".into(),
            query: query.into(),
            searches,
            hits: Some(hits),
            first_url: (hits > 0).then(|| "/a/".to_string()),
            clicks: clicks.iter().copied().collect(),
        }
    }

    #[test]
    fn unfinished_typing_is_left_out() {
        let rows = [
            row("2025-01-27", "bil", 1, 9, &[]),
            row("2025-01-27", "billi", 1, 9, &[]),
            row("2025-01-27", "billing", 1, 9, &[]),
            row("2025-01-27", "billing in", 1, 9, &[(1, 1)]),
            row("2025-01-27", "billing invoice", 1, 9, &[]),
            row("2025-01-28", "bil", 1, 9, &[]),
        ];
        let r = assemble(&rows, &[], None, None, 10);
        let kept: Vec<&str> = r.top_queries.iter().map(|q| q.query.as_str()).collect();
        // "billing" is continued by "billing in" only after a space; "billing in" was opened;
        // "bil" on another day stands alone.
        assert_eq!(kept, ["bil", "billing", "billing in", "billing invoice"]);
        assert_eq!(r.top_queries[0].searches, 1);
        assert_eq!(r.totals.unfinished_searches, 2);
        assert_eq!(r.totals.searches, 4);
    }

    #[test]
    fn lists_and_weeks() {
        let rows = [
            row("2025-01-27", "billing", 3, 4, &[(1, 2)]),
            row("2025-01-27", "refund", 2, 0, &[]),
            row("2025-02-03", "billing", 1, 4, &[]),
            row("2025-02-03", "vpn", 5, 2, &[]),
        ];
        let r = assemble(&rows, &[], None, None, 10);
        assert_eq!(r.totals.searches, 11);
        assert_eq!(r.totals.zero_result_searches, 2);
        assert_eq!(r.top_queries[0].query, "vpn");
        assert_eq!(r.top_queries[1].searches, 4);
        assert_eq!(r.top_queries[1].days, 2);
        assert_eq!(r.no_results.len(), 1);
        assert_eq!(r.no_results[0].query, "refund");
        assert_eq!(r.no_clicks.len(), 1);
        assert_eq!(r.no_clicks[0].query, "vpn");
        assert_eq!(r.weeks.len(), 2);
        assert_eq!(
            (r.weeks[0].period.as_str(), r.weeks[0].start.as_str()),
            ("2025-W05", "2025-01-27")
        );
        assert!((r.weeks[0].zero_result_rate - 0.4).abs() < 1e-9);
        assert_eq!(r.totals.unfinished_searches, 0);
        let mut out = Vec::new();
        write(&r, Format::Text, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("refund"), "{text}");
    }
}

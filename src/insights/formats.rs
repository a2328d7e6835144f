//! The insights report as text for a terminal and as CSV (JSON is the report serialized).

use std::io::{self, Write};

use super::html::percent;
use super::report::*;
use crate::feedback::csv_cell;

pub(super) fn csv(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "list,lang,query,searches,hits,clicks,first_url,days,last_day,suggestion"
    )?;
    let lists = [
        ("top", &report.top_queries),
        ("no_results", &report.no_results),
        ("no_clicks", &report.no_clicks),
    ];
    for (list, queries) in lists {
        for q in queries {
            writeln!(
                out,
                "{list},{},{},{},{},{},{},{},{},{}",
                csv_cell(&q.lang),
                csv_cell(&q.query),
                q.searches,
                q.hits.map_or(String::new(), |h| h.to_string()),
                q.clicks,
                csv_cell(q.first_url.as_deref().unwrap_or("")),
                q.days,
                csv_cell(&q.last_day),
                csv_cell(
                    q.suggestion
                        .as_ref()
                        .map_or("", |s| s.line.trim_start_matches("- "))
                ),
            )?;
        }
    }
    Ok(())
}

pub(super) fn text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals;
    match (&report.first_day, &report.last_day) {
        (Some(first), Some(last)) => writeln!(out, "Search insights, {first} to {last}")?,
        _ => writeln!(out, "Search insights: no searches recorded yet")?,
    }
    writeln!(
        out,
        "{} searches of {} queries; {} found nothing ({}); {} results opened; {} feedback votes",
        t.searches,
        t.queries,
        t.zero_result_searches,
        percent(t.zero_result_rate),
        t.clicks,
        t.feedback_votes
    )?;
    if t.unfinished_searches > 0 {
        writeln!(
            out,
            "({} searches of unfinished typing left out)",
            t.unfinished_searches
        )?;
    }
    let table = |out: &mut dyn Write, title: &str, list: &[QueryStats]| -> io::Result<()> {
        writeln!(out, "\n{title}")?;
        if list.is_empty() {
            return writeln!(out, "  (none)");
        }
        let width = list
            .iter()
            .map(|q| q.query.chars().count())
            .max()
            .unwrap_or(5);
        let width = width.clamp(5, 48);
        writeln!(out, "  {:width$}  lang  searches  hits  opened", "query")?;
        for q in list {
            writeln!(
                out,
                "  {:width$}  {:4}  {:>8}  {:>4}  {:>6}",
                q.query,
                q.lang,
                q.searches,
                q.hits.map_or("-".to_string(), |h| h.to_string()),
                q.clicks
            )?;
            if let Some(s) = &q.suggestion {
                writeln!(
                    out,
                    "    suggestion: add `{}` to {} ({} hits with `{}`)",
                    s.line, s.file, s.hits, s.existing
                )?;
            }
        }
        Ok(())
    };
    table(out, "Top queries", &report.top_queries)?;
    table(out, "No results (content gaps)", &report.no_results)?;
    if let Some(why) = &report.suggestions_unavailable {
        writeln!(out, "  (no suggestions: {why})")?;
    }
    table(out, "Results nobody opened", &report.no_clicks)?;
    writeln!(out, "\nLeast helpful pages")?;
    if report.pages.is_empty() {
        writeln!(out, "  (no feedback)")?;
    }
    for p in &report.pages {
        writeln!(
            out,
            "  {}  {} helpful of {} votes",
            p.page,
            percent(p.helpful_ratio),
            p.votes
        )?;
        for c in &p.comments {
            let mark = if c.helpful { "+" } else { "-" };
            writeln!(
                out,
                "    {mark} {}: {}",
                &c.received_at[..10.min(c.received_at.len())],
                c.text
            )?;
        }
    }
    writeln!(out, "\nPer week")?;
    writeln!(
        out,
        "  week      searches  no results  opened  votes  helpful"
    )?;
    for w in &report.weeks {
        writeln!(
            out,
            "  {:8}  {:>8}  {:>10}  {:>6}  {:>5}  {:>7}",
            w.period,
            w.searches,
            percent(w.zero_result_rate),
            w.clicks,
            w.feedback_votes,
            w.feedback_helpful
        )?;
    }
    Ok(())
}

//! What editors read: every row (CSV or JSON) and per-page statistics.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Feedback;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// Write rows as CSV (RFC 4180; cells a spreadsheet would run as a formula are prefixed with
/// `'`) or as a JSON array.
pub fn export(rows: &[Feedback], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Csv => {
            writeln!(out, "id,received_at,page,content_hash,helpful,comment")?;
            for r in rows {
                writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    r.id,
                    csv_cell(&r.received_at),
                    csv_cell(&r.page),
                    csv_cell(&r.content_hash),
                    r.helpful,
                    csv_cell(r.comment.as_deref().unwrap_or(""))
                )?;
            }
            Ok(())
        }
    }
}

/// A CSV cell: quoted when needed, and a formula a spreadsheet would run defused with `'`.
pub fn csv_cell(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageStats {
    pub page: String,
    pub votes: usize,
    pub helpful: usize,
    pub not_helpful: usize,
    /// helpful / votes, 0 to 1.
    pub helpful_ratio: f64,
    pub comments: usize,
}

/// Per-page statistics, least helpful first (the pages an editor should look at).
pub fn stats(rows: &[Feedback]) -> Vec<PageStats> {
    let mut pages: BTreeMap<&str, PageStats> = BTreeMap::new();
    for r in rows {
        let s = pages.entry(&r.page).or_insert_with(|| PageStats {
            page: r.page.clone(),
            ..PageStats::default()
        });
        s.votes += 1;
        if r.helpful {
            s.helpful += 1;
        } else {
            s.not_helpful += 1;
        }
        if r.comment.as_deref().is_some_and(|c| !c.is_empty()) {
            s.comments += 1;
        }
    }
    let mut out: Vec<PageStats> = pages
        .into_values()
        .map(|mut s| {
            s.helpful_ratio = s.helpful as f64 / s.votes as f64;
            s
        })
        .collect();
    out.sort_by(|a, b| {
        a.helpful_ratio
            .total_cmp(&b.helpful_ratio)
            .then(b.votes.cmp(&a.votes))
            .then(a.page.cmp(&b.page))
    });
    out
}

/// The statistics as a text table, one page a line, for `helpcenter feedback stats`.
pub fn write_stats(stats: &[PageStats], out: &mut dyn Write) -> io::Result<()> {
    let width = stats.iter().map(|s| s.page.len()).max().unwrap_or(4).max(4);
    writeln!(out, "{:width$}  votes  helpful  comments", "page")?;
    for s in stats {
        writeln!(
            out,
            "{:width$}  {:>5}  {:>6.0}%  {:>8}",
            s.page,
            s.votes,
            s.helpful_ratio * 100.0,
            s.comments
        )?;
    }
    let votes: usize = stats.iter().map(|s| s.votes).sum();
    writeln!(out, "{} votes on {} pages", votes, stats.len())
}

/// A `--since` that is neither a date nor an RFC 3339 time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--since {0:?}: expected a date like 2025-01-31 or an RFC 3339 time")]
pub struct BadSince(pub String);

/// `2025-01-31` (start of that day, UTC) or an RFC 3339 time → the stored timestamp form.
pub fn parse_since(text: &str) -> Result<String, BadSince> {
    use chrono::{DateTime, NaiveDate, Utc};
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(format!("{date}T00:00:00.000Z"));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        })
        .map_err(|_| BadSince(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(page: &str, helpful: bool, comment: Option<&str>) -> Feedback {
        Feedback {
            id: 1,
            uid: String::new(),
            received_at: "2025-01-01T00:00:00.000Z".into(),
            page: page.into(),
            content_hash: "h".into(),
            helpful,
            comment: comment.map(String::from),
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut out = Vec::new();
        export(
            &[row("/a/", true, Some("=HYPERLINK(\"x\"), yes"))],
            Format::Csv,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with(",true,\"'=HYPERLINK(\"\"x\"\"), yes\"\n"),
            "{text}"
        );
    }

    #[test]
    fn stats_per_page_least_helpful_first() {
        let s = stats(&[
            row("/a/", true, None),
            row("/a/", false, Some("hm")),
            row("/b/", false, None),
        ]);
        assert_eq!(s[0].page, "/b/");
        assert_eq!((s[1].votes, s[1].helpful, s[1].comments), (2, 1, 1));
        assert_eq!(s[1].helpful_ratio, 0.5);
    }
}

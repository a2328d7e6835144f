//! `helpcenter insights --html FILE`: one self-contained page (inline CSS, inline SVG charts
//! drawn here, no script, no font, no request), readable from `file://`. Each chart has a
//! `<title>` and `<desc>` and the same figures as a table.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::report::{Period, QueryStats, Report};
use crate::text::escape_html_into;

use super::svg::{BLUE, Bar, GREEN, GRID, INK, ORANGE, column_chart, short_day};

pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html_into(&mut out, text);
    out
}

pub(super) fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// Write the report as one HTML page; `site` names the Help Center in the heading.
pub fn write(report: &Report, site: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report, site).as_bytes())
}

pub fn render(report: &Report, site: Option<&str>) -> String {
    let mut h = String::new();
    let title = match site {
        Some(site) => format!("Search insights · {site}"),
        None => "Search insights".to_string(),
    };
    let period = match (&report.first_day, &report.last_day) {
        (Some(a), Some(b)) if a == b => format!("Searches of {a} (UTC)."),
        (Some(a), Some(b)) => format!("Searches from {a} to {b} (UTC)."),
        _ => "No searches recorded yet.".to_string(),
    };
    let period = match report.totals.unfinished_searches {
        0 => period,
        n => format!(
            "{period} {n} searches of unfinished typing (a word that a later query of the day \
             goes on with) are left out."
        ),
    };
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>{CSS}</style>\n</head>\n\
         <body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n",
        esc(&title),
        esc(&title),
        esc(&period)
    );
    summary(&mut h, report);

    h.push_str("<section aria-labelledby=\"h-days\">\n<h2 id=\"h-days\">Searches per day</h2>\n");
    let bars: Vec<Bar> = report
        .days
        .iter()
        .map(|d| Bar {
            label: short_day(&d.period),
            value: d.searches as f64,
            part: Some(d.zero_result_searches as f64),
        })
        .collect();
    h.push_str(&column_chart(
        "chart-days",
        "Searches per day",
        &format!(
            "Bars: searches each day; the orange part found nothing. {} days, {} searches, {} with no results.",
            report.days.len(),
            report.totals.searches,
            report.totals.zero_result_searches
        ),
        &bars,
        false,
        &[("Searches", BLUE), ("No results", ORANGE)],
    ));
    period_table(&mut h, "Searches per day, as a table", "Day", &report.days);
    h.push_str("</section>\n");

    h.push_str(
        "<section aria-labelledby=\"h-weeks\">\n<h2 id=\"h-weeks\">Searches with no results</h2>\n",
    );
    let rate_bars = |periods: &[Period]| -> Vec<Bar> {
        periods
            .iter()
            .map(|p| Bar {
                label: if p.period.contains('W') {
                    p.period.clone()
                } else {
                    short_day(&p.period)
                },
                value: p.zero_result_rate,
                part: None,
            })
            .collect()
    };
    h.push_str(&column_chart(
        "chart-zero-days",
        "Zero-result rate per day",
        "Bars: the share of each day's searches that found nothing, from 0 to 100%.",
        &rate_bars(&report.days),
        true,
        &[("Share with no results", ORANGE)],
    ));
    h.push_str(&column_chart(
        "chart-zero-weeks",
        "Zero-result rate per week",
        "Bars: the share of each ISO week's searches that found nothing, from 0 to 100%.",
        &rate_bars(&report.weeks),
        true,
        &[("Share with no results", ORANGE)],
    ));
    period_table(&mut h, "Per week, as a table", "Week", &report.weeks);
    h.push_str("</section>\n");

    query_section(
        &mut h,
        "h-gaps",
        "No results: the content gaps",
        "What readers looked for and did not find, most searched first.",
        &report.no_results,
        true,
    );
    if let Some(why) = &report.suggestions_unavailable {
        let _ = writeln!(h, "<p>No synonym suggestions: {}.</p>", esc(why));
    }
    query_section(
        &mut h,
        "h-top",
        "Top queries",
        "The most searched queries.",
        &report.top_queries,
        false,
    );
    query_section(
        &mut h,
        "h-unopened",
        "Results nobody opened",
        "Queries that found something, where no reader opened a result: the titles or snippets may not answer them.",
        &report.no_clicks,
        false,
    );
    pages_section(&mut h, report);
    h.push_str(
        "<footer><p>Made by <code>helpcenter insights</code>. Queries are stored as the search \
         normalizes them (lowercase, accents folded, e-mail addresses masked) and counted per \
         day; no address, cookie or browser detail is kept.</p></footer>\n</main>\n</body>\n</html>\n",
    );
    h
}

const CSS: &str = "
:root{color-scheme:light;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#111827;background:#fff}
body{margin:0;line-height:1.5}
main{max-width:64rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.75rem;margin:0 0 .25rem}
h2{font-size:1.3rem;margin:2.5rem 0 .5rem;border-bottom:1px solid #d1d5db;padding-bottom:.25rem}
.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0;padding:0}
.totals div{border:1px solid #d1d5db;border-radius:.5rem;padding:.6rem .8rem}
.totals dt{font-size:.85rem;color:#374151}
.totals dd{margin:0;font-size:1.5rem;font-weight:600}
svg{display:block;width:100%;height:auto;max-width:60rem;margin:.75rem 0}
svg text{font-family:inherit}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #d1d5db;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details{margin:.5rem 0 1rem}
summary{cursor:pointer;color:#1e3a8a;font-weight:600;padding:.25rem 0;min-height:24px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f3f4f6;padding:0 .2em;border-radius:.2em}
.comments{margin:0;padding-left:1.1rem}
.muted{color:#4b5563}
footer{margin-top:3rem;font-size:.9rem;color:#374151}
";

fn summary(h: &mut String, report: &Report) {
    let t = &report.totals;
    let helpful = if t.feedback_votes == 0 {
        "–".to_string()
    } else {
        percent(t.feedback_helpful as f64 / t.feedback_votes as f64)
    };
    let opened = if t.searches == 0 {
        "–".to_string()
    } else {
        format!("{}", t.clicks)
    };
    h.push_str("<section aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">Summary</h2>\n<dl class=\"totals\">\n");
    for (term, value) in [
        ("Searches", t.searches.to_string()),
        ("Distinct queries", t.queries.to_string()),
        ("No results", percent(t.zero_result_rate)),
        ("Results opened", opened),
        ("Feedback votes", t.feedback_votes.to_string()),
        ("Found helpful", helpful),
    ] {
        let _ = writeln!(
            h,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            esc(term),
            esc(&value)
        );
    }
    h.push_str("</dl>\n</section>\n");
}

fn period_table(h: &mut String, caption: &str, first: &str, periods: &[Period]) {
    let _ = write!(
        h,
        "<details><summary>{}</summary>\n<table>\n<thead><tr><th scope=\"col\">{first}</th>\
         <th scope=\"col\">Searches</th><th scope=\"col\">No results</th><th scope=\"col\">No-result rate</th>\
         <th scope=\"col\">Results opened</th><th scope=\"col\">Feedback votes</th><th scope=\"col\">Helpful votes</th></tr></thead>\n<tbody>\n",
        esc(caption)
    );
    for p in periods {
        let name = if p.period.contains('W') {
            format!("{} (from {})", p.period, p.start)
        } else {
            p.period.clone()
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&name),
            p.searches,
            p.zero_result_searches,
            percent(p.zero_result_rate),
            p.clicks,
            p.feedback_votes,
            p.feedback_helpful
        );
    }
    h.push_str("</tbody>\n</table>\n</details>\n");
}

fn query_section(
    h: &mut String,
    id: &str,
    title: &str,
    intro: &str,
    queries: &[QueryStats],
    suggestions: bool,
) {
    let _ = write!(
        h,
        "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n<p class=\"muted\">{}</p>\n",
        esc(title),
        esc(intro)
    );
    if queries.is_empty() {
        h.push_str("<p>None in this period.</p>\n</section>\n");
        return;
    }
    let _ = write!(
        h,
        "<table>\n<thead><tr><th scope=\"col\">Query</th><th scope=\"col\">Language</th>\
         <th scope=\"col\">Searches</th><th scope=\"col\">Hits</th><th scope=\"col\">Opened</th>\
         <th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        if suggestions {
            "Suggestion"
        } else {
            "First result"
        }
    );
    for q in queries {
        let last = if suggestions {
            match &q.suggestion {
                Some(s) => format!(
                    "add <code>{}</code> to <code>{}</code> ({} {} with “{}”)",
                    esc(&s.line),
                    esc(&s.file),
                    s.hits,
                    if s.hits == 1 { "hit" } else { "hits" },
                    esc(&s.existing)
                ),
                None => "–".to_string(),
            }
        } else {
            q.first_url
                .as_deref()
                .map_or("–".to_string(), |u| format!("<code>{}</code>", esc(u)))
        };
        let opened = if q.clicks_by_position.is_empty() {
            "0".to_string()
        } else {
            let positions: Vec<String> = q
                .clicks_by_position
                .iter()
                .map(|(p, n)| format!("#{p}: {n}"))
                .collect();
            format!("{} ({})", q.clicks, positions.join(", "))
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{last}</td></tr>",
            esc(&q.query),
            esc(&q.lang),
            q.searches,
            q.hits.map_or("–".to_string(), |n| n.to_string()),
            esc(&opened)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn pages_section(h: &mut String, report: &Report) {
    h.push_str("<section aria-labelledby=\"h-pages\">\n<h2 id=\"h-pages\">Helpfulness per page</h2>\n\
                <p class=\"muted\">Pages with “was this helpful?” answers, least helpful first, with their latest comments.</p>\n");
    let pages = &report.pages;
    let (width, row, left, top) = (720.0, 28.0, 300.0, 10.0);
    let height = top * 2.0 + row * pages.len().max(1) as f64;
    let plot_w = width - left - 110.0;
    let _ = write!(
        h,
        "<svg id=\"chart-pages\" role=\"img\" aria-labelledby=\"chart-pages-title chart-pages-desc\" viewBox=\"0 0 {width} {height}\">\
         <title id=\"chart-pages-title\">Helpfulness per page</title>\
         <desc id=\"chart-pages-desc\">Horizontal bars: the share of each page's votes that said helpful, from 0 to 100%. {} pages.</desc>",
        pages.len()
    );
    if pages.is_empty() {
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"{INK}\">No feedback in this period</text>",
            width / 2.0,
            top + row / 2.0 + 4.0
        );
    }
    for (i, p) in pages.iter().enumerate() {
        let y = top + row * i as f64;
        let label: String = if p.page.chars().count() > 40 {
            format!(
                "…{}",
                p.page
                    .chars()
                    .rev()
                    .take(39)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<String>()
            )
        } else {
            p.page.clone()
        };
        let w = plot_w * p.helpful_ratio.clamp(0.0, 1.0);
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\" fill=\"{INK}\">{}</text>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"{plot_w}\" height=\"18\" fill=\"#f3f4f6\" stroke=\"{GRID}\"/>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{GREEN}\"><title>{}: {} helpful of {} votes</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"{INK}\">{} of {}</text>",
            left - 8.0,
            y + 15.0,
            esc(&label),
            y + 2.0,
            y + 2.0,
            esc(&p.page),
            percent(p.helpful_ratio),
            p.votes,
            left + plot_w + 8.0,
            y + 15.0,
            percent(p.helpful_ratio),
            p.votes
        );
    }
    h.push_str("</svg>\n");
    if pages.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<caption>Votes and comments per page</caption>\n<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Votes</th>\
         <th scope=\"col\">Helpful</th><th scope=\"col\">Not helpful</th><th scope=\"col\">Found helpful</th>\
         <th scope=\"col\">Latest comments</th></tr></thead>\n<tbody>\n",
    );
    for p in pages {
        let mut comments = String::new();
        if !p.comments.is_empty() {
            comments.push_str("<ul class=\"comments\">");
            for c in &p.comments {
                let _ = write!(
                    comments,
                    "<li>{} ({}, {})</li>",
                    esc(&c.text),
                    if c.helpful { "helpful" } else { "not helpful" },
                    esc(c.received_at.get(..10).unwrap_or(&c.received_at))
                );
            }
            comments.push_str("</ul>");
        }
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{comments}</td></tr>",
            esc(&p.page),
            p.votes,
            p.helpful,
            p.not_helpful,
            percent(p.helpful_ratio)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

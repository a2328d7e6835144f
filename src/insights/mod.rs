//! Search insights (issue 19): what readers searched for, what found nothing, which results
//! they opened, put together with their feedback for editors. Nothing about the reader is kept.
//!
//! - [`Recorder`]: the server's side. `/api/search` and `/api/search/click` hand it an event
//!   with a non-blocking send on a bounded channel (a full queue drops the event and counts
//!   it); one thread folds the events into per-day counts and writes them in batches.
//! - [`store`]: the [`Store`] interface the recorder and the report use, and its SQLite
//!   implementation (the feedback database, migration 3); [`postgres`]: the same on the
//!   PostgreSQL feedback database that several servers share.
//! - [`report`]: `helpcenter insights` (text, JSON, CSV); [`html`]: the self-contained HTML
//!   report with inline SVG charts; [`suggest`]: synonym lines for zero-result queries.

mod formats;
pub mod html;
pub mod postgres;
mod recorder;
pub mod report;
pub mod store;
pub mod suggest;
mod svg;

use serde::{Deserialize, Serialize};

pub use postgres::PostgresStore;
pub use recorder::{Recorder, RecorderStats};
pub use store::{Counts, QueryDay, SqliteStore, Store, StoreError};

/// Most characters of a normalized query kept; the rest is cut.
pub const MAX_QUERY_CHARS: usize = 200;

/// `[insights]` in `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Record searches and result opens (default `true`).
    pub enabled: bool,
    /// Days of counts kept; older days are deleted on start and daily (default 90).
    pub retention_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            retention_days: 90,
        }
    }
}

/// A query as stored: e-mail addresses masked (`[email]`), then lowercased, accents folded
/// (as the search folds them) and whitespace collapsed, at most [`MAX_QUERY_CHARS`].
pub fn normalize(query: &str) -> String {
    let masked = mask_emails(query);
    let folded = crate::search::static_index::fold(&masked);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    match out.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => out[..cut].trim_end().to_string(),
        None => out,
    }
}

/// `write to ana.perez@example.com` → `write to [email]`: every `local@domain.tld` replaced.
pub fn mask_emails(text: &str) -> String {
    let local = |c: char| c.is_alphanumeric() || "._%+-'!#$&*/=?^`{|}~".contains(c);
    let domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // byte offset copied up to
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1 != '@' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && local(chars[start - 1].1) && chars[start - 1].0 >= copied {
            start -= 1;
        }
        let mut end = i + 1;
        while end < chars.len() && domain(chars[end].1) {
            end += 1;
        }
        // The domain without trailing dots or dashes ("mail me at a@b.com.").
        while end > i + 1 && matches!(chars[end - 1].1, '.' | '-') {
            end -= 1;
        }
        let host: String = chars[i + 1..end].iter().map(|(_, c)| c).collect();
        let dotted =
            host.split('.').filter(|part| !part.is_empty()).count() >= 2 && !host.starts_with('.');
        if start < i && dotted {
            out.push_str(&text[copied..chars[start].0]);
            out.push_str("[email]");
            copied = chars.get(end).map_or(text.len(), |(at, _)| *at);
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Today's date (UTC) as stored: `2025-01-31`.
pub fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// The first day kept with `retention_days` of retention: today when 0 or 1.
pub fn first_kept_day(retention_days: u32) -> String {
    let today = chrono::Utc::now().date_naive();
    let back = chrono::Days::new(u64::from(retention_days.saturating_sub(1)));
    today
        .checked_sub_days(back)
        .unwrap_or(today)
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_email_addresses() {
        assert_eq!(mask_emails("ana.perez@example.com"), "[email]");
        assert_eq!(
            mask_emails("reset for Bob+x@mail.example.org, please."),
            "reset for [email], please."
        );
        assert_eq!(mask_emails("a@b.com. and c@d.io"), "[email]. and [email]");
        assert_eq!(mask_emails("@home"), "@home");
        assert_eq!(mask_emails("me@localhost"), "me@localhost");
        assert_eq!(
            mask_emails("call +55 11 5555 1234"),
            "call +55 11 5555 1234"
        );
        assert_eq!(mask_emails("ñú@x.es"), "[email]");
    }

    #[test]
    fn normalizes_as_the_search_folds() {
        assert_eq!(
            normalize("  Facturación   de\tSEÑAL "),
            "facturacion de senal"
        );
        assert_eq!(
            normalize("Reset ANA@Example.com password"),
            "reset [email] password"
        );
        assert_eq!(normalize("0800 887 3333"), "0800 887 3333");
        assert_eq!(normalize(&"x".repeat(500)).len(), MAX_QUERY_CHARS);
    }

    #[test]
    fn retention_counts_today() {
        assert_eq!(first_kept_day(1), today());
        assert!(first_kept_day(90) < today());
    }
}

//! The one place YAML is parsed, so moving off serde_yaml later is a one-file change.

use std::collections::HashSet;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

/// How deeply values may nest (serde_yaml's own recursion limit).
pub const MAX_DEPTH: usize = 128;
/// How much text a file may stand for once its aliases are expanded: a few aliases are fine,
/// a 220 KB file that repeats a 100,000-character anchor 20,000 times is not.
const MAX_EXPANDED: usize = 16 << 20;

/// Parse `source` (from `path`, starting at 1-based `first_line` of that file) into `T`.
/// Errors say where and what was expected, in the file's own line numbers.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if let Err((line, column, message, hint)) = bounded(source) {
        let location = Location::at(path, line + first_line - 1, column);
        return Err(Diagnostic::error("yaml", location, message).with_hint(hint));
    }
    serde_yaml::from_str(source).map_err(|e| {
        let mut location = match e.location() {
            Some(l) => Location::at(path, l.line() + first_line - 1, l.column()),
            None => Location::file(path),
        };
        // serde_yaml points at the mapping; the editor wants the second key.
        if e.to_string().contains("duplicate")
            && let Some((line, column)) = duplicate_key(source)
        {
            location = Location::at(path, line + first_line - 1, column);
        }
        // serde_yaml appends "at line X column Y" to messages; the location already says it.
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        // Say it in the editor's words: `.[0]: …` is the first item of a top-level list.
        let message = message
            .strip_prefix('.')
            .unwrap_or(&message)
            .replace("expected i64", "expected a whole number");
        let tab = location
            .line
            .and_then(|line| source.lines().nth(line.checked_sub(first_line)?))
            .is_some_and(|line| line.contains('\t'));
        let hint = if tab {
            Some("YAML does not allow tabs for indentation: indent with spaces")
        } else {
            hint_for(&message)
        };
        let diagnostic = Diagnostic::error("yaml", location, message);
        match hint {
            Some(h) => diagnostic.with_hint(h),
            None => diagnostic,
        }
    })
}

pub(crate) fn hint_for(message: &str) -> Option<&'static str> {
    if message.contains("unknown field") {
        Some("check the spelling of the key; the expected keys are listed above")
    } else if message.contains("missing field") {
        Some("add the missing key")
    } else if message.contains("duplicate entry")
        || message.contains("duplicate field")
        || message.contains("duplicate key")
    {
        Some("a key may appear only once in a mapping")
    } else if message.contains("mapping values are not allowed")
        || message.contains("did not find expected")
    {
        Some(
            "quote values that contain `: ` or start with a special character, and check the indentation",
        )
    } else if message.contains("input contains invalid characters")
        || message.contains("premature end of input")
        || message.contains("input is out of range")
        || message.contains("trailing input")
    {
        Some("write dates as YYYY-MM-DD, e.g. 2027-03-31")
    } else if message.contains("recursion limit exceeded") {
        Some("the value is nested too deeply; data files need only a few levels")
    } else {
        None
    }
}

type Unbounded = (usize, usize, String, &'static str);

/// Refuse, before serde_yaml sees it, YAML that would take it unbounded time or memory: values
/// nested deeper than [`MAX_DEPTH`] (libyaml rescans every open `[` for each token, so 600 KB
/// of `[[[…` takes minutes) and aliases that expand past [`MAX_EXPANDED`]. Reads the events
/// with yaml-rust2, stopping at the first limit; a syntax error is left to serde_yaml, whose
/// message is the one editors see. Only text with an anchor or many brackets is read twice.
fn bounded(source: &str) -> Result<(), Unbounded> {
    use yaml_rust2::parser::{Event, Parser};

    let brackets = source.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if !source.contains('&') && brackets <= MAX_DEPTH {
        return Ok(());
    }
    let limit = MAX_EXPANDED.max(2 * source.len());
    // Per open collection: its anchor and the expanded size of what it holds so far.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut anchored: std::collections::HashMap<usize, usize> = Default::default();
    let mut total = 0usize;
    let mut parser = Parser::new_from_str(source);
    let too_deep = |line, column| {
        Err((
            line,
            column,
            format!("the value is nested more than {MAX_DEPTH} levels deep"),
            "data files need only a few levels; check for unclosed `[` or `{`",
        ))
    };
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            // The scanner reads ahead through open brackets and stops at its own limit.
            Err(e) if e.info().contains("recursion limit") => {
                return too_deep(e.marker().line(), e.marker().col() + 1);
            }
            Err(_) => return Ok(()),
        };
        let size = match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() == MAX_DEPTH {
                    return too_deep(mark.line(), mark.col() + 1);
                }
                open.push((anchor, 1));
                total += 1;
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, size)) = open.pop() else {
                    continue;
                };
                if anchor != 0 {
                    anchored.insert(anchor, size);
                }
                size
            }
            Event::Scalar(text, _, anchor, _) => {
                let size = text.len() + 1;
                if anchor != 0 {
                    anchored.insert(anchor, size);
                }
                total += size;
                size
            }
            Event::Alias(anchor) => {
                let size = anchored.get(&anchor).copied().unwrap_or(1);
                total = total.saturating_add(size);
                size
            }
            _ => continue,
        };
        if let Some((_, parent)) = open.last_mut() {
            *parent = parent.saturating_add(size);
        }
        if total > limit {
            return Err((
                mark.line(),
                mark.col() + 1,
                format!("aliases expand this file to more than {} MB", limit >> 20),
                "repeat the text itself, or use fewer `*alias` references to long values",
            ));
        }
    }
}

/// Where the first key repeated within one mapping is (line, 1-based column), read from the
/// events (yaml-rust2 counts columns from 0).
fn duplicate_key(source: &str) -> Option<(usize, usize)> {
    use yaml_rust2::parser::{Event, Parser};

    enum Open {
        Map {
            keys: HashSet<String>,
            key_next: bool,
        },
        Seq,
    }
    // A node ended: in a mapping, a key is followed by its value and a value by a key.
    fn done(open: &mut [Open]) {
        if let Some(Open::Map { key_next, .. }) = open.last_mut() {
            *key_next = !*key_next;
        }
    }
    let mut open: Vec<Open> = Vec::new();
    let mut parser = Parser::new_from_str(source);
    loop {
        let (event, mark) = parser.next_token().ok()?;
        match event {
            Event::StreamEnd => return None,
            Event::MappingStart(..) => open.push(Open::Map {
                keys: HashSet::new(),
                key_next: true,
            }),
            Event::SequenceStart(..) => open.push(Open::Seq),
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
                done(&mut open);
            }
            Event::Scalar(text, ..) => {
                if let Some(Open::Map {
                    keys,
                    key_next: true,
                }) = open.last_mut()
                    && !keys.insert(text)
                {
                    return Some((mark.line(), mark.col() + 1));
                }
                done(&mut open);
            }
            Event::Alias(_) => done(&mut open),
            _ => {}
        }
        if open.len() > MAX_DEPTH {
            return None;
        }
    }
}

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
    parse_with(path, source, first_line, None)
}

/// [`parse`], and where each value of `source` is: serde keeps no positions, and the checks
/// point at values (a phone number, a duplicate id) long after the text is gone.
pub fn parse_spanned<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    first_line: usize,
) -> Result<(T, Span), Diagnostic> {
    let mut spans = Spanner::new(first_line);
    let value = parse_with(path, source, first_line, Some(&mut spans))?;
    Ok((value, spans.finish()))
}

fn parse_with<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    first_line: usize,
    spans: Option<&mut Spanner>,
) -> Result<T, Diagnostic> {
    if let Err((line, column, message, hint)) = bounded(source, spans) {
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
/// message is the one editors see. The same events give `spans` their positions. Only text
/// with an anchor or many brackets, or whose spans are wanted, is read twice.
fn bounded(source: &str, mut spans: Option<&mut Spanner>) -> Result<(), Unbounded> {
    use yaml_rust2::parser::{Event, Parser};

    let brackets = source.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if spans.is_none() && !source.contains('&') && brackets <= MAX_DEPTH {
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
        if let Some(spans) = spans.as_deref_mut() {
            spans.event(&event, mark);
        }
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

/// Where a YAML node starts (1-based line and column in its file) and where its children do:
/// the positions serde forgets, kept beside the typed data for diagnostics about values.
/// `line` 0 means not known (the default, for data not read from a file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    /// A sequence's items.
    items: Vec<Span>,
    /// A mapping's values by key (keys that are not plain text are left out).
    fields: Vec<(String, Span)>,
}

/// One step from a node to a child: a mapping's key or a sequence's index.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Item(usize),
}

impl Span {
    fn at_mark(line: usize, column: usize) -> Span {
        Span {
            line,
            column,
            ..Span::default()
        }
    }

    fn child(&self, step: Step) -> Option<&Span> {
        match step {
            Step::Key(key) => self.fields.iter().find(|(k, _)| k == key).map(|(_, s)| s),
            Step::Item(index) => self.items.get(index),
        }
    }

    /// The node at `path`, or the nearest one on the way that was recorded: an alias
    /// (`local: *numbers`) stands for the whole value it repeats.
    pub fn at(&self, path: &[Step]) -> &Span {
        let mut node = self;
        for &step in path {
            match node.child(step) {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }

    /// The node at `path` with its children, to keep beside the value found there; only its
    /// position when the path ends early (see [`Span::at`]).
    pub fn part(&self, path: &[Step]) -> Span {
        let mut node = self;
        for &step in path {
            match node.child(step) {
                Some(child) => node = child,
                None => return Span::at_mark(node.line, node.column),
            }
        }
        node.clone()
    }

    /// Where this node is in `file`: the whole file when its position is not known.
    pub fn location(&self, file: &Path) -> Location {
        match self.line {
            0 => Location::file(file),
            line => Location::at(file, line, self.column),
        }
    }
}

/// Builds the [`Span`] tree of a document from the parser's events.
struct Spanner {
    first_line: usize,
    open: Vec<(Span, Expect)>,
    root: Option<Span>,
}

/// What an open collection reads next.
enum Expect {
    Item,
    Key,
    /// The value of this key (`None`: a key that is not plain text, whose value is not kept).
    Value(Option<String>),
}

impl Spanner {
    fn new(first_line: usize) -> Spanner {
        Spanner {
            first_line,
            open: Vec::new(),
            root: None,
        }
    }

    fn event(&mut self, event: &yaml_rust2::parser::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::parser::Event;
        use yaml_rust2::scanner::TScalarStyle;

        // yaml-rust2 counts lines from 1 and columns from 0, and a quoted scalar starts at its
        // quote; editors want the first character of the value.
        let line = mark.line() + self.first_line - 1;
        let column = mark.col() + 1;
        match event {
            Event::Scalar(text, style, ..) => {
                let quoted = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let span = Span::at_mark(line, column + usize::from(quoted));
                self.node(span, Some(text.clone()));
            }
            Event::Alias(_) => self.node(Span::at_mark(line, column), None),
            Event::SequenceStart(..) => self.open.push((Span::at_mark(line, column), Expect::Item)),
            Event::MappingStart(..) => self.open.push((Span::at_mark(line, column), Expect::Key)),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
    }

    fn close(&mut self) {
        if let Some((span, _)) = self.open.pop() {
            self.node(span, None);
        }
    }

    /// A node ended: an item of a sequence, a key or a value of a mapping, or the document.
    fn node(&mut self, span: Span, text: Option<String>) {
        let Some((parent, expect)) = self.open.last_mut() else {
            self.root.get_or_insert(span);
            return;
        };
        match std::mem::replace(expect, Expect::Key) {
            Expect::Item => {
                parent.items.push(span);
                *expect = Expect::Item;
            }
            Expect::Key => *expect = Expect::Value(text),
            Expect::Value(Some(name)) => parent.fields.push((name, span)),
            Expect::Value(None) => {}
        }
    }

    /// The tree; a document the events stopped in (a syntax error) keeps what was read.
    fn finish(mut self) -> Span {
        while !self.open.is_empty() {
            self.close();
        }
        self.root.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Step::{Item, Key};
    use super::*;

    fn spans(source: &str) -> Span {
        let (_, span) = parse_spanned::<serde_yaml::Value>(Path::new("t.yaml"), source, 1).unwrap();
        span
    }

    fn at(span: &Span, path: &[Step]) -> (usize, usize) {
        let node = span.at(path);
        (node.line, node.column)
    }

    #[test]
    fn spans_point_at_values_in_block_and_flow_style() {
        let span = spans(
            "title: T\nrows:\n  - location: A\n    local: [\"+55 11\", '0800']\n\n  # c\n  - id: b\n    toll_free:\n      - number: 0800 1\n        note: x\n",
        );
        assert_eq!(at(&span, &[Key("title")]), (1, 8));
        assert_eq!(at(&span, &[Key("rows"), Item(0), Key("location")]), (3, 15));
        // Inside the quotes.
        assert_eq!(
            at(&span, &[Key("rows"), Item(0), Key("local"), Item(0)]),
            (4, 14)
        );
        assert_eq!(
            at(&span, &[Key("rows"), Item(0), Key("local"), Item(1)]),
            (4, 24)
        );
        assert_eq!(at(&span, &[Key("rows"), Item(1), Key("id")]), (7, 9));
        let number = [
            Key("rows"),
            Item(1),
            Key("toll_free"),
            Item(0),
            Key("number"),
        ];
        assert_eq!(at(&span, &number), (9, 17));
    }

    #[test]
    fn a_path_past_an_alias_ends_at_the_alias() {
        let span = spans("a: &n [\"1\", \"2\"]\nb: *n\n");
        assert_eq!(at(&span, &[Key("a"), Item(1)]), (1, 14));
        assert_eq!(at(&span, &[Key("b"), Item(1)]), (2, 4));
        assert_eq!(span.part(&[Key("b"), Item(1)]), span.part(&[Key("b")]));
        assert_eq!(at(&span, &[Key("missing")]), at(&span, &[]));
    }

    #[test]
    fn spans_count_lines_from_the_first_line_of_the_text() {
        let (_, span) =
            parse_spanned::<serde_yaml::Value>(Path::new("t.md"), "title: T\n", 2).unwrap();
        assert_eq!(
            span.at(&[Key("title")]).location(Path::new("t.md")),
            Location::at("t.md", 2, 8)
        );
        assert_eq!(
            Span::default().location(Path::new("t.md")),
            Location::file("t.md")
        );
    }
}

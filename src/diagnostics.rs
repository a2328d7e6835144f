//! Diagnostics: every problem found in a site, with where it is and how to fix it.
//!
//! Loaders never stop at the first problem: they collect [`Diagnostic`]s so an editor sees every
//! mistake in one run. Rendering follows rustc (`error[code]: message`, `--> path:line:col`, the
//! source line with a caret, a `help:` line) through annotate-snippets.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a diagnostic points: a file, and optionally a 1-based line and column in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// The location of byte `offset` in `source`.
    pub fn at_offset(file: impl Into<PathBuf>, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        Location::at(file, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable short code such as `yaml` or `phone-invalid`, for filtering and docs.
    pub code: &'static str,
    pub message: String,
    pub location: Location,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location,
            hint: None,
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            location,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render rustc-style. `root` is stripped from the path; the source line is read from disk
    /// (or from the binary, for a built-in theme file).
    pub fn render(&self, root: &Path, color: bool) -> String {
        let path = self
            .location
            .file
            .strip_prefix(root)
            .unwrap_or(&self.location.file);
        let path = path.display().to_string();
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let source_line = self.location.line.and_then(|line| {
            // A built-in theme file is in the binary, not on disk.
            let text = match std::fs::read(&self.location.file) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => crate::render::theme_files::built_in_source(&self.location.file)?,
            };
            Some((line, text.lines().nth(line.checked_sub(1)?)?.to_string()))
        });
        let title = level.primary_title(&self.message).id(self.code);
        let mut group = match &source_line {
            Some((line, text)) => {
                let col = self.location.column.unwrap_or(1).saturating_sub(1);
                let start = text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
                let len = underline_len(text, start);
                let snippet = Snippet::source(text.as_str())
                    .line_start(*line)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(start..start + len));
                Group::with_title(title).element(snippet)
            }
            None => {
                let mut origin = annotate_snippets::Origin::path(path.as_str());
                if let Some(line) = self.location.line {
                    origin = origin
                        .line(line)
                        .char_column(self.location.column.unwrap_or(1));
                }
                Group::with_title(title).element(origin)
            }
        };
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// How much of `line` to underline from byte `start`: a quoted value up to its closing quote,
/// else the word (up to a space, `,`, a bracket or `: `), at least one character.
fn underline_len(line: &str, start: usize) -> usize {
    let rest = &line[start..];
    let quote = line[..start]
        .chars()
        .next_back()
        .filter(|c| *c == '"' || *c == '\'');
    let end = match quote {
        Some(q) => rest.find(q),
        None => rest.char_indices().find_map(|(i, c)| {
            let ends = c.is_whitespace()
                || ",)]}\"".contains(c)
                || (c == ':' && rest[i + 1..].starts_with(|n: char| n.is_whitespace()))
                || (c == ':' && i + 1 == rest.len());
            ends.then_some(i)
        }),
    };
    end.filter(|&n| n > 0).unwrap_or_else(|| {
        if quote.is_none() && !rest.trim_end().is_empty() {
            rest.trim_end().len()
        } else {
            rest.chars().next().map_or(0, char::len_utf8)
        }
    })
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {level}[{}]: {}",
            self.location, self.code, self.message
        )
    }
}

/// `helpcenter check --format json`: the counts and every diagnostic, files relative to the
/// site's folder. Fields in alphabetical order, the order the report has always had.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub diagnostics: Vec<ReportEntry<'a>>,
    pub errors: usize,
    pub files: usize,
    pub warnings: usize,
}

/// One diagnostic of a [`Report`]: its location flattened, `null` for what it lacks.
#[derive(Debug, Serialize)]
pub struct ReportEntry<'a> {
    pub code: &'a str,
    pub column: Option<usize>,
    /// Relative to the site's folder, with `/` separators.
    pub file: String,
    pub hint: Option<&'a str>,
    pub line: Option<usize>,
    pub message: &'a str,
    pub severity: Severity,
}

impl<'a> Report<'a> {
    pub fn new(diagnostics: &'a [Diagnostic], files: usize, root: &Path) -> Report<'a> {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let entries = diagnostics
            .iter()
            .map(|d| ReportEntry {
                code: d.code,
                column: d.location.column,
                file: d
                    .location
                    .file
                    .strip_prefix(root)
                    .unwrap_or(&d.location.file)
                    .to_string_lossy()
                    .replace('\\', "/"),
                hint: d.hint.as_deref(),
                line: d.location.line,
                message: &d.message,
                severity: d.severity,
            })
            .collect();
        Report {
            diagnostics: entries,
            errors,
            files,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Counts for the summary line: `2 errors, 5 warnings in 43 files`.
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!("{} in {}", counts(errors, warnings), plural(files, "file"))
}

pub fn counts(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Read a text file. Errors name the file; a byte that is not UTF-8 is reported at its line and
/// column.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "io",
            Location::file(path),
            format!("cannot read the file: {e}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::error(
            "encoding",
            Location::at_offset(path, &text, offset),
            "the file is not valid UTF-8",
        )
        .with_hint("save the file as UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_report_keeps_its_keys_order_and_nulls() {
        let diagnostics = [
            Diagnostic::error("yaml", Location::at("/site/content/a.yaml", 2, 5), "bad")
                .with_hint("fix it"),
            Diagnostic::warning("io", Location::file("/site/site.toml"), "odd"),
        ];
        let report = Report::new(&diagnostics, 3, Path::new("/site"));
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(
            text,
            r#"{"diagnostics":[{"code":"yaml","column":5,"file":"content/a.yaml","hint":"fix it","line":2,"message":"bad","severity":"error"},{"code":"io","column":null,"file":"site.toml","hint":null,"line":null,"message":"odd","severity":"warning"}],"errors":1,"files":3,"warnings":1}"#
        );
    }
}

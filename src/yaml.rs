//! The one place YAML is parsed, so moving off serde_yaml later is a one-file change.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

/// Parse `source` (from `path`, starting at 1-based `first_line` of that file) into `T`.
/// Errors say where and what was expected, in the file's own line numbers.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    source: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str(source).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::at(path, l.line() + first_line - 1, l.column()),
            None => Location::file(path),
        };
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
        let hint = hint_for(&message);
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

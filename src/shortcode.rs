//! Shortcodes: `{{ name(key="value", …) }}` alone in a paragraph places data on a page. They
//! are read once, where Markdown is read ([`crate::markdown`]), into a typed [`Shortcode`];
//! content (placements), render, search and check consume the type and never the text.

use serde::Serialize;

/// What a page places.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum Shortcode {
    /// `contacts(table="id")`: the table of `data/contacts/id.yaml`.
    Contacts { table: String },
    /// `services()`: every service of `data/services.yaml`.
    Services,
    /// `service(id="id")`.
    Service { id: String },
    /// `roles()`: every role of `data/roles.yaml`.
    Roles,
    /// `role(code="AM")`.
    Role { code: String },
    /// `procedure(id="id")`: `data/procedures/id.yaml`.
    Procedure { id: String },
}

/// A shortcode as written on a page: what it places, or why it places nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placed {
    pub shortcode: Result<Shortcode, String>,
    /// Byte offset in the Markdown source.
    pub offset: usize,
}

/// The names, for "did you mean" and the help line.
pub const NAMES: &[&str] = &[
    "contacts",
    "services",
    "service",
    "roles",
    "role",
    "procedure",
];
pub const HELP: &str = "shortcodes are contacts(table=\"id\"), services(), service(id=\"id\"), roles(), role(code=\"AM\"), procedure(id=\"id\")";

impl Shortcode {
    /// Read the text of a paragraph: `None` when it is not in the shape of a shortcode (it is
    /// then plain text), else the shortcode or why it is none.
    pub fn read(text: &str) -> Option<Result<Shortcode, String>> {
        let (name, args) = syntax(text)?;
        let arg = |key: &str| {
            args.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("the shortcode `{name}` needs a `{key}=\"…\"` argument"))
        };
        Some(match name.as_str() {
            "contacts" => arg("table").map(|table| Shortcode::Contacts { table }),
            "services" => Ok(Shortcode::Services),
            "service" => arg("id").map(|id| Shortcode::Service { id }),
            "roles" => Ok(Shortcode::Roles),
            "role" => arg("code").map(|code| Shortcode::Role { code }),
            "procedure" => arg("id").map(|id| Shortcode::Procedure { id }),
            other => Err(format!(
                "unknown shortcode `{other}`{}",
                crate::text::did_you_mean(other, NAMES.iter().copied())
            )),
        })
    }

    /// The marker left in the HTML where the shortcode's output goes.
    pub fn placeholder(index: usize) -> String {
        format!("<!--hc:shortcode:{index}-->")
    }

    /// The data file it reads: `contacts/ID`, `procedures/ID`, `services`, `roles`.
    pub fn source(&self) -> String {
        match self {
            Shortcode::Contacts { table } => format!("contacts/{table}"),
            Shortcode::Procedure { id } => format!("procedures/{id}"),
            Shortcode::Services | Shortcode::Service { .. } => "services".into(),
            Shortcode::Roles | Shortcode::Role { .. } => "roles".into(),
        }
    }
}

/// `{{ name(key="value", …) }}` → the name and the arguments.
fn syntax(text: &str) -> Option<(String, Vec<(String, String)>)> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let (name, rest) = inner.split_once('(')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut args_src = rest.strip_suffix(')')?.trim();
    let mut args = Vec::new();
    while !args_src.is_empty() {
        let (key, after) = args_src.split_once('=')?;
        let after = after.trim_start().strip_prefix('"')?;
        let (value, after) = after.split_once('"')?;
        args.push((key.trim().to_string(), value.to_string()));
        args_src = after.trim_start();
        args_src = args_src.strip_prefix(',').unwrap_or(args_src).trim_start();
    }
    Some((name.to_string(), args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind_and_says_what_is_wrong() {
        assert_eq!(
            Shortcode::read("{{ contacts(table=\"offices\", country=\"BR\") }}"),
            Some(Ok(Shortcode::Contacts {
                table: "offices".into()
            }))
        );
        assert_eq!(Shortcode::read("{{ roles() }}"), Some(Ok(Shortcode::Roles)));
        assert_eq!(
            Shortcode::read("{{ role() }}"),
            Some(Err(
                "the shortcode `role` needs a `code=\"…\"` argument".into()
            ))
        );
        assert_eq!(
            Shortcode::read("{{ contact(table=\"x\") }}"),
            Some(Err(
                "unknown shortcode `contact`; did you mean `contacts`?".into()
            ))
        );
        assert_eq!(Shortcode::read("{{ not a shortcode }}"), None);
        assert_eq!(Shortcode::read("plain text"), None);
    }
}

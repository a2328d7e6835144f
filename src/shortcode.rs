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

/// Why a shortcode places nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortcodeError {
    #[error("the shortcode `{name}` needs a `{key}=\"…\"` argument")]
    MissingArgument { name: String, key: &'static str },
    /// `did_you_mean` is empty or `; did you mean …?`.
    #[error("unknown shortcode `{name}`{did_you_mean}")]
    Unknown { name: String, did_you_mean: String },
    /// It names data that does not exist.
    #[error("no {}{did_you_mean}", missing(.shortcode))]
    NoData {
        shortcode: Shortcode,
        did_you_mean: String,
    },
}

/// What a shortcode looked for and did not find.
fn missing(shortcode: &Shortcode) -> String {
    match shortcode {
        Shortcode::Contacts { table: id } => {
            format!("contact table `{id}` (looked for data/contacts/{id}.yaml)")
        }
        Shortcode::Service { id } => format!("service with id `{id}` in data/services.yaml"),
        Shortcode::Role { code } => format!("role with code `{code}` in data/roles.yaml"),
        Shortcode::Procedure { id } => {
            format!("procedure `{id}` (looked for data/procedures/{id}.yaml)")
        }
        Shortcode::Services | Shortcode::Roles => format!("data for {}", shortcode.source()),
    }
}

/// As its message: pages are serialized for templates, which show it.
impl Serialize for ShortcodeError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A shortcode as written on a page: what it places, or why it places nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placed {
    pub shortcode: Result<Shortcode, ShortcodeError>,
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
    pub fn read(text: &str) -> Option<Result<Shortcode, ShortcodeError>> {
        let (name, args) = syntax(text)?;
        let arg = |key: &'static str| {
            args.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| ShortcodeError::MissingArgument {
                    name: name.clone(),
                    key,
                })
        };
        Some(match name.as_str() {
            "contacts" => arg("table").map(|table| Shortcode::Contacts { table }),
            "services" => Ok(Shortcode::Services),
            "service" => arg("id").map(|id| Shortcode::Service { id }),
            "roles" => Ok(Shortcode::Roles),
            "role" => arg("code").map(|code| Shortcode::Role { code }),
            "procedure" => arg("id").map(|id| Shortcode::Procedure { id }),
            other => Err(ShortcodeError::Unknown {
                name: other.to_string(),
                did_you_mean: crate::text::did_you_mean(other, NAMES.iter().copied()),
            }),
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
        let error = |text| {
            Shortcode::read(text)
                .and_then(Result::err)
                .map(|e| e.to_string())
        };
        assert_eq!(
            error("{{ role() }}").as_deref(),
            Some("the shortcode `role` needs a `code=\"…\"` argument")
        );
        assert_eq!(
            error("{{ contact(table=\"x\") }}").as_deref(),
            Some("unknown shortcode `contact`; did you mean `contacts`?")
        );
        assert_eq!(Shortcode::read("{{ not a shortcode }}"), None);
        assert_eq!(Shortcode::read("plain text"), None);
    }

    #[test]
    fn missing_data_is_named_with_where_it_was_looked_for() {
        let no = |shortcode| {
            ShortcodeError::NoData {
                shortcode,
                did_you_mean: String::new(),
            }
            .to_string()
        };
        let id = || "x".to_string();
        assert_eq!(
            no(Shortcode::Contacts { table: id() }),
            "no contact table `x` (looked for data/contacts/x.yaml)"
        );
        assert_eq!(
            no(Shortcode::Service { id: id() }),
            "no service with id `x` in data/services.yaml"
        );
        assert_eq!(
            no(Shortcode::Role { code: id() }),
            "no role with code `x` in data/roles.yaml"
        );
        assert_eq!(
            no(Shortcode::Procedure { id: id() }),
            "no procedure `x` (looked for data/procedures/x.yaml)"
        );
    }
}

//! Typed data as a whole: duplicate ids, data no page shows, e-mail addresses.

use std::collections::HashMap;

use super::{TableSource, contact_tables};
use crate::content::{DataRef, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::slug::slugify;
use crate::yaml::{Span, Step};

pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for TableSource { table, path } in contact_tables(site) {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, row) in table.rows.iter().enumerate() {
            if let Some(id) = &row.id
                && let Some(first) = ids.insert(id, i)
            {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-id",
                        row.span.at(&[Step::Key("id")]).location(path),
                        format!(
                            "rows {} and {} of the table both have the id `{id}`",
                            first + 1,
                            i + 1
                        ),
                    )
                    .with_hint(format!(
                        "row ids make the links to rows (`#{}-{id}`): give each row its own",
                        table.id
                    )),
                );
            }
            for (j, email) in row.emails.iter().enumerate() {
                if let Some(problem) = email_problem(email) {
                    diagnostics.push(
                        Diagnostic::error(
                            "email-invalid",
                            row.span
                                .at(&[Step::Key("emails"), Step::Item(j)])
                                .location(path),
                            format!("`{email}` is not a valid e-mail address: {problem}"),
                        )
                        .with_hint("write the address as name@example.com"),
                    );
                }
            }
        }
    }
    duplicates(
        site,
        site.data
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.id.clone(), &s.span)),
        "id",
        |id| DataRef::Service(id.to_string()),
        &mut diagnostics,
    );
    duplicates(
        site,
        site.data
            .roles
            .iter()
            .map(|r| (r.code.as_str(), slugify(&r.code), &r.span)),
        "code",
        |code| DataRef::Role(code.to_string()),
        &mut diagnostics,
    );
    unplaced(site, &mut diagnostics);
    removed_html(site, &mut diagnostics);
    diagnostics
}

/// Raw HTML and unsafe links that [`crate::sanitize`] takes out of service descriptions.
fn removed_html(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    for service in &site.data.services {
        let converted = crate::markdown::convert(&service.description, site.config.raw_html());
        let Some(path) = site.data.sources.get(&DataRef::Service(service.id.clone())) else {
            continue;
        };
        for removed in converted.removed {
            diagnostics.push(
                Diagnostic::warning(
                    "html-removed",
                    Location::file(path),
                    format!(
                        "{} is removed from the description of service `{}`",
                        removed.what, service.id
                    ),
                )
                .with_hint(crate::sanitize::HINT),
            );
        }
    }
}

/// Services with the same id or roles with the same code (compared as anchors: `AM` and `am`
/// both make `#role-am`).
fn duplicates<'a>(
    site: &Site,
    items: impl Iterator<Item = (&'a str, String, &'a Span)>,
    key: &str,
    item_ref: impl Fn(&str) -> DataRef,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, (usize, &str)> = HashMap::new();
    for (i, (value, normalized, span)) in items.enumerate() {
        let Some((first, first_value)) = seen.get(&normalized).copied() else {
            seen.insert(normalized, (i, value));
            continue;
        };
        let Some(path) = site.data.sources.get(&item_ref(value)) else {
            continue;
        };
        let anchor = item_ref(value).anchor();
        diagnostics.push(
            Diagnostic::error(
                "duplicate-id",
                span.at(&[Step::Key(key)]).location(path),
                format!(
                    "items {} (`{first_value}`) and {} (`{value}`) have the same {key}: both would be `#{anchor}`",
                    first + 1,
                    i + 1
                ),
            )
            .with_hint(format!("give each item its own `{key}`")),
        );
    }
}

/// Data that no page places: it is published nowhere.
fn unplaced(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut items: Vec<(&DataRef, &std::path::PathBuf)> = site
        .data
        .sources
        .iter()
        .filter(|(item, _)| !site.placements.contains_key(*item))
        .collect();
    items.sort();
    for (item, path) in items {
        // A table or procedure is its whole file; a service or role, its id in the list.
        let at = |span: Option<&Span>, key| span.map(|s| s.at(&[Step::Key(key)]).location(path));
        let (what, shortcode, location) = match item {
            DataRef::Contacts(id) => (
                format!("the contact table `{id}`"),
                format!("{{{{ contacts(table=\"{id}\") }}}}"),
                None,
            ),
            DataRef::Procedure(id) => (
                format!("the procedure `{id}`"),
                format!("{{{{ procedure(id=\"{id}\") }}}}"),
                None,
            ),
            DataRef::Service(id) => (
                format!("the service `{id}`"),
                format!("{{{{ service(id=\"{id}\") }}}} or {{{{ services() }}}}"),
                at(
                    site.data
                        .services
                        .iter()
                        .find(|s| &s.id == id)
                        .map(|s| &s.span),
                    "id",
                ),
            ),
            DataRef::Role(code) => (
                format!("the role `{code}`"),
                format!("{{{{ role(code=\"{code}\") }}}} or {{{{ roles() }}}}"),
                at(
                    site.data
                        .roles
                        .iter()
                        .find(|r| &r.code == code)
                        .map(|r| &r.span),
                    "code",
                ),
            ),
        };
        let location = location.unwrap_or_else(|| Location::at(path, 1, 1));
        diagnostics.push(
            Diagnostic::warning(
                "unplaced-data",
                location,
                format!("{what} is not shown on any page"),
            )
            .with_hint(format!(
                "place it on a page with {shortcode}, or delete it (a page marked draft does not count)"
            )),
        );
    }
}

/// Why `address` is not a plausible e-mail address (RFC 5321 dot-atom syntax), if it is not.
pub fn email_problem(address: &str) -> Option<&'static str> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Some("it has no `@`");
    };
    if address.chars().any(char::is_whitespace) {
        return Some("it contains a space");
    }
    if local.is_empty() {
        return Some("nothing before the `@`");
    }
    if local.contains('@') {
        return Some("it has more than one `@`");
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok {
        return Some("the part before the `@` contains a character addresses cannot have");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some("a dot at the start or end of the name, or two dots in a row");
    }
    if domain.is_empty() {
        return Some("nothing after the `@`");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some("the domain has no dot (name@example.com)");
    }
    for label in &labels {
        if label.is_empty() {
            return Some("the domain has an empty part (two dots, or a dot at its start or end)");
        }
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-')
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Some("the domain contains a character domains cannot have");
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Some("the domain does not end in a top-level domain such as .com");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::email_problem;

    #[test]
    fn email_syntax() {
        for good in [
            "BRA-billing@lumen.com",
            "Pre-Requisitos_LATAM@lumen.com",
            "a.b+c@sub.example.co",
        ] {
            assert_eq!(email_problem(good), None, "{good}");
        }
        for bad in [
            "lumen.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            ".a@b.com",
            "a..b@c.com",
            "a@b..com",
            "a@-b.com",
            "a@b.c",
            "a,b@c.com",
            "@b.com",
            "a@",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }
}

//! Translated data: `data/contacts/ID.es.yaml`, `data/services.es.yaml`, … hold a language's
//! display text only (titles, notes, row labels, names, steps), keyed by the source's ids. Every
//! fact (number, e-mail, country, id) stays in the source file, written once, so that the
//! languages can never disagree on a phone number. Applied over a copy of the source's data.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::data::{ContactTable, Procedure, Role, Service};
use super::{DATA_DIR, Data};
use crate::diagnostics::{Diagnostic, Location};
use crate::slug::slugify;
use crate::text::did_you_mean;
use crate::yaml::{self, Span, Step};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableText {
    title: Option<String>,
    description: Option<String>,
    notes: Option<Vec<String>>,
    /// By the row's id: its `id`, else its (source) `location` as a slug.
    #[serde(default)]
    rows: BTreeMap<String, RowText>,
    /// For editors only, never published (see `ContactTable::editor_note`).
    #[serde(default, rename = "editor_note")]
    _editor_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowText {
    location: Option<String>,
    portal: Option<String>,
    services: Option<String>,
    notes: Option<String>,
    /// For editors only, never published (see `ContactTable::editor_note`).
    #[serde(default, rename = "editor_note")]
    _editor_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceText {
    name: Option<String>,
    short_name: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    offerings: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleText {
    name: Option<String>,
    aliases: Option<Vec<String>>,
    summary: Option<String>,
    responsibilities: Option<Vec<String>>,
    languages: Option<Vec<String>>,
    languages_note: Option<String>,
    assigned_to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedureText {
    title: Option<String>,
    summary: Option<String>,
    steps: Option<Vec<String>>,
    rules: Option<Vec<String>>,
    deadlines: Option<Vec<DeadlineText>>,
    notes: Option<Vec<String>>,
    /// For editors only, never published (see `ContactTable::editor_note`).
    #[serde(default, rename = "editor_note")]
    _editor_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlineText {
    when: Option<String>,
    then: Option<String>,
}

/// Apply the translated data file `path` (`data/contacts/offices.es.yaml`) to `data`: what it
/// translates comes from its folder and its name without the language.
pub(super) fn apply_file(content: &Path, data: &mut Data, path: &Path) -> Vec<Diagnostic> {
    let rel = path.strip_prefix(content.join(DATA_DIR)).unwrap_or(path);
    let folder = rel.parent().and_then(|p| p.to_str()).unwrap_or("");
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let base = stem.rsplit_once('.').map_or(stem, |(base, _)| base);
    let target = match (folder, base) {
        ("contacts", _) => Target::Contacts(slugify(base)),
        ("procedures", _) => Target::Procedure(slugify(base)),
        ("", "services") => Target::Services,
        ("", "roles") => Target::Roles,
        _ => return vec![Diagnostic::error(
            "data-file",
            Location::file(path),
            "unknown kind of translated data file",
        )
        .with_hint(
            "translated data files sit beside their source: data/services.es.yaml, data/contacts/<id>.es.yaml, …",
        )],
    };
    apply(data, path, target)
}

/// What a translated data file translates.
enum Target {
    Contacts(String),
    Procedure(String),
    Services,
    Roles,
}

fn apply(data: &mut Data, path: &Path, target: Target) -> Vec<Diagnostic> {
    let text = match super::read(path) {
        Ok(text) => text,
        Err(d) => return vec![d],
    };
    let mut found = Overlay {
        path,
        text: &text,
        span: Span::default(),
        diagnostics: Vec::new(),
    };
    match target {
        Target::Contacts(id) => match data.contacts.get_mut(&id) {
            Some(table) => found.parse().map(|t| found.table(table, t)),
            None => found.unknown_source(format!("contacts/{id}.yaml")),
        },
        Target::Procedure(id) => match data.procedures.get_mut(&id) {
            Some(procedure) => found.parse().map(|p| found.procedure(procedure, p)),
            None => found.unknown_source(format!("procedures/{id}.yaml")),
        },
        Target::Services => found
            .parse()
            .map(|s: BTreeMap<String, ServiceText>| found.services(&mut data.services, s)),
        Target::Roles => found
            .parse()
            .map(|r: BTreeMap<String, RoleText>| found.roles(&mut data.roles, r)),
    };
    found.diagnostics
}

struct Overlay<'a> {
    path: &'a Path,
    text: &'a str,
    /// Where each value of the file is, once parsed.
    span: Span,
    diagnostics: Vec<Diagnostic>,
}

impl Overlay<'_> {
    fn parse<T: DeserializeOwned>(&mut self) -> Option<T> {
        match yaml::parse_spanned(self.path, self.text, 1) {
            Ok((value, span)) => {
                self.span = span;
                Some(value)
            }
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        }
    }

    fn at(&self, path: &[Step]) -> Location {
        self.span.at(path).location(self.path)
    }

    fn error(&mut self, location: Location, message: String, hint: &str) {
        self.diagnostics
            .push(Diagnostic::error("translation", location, message).with_hint(hint));
    }

    fn unknown_source(&mut self, source: String) -> Option<()> {
        let message = format!("this translates data/{source}, which does not exist");
        let location = Location::file(self.path);
        self.error(
            location,
            message,
            "name a translated data file after its source: data/contacts/offices.es.yaml",
        );
        None
    }

    /// `key` under `parent` (`rows`, or the top of the file) names nothing in the source.
    fn unknown_key(&mut self, parent: &[Step], what: &str, key: &str, known: Vec<&str>) {
        // At the key itself (a span is where its value starts), else at its parent.
        let location = match self.text.find(&format!("{key}:")) {
            Some(offset) => Location::at_offset(self.path, self.text, offset),
            None => self.at(parent),
        };
        let message = format!(
            "no {what} `{key}` in the source file{}",
            did_you_mean(key, known.into_iter())
        );
        self.error(
            location,
            message,
            "keys are the ids of the source file; a fact (number, e-mail, id) is written only there",
        );
    }

    /// A translated list replaces the source's when it has as many entries.
    fn list(&mut self, field: &str, target: &mut Vec<String>, text: Option<Vec<String>>) {
        let Some(text) = text else { return };
        if text.len() == target.len() {
            *target = text;
        } else {
            let location = self.at(&[Step::Key(field)]);
            let message = format!(
                "`{field}` has {} entries; the source has {}",
                text.len(),
                target.len()
            );
            self.error(
                location,
                message,
                "translate each entry of the source, in order",
            );
        }
    }

    fn table(&mut self, table: &mut ContactTable, text: TableText) {
        set(&mut table.title, text.title);
        table.description = text.description.or(table.description.take());
        self.list("notes", &mut table.notes, text.notes);
        // Keys from the source's text, before any row's location is translated.
        let keys: Vec<String> = table.rows.iter().map(row_key).collect();
        for (key, row_text) in text.rows {
            let Some(at) = keys.iter().position(|k| *k == key) else {
                let known = keys.iter().map(String::as_str).collect();
                self.unknown_key(&[Step::Key("rows")], "row", &key, known);
                continue;
            };
            let row = &mut table.rows[at];
            set(&mut row.location, row_text.location);
            row.portal = row_text.portal.or(row.portal.take());
            row.services = row_text.services.or(row.services.take());
            row.notes = row_text.notes.or(row.notes.take());
        }
    }

    fn services(&mut self, services: &mut [Service], text: BTreeMap<String, ServiceText>) {
        for (id, t) in text {
            let Some(service) = services.iter_mut().find(|s| s.id == id) else {
                let known = services.iter().map(|s| s.id.as_str()).collect();
                self.unknown_key(&[], "service", &id, known);
                continue;
            };
            set(&mut service.name, t.name);
            service.short_name = t.short_name.or(service.short_name.take());
            set(&mut service.summary, t.summary);
            set(&mut service.description, t.description);
            if let Some(offerings) = t.offerings {
                service.offerings = offerings;
            }
        }
    }

    fn roles(&mut self, roles: &mut [Role], text: BTreeMap<String, RoleText>) {
        for (code, t) in text {
            let Some(role) = roles.iter_mut().find(|r| r.code == code) else {
                let known = roles.iter().map(|r| r.code.as_str()).collect();
                self.unknown_key(&[], "role", &code, known);
                continue;
            };
            set(&mut role.name, t.name);
            if let Some(aliases) = t.aliases {
                role.aliases = aliases;
            }
            set(&mut role.summary, t.summary);
            self.list(
                "responsibilities",
                &mut role.responsibilities,
                t.responsibilities,
            );
            if let Some(languages) = t.languages {
                role.languages = languages;
            }
            role.languages_note = t.languages_note.or(role.languages_note.take());
            role.assigned_to = t.assigned_to.or(role.assigned_to.take());
        }
    }

    fn procedure(&mut self, procedure: &mut Procedure, text: ProcedureText) {
        set(&mut procedure.title, text.title);
        set(&mut procedure.summary, text.summary);
        self.list("steps", &mut procedure.steps, text.steps);
        self.list("rules", &mut procedure.rules, text.rules);
        self.list("notes", &mut procedure.notes, text.notes);
        let Some(deadlines) = text.deadlines else {
            return;
        };
        if deadlines.len() != procedure.deadlines.len() {
            let location = self.at(&[Step::Key("deadlines")]);
            let message = format!(
                "`deadlines` has {} entries; the source has {}",
                deadlines.len(),
                procedure.deadlines.len()
            );
            self.error(
                location,
                message,
                "translate each entry of the source, in order",
            );
            return;
        }
        for (deadline, t) in procedure.deadlines.iter_mut().zip(deadlines) {
            set(&mut deadline.when, t.when);
            set(&mut deadline.then, t.then);
        }
    }
}

fn set(target: &mut String, text: Option<String>) {
    if let Some(text) = text {
        *target = text;
    }
}

/// How a translation names a row: its `id`, else its location as a slug.
fn row_key(row: &super::data::ContactRow) -> String {
    row.id.clone().unwrap_or_else(|| slugify(&row.location))
}

//! Translated data: `data/contacts/ID.es.yaml`, `data/services.es.yaml`, … hold a language's
//! display text only (titles, notes, row labels, names, steps), keyed by the source's ids. Every
//! fact (number, e-mail, country, id) stays in the source file, written once, so that the
//! languages can never disagree on a phone number. Applied over a copy of the source's data.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::data::{ContactTable, Procedure, Role, Service};
use super::{DATA_DIR, Data, locate};
use crate::diagnostics::{Diagnostic, Location};
use crate::slug::slugify;
use crate::text::did_you_mean;
use crate::yaml;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableText {
    title: Option<String>,
    description: Option<String>,
    notes: Option<Vec<String>>,
    /// By the row's id: its `id`, else its (source) `location` as a slug.
    #[serde(default)]
    rows: BTreeMap<String, RowText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowText {
    location: Option<String>,
    portal: Option<String>,
    services: Option<String>,
    notes: Option<String>,
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
    match (folder, base) {
        ("contacts" | "procedures", _) => apply(data, path, folder, &slugify(base)),
        ("", "services" | "roles") => apply(data, path, base, ""),
        _ => vec![Diagnostic::error(
            "data-file",
            Location::file(path),
            "unknown kind of translated data file",
        )
        .with_hint(
            "translated data files sit beside their source: data/services.es.yaml, data/contacts/<id>.es.yaml, …",
        )],
    }
}

fn apply(data: &mut Data, path: &Path, kind: &str, id: &str) -> Vec<Diagnostic> {
    let text = match super::read(path) {
        Ok(text) => text,
        Err(d) => return vec![d],
    };
    let mut found = Overlay {
        path,
        text: &text,
        diagnostics: Vec::new(),
    };
    match kind {
        "contacts" => match data.contacts.get_mut(id) {
            Some(table) => found.parse().map(|t| found.table(table, t)),
            None => found.unknown_source(format!("contacts/{id}.yaml")),
        },
        "procedures" => match data.procedures.get_mut(id) {
            Some(procedure) => found.parse().map(|p| found.procedure(procedure, p)),
            None => found.unknown_source(format!("procedures/{id}.yaml")),
        },
        "services" => found
            .parse()
            .map(|s: BTreeMap<String, ServiceText>| found.services(&mut data.services, s)),
        "roles" => found
            .parse()
            .map(|r: BTreeMap<String, RoleText>| found.roles(&mut data.roles, r)),
        _ => unreachable!("apply_file passes known kinds"),
    };
    found.diagnostics
}

struct Overlay<'a> {
    path: &'a Path,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Overlay<'_> {
    fn parse<T: DeserializeOwned>(&mut self) -> Option<T> {
        yaml::parse(self.path, self.text, 1)
            .map_err(|d| self.diagnostics.push(d))
            .ok()
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

    fn unknown_key(&mut self, what: &str, key: &str, known: Vec<&str>) {
        let location = locate(self.path, self.text, &format!("{key}:"));
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
            let location = locate(self.path, self.text, &format!("{field}:"));
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
                self.unknown_key("row", &key, keys.iter().map(String::as_str).collect());
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
                self.unknown_key("service", &id, known);
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
                self.unknown_key("role", &code, known);
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
            let location = locate(self.path, self.text, "deadlines:");
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

//! `content/data/`: every YAML file read in parallel into typed data, ids from file names.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::data::{ContactTable, Procedure, Role, Service};
use super::{DATA_DIR, Data, DataRef, read, relative};
use crate::diagnostics::{Diagnostic, Location};
use crate::slug::slugify;
use crate::yaml::{self, Span, Step};

/// Load every YAML data file in parallel and gather them by kind.
pub(super) fn load_data(content: &Path, files: &[PathBuf]) -> (Data, Vec<Diagnostic>) {
    enum Loaded {
        Contacts(ContactTable),
        Services(Vec<Service>),
        Roles(Vec<Role>),
        Procedure(Procedure),
    }
    let results: Vec<Result<Loaded, Diagnostic>> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(content.join(DATA_DIR)).unwrap_or(path);
            let text = read(path)?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let folder = rel.parent().and_then(|p| p.to_str()).unwrap_or("");
            if slugify(&stem).is_empty() {
                return Err(Diagnostic::error("file-name", Location::file(path), "the file name has no letter or digit to make an id from")
                    .with_hint("rename it: the id of a table or procedure comes from its file name, e.g. data/contacts/billing.yaml"));
            }
            match (folder, stem.as_str()) {
                ("contacts", _) => {
                    let (mut table, span): (ContactTable, Span) = yaml::parse_spanned(path, &text, 1)?;
                    table.id = slugify(&stem);
                    prepare_contacts(&mut table, &span);
                    Ok(Loaded::Contacts(table))
                }
                ("procedures", _) => {
                    let mut procedure: Procedure = yaml::parse(path, &text, 1)?;
                    procedure.id = slugify(&stem);
                    Ok(Loaded::Procedure(procedure))
                }
                ("", "services") => {
                    let services = spanned(yaml::parse_spanned(path, &text, 1)?, |s: &mut Service, span| s.span = span);
                    Ok(Loaded::Services(services))
                }
                ("", "roles") => {
                    let roles = spanned(yaml::parse_spanned(path, &text, 1)?, |r: &mut Role, span| r.span = span);
                    Ok(Loaded::Roles(roles))
                }
                _ => Err(Diagnostic::error("data-file", Location::file(path), "unknown kind of data file").with_hint(
                    "data files are data/services.yaml, data/roles.yaml, data/contacts/<id>.yaml or data/procedures/<id>.yaml",
                )),
            }
        })
        .collect();

    let mut data = Data::default();
    let mut diagnostics = Vec::new();
    // Two files whose names slug to the same id (`Offices.yaml`, `offices.yml`) would shadow
    // each other silently.
    let mut claim = |data: &mut Data, item: DataRef, path: &PathBuf| -> bool {
        if let Some(first) = data.sources.get(&item) {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-id",
                    Location::file(path),
                    format!(
                        "this file defines `{}` again; {} already does",
                        item.anchor(),
                        relative(content, first)
                    ),
                )
                .with_hint("rename one of the files; ids come from file names"),
            );
            return false;
        }
        data.sources.insert(item, path.clone());
        true
    };
    let mut failed = Vec::new();
    for (path, result) in files.iter().zip(results) {
        match result {
            Ok(Loaded::Contacts(table)) => {
                if claim(&mut data, DataRef::Contacts(table.id.clone()), path) {
                    data.contacts.insert(table.id.clone(), table);
                }
            }
            Ok(Loaded::Procedure(procedure)) => {
                if claim(&mut data, DataRef::Procedure(procedure.id.clone()), path) {
                    data.procedures.insert(procedure.id.clone(), procedure);
                }
            }
            Ok(Loaded::Services(services)) => {
                // Within one file, duplicate ids are reported by `check` with their line.
                for service in &services {
                    data.sources
                        .insert(DataRef::Service(service.id.clone()), path.clone());
                }
                data.services = services;
            }
            Ok(Loaded::Roles(roles)) => {
                for role in &roles {
                    data.sources
                        .insert(DataRef::Role(role.code.clone()), path.clone());
                }
                data.roles = roles;
            }
            Err(d) => {
                data.unreadable.insert(source_key(content, path));
                failed.push(d);
            }
        }
    }
    diagnostics.extend(failed);
    (data, diagnostics)
}

/// Give each item of a top-level list its span.
fn spanned<T>((mut items, span): (Vec<T>, Span), set: impl Fn(&mut T, Span)) -> Vec<T> {
    for (i, item) in items.iter_mut().enumerate() {
        set(item, span.part(&[Step::Item(i)]));
    }
    items
}

/// Give every row its anchor and span, and every number its E.164 form. A number that cannot
/// be read stays as written (`check` reports it, see `crate::check::phones`).
fn prepare_contacts(table: &mut ContactTable, span: &Span) {
    let mut used = std::collections::HashSet::new();
    for (i, row) in table.rows.iter_mut().enumerate() {
        row.span = span.part(&[Step::Key("rows"), Step::Item(i)]);
        let base = row.id.clone().unwrap_or_else(|| slugify(&row.location));
        let mut anchor = format!("{}-{base}", table.id);
        let mut n = 2;
        while !used.insert(anchor.clone()) {
            anchor = format!("{}-{base}-{n}", table.id);
            n += 1;
        }
        row.anchor = anchor;
        let region = row.reading_region();
        for phone in row.toll_free.iter_mut().chain(row.local.iter_mut()) {
            // An unreadable number keeps its reason in `unreadable`, for the checker to report.
            let _ = phone.normalize(region.as_deref());
        }
    }
}

/// `data/contacts/billing.yaml` → `contacts/billing`; `data/services.yaml` → `services`.
fn source_key(content: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(content.join(DATA_DIR)).unwrap_or(path);
    let stem = slugify(
        &rel.file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
    );
    match rel
        .parent()
        .and_then(|p| p.to_str())
        .filter(|p| !p.is_empty())
    {
        Some(folder) => format!("{folder}/{stem}"),
        None => stem,
    }
}

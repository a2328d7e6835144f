//! Phone numbers in contact tables: readable, valid for the row's country, not missing or
//! doubling a country code, and consistent between tables.
//!
//! The loader reads every number once (`Phone::normalize`, E.164 form and region); this is the
//! one place that reports what it found.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::{TableSource, contact_tables, display_location, levenshtein};
use crate::content::Site;
use crate::content::data::{ContactRow, ContactTable};
use crate::content::phone::{Phone, PhoneEntry};
use crate::content::phone_metadata::{self, calling_code};
use crate::diagnostics::{Diagnostic, Location};
use crate::text::digits;
use crate::yaml::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Column {
    TollFree,
    Local,
}

impl Column {
    fn key(self) -> &'static str {
        match self {
            Column::TollFree => "toll_free",
            Column::Local => "local",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Column::TollFree => "toll-free",
            Column::Local => "local",
        }
    }
}

/// One number of one row, with where it is written.
struct Entry<'a> {
    table: &'a ContactTable,
    row: &'a ContactRow,
    column: Column,
    phone: &'a Phone,
    location: Location,
}

impl Entry<'_> {
    /// The row's countries and reading region, upper-case, sorted.
    fn countries(&self) -> Vec<String> {
        let mut countries: Vec<String> = self
            .row
            .countries
            .iter()
            .chain(self.row.region.iter())
            .map(|c| c.trim().to_ascii_uppercase())
            .collect();
        countries.sort();
        countries.dedup();
        countries
    }

    /// The digits that identify the number: from the E.164 form when it could be read.
    fn digits(&self) -> String {
        digits(self.phone.e164.as_deref().unwrap_or(&self.phone.raw))
    }
}

pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut entries = Vec::new();
    for TableSource { table, path } in contact_tables(site) {
        for row in &table.rows {
            for (column, phones) in [
                (Column::TollFree, &row.toll_free),
                (Column::Local, &row.local),
            ] {
                for (j, phone) in phones.iter().enumerate() {
                    // A number with a note is a mapping: point at its `number`.
                    let at = [Step::Key(column.key()), Step::Item(j), Step::Key("number")];
                    let location = row.span.at(&at).location(path);
                    entries.push(Entry {
                        table,
                        row,
                        column,
                        phone,
                        location,
                    });
                }
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = entries.iter().filter_map(check_number).collect();
    diagnostics.extend(typos(site, &entries));
    diagnostics
}

/// The country calling code of a read number and the regions it may belong to.
fn number_regions(phone: &Phone) -> (u16, Vec<String>) {
    let code = phone.country_code.unwrap_or(0);
    let regions = match &phone.region {
        Some(region) => vec![region.clone()],
        None => phone_metadata::regions(code)
            .into_iter()
            .filter(|r| r.chars().all(|c| c.is_ascii_alphabetic()))
            .collect(),
    };
    (code, regions)
}

/// `+52 800 999 1422`: the international format of a read number.
fn international(phone: &Phone) -> String {
    phone
        .e164
        .as_deref()
        .and_then(|e| phone_metadata::parse(None, e).ok())
        .map(|(n, database)| phone_metadata::international(&n, database))
        .unwrap_or_default()
}

/// Read `text` (in `region` when it has no `+`): valid number and its region, E.164 form.
fn read(text: &str, region: Option<&str>) -> Option<Phone> {
    let mut phone = Phone::from(PhoneEntry::Plain(text.to_string()));
    phone.normalize(region).ok()?;
    Some(phone)
}

fn check_number(entry: &Entry) -> Option<Diagnostic> {
    let mut diagnostic = check_reading(entry)?;
    if entry.phone.dial.is_none() && entry.phone.e164.is_some() {
        // The theme never links a number that cannot connect: say so, where it matters.
        diagnostic
            .message
            .push_str("; the site shows it without a `tel:` link");
    }
    Some(diagnostic)
}

fn check_reading(entry: &Entry) -> Option<Diagnostic> {
    let phone = entry.phone;
    let raw = phone.raw.as_str();
    let countries = entry.countries();
    let reading = entry.row.reading_region();
    let location = || entry.location.clone();
    let Some(e164) = phone.e164.as_deref() else {
        let reason = phone
            .unreadable
            .as_ref()
            .map_or_else(|| "not read".to_string(), ToString::to_string);
        return Some(
            Diagnostic::warning(
                "phone-unreadable",
                location(),
                format!("cannot read the phone number `{raw}` ({reason})"),
            )
            .with_hint("write the number with its country code, e.g. +55-11-3957-2288"),
        );
    };
    if let (Some(rule), Some(dial)) = (phone.plan_change, phone.dial.as_deref()) {
        // Printed before its country changed its numbering plan: the site dials the current
        // form (and shows the number as written), the editor is told what to write.
        let pretty = read(dial, None)
            .map(|p| international(&p))
            .unwrap_or_else(|| dial.to_string());
        return Some(
            Diagnostic::warning(
                "phone-plan-changed",
                location(),
                format!(
                    "`{raw}` follows {}'s numbering plan before {} ({}): today it dials as {pretty}",
                    rule.country, rule.since, rule.what
                ),
            )
            .with_hint(format!(
                "write {pretty} (E.164 {dial}); until then its `tel:` link dials {dial}"
            )),
        );
    }
    let explicit = raw.trim_start().starts_with('+');
    let all_digits = digits(raw);
    // The regions the number can belong to: its own, or when libphonenumber cannot tell (an
    // invalid number of a shared country code such as +212, Morocco and Western Sahara) every
    // region of its country code. Non-geographic numbers (+800 …) belong to none.
    let (code, regions) = number_regions(phone);
    let region_ok =
        countries.is_empty() || regions.is_empty() || regions.iter().any(|r| countries.contains(r));
    let of = || match regions.as_slice() {
        [] => format!("a non-geographic number (+{code})"),
        [one] => format!("a number of {one} (+{code})"),
        many => format!("a +{code} number ({})", many.join(", ")),
    };
    let row_countries = countries.join(", ");

    if explicit && !region_ok {
        // Lost its country code: the digits after `+` are a national number of the row's country.
        for country in &countries {
            let Some(code) = calling_code(country) else {
                continue;
            };
            let candidate = format!("+{code}{all_digits}");
            if let Some(fixed) = read(&candidate, None)
                && fixed.valid
                && fixed.region.as_deref() == Some(country.as_str())
            {
                let national = raw.trim_start().trim_start_matches('+');
                return Some(
                    Diagnostic::warning(
                        "phone-country-code",
                        location(),
                        format!(
                            "`{raw}` reads as {}, but the row is for {row_countries}: it looks like it lost {country}'s country code +{code}",
                            of()
                        ),
                    )
                    .with_hint(format!(
                        "if it is a {country} number, write +{code}-{national} (E.164 {})",
                        fixed.e164.unwrap_or_default()
                    )),
                );
            }
        }
    }
    if !explicit && (!phone.valid || !region_ok) {
        // Has the country code but no `+`, so it is read as a national number.
        for country in &countries {
            let Some(code) = calling_code(country) else {
                continue;
            };
            let code = code.to_string();
            let Some(rest) = all_digits.strip_prefix(&code) else {
                continue;
            };
            if let Some(fixed) = read(&format!("+{all_digits}"), None)
                && fixed.valid
                && fixed.region.as_deref() == Some(country.as_str())
            {
                return Some(
                    Diagnostic::warning(
                        "phone-country-code",
                        location(),
                        format!(
                            "`{raw}` starts with {country}'s country code {code} but has no `+`, so it reads as {e164}"
                        ),
                    )
                    .with_hint(format!(
                        "write +{code}-{rest} (E.164 {})",
                        fixed.e164.unwrap_or_default()
                    )),
                );
            }
        }
    }
    if explicit && !phone.valid {
        // Gained a country code: valid only as dialled within the country.
        for country in &countries {
            let Some(code) = calling_code(country).map(|c| c.to_string()) else {
                continue;
            };
            let Some(national) = all_digits.strip_prefix(&code) else {
                continue;
            };
            if let Some(fixed) = read(national, Some(country))
                && fixed.valid
                && fixed.region.as_deref() == Some(country.as_str())
            {
                let fixed = fixed.e164.unwrap_or_default();
                return Some(
                    Diagnostic::warning(
                        "phone-country-code",
                        location(),
                        format!(
                            "`{raw}` is not a valid number, but without its country code +{code} it reads as the {country} number {fixed}: it looks like it gained a country code"
                        ),
                    )
                    .with_hint(format!(
                        "write the number once with its country code, E.164 {fixed}"
                    )),
                );
            }
        }
    }
    if !region_ok {
        return Some(
            Diagnostic::warning(
                "phone-country",
                location(),
                format!("`{raw}` is {}, but the row is for {row_countries}", of()),
            )
            .with_hint(format!(
                "check the number (E.164 {e164}) and the row's `countries`"
            )),
        );
    }
    if !phone.valid {
        let country = phone
            .region
            .clone()
            .or(reading)
            .unwrap_or_else(|| "any country".into());
        return Some(
            Diagnostic::warning(
                "phone-invalid",
                location(),
                format!("`{raw}` is not a valid phone number of {country}"),
            )
            .with_hint(format!(
                "check the digits against the numbering plan of {country}; read as E.164 {e164}"
            )),
        );
    }
    None
}

/// The same number written with different digits in two tables: for rows of the same
/// countries and the same column, a number of one table that the other lacks, one or two
/// edits away from a number the other has and the first lacks. Only between tables that agree
/// on most of the numbers they share a country and column for, so that tables of different
/// numbers (offices next to support lines) are not compared.
///
/// Each table's cells are prepared once (digits read, keys numbered, cells sorted by key), so
/// a pair of tables costs one merge of two short lists.
fn typos(site: &Site, entries: &[Entry]) -> Vec<Diagnostic> {
    let mut keys: HashMap<(Vec<String>, Column), usize> = HashMap::new();
    let mut key_names: Vec<(String, Column)> = Vec::new();
    let mut by_table: BTreeMap<&str, BTreeMap<usize, Cell>> = BTreeMap::new();
    for entry in entries {
        let countries = entry.countries();
        if countries.is_empty() {
            continue;
        }
        let name = countries.join(", ");
        let next = keys.len();
        let key = *keys.entry((countries, entry.column)).or_insert_with(|| {
            key_names.push((name, entry.column));
            next
        });
        let cell = by_table
            .entry(entry.table.id.as_str())
            .or_default()
            .entry(key)
            .or_default();
        let digits = entry.digits();
        cell.digits.insert(digits.clone());
        cell.entries.push((entry, digits));
    }
    let tables: Vec<Vec<(usize, Cell)>> = by_table
        .into_values()
        .map(|cells| cells.into_iter().collect())
        .collect();
    let key_names = &key_names;
    candidate_pairs(&tables)
        .into_par_iter()
        .flat_map_iter(|(i, j)| pair_typos(site, &tables[i], &tables[j], key_names))
        .collect()
}

/// The pairs of tables (`i < j`, in order) that have a number in common for one key: only
/// those can agree enough for [`pair_typos`] to compare them. Looking them up in an index of
/// the numbers keeps the check linear in tables that share a few numbers each, where trying
/// every pair was quadratic (19× the time for 5× the tables).
fn candidate_pairs(tables: &[Vec<(usize, Cell)>]) -> Vec<(usize, usize)> {
    let mut holders: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
    for (t, cells) in tables.iter().enumerate() {
        for (key, cell) in cells {
            for digits in &cell.digits {
                holders.entry((*key, digits)).or_default().push(t);
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = holders
        .values()
        .filter(|tables| tables.len() > 1)
        .flat_map(|tables| {
            tables
                .iter()
                .enumerate()
                .flat_map(move |(n, &i)| tables[n + 1..].iter().map(move |&j| (i, j)))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// One table's numbers of one key (countries and column), with their digits.
#[derive(Default)]
struct Cell<'a> {
    entries: Vec<(&'a Entry<'a>, String)>,
    digits: HashSet<String>,
}

/// [`typos`] between two tables, each a list of cells sorted by key.
fn pair_typos(
    site: &Site,
    a: &[(usize, Cell)],
    b: &[(usize, Cell)],
    key_names: &[(String, Column)],
) -> Vec<Diagnostic> {
    let shared = || {
        let (mut i, mut j) = (0, 0);
        std::iter::from_fn(move || {
            while i < a.len() && j < b.len() {
                match a[i].0.cmp(&b[j].0) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        let found = (a[i].0, &a[i].1, &b[j].1);
                        i += 1;
                        j += 1;
                        return Some(found);
                    }
                }
            }
            None
        })
    };
    let (mut count, mut agree) = (0, 0);
    for (_, ca, cb) in shared() {
        count += 1;
        agree += usize::from(!ca.digits.is_disjoint(&cb.digits));
    }
    if agree == 0 || agree * 2 < count {
        return Vec::new();
    }
    let mut diagnostics = Vec::new();
    for (key, ca, cb) in shared() {
        let (countries, column) = &key_names[key];
        for (ea, da) in ca.entries.iter().filter(|(_, d)| !cb.digits.contains(d)) {
            for (eb, db) in cb.entries.iter().filter(|(_, d)| !ca.digits.contains(d)) {
                let distance = levenshtein(da, db);
                if !(1..=2).contains(&distance) {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::warning(
                        "phone-typo",
                        ea.location.clone(),
                        format!(
                            "`{}` ({countries}, {}) differs by {distance} digit{} from `{}` for the same country in {}",
                            ea.phone.raw,
                            column.label(),
                            if distance == 1 { "" } else { "s" },
                            eb.phone.raw,
                            display_location(site, &eb.location),
                        ),
                    )
                    .with_hint(format!(
                        "the two tables agree on {agree} of {count} numbers for the same countries; if this is one number, correct the wrong copy"
                    )),
                );
            }
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests;

//! Typed YAML data: contact tables, services, roles and procedures.
//!
//! Every struct rejects unknown fields so a typo in a key is an error, not silently lost data.
//! File layout under `content/data/`:
//! - `contacts/<table-id>.yaml` → [`ContactTable`]
//! - `services.yaml`            → list of [`Service`]
//! - `roles.yaml`               → list of [`Role`]
//! - `procedures/<id>.yaml`     → [`Procedure`]

use serde::{Deserialize, Serialize};

use super::phone::Phone;
use crate::yaml::Span;

/// A table of contact rows (phone numbers, e-mails, portals) shown on one or more pages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactTable {
    /// Set from the file name (`technical-support.yaml` → `technical-support`).
    #[serde(skip_deserializing)]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub rows: Vec<ContactRow>,
    /// Remarks shown under the table.
    #[serde(default)]
    pub notes: Vec<String>,
    /// For editors only (where a fact comes from, what the source lacks): loaded, checked as
    /// text, never published.
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRow {
    /// Anchor override; by default the slug of `location`, de-duplicated within the table.
    #[serde(default)]
    pub id: Option<String>,
    /// The location as the editor wants it shown ("Costa Rica, Panama, USA").
    pub location: String,
    /// ISO 3166 alpha-2 codes of the countries the row serves; drives the country filter.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Region used to read numbers written without `+`; defaults to the first country.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub toll_free: Vec<Phone>,
    #[serde(default)]
    pub local: Vec<Phone>,
    #[serde(default)]
    pub emails: Vec<String>,
    /// Name of the portal that serves this row's customers.
    #[serde(default)]
    pub portal: Option<String>,
    /// What the row covers ("Data, Voice, CDN").
    #[serde(default)]
    pub services: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// For editors only (where a fact comes from, what the source lacks): loaded, checked as
    /// text, never published.
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
    /// Filled by the loader: the anchor id, unique within the site.
    #[serde(skip_deserializing)]
    pub anchor: String,
    /// Filled by the loader: where the row and its values are in the file.
    #[serde(skip)]
    pub span: Span,
}

impl ContactRow {
    /// The region numbers written without `+` are read in: `region`, else the first country.
    pub fn reading_region(&self) -> Option<String> {
        self.region
            .clone()
            .or_else(|| self.countries.first().cloned())
    }
}

/// A service family (Core Network, CDN, …).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// Abbreviation people search for ("CDN", "UC&C").
    #[serde(default)]
    pub short_name: Option<String>,
    /// One sentence for cards and search snippets.
    pub summary: String,
    /// Markdown.
    pub description: String,
    /// Offerings named in the description ("SD-WAN", "Ethernet").
    #[serde(default)]
    pub offerings: Vec<String>,
    /// For editors only, never published (see `ContactTable::editor_note`).
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
    /// Filled by the loader: where the service and its values are in `services.yaml`.
    #[serde(skip)]
    pub span: Span,
}

/// A support role (account manager, sales engineer, …).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Abbreviation used in the handbook ("AM", "TSC"); also the anchor (`role-am`).
    pub code: String,
    pub name: String,
    /// Other names the role has had ("product specialist").
    #[serde(default)]
    pub aliases: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// Qualifies `languages` ("In Brazil they also speak Portuguese").
    #[serde(default)]
    pub languages_note: Option<String>,
    /// Who gets this role ("every customer", "wholesale customers").
    #[serde(default)]
    pub assigned_to: Option<String>,
    /// For editors only, never published (see `ContactTable::editor_note`).
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
    /// Filled by the loader: where the role and its values are in `roles.yaml`.
    #[serde(skip)]
    pub span: Span,
}

/// A procedure: ordered steps plus the rules and deadlines that govern it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    #[serde(skip_deserializing)]
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// For editors only (where a fact comes from, what the source lacks): loaded, checked as
    /// text, never published.
    #[serde(default, skip_serializing)]
    pub editor_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// What the deadline applies to ("Changes requested from the 1st to the 15th").
    pub when: String,
    /// What happens ("appear on the next invoice").
    pub then: String,
}

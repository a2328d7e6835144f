//! Phone numbers: keep what the editor wrote, add the E.164 form for `tel:` links and search.

use phonenumber::{ParseError, country};
use serde::{Deserialize, Serialize};

use super::phone_metadata;
use super::plan_changes::{PlanChange, current_form};

/// A phone number as written, with an optional note ("option 4").
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PhoneEntry {
    Plain(String),
    #[serde(rename_all = "snake_case")]
    WithNote {
        number: String,
        note: String,
    },
}

impl PhoneEntry {
    pub fn number(&self) -> &str {
        match self {
            PhoneEntry::Plain(n) | PhoneEntry::WithNote { number: n, .. } => n,
        }
    }
    pub fn note(&self) -> Option<&str> {
        match self {
            PhoneEntry::Plain(_) => None,
            PhoneEntry::WithNote { note, .. } => Some(note),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "PhoneEntry")]
pub struct Phone {
    /// Exactly as written in the data file.
    pub raw: String,
    /// Remark such as "option 4".
    pub note: Option<String>,
    /// `+551139572288`, when the number could be read.
    pub e164: Option<String>,
    /// Whether the number is a valid number of its country by libphonenumber's metadata.
    pub valid: bool,
    /// The E.164 form to dial: `e164` when valid, the current form when a known change of
    /// numbering plan (`plan_changes`) turns the invalid number written into a valid one,
    /// else none (the theme then shows the number without a `tel:` link).
    pub dial: Option<String>,
    /// The change of numbering plan that gave `dial`, for `check` to report.
    #[serde(skip)]
    pub plan_change: Option<&'static PlanChange>,
    /// Region the number belongs to (`BR`), when known.
    pub region: Option<String>,
    /// Its country calling code (`55`), when the number could be read.
    #[serde(skip)]
    pub country_code: Option<u16>,
    /// Why the number could not be read: kept from the one reading, for `check` to report.
    #[serde(skip)]
    pub unreadable: Option<ParseError>,
}

impl From<PhoneEntry> for Phone {
    fn from(entry: PhoneEntry) -> Self {
        let note = entry.note().map(str::to_string);
        Phone {
            raw: entry.number().to_string(),
            note,
            e164: None,
            valid: false,
            dial: None,
            plan_change: None,
            region: None,
            country_code: None,
            unreadable: None,
        }
    }
}

impl Phone {
    /// Fill `e164`, `valid`, `region` and `country_code` by reading `raw` in `region` (an ISO
    /// alpha-2 code), or `unreadable` with the parser's complaint, also returned, when the
    /// number cannot be read at all.
    pub fn normalize(&mut self, region: Option<&str>) -> Result<(), ParseError> {
        // A number written with `+` carries its own country code. Reading it with a default
        // region anyway makes phonenumber 0.3 strip that region's national prefix:
        // "+55-11-3957-2288" read in US came out as +5539572288.
        let explicit = self.raw.trim_start().starts_with('+');
        let id = region
            .filter(|_| !explicit)
            .and_then(|r| r.parse::<country::Id>().ok());
        let (number, database) = match phone_metadata::parse(id, &self.raw) {
            Ok(read) => read,
            Err(e) => {
                self.unreadable = Some(e.clone());
                return Err(e);
            }
        };
        let e164 = phone_metadata::e164(&number);
        let code = number.country().code();
        self.valid = number.is_valid_with(database);
        self.region = phone_metadata::region_of(&number, database);
        self.country_code = Some(code);
        self.unreadable = None;
        (self.dial, self.plan_change) = if self.valid {
            (Some(e164.clone()), None)
        } else {
            let national = e164.strip_prefix(&format!("+{code}")).unwrap_or_default();
            match current_form(code, national) {
                Some((rule, current)) => {
                    self.region = Some(rule.country.to_string());
                    (Some(current), Some(rule))
                }
                None => (None, None),
            }
        };
        self.e164 = Some(e164);
        Ok(())
    }

    /// The `tel:` URL of the form that dials, if any: a number that is not valid in its
    /// country's numbering plan and that no known plan change fixes gets no link.
    pub fn tel_href(&self) -> Option<String> {
        self.dial.as_ref().map(|d| format!("tel:{d}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str, region: &str) -> Phone {
        let mut p = Phone::from(PhoneEntry::Plain(raw.into()));
        p.normalize(Some(region)).unwrap();
        p
    }

    #[test]
    fn toll_free_and_international_numbers_get_e164() {
        let p = phone("0800-887-3333", "BR");
        assert_eq!(p.e164.as_deref(), Some("+558008873333"));
        assert!(p.valid);
        let p = phone("+55-11-3957-2288", "US");
        assert_eq!(p.e164.as_deref(), Some("+551139572288"));
        assert_eq!(p.region.as_deref(), Some("BR"));
        assert_eq!(p.country_code, Some(55));
        assert!(p.unreadable.is_none());
        assert_eq!(p.tel_href().as_deref(), Some("tel:+551139572288"));
    }

    #[test]
    fn numbers_of_an_old_plan_dial_their_current_form() {
        // As the handbook prints them: Mexico's 01 prefix (gone in 2019) and Bogotá's
        // one-digit area code (601 since 2021).
        let p = phone("01-800-999-1422", "MX");
        assert_eq!(p.e164.as_deref(), Some("+52018009991422"));
        assert!(!p.valid);
        assert_eq!(p.raw, "01-800-999-1422");
        assert_eq!(p.tel_href().as_deref(), Some("tel:+528009991422"));
        assert_eq!(p.plan_change.map(|r| r.country), Some("MX"));
        for raw in ["+57-1-611-9013", "+57(1)-611-9013"] {
            let p = phone(raw, "CO");
            assert_eq!(p.tel_href().as_deref(), Some("tel:+576016119013"), "{raw}");
        }
        assert_eq!(
            phone("+57-1 611-9000", "CO").dial.as_deref(),
            Some("+576016119000")
        );
        // A number that is valid as written is dialled as written.
        let p = phone("01-8000-117997", "CO");
        assert!(p.valid);
        assert!(p.plan_change.is_none());
        assert_eq!(p.dial, p.e164);
    }

    #[test]
    fn invalid_numbers_without_a_known_fix_get_no_link() {
        // Venezuela's +212 reads as Morocco: no plan change explains it.
        let p = phone("+212-204-9306", "VE");
        assert!(!p.valid);
        assert_eq!(p.tel_href(), None);
        assert!(p.plan_change.is_none());
    }

    #[test]
    fn unreadable_number_is_kept_as_written() {
        let mut p = Phone::from(PhoneEntry::Plain("call us".into()));
        assert!(p.normalize(Some("BR")).is_err());
        // The reason is kept for `check`, which reports it without reading the number again.
        assert_eq!(
            p.unreadable.as_ref().map(ToString::to_string).as_deref(),
            Some("not a number")
        );
        assert_eq!(p.raw, "call us");
        assert_eq!(p.e164, None);
        assert_eq!(p.tel_href(), None);
    }
}

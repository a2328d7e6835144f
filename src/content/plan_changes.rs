//! Known numbering-plan changes: numbers printed before a country changed its plan, which
//! libphonenumber (rightly) reads as invalid today, and the form that dials now.
//!
//! A rule only ever applies to a number that is invalid as written and whose rewritten form
//! is a valid number of the same country, so a table of rules cannot break a number that
//! works. `Phone::normalize` applies them; `check` reports each (`phone-plan-changed`) with
//! the current form as its fix, and the theme shows the number as written while its `tel:`
//! link dials the current form.

/// One country's change of numbering plan.
#[derive(Debug)]
pub struct PlanChange {
    /// ISO 3166 alpha-2 code of the country (`MX`).
    pub country: &'static str,
    /// Its calling code (`52`).
    pub code: u16,
    /// When the change took effect (`2019-08-03`).
    pub since: &'static str,
    /// What changed, for editors.
    pub what: &'static str,
    /// The national number (digits after the calling code, trunk `0` included if written)
    /// as it dials under the new plan, when this rule applies to it.
    rewrite: fn(&str) -> Option<String>,
}

impl PlanChange {
    /// The national number under the new plan, when this rule applies to `national`.
    pub fn rewrite(&self, national: &str) -> Option<String> {
        (self.rewrite)(national)
    }
}

/// Every known change, by calling code.
pub static PLAN_CHANGES: &[PlanChange] = &[
    PlanChange {
        country: "MX",
        code: 52,
        since: "2019-08-03",
        what: "Mexico dropped the long-distance prefixes 01, 044 and 045 and the mobile 1 after +52",
        rewrite: mexico_2019,
    },
    PlanChange {
        country: "CO",
        code: 57,
        since: "2021-09-01",
        what: "Colombia's landlines gained 60 before their one-digit area code: Bogotá 1 became 601",
        rewrite: colombia_2021,
    },
    PlanChange {
        country: "BR",
        code: 55,
        since: "2016-11-06",
        what: "Brazil's mobile numbers gained a ninth digit, 9",
        rewrite: brazil_2016,
    },
];

/// `01 800 999 1422` → `800 999 1422`; `044 55 1234 5678` → `55 1234 5678`;
/// `+52 1 55 1234 5678` → `55 1234 5678`: every number is ten digits, dialled as they are.
fn mexico_2019(national: &str) -> Option<String> {
    ["01", "044", "045", "1"].iter().find_map(|prefix| {
        national
            .strip_prefix(prefix)
            .filter(|rest| rest.len() == 10)
            .map(str::to_string)
    })
}

/// `1 611 9013` (Bogotá, area code 1) → `601 611 9013`; written with the trunk 0
/// (`01 611 9013`) too. Area codes 1, 2, 4, 5, 6, 7, 8 became 601 … 608.
fn colombia_2021(national: &str) -> Option<String> {
    let old = national.strip_prefix('0').unwrap_or(national);
    (old.len() == 8 && matches!(old.as_bytes()[0], b'1' | b'2' | b'4'..=b'8'))
        .then(|| format!("60{old}"))
}

/// `11 8765 4321` (area code and an eight-digit mobile number) → `11 98765 4321`.
fn brazil_2016(national: &str) -> Option<String> {
    let n = national.strip_prefix('0').unwrap_or(national);
    (n.len() == 10 && matches!(n.as_bytes()[2], b'6'..=b'9'))
        .then(|| format!("{}9{}", &n[..2], &n[2..]))
}

/// The rule that turns an invalid number (calling `code`, `national` digits) into a valid
/// one, and that number as `+CODE…` digits, checked by `is_valid` (libphonenumber's rules for
/// the rule's country).
pub fn current_form(code: u16, national: &str) -> Option<(&'static PlanChange, String)> {
    PLAN_CHANGES
        .iter()
        .filter(|rule| rule.code == code)
        .find_map(|rule| {
            let rewritten = rule.rewrite(national)?;
            let text = format!("+{code}{rewritten}");
            let (number, database) = super::phone_metadata::parse(None, &text).ok()?;
            let same_country = super::phone_metadata::region_of(&number, database);
            (number.is_valid_with(database) && same_country.as_deref() == Some(rule.country))
                .then_some((rule, text))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(code: u16, national: &str) -> Option<(&'static str, String)> {
        current_form(code, national).map(|(rule, text)| (rule.country, text))
    }

    #[test]
    fn mexico_lost_its_long_distance_prefixes() {
        assert_eq!(
            fixed(52, "018009991422"),
            Some(("MX", "+528009991422".into()))
        );
        assert_eq!(
            fixed(52, "0155258163333"),
            None,
            "eleven digits after 01: no rule"
        );
        assert_eq!(
            fixed(52, "015525816333"),
            Some(("MX", "+525525816333".into()))
        );
        assert_eq!(
            fixed(52, "0445512345678"),
            Some(("MX", "+525512345678".into()))
        );
    }

    #[test]
    fn colombia_landlines_gained_60() {
        assert_eq!(fixed(57, "16119013"), Some(("CO", "+576016119013".into())));
        assert_eq!(fixed(57, "016119000"), Some(("CO", "+576016119000".into())));
        assert_eq!(fixed(57, "46119000"), Some(("CO", "+576046119000".into())));
        assert_eq!(
            fixed(57, "36119000"),
            None,
            "3 was never a landline area code"
        );
    }

    #[test]
    fn brazil_mobiles_gained_a_ninth_digit() {
        assert_eq!(
            fixed(55, "1187654321"),
            Some(("BR", "+5511987654321".into()))
        );
        assert_eq!(
            fixed(55, "1139572288"),
            None,
            "landlines (2–5) did not change"
        );
    }

    #[test]
    fn other_countries_and_other_shapes_are_left_alone() {
        // +212 is Morocco's code: Venezuela's 212 area code without +58 has no known fix.
        assert_eq!(fixed(212, "2049306"), None);
        assert_eq!(fixed(52, "12345"), None);
        assert_eq!(fixed(57, ""), None);
    }
}

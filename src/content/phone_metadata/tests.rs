use proptest::prelude::*;

use super::*;

/// What a reading gives: its forms (E.164, international), validity and region, or the error.
type Outcome = Result<(String, String, bool, Option<String>), String>;

fn outcome(read: Result<(PhoneNumber, &Database), ParseError>) -> Outcome {
    read.map(|(number, database)| {
        (
            e164(&number),
            international(&number, database),
            number.is_valid_with(database),
            region_of(&number, database),
        )
    })
    .map_err(|e| format!("{e:?}"))
}

/// The same, by phonenumber's own formatter and its database of every country.
fn with_every_country(region: Option<country::Id>, raw: &str) -> Outcome {
    phonenumber::parse_with(&DATABASE, region, raw)
        .map(|number| {
            let form = |mode| number.format().mode(mode).to_string();
            (
                form(phonenumber::Mode::E164),
                form(phonenumber::Mode::International),
                number.is_valid(),
                number.country().id().map(|id| id.as_ref().to_string()),
            )
        })
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn a_plus_number_names_its_code() {
    assert_eq!(code_after_plus("+55-11-3957-2288"), Some(55));
    assert_eq!(code_after_plus(" +1 (800) 555-0100"), Some(1));
    assert_eq!(code_after_plus("+598 2 902 8763"), Some(598));
    assert_eq!(code_after_plus("+5 9 8-2"), Some(598));
    assert_eq!(
        code_after_plus("+0055 11"),
        None,
        "an international prefix is no code"
    );
    assert_eq!(code_after_plus("0055 11"), None);
    assert_eq!(code_after_plus("+"), None);
}

#[test]
fn every_code_has_its_database() {
    let codes: Vec<u16> = REGIONS.by_code.keys().copied().collect();
    assert!(
        codes.len() > 200,
        "the metadata lists every country ({})",
        codes.len()
    );
    for code in codes {
        assert!(of_code(code).is_some(), "code {code} loads");
    }
    assert_eq!(calling_code("BR"), Some(55));
    assert_eq!(regions(1).first().map(String::as_str), Some("US"));
    assert_eq!(regions(999), Vec::<String>::new());
}

#[test]
fn numbers_as_editors_write_them_read_as_with_every_country() {
    let cases: &[(Option<&str>, &str)] = &[
        (Some("BR"), "0800-887-3333"),
        (None, "+55-11-3957-2288"),
        (Some("US"), "+55-11-3957-2288"),
        (Some("MX"), "01-800-999-1422"),
        (Some("CO"), "+57(1)-611-9013"),
        (Some("US"), "1-800-FLOWERS"),
        (Some("US"), "011 55 11 3957 2288"),
        (Some("BR"), "00 55 11 3957 2288"),
        (Some("AR"), "0800-800-3689"),
        (None, "+800 1234 5678"),
        (None, "+888 123 456 78901"),
        (None, "+999 1234 5678"),
        (None, "+５５ 11 3957 2288"),
        (Some("UY"), "0800-8842"),
        (Some("ES"), "900-800-975"),
        (None, "tel:+1-201-555-0123"),
        (Some("US"), "201-555-0123 ext. 45"),
        (None, "+44 20 7946 0958 x12"),
    ];
    for &(region, raw) in cases {
        let id = region.map(|r| r.parse::<country::Id>().unwrap());
        assert_eq!(
            outcome(parse(id, raw)),
            with_every_country(id, raw),
            "{region:?} {raw}"
        );
    }
}

const REGIONS_TRIED: &[&str] = &[
    "BR", "AR", "MX", "US", "CA", "CO", "ES", "UY", "CL", "VE", "PT", "GB",
];
const CODES_TRIED: &[&str] = &[
    "1", "34", "44", "52", "54", "55", "56", "57", "58", "351", "598", "800", "888", "99", "0",
];

fn raw_number() -> impl Strategy<Value = String> {
    let start = prop_oneof![
        Just(String::new()),
        Just("0".to_string()),
        Just("00".to_string()),
        Just("011".to_string()),
        proptest::sample::select(CODES_TRIED).prop_map(|c| format!("+{c}")),
        proptest::sample::select(CODES_TRIED).prop_map(|c| format!("00{c}")),
    ];
    let group = "[0-9]{1,4}";
    let separator = proptest::sample::select(&[" ", "-", ".", "(", ")", "", " - "][..]);
    (start, proptest::collection::vec((separator, group), 1..5)).prop_map(|(start, groups)| {
        let mut raw = start;
        for (sep, digits) in groups {
            raw.push_str(sep);
            raw.push_str(&digits);
        }
        raw
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_number_reads_as_with_every_country(
        raw in raw_number(),
        region in proptest::option::of(proptest::sample::select(REGIONS_TRIED)),
    ) {
        let id = region.map(|r| r.parse::<country::Id>().unwrap());
        prop_assert_eq!(outcome(parse(id, &raw)), with_every_country(id, &raw));
    }
}

/// `vendor/regex-cache` compiles phonenumber's patterns without checking them first and
/// without Unicode classes: every pattern of the metadata must compile that way, or a number
/// that needs it would panic where it used to be an error.
#[test]
fn every_metadata_pattern_compiles_as_the_cache_compiles_it() {
    let patterns = metadata_patterns();
    assert!(patterns.len() > 4000, "{} patterns", patterns.len());
    for pattern in patterns {
        let compiled = compiled(pattern, false);
        assert!(compiled.is_ok(), "{pattern}: {compiled:?}");
    }
}

/// Each region's patterns, and the example numbers its metadata gives (which its patterns match).
fn regions_patterns() -> Vec<(Vec<&'static String>, Vec<&'static String>)> {
    REGIONS
        .all
        .iter()
        .map(|meta| {
            let descriptors: Vec<_> = [
                &meta.general,
                &meta.fixed_line,
                &meta.mobile,
                &meta.toll_free,
                &meta.premium_rate,
                &meta.shared_cost,
                &meta.personal_number,
                &meta.voip,
                &meta.pager,
                &meta.uan,
                &meta.emergency,
                &meta.voicemail,
                &meta.short_code,
                &meta.standard_rate,
                &meta.carrier,
                &meta.no_international,
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut patterns: Vec<&String> = descriptors
                .iter()
                .flat_map(|d| &d.national_number)
                .collect();
            patterns.extend(&meta.international_prefix);
            patterns.extend(&meta.national_prefix_for_parsing);
            patterns.extend(&meta.leading_digits);
            for format in meta.formats.iter().chain(&meta.international_formats) {
                patterns.extend(&format.pattern);
                patterns.extend(&format.leading_digits);
            }
            let examples = descriptors.iter().flat_map(|d| &d.example).collect();
            (patterns, examples)
        })
        .collect()
}

fn metadata_patterns() -> Vec<&'static String> {
    regions_patterns()
        .into_iter()
        .flat_map(|(patterns, _)| patterns)
        .collect()
}

fn compiled(pattern: &str, unicode: bool) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .ignore_whitespace(true)
        .unicode(unicode)
        .build()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// phonenumber hands the patterns only ASCII digits (it maps every script's digits to them
    /// first), and there a pattern without Unicode classes finds what it found with them: the
    /// same match and the same groups.
    #[test]
    fn patterns_without_unicode_match_digits_as_before(
        pick in any::<prop::sample::Index>(),
        digits in "[0-9]{1,17}",
    ) {
        let regions = regions_patterns();
        let (patterns, examples) = &regions[pick.index(regions.len())];
        for pattern in patterns {
            let with = compiled(pattern, true).unwrap();
            let without = compiled(pattern, false).unwrap();
            for haystack in examples.iter().map(|e| e.as_str()).chain([digits.as_str()]) {
                let groups = |re: &regex::Regex| {
                    re.captures(haystack)
                        .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>())
                };
                prop_assert_eq!(groups(&with), groups(&without), "{} on {}", pattern, haystack);
            }
        }
    }
}

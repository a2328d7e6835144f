//! The libphonenumber metadata numbers are read with: a database per calling code, built when a
//! number first needs it. phonenumber's own database holds every country and checks all 4,831
//! of its patterns when first used, 57 ms of every build and `check`; the few codes a Help
//! Center lists take a few milliseconds.
//!
//! A number read with its code's database reads exactly as with every country's: the code is
//! the only other country the parser looks up, and calling codes are prefix-free, so it finds
//! the same one. What the small database cannot read (a number written with an international
//! dialling prefix for another country, an unknown code) is read again with every country's.

use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Database, loader};
use phonenumber::{ParseError, PhoneNumber, country};
use rustc_hash::FxHashMap;

/// phonenumber 0.3.10's metadata, as it ships it (see vendor/libphonenumber/README.md).
const XML: &str = include_str!("../../vendor/libphonenumber/PhoneNumberMetadata.xml");

/// How many compiled patterns a database may keep: enough for every country a site lists.
/// phonenumber's default of 100 is fewer than a few countries' formats and number types need:
/// 3,500 numbers recompiled patterns for almost every number (1.8 s on 10,000 pages).
const REGEX_CACHE: usize = 4096;

/// Calling codes have at most three digits.
const CODES: usize = 1000;

/// Every region's metadata as the XML gives it, no pattern checked yet.
struct Regions {
    all: Vec<loader::Metadata>,
    /// Indexes into `all` of each calling code's regions, in the XML's order.
    by_code: FxHashMap<u16, Vec<usize>>,
    /// Calling code of each region id (`BR` → 55).
    codes: FxHashMap<String, u16>,
}

static REGIONS: LazyLock<Regions> = LazyLock::new(|| {
    let all = loader::load(std::io::Cursor::new(XML)).unwrap_or_default();
    let mut by_code: FxHashMap<u16, Vec<usize>> = FxHashMap::default();
    let mut codes = FxHashMap::default();
    for (i, meta) in all.iter().enumerate() {
        if let Some(code) = meta.country_code.filter(|&c| usize::from(c) < CODES) {
            by_code.entry(code).or_default().push(i);
            if let Some(id) = &meta.id {
                codes.insert(id.clone(), code);
            }
        }
    }
    Regions {
        all,
        by_code,
        codes,
    }
});

/// Each calling code's database, once built (`None`: its metadata would not load).
static BY_CODE: [OnceLock<Option<Database>>; CODES] = [const { OnceLock::new() }; CODES];

/// phonenumber's database of every country, once a number needed it.
static EVERY_COUNTRY: OnceLock<&'static Database> = OnceLock::new();

/// The database of calling code `code`'s regions, if the code exists.
pub fn of_code(code: u16) -> Option<&'static Database> {
    let regions = REGIONS.by_code.get(&code)?;
    BY_CODE[usize::from(code)]
        .get_or_init(|| {
            let metadata = regions.iter().map(|&i| REGIONS.all[i].clone()).collect();
            let database = Database::from(metadata).ok()?;
            larger_cache(&database);
            Some(database)
        })
        .as_ref()
}

fn every_country() -> &'static Database {
    EVERY_COUNTRY.get_or_init(|| {
        larger_cache(&DATABASE);
        &DATABASE
    })
}

fn larger_cache(database: &Database) {
    if let Ok(mut cache) = database.cache().lock() {
        cache.set_capacity(REGEX_CACHE);
    }
}

/// The calling code of region `id` (`BR` → 55).
pub fn calling_code(id: &str) -> Option<u16> {
    REGIONS.codes.get(id).copied()
}

/// The regions of calling code `code` (`1` → US, AG, AI, …), phonenumber's main one first.
pub fn regions(code: u16) -> Vec<String> {
    of_code(code)
        .and_then(|database| database.region(&code))
        .map(|ids| ids.into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// `raw` read as `phonenumber::parse(region, raw)` reads it, with the database it was read
/// with: pass that one on to validate, format or place the number.
pub fn parse(
    region: Option<country::Id>,
    raw: &str,
) -> Result<(PhoneNumber, &'static Database), ParseError> {
    let code = if raw.trim_start().starts_with('+') {
        code_after_plus(raw)
            .filter(|&code| region.is_none_or(|id| calling_code(id.as_ref()) == Some(code)))
    } else {
        region.and_then(|id| calling_code(id.as_ref()))
    };
    if let Some(database) = code.and_then(of_code)
        && let Ok(number) = phonenumber::parse_with(database, region, raw)
    {
        return Ok((number, database));
    }
    let database = every_country();
    phonenumber::parse_with(database, region, raw).map(|number| (number, database))
}

/// The calling code a `+` number starts with, when its first digits, past the separators
/// people write, are one.
fn code_after_plus(raw: &str) -> Option<u16> {
    let digits = raw
        .trim_start()
        .strip_prefix('+')?
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .map_while(|c| c.to_digit(10));
    let mut code = 0u16;
    for digit in digits.take(3) {
        code = code * 10 + digit as u16;
        if REGIONS.by_code.contains_key(&code) {
            return Some(code);
        }
    }
    None
}

/// The region a read number belongs to (`BR`), as `number.country().id()` says it.
pub fn region_of(number: &PhoneNumber, database: &Database) -> Option<String> {
    let meta = number.metadata(database)?;
    let id: country::Id = meta.id().parse().ok()?;
    Some(id.as_ref().to_string())
}

/// `+551139572288`: phonenumber's E.164 form. Its formatter reads every country's metadata
/// whatever database it is given (it dereferences the default one first), so the two forms a
/// build writes are made here.
pub fn e164(number: &PhoneNumber) -> String {
    format!("+{}{}", number.country().code(), number.national())
}

/// `+52 800 999 1422`: phonenumber's international form, by the first of the country's
/// formats whose leading digits and pattern fit the national number.
pub fn international(number: &PhoneNumber, database: &Database) -> String {
    let code = number.country().code();
    let national = number.national().to_string();
    let Some(meta) = database.by_code(&code).and_then(|m| m.into_iter().next()) else {
        return e164(number);
    };
    let formats = match meta.international_formats() {
        [] => meta.formats(),
        formats => formats,
    };
    let format = formats
        .iter()
        .find(|format| match format.leading_digits().last() {
            // As phonenumber 0.3 does: a format without leading digits is taken unmatched.
            None => true,
            Some(leading) => {
                leading.find(&national).is_some_and(|m| m.start() == 0)
                    && format
                        .pattern()
                        .find(&national)
                        .is_some_and(|m| m.start() == 0 && m.end() == national.len())
            }
        });
    let mut out = match format {
        Some(format) => format!(
            "+{code} {}",
            format.pattern().replace(&national, format.format())
        ),
        None => format!("+{code} {national}"),
    };
    if let Some(extension) = number.extension() {
        out.push_str(meta.preferred_extension_prefix().unwrap_or(" ext. "));
        out.push_str(extension.as_ref());
    }
    out
}

/// Every database built so far.
fn built() -> impl Iterator<Item = &'static Database> {
    BY_CODE
        .iter()
        .filter_map(|cell| cell.get().and_then(Option::as_ref))
        .chain(EVERY_COUNTRY.get().copied())
}

/// Let go of the patterns the databases compiled. phonenumber keeps every one it used, and
/// each holds its matching engines' caches: 138 patterns took 20 MB on a 10,000-page site, a
/// tenth of the build's peak memory. Loading calls this once it has read every number; a later
/// reading (the checks', the next live rebuild's) compiles what it needs again, half a
/// millisecond each.
pub fn release_patterns() {
    for database in built() {
        if let Ok(mut cache) = database.cache().lock() {
            cache.clear();
        }
    }
}

/// How many compiled patterns the databases hold.
pub fn patterns_held() -> usize {
    built()
        .map(|database| database.cache().lock().map_or(0, |cache| cache.len()))
        .sum()
}

#[cfg(test)]
mod tests;

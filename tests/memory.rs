//! What loading leaves in memory, and what it builds. One test in a binary of its own: the
//! phone databases and their pattern caches are global, and another test reading numbers
//! beside it would build and refill them.

mod common;

use helpcenter::check::{self, CheckOptions};
use helpcenter::config::Config;
use helpcenter::content::{self, LoadOptions, phone_metadata};
use once_cell::sync::Lazy;
use phonenumber::metadata::DATABASE;

#[test]
fn phone_numbers_are_read_with_their_codes_metadata_and_let_go_of_it() {
    let site = common::Site::sample();
    let config = Config::load(site.path()).unwrap();
    let (loaded, _) = content::load(&config, LoadOptions::default());
    let numbers: usize = loaded
        .data
        .contacts
        .values()
        .flat_map(|table| &table.rows)
        .map(|row| row.toll_free.len() + row.local.len())
        .sum();
    assert!(
        numbers > 50,
        "the sample has its contact tables ({numbers} numbers)"
    );
    let read = loaded
        .data
        .contacts
        .values()
        .flat_map(|table| &table.rows)
        .flat_map(|row| row.toll_free.iter().chain(&row.local))
        .filter(|phone| phone.e164.is_some())
        .count();
    assert!(read > 50, "loading read the numbers ({read} read)");
    assert_eq!(
        phone_metadata::patterns_held(),
        0,
        "each compiled pattern holds its engines' caches (20 MB at 10,000 pages)"
    );
    assert!(
        Lazy::get(&DATABASE).is_none(),
        "the sample's numbers read with their codes' metadata, not every country's (57 ms)"
    );
    let diagnostics = check::check(&loaded, &CheckOptions::default());
    assert!(
        diagnostics.iter().any(|d| d.message.contains("+52 800")),
        "the checks name a number's current form in its international format: {diagnostics:?}"
    );
    assert!(
        Lazy::get(&DATABASE).is_none(),
        "the checks read and format numbers with their codes' metadata too"
    );
}

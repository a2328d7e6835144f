//! What loading leaves in memory. One test in a binary of its own: phonenumber's pattern
//! cache is global, and another test reading numbers beside it would refill it.

mod common;

use helpcenter::config::Config;
use helpcenter::content::{self, LoadOptions, phone};

#[test]
fn loading_lets_go_of_the_phone_patterns_it_compiled() {
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
        phone::patterns_held(),
        0,
        "each compiled pattern holds its engines' caches (20 MB at 10,000 pages)"
    );
}

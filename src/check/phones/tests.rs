use proptest::prelude::*;

use super::*;

/// Tables as cells of (key, digits); a small alphabet of keys and numbers makes shared
/// numbers common.
fn tables() -> impl Strategy<Value = Vec<Vec<(usize, Vec<String>)>>> {
    let numbers = prop::collection::vec(0u8..6, 0..4);
    let table = prop::collection::btree_map(0usize..4, numbers, 0..4);
    prop::collection::vec(table, 0..12).prop_map(|tables| {
        tables
            .into_iter()
            .map(|cells| {
                cells
                    .into_iter()
                    .map(|(key, numbers)| (key, numbers.iter().map(|n| format!("5{n}")).collect()))
                    .collect()
            })
            .collect()
    })
}

proptest! {
    /// The pairs looked up are exactly the pairs, in order, that share a number for a key:
    /// the ones `pair_typos` can report on (it returns nothing for tables that agree on none).
    #[test]
    fn candidate_pairs_are_the_pairs_sharing_a_number(tables in tables()) {
        let prepared: Vec<Vec<(usize, Cell)>> = tables
            .iter()
            .map(|cells| {
                cells
                    .iter()
                    .map(|(key, numbers)| {
                        let digits = numbers.iter().cloned().collect();
                        (*key, Cell { entries: Vec::new(), digits })
                    })
                    .collect()
            })
            .collect();
        let shares = |a: &[(usize, Cell)], b: &[(usize, Cell)]| {
            a.iter().any(|(ka, ca)| {
                b.iter().any(|(kb, cb)| ka == kb && !ca.digits.is_disjoint(&cb.digits))
            })
        };
        let mut every_pair = Vec::new();
        for i in 0..prepared.len() {
            for j in i + 1..prepared.len() {
                if shares(&prepared[i], &prepared[j]) {
                    every_pair.push((i, j));
                }
            }
        }
        prop_assert_eq!(candidate_pairs(&prepared), every_pair);
    }
}

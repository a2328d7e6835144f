//! The pages as a tree: sections before their children, children in order, missing sections
//! made up from their folder's name.

use std::collections::HashMap;

use super::{FrontMatter, Page, PageKind};
use crate::config::Config;

/// Link one language's pages into a tree: home first, every section before its children,
/// children sorted by weight then title. Sections without `_index.md` get a page titled after
/// the folder. Indexes start at `offset`, where the language's pages will sit in the site.
pub(super) fn build_tree(
    mut pages: Vec<Page>,
    config: &Config,
    lang: &str,
    offset: usize,
) -> Vec<Page> {
    let root = format!("{}/", config.prefix(lang));
    // A language's home has no parent: the site's home is not its section.
    let parent_of = |url: &str| if url == root { None } else { parent_url(url) };
    let mut by_url: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.clone(), i))
        .collect();
    // Create missing sections (including the home page) for every ancestor URL.
    let mut i = 0;
    while i < pages.len() {
        if let Some(parent_url) = parent_of(&pages[i].url)
            && !by_url.contains_key(&parent_url)
        {
            by_url.insert(parent_url.clone(), pages.len());
            pages.push(synthetic_section(&parent_url, &root, config, lang));
        }
        i += 1;
    }
    if !by_url.contains_key(&root) {
        by_url.insert(root.clone(), pages.len());
        pages.push(synthetic_section(&root, &root, config, lang));
    }
    // Order: breadth-first from the home page, children sorted.
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(parent) = parent_of(&page.url) {
            children.entry(by_url[&parent]).or_default().push(i);
        }
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (a.front.weight, &a.front.title, &a.url).cmp(&(b.front.weight, &b.front.title, &b.url))
        });
    }
    let mut order = vec![by_url[&root]];
    let mut head = 0;
    while head < order.len() {
        if let Some(list) = children.get(&order[head]) {
            order.extend(list);
        }
        head += 1;
    }
    let new_index: HashMap<usize, usize> = order
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, offset + new))
        .collect();
    // A page no section leads to is left out, as it always was: it goes last and is cut off.
    let reached = order.len();
    if reached < pages.len() {
        let mut seen = vec![false; pages.len()];
        order.iter().for_each(|&old| seen[old] = true);
        order.extend((0..pages.len()).filter(|&old| !seen[old]));
    }
    let mut sorted = pages;
    permute(&mut sorted, &order);
    sorted.truncate(reached);
    for (new, &old) in order.iter().enumerate() {
        let page = &mut sorted[new];
        page.children = children
            .get(&old)
            .map(|l| l.iter().map(|c| new_index[c]).collect())
            .unwrap_or_default();
        for &child in &page.children.clone() {
            sorted[child - offset].parent = Some(offset + new);
        }
    }
    sorted
}

/// Reorder `items` so that `items[new]` is what `items[order[new]]` was (`order` holds every
/// index once), in place: each item moves along its cycle by swaps. Copying the pages into a
/// second list, twice, was most of building the tree at 50,000 pages.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

fn parent_url(url: &str) -> Option<String> {
    if url == "/" {
        return None;
    }
    let trimmed = url.trim_end_matches('/');
    let cut = trimmed.rfind('/')?;
    Some(trimmed[..=cut].to_string())
}

fn synthetic_section(url: &str, root: &str, config: &Config, lang: &str) -> Page {
    let name = url.trim_matches('/').rsplit('/').next().unwrap_or("");
    let title = if url == root {
        config.localized(lang).title
    } else {
        let words = name.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    Page {
        kind: if url == root {
            PageKind::Home
        } else {
            PageKind::Section
        },
        path: String::new(),
        url: url.to_string(),
        front: FrontMatter {
            title,
            ..Default::default()
        },
        body_offset: 0,
        source: String::new(),
        markdown: Default::default(),
        parent: None,
        children: Vec::new(),
        updated: None,
        content_hash: String::new(),
        lang: lang.to_string(),
        untranslated: false,
        standalone: false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::permute;

    proptest! {
        #[test]
        fn permuting_in_place_is_taking_each_item_in_order(
            order in (0usize..60).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("page {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&old| items[old].clone()).collect();
            let mut permuted = items;
            permute(&mut permuted, &order);
            prop_assert_eq!(permuted, expected);
        }
    }
}

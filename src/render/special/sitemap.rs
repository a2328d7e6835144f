//! The sitemap: one file of every page in every language while it is small, else a sitemap
//! index over several sitemaps of at most [`SITEMAP_URLS`] URLs each.

use tera::Value;

use super::Job;
use crate::content::Site;
use crate::render::context::reading_order;
use crate::render::html::Shared;

/// URLs one sitemap lists at most. The protocol allows 50,000 (and 50 MB); with a page's
/// alternates in two more languages 10,000 URLs are about 5 MB.
pub(super) const SITEMAP_URLS: usize = 10_000;

/// Every page of every language as a sitemap entry, at most `limit` per language.
pub(super) fn sitemap_entries(site: &Site, shared: &Shared, limit: usize) -> Vec<Value> {
    site.config
        .language_codes()
        .flat_map(|code| reading_order(site, code).into_iter().take(limit))
        .map(|index| {
            let page = &site.pages[index];
            serde_json::json!({
                "permalink": site.config.permalink(&page.url),
                "updated": page.updated,
                "lang": page.lang,
                "translations": shared.languages.translations(site, index),
            })
        })
        .collect()
}

/// The sitemap files `(path, template, job)` of the entries `everywhere`: `sitemap.xml`
/// listing them all (`all_pages`) while they are at most `per_file`, else `sitemap.xml` as an
/// index (`sitemap_index.xml`, listing `sitemaps`) of `sitemap-1.xml`, `sitemap-2.xml`, ….
pub(super) fn sitemap_files<'a>(
    config: &crate::config::Config,
    everywhere: &'a [Value],
    per_file: usize,
) -> Vec<(String, &'static str, Job<'a>)> {
    let chunks: Vec<&[Value]> = everywhere.chunks(per_file).collect();
    if chunks.len() <= 1 {
        let job = Job::Sitemap {
            entries: everywhere,
            handbooks: true,
        };
        return vec![("sitemap.xml".into(), "sitemap.xml", job)];
    }
    let mut files = Vec::with_capacity(chunks.len() + 1);
    let mut listed = Vec::with_capacity(chunks.len());
    for (i, chunk) in chunks.into_iter().enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        // The handbooks are listed once, in the first sitemap.
        let job = Job::Sitemap {
            entries: chunk,
            handbooks: i == 0,
        };
        listed.push(config.permalink(&format!("/{path}")));
        files.push((path, "sitemap.xml", job));
    }
    files.push((
        "sitemap.xml".into(),
        "sitemap_index.xml",
        Job::SitemapIndex(listed),
    ));
    files
}

#[cfg(test)]
mod tests {
    use tera::Context;

    use super::*;

    #[test]
    fn past_its_limit_the_sitemap_is_an_index_of_sitemaps() {
        let config: crate::config::Config =
            toml::from_str("title = 'T'\nbase_url = 'https://x.org/help'").unwrap();
        let mut config = config;
        config.set_base_url("https://x.org/help/");
        let entries: Vec<Value> = (0..25).map(|i| serde_json::json!({ "n": i })).collect();
        let files = sitemap_files(&config, &entries, 10);
        let names: Vec<(&str, &str)> = files.iter().map(|(p, t, _)| (p.as_str(), *t)).collect();
        assert_eq!(
            names,
            [
                ("sitemap-1.xml", "sitemap.xml"),
                ("sitemap-2.xml", "sitemap.xml"),
                ("sitemap-3.xml", "sitemap.xml"),
                ("sitemap.xml", "sitemap_index.xml"),
            ]
        );
        let contexts: Vec<Context> = files
            .iter()
            .map(|(_, _, job)| {
                let mut context = Context::new();
                job.add_to(&mut context);
                context
            })
            .collect();
        let listed = |i: usize, key: &str| contexts[i].get(key).cloned().unwrap();
        assert_eq!(listed(2, "all_pages").as_array().unwrap().len(), 5);
        assert_eq!(listed(0, "handbooks"), true);
        assert_eq!(listed(1, "handbooks"), false);
        assert_eq!(
            listed(3, "sitemaps")[2],
            "https://x.org/help/sitemap-3.xml",
            "the index lists absolute URLs"
        );

        let one = sitemap_files(&config, &entries[..10], 10);
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].0.as_str(), one[0].1),
            ("sitemap.xml", "sitemap.xml")
        );
    }
}

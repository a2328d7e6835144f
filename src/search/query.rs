//! From user text to ranked hits with snippets.
//!
//! The query is never parsed as syntax: `plan` cuts it into folded words and phone-number
//! digit runs, and every word becomes a *unit* with *variants* — the exact word, its stems,
//! its synonyms, the real index terms within its typo budget, and (last word only) the terms
//! it is a prefix of. tantivy retrieves candidates with BM25 over all variants; `rescore`
//! ranks them Meilisearch-style (how many units, how well, where, plus a boost for contact
//! rows when the query names a country and a contact need), and [`snippet`](super::snippet)
//! cuts the hits' snippets. A failure of tantivy on the way is returned, never taken for "no
//! hits".

use tantivy::Searcher;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::Hit;
use super::plan::{Plan, Prepared, plan};
use super::rescore::rescore;
use super::schema::Fields;
use super::snippet::hit;

/// Candidates re-scored per query.
const CANDIDATES: usize = 100;

/// Run `text` against the index. Returns the number of matching documents and the best hits;
/// an error only when tantivy fails (no hits is `Ok`).
pub fn run(
    searcher: &Searcher,
    fields: &Fields,
    prepared: &Prepared,
    text: &str,
    limit: usize,
) -> tantivy::Result<(usize, Vec<Hit>)> {
    if limit == 0 {
        return Ok((0, Vec::new()));
    }
    let mut analyzers = prepared.analyzers.clone();
    let Some(plan) = plan(searcher, fields, prepared, &mut analyzers, text)? else {
        return Ok((0, Vec::new()));
    };
    let Some(query) = tantivy_query(&plan) else {
        return Ok((0, Vec::new()));
    };
    let want = CANDIDATES.max(limit * 2);
    let (total, candidates) =
        searcher.search(&query, &(Count, TopDocs::with_limit(want).order_by_score()))?;
    let mut scored = rescore(searcher, fields, &plan, &candidates)?;
    // Best first; equal scores in index order (site order).
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(limit);
    let hits = scored
        .into_iter()
        .map(|(score, address)| {
            hit(
                searcher,
                fields,
                &plan.marks,
                &mut analyzers,
                score,
                address,
            )
        })
        .collect::<tantivy::Result<_>>()?;
    Ok((total, hits))
}

/// Every variant of every unit as a boosted `Should` clause; `None` when there is none.
fn tantivy_query(plan: &Plan) -> Option<BooleanQuery> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for unit in &plan.units {
        for v in &unit.variants {
            let query: Box<dyn Query> = if v.terms.len() == 1 {
                Box::new(TermQuery::new(
                    v.terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(BooleanQuery::new(
                    v.terms
                        .iter()
                        .map(|t| {
                            let q: Box<dyn Query> =
                                Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                            (Occur::Must, q)
                        })
                        .collect(),
                ))
            };
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(query, v.quality * unit.weight)),
            ));
        }
    }
    (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
}

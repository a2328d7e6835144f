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

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::Hit;
use super::plan::{Plan, Prepared, plan};
use super::rescore::rescore;
use super::schema::Fields;
use super::snippet::hit;

/// Candidates re-scored per query.
const CANDIDATES: usize = 100;

/// Run `text` against the index. Returns the number of matching documents and the best hits;
/// an error only when tantivy fails (no hits is `Ok`). With `lang` (the index of one language
/// of several), hits in that language's text come first.
pub fn run(
    searcher: &Searcher,
    fields: &Fields,
    prepared: &Prepared,
    lang: Option<&str>,
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
    let scored = rescore(searcher, fields, &plan, &candidates)?;
    let in_text = match lang {
        Some(lang) => in_language(searcher, fields, lang, &scored)?,
        None => vec![true; scored.len()],
    };
    let mut scored: Vec<(bool, f32, DocAddress)> = in_text
        .into_iter()
        .zip(scored)
        .map(|(own, (score, address))| (own, score, address))
        .collect();
    // The reader's language first, best first; equal scores in index order (site order).
    scored.sort_by(|a, b| {
        (b.0.cmp(&a.0))
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    scored.truncate(limit);
    let hits = scored
        .into_iter()
        .map(|(_, score, address)| {
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

/// Whether each candidate's text is in `lang`: the term's postings read once per segment
/// and walked forward over the candidates in document order.
fn in_language(
    searcher: &Searcher,
    fields: &Fields,
    lang: &str,
    scored: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<bool>> {
    let term = Term::from_field_text(fields.language, lang);
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_unstable_by_key(|&i| scored[i].1);
    let mut in_text = vec![false; scored.len()];
    let mut postings = None;
    let mut segment = None;
    for i in order {
        let address = scored[i].1;
        if segment != Some(address.segment_ord) {
            segment = Some(address.segment_ord);
            postings = searcher
                .segment_reader(address.segment_ord)
                .inverted_index(fields.language)?
                .read_postings(&term, IndexRecordOption::Basic)?;
        }
        if let Some(postings) = postings.as_mut() {
            let at = if postings.doc() < address.doc_id {
                postings.seek(address.doc_id)
            } else {
                postings.doc()
            };
            in_text[i] = at == address.doc_id;
        }
    }
    Ok(in_text)
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

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

use std::collections::BTreeMap;

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
    let want = CANDIDATES.max(limit * 2);
    let collector = (Count, TopDocs::with_limit(want).order_by_score());
    let mut found = (0, Vec::new());
    // Stop words retrieve only when nothing else does ("who speaks portuguese").
    for with_stop in [false, true] {
        if let Some(query) = tantivy_query(&plan, with_stop) {
            found = searcher.search(&query, &collector)?;
        }
        if found.0 > 0 || !plan.units.iter().any(|u| u.stop) {
            break;
        }
    }
    let (total, candidates) = found;
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

/// Retrieval: a boosted `Should` clause per distinct term of the variants retrieval needs,
/// and one requiring every word of a synonym of several words ("trouble ticket"); `None`
/// when there is none. Stop words among other words are left to rescoring unless
/// `with_stop`, since they match nearly every document. The plain terms form a union of
/// their own, which tantivy runs fastest, in term order: scores are sums of floats, so a fixed
/// order keeps equal documents in the same order from one run to the next.
fn tantivy_query(plan: &Plan, with_stop: bool) -> Option<BooleanQuery> {
    let mut boosts: BTreeMap<&Term, f32> = BTreeMap::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for unit in plan.units.iter().filter(|u| with_stop || !u.stop) {
        for v in unit.variants.iter().filter(|v| v.retrieval > 0.0) {
            let boost = v.retrieval * unit.weight;
            if let [term] = &v.terms[..] {
                let slot = boosts.entry(term).or_default();
                *slot = slot.max(boost);
                continue;
            }
            let all: Vec<(Occur, Box<dyn Query>)> = v
                .terms
                .iter()
                .map(|t| {
                    let query = TermQuery::new(t.clone(), IndexRecordOption::Basic);
                    (Occur::Must, Box::new(query) as Box<dyn Query>)
                })
                .collect();
            let all = Box::new(BooleanQuery::new(all));
            clauses.push((Occur::Should, Box::new(BoostQuery::new(all, boost))));
        }
    }
    let terms: Vec<(Occur, Box<dyn Query>)> = boosts
        .into_iter()
        .map(|(term, boost)| (Occur::Should, term_query(term, boost)))
        .collect();
    if clauses.is_empty() {
        return (!terms.is_empty()).then(|| BooleanQuery::new(terms));
    }
    if !terms.is_empty() {
        clauses.push((Occur::Should, Box::new(BooleanQuery::new(terms))));
    }
    Some(BooleanQuery::new(clauses))
}

fn term_query(term: &Term, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
    Box::new(BoostQuery::new(Box::new(query), boost))
}

//! Re-ranking tantivy's candidates Meilisearch-style: how many query units a document
//! matches (weighted by rarity), how well and where, words side by side, how much of its name
//! the query covers, and the contact boost.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::query::{EnableScoring, PhraseQuery, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, InvertedIndexReader, Searcher, TERMINATED, Term};

use super::plan::Plan;
use super::schema::Fields;

/// Re-score tantivy's candidates: coverage of the query's units, match quality, BM25 as a
/// tie-breaker, and the contact boost.
pub(super) fn rescore(
    searcher: &Searcher,
    f: &Fields,
    plan: &Plan,
    candidates: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let n_units = plan.units.len();
    let mut best = vec![0f32; candidates.len() * n_units];
    let mut contact_boost = vec![false; candidates.len()];
    let mut primary_boost = vec![false; candidates.len()];
    let mut in_name = vec![false; candidates.len() * n_units];
    let mut name_len = vec![0u32; candidates.len()];
    let mut proximity = vec![0usize; candidates.len()];
    let mut page = vec![false; candidates.len()];
    let mut segments: Vec<u32> = candidates.iter().map(|(_, a)| a.segment_ord).collect();
    segments.sort_unstable();
    segments.dedup();
    for ord in segments {
        let segment = searcher.segment_reader(ord);
        let mut in_segment: Vec<(DocId, usize)> = candidates
            .iter()
            .enumerate()
            .filter(|(_, (_, a))| a.segment_ord == ord)
            .map(|(i, (_, a))| (a.doc_id, i))
            .collect();
        in_segment.sort_unstable();
        let mut readers: HashMap<Field, Arc<InvertedIndexReader>> = HashMap::new();
        // The candidates (indexes into `candidates`) holding every one of `terms`.
        let mut present = |terms: &[Term]| -> tantivy::Result<Vec<usize>> {
            let mut postings = Vec::with_capacity(terms.len());
            for term in terms {
                let field = term.field();
                let reader = match readers.get(&field) {
                    Some(r) => r.clone(),
                    None => {
                        let r = segment.inverted_index(field)?;
                        readers.insert(field, r.clone());
                        r
                    }
                };
                match reader.read_postings(term, IndexRecordOption::Basic)? {
                    Some(p) => postings.push(p),
                    None => return Ok(Vec::new()),
                }
            }
            let mut out = Vec::new();
            'docs: for &(doc, i) in &in_segment {
                for p in postings.iter_mut() {
                    let at = if p.doc() < doc { p.seek(doc) } else { p.doc() };
                    if at == TERMINATED {
                        break 'docs;
                    }
                    if at != doc {
                        continue 'docs;
                    }
                }
                out.push(i);
            }
            Ok(out)
        };
        for (u, unit) in plan.units.iter().enumerate() {
            for v in &unit.variants {
                for i in present(&v.terms)? {
                    let slot = &mut best[i * n_units + u];
                    *slot = slot.max(v.quality);
                    if v.in_name {
                        in_name[i * n_units + u] = true;
                    }
                }
            }
        }
        for i in present(&[Term::from_field_text(f.kind, "page")])? {
            page[i] = true;
        }
        let norms = segment.get_fieldnorms_reader(f.name)?;
        for &(doc, i) in &in_segment {
            name_len[i] = norms.fieldnorm(doc);
        }
        let mut matched_pairs: Vec<HashSet<usize>> = vec![HashSet::new(); candidates.len()];
        for (k, phrase) in plan.phrases.iter().enumerate() {
            let mut scorer = PhraseQuery::new(phrase.clone())
                .weight(EnableScoring::disabled_from_searcher(searcher))?
                .scorer(segment, 1.0)?;
            for &(doc, i) in &in_segment {
                let at = if scorer.doc() < doc {
                    scorer.seek(doc)
                } else {
                    scorer.doc()
                };
                if at == TERMINATED {
                    break;
                }
                if at == doc {
                    // Four fields per pair: count each pair once.
                    matched_pairs[i].insert(k / 4);
                }
            }
        }
        for (i, set) in matched_pairs.iter().enumerate() {
            proximity[i] += set.len();
        }
        if !plan.contact_countries.is_empty() {
            let contacts: HashSet<usize> = present(&[Term::from_field_text(f.kind, "contact")])?
                .into_iter()
                .collect();
            for code in &plan.contact_countries {
                for i in present(&[Term::from_field_text(f.country, code)])? {
                    if contacts.contains(&i) {
                        contact_boost[i] = true;
                    }
                }
            }
        }
        if !plan.only_countries.is_empty() {
            let primary: HashSet<usize> = present(&[Term::from_field_text(
                f.country,
                super::documents::PRIMARY_TERM,
            )])?
            .into_iter()
            .collect();
            for code in &plan.only_countries {
                for i in present(&[Term::from_field_text(f.country, code)])? {
                    if primary.contains(&i) {
                        primary_boost[i] = true;
                    }
                }
            }
        }
    }
    let total_weight: f32 = plan
        .units
        .iter()
        .filter(|u| !u.stop)
        .map(|u| u.weight)
        .sum::<f32>()
        .max(1e-6);
    let max_bm25 = candidates
        .iter()
        .map(|(s, _)| *s)
        .fold(0f32, f32::max)
        .max(1e-6);
    Ok(candidates
        .iter()
        .enumerate()
        .map(|(i, &(bm25, address))| {
            let mut covered = 0.0;
            let mut quality = 0.0;
            let mut named = 0;
            for (u, unit) in plan.units.iter().enumerate() {
                let q = best[i * n_units + u];
                if q > 0.0 && !unit.stop {
                    covered += unit.weight;
                    quality += unit.weight * q;
                }
                if in_name[i * n_units + u] {
                    named += 1;
                }
            }
            let mut score =
                4.0 * covered / total_weight + quality / total_weight + 0.5 * bm25 / max_bm25;
            // Exactness: how much of the document's name the query covers.
            if name_len[i] > 0 {
                score += 0.5 * (named as f32 / name_len[i] as f32).min(1.0);
            }
            if plan.pairs > 0 {
                score += 0.8 * proximity[i] as f32 / plan.pairs as f32;
            }
            if page[i] {
                score += 0.1;
            }
            if contact_boost[i] {
                score += 1.5;
            }
            if primary_boost[i] {
                score += 2.0;
            }
            (score, address)
        })
        .collect())
}

//! Index terms near a word: what `helpcenter insights` needs to propose a synonym for a query
//! that found nothing (see `crate::insights::suggest`).

use super::expand::{expandable, fuzzy_terms};
use super::tokenizers::Analyzers;
use super::{LanguageIndex, Search, SearchError};

impl Search {
    /// The index of `lang` (the default language's for `None`), or which languages there are.
    pub(super) fn language_index(&self, lang: Option<&str>) -> Result<&LanguageIndex, SearchError> {
        match lang {
            None => Ok(&self.indexes[0]),
            Some(lang) => self
                .indexes
                .iter()
                .find(|index| index.code == lang)
                .ok_or_else(|| {
                    let known: Vec<&str> = self.languages().collect();
                    SearchError::UnknownLanguage(lang.to_string(), known.join(", "))
                }),
        }
    }

    /// The words of `text` as the index folds them.
    pub fn folded_words(text: &str) -> Vec<String> {
        Analyzers::default()
            .words(text)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    /// Whether the folded `word` is a term of `lang`'s index (names, keywords, breadcrumbs or
    /// text).
    pub fn has_term(&self, word: &str, lang: Option<&str>) -> Result<bool, SearchError> {
        let index = self.language_index(lang)?;
        let searcher = index.reader.searcher();
        for (field, _) in expandable(&index.fields) {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let found = inverted
                    .terms()
                    .get(word.as_bytes())
                    .map_err(tantivy::TantivyError::from)?;
                if found.is_some_and(|info| info.doc_freq > 0) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Terms of `lang`'s index within `distance` (at most 2) typos of the folded `word`, not
    /// `word` itself, closest and most frequent first.
    pub fn near_terms(
        &self,
        word: &str,
        distance: u8,
        lang: Option<&str>,
    ) -> Result<Vec<(String, u8)>, SearchError> {
        let index = self.language_index(lang)?;
        let searcher = index.reader.searcher();
        Ok(
            fuzzy_terms(&searcher, &index.fields, word, distance.min(2))?
                .into_iter()
                .map(|(term, d, _)| (term, d))
                .collect(),
        )
    }
}

//! The index schema. Bump [`SCHEMA_VERSION`] whenever the fields or the analyzers change: an
//! index built by another version is refused with a message to rebuild.

use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenizers::{DIGITS, FOLD, STEM};

pub const SCHEMA_VERSION: u32 = 2;

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// What the document is called: heading, page title, role or service name, procedure
    /// title, contact location. Weighted highest.
    pub name: Field,
    pub name_stem: Field,
    /// Codes, aliases, short names, tags, country names in several languages.
    pub keywords: Field,
    /// Where the document lives: breadcrumbs, the contact table's title.
    pub context: Field,
    pub context_stem: Field,
    /// The text; stored for snippets.
    pub body: Field,
    pub body_stem: Field,
    /// Phone-number digit variants of the row's own numbers…
    pub phone: Field,
    /// …and of numbers of another country it lists.
    pub phone_other: Field,
    /// Lowercase ISO codes of the countries a contact row serves.
    pub country: Field,
    pub kind: Field,
    pub url: Field,
    /// The language of the document's text.
    pub language: Field,
    /// Stored only: what a hit shows.
    pub title: Field,
    pub section: Field,
    /// Stored only: one line per phone number, `raw<TAB>variant variant …`, for snippets.
    pub phones: Field,
}

fn text(tokenizer: &str, positions: bool, stored: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        name: b.add_text_field("name", text(FOLD, true, false)),
        name_stem: b.add_text_field("name_stem", text(STEM, false, false)),
        keywords: b.add_text_field("keywords", text(FOLD, true, false)),
        context: b.add_text_field("context", text(FOLD, true, false)),
        context_stem: b.add_text_field("context_stem", text(STEM, false, false)),
        body: b.add_text_field("body", text(FOLD, true, true)),
        body_stem: b.add_text_field("body_stem", text(STEM, false, false)),
        phone: b.add_text_field("phone", text(DIGITS, false, false)),
        phone_other: b.add_text_field("phone_other", text(DIGITS, false, false)),
        country: b.add_text_field("country", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        url: b.add_text_field("url", STRING | STORED),
        language: b.add_text_field("language", STRING | STORED),
        title: b.add_text_field("title", STORED),
        section: b.add_text_field("section", STORED),
        phones: b.add_text_field("phones", STORED),
    };
    (b.build(), fields)
}

impl Fields {
    /// Resolve the fields of an index opened from disk.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            name: f("name")?,
            name_stem: f("name_stem")?,
            keywords: f("keywords")?,
            context: f("context")?,
            context_stem: f("context_stem")?,
            body: f("body")?,
            body_stem: f("body_stem")?,
            phone: f("phone")?,
            phone_other: f("phone_other")?,
            country: f("country")?,
            kind: f("kind")?,
            url: f("url")?,
            language: f("language")?,
            title: f("title")?,
            section: f("section")?,
            phones: f("phones")?,
        })
    }
}

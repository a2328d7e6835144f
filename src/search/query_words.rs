//! Query words with a meaning of their own: stop words in English, Spanish and Portuguese
//! (articles, prepositions, question words, possessives: weighed little, never highlighted)
//! and the words that say the reader wants to reach someone (the contact boost).

pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "al", "an", "and", "ao", "aos", "are", "as", "at", "be", "by", "can", "com", "como",
    "con", "cual", "cuales", "cuanta", "cuanto", "da", "das", "de", "del", "do", "does", "donde",
    "dos", "e", "el", "ella", "em", "en", "es", "esa", "ese", "essa", "esse", "esta", "este", "eu",
    "for", "from", "how", "i", "in", "is", "it", "la", "las", "lo", "los", "me", "meu", "meus",
    "mi", "minha", "minhas", "mis", "my", "na", "nos", "nossa", "nosso", "nuestro", "o", "of",
    "on", "onde", "or", "os", "our", "para", "por", "quais", "qual", "quanta", "quanto", "que",
    "quem", "quien", "quienes", "se", "seu", "seus", "su", "sua", "suas", "sus", "the", "this",
    "to", "tu", "tus", "um", "uma", "un", "una", "us", "we", "what", "where", "which", "who",
    "with", "y", "yo", "you", "your",
];

/// Words for calling or contacting anyone (folded): a contact need, and a generic one.
const PHONE_WORDS: &[&str] = &[
    "call",
    "calling",
    "phone",
    "phones",
    "telephone",
    "number",
    "numbers",
    "numero",
    "numeros",
    "telefono",
    "telefonos",
    "telefone",
    "telefones",
    "tel",
    "fone",
    "contact",
    "contacts",
    "contacto",
    "contato",
];

/// Words that say the reader wants to reach someone (folded), besides [`PHONE_WORDS`].
const CONTACT_NEEDS: &[&str] = &[
    "billing",
    "bill",
    "invoice",
    "invoices",
    "facturacion",
    "factura",
    "faturamento",
    "fatura",
    "support",
    "soporte",
    "suporte",
    "tsc",
    "helpdesk",
    "toll",
    "free",
    "tollfree",
    "gratuito",
    "email",
    // A contact table may say which portal serves a country.
    "portal",
    "portals",
    "portales",
    "portais",
    "mail",
    "correo",
    "ligar",
    "llamar",
    "hotline",
    "office",
    "oficina",
    "escritorio",
    "reach",
    "dial",
];

/// Contact needs that name no particular kind of contact ("phone", "telefone", "call"): a
/// query of a country and these only wants the primary contact row (the primary table's,
/// see `SearchDoc::primary`). "billing", "office" or "portal" name another table's rows.
const GENERIC_CONTACT: &[&str] = &[
    "support", "soporte", "suporte", "helpdesk", "toll", "free", "tollfree", "gratuito", "ligar",
    "llamar", "hotline", "reach", "dial", "tsc",
];

/// Whether `word` says the reader wants to reach someone.
pub(super) fn is_contact_need(word: &str) -> bool {
    PHONE_WORDS.contains(&word) || CONTACT_NEEDS.contains(&word)
}

/// The contact needs that name no particular kind of contact, for the static index too.
pub(crate) fn generic_contact_words() -> impl Iterator<Item = &'static str> {
    PHONE_WORDS.iter().chain(GENERIC_CONTACT).copied()
}

/// Whether `word` is a contact need that names no particular kind of contact.
pub(super) fn is_generic_contact(word: &str) -> bool {
    PHONE_WORDS.contains(&word) || GENERIC_CONTACT.contains(&word)
}

pub(super) fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

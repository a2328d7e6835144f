//! Query words with a meaning of their own: stop words in English, Spanish and Portuguese
//! (articles, prepositions, question words, possessives: weighed little, never highlighted)
//! and the words that say the reader wants to reach someone (the contact boost).

pub(super) const STOP_WORDS: &[&str] = &[
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

/// Words that say the reader wants to reach someone (folded).
pub(super) const CONTACT_NEEDS: &[&str] = &[
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

pub(super) fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

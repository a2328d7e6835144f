//! Query words with a meaning of their own: stop words (weighed little, never highlighted)
//! and the words that say the reader wants to reach someone (the contact boost).

pub(super) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "com", "como", "con", "da", "das",
    "de", "del", "do", "does", "dos", "e", "el", "em", "en", "es", "for", "from", "how", "i", "in",
    "is", "it", "la", "las", "los", "me", "mi", "my", "na", "o", "of", "on", "or", "os", "our",
    "para", "por", "que", "the", "this", "to", "um", "uma", "un", "una", "us", "we", "what",
    "where", "which", "who", "with", "y", "you", "your",
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

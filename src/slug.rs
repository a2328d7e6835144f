//! URL and anchor slugs: lowercase ASCII, accents folded, other characters collapsed to `-`.

pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_accents_and_punctuation() {
        assert_eq!(slugify("Perú"), "peru");
        assert_eq!(slugify("USA, Panamá, Costa Rica"), "usa-panama-costa-rica");
        assert_eq!(slugify("  UC&C -- Managed "), "uc-c-managed");
        assert_eq!(slugify("!!!"), "");
    }
}

//! Never a panic: random bytes, invalid UTF-8, huge files and deep YAML fed to every loader
//! through the library must come back as diagnostics.

use std::fs;
use std::path::Path;

use helpcenter::build::{BuildOptions, Checked, load_and_check};
use helpcenter::check::CheckOptions;
use proptest::prelude::*;

const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://help.test\"\n";

/// Every file a loader reads, with a valid text for it.
const LOADERS: &[(&str, &str)] = &[
    (
        "content/a.md",
        "---\ntitle: A\ndescription: A.\n---\nText.\n",
    ),
    (
        "content/data/contacts/t.yaml",
        "title: T\nrows:\n  - location: Brazil\n    countries: [BR]\n    local: [\"+55-11-3957-2288\"]\n",
    ),
    (
        "content/data/services.yaml",
        "- id: cdn\n  name: CDN\n  summary: S.\n  description: D.\n",
    ),
    (
        "content/data/roles.yaml",
        "- code: AM\n  name: Account manager\n  summary: S.\n",
    ),
    ("content/data/procedures/p.yaml", "title: P\nsummary: S.\n"),
    (
        "content/synonyms.yaml",
        "- [cdn, content delivery network]\n",
    ),
    ("site.toml", SITE_TOML),
];

/// A site with every loader's file valid, except `file`, which holds `bytes`.
fn load_with(file: &str, bytes: &[u8]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in LOADERS {
        write(dir.path(), path, text.as_bytes());
    }
    write(
        dir.path(),
        "content/_index.md",
        b"---\ntitle: Home\ndescription: H.\n---\n",
    );
    write(dir.path(), file, bytes);
    let options = BuildOptions {
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    load_and_check(&options, &CheckOptions::default())
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Errors for `file`, as `code: message`.
fn errors_in(checked: &Checked, file: &str) -> Vec<String> {
    checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.location.file.ends_with(file))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// Pieces of YAML and Markdown syntax, so random input reaches past the first character.
fn syntax() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "---\n",
        "- ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "  ",
        "title",
        "rows",
        "location",
        "countries",
        "toll_free",
        "&a ",
        "*a",
        "!!str ",
        "\"",
        "'",
        "#",
        "+55-11-3957-2288",
        "@",
        "|\n",
        ">-\n",
        "{{ contacts(table=\"t\") }}",
        "[x](/y/#z)",
        "\u{0}",
        "\u{feff}",
        "é",
        "\r\n",
        "1e999",
        "~",
        "null",
        "2024-13-45",
        "<<: *a",
    ]);
    prop::collection::vec(pieces, 0..200).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_bytes_never_panic(index in 0..LOADERS.len(), bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let (file, _) = LOADERS[index];
        let checked = load_with(file, &bytes);
        // Whatever came back, it rendered without panicking.
        for d in &checked.diagnostics {
            let _ = d.render(Path::new("/"), false);
        }
    }

    #[test]
    fn random_syntax_never_panics(index in 0..LOADERS.len(), bytes in syntax()) {
        let (file, _) = LOADERS[index];
        let checked = load_with(file, &bytes);
        for d in &checked.diagnostics {
            let _ = d.render(Path::new("/"), false);
        }
    }
}

#[test]
fn valid_fixture_loads_clean() {
    let checked = load_with("content/a.md", LOADERS[0].1.as_bytes());
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn invalid_utf8_is_an_encoding_error_in_every_loader() {
    for (file, text) in LOADERS {
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend([0xff, 0xfe, b'\n']);
        let checked = load_with(file, &bytes);
        // The line and column of the first byte that is not UTF-8, in every file.
        let line = text.lines().count() + 1;
        assert!(
            checked.diagnostics.iter().any(|d| d.code == "encoding"
                && d.location.file.ends_with(file)
                && d.location.line == Some(line)
                && d.location.column == Some(1)),
            "{file}: {:?}",
            errors_in(&checked, file)
        );
    }
}

#[test]
fn deep_yaml_hits_the_recursion_limit() {
    for (file, _) in LOADERS.iter().filter(|(f, _)| !f.ends_with(".toml")) {
        for deep in [
            "[".repeat(5_000),
            "a:\n".to_string()
                + &(1..1_000)
                    .map(|i| format!("{}a:\n", " ".repeat(i)))
                    .collect::<String>(),
            "- ".repeat(5_000),
        ] {
            let text = if file.ends_with(".md") {
                format!("---\ntitle: {deep}\n---\n")
            } else {
                deep
            };
            let checked = load_with(file, text.as_bytes());
            let errors = errors_in(&checked, file);
            assert!(!errors.is_empty(), "{file}: no error for deep YAML");
        }
    }
    // Untyped YAML too stops at 128 levels and says so, where the parser gives up, without
    // overflowing the stack.
    let deep = "[".repeat(5_000);
    let err =
        helpcenter::yaml::parse::<serde_yaml::Value>(Path::new("x.yaml"), &deep, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.yaml:1:256: error[yaml]: the value is nested more than 128 levels deep"
    );
    assert_eq!(
        err.hint.as_deref(),
        Some("data files need only a few levels; check for unclosed `[` or `{`")
    );
}

#[test]
fn deep_toml_and_alias_bombs_are_errors() {
    let toml = format!(
        "{SITE_TOML}[extra]\nx = {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let checked = load_with("site.toml", toml.as_bytes());
    assert!(!errors_in(&checked, "site.toml").is_empty());

    // Billion laughs: each alias repeats the previous list nine times.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    // Refused for what the aliases expand to, before any type is looked at: without the
    // limit the same file is "invalid type: map, expected a sequence".
    let checked = load_with("content/synonyms.yaml", bomb.as_bytes());
    let errors = errors_in(&checked, "synonyms.yaml");
    assert!(
        errors.len() == 1 && errors[0].starts_with("yaml: aliases expand this file to more than"),
        "{errors:?}"
    );
    // Untyped, where no type can be wrong: the limit, not serde_yaml's own "repetition limit
    // exceeded", refuses it, at the alias that goes past 16 MB.
    let err =
        helpcenter::yaml::parse::<serde_yaml::Value>(Path::new("x.yaml"), &bomb, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.yaml:7:26: error[yaml]: aliases expand this file to more than 16 MB"
    );
}

#[test]
fn huge_files_load_without_panic() {
    let mut page = String::from("---\ntitle: Huge\ndescription: H.\n---\n");
    for i in 0..5_000 {
        page.push_str(&format!(
            "## Heading {i}\n\nSome [link](#heading-{i}) text.\n\n"
        ));
    }
    // And 8 MB of one paragraph.
    page.push_str(&"word ".repeat(1_600_000));
    let checked = load_with("content/a.md", page.as_bytes());
    assert!(errors_in(&checked, "a.md").is_empty());

    let mut table = String::from("title: T\nrows:\n");
    for i in 0..2_000 {
        table.push_str(&format!(
            "  - location: Place {i}\n    countries: [BR]\n    local: [\"+55-11-3957-{:04}\"]\n",
            i % 10_000
        ));
    }
    let checked = load_with("content/data/contacts/t.yaml", table.as_bytes());
    assert!(errors_in(&checked, "t.yaml").is_empty());

    let deep_markdown = format!("---\ntitle: Deep\n---\n{}x\n", "> ".repeat(10_000));
    let _ = load_with("content/a.md", deep_markdown.as_bytes());
}

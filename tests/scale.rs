//! Files a browser can open: a handbook that outgrows one file is published in parts.

mod common;

use common::Site;

/// A paragraph of about `bytes` bytes of words.
fn text(bytes: usize, seed: usize) -> String {
    let words = [
        "invoice", "portal", "support", "network", "billing", "service", "ticket",
    ];
    let mut out = String::with_capacity(bytes + 16);
    let mut i = seed;
    while out.len() < bytes {
        out.push_str(words[i % words.len()]);
        out.push(if i % 13 == 12 { '\n' } else { ' ' });
        i += 1;
    }
    out
}

#[test]
fn a_handbook_past_a_few_megabytes_is_published_in_parts_a_phone_can_open() {
    let site = Site::minimal();
    // Section `a`: 40 pages of 120 KB (4.8 MB, more than one part holds); section `b`: 3.
    for (section, pages) in [("a", 40), ("b", 3)] {
        site.write(
            &format!("content/{section}/_index.md"),
            &format!("---\ntitle: Section {section}\ndescription: S.\n---\nAbout {section}.\n"),
        );
        for i in 0..pages {
            site.write(
                &format!("content/{section}/p{i:02}.md"),
                &format!(
                    "---\ntitle: Page {section}{i}\ndescription: P.\nweight: {i}\n---\n{}\n",
                    text(120_000, i)
                ),
            );
        }
    }
    site.run_ok(&["build"]);

    let contents = site.read_output("handbook/index.html");
    assert!(
        contents.len() < 100_000,
        "the contents file lists parts only"
    );
    for part in ["/handbook/a/", "/handbook/a-2/", "/handbook/b/"] {
        assert!(
            contents.contains(&format!("href=\"{part}\"")),
            "lists {part}"
        );
    }
    // Every page is in exactly one part, in reading order; parts link to their neighbours.
    let parts: Vec<String> = ["a", "a-2", "b"]
        .iter()
        .map(|p| site.read_output(&format!("handbook/{p}/index.html")))
        .collect();
    for (section, pages) in [("a", 40), ("b", 3)] {
        for i in 0..pages {
            let title = format!(">Page {section}{i}</h");
            let holding = parts.iter().filter(|p| p.contains(&title)).count();
            assert_eq!(holding, 1, "{title} is in {holding} parts");
        }
    }
    assert!(parts[0].contains(">Page a0</h") && parts[1].contains(">Page a39</h"));
    assert!(parts[0].contains(r#"rel="next" href="/handbook/a-2/""#));
    assert!(parts[1].contains(r#"rel="prev" href="/handbook/a/""#));
    assert!(parts[2].contains(r#"rel="prev" href="/handbook/a-2/""#));
    assert!(!parts[2].contains(r#"rel="next""#));
    assert!(parts[1].contains(r#"<link rel="canonical" href="https://help.test/handbook/a-2/">"#));

    // No file a reader fetches is over 10 MB.
    let public = site.public();
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && !entry.path().starts_with(public.join(".helpcenter")) {
            let size = entry.metadata().unwrap().len();
            assert!(
                size <= 10 << 20,
                "{} is {size} bytes",
                entry.path().display()
            );
        }
    }
}

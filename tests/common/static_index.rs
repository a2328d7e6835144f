//! The static search index read back as what it finds, to compare two indexes that may number
//! their documents differently (a live rebuild's and a full build's).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Each static index in `dir` (by folder) as what it finds: term → each document holding it,
/// as its row (kind, title, URL, section, excerpt) and the term's weight in it.
pub type StaticAnswers = BTreeMap<String, BTreeMap<String, BTreeSet<(Vec<String>, i64)>>>;

/// The first term (index folder, term) whose documents differ, with both sides'.
pub fn static_difference(a: &StaticAnswers, b: &StaticAnswers) -> Option<String> {
    let empty = BTreeMap::new();
    a.keys().chain(b.keys()).find_map(|index| {
        let (x, y) = (
            a.get(index).unwrap_or(&empty),
            b.get(index).unwrap_or(&empty),
        );
        x.keys()
            .chain(y.keys())
            .find(|t| x.get(*t) != y.get(*t))
            .map(|term| format!("{index} {term}: {:?} / {:?}", x.get(term), y.get(term)))
    })
}

pub fn static_answers(dir: &Path) -> StaticAnswers {
    let gunzip = |path: PathBuf| -> serde_json::Value {
        let mut json = String::new();
        flate2::read::GzDecoder::new(fs::File::open(&path).unwrap())
            .read_to_string(&mut json)
            .unwrap();
        serde_json::from_str(&json).unwrap()
    };
    let mut all = StaticAnswers::new();
    for meta_path in walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_name() == "meta.json" && e.path().parent().unwrap().ends_with("search-index")
        })
    {
        let index = meta_path.path().parent().unwrap();
        let meta: serde_json::Value =
            serde_json::from_slice(&fs::read(meta_path.path()).unwrap()).unwrap();
        let (n, shards, chunk) = (
            meta["n"].as_u64().unwrap(),
            meta["s"].as_u64().unwrap(),
            meta["c"].as_u64().unwrap(),
        );
        // Rows with `#anchor` URLs and `0` sections spelled out, as the browser reads them.
        let mut rows: Vec<Vec<String>> = Vec::new();
        for k in 0..n.div_ceil(chunk) {
            let mut previous: Option<Vec<String>> = None;
            for row in gunzip(index.join(format!("d/{k}.bin"))).as_array().unwrap() {
                let row = row.as_array().unwrap();
                let mut text: Vec<String> = row
                    .iter()
                    .map(|v| v.as_str().map_or(String::new(), str::to_string))
                    .collect();
                if let Some(p) = &previous {
                    if text[2].starts_with('#') {
                        text[2] = format!("{}{}", p[2].split('#').next().unwrap(), text[2]);
                    }
                    if row[3] == 0 {
                        text[3] = p[3].clone();
                    }
                }
                let row = text;
                previous = Some(row.clone());
                rows.push(row);
            }
        }
        let terms = all
            .entry(index.strip_prefix(dir).unwrap().display().to_string())
            .or_default();
        for k in 0..shards {
            let shard = gunzip(index.join(format!("t/{k}.bin")));
            for (term, list) in shard.as_object().unwrap() {
                let numbers: Vec<i64> = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect();
                let (mut doc, mut i) = (-1i64, 0);
                while i < numbers.len() {
                    let (gap, weight) = if numbers[i] > 0 {
                        (numbers[i], 1)
                    } else {
                        i += 1;
                        (-numbers[i - 1], numbers[i])
                    };
                    i += 1;
                    doc += gap;
                    let found = terms.entry(term.clone()).or_default();
                    assert!(
                        found.insert((rows[doc as usize].clone(), weight)),
                        "{term}: one posting a document"
                    );
                }
            }
        }
    }
    all
}

//! The labelled corpora (format in `tests/CORPUS.md`), shared by the quality and token tests.

use std::path::Path;

use veil_kinds::Entity;

pub struct Example {
    pub file: String,
    pub text: String,
    pub gold: Vec<(usize, usize, String)>,
}

/// Every example of `corpus/` or `corpus-heldout/`, gold spans as (start, end, label) in bytes.
pub fn load_corpus(name: &str) -> Vec<Example> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus missing at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let body = std::fs::read_to_string(&path).unwrap();
        let mut current = String::new();
        for line in body.lines() {
            if line == "---" {
                if !current.trim().is_empty() {
                    out.push(parse_example(&name, current.trim_end_matches('\n')));
                }
                current.clear();
            } else {
                current.push_str(line);
                current.push('\n');
            }
        }
        if !current.trim().is_empty() {
            out.push(parse_example(&name, current.trim_end_matches('\n')));
        }
    }
    assert!(!out.is_empty(), "corpus {name} is empty");
    out
}

fn parse_example(file: &str, marked: &str) -> Example {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find('⟦') {
        text.push_str(&rest[..open]);
        let after = &rest[open + '⟦'.len_utf8()..];
        let close = after
            .find('⟧')
            .unwrap_or_else(|| panic!("{file}: unclosed marker"));
        let (label, value) = after[..close]
            .split_once('|')
            .unwrap_or_else(|| panic!("{file}: marker without |"));
        assert!(
            Entity::builtin(label).is_some(),
            "{file}: unknown label {label}"
        );
        gold.push((text.len(), text.len() + value.len(), label.to_string()));
        text.push_str(value);
        rest = &after[close + '⟧'.len_utf8()..];
    }
    text.push_str(rest);
    Example {
        file: file.to_string(),
        text,
        gold,
    }
}

//! Long texts are read in windows, and the per-request bound is kept: natively, through the
//! same recognizer the filter runs.

use veil_classifier::Classifier;
use veil_core::detect::{Haystack, Recognizer, Tier2Budget};
use veil_kinds::Entity;

const FILLER: &str = "The quarterly report is attached and the numbers look fine to me. ";

fn text_with_names(names: &[&str]) -> String {
    let mut text = String::new();
    for name in names {
        text.push_str(&FILLER.repeat(16));
        text.push_str(&format!("Please forward it to Dr. {name} today. "));
    }
    text
}

fn people(found: &[veil_core::detect::Candidate], text: &str) -> Vec<String> {
    found
        .iter()
        .filter(|c| c.entity == Entity::Person && c.score >= 0.5)
        .map(|c| text[c.start..c.end].to_string())
        .collect()
}

const NAMES: [&str; 4] = [
    "Amara Okafor",
    "Yusuf Demir",
    "Priya Raman",
    "Reggie Fontaine",
];

/// The PERSON spans the classifier finds in `text` within `budget`.
fn read(text: &str, budget: &mut Tier2Budget) -> Vec<String> {
    let mut found = Vec::new();
    Classifier::load()
        .unwrap()
        .find_budgeted(&Haystack::new(text), budget, &mut found);
    people(&found, text)
}

#[test]
fn names_anywhere_in_a_long_text_are_found() {
    let names = NAMES;
    let text = text_with_names(&names);
    assert!(
        text.len() > 4 * 1024,
        "several windows: {} bytes",
        text.len()
    );
    let mut budget = Tier2Budget::unlimited();
    assert_eq!(read(&text, &mut budget), names);
    assert_eq!(budget.bytes_skipped, 0);
    assert!(
        budget.bytes_run >= text.len() - 1,
        "windows overlap: {}",
        budget.bytes_run
    );
}

#[test]
fn reading_stops_at_the_bound_and_counts_the_rest() {
    let names = NAMES;
    let text = text_with_names(&names);
    // One window of text is about 1.2 KB here: the first fits, the second does not.
    let mut budget = Tier2Budget::new(1500);
    let seen = read(&text, &mut budget);
    assert!(!seen.is_empty() && seen.len() < names.len(), "{seen:?}");
    assert_eq!(seen, names[..seen.len()]);
    assert!(budget.bytes_run <= 1500);
    assert!(budget.bytes_skipped > 0);
    // Scored and unread text together cover it all; no byte is in neither.
    assert!(budget.bytes_run + budget.bytes_skipped >= text.len());
}

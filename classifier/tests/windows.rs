//! Long texts are read in windows, and the per-request bound is kept: natively, through the
//! same recognizer the filter runs.

use veil_classifier::Classifier;
use veil_core::detect::{Haystack, Recognizer, Tier2Budget};
use veil_core::Entity;

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

#[test]
fn names_anywhere_in_a_long_text_are_found() {
    let names = [
        "Amara Okafor",
        "Yusuf Demir",
        "Priya Raman",
        "Reggie Fontaine",
    ];
    let text = text_with_names(&names);
    assert!(
        text.len() > 4 * 1024,
        "several windows: {} bytes",
        text.len()
    );
    let classifier = Classifier::load().unwrap();
    let mut found = Vec::new();
    let mut budget = Tier2Budget::unlimited();
    classifier.find_budgeted(&Haystack::new(&text), &mut budget, &mut found);
    assert_eq!(people(&found, &text), names);
    assert_eq!(budget.bytes_skipped, 0);
    assert!(
        budget.bytes_run >= text.len() - 1,
        "windows overlap: {}",
        budget.bytes_run
    );
}

#[test]
fn reading_stops_at_the_bound_and_counts_the_rest() {
    let names = [
        "Amara Okafor",
        "Yusuf Demir",
        "Priya Raman",
        "Reggie Fontaine",
    ];
    let text = text_with_names(&names);
    let classifier = Classifier::load().unwrap();
    let mut found = Vec::new();
    // One window of text is about 1.2 KB here: the first fits, the second does not.
    let mut budget = Tier2Budget::new(1500);
    classifier.find_budgeted(&Haystack::new(&text), &mut budget, &mut found);
    let seen = people(&found, &text);
    assert!(!seen.is_empty() && seen.len() < names.len(), "{seen:?}");
    assert_eq!(seen, names[..seen.len()]);
    assert!(budget.bytes_run <= 1500);
    assert!(budget.bytes_skipped > 0);
    // Scored and unread text together cover it all; no byte is in neither.
    assert!(budget.bytes_run + budget.bytes_skipped >= text.len());
}

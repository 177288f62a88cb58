//! The lists of kinds that live outside Rust, checked against the kinds table
//! (`src/kind.rs`): the docs' kinds table, the vault's OpenAPI document, the example
//! configuration and the docs' token table. Adding a kind fails here until each agrees.

use std::collections::BTreeSet;

use veil_kinds::kind::{defaults, Tier, TokenForm};
use veil_kinds::BUILTIN;
use veil_testkit::markdown::table_under;

fn repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn labels() -> BTreeSet<String> {
    BUILTIN.iter().map(|e| e.as_str().to_string()).collect()
}

#[test]
fn the_docs_kinds_table_lists_every_kind_with_its_tier_and_default() {
    let rows = table_under(&repo_file("docs/detection.md"), "## Kinds");
    let documented: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(documented, labels());
    for row in &rows {
        let kind = veil_kinds::Entity::builtin(&row[0]).unwrap();
        let k = kind.kind().unwrap();
        let tier = match k.tier {
            Tier::Patterns => "1",
            Tier::Classifier => "2",
        };
        assert_eq!(row[1], tier, "{}: tier", row[0]);
        let default = match (k.tier, k.default_on) {
            (_, false) => "off",
            (Tier::Patterns, true) => "on",
            (Tier::Classifier, true) => "with the classifier",
        };
        assert_eq!(row[2], default, "{}: default", row[0]);
    }
}

#[test]
fn the_vaults_openapi_names_every_built_in_label() {
    let spec: serde_json::Value =
        serde_json::from_str(&repo_file("vault-service/openapi.json")).unwrap();
    let description = spec["components"]["schemas"]["Entity"]["properties"]["type"]["description"]
        .as_str()
        .expect("the entity type's description");
    let list = description
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(list, _)| list)
        .expect("labels in parentheses");
    let named: BTreeSet<String> = list.split(", ").map(str::to_string).collect();
    assert_eq!(named, labels());
}

#[test]
fn the_example_configuration_lists_the_default_kinds() {
    let example: serde_json::Value =
        serde_json::from_str(&repo_file("config/example.json")).unwrap();
    let listed: BTreeSet<String> = example["detection"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    let on: BTreeSet<String> = defaults(false).map(|e| e.as_str().to_string()).collect();
    assert_eq!(listed, on);
}

#[test]
fn the_docs_token_table_shows_every_structured_form() {
    let rows = table_under(&repo_file("docs/vault.md"), "## Tokens");
    let shown: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r[0].split(", ").map(str::trim))
        .collect();
    for e in BUILTIN {
        if e.token_form() != TokenForm::Typed {
            assert!(shown.contains(e.as_str()), "{e} has a form of its own");
        }
    }
}

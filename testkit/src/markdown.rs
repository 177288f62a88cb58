//! Tables in the reference docs that tests hold the code to (the kinds, the token forms, the
//! scanned fields of each provider shape): one reader of a markdown table for all of them.

/// The rows of the first markdown table after `heading`, each a list of trimmed cells; the
/// header row and the separator are skipped. Panics, naming the heading, if it is missing.
pub fn table_under(doc: &str, heading: &str) -> Vec<Vec<String>> {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in the document"));
    doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_first_table_after_the_heading() {
        let doc = "| x |\n|---|\n| before |\n## Here\ntext\n\n| a | b |\n|---|---|\n| 1 | `p` |\n| 2 | q |\n\n| z |\n";
        let rows = super::table_under(doc, "## Here");
        assert_eq!(rows, vec![vec!["1", "`p`"], vec!["2", "q"]]);
    }
}

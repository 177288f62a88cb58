//! Rules on top of the tagger: spans a name, place or organisation cannot be, whatever the
//! model's probabilities. The model reads words in context but was trained on prompts and
//! social text; in ordinary prose and in code it tags shapes it has seen in names.
//!
//! A span is dropped when:
//! - it is one lower-case word that the census name tables do not list ("credit", "four",
//!   "captain", "midfield"): a lower-case common word replaced by a token makes the model
//!   answer a worse prompt. Lower-case given names and surnames ("kirsty", "naoki") stay;
//!   lower-case places and companies ("pittsburgh", "hsbc") are given up;
//! - it is one of the acronyms of the data kinds themselves ("SSN", "DOB", "MRN", "IBAN" ...):
//!   a label of a value, never the value;
//! - it is glued to code: right after `.`, `::`, `_`, `$`, `->` or `#`, or right before `(`,
//!   `::`, `_`, `<`, `[`, or `.` and a letter (`Namespace::new`, `strings.Len(`,
//!   `json.Unmarshal`, `self.TopK`); or it is one word in code's camel case: starting lower
//!   case with a capital inside (`getUser`, `iPhone`), or ending in a lone capital (`TopK`)
//!   (`AstraZeneca`, `McDonald`, `DeShawn` stay); or it sits inside backticks.
//!
//! Written as rules rather than trained away: they are exact, cost nothing, and hold on text
//! the model never saw.

/// Acronyms that name a kind of personal data, a field or a format.
const DATA_ACRONYMS: &[&str] = &[
    "SSN", "SIN", "DOB", "MRN", "IBAN", "BIC", "SWIFT", "EIN", "ITIN", "TIN", "PAN", "PIN", "CVV",
    "CVC", "OTP", "KYC", "UID", "ID", "IDS", "ZIP", "VAT", "NINO", "DL", "API", "URL", "JSON",
    "HTTP", "HTTPS", "SQL", "CSV", "PDF", "FAQ", "ETA", "ASAP", "FYI", "PS", "CC", "BCC", "TBD",
    "N/A", "AM", "PM", "OK",
];

/// Whether the span `text[start..end]` can be a name, place or organisation; `is_name` says
/// whether the census tables list a word.
pub fn plausible(text: &str, start: usize, end: usize, is_name: impl Fn(&str) -> bool) -> bool {
    let value = &text[start..end];
    let one_word = !value.contains(char::is_whitespace);
    let lower_case = value.chars().any(char::is_alphabetic)
        && value
            .chars()
            .all(|c| !c.is_alphabetic() || (c.is_ascii() && !c.is_uppercase()));
    if one_word && lower_case && !value.split(['-', '\'']).all(&is_name) {
        return false;
    }
    if one_word && DATA_ACRONYMS.contains(&value) {
        return false;
    }
    let code = glued_to_code(text, start, end) || (one_word && camel_case(value));
    !code
}

fn glued_to_code(text: &str, start: usize, end: usize) -> bool {
    let before = &text[..start];
    let after = &text[end..];
    let after_dot_letter = after
        .strip_prefix('.')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()));
    before.ends_with(['.', '_', '$', '#', '`'])
        || before.ends_with("::")
        || before.ends_with("->")
        || after.starts_with(['(', '_', '<', '[', '`'])
        || after.starts_with("::")
        || after_dot_letter
}

/// `getUser`, `iPhone`, `TopK`: code's camel case, not a company's (`AstraZeneca`).
fn camel_case(word: &str) -> bool {
    let mut chars = word.chars();
    let first_lower = chars.next().is_some_and(char::is_lowercase);
    let inner_capital = word.chars().skip(1).any(char::is_uppercase);
    let mut rev = word.chars().rev();
    let lone_last_capital =
        rev.next().is_some_and(char::is_uppercase) && rev.next().is_some_and(char::is_lowercase);
    (first_lower && inner_capital) || lone_last_capital
}

#[cfg(test)]
mod tests {
    use super::plausible;

    fn span(text: &str, value: &str) -> bool {
        let start = text.find(value).unwrap();
        let names = ["john", "smith", "kirsty"];
        plausible(text, start, start + value.len(), |w| {
            names.contains(&w.to_lowercase().as_str())
        })
    }

    #[test]
    fn names_stay() {
        assert!(span("I met Jane Doe today", "Jane Doe"));
        assert!(span("Ronald McDonald and DeShawn", "McDonald"));
        assert!(span("Ronald McDonald and DeShawn", "DeShawn"));
        assert!(span("O'Brien called.", "O'Brien"));
        assert!(span("Talk to Smith.", "Smith"));
        assert!(span("from 雷 today", "雷"));
        assert!(span("NHS trust", "NHS"));
        assert!(span("john smith said", "john smith"));
        assert!(span("checklist for kirsty: laptop", "kirsty"));
        assert!(span("a call with AstraZeneca", "AstraZeneca"));
        assert!(span("Martin Drubin GbR", "Martin Drubin GbR"));
    }

    #[test]
    fn words_acronyms_and_code_go() {
        assert!(!span("please block my credit card", "credit"));
        assert!(!span("the captain said", "captain"));
        assert!(!span("my SSN is below", "SSN"));
        assert!(!span("ns := Namespace::new()", "Namespace"));
        assert!(!span("n := strings.Len(s)", "Len"));
        assert!(!span("json.Unmarshal(b, &v)", "Unmarshal"));
        assert!(!span("k = self.TopK", "TopK"));
        assert!(!span("use `Config` here", "Config"));
        assert!(!span("call getUser now", "getUser"));
        assert!(!span("the midfield was open", "midfield"));
        assert!(!span("Vec<Token>", "Vec"));
    }
}

//! Rules on top of the tagger: spans a name, place or organisation cannot be, whatever the
//! model's probabilities. The model reads words in context but was trained on prompts and
//! social text; in ordinary prose and in code it tags shapes it has seen in names.
//!
//! A span is dropped when:
//! - it is one lower-case word that the census name tables do not list ("credit", "four",
//!   "captain", "midfield") or that is a common English word ("the king", "young",
//!   "grant", "porter": surnames too, but in lower case the word): a lower-case common word
//!   replaced by a token makes the model answer a worse prompt. Lower-case given names and
//!   surnames that are not words ("kirsty", "naoki") stay; lower-case places and companies
//!   ("pittsburgh", "hsbc") and names typed in lower case that are words ("will") are given
//!   up;
//! - it is several lower-case common English words after a determiner or a possessive
//!   ("the main campus", "Japan's space agency");
//! - it is one capitalised common English word that the census tables do not list, opening
//!   a sentence, a line or a comment ("Capital is scarce", a heading "Stadium");
//! - it is one of the acronyms of the data kinds themselves ("SSN", "DOB", "MRN", "Aadhaar" ...):
//!   a label of a value, never the value;
//! - it is glued to code: right after `.`, `::`, `_`, `$`, `->` or `#`, or right before `(`,
//!   `::`, `_`, `<`, `[`, or `.` and a letter (`Namespace::new`, `strings.Len(`,
//!   `json.Unmarshal`, `self.TopK`); or it is one word in code's camel case: starting lower
//!   case with a capital inside (`getUser`, `iPhone`), or ending in a lone capital (`TopK`)
//!   (`AstraZeneca`, `McDonald`, `DeShawn` stay); or it sits inside backticks;
//! - it stands in the code of a line of source code, outside its comment and its string
//!   literals: a line that ends in `{`, `}` or `):`, or in `;` after a call, an index, an
//!   assignment or at most three words (prose ends clauses with `;` too), or holds `::`, `==`,
//!   `!=`, `&&`, `||`, ` := ` (not arrows: prose draws them), assigns a call's result (` = `
//!   and a closing `)`), or starts with a keyword no line of prose starts with (`fn`, `def`,
//!   `impl`, `import` ...). In code
//!   the capitalised words are types, constants and functions; the names a file holds are in
//!   its comments and strings (`// Author: Jane Doe`, `owner = "Jane Doe"`), and those stay;
//! - the text is source code (most of its lines are code, comments or indented blocks, two
//!   at least code) and the span is one word that is lower case or that the census tables do
//!   not list: in a file's comments and docstrings one word is a term ("NFA", "Unicode",
//!   "miri"), and the names are written whole ("Jane Doe") or are listed ("Thompson");
//! - it holds a letter of no script people's names are written in: mathematical letters,
//!   letter-like symbols and historic scripts fill Unicode tables in code (`'𝛃'`, `ℂ`); or it
//!   is one character between single quotes, a character literal (`('ቘ', 'ቘ')`);
//! - it crosses a line, or a sentence's end after a lower-case word ("lake. The lake"; not
//!   an initial or "St. Louis"), or it is an article or starts with one and a lower-case
//!   word ("The council", "a high school"). A span the model ran across a line or past a name
//!   into a function word ("Beeston and"), or that it started on one ("and group"), is cut
//!   back first (`pieces`).
//! - it is a nationality or a language alone ("Norwegian", "in Tamil") or a word people are
//!   called by instead of a name ("Nonna", "Grandad", "Sheriff", a transcript's
//!   "Atendente:"), or it is in lower case and only words for kinds of places and
//!   directions ("river", "west coast", "north-east", "city centre"): `not_names.rs`.
//!
//! Written as rules rather than trained away: they are exact, cost nothing, and hold on text
//! the model never saw.

use std::ops::Range;

/// Acronyms (and a few names) of kinds of personal data, fields and formats.
const DATA_ACRONYMS: &[&str] = &[
    "SSN", "SIN", "DOB", "MRN", "IBAN", "BIC", "SWIFT", "EIN", "ITIN", "TIN", "PAN", "PIN", "CVV",
    "CVC", "OTP", "KYC", "UID", "ID", "IDS", "ZIP", "VAT", "NINO", "DL", "API", "URL", "JSON",
    "HTTP", "HTTPS", "SQL", "CSV", "PDF", "FAQ", "ETA", "ASAP", "FYI", "PS", "CC", "BCC", "TBD",
    "N/A", "AM", "PM", "OK", "RFC", "AADHAAR", "Aadhaar",
];

/// What the rules ask of a word: the census name tables and a list of common English words
/// (`model/names.bin`, `model/common.bin`; `crate::model::Model` answers from both).
pub trait Words {
    /// The census tables list `word` as a given name or surname, in any case.
    fn is_name(&self, word: &str) -> bool;
    /// The census tables list `word` mostly as a given name.
    fn is_given_name(&self, word: &str) -> bool;
    /// `word`, in lower case, is a common English word.
    fn is_common(&self, word: &str) -> bool;
}

/// The rules for one text: whether it is source code is read at most once, for all its
/// spans, and only when a span gets as far as asking (most texts have none that do).
pub struct Plausible<'t> {
    text: &'t str,
    /// Most of the text's lines are code, comments or indented blocks (a file or a pasted
    /// snippet, not a prompt around one line of code).
    code: std::cell::OnceCell<bool>,
}

impl<'t> Plausible<'t> {
    pub fn new(text: &'t str) -> Self {
        Plausible {
            text,
            code: std::cell::OnceCell::new(),
        }
    }

    fn is_code(&self) -> bool {
        *self.code.get_or_init(|| holds_code(self.text))
    }

    /// The pieces of the model's span over `tokens[first..end]`, as token ranges: a span
    /// does not cross a line (a CSV row's last cell and the next row's first are two values;
    /// a line break is a token of its own), and a piece does not end in a function word
    /// ("Beeston and", "Central Bank of") or start with one ("and group"): the model ran one
    /// token long.
    pub fn pieces(&self, tokens: &[Range<usize>], first: usize, end: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = first;
        for t in first..=end {
            if t < end && &self.text[tokens[t].clone()] != "\n" {
                continue;
            }
            let (mut piece_start, mut piece_end) = (start, t);
            while piece_end - piece_start >= 2
                && FUNCTION_WORDS.contains(&&self.text[tokens[piece_end - 1].clone()])
            {
                piece_end -= 1;
            }
            while piece_end - piece_start >= 2
                && FUNCTION_WORDS
                    .iter()
                    .filter(|w| !NAME_OPENERS.contains(w))
                    .any(|w| *w == &self.text[tokens[piece_start].clone()])
            {
                piece_start += 1;
            }
            if piece_end > piece_start {
                out.push((piece_start, piece_end));
            }
            start = t + 1;
        }
        out
    }

    /// Whether the span `start..end` can be a name, place or organisation.
    pub fn keeps(&self, start: usize, end: usize, words: &impl Words) -> bool {
        let text = self.text;
        let value = &text[start..end];
        let one_word = !value.contains(char::is_whitespace);
        let lower_case = value.chars().any(char::is_alphabetic)
            && value
                .chars()
                .all(|c| !c.is_alphabetic() || (c.is_ascii() && !c.is_uppercase()));
        if one_word
            && lower_case
            && !value.split(['-', '\'']).all(|w| {
                words.is_name(w)
                    && (!words.is_common(w)
                        || words.is_given_name(w) && !after_a_determiner(text, start))
            })
        {
            return false;
        }
        if !one_word
            && lower_case
            && after_a_determiner(text, start)
            && value.split_whitespace().all(|w| words.is_common(w))
        {
            return false;
        }
        if one_word
            && capitalised(value)
            && !words.is_name(value)
            && words.is_common(value)
            && opens_a_sentence(text, start)
        {
            return false;
        }
        if crosses_a_sentence(value) || the_and_a_word(value) {
            return false;
        }
        if crate::not_names::not_a_name(value)
            || (lower_case && crate::not_names::kinds_of_place(value))
        {
            return false;
        }
        if one_word && DATA_ACRONYMS.contains(&value) {
            return false;
        }
        if !value.chars().all(in_a_name_script) || char_literal(text, start, end) {
            return false;
        }
        if one_word
            && (lower_case || !value.split(['-', '\'']).all(|w| words.is_name(w)))
            && self.is_code()
        {
            return false;
        }
        let code = glued_to_code(text, start, end)
            || (one_word && camel_case(value))
            || in_code_of_a_line(text, start);
        !code
    }
}

/// Words no name ends with (`pieces` cuts them off a span's end, and off its start unless
/// they are `NAME_OPENERS`: "and group").
const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "and", "for", "in", "at", "on", "to", "de", "del", "da", "do", "du", "la", "le",
    "von", "van", "or", "with", "by", "from",
];

/// The function words a name can start with ("de Souza", "van Gogh", "the Hague").
const NAME_OPENERS: &[&str] = &[
    "the", "de", "del", "da", "do", "du", "la", "le", "von", "van",
];

/// A line break, or a full stop after a lower-case word of four letters or more and a space
/// (the recognizer splits a span at its line breaks first).
fn crosses_a_sentence(value: &str) -> bool {
    value.contains('\n')
        || value.match_indices(". ").any(|(i, _)| {
            let word = value[..i]
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            word.chars().count() >= 4 && word.chars().all(char::is_lowercase)
        })
}

/// An article alone, or an article and a lower-case word ("The council", "a high school").
fn the_and_a_word(value: &str) -> bool {
    let mut words = value.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next();
    matches!(first, "the" | "The" | "a" | "A" | "an" | "An")
        && second.is_none_or(|w| w.starts_with(|c: char| c.is_lowercase()))
}

/// Whether `c` can be part of a name: a letter of a script people's names are written in
/// (the ranges below), a combining mark, or a name's punctuation. Mathematical letters,
/// letter-like symbols and historic scripts fill Unicode tables in code, not names.
fn in_a_name_script(c: char) -> bool {
    if !c.is_alphabetic() {
        return !c.is_numeric() || c.is_ascii_digit();
    }
    matches!(u32::from(c),
        // Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana, N'Ko
        0x41..=0x24F | 0x300..=0x36F | 0x370..=0x3FF | 0x400..=0x52F | 0x531..=0x58F
        | 0x5D0..=0x5F4 | 0x620..=0x7FF
        // Indic, Thai, Lao, Tibetan, Myanmar, Georgian, Hangul jamo, Ethiopic, Cherokee,
        // Canadian syllabics, Khmer, Mongolian, Tai, Balinese and kin
        | 0x900..=0xDFF | 0xE00..=0xFFF | 0x1000..=0x109F | 0x10A0..=0x10FF
        | 0x1100..=0x11FF | 0x1200..=0x137F | 0x13A0..=0x167F | 0x1780..=0x17D3
        | 0x1800..=0x18AF | 0x1950..=0x19DF | 0x1A00..=0x1AAF | 0x1B00..=0x1BFF
        // Latin and Greek extended, Tifinagh
        | 0x1E00..=0x1FFF | 0x2D30..=0x2D7F
        // Kana, Bopomofo, Hangul, CJK, Yi, Vai, Javanese, full- and half-width forms
        | 0x3005 | 0x3041..=0x30FF | 0x3105..=0x312F | 0x3131..=0x318E | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA63F | 0xA980..=0xA9DF | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF | 0xFF21..=0xFF5A | 0xFF66..=0xFF9F | 0x20000..=0x2FA1F)
}

/// Whether most of `text`'s lines are code: at least two lines of code, and lines of code,
/// comments and indented blocks together at least half of the lines that are not blank.
fn holds_code(text: &str) -> bool {
    let (mut lines, mut code, mut code_like) = (0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let comment = comment_start(line);
        if line_is_code(&line[..comment]) {
            code += 1;
            code_like += 1;
        } else if comment < line.len() || line.starts_with("    ") || line.starts_with('\t') {
            code_like += 1;
        }
    }
    code >= 2 && 2 * code_like >= lines
}

/// Whether the span `text[start..end]` can be a name, place or organisation (`Plausible` for
/// a single span).
pub fn plausible(text: &str, start: usize, end: usize, words: &impl Words) -> bool {
    Plausible::new(text).keeps(start, end, words)
}

/// Words after which a lower-case word is a noun, not a name ("the rose", "a grant", "her
/// grace", "the main campus"); a possessive ("Japan's space agency") is one too.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
    "their", "some", "any", "no", "every", "each",
];

/// Whether the word before `text[at]` is a determiner (in any case) or a possessive's "s".
fn after_a_determiner(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t']);
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    let determiner = if word == "s" {
        before[..before.len() - 1].ends_with(['\'', '’'])
    } else {
        DETERMINERS.contains(&word.to_lowercase().as_str())
    };
    before.len() < at && determiner
}

/// One character between single quotes: a character literal in code (`('ቘ', 'ቘ')` in a
/// Unicode table), not a one-character name (a JSON string, `"owner": "建"`, can be one).
fn char_literal(text: &str, start: usize, end: usize) -> bool {
    let mut chars = text[start..end].chars();
    let one = chars.next().is_some() && chars.next().is_none();
    one && text[..start].ends_with('\'') && text[end..].starts_with('\'')
}

/// A capital and then only lower-case letters ("Stadium"; not "NASA" or "McDonald").
fn capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase)
}

/// Whether `text[at]` opens a sentence or a line: after the text's start, a line break (and
/// a comment marker), or a full stop, question or exclamation mark and a space, with an
/// opening quote between.
pub(crate) fn opens_a_sentence(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(['"', '\'', '“', '‘', '(']);
    let trimmed = before.trim_end_matches([' ', '\t', '\r']);
    // A comment's first word opens a line of prose too ("# Mountain", "/// Class for").
    let line = trimmed
        .trim_end_matches(['#', '/', '*'])
        .trim_end_matches([' ', '\t']);
    trimmed.is_empty()
        || trimmed.ends_with('\n')
        || (line.len() < trimmed.len() && (line.is_empty() || line.ends_with('\n')))
        || (trimmed.len() < before.len() && trimmed.ends_with(['.', '!', '?']))
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

/// Words that begin a line of code (after indentation) and not a line of prose, even one
/// typed in lower case ("let me know", "use the form", "from Jane" are prose).
const CODE_KEYWORDS: &[&str] = &[
    "fn ", "pub ", "impl ", "struct ", "enum ", "trait ", "def ", "elif ", "func ", "package ",
    "import ", "#include", "#define", "#[", "#![",
];

/// Markers that hold, on a line, only in code.
/// Not `->` or `=>`: prose draws arrows ("BIO101 -> CHEM110", "name -> Zeynep Aksoy"). `::`
/// is read apart (`path_separator`).
const CODE_MARKERS: &[&str] = &["==", "!=", "&&", "||", " := "];

/// Whether `text[at]` stands in the code of a line of source code: not in its comment, not
/// in a string literal.
fn in_code_of_a_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let code = &line[..comment_start(line)];
    let at = at - line_start;
    if at >= code.len() || in_string(&code[..at]) {
        return false;
    }
    line_is_code(code)
}

/// Whether a line (its comment cut off) is code (see the module's rules).
fn line_is_code(code: &str) -> bool {
    let body = code.trim();
    let head = body.trim_start_matches(['}', ' ']);
    // Prose ends a clause with ";" too ("... presented the roadmap;"): a statement ends in a
    // call or an index, assigns, or is a few words (`return x;`, `break;`).
    let statement = body.ends_with(';')
        && (body.ends_with(");")
            || body.ends_with("];")
            || body.contains('=')
            || body.split_whitespace().count() <= 3);
    statement
        || body.ends_with(['{', '}'])
        || body.ends_with("):")
        || (body.contains(" = ") && body.ends_with(')'))
        || CODE_MARKERS.iter().any(|m| body.contains(m))
        || path_separator(body)
        || CODE_KEYWORDS.iter().any(|k| head.starts_with(k))
}

/// A `::` between a path's parts (`std::io`, `Vec::<u8>`), not in an IPv6 address
/// (`2a01:4f8::1`, `fe80::a1b2`): a letter or `>` before it, a letter, `<`, `{` or `*` after.
fn path_separator(line: &str) -> bool {
    line.match_indices("::").any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + 2..].chars().next();
        before.is_some_and(|c| c.is_alphabetic() || c == '>')
            && after.is_some_and(|c| c.is_alphabetic() || matches!(c, '<' | '{' | '*'))
            && !ipv6_around(line, i)
    })
}

/// Whether the `::` at `i` sits in a run of hex digits and colons (`2a01:db8::cafe`).
fn ipv6_around(line: &str, i: usize) -> bool {
    let part = |c: char| c.is_ascii_hexdigit() || c == ':';
    let start = line[..i]
        .char_indices()
        .rev()
        .find(|&(_, c)| !part(c))
        .map_or(0, |(j, c)| j + c.len_utf8());
    let end = line[i..]
        .find(|c: char| !part(c))
        .map_or(line.len(), |j| i + j);
    line[start..end].matches(':').count() >= 3
}

/// Where a line's comment starts (its length when it has none): `//`, `#` after a space or at
/// the start (not `#include`, `#[...]`), `/*`, `--` after a space, or a block comment's `*`.
fn comment_start(line: &str) -> usize {
    let trimmed = line.trim_start();
    let directive = ["#include", "#define", "#[", "#!"]
        .iter()
        .any(|d| trimmed.starts_with(d));
    if trimmed.starts_with(['*', '#']) && !directive {
        return line.len() - trimmed.len();
    }
    ["//", " #", "/*", " --"]
        .iter()
        .filter_map(|m| line.find(m))
        .min()
        .unwrap_or(line.len())
}

/// Whether the end of `code` is inside a string literal: an odd number of unescaped `"`, or
/// of `'` that are not apostrophes inside a word.
fn in_string(code: &str) -> bool {
    let bytes = code.as_bytes();
    let (mut double, mut single) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        match b {
            b'"' if !escaped && !single => double = !double,
            b'\'' if !escaped && !double => {
                let word_before = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
                let word_after = bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
                if !(word_before && word_after) {
                    single = !single;
                }
            }
            _ => {}
        }
    }
    double || single
}

#[cfg(test)]
mod tests {
    use super::{plausible, Plausible, Words};

    /// A few listed names, and common words some of which are names too.
    struct Listed;

    impl Words for Listed {
        fn is_name(&self, word: &str) -> bool {
            ["john", "smith", "kirsty", "king", "young", "grant", "grace"]
                .contains(&word.to_lowercase().as_str())
        }

        fn is_given_name(&self, word: &str) -> bool {
            ["john", "kirsty", "grace"].contains(&word.to_lowercase().as_str())
        }

        fn is_common(&self, word: &str) -> bool {
            [
                "king", "young", "grant", "grace", "stadium", "capital", "credit",
            ]
            .contains(&word.to_lowercase().as_str())
        }
    }

    fn span(text: &str, value: &str) -> bool {
        let start = text.find(value).unwrap();
        plausible(text, start, start + value.len(), &Listed)
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
        assert!(!span("Employee: Ana\nAadhaar: 6910 5138 1354", "Aadhaar"));
        assert!(!span("ns := Namespace::new()", "Namespace"));
        assert!(!span("n := strings.Len(s)", "Len"));
        assert!(!span("json.Unmarshal(b, &v)", "Unmarshal"));
        assert!(!span("k = self.TopK", "TopK"));
        assert!(!span("use `Config` here", "Config"));
        assert!(!span("call getUser now", "getUser"));
        assert!(!span("the midfield was open", "midfield"));
        assert!(!span("Vec<Token>", "Vec"));
    }

    #[test]
    fn common_words_that_are_surnames_go_in_lower_case() {
        assert!(!span("The king was dying", "king"));
        assert!(!span("the doctor was young", "young"));
        assert!(!span("we applied for a grant from", "grant"));
        // a listed name that is no word stays, in lower case too
        assert!(span("checklist for kirsty: laptop", "kirsty"));
        // a given name that is a word stays, unless a determiner makes it the word
        assert!(span("no thats it thanks grace, sorry", "grace"));
        assert!(!span("she did it with a grace that", "grace"));
        assert!(!span("she did it with her grace", "grace"));
        // several common words after a determiner are a noun phrase
        assert!(!span("it is the young king of", "young king"));
        assert!(!span("Japan's young king", "young king"));
        assert!(span("hi from young king", "young king"));
        // capitalised mid-sentence, a surname is a name
        assert!(span("a letter from Mr King today", "King"));
    }

    #[test]
    fn capitalised_common_words_opening_a_sentence_go() {
        assert!(!span("higher costs.\n\n\"Capital is scarce\"", "Capital"));
        assert!(!span("Campus life\nStadium\nThe club plays", "Stadium"));
        assert!(!span("Stadium tours", "Stadium"));
        assert!(!span("It rained. Capital fled.", "Capital"));
        // mid-sentence it may name a place or a company
        assert!(span("a match at the Stadium today", "Stadium"));
        // a listed surname opening a sentence stays
        assert!(span("Young said it was fine", "Young"));
        assert!(span("Mr. Grant called", "Grant"));
        assert!(!span("    # Stadium\n", "Stadium"));
        // a comment marker inside a line is not its start
        assert!(span("x = 1  # Stadium", "Stadium"));
    }

    #[test]
    fn character_literals_go() {
        assert!(!span("    ('ቘ', 'ቘ'),", "ቘ"));
        assert!(!span("let c = '雷';", "雷"));
        assert!(span(r#"{"owner": "建"}"#, "建"));
        assert!(span("from 雷 today", "雷"));
    }

    fn pieces_of(text: &str) -> Vec<&str> {
        let tokens = crate::features::tokenize(text);
        Plausible::new(text)
            .pieces(&tokens, 0, tokens.len())
            .into_iter()
            .map(|(first, end)| &text[tokens[first].start..tokens[end - 1].end])
            .collect()
    }

    #[test]
    fn a_span_is_cut_at_lines_and_trailing_function_words() {
        assert_eq!(
            pieces_of("Tom Ashworth\nBenoît Lefebvre"),
            ["Tom Ashworth", "Benoît Lefebvre"]
        );
        assert_eq!(pieces_of("Beeston and"), ["Beeston"]);
        assert_eq!(pieces_of("Central Bank of"), ["Central Bank"]);
        assert_eq!(pieces_of("Bank of England"), ["Bank of England"]);
        assert_eq!(pieces_of("marques s/a"), ["marques s/a"]);
        assert_eq!(pieces_of("of"), ["of"]);
        assert_eq!(pieces_of("and group"), ["group"]);
        assert_eq!(pieces_of("de Souza"), ["de Souza"]);
    }

    #[test]
    fn prose_words_around_names_go() {
        // lower case, several words: casual prompts write names so
        assert!(span("hi from john de smith", "john de smith"));
        assert!(span("name:smith, john\n", "smith, john"));
        // across a sentence or a line, or ending in a function word, or "the" and a word
        assert!(!span("on the lake. The lake froze", "lake. The lake"));
        assert!(!span("Jane\nSmith", "Jane\nSmith"));
        assert!(span("J. R. Smith wrote", "J. R. Smith"));
        assert!(span("near St. Louis today", "St. Louis"));
        assert!(span("the Bank of England", "Bank of England"));
        assert!(!span("The council voted", "The council"));
        assert!(!span("The rest", "The"));
        assert!(span("flew to The Hague", "The Hague"));
        assert!(!span("teaches at a high school", "a high school"));
        assert!(!span("I'm seven", "seven"));
        // nationalities, languages and forms of address alone
        assert!(!span("a Norwegian shipbuilder", "Norwegian"));
        assert!(!span("songs in Irish and English", "Irish"));
        assert!(!span("\"Halmeoni, look\"", "Halmeoni"));
        assert!(!span("Atendente: Of course!", "Atendente"));
        assert!(span("Judge Helena Smith said", "Judge Helena Smith"));
        // in lower case, words for kinds of places and directions
        assert!(!span("the river is navigable", "river"));
        assert!(!span("to the west coast of Ireland", "west coast"));
        assert!(!span("walk up the hill", "hill"));
        assert!(!span("walk to the city centre", "city centre"));
        assert!(span(
            "at austin regional medical center",
            "austin regional medical center"
        ));
        assert!(span("the River Shannon", "River"));
    }

    #[test]
    fn code_lines_lose_their_identifiers_but_keep_comments_and_strings() {
        assert!(!span("    let cfg = Config { width: 3 };", "Config"));
        assert!(!span("fn build(Accel accel) {", "Accel"));
        assert!(!span("if mode == Mode.Fast && Dfa.ok {", "Dfa"));
        assert!(!span("import Crypto.Cipher", "Crypto"));
        assert!(!span("    resp = Response(status=200)\n", "Response"));
        assert!(!span(
            "match kind {\n    Kind::Person => Some(Jane),",
            "Jane"
        ));
        assert!(!span("if ok && Mode.fast {", "Mode"));
        // Comments and strings hold the names a file carries.
        assert!(span(
            "    let owner = \"Jane Doe\"; // set by Jane",
            "Jane Doe"
        ));
        assert!(span("    let x = 1; // set by Jane Smith", "Jane Smith"));
        assert!(span(
            "    # Written by Jane Smith\n    x = f(y);",
            "Jane Smith"
        ));
        assert!(span(" * Copyright Jane Smith {", "Jane Smith"));
        assert!(span("    author='O'Brien Jane';", "O'Brien Jane"));
        // Prose stays prose.
        assert!(span("I met Jane Doe today; she said hi.", "Jane Doe"));
        assert!(span("Dear Jane,\nthanks for the call {see below}", "Jane"));
        assert!(span("Jane said it's fine", "Jane"));
        assert!(span("Use the form for Jane Smith.", "Jane Smith"));
        assert!(span("let me know if Jane Smith calls", "Jane Smith"));
        assert!(span("from Jane: the call moved (again)", "Jane"));
        assert!(span(
            "recap: Jane Doe (Sood LLC) presented the roadmap; ",
            "Sood LLC"
        ));
        assert!(span("S00918273 / Jane Doe / BIO101 -> CHEM110", "Jane Doe"));
        assert!(span(
            "user Jane Doe from 2a01:4f8:c17:3b2e::1 and fe80::abcd",
            "Jane Doe"
        ));
    }

    #[test]
    fn in_code_files_one_word_must_be_a_name() {
        let file = "/// Build an NFA from the HIR.\n/// Ask Smith or Unicode.\nfn build(x: u8) {\n    let y = x;\n    y\n}\n";
        assert!(!span(file, "NFA"));
        assert!(!span(file, "Unicode"));
        assert!(span(file, "Smith"));
        let doc = "/// # if cfg!(x) { return; } // [kirsty] is slow\nfn f() {\n    g();\n}\n";
        assert!(!span(doc, "kirsty"));
        // Not a code file: a prompt around one line of code keeps its organisations.
        let prompt = "Our NFA team at Unicode asked:\nwhy does `let y = x;` fail?\nThanks, Smith";
        assert!(span(prompt, "Unicode"));
        assert!(span(prompt, "NFA"));
        // A Rust attribute is code, not a Python comment.
        assert!(!span("#[cfg(not(Miri))]\nfn f() {}", "Miri"));
    }

    #[test]
    fn symbols_and_historic_scripts_are_not_names() {
        assert!(!span("const B: char = '𝛃';", "𝛃"));
        assert!(!span("ℂ is the set", "ℂ"));
        assert!(span("from 雷 today", "雷"));
        assert!(span("Шерлок Холмс", "Шерлок Холмс"));
        assert!(span("Zoë Ångström", "Zoë Ångström"));
        assert!(span("محمد علي", "محمد علي"));
        assert!(span("opened by 佐々木直樹 today", "佐々木直樹"));
        assert!(span("ask ཚེ་རིང་ today", "ཚེ་རིང་"));
        assert!(span("ask ＴＡＮＡＫＡ today", "ＴＡＮＡＫＡ"));
    }
}

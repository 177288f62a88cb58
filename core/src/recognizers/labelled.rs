//! Labelled identifiers: values that only their label makes personal ("MRN: 00-4471-2",
//! "member ID HP-552190", "account number 7712093845", "driver's license F1628235"). Nothing in
//! the value's shape says what it is; the label right before it does.
//!
//! Precision rules, in the order they are applied:
//! - The label comes right before the value: between them only spaces, `:`, `#`, `=`, `-`,
//!   `(`, `|` (a two-column table's cell), quotes, `.` after a connector ("no."), the words
//!   "number", "no", "num", "nr", "nbr", "id", "is", "was" (at most three), and one line break
//!   when the label ends with `:` or stands alone at the start of its line (a form's
//!   "Employee ID" line above its value). A label further away or in an earlier sentence
//!   does not count (a table's column header is read apart: below).
//! - A label is a phrase of the vocabulary (`VOCABULARY`, extended by `detection.labels`), read
//!   case-insensitively with `_`, `-` and spaces alike between its words (`patient_id`,
//!   "Patient-ID"), starting at a word boundary. The longest phrase wins ("insurance policy"
//!   over "policy"). A phrase written with a trailing "number"/"no"/"id" ("hospital number")
//!   counts only with one of those words, `:`, `#` or `=` after it, so "the hospital 2024
//!   budget" is not a medical record.
//! - The value is letters and digits, with single `-`, `/` or `#` inside and single spaces
//!   before further groups of digits ("7712 0938 45", and after a leading group of one to
//!   three capitals: "JQU 88412 0937", "MR 002-118-447"); at most 40 bytes. It holds at
//!   least four digits, or at least two digits and a letter: never a plain word, never "v2".
//! - A one-word label of three capitals or more glued to four digits or more is a value of
//!   its kind, the label and all ("MRN3319024"): a record system's own prefix. Two capitals
//!   are an airline's flight ("DL1234"), not a driver's licence.
//! - "ID" alone is a label only in capitals, with a colon, and on its own ("ID: 44817" at the
//!   start of a line or after `,`/`;`/`|`/`(`): `user_id=`, "Request ID:" and `"id":` name
//!   records, not people.
//! - In a table, a cell's label is its column's header cell (found as for context words:
//!   `detect/context.rs`), when the whole
//!   header cell is a label phrase ("License", "Member ID", "Account no.") and the whole cell
//!   is an identifier; under a password header ("Password", "pwd", "pass"), a cell of 4 to 64
//!   characters with no space that mixes two of lower case, upper case, digits and symbols is
//!   a SECRET. A header is a label by its place: "policy" or "account" need no marker there.
//! - Not an identifier: a value shaped as a calendar date (`2024-03-05`, `03/05/2024`); a UUID
//!   or hex digest (request, trace and session ids); after "passport", US_PASSPORT's own shapes
//!   (nine digits, a letter and eight digits), which that recognizer reports.
//! - Score 0.85, validated (the label is the evidence): an equally long phone or
//!   `detection.custom` reading loses to it; a card, an IBAN or a person's PAN (scored higher)
//!   keeps its own kind. Some labels ("hospital", "policy", "claim", "license") are also
//!   negative context for phones.
//!
//! The search starts from the candidate regions (every value holds a digit), so text without
//! digits costs nothing here, and reads back from each region a few words for its label.

use std::collections::{BTreeMap, HashMap};

use super::password::classes;
use crate::config::ConfigError;
use crate::detect::{Candidate, ContextWords, Haystack, HeaderCache, Recognizer};
use veil_kinds::kind::{is_valid_custom_label, Entity};

/// The built-in vocabulary: label phrase → kind. A trailing "number", "no" or "id" makes the
/// phrase count only with such a word or `:`/`#`/`=` after it (see the precision rules).
const VOCABULARY: &[(&str, &str)] = &[
    ("mrn", "MEDICAL_RECORD_NUMBER"),
    ("medical record", "MEDICAL_RECORD_NUMBER"),
    ("medical records", "MEDICAL_RECORD_NUMBER"),
    ("med rec", "MEDICAL_RECORD_NUMBER"),
    ("health record", "MEDICAL_RECORD_NUMBER"),
    ("hospital number", "MEDICAL_RECORD_NUMBER"),
    ("chart", "MEDICAL_RECORD_NUMBER"),
    ("historia clínica", "MEDICAL_RECORD_NUMBER"),
    ("member id", "HEALTH_PLAN_ID"),
    ("member number", "HEALTH_PLAN_ID"),
    ("subscriber id", "HEALTH_PLAN_ID"),
    ("subscriber number", "HEALTH_PLAN_ID"),
    ("insurance id", "HEALTH_PLAN_ID"),
    ("insurance number", "HEALTH_PLAN_ID"),
    ("insurance policy", "HEALTH_PLAN_ID"),
    ("health insurance", "HEALTH_PLAN_ID"),
    ("health plan", "HEALTH_PLAN_ID"),
    ("plan id", "HEALTH_PLAN_ID"),
    ("group number", "HEALTH_PLAN_ID"),
    ("grp", "HEALTH_PLAN_ID"),
    ("ins id", "HEALTH_PLAN_ID"),
    ("mbi", "HEALTH_PLAN_ID"),
    ("afiliación", "HEALTH_PLAN_ID"),
    ("versichertennummer", "HEALTH_PLAN_ID"),
    ("krankenversichertennummer", "HEALTH_PLAN_ID"),
    ("medicare", "HEALTH_PLAN_ID"),
    ("medicaid", "HEALTH_PLAN_ID"),
    ("account", "ACCOUNT_NUMBER"),
    ("account number", "ACCOUNT_NUMBER"),
    ("acc no", "ACCOUNT_NUMBER"),
    ("account id", "ACCOUNT_NUMBER"),
    ("acct", "ACCOUNT_NUMBER"),
    ("bank account", "ACCOUNT_NUMBER"),
    ("checking account", "ACCOUNT_NUMBER"),
    ("savings account", "ACCOUNT_NUMBER"),
    ("driver's license", "US_DRIVER_LICENSE"),
    ("drivers license", "US_DRIVER_LICENSE"),
    ("driver license", "US_DRIVER_LICENSE"),
    ("driver's licence", "US_DRIVER_LICENSE"),
    ("driver licence", "US_DRIVER_LICENSE"),
    ("driving licence", "US_DRIVER_LICENSE"),
    ("driving license", "US_DRIVER_LICENSE"),
    ("dl", "US_DRIVER_LICENSE"),
    ("license", "US_DRIVER_LICENSE"),
    ("licence", "US_DRIVER_LICENSE"),
    ("führerschein", "US_DRIVER_LICENSE"),
    ("permis de conduire", "US_DRIVER_LICENSE"),
    ("permiso de conducir", "US_DRIVER_LICENSE"),
    ("lic number", "US_DRIVER_LICENSE"),
    ("passport", "PASSPORT"),
    ("reisepass", "PASSPORT"),
    ("reisepassnummer", "PASSPORT"),
    ("passeport", "PASSPORT"),
    ("pasaporte", "PASSPORT"),
    ("passaporto", "PASSPORT"),
    ("paspoort", "PASSPORT"),
    ("patient id", "PERSONAL_ID"),
    ("patient number", "PERSONAL_ID"),
    ("customer id", "PERSONAL_ID"),
    ("customer number", "PERSONAL_ID"),
    ("cust id", "PERSONAL_ID"),
    ("client id", "PERSONAL_ID"),
    ("client number", "PERSONAL_ID"),
    ("employee id", "PERSONAL_ID"),
    ("employee number", "PERSONAL_ID"),
    ("staff id", "PERSONAL_ID"),
    ("staff number", "PERSONAL_ID"),
    ("student id", "PERSONAL_ID"),
    ("student number", "PERSONAL_ID"),
    ("badge number", "PERSONAL_ID"),
    ("policy", "PERSONAL_ID"),
    ("claim", "PERSONAL_ID"),
    ("claim id", "PERSONAL_ID"),
    ("claim ref", "PERSONAL_ID"),
    ("claim reference", "PERSONAL_ID"),
    ("reference code", "PERSONAL_ID"),
    ("ref code", "PERSONAL_ID"),
    ("national id", "PERSONAL_ID"),
    ("loyalty number", "PERSONAL_ID"),
    ("membership number", "PERSONAL_ID"),
    ("frequent flyer", "PERSONAL_ID"),
    ("known traveler", "PERSONAL_ID"),
    ("dni", "PERSONAL_ID"),
    ("nie", "PERSONAL_ID"),
    ("nif", "PERSONAL_ID"),
    ("nric", "PERSONAL_ID"),
    ("cpf", "PERSONAL_ID"),
    ("curp", "PERSONAL_ID"),
    ("bsn", "PERSONAL_ID"),
    ("pesel", "PERSONAL_ID"),
    ("personnummer", "PERSONAL_ID"),
    ("steuernummer", "PERSONAL_ID"),
    ("steuer id", "PERSONAL_ID"),
    ("codice fiscale", "PERSONAL_ID"),
    ("utr", "PERSONAL_ID"),
    ("sin number", "PERSONAL_ID"),
];

/// Words between a label and its value. The first six also mark a label that needs them.
const CONNECTORS: &[&str] = &["number", "no", "num", "nr", "nbr", "id", "is", "was"];
const MARKERS: usize = 6;

/// What may stand between a label and its value, besides connector words.
const GAP: &[char] = &[
    ' ', '\t', ':', '#', '=', '-', '_', '(', '|', '"', '\'', '\n', '\r', '.',
];

/// Longest label phrase, in words.
const MAX_PHRASE_WORDS: usize = 3;
/// How far before a value its label may end, in bytes.
const MAX_GAP: usize = 24;
/// Longest value, in bytes.
const MAX_VALUE: usize = 40;

/// Where a label may end before a value, and what stands between them.
struct Stop {
    end: usize,
    /// `:`, `#`, `=` or a connector word ("number", "no", "id" ...).
    marker: bool,
    colon: bool,
    /// One line break, and no colon.
    own_line: bool,
}

/// A label phrase's kind, and whether it counts only with a marker after it.
#[derive(Debug, Clone)]
struct Label {
    entity: Entity,
    needs_marker: bool,
}

pub struct Labelled {
    /// Phrase (lowercase words joined by one space, connectors stripped) → its label.
    phrases: HashMap<String, Label>,
    entities: Vec<Entity>,
    /// The kind of a bare "ID:" label.
    bare_id: Label,
    /// Every word a label can end with, by its first byte: the first word read back from a
    /// value, past connectors, must be one, and most words before a number ("about", "the",
    /// "v") are not. Most numbers are read back from, so this look-up is kept cheap.
    ends: Vec<Vec<String>>,
}

impl Labelled {
    /// The built-in vocabulary and `extra` (`detection.labels`: phrase → kind).
    pub fn new(extra: &BTreeMap<String, String>) -> Result<Labelled, ConfigError> {
        let mut out = Labelled {
            phrases: HashMap::new(),
            entities: vec![Entity::PersonalId],
            bare_id: Label {
                entity: Entity::PersonalId,
                needs_marker: false,
            },
            ends: vec![Vec::new(); 256],
        };
        for (phrase, label) in VOCABULARY {
            let entity = Entity::builtin(label).expect("the vocabulary names built-in kinds");
            out.add(phrase, entity).expect("built-in phrases are valid");
        }
        for (phrase, label) in extra {
            let field = crate::config::key_field("detection.labels", phrase);
            let entity = match Entity::builtin(label) {
                Some(e) if e.is_tier1() => e,
                Some(_) => return Err(ConfigError::new(field, "a tier-2 kind has no labels")),
                None if is_valid_custom_label(label) => Entity::Custom(label.as_str().into()),
                None => {
                    return Err(ConfigError::new(
                        field,
                        "the kind must be a tier-1 kind or UPPER_SNAKE_CASE",
                    ))
                }
            };
            out.add(phrase, entity)
                .map_err(|why| ConfigError::new(field, why))?;
        }
        Ok(out)
    }

    /// Kinds from `detection.labels` that are not built in: always on, like deny-list kinds.
    pub fn custom_kinds(&self) -> impl Iterator<Item = &Entity> {
        self.entities
            .iter()
            .filter(|e| matches!(e, Entity::Custom(_)))
    }

    fn add(&mut self, phrase: &str, entity: Entity) -> Result<(), &'static str> {
        let mut words: Vec<String> = words_of(phrase).collect();
        let mut needs_marker = false;
        while words
            .last()
            .is_some_and(|w| CONNECTORS[..MARKERS].contains(&w.as_str()))
            && words.len() > 1
        {
            words.pop();
            needs_marker = true;
        }
        if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
            return Err("a label is one to three words");
        }
        if phrase.len() > 64 {
            return Err("a label is at most 64 characters");
        }
        if !self.entities.contains(&entity) {
            self.entities.push(entity.clone());
        }
        self.add_end(words.last().expect("one word at least"));
        let phrase = words.join(" ");
        // "account" and "account number" are one phrase: bare, it needs no marker.
        let needs_marker = needs_marker
            && self
                .phrases
                .get(&phrase)
                .is_none_or(|had| had.needs_marker || had.entity != entity);
        self.phrases.insert(
            phrase,
            Label {
                entity,
                needs_marker,
            },
        );
        Ok(())
    }

    fn add_end(&mut self, word: &str) {
        let bucket = &mut self.ends[usize::from(word.as_bytes()[0])];
        if !bucket.iter().any(|e| e == word) {
            bucket.push(word.to_string());
        }
    }

    /// A quick test, allocating nothing, that most numbers fail: past the gap and connector
    /// words, the word before `head`'s end is one a label can end with (or it is "ID").
    fn may_end_a_label(&self, head: &str) -> bool {
        let bytes = head.as_bytes();
        let mut end = bytes.len();
        for read in 0..4 {
            while end > 0 && GAP.contains(&char::from(bytes[end - 1])) {
                end -= 1;
            }
            let start = word_start(head, end);
            let word = &bytes[start..end];
            if word.is_empty() {
                return false;
            }
            if read == 0 && word.eq_ignore_ascii_case(b"id") {
                return true;
            }
            if CONNECTORS
                .iter()
                .any(|c| c.as_bytes().eq_ignore_ascii_case(word))
            {
                end = start;
                continue;
            }
            return self.ends[usize::from(word[0].to_ascii_lowercase())]
                .iter()
                .any(|e| e.as_bytes().eq_ignore_ascii_case(word));
        }
        false
    }

    /// The kind whose label ends right before `value_start`, if any.
    fn label_before(&self, text: &str, value_start: usize) -> Option<(&Entity, bool)> {
        if !self.may_end_a_label(&text[..value_start]) {
            return None;
        }
        let window_start = floor_char_boundary(text, value_start.saturating_sub(96));
        let before = &text[window_start..value_start];
        // Where a label may end: after the gap, and before each connector word read back over
        // ("ID: 7" is the label "id"; "member ID 7" the label "member" with its marker).
        let mut stops: Vec<Stop> = Vec::with_capacity(4);
        let (mut pos, mut marker, mut colon, mut line_breaks) = (before.len(), false, false, 0);
        loop {
            let gap_start = before[..pos]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| GAP.contains(&c))
                .last()
                .map_or(pos, |(i, _)| i);
            for c in before[gap_start..pos].chars() {
                marker |= matches!(c, ':' | '#' | '=');
                colon |= c == ':';
                line_breaks += usize::from(c == '\n');
            }
            if before.len() - gap_start > MAX_GAP || line_breaks > 1 {
                break;
            }
            let start = word_start(before, gap_start);
            let word = before[start..gap_start].to_ascii_lowercase();
            let connector = CONNECTORS.iter().position(|c| *c == word);
            // A full stop ends a sentence, except after "no." and its kin.
            if connector.is_none() && before[gap_start..pos].contains('.') {
                break;
            }
            pos = gap_start;
            // Across a line break, the label ends with `:` or stands alone on its line.
            stops.push(Stop {
                end: pos,
                marker,
                colon,
                own_line: line_breaks == 1 && !colon,
            });
            match connector {
                Some(i) if stops.len() <= 3 => {
                    marker |= i < MARKERS;
                    pos = start;
                }
                _ => break,
            }
        }
        let at_text_start = window_start == 0;
        stops.iter().rev().find_map(|stop| {
            let (label, first) = self.phrase_ending(before, stop.end, stop.colon)?;
            let counts = (stop.marker || !label.needs_marker)
                && (!stop.own_line || starts_a_line(before, first, at_text_start));
            counts.then_some((&label.entity, stop.marker))
        })
    }

    /// The kind a table column's header cell names, if it is a label phrase.
    fn header_kind(&self, header: &str) -> Option<Entity> {
        let mut words: Vec<String> =
            words_of(header.trim().trim_end_matches(['.', ':', '#'])).collect();
        if let [word] = words.as_slice() {
            if super::password::PASSWORD_NOUNS.contains(&word.as_str()) {
                return Some(Entity::Secret);
            }
        }
        while words.len() > 1
            && words
                .last()
                .is_some_and(|w| CONNECTORS[..MARKERS].contains(&w.as_str()))
        {
            words.pop();
        }
        self.phrases
            .get(&words.join(" "))
            .map(|label| label.entity.clone())
    }

    /// The kind and end of a word at `start` that is a one-word label in three capitals or
    /// more glued to its value's digits ("MRN3319024").
    fn glued_label(&self, text: &str, start: usize) -> Option<(Entity, usize)> {
        let bytes = text.as_bytes();
        let letters = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        let digits = bytes[start + letters..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = start + letters + digits;
        if letters < 3 || digits < 4 || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let label = self
            .phrases
            .get(&text[start..start + letters].to_ascii_lowercase())?;
        Some((label.entity.clone(), end))
    }

    /// The kind and end of a whole table cell at `start` that its column's header labels.
    fn in_labelled_column(
        &self,
        headers: &mut HeaderCache,
        text: &str,
        start: usize,
    ) -> Option<(Entity, usize)> {
        // Most values are in prose, after a word: the bytes around them settle them first.
        let run = text[start..]
            .find([' ', '|', ',', '\t', '\n', '\r'])
            .map_or(text.len(), |i| start + i);
        if run - start < 3
            || !cell_edge(text[..start].bytes().rev().find(|&b| b != b' '))
            || !cell_edge(text[run..].bytes().find(|&b| b != b' ' && b != b'\r'))
                && value_end(text, start).is_none_or(|end| end <= run)
        {
            return None;
        }
        let header = ContextWords::header_cell(text, start, headers)?;
        if header.len() > MAX_HEADER {
            return None;
        }
        let kind = self.header_kind(header)?;
        let end = if kind == Entity::Secret {
            let value = &text[start..run];
            ((4..=64).contains(&value.chars().count()) && classes(value) >= 2).then_some(run)?
        } else {
            let end = value_end(text, start)?;
            let value = &text[start..end];
            if machine_id(value) || (kind == Entity::Passport && us_passport_shape(value)) {
                return None;
            }
            end
        };
        cell_edge(text[end..].bytes().find(|&b| b != b' ' && b != b'\r')).then_some((kind, end))
    }

    /// The kind of the longest vocabulary phrase ending at `end` in `before`, if it counts.
    fn phrase_ending(&self, before: &str, end: usize, colon: bool) -> Option<(&Label, usize)> {
        let mut words: Vec<(usize, String)> = Vec::with_capacity(MAX_PHRASE_WORDS);
        let mut end = end;
        while words.len() < MAX_PHRASE_WORDS {
            let start = word_start(before, end);
            if start == end {
                break;
            }
            words.push((start, normalise(&before[start..end])));
            // Words of one phrase are joined by one space, `_` or `-`.
            match before[..start].chars().next_back() {
                Some(' ' | '_' | '-') if start > 1 => end = start - 1,
                _ => break,
            }
        }
        if let [(start, word), ..] = words.as_slice() {
            // "ID: 44817" on a line or in a list of its own; not `user_id=`, "Request ID:",
            // `"id": 50233`.
            let head = &before[..*start];
            let trimmed = head.trim_end_matches([' ', '\t']);
            let alone = match trimmed.chars().next_back() {
                None => true,
                Some(c) if trimmed.len() < head.len() => {
                    matches!(c, '\n' | '\r' | ',' | ';' | '|' | '(' | '-' | '*' | '•')
                }
                Some(c) => matches!(c, '\n' | '\r' | ',' | ';' | '|' | '(' | '[' | '{'),
            };
            if word == "id" && &before[*start..*start + 2] == "ID" && colon && alone {
                return Some((&self.bare_id, *start));
            }
        }
        for n in (1..=words.len()).rev() {
            let phrase: Vec<&str> = words[..n].iter().rev().map(|(_, w)| w.as_str()).collect();
            if let Some(label) = self.phrases.get(&phrase.join(" ")) {
                let first = words[n - 1].0;
                let bounded = !before[..first]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
                return bounded.then_some((label, first));
            }
        }
        None
    }
}

impl Recognizer for Labelled {
    fn name(&self) -> &str {
        "labelled"
    }

    fn entities(&self) -> Vec<Entity> {
        self.entities.clone()
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        let mut last_end = 0;
        let mut headers = HeaderCache::default();
        for region in hay.regions() {
            // A value starts at the region or right after a `:`, `#`, `=` or `(` inside it
            // ("MRN:00-4471-2" is one word, and so is "(4410291)"), or after a line break or
            // a cell's separator that joined two values into one region (a CSV's rows).
            let starts = leading_capitals(text, region.start)
                .into_iter()
                .chain(std::iter::once(region.start))
                .chain(
                    text[region.clone()]
                        .match_indices([':', '#', '=', '(', '\n', ',', '|', '\t'])
                        // not a digit group's comma ("1,200")
                        .filter(|&(i, _)| !thousands(&text[region.start + i..]))
                        .map(|(i, _)| {
                            let after = region.start + i + 1;
                            after + text[after..region.end].len()
                                - text[after..region.end].trim_start_matches(' ').len()
                        })
                        .filter(|&i| i < region.end),
                );
            for start in starts {
                if start < last_end
                    || !text[start..].starts_with(|c: char| c.is_ascii_alphanumeric())
                    || text[..start].ends_with(|c: char| c.is_alphanumeric())
                {
                    continue;
                }
                let Some((entity, marker)) = self.label_before(text, start) else {
                    let labelled = self
                        .glued_label(text, start)
                        .or_else(|| self.in_labelled_column(&mut headers, text, start));
                    if let Some((kind, end)) = labelled {
                        out.push(Candidate::new(start, end, kind, 0.85, true));
                        last_end = end;
                    }
                    continue;
                };
                let Some(end) = value_end(text, start) else {
                    continue;
                };
                let value = &text[start..end];
                if !marker && !strong(value) {
                    continue;
                }
                if machine_id(value) || (*entity == Entity::Passport && us_passport_shape(value)) {
                    continue;
                }
                out.push(Candidate::new(start, end, entity.clone(), 0.85, true));
                last_end = end;
            }
        }
    }
}

/// The end of an identifier starting at `start`, if the value there is one (see the rules).
fn value_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    let (mut digits, mut letters) = (0, 0);
    let mut end = start;
    while i < bytes.len() && i - start <= MAX_VALUE {
        let b = bytes[i];
        if b.is_ascii_digit() {
            digits += 1;
        } else if b.is_ascii_alphabetic() {
            letters += 1;
        } else if matches!(b, b'-' | b'/' | b'#')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            // joins two groups
        } else if b == b' '
            && letters == i - start
            && (1..=3).contains(&letters)
            && bytes[start..i].iter().all(u8::is_ascii_uppercase)
            && bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
                >= 2
        {
            // "JQU 88412 0937": a leading group of capitals, then digits
        } else if b == b' '
            && bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
                >= 2
            && bytes[end - 1].is_ascii_digit()
            && !bytes[i + 1..]
                .iter()
                .find(|b| !b.is_ascii_digit())
                .is_some_and(|b| b.is_ascii_alphabetic())
        {
            // "7712 0938 45": another group of digits
        } else {
            break;
        }
        i += 1;
        if bytes[i - 1].is_ascii_alphanumeric() {
            end = i;
        }
    }
    if end - start > MAX_VALUE || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let enough = digits >= 4 || (digits >= 2 && letters >= 1);
    (enough && !is_date(&text[start..end])).then_some(end)
}

/// Whether `rest` starts with a comma between digit groups ("1,200" from its comma).
fn thousands(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.first() == Some(&b',')
        && b.len() >= 4
        && b[1..4].iter().all(u8::is_ascii_digit)
        && !b.get(4).is_some_and(u8::is_ascii_digit)
}

/// Longest header cell read as a label, in bytes (the longest label phrase is shorter).
const MAX_HEADER: usize = 64;

/// Whether a byte beside a value ends a table cell: a cell separator, a line break or the
/// text's end (None).
fn cell_edge(byte: Option<u8>) -> bool {
    matches!(byte, None | Some(b'|' | b',' | b'\t' | b'\n'))
}

/// Capitals that stand before a number as a word of their own, not as its first group: a
/// connector ("health plan ID 80840-7144") or the name of another kind ("ABA 661837968").
const NOT_A_GROUP: &[&str] = &[
    "ID", "NO", "NR", "ABA", "SSN", "EIN", "TIN", "PIN", "DOB", "MRN", "PAN", "NHS", "VAT",
];

/// The start of one to three capitals and a space right before `region_start`, as in
/// "JQU 88412 0937" (the region starts at the digits).
fn leading_capitals(text: &str, region_start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let end = region_start.checked_sub(1).filter(|&i| bytes[i] == b' ')?;
    let start = bytes[..end]
        .iter()
        .rev()
        .take(4)
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    let start = end - start;
    let bounded = !bytes[..start]
        .last()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80);
    let group = &text[start..end];
    ((1..=3).contains(&group.len()) && bounded && !NOT_A_GROUP.contains(&group)).then_some(start)
}

/// Whether only spaces, tabs and list or table marks stand before `at` on its line in
/// `window`, a window of text that starts the text when `at_text_start`.
fn starts_a_line(window: &str, at: usize, at_text_start: bool) -> bool {
    let head = &window[..at];
    let line = head.rfind('\n').map_or(0, |i| i + 1);
    (line > 0 || at_text_start)
        && head[line..]
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'|' | b'*' | b'-'))
}

/// A value that may follow a label with no marker ("account 77120931", not "policy 2024"):
/// five digits, or a letter and two digits.
fn strong(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    digits >= 5 || (digits >= 2 && value.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// UUIDs and hex digests (16 or more hex digits, with or without dashes): request, trace and
/// session ids, which name a machine's event rather than a person.
fn machine_id(value: &str) -> bool {
    let hex = value.bytes().filter(u8::is_ascii_hexdigit).count();
    hex >= 16 && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Nine digits, or a letter and eight digits: US_PASSPORT's own shapes (it reports them).
fn us_passport_shape(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 9
        && b[1..].iter().all(u8::is_ascii_digit)
        && (b[0].is_ascii_digit() || b[0].is_ascii_uppercase())
}

/// `2024-03-05`, `2024/3/5`, `03/05/2024`, `3-5-24`: digits in three groups of date sizes.
fn is_date(value: &str) -> bool {
    let groups: Vec<&str> = value.split(['-', '/']).collect();
    if groups.len() != 3 || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    matches!(lens.as_slice(), [4, 1..=2, 1..=2] | [1..=2, 1..=2, 2 | 4])
}

fn normalise(word: &str) -> String {
    word.replace('’', "'").to_lowercase()
}

/// A phrase's words: lowercase, split at spaces, `_` and `-`.
fn words_of(phrase: &str) -> impl Iterator<Item = String> + '_ {
    phrase
        .split([' ', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(normalise)
}

/// The start of the word (letters, digits and apostrophes) ending at `end`, stepping over
/// ASCII a byte at a time (most words before a number are ASCII).
fn word_start(text: &str, end: usize) -> usize {
    let mut start = end;
    while let Some(&b) = text.as_bytes()[..start].last() {
        if b.is_ascii() {
            if !(b.is_ascii_alphanumeric() || b == b'\'') {
                break;
            }
            start -= 1;
        } else {
            match text[..start].chars().next_back() {
                Some(c) if c.is_alphanumeric() || c == '’' => start -= c.len_utf8(),
                _ => break,
            }
        }
    }
    start
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::*;

    #[test]
    fn the_label_names_the_kind() {
        assert_finds(MedicalRecordNumber, "MRN: 00-4471-2, admitted", "00-4471-2");
        assert_finds(
            MedicalRecordNumber,
            "his medical record number is 8823140",
            "8823140",
        );
        assert_finds(HealthPlanId, "member ID HP-552190 on the card", "HP-552190");
        assert_finds(HealthPlanId, "insurance policy QW-118274", "QW-118274");
        assert_finds(PersonalId, "Patient ID: ABC91234", "ABC91234");
        assert_finds(
            AccountNumber,
            "account number 7712093845 please",
            "7712093845",
        );
        assert_finds(AccountNumber, "acct # 7712 0938 45.", "7712 0938 45");
        assert_finds(
            UsDriverLicense,
            "driver's license number F1628235",
            "F1628235",
        );
        assert_finds(
            UsDriverLicense,
            "Driver’s Licence: D123-4567-8901",
            "D123-4567-8901",
        );
        assert_finds(Passport, "passport number XG1234567 (UK)", "XG1234567");
        assert_finds(PersonalId, r#"{"patient_id": "P-20931"}"#, "P-20931");
        assert_finds(PersonalId, "ID: 44817", "44817");
        assert_finds(PersonalId, "name: Ana\n  ID: 44817", "44817");
        assert_finds(PersonalId, "- ID: 44817", "44817");
        assert_finds(MedicalRecordNumber, "MRN:\n00-4471-2", "00-4471-2");
        assert_finds(MedicalRecordNumber, "MRN:00-4471-2", "00-4471-2");
        assert_finds(MedicalRecordNumber, "my MRN (4410291) changed", "4410291");
        assert_finds(
            HealthPlanId,
            "ins id TXM 440 918 273 on file",
            "TXM 440 918 273",
        );
        assert_finds(
            MedicalRecordNumber,
            "your MRN MR 002-118-447 -",
            "MR 002-118-447",
        );
        assert_finds(
            UsDriverLicense,
            "Michigan DL H 421 887 309 154",
            "H 421 887 309 154",
        );
        assert_finds(PersonalId, "Frequent flyer: LA 4471 0923", "LA 4471 0923");
        assert_finds(
            AccountNumber,
            "| Account no.    | ZA-0093-4471-82 |",
            "ZA-0093-4471-82",
        );
        assert_finds(PersonalId, "Employee ID\nE-204471\nFull name", "E-204471");
        assert_finds(PersonalId, "Name: Ana\n- Employee ID\nE-204471", "E-204471");
        assert_finds(
            HealthPlanId,
            "Número de afiliación: 28/44718203/61.",
            "28/44718203/61",
        );
        assert_finds(PersonalId, "Claim ref: CLM24-0098173", "CLM24-0098173");
        // a record system's prefix glued to the value
        assert_finds(
            MedicalRecordNumber,
            r#"[{"system":"urn:mrn","value":"MRN3319024"}]"#,
            "MRN3319024",
        );
        // a transcript's answer after its speaker is most often the identifier asked for
        assert_finds(PersonalId, "Customer: 8830 2145 9067", "8830 2145 9067");
    }

    #[test]
    fn near_misses_stay_unmasked() {
        // no label, or a label too far away or without its marker
        assert_none(PersonalId, "order 88213-4471 shipped");
        assert_none(AccountNumber, "my account was charged 1299 twice");
        assert_none(MedicalRecordNumber, "the hospital 2024 budget");
        assert_none(PersonalId, "the policy 2024 update");
        assert_finds(
            AccountNumber,
            "my SBI account 30918274455 is frozen",
            "30918274455",
        );
        assert_finds(Passport, "Reisepassnummer: C7RM2KT94", "C7RM2KT94");
        assert_finds(
            HealthPlanId,
            "Medicare Advantage, member #H71920447",
            "H71920447",
        );
        assert_none(PersonalId, "id 44817");
        assert_none(PersonalId, "request_id=44817");
        assert_none(PersonalId, "X-Request-ID: 44817");
        assert_none(PersonalId, "Security ID: S-1-0-0");
        assert_none(PersonalId, r#"{"id": 44817}"#);
        assert_none(
            PersonalId,
            "customer ID: 9286151e-f268-47ad-9b73-c0c364e1bbe0",
        );
        assert_none(Passport, "passport number A12345678");
        assert_none(PersonalId, "ID\n44817");
        // across a line break, the label ends with `:` or has its line to itself
        assert_none(PersonalId, "I sent the claim\n2024-118 to Ana");
        assert_none(PersonalId, "see the employee ID\nE-204471");
        // capitals before digits: a word of their own, one to three of them
        assert_none(AccountNumber, "account ABCD 12345");
        assert_finds(HealthPlanId, "health plan ID 80840-7144 on", "80840-7144");
        assert_none(AccountNumber, "Funding account ABA 661837968, account");
        assert_none(HealthPlanId, "member ID: pending 2024 renewal");
        // values that are not identifiers
        assert_none(PersonalId, "ID: v2");
        assert_none(HealthPlanId, "member ID: pending");
        assert_none(AccountNumber, "account number: 2024-03-05");
        assert_none(UsDriverLicense, "license key: ABCD-EFGH");
        assert_none(UsDriverLicense, "License: Apache-2.0");
        assert_none(AccountNumber, "account $1299");
        assert_none(PersonalId, "paid ID: 12");
        // glued: two capitals are a flight, three digits a count, lower case a word
        assert_none(UsDriverLicense, "flying DL1234 to Atlanta");
        assert_none(MedicalRecordNumber, "MRN123 pending");
        assert_none(PersonalId, "claim2024 folder");
        // words glued to the label are other words
        assert_none(PersonalId, "valid: 44817");
        assert_none(PersonalId, "grid:44817");
    }

    #[test]
    fn a_column_header_labels_its_cells() {
        let table =
            "| Name | State | License |\n|---|---|---|\n| Kofi Boateng | AZ | D08813574 |\n";
        assert_finds(UsDriverLicense, table, "D08813574");
        let rows = "| Name | Account no. |\n|:--|--:|\n| Kofi | 20 |\n| Lupe | 1102948873 |\n";
        assert_finds(AccountNumber, rows, "1102948873");
        // a row's first cell in one region with the row before's last
        let rows = "employee_id,ssn,dept\nn/a,161-81-2728,HR\nE10442,767-49-7701,HR\n";
        assert_finds(PersonalId, rows, "E10442");
        let csv = "Site,Username,Password,URL\nEmail,helen,penguin-Latte-77,https://mail.example\n";
        assert_finds(Secret, csv, "penguin-Latte-77");
        assert_finds(
            MedicalRecordNumber,
            "patient,mrn,ward\nAna,00-4471-2,B\n",
            "00-4471-2",
        );
        // a header that is no label, a cell that is no identifier, a password of one class
        assert_none(
            PersonalId,
            "| Order | Total |\n|---|---|\n| 88213 | 12.99 |\n",
        );
        assert_none(AccountNumber, "name,account,city\nAna,closed,Oslo\n");
        assert_none(Secret, "user,pass,url\nana,12345678,x\n");
        // US_PASSPORT reports its own shapes, under a header as after a label
        assert_none(
            Passport,
            "| name | passport |\n|---|---|\n| A. Brooks | 822376978 |\n",
        );
    }

    #[test]
    fn a_checksum_kind_keeps_an_equal_span() {
        assert_finds(UsPassport, "passport number A12345678", "A12345678");
        assert_finds(
            IbanCode,
            "account number GB82WEST12345698765432",
            "GB82WEST12345698765432",
        );
    }

    #[test]
    fn the_vocabulary_grows_by_configuration() {
        let mut extra = BTreeMap::new();
        extra.insert("badge no".to_string(), "BADGE".to_string());
        let r = Labelled::new(&extra).unwrap();
        assert_eq!(
            r.custom_kinds().collect::<Vec<_>>(),
            vec![&Entity::Custom("BADGE".into())]
        );
        let text = "badge no. 77-1042";
        assert_eq!(
            r.label_before(text, 10),
            Some((&Entity::Custom("BADGE".into()), true))
        );
        // needs its marker: "badge 77-1042" is not a badge number
        assert_eq!(r.label_before("badge 77-1042", 6).map(|(e, _)| e), None);
        extra.insert("x".repeat(65), "BADGE".into());
        assert!(Labelled::new(&extra).is_err());
        let mut bad = BTreeMap::new();
        bad.insert("badge".to_string(), "badge".to_string());
        assert_eq!(
            Labelled::new(&bad).err().unwrap().field,
            "detection.labels.badge"
        );
    }
}

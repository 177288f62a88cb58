//! PHONE_NUMBER: North American numbers and international numbers, E.164 and national formats.
//!
//! A small lexer reads each phone-shaped run in a candidate region into digit groups (with the
//! `+`, parentheses and `(0)` trunk marker it saw), then the longest prefix of those groups that
//! a numbering plan accepts becomes the candidate. Rules per country are in `plans` below.
//!
//! Written by hand rather than with the `phonenumber` crate (a libphonenumber port): that crate
//! embeds metadata for every region and evaluates a regex per number type per candidate, which
//! costs start-up time and memory in every Envoy wasm VM; the length and leading-digit rules of
//! the countries we support fit in a page, and precision here comes mostly from shape rules
//! (dates, versions, prices, ids) that libphonenumber does not have anyway.
//!
//! Scores: `+` and a valid number for a supported country 0.85, other country codes with an
//! E.164 length 0.6; a formatted national number valid for a supported plan 0.7; an unformatted
//! valid digit run 0.3 (needs a context word such as "call" or "mobile"); a number dialled
//! with `00` or `011` instead of `+` as its `+` number, a little lower (0.75; unknown country
//! codes 0.3); a phone-shaped but
//! invalid or fictional (NANP 555) number 0.1 (needs context: with "call me at" it is still
//! masked); "my number", "her new number" in the sentence before it count as a context word.
//! Negative context ("order", "invoice", "tracking" …, or a `#` in front) means the
//! candidate needs a positive context word whatever its shape. An extension glued on
//! (`x1402`, `ext.44`) or written apart stays outside the span.

use crate::detect::{Candidate, ContextWords, Haystack, Recognizer};
use veil_kinds::kind::Entity;

use super::{clean_before, stands_alone};

pub const CONTEXT: &[&str] = &[
    "phone",
    "telephone",
    "tel",
    "call",
    "mobile",
    "cell",
    "cellphone",
    "fax",
    "contact",
    "reach",
    "text",
    "sms",
    "whatsapp",
    "ring",
    "dial",
    "landline",
    "hotline",
    "helpline",
    "handy",
    "telefon",
    "téléphone",
    "portable",
    "móvil",
    "telefono",
    "cellulare",
    "office",
    "desk",
    "voicemail",
    "pager",
    "answering",
    "extension",
    "ext",
    "callback",
    "called",
    "calling",
    "caller",
];

/// Words that make a number something other than a phone (unless a phone word is also near).
const NEGATIVE: &[&str] = &[
    "order",
    "npi",
    "mrn",
    "pedido",
    "commande",
    "bestellung",
    "auftrag",
    "ordine",
    "bestelling",
    "invoice",
    "tracking",
    "ticket",
    "ref",
    "reference",
    "sku",
    "serial",
    "build",
    "version",
    "id",
    "case",
    "confirmation",
    "booking",
    "reservation",
    "transaction",
    "txn",
    "po",
    "isbn",
    // labels of identifiers (`labelled.rs`)
    "hospital",
    "chart",
    "subscriber",
    "insurance",
    "policy",
    "claim",
    "license",
    "licence",
];

/// Dialled digits in a phone number: 7 (a NANP local number) to 15 (E.164's maximum).
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 15;

pub struct Phone;

impl Phone {
    pub fn new() -> Self {
        Phone
    }
}

impl Recognizer for Phone {
    fn name(&self) -> &str {
        "phone"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::PhoneNumber]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        let text = hay.text();
        // Regions are newline-joined, and a run never crosses a newline.
        let regional = hay.regional_text();
        let bytes = regional.as_bytes();
        let mut run = Run::default();
        let mut i = 0;
        {
            while i < bytes.len() {
                let b = bytes[i];
                let starts_run = b.is_ascii_digit()
                    || b == b'('
                    || (b == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
                // "((704) 675-4972)": an opening paren may follow another.
                let inside =
                    i > 0 && continues_run(bytes[i - 1]) && !(b == b'(' && bytes[i - 1] == b'(');
                if !starts_run || inside {
                    i += 1;
                    continue;
                }
                lex(regional, i, &mut run);
                if run.groups.is_empty() {
                    i += 1;
                    continue;
                }
                // "JD 0441 7229 0GB": a run that ends glued to letters is part of a code,
                // unless the letters start an extension ("(617)555-2368x1402").
                let run_end = run.groups.last().map_or(i, |g| g.end);
                if bytes.get(run_end).is_some_and(u8::is_ascii_alphabetic)
                    && !extension_at(&bytes[run_end..])
                {
                    i = run_end;
                    continue;
                }
                match best_prefix(&run) {
                    Some((n, score, validated)) => {
                        let start = hay.original(i);
                        let end = start + (run.groups[n - 1].end - i);
                        let extension = extension_at(&text.as_bytes()[end..]);
                        if stands_alone(text, start, end)
                            || (extension && clean_before(text, start))
                        {
                            out.extend(scored(text, start, end, score, validated));
                        }
                        i = run.groups[n - 1].end;
                    }
                    None => i = run.groups[0].end.max(i + 1),
                }
            }
        }
    }
}

/// Whether `rest` starts with an extension glued to the number: `x1402`, `ext44`, `ext.44`.
/// The extension is left outside the span (it identifies no one without the number).
fn extension_at(rest: &[u8]) -> bool {
    let digits_from = |i: usize| rest.get(i).is_some_and(u8::is_ascii_digit);
    match rest {
        [b'x' | b'X', ..] => digits_from(1),
        [b'e' | b'E', b'x' | b'X', b't' | b'T', b'.', ..] => digits_from(4),
        [b'e' | b'E', b'x' | b'X', b't' | b'T', ..] => digits_from(3),
        _ => false,
    }
}

/// Bytes that, right before a digit, mean we are inside a larger run already lexed or glued
/// to something else; starting there would find suffixes of ids.
fn continues_run(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'(' | b')' | b'-' | b'.' | b'/' | b'_')
}

/// Negative context ("order", a `#` in front) drops an invalid number and makes a valid one
/// need a positive context word.
fn scored(text: &str, start: usize, end: usize, score: f32, validated: bool) -> Option<Candidate> {
    let hash_before = text[..start].trim_end().ends_with('#');
    if hash_before || ContextWords::any_before(text, start, 3, NEGATIVE) {
        validated.then(|| {
            Candidate::needs_context(
                start,
                end,
                Entity::PhoneNumber,
                (score + 0.4).min(1.0),
                true,
            )
        })
    } else {
        let mut candidate = Candidate::new(start, end, Entity::PhoneNumber, score, validated);
        if a_persons_number_before(text, start) {
            candidate.score = candidate.score_with_context;
        }
        Some(candidate)
    }
}

/// Words before "number" that make it a person's phone number ("my number is", "her new
/// number:", "number's"): with no noun between them ("my account number") it is the number
/// people call.
const WHOSE: &[&str] = &["my", "his", "her", "their", "our", "your", "new"];

/// Whether "number" after one of `WHOSE` is among the six words before `start`, in its
/// sentence ("my number changed, new one is 7644104194").
fn a_persons_number_before(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(64);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let head = &text[from..start];
    let sentence = head
        .rfind(['.', '!', '?', '\n'])
        .map_or(head, |i| &head[i + 1..]);
    let mut words = sentence
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .peekable();
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("number")
            && words
                .peek()
                .is_some_and(|w| WHOSE.iter().any(|p| w.eq_ignore_ascii_case(p)))
        {
            return true;
        }
    }
    false
}

/// One group of digits in a phone-shaped run.
#[derive(Debug, Clone)]
struct Group<'a> {
    digits: &'a str,
    /// Written in parentheses, like an area code `(415)`.
    paren: bool,
    /// The `(0)` trunk marker of `+44 (0)20 ...`: shown, but not dialled.
    trunk_marker: bool,
    /// Byte offset just past the group (including a closing paren).
    end: usize,
    /// Separator before this group (`None` for the first, or when digits were glued).
    sep: Option<u8>,
}

#[derive(Debug, Default)]
struct Run<'a> {
    plus: bool,
    groups: Vec<Group<'a>>,
}

/// Up to MAX_DIGITS digits (or group lengths, or separators) on the stack: judging a run
/// allocates nothing.
struct Small<T: Copy + Default> {
    buf: [T; MAX_DIGITS + 1],
    len: usize,
}

impl<T: Copy + Default> Small<T> {
    fn collect(items: impl Iterator<Item = T>) -> Self {
        let mut s = Small {
            buf: [T::default(); MAX_DIGITS + 1],
            len: 0,
        };
        for x in items.take(MAX_DIGITS + 1) {
            s.buf[s.len] = x;
            s.len += 1;
        }
        s
    }

    fn as_slice(&self) -> &[T] {
        &self.buf[..self.len]
    }
}

/// The dialled digits of some groups (the `(0)` trunk marker left out).
fn digits_of(groups: &[Group<'_>]) -> Small<u8> {
    Small::collect(
        groups
            .iter()
            .filter(|g| !g.trunk_marker)
            .flat_map(|g| g.digits.bytes()),
    )
}

fn lens_of(groups: &[Group<'_>]) -> Small<usize> {
    Small::collect(groups.iter().map(|g| g.digits.len()))
}

/// Read a phone-shaped run starting at `i`: `+`? then groups of digits or `(digits)` joined by
/// single separators (space, `-`, `.`, `/`, or ` - `), stopping after MAX_DIGITS digits.
fn lex<'a>(text: &'a str, mut i: usize, run: &mut Run<'a>) {
    let bytes = text.as_bytes();
    let plus = bytes[i] == b'+';
    if plus {
        i += 1;
    }
    run.plus = plus;
    run.groups.clear();
    let groups = &mut run.groups;
    let mut total = 0;
    let mut sep: Option<u8> = None;
    loop {
        let (digits, paren, end) = if bytes.get(i) == Some(&b'(') {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if j == i + 1 || j - i - 1 > 5 || bytes.get(j) != Some(&b')') {
                break;
            }
            (&text[i + 1..j], true, j + 1)
        } else {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if j == i {
                break;
            }
            (&text[i..j], false, j)
        };
        let trunk_marker = paren && digits == "0" && plus;
        total += if trunk_marker { 0 } else { digits.len() };
        if total > MAX_DIGITS {
            break;
        }
        groups.push(Group {
            digits,
            paren,
            trunk_marker,
            end,
            sep,
        });
        // A separator joins two groups only when another group follows it.
        i = end;
        let (next_sep, skip) = match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b' '), Some(b'-'), Some(b' ')) => (Some(b'-'), 3),
            (Some(&s @ (b' ' | b'-' | b'.' | b'/')), Some(n), _)
                if n.is_ascii_digit() || *n == b'(' =>
            {
                (Some(s), 1)
            }
            // "+1(415)867-2301": a paren group may be glued to its neighbours.
            (Some(b'('), _, _) => (None, 0),
            (Some(n), _, _) if n.is_ascii_digit() && paren => (None, 0),
            _ => break,
        };
        sep = next_sep;
        i += skip;
    }
}

/// The longest prefix of the run's groups that reads as a phone number, with its score and
/// whether a numbering plan validated it.
fn best_prefix(run: &Run<'_>) -> Option<(usize, f32, bool)> {
    let mut weak = None;
    // Dialled digits of the whole run; shorter prefixes have fewer. No phone has fewer than
    // MIN_DIGITS, so prefixes below it are not judged (most runs in prose are prices, counts
    // and versions that never reach it).
    let mut dialled: usize = run
        .groups
        .iter()
        .filter(|g| !g.trunk_marker)
        .map(|g| g.digits.len())
        .sum();
    for n in (1..=run.groups.len()).rev() {
        if dialled < MIN_DIGITS {
            break;
        }
        let last = &run.groups[n - 1];
        if !last.trunk_marker {
            dialled -= last.digits.len();
        }
        match judge(run.plus, &run.groups[..n]) {
            Some((score, true)) => return Some((n, score, true)),
            Some((score, false)) if weak.is_none() => weak = Some((n, score, false)),
            _ => {}
        }
    }
    weak
}

/// Score one candidate grouping, or None when it is not phone-shaped at all. A run that may
/// be dialled abroad ("011 ...") is also read as a national number ("011 2345 6789" is
/// Sheffield); a valid reading wins.
fn judge(plus: bool, groups: &[Group<'_>]) -> Option<(f32, bool)> {
    let abroad = if plus { None } else { dialled_abroad(groups) };
    if let Some(valid @ Some((_, true))) = abroad {
        if valid.is_some_and(|(score, _)| score >= 0.75) {
            return valid;
        }
    }
    let national = judge_as_written(plus, groups);
    match (national, abroad) {
        (Some((_, true)), _) | (_, None) => national,
        (_, Some(abroad)) => abroad.or(national),
    }
}

fn judge_as_written(plus: bool, groups: &[Group<'_>]) -> Option<(f32, bool)> {
    let digits = digits_of(groups);
    let digits = std::str::from_utf8(digits.as_slice()).expect("ASCII digits");
    let n = digits.len();
    if plus {
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&n) {
            return None;
        }
        return Some(match plans::international(groups, digits) {
            plans::Verdict::Valid => (0.85, true),
            plans::Verdict::UnknownCountry => (0.6, true),
            plans::Verdict::Invalid => (0.1, false),
        });
    }
    if n < MIN_DIGITS || looks_like_date_or_version(groups) {
        return None;
    }
    if groups.len() == 1 && !groups[0].paren {
        // An unformatted digit run: as likely an id as a phone. Invalid ones are weak only at
        // phone lengths (7 local, 10-11 NANP).
        return if plans::national_digits(digits) {
            Some((0.3, true))
        } else {
            matches!(n, 7 | 10 | 11).then_some((0.1, false))
        };
    }
    let seps = Small::collect(groups.iter().skip(1).filter_map(|g| g.sep));
    let seps = seps.as_slice();
    let slash = seps.contains(&b'/');
    if groups.iter().skip(1).any(|g| g.digits.len() < 2)
        || groups.iter().any(|g| g.trunk_marker || g.digits.len() > 8)
        // "069/39328887": the slash only separates a German-style area code.
        || (slash && !(groups.len() == 2 && groups[0].digits.starts_with('0')))
        // 3-2-4 with dashes is how SSNs are written.
        || (seps == [b'-', b'-'] && groups.iter().map(|g| g.digits.len()).eq([3, 2, 4]))
    {
        return None;
    }
    if seps.contains(&b'.') && seps.iter().any(|&s| s != b'.') {
        return Some((0.1, false));
    }
    match plans::national(groups, digits) {
        plans::Verdict::Valid => Some((0.7, true)),
        _ => Some((0.1, false)),
    }
}

/// A number written with an international dialling prefix instead of `+`: `00` (most of the
/// world: "0044 20 7946 0321", "00 33 1 42 68 53 00") or `011` (from North America: "011 52 55
/// 1234 5678", and "001-617-..." for `+1`). Judged as the `+` number it dials, a little lower
/// (0.75, unknown country codes 0.3): a run of digits starting with `00` can also be an id.
/// None when the run has no such prefix.
fn dialled_abroad(groups: &[Group<'_>]) -> Option<Option<(f32, bool)>> {
    let first = &groups[0];
    if first.paren || groups.len() < 2 {
        return None;
    }
    let prefix = if first.digits.starts_with("011") {
        3
    } else if first.digits.starts_with("00") && !first.digits.starts_with("000") {
        2
    } else {
        return None;
    };
    let mut rest: Vec<Group<'_>> = Vec::with_capacity(groups.len());
    if first.digits.len() > prefix {
        rest.push(Group {
            digits: &first.digits[prefix..],
            ..first.clone()
        });
    }
    rest.extend(groups[1..].iter().cloned());
    let digits = digits_of(&rest);
    let digits = std::str::from_utf8(digits.as_slice()).expect("ASCII digits");
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) || rest.len() < 2 {
        return Some(None);
    }
    Some(Some(match plans::international(&rest, digits) {
        plans::Verdict::Valid => (0.75, true),
        plans::Verdict::UnknownCountry => (0.3, true),
        plans::Verdict::Invalid => (0.1, false),
    }))
}

/// Dates (2024-01-15, 15.01.2024, 1/2/2024), dotted versions and IPv4-like runs are never
/// phones, whatever their digits.
fn looks_like_date_or_version(groups: &[Group<'_>]) -> bool {
    let lens = lens_of(groups);
    let lens = lens.as_slice();
    let seps = Small::collect(groups.iter().skip(1).filter_map(|g| g.sep));
    let seps = seps.as_slice();
    let all_same_sep = seps.len() + 1 == groups.len() && seps.windows(2).all(|w| w[0] == w[1]);
    if all_same_sep && groups.len() == 3 && seps[0] != b' ' {
        let date = matches!(lens, [4, 1..=2, 1..=2] | [1..=2, 1..=2, 2 | 4]);
        if date {
            return true;
        }
    }
    // Dotted runs of short groups are versions, except the French 06.12.34.56.78.
    let french = lens == [2, 2, 2, 2, 2] && groups[0].digits.starts_with('0');
    all_same_sep
        && seps.first() == Some(&b'.')
        && lens.iter().all(|&l| l <= 3)
        && groups.len() >= 3
        && !french
}

/// Numbering plans: lengths and leading digits, by country.
mod plans {
    use super::{lens_of, Group};

    pub enum Verdict {
        Valid,
        Invalid,
        UnknownCountry,
    }

    /// Country codes we know the plan of, with a check of the national significant number.
    /// A national significant number check.
    type Plan = fn(&str) -> bool;

    const SUPPORTED: &[(&str, Plan)] = &[
        ("1", nanp),
        ("44", gb),
        ("33", fr),
        ("49", de),
        ("34", es),
        ("39", it),
        ("31", nl),
        ("91", india),
        ("61", au),
        ("55", br),
        ("52", mx),
        ("81", jp),
    ];

    /// `+` numbers: the country code is the first group when written apart (`+44 20 ...`),
    /// otherwise the prefix-free ITU code found at the start of the digits.
    pub fn international(groups: &[Group<'_>], digits: &str) -> Verdict {
        let first = &groups[0];
        let cc_written_apart = groups.len() > 1 && first.digits.len() <= 3 && !first.paren;
        for &(cc, check) in SUPPORTED {
            let matches = if cc_written_apart {
                first.digits == cc
            } else {
                digits.starts_with(cc)
            };
            if matches {
                let nsn = &digits[cc.len()..];
                // Mexico's old mobile prefix: +52 1 55 1234 5678.
                let nsn = if cc == "52" && nsn.len() == 11 && nsn.starts_with('1') {
                    &nsn[1..]
                } else {
                    nsn
                };
                return if check(nsn) {
                    Verdict::Valid
                } else {
                    Verdict::Invalid
                };
            }
        }
        if digits.starts_with('0') || (cc_written_apart && first.digits.starts_with('0')) {
            return Verdict::Invalid;
        }
        if (8..=15).contains(&digits.len()) {
            Verdict::UnknownCountry
        } else {
            Verdict::Invalid
        }
    }

    /// A formatted national number: the grouping must be one a supported country writes.
    pub fn national(groups: &[Group<'_>], digits: &str) -> Verdict {
        let lens = lens_of(groups);
        let lens = lens.as_slice();
        let paren_first = groups[0].paren;
        let ok = if let Some(rest) = digits.strip_prefix('0') {
            // Trunk-prefix countries (GB, FR, DE, IT landlines, NL, IN, AU, JP): an area code
            // group starting with 0, then subscriber groups.
            let first_len = lens[0];
            !rest.starts_with('0')
                && (2..=5).contains(&first_len)
                && groups.len() <= 5
                && lens.iter().skip(1).all(|&l| (2..=8).contains(&l))
                && (gb(rest)
                    || fr(rest)
                    || de(rest)
                    || it(digits)
                    || nl(rest)
                    || india(rest)
                    || au(rest)
                    || jp(rest))
        } else {
            // NANP's 555 exchange is fiction, not an Italian mobile.
            let fictional = matches!(lens, [3, 3, 4] | [3, 7]) && &digits[3..6] == "555";
            let nanp_ok = match lens {
                [3, 3, 4] | [3, 7] => nanp(digits),
                [1, 3, 3, 4] => digits.starts_with('1') && nanp(&digits[1..]),
                _ => false,
            };
            nanp_ok
                || (matches!(lens, [3, 2, 2, 2] | [3, 3, 3] | [2, 3, 2, 2])
                    && !paren_first
                    && es(digits))
                || (matches!(lens, [3, 3, 4] | [3, 3, 3] | [3, 6] | [3, 7])
                    && !paren_first
                    && !fictional
                    && digits.starts_with('3')
                    && it(digits))
                || (matches!(lens, [5, 5]) && india_mobile(digits))
                || (matches!(lens, [2, 4 | 5, 4]) && br(digits))
                || (matches!(lens, [2, 4, 4]) && mx(digits))
                || (matches!(lens, [4, 3, 3])
                    && (digits.starts_with("1300") || digits.starts_with("1800")))
        };
        if ok {
            Verdict::Valid
        } else {
            Verdict::Invalid
        }
    }

    /// An unformatted digit run that some plan accepts as a whole number.
    pub fn national_digits(digits: &str) -> bool {
        match digits.strip_prefix('0') {
            Some(rest) => {
                !rest.starts_with('0')
                    && (gb(rest) || fr(rest) || nl(rest) || india(rest) || au(rest) || jp(rest))
            }
            None => {
                nanp(digits)
                    || (digits.len() == 11 && digits.starts_with('1') && nanp(&digits[1..]))
                    || india_mobile(digits)
                    || (digits.starts_with('3') && it(digits))
                    || es(digits)
                    || (digits.len() == 11 && br(digits))
            }
        }
    }

    fn first(nsn: &str) -> u8 {
        nsn.as_bytes().first().map_or(0, |b| b - b'0')
    }

    /// North American Numbering Plan: NPA-NXX-XXXX. Area code: 2-9, middle digit not 9
    /// (reserved for expansion), not N11; exchange: 2-9, not N11. The 555 exchange is reserved
    /// for fiction and directory services, so it does not validate (context can still lift it).
    pub fn nanp(nsn: &str) -> bool {
        let d = nsn.as_bytes();
        if d.len() != 10 {
            return false;
        }
        let n11 = |a: u8, b: u8| a == b'1' && b == b'1';
        d[0] >= b'2'
            && d[1] != b'9'
            && !n11(d[1], d[2])
            && d[3] >= b'2'
            && !n11(d[4], d[5])
            && &nsn[3..6] != "555"
    }

    /// United Kingdom: 10-digit NSNs (1, 2, 3, 5, 7, 8, 9) and 9-digit ones (some 01 areas,
    /// 0800 freephone).
    fn gb(nsn: &str) -> bool {
        match nsn.len() {
            10 => matches!(first(nsn), 1 | 2 | 3 | 5 | 7 | 8 | 9),
            9 => matches!(first(nsn), 1 | 8),
            _ => false,
        }
    }

    /// France: 9-digit NSNs, 1-9.
    fn fr(nsn: &str) -> bool {
        nsn.len() == 9 && first(nsn) >= 1
    }

    /// Germany: variable length. Mobile (15x, 16x, 17x) 10-11 digits; others 6-11.
    fn de(nsn: &str) -> bool {
        if nsn.starts_with("15") || nsn.starts_with("16") || nsn.starts_with("17") {
            return (10..=11).contains(&nsn.len());
        }
        (6..=11).contains(&nsn.len()) && first(nsn) >= 2
    }

    /// Spain: 9 digits, 6-7 mobile, 8-9 fixed.
    fn es(nsn: &str) -> bool {
        nsn.len() == 9 && first(nsn) >= 6
    }

    /// Italy keeps the leading 0 of landlines in the NSN: 0 + 5-10 digits; mobile 3xx, 9-10.
    fn it(nsn: &str) -> bool {
        match first(nsn) {
            0 => (6..=11).contains(&nsn.len()),
            3 => (9..=10).contains(&nsn.len()),
            _ => false,
        }
    }

    /// Netherlands: 9-digit NSNs, 1-9.
    fn nl(nsn: &str) -> bool {
        nsn.len() == 9 && first(nsn) >= 1
    }

    /// India: 10-digit NSNs; mobiles start 6-9, landlines (with STD code) 1-5.
    fn india(nsn: &str) -> bool {
        nsn.len() == 10 && first(nsn) >= 1
    }

    fn india_mobile(nsn: &str) -> bool {
        nsn.len() == 10 && first(nsn) >= 6
    }

    /// Australia: 9-digit NSNs: 2, 3, 7, 8 geographic, 4 mobile.
    fn au(nsn: &str) -> bool {
        nsn.len() == 9 && matches!(first(nsn), 2 | 3 | 4 | 7 | 8)
    }

    /// Brazil: two-digit area code without zeros, then 9 + 8 digits (mobile) or 2-5 + 7 digits.
    fn br(nsn: &str) -> bool {
        let d = nsn.as_bytes();
        if d.len() < 10 || d[0] == b'0' || d[1] == b'0' {
            return false;
        }
        match d.len() {
            11 => d[2] == b'9',
            10 => (b'2'..=b'5').contains(&d[2]),
            _ => false,
        }
    }

    /// Mexico: 10 digits since 2019; area codes start 2-9.
    fn mx(nsn: &str) -> bool {
        nsn.len() == 10 && first(nsn) >= 2
    }

    /// Japan: 9-10 digit NSNs; mobiles (70, 80, 90) are 10.
    fn jp(nsn: &str) -> bool {
        if nsn.starts_with("70") || nsn.starts_with("80") || nsn.starts_with("90") {
            return nsn.len() == 10;
        }
        (9..=10).contains(&nsn.len()) && first(nsn) >= 1
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::PhoneNumber;

    #[test]
    fn extensions_stay_outside_the_number() {
        assert_finds(
            PhoneNumber,
            "call (617)432-2368x1402 today",
            "(617)432-2368",
        );
        assert_finds(PhoneNumber, "desk: 212.432.0187 ext. 44", "212.432.0187");
        assert_finds(PhoneNumber, "desk: 212.432.0187ext.44", "212.432.0187");
        assert_finds(PhoneNumber, "office 415-867-2301 x9", "415-867-2301");
        // letters that are no extension still make a code
        assert_none(PhoneNumber, "part 415-867-2301xb");
    }

    #[test]
    fn international_dialling_prefixes() {
        for v in [
            "001-617-432-2368",
            "0044 161 234 5678",
            "0044 20 8123 4567",
            "011 52 55 1234 5678",
            "00 33 1 42 68 53 00",
            "0049 30 12345678",
        ] {
            assert_finds(PhoneNumber, &format!("Number: {v}."), v);
        }
        // a prefix with an unknown country code needs a phone word
        assert_none(PhoneNumber, "batch 00 999 1234 5678 ok");
        assert_finds(PhoneNumber, "call 00 999 1234 5678", "00 999 1234 5678");
        // dates and ids starting with zeros are not dialled abroad
        assert_none(PhoneNumber, "lot 000 1234 5678 9");
    }

    #[test]
    fn an_invalid_number_after_an_office_word() {
        assert_finds(PhoneNumber, "office: (123) 432-2368", "(123) 432-2368");
        assert_finds(PhoneNumber, "not answering at 123-432-2368", "123-432-2368");
    }

    #[test]
    fn north_american_formats() {
        for v in [
            "(415) 867-2301",
            "415-867-2301",
            "415.867.2301",
            "415 867 2301",
            "+1 415 867 2301",
            "+1-415-867-2301",
            "1-800-273-8255",
            "+14158672301",
            "(415)867-2301",
        ] {
            assert_finds(PhoneNumber, &format!("Reach the desk on {v}."), v);
        }
    }

    #[test]
    fn international_e164_and_national() {
        for v in [
            "+44 20 7946 1958",
            "+447911123456",
            "020 7946 1958",
            "07911 123456",
            "+44 (0)20 7946 1958",
            "01 42 68 53 00",
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "030 12345678",
            "0151 23456789",
            "+49 89 1234567",
            "+49 170 1234567",
            "612 34 56 78",
            "+34 912 345 678",
            "02 1234 5678",
            "347 123 4567",
            "+39 06 6982 1234",
            "020 123 4567",
            "06 12345678",
            "+31 6 12345678",
            "+91 98765 43210",
            "98765 43210",
            "011 2345 6789",
            "(02) 9876 5432",
            "0412 345 678",
            "+61 412 345 678",
            "(11) 91234-5678",
            "+55 21 2345-6789",
            "+52 55 1234 5678",
            "55 1234 5678",
            "03-1234-5678",
            "090-1234-5678",
            "+81 3-1234-5678",
            "+81 90-1234-5678",
            "07.50.17.95.42",
            "069/39328887",
        ] {
            assert_finds(PhoneNumber, &format!("Numéro: {v} (bureau)"), v);
        }
    }

    #[test]
    fn invalid_for_the_country_is_rejected_without_context() {
        // UK NSN too short, Spanish number starting 5, French 8-digit, Australian 5xx.
        for v in [
            "+44 20 7946 095",
            "+34 512 345 678",
            "+33 6 12 34 56",
            "+61 512 345 678",
        ] {
            assert_none(PhoneNumber, &format!("value {v} here"));
        }
    }

    #[test]
    fn context_lifts_weak_numbers() {
        assert_finds(PhoneNumber, "call me at 555-2143 tonight", "555-2143");
        assert_finds(PhoneNumber, "call me at (212) 555-2143", "(212) 555-2143");
        assert_none(PhoneNumber, "the sample (212) 555-2143 from the film");
        assert_finds(PhoneNumber, "my mobile: 4158672301", "4158672301");
        assert_none(PhoneNumber, "order 4158672301 shipped");
        assert_finds(PhoneNumber, "phone +44 20 7946 095", "+44 20 7946 095");
        // "my number": a person's number, with no noun before "number"
        assert_finds(
            PhoneNumber,
            "my number changed, new one is 7644104194",
            "7644104194",
        );
        assert_finds(PhoneNumber, "her number's 6174104194, ask", "6174104194");
        assert_none(PhoneNumber, "my account number is 7644104194");
        assert_none(PhoneNumber, "my number. Then 7644104194 units");
        assert_none(PhoneNumber, "my order number is 6174104194");
    }

    #[test]
    fn not_dates_times_versions_prices_ids() {
        for t in [
            "released 2024-01-15 at 10:30:45",
            "on 15.01.2024 and 05.01.2024",
            "version 10.15.7 and 1.2.3.4",
            "costs $1,234.56 or €4,567.89",
            "Order #123-456-7890 shipped",
            "order number 415-867-2301",
            "id 550e8400-e29b-41d4-a716-446655440000",
            "ISBN 978-3-16-148410-0",
            "tracking 1Z999AA10123456784",
            "zip 94105-1234",
            "invoice INV-2024-00123",
            "took 1234567 ms",
            "epoch 1700000000123",
            "rooms 12 14 16 18 20",
            "Case 00732118 | Channel: phone",
            "\"ts\":1715887914.568,\"caller\":\"x\"",
            "EMP-0042, 048-32-8795, routing",
            "billboard reading (310) 555-0172 in the background",
            "\"account\":\"55779911\"},\"mobile\":",
            "Royal Mail JD 0441 7229 0GB",
            "E0612 08:14:02.441172    2291 reflector.go:147]",
            "Su pedido es el 81-8044-1722.",
        ] {
            assert_none(PhoneNumber, t);
        }
    }

    #[test]
    fn adjacent_numbers_split() {
        let got = crate::recognizers::test_support::found(PhoneNumber, "415-867-2301 212-349-8876");
        assert_eq!(got, vec!["415-867-2301", "212-349-8876"]);
        let got = crate::recognizers::test_support::found(
            PhoneNumber,
            "office ((704) 675-4972, fax 571-732-2430)",
        );
        assert_eq!(got, vec!["(704) 675-4972", "571-732-2430"]);
    }
}

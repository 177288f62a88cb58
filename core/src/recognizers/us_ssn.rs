//! US_SSN and US_ITIN: nine digits written 3-2-4. One recognizer reports both (they share a
//! shape, so one search serves both); the engine keeps the kinds that are enabled.
//!
//! SSN validity follows the SSA: area 000, 666 and 900-999 are never issued, group 00 and
//! serial 0000 neither, and a few numbers published in advertising are void. Mixed delimiters
//! ("123-45 6789") are not how anyone writes one. ITINs live in area 9xx with groups 50-65,
//! 70-88, 90-92, 94-99.
//!
//! Scores (both kinds): dashed and valid 0.65; space-separated 0.4; bare nine digits 0.1;
//! invalid or mixed delimiters 0.1 (SSN only; an invalid ITIN is not reported). Context ("SSN",
//! "social security"; "ITIN", "taxpayer") adds 0.4, so an SSN-shaped value after "SSN" is
//! masked even when the SSA never issued its area.

use regex::Regex;

use super::{regex, stands_alone};
use crate::detect::{Candidate, Haystack, Recognizer};
use veil_kinds::kind::Entity;

pub const SSN_CONTEXT: &[&str] = &["ssn", "ssns", "social", "security", "ss"];
pub const ITIN_CONTEXT: &[&str] = &["itin", "taxpayer", "tax", "tin", "individual"];

pub struct SsnItin {
    re: Regex,
}

impl SsnItin {
    pub fn new() -> Self {
        SsnItin {
            re: regex(r"(?-u:\b)\d{3}[ -]?\d{2}[ -]?\d{4}(?-u:\b)"),
        }
    }
}

/// The three digit groups and the separator shape (None when mixed) of a 3-2-4 match.
fn parts(v: &str) -> (&str, &str, &str, Option<&'static str>) {
    let b = v.as_bytes();
    let sep1 = if b[3].is_ascii_digit() { "" } else { &v[3..4] };
    let g = 3 + sep1.len();
    let sep2 = if b[g + 2].is_ascii_digit() {
        ""
    } else {
        &v[g + 2..g + 3]
    };
    let s = g + 2 + sep2.len();
    let delim = match (sep1, sep2) {
        ("-", "-") => Some("-"),
        (" ", " ") => Some(" "),
        ("", "") => Some(""),
        _ => None,
    };
    (&v[..3], &v[g..g + 2], &v[s..], delim)
}

fn shape_score(delim: Option<&str>) -> f32 {
    match delim {
        Some("-") => 0.65,
        Some(" ") => 0.4,
        _ => 0.1,
    }
}

fn ssa_valid(area: &str, group: &str, serial: &str) -> bool {
    const VOID: &[&str] = &["078051120", "219099999", "123456789"];
    let all = format!("{area}{group}{serial}");
    let area_n: u32 = area.parse().unwrap_or(0);
    area_n != 0
        && area_n != 666
        && area_n < 900
        && group != "00"
        && serial != "0000"
        && !VOID.contains(&all.as_str())
        && !all.bytes().all(|b| b == all.as_bytes()[0])
}

fn itin_valid(area: &str, group: &str) -> bool {
    let g: u32 = group.parse().unwrap_or(0);
    area.starts_with('9') && matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

impl Recognizer for SsnItin {
    fn name(&self) -> &str {
        "us_ssn_itin"
    }

    fn entities(&self) -> Vec<Entity> {
        vec![Entity::UsSsn, Entity::UsItin]
    }

    fn region_patterns(&self) -> Vec<&str> {
        vec![self.re.as_str()]
    }

    fn find(&self, hay: &Haystack<'_>, out: &mut Vec<Candidate>) {
        for r in hay.region_finds(&self.re) {
            if !stands_alone(hay.text(), r.start, r.end) {
                continue;
            }
            let (area, group, serial, delim) = parts(&hay.text()[r.clone()]);
            let ssn = delim.is_some() && ssa_valid(area, group, serial);
            let score = if ssn { shape_score(delim) } else { 0.1 };
            out.push(Candidate::new(r.start, r.end, Entity::UsSsn, score, ssn));
            if itin_valid(area, group) {
                out.push(Candidate::new(
                    r.start,
                    r.end,
                    Entity::UsItin,
                    shape_score(delim),
                    delim.is_some(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::recognizers::test_support::{assert_finds, assert_none};
    use veil_kinds::kind::Entity::{UsItin, UsSsn};

    #[test]
    fn valid_ssns() {
        assert_finds(UsSsn, "my number is 536-90-4399 thanks", "536-90-4399");
        assert_finds(UsSsn, "SSN 536 90 4399", "536 90 4399");
        assert_finds(UsSsn, "ssn: 536904399", "536904399");
    }

    #[test]
    fn ssa_rules_without_context_reject() {
        for v in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "536-00-4399",
            "536-90-0000",
            "536-90 4399",
        ] {
            assert_none(UsSsn, &format!("value {v} here"));
        }
        assert_none(UsSsn, "bare 536904399 in a log");
    }

    #[test]
    fn context_keeps_recall_for_invalid_shapes() {
        assert_finds(UsSsn, "SSN: 666-12-3456", "666-12-3456");
        assert_finds(UsSsn, "social security number 000-12-3456", "000-12-3456");
        assert_finds(UsSsn, "SSN 536-90 4399", "536-90 4399");
    }

    #[test]
    fn itins() {
        assert_finds(UsItin, "ITIN 912-70-1234 on file", "912-70-1234");
        assert_finds(UsItin, "filed with 950-91-5555", "950-91-5555");
        assert_none(UsItin, "value 912-93-1234 here");
        assert_none(UsItin, "value 812-70-1234 here");
    }
}

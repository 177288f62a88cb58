//! Merging the tiers: a validated tier-1 match wins against the classifier.
//!
//! A checksum-validated card number or a well-formed email is certain; the classifier's
//! LOCATION that runs over the phone number in a signature is a guess about its edges. So
//! before the usual overlap rules (`overlap.rs`, where the longer match would win), a tier-2
//! span is cut back to its longest piece outside every validated tier-1 match, trimmed to
//! letters and digits at both ends, and dropped if no letter is left.

use super::detection::Contender;

pub(crate) fn yield_to_validated(found: &mut Vec<Contender>, text: &str) {
    let mut validated: Vec<(usize, usize)> = found
        .iter()
        .filter(|c| c.validated && c.detection.entity.is_tier1())
        .map(|c| (c.detection.start, c.detection.end))
        .collect();
    if validated.is_empty() {
        return;
    }
    validated.sort_unstable();
    found.retain_mut(|Contender { detection: d, .. }| {
        if d.entity.is_tier1() {
            return true;
        }
        match longest_piece_outside(d.start, d.end, &validated, text) {
            Some((start, end)) => {
                d.start = start;
                d.end = end;
                true
            }
            None => false,
        }
    });
}

/// The longest part of `start..end` outside `taken`, trimmed to alphanumerics at its edges;
/// `None` when that part has no letter.
fn longest_piece_outside(
    start: usize,
    end: usize,
    taken: &[(usize, usize)],
    text: &str,
) -> Option<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut at = start;
    for &(s, e) in taken.iter().filter(|&&(s, e)| s < end && e > start) {
        if s > at {
            pieces.push((at, s));
        }
        at = at.max(e);
    }
    if at < end {
        pieces.push((at, end));
    }
    let (s, e) = pieces
        .into_iter()
        .max_by_key(|&(s, e)| (e - s, usize::MAX - s))?;
    let piece = &text[s..e];
    let trimmed = piece.trim_start_matches(|c: char| !c.is_alphanumeric());
    let s = s + (piece.len() - trimmed.len());
    let trimmed = trimmed.trim_end_matches(|c: char| !c.is_alphanumeric());
    let e = s + trimmed.len();
    trimmed.chars().any(char::is_alphabetic).then_some((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detection;
    use veil_kinds::kind::Entity;

    fn d(start: usize, end: usize, entity: Entity, validated: bool) -> Contender {
        Contender {
            detection: Detection {
                start,
                end,
                entity,
                score: 0.8,
            },
            validated,
            needs_context: false,
        }
    }

    #[test]
    fn tier2_is_cut_back_around_validated_matches() {
        let text = "Acme Ltd, 12 High St, tel +44 20 7946 0958";
        let phone = text.find("+44").unwrap();
        let mut found = vec![
            d(10, text.len(), Entity::Location, false),
            d(phone, text.len(), Entity::PhoneNumber, true),
        ];
        yield_to_validated(&mut found, text);
        assert_eq!(
            &text[found[0].detection.start..found[0].detection.end],
            "12 High St, tel"
        );
        assert_eq!(found[1].detection.entity, Entity::PhoneNumber);
    }

    #[test]
    fn tier2_without_a_letter_left_is_dropped_and_unvalidated_tier1_does_not_cut() {
        let text = "card 4111 1111 1111 1111";
        let mut found = vec![
            d(5, text.len(), Entity::Organization, false),
            d(5, text.len(), Entity::CreditCard, true),
        ];
        yield_to_validated(&mut found, text);
        assert_eq!(found.len(), 1);
        let mut found = vec![
            d(0, text.len(), Entity::Organization, false),
            d(5, text.len(), Entity::CreditCard, false),
        ];
        yield_to_validated(&mut found, text);
        assert_eq!(found[0].detection.end, text.len());
    }
}

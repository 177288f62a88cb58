//! Tier-1 recognizers: one file per entity kind, each a pattern plus its validator and scores.
//!
//! "Where is a phone number recognised?" → `phone.rs`. Every recognizer documents its scores:
//! the standalone score (must reach the threshold, 0.5 by default, to be reported with no
//! context word) and, through `Candidate`, the score with a context word near.

pub mod custom;
pub mod deny_list;
pub mod labelled;

mod aba;
mod address;
mod credit_card;
mod crypto;
mod date;
mod email;
mod iban;
mod india;
mod ip;
mod mac;
mod password;
mod phone;
mod secret;
mod spoken;
mod uk;
mod url;
mod us_ein;
mod us_passport;
mod us_ssn;

use crate::detect::Recognizer;
use veil_kinds::kind::Entity;

/// A kind's built-in context words.
type ContextList = &'static [&'static str];

/// Builds one recognizer.
pub type Make = fn() -> Box<dyn Recognizer>;

/// The recognizers for a built-in tier-1 kind, by name and how to build each, with the kind's
/// built-in context words. A recognizer may serve several kinds (SSN and ITIN share one, six
/// kinds share the labelled-identifier one); the engine builds each once, by name.
pub fn builtin(entity: &Entity) -> Option<(Vec<(&'static str, Make)>, ContextList)> {
    let (r, words): ((&'static str, Make), ContextList) = match entity {
        Entity::EmailAddress => (("email", || boxed(email::Email::new())), email::CONTEXT),
        Entity::PhoneNumber => (("phone", || boxed(phone::Phone::new())), phone::CONTEXT),
        Entity::CreditCard => (
            ("credit_card", || boxed(credit_card::CreditCard::new())),
            credit_card::CONTEXT,
        ),
        Entity::UsSsn => (
            ("us_ssn_itin", || boxed(us_ssn::SsnItin::new())),
            us_ssn::SSN_CONTEXT,
        ),
        Entity::UsItin => (
            ("us_ssn_itin", || boxed(us_ssn::SsnItin::new())),
            us_ssn::ITIN_CONTEXT,
        ),
        Entity::AbaRoutingNumber => (
            ("aba_routing", || boxed(aba::AbaRouting::new())),
            aba::CONTEXT,
        ),
        Entity::IbanCode => (("iban", || boxed(iban::Iban::new())), iban::CONTEXT),
        Entity::IpAddress => (("ip_address", || boxed(ip::IpAddress::new())), ip::CONTEXT),
        Entity::MacAddress => (
            ("mac_address", || boxed(mac::MacAddress::new())),
            mac::CONTEXT,
        ),
        Entity::Url => (("url", || boxed(url::Url::new())), url::CONTEXT),
        Entity::Crypto => (
            ("crypto", || boxed(crypto::CryptoWallet::new())),
            crypto::CONTEXT,
        ),
        Entity::UsPassport => (
            ("us_passport", || boxed(us_passport::UsPassport::new())),
            us_passport::CONTEXT,
        ),
        Entity::UkNhs => (("uk_nhs", || boxed(uk::Nhs::new())), uk::NHS_CONTEXT),
        Entity::UkNino => (("uk_nino", || boxed(uk::Nino::new())), uk::NINO_CONTEXT),
        Entity::DateTime => (("date_time", || boxed(date::Date::new())), date::CONTEXT),
        Entity::Secret => (("secret", || boxed(secret::Secret::new())), secret::CONTEXT),
        Entity::StreetAddress => (
            ("street_address", || boxed(address::StreetAddress::new())),
            &[],
        ),
        Entity::UsEin => (("us_ein", || boxed(us_ein::UsEin::new())), us_ein::CONTEXT),
        Entity::InPan => (("in_pan", || boxed(india::Pan::new())), india::PAN_CONTEXT),
        Entity::InAadhaar => (
            ("in_aadhaar", || boxed(india::Aadhaar::new())),
            india::AADHAAR_CONTEXT,
        ),
        Entity::MedicalRecordNumber
        | Entity::HealthPlanId
        | Entity::AccountNumber
        | Entity::UsDriverLicense
        | Entity::Passport
        | Entity::PersonalId => (
            ("labelled", || {
                boxed(
                    labelled::Labelled::new(&Default::default())
                        .expect("the built-in vocabulary is valid"),
                )
            }),
            &[],
        ),
        Entity::Person | Entity::Location | Entity::Organization | Entity::Custom(_) => {
            return None
        }
    };
    let mut all = vec![r];
    // Phones and e-mails spoken as words ("four one five ...", "jane dot doe at ...").
    if matches!(entity, Entity::PhoneNumber | Entity::EmailAddress) {
        all.push(("spoken", || boxed(spoken::Spoken::new())));
    }
    Some((all, words))
}

fn boxed<R: Recognizer + 'static>(r: R) -> Box<dyn Recognizer> {
    Box::new(r)
}

/// Compile a built-in pattern. Built-in patterns are constants covered by tests, so a failure
/// here is a programming error caught by the first test run, never a runtime condition.
pub(crate) fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("built-in pattern compiles")
}

/// Chars that, directly before or after a numeric value, mean it is part of something larger
/// (an identifier, a path, a decimal, a price, a version), not a value of its own.
fn glues_to_number(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '/' | '#' | '$' | '€' | '£' | '¥' | '@' | '\\' | '%'
        )
}

/// Whether `text[start..end]` stands on its own: not glued to letters, digits or
/// identifier-like punctuation on either side. A `-` or `.` counts as glue only when it joins
/// to another alphanumeric (so "call 415-867-2301." ends cleanly, "v1.2.3.4" and GUID parts
/// do not).
pub(crate) fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    clean_before(text, start) && clean_after(text, end)
}

/// Nothing glued on the left of `start`.
pub(crate) fn clean_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        None => true,
        Some(c) if glues_to_number(c) => false,
        Some('-' | '.' | '+') => !before.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        // "08:14:02.44": a colon after a digit joins times and ratios.
        Some(':') => !before.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Nothing glued on the right of `end`.
pub(crate) fn clean_after(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some(c) if glues_to_number(c) => false,
        Some('-' | '.' | ':') => !after.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use veil_kinds::kind::BUILTIN;

    #[test]
    fn each_recognizer_is_named_as_it_names_itself() {
        for entity in BUILTIN {
            for (name, make) in super::builtin(entity).map(|b| b.0).unwrap_or_default() {
                assert_eq!(make().name(), name, "{entity}");
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::config::DetectionConfig;
    use crate::detect::Engine;
    use veil_kinds::kind::Entity;

    /// Spans the full engine (default config plus `entity` enabled) reports for `entity`.
    pub fn found(entity: Entity, text: &str) -> Vec<String> {
        let mut cfg = DetectionConfig::default();
        let mut list: Vec<String> = veil_kinds::kind::defaults(false)
            .map(|e| e.as_str().to_string())
            .collect();
        if !list.contains(&entity.as_str().to_string()) {
            list.push(entity.as_str().to_string());
        }
        cfg.entities = Some(list);
        Engine::new(&cfg)
            .unwrap()
            .detect(text)
            .into_iter()
            .filter(|d| d.entity == entity)
            .map(|d| text[d.start..d.end].to_string())
            .collect()
    }

    /// Assert the engine reports exactly `value` as `entity` inside `text`.
    #[track_caller]
    pub fn assert_finds(entity: Entity, text: &str, value: &str) {
        let got = found(entity.clone(), text);
        assert_eq!(got, vec![value.to_string()], "{entity} in {text:?}");
    }

    /// Assert the engine reports nothing as `entity` in `text`.
    #[track_caller]
    pub fn assert_none(entity: Entity, text: &str) {
        let got = found(entity.clone(), text);
        assert!(
            got.is_empty(),
            "{entity} should not fire in {text:?}, got {got:?}"
        );
    }
}

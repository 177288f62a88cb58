//! The kinds of personal data Veil knows: one table, and everything else derived from it.
//!
//! A built-in kind is a variant of `Entity` (a typo is a compile error) with one row in
//! `kinds!` below: its label (Presidio's name where Presidio has the kind, so users recognise
//! it), the name Presidio gives it, which tier finds it, whether it is on by default, the
//! form of its token, and the label its typed tokens carry. The default entity list, the
//! token grammar's dispatch, the filter's per-kind counters, and the checks on the vault's
//! OpenAPI document, the example configuration and the docs' tables all read this table.
//! Teams add their own kinds through configuration (`Entity::Custom`).

use std::fmt;
use std::sync::Arc;

/// Which detector reports a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Patterns, validators and context words (`veil-core`'s recognizers).
    Patterns,
    /// The tier-2 classifier (`veil-classifier`); on only when it is enabled.
    Classifier,
}

/// The shape of the token a kind's values get (`crate::token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenForm {
    /// Same grouping, Luhn-valid, issuer prefix `00`.
    Card,
    /// `9AA-GG-SSSS`, a group no SSN or ITIN uses.
    Ssn,
    /// `99X00XXXX`, no Federal Reserve district.
    Aba,
    /// Same country and layout, bank code `0000`/`XXXX`, valid mod-97.
    Iban,
    /// `email-…@example.com`.
    Email,
    /// Documentation ranges (RFC 5737, RFC 3849).
    Ip,
    /// Fiction and drama ranges, or the `+999` marker.
    Phone,
    /// A readable typed token, `Person_7QF2`.
    Typed,
}

/// What Veil knows about one built-in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The label in configuration, CLI output, counters and the vault's API.
    pub label: &'static str,
    /// Presidio's name for the kind, where Presidio has one.
    pub presidio: Option<&'static str>,
    pub tier: Tier,
    /// Detected when the configuration lists no `entities` (tier-2 kinds: when the
    /// classifier is enabled).
    pub default_on: bool,
    pub token: TokenForm,
    /// The label a typed token of this kind starts with (`Person_7QF2`); every kind has one,
    /// as the fallback when its own form cannot hold a value.
    pub typed_label: &'static str,
}

macro_rules! kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $label:literal, presidio $presidio:expr, $tier:ident,
            default $on:literal, token $form:ident, typed $typed:literal;
    )*) => {
        /// A kind of sensitive value a detector can report. Variants are declared in the
        /// table's order, which is also the tie-break order in overlap resolution.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Entity {
            $($(#[$doc])* $variant,)*
            /// A team-defined kind from configuration (custom regex entities and deny-lists).
            Custom(Arc<str>),
        }

        /// Every built-in kind, in the table's order.
        pub const BUILTIN: &[Entity] = &[$(Entity::$variant),*];

        impl Entity {
            /// The table's row for a built-in kind; `None` for custom kinds.
            pub fn kind(&self) -> Option<&'static Kind> {
                match self {
                    $(Entity::$variant => Some(&Kind {
                        label: $label,
                        presidio: $presidio,
                        tier: Tier::$tier,
                        default_on: $on,
                        token: TokenForm::$form,
                        typed_label: $typed,
                    }),)*
                    Entity::Custom(_) => None,
                }
            }
        }
    };
}

kinds! {
    /// API keys, tokens, private keys, credentialed URLs.
    Secret = "SECRET", presidio None, Patterns, default true, token Typed, typed "Secret";
    CreditCard = "CREDIT_CARD", presidio Some("CREDIT_CARD"), Patterns, default true, token Card, typed "Card";
    IbanCode = "IBAN_CODE", presidio Some("IBAN_CODE"), Patterns, default true, token Iban, typed "Iban";
    UsSsn = "US_SSN", presidio Some("US_SSN"), Patterns, default true, token Ssn, typed "Ssn";
    UsItin = "US_ITIN", presidio Some("US_ITIN"), Patterns, default true, token Ssn, typed "Itin";
    UkNhs = "UK_NHS", presidio Some("UK_NHS"), Patterns, default true, token Typed, typed "Nhs";
    UkNino = "UK_NINO", presidio Some("UK_NINO"), Patterns, default true, token Typed, typed "Nino";
    AbaRoutingNumber = "ABA_ROUTING_NUMBER", presidio Some("ABA_ROUTING_NUMBER"), Patterns, default true, token Aba, typed "Aba";
    UsPassport = "US_PASSPORT", presidio Some("US_PASSPORT"), Patterns, default true, token Typed, typed "Passport";
    /// Cryptocurrency wallet addresses.
    Crypto = "CRYPTO", presidio Some("CRYPTO"), Patterns, default true, token Typed, typed "Wallet";
    EmailAddress = "EMAIL_ADDRESS", presidio Some("EMAIL_ADDRESS"), Patterns, default true, token Email, typed "Email";
    PhoneNumber = "PHONE_NUMBER", presidio Some("PHONE_NUMBER"), Patterns, default true, token Phone, typed "Phone";
    IpAddress = "IP_ADDRESS", presidio Some("IP_ADDRESS"), Patterns, default true, token Ip, typed "Ip";
    MacAddress = "MAC_ADDRESS", presidio Some("MAC_ADDRESS"), Patterns, default true, token Typed, typed "Mac";
    DateTime = "DATE_TIME", presidio Some("DATE_TIME"), Patterns, default true, token Typed, typed "Date";
    /// Off by default: masking every link costs models more context than it protects (URLs
    /// with credentials are SECRET).
    Url = "URL", presidio Some("URL"), Patterns, default false, token Typed, typed "Url";
    /// US Employer Identification Numbers (`12-3456789`).
    UsEin = "US_EIN", presidio None, Patterns, default true, token Typed, typed "Ein";
    /// India's Permanent Account Number (`ABCPE1234F`).
    InPan = "IN_PAN", presidio Some("IN_PAN"), Patterns, default true, token Typed, typed "Pan";
    /// India's Aadhaar number: twelve digits, Verhoeff.
    InAadhaar = "IN_AADHAAR", presidio Some("IN_AADHAAR"), Patterns, default true, token Typed, typed "Aadhaar";
    /// The kinds below are identifiers only a label makes personal ("MRN: 00-4471-2").
    MedicalRecordNumber = "MEDICAL_RECORD_NUMBER", presidio None, Patterns, default true, token Typed, typed "Mrn";
    HealthPlanId = "HEALTH_PLAN_ID", presidio None, Patterns, default true, token Typed, typed "HealthPlan";
    AccountNumber = "ACCOUNT_NUMBER", presidio None, Patterns, default true, token Typed, typed "Account";
    UsDriverLicense = "US_DRIVER_LICENSE", presidio Some("US_DRIVER_LICENSE"), Patterns, default true, token Typed, typed "License";
    /// Passports of any country, after a passport label (US_PASSPORT's shapes stay US_PASSPORT).
    Passport = "PASSPORT", presidio None, Patterns, default true, token Typed, typed "IntlPassport";
    /// Any other identifier after a label of the labelled-identifier vocabulary.
    PersonalId = "PERSONAL_ID", presidio None, Patterns, default true, token Typed, typed "Id";
    /// A street address as one span, house number to postcode.
    StreetAddress = "STREET_ADDRESS", presidio None, Patterns, default true, token Typed, typed "Address";
    Person = "PERSON", presidio Some("PERSON"), Classifier, default true, token Typed, typed "Person";
    Location = "LOCATION", presidio Some("LOCATION"), Classifier, default true, token Typed, typed "Location";
    Organization = "ORGANIZATION", presidio Some("ORGANIZATION"), Classifier, default true, token Typed, typed "Org";
}

impl Entity {
    /// The label used in configuration, CLI output, metrics and tokens.
    pub fn as_str(&self) -> &str {
        match self {
            Entity::Custom(name) => name,
            builtin => builtin.kind().expect("a built-in kind").label,
        }
    }

    /// The built-in kind with this label, if any.
    pub fn builtin(label: &str) -> Option<Entity> {
        BUILTIN.iter().find(|e| e.as_str() == label).cloned()
    }

    /// Whether tier 1 (patterns and validators) detects this kind; custom kinds are tier 1.
    pub fn is_tier1(&self) -> bool {
        self.kind().is_none_or(|k| k.tier == Tier::Patterns)
    }

    /// Rank used to break ties between equally long, equally scored overlapping matches:
    /// lower wins. Custom kinds come after built-ins.
    pub fn rank(&self) -> usize {
        BUILTIN
            .iter()
            .position(|e| e == self)
            .unwrap_or(BUILTIN.len())
    }

    /// The form of this kind's tokens (custom kinds: typed).
    pub fn token_form(&self) -> TokenForm {
        self.kind().map_or(TokenForm::Typed, |k| k.token)
    }
}

/// The kinds detected when a configuration lists no `entities`: those on by default, of the
/// classifier too when it runs.
pub fn defaults(classifier: bool) -> impl Iterator<Item = &'static Entity> {
    BUILTIN.iter().filter(move |e| {
        let k = e.kind().expect("built-in");
        k.default_on && (classifier || k.tier == Tier::Patterns)
    })
}

/// The kinds a tier reports.
pub fn of_tier(tier: Tier) -> impl Iterator<Item = &'static Entity> {
    BUILTIN
        .iter()
        .filter(move |e| e.kind().expect("built-in").tier == tier)
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A label is valid for a custom kind when it looks like the built-in ones: `UPPER_SNAKE`.
pub fn is_valid_custom_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 64
        && label.starts_with(|c: char| c.is_ascii_uppercase())
        && label
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The name of a per-kind counter: `{prefix}_{LABEL}`, custom kinds folded into `CUSTOM` so a
/// configuration cannot grow the set of counters without bound.
pub fn counter_name(prefix: &str, entity: &Entity) -> String {
    match entity {
        Entity::Custom(_) => format!("{prefix}_CUSTOM"),
        e => format!("{prefix}_{}", e.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_are_distinct() {
        for e in BUILTIN {
            assert_eq!(Entity::builtin(e.as_str()).as_ref(), Some(e));
            assert!(is_valid_custom_label(e.as_str()), "{e} is UPPER_SNAKE");
        }
        assert_eq!(Entity::builtin("NOPE"), None);
        let mut typed: Vec<_> = BUILTIN
            .iter()
            .map(|e| e.kind().unwrap().typed_label)
            .collect();
        typed.sort();
        typed.dedup();
        assert_eq!(typed.len(), BUILTIN.len(), "typed labels are distinct");
    }

    #[test]
    fn rank_follows_the_table() {
        for (i, e) in BUILTIN.iter().enumerate() {
            assert_eq!(e.rank(), i);
        }
        assert_eq!(Entity::Custom("X".into()).rank(), BUILTIN.len());
    }

    #[test]
    fn defaults_are_every_kind_but_url() {
        let on: Vec<&str> = defaults(false).map(Entity::as_str).collect();
        assert_eq!(on.len(), 25);
        assert!(!on.contains(&"URL") && !on.contains(&"PERSON"));
        let with_tier2: Vec<&str> = defaults(true).map(Entity::as_str).collect();
        assert_eq!(with_tier2.len(), 28);
        assert_eq!(of_tier(Tier::Classifier).count(), 3);
    }

    #[test]
    fn custom_labels_are_upper_snake() {
        assert!(is_valid_custom_label("EMPLOYEE_ID"));
        assert!(!is_valid_custom_label("employee_id"));
        assert!(!is_valid_custom_label("_X"));
        assert!(!is_valid_custom_label(""));
    }

    #[test]
    fn counters_carry_kinds_only() {
        assert_eq!(
            counter_name("veil_entities_masked", &Entity::EmailAddress),
            "veil_entities_masked_EMAIL_ADDRESS"
        );
        assert_eq!(
            counter_name("veil_x", &Entity::Custom("EMPLOYEE_ID".into())),
            "veil_x_CUSTOM"
        );
    }
}

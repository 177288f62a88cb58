//! The kinds of personal data Veil knows, named as Presidio names them so users recognise them.
//!
//! Built-in kinds are an enum so a typo is a compile error; teams add their own kinds through
//! configuration (`Entity::Custom`), which is why labels are compared as strings at the edges.

use std::fmt;
use std::sync::Arc;

/// A kind of sensitive value a detector can report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    EmailAddress,
    PhoneNumber,
    CreditCard,
    UsSsn,
    UsItin,
    AbaRoutingNumber,
    IbanCode,
    IpAddress,
    MacAddress,
    Url,
    Crypto,
    UsPassport,
    UkNhs,
    UkNino,
    DateTime,
    Secret,
    /// Tier 2 (the classifier) reports these; tier 1 never does.
    Person,
    Location,
    Organization,
    /// A team-defined kind from configuration (custom regex entities and deny-lists).
    Custom(Arc<str>),
}

/// Every built-in kind, in a fixed order (also the tie-break order in overlap resolution).
pub const BUILTIN: [Entity; 19] = [
    Entity::Secret,
    Entity::CreditCard,
    Entity::IbanCode,
    Entity::UsSsn,
    Entity::UsItin,
    Entity::UkNhs,
    Entity::UkNino,
    Entity::AbaRoutingNumber,
    Entity::UsPassport,
    Entity::Crypto,
    Entity::EmailAddress,
    Entity::PhoneNumber,
    Entity::IpAddress,
    Entity::MacAddress,
    Entity::DateTime,
    Entity::Url,
    Entity::Person,
    Entity::Location,
    Entity::Organization,
];

impl Entity {
    /// The label used in configuration, CLI output, metrics and tokens.
    pub fn as_str(&self) -> &str {
        match self {
            Entity::EmailAddress => "EMAIL_ADDRESS",
            Entity::PhoneNumber => "PHONE_NUMBER",
            Entity::CreditCard => "CREDIT_CARD",
            Entity::UsSsn => "US_SSN",
            Entity::UsItin => "US_ITIN",
            Entity::AbaRoutingNumber => "ABA_ROUTING_NUMBER",
            Entity::IbanCode => "IBAN_CODE",
            Entity::IpAddress => "IP_ADDRESS",
            Entity::MacAddress => "MAC_ADDRESS",
            Entity::Url => "URL",
            Entity::Crypto => "CRYPTO",
            Entity::UsPassport => "US_PASSPORT",
            Entity::UkNhs => "UK_NHS",
            Entity::UkNino => "UK_NINO",
            Entity::DateTime => "DATE_TIME",
            Entity::Secret => "SECRET",
            Entity::Person => "PERSON",
            Entity::Location => "LOCATION",
            Entity::Organization => "ORGANIZATION",
            Entity::Custom(name) => name,
        }
    }

    /// The built-in kind with this label, if any.
    pub fn builtin(label: &str) -> Option<Entity> {
        BUILTIN.iter().find(|e| e.as_str() == label).cloned()
    }

    /// Whether tier 1 (patterns and validators) detects this kind.
    pub fn is_tier1(&self) -> bool {
        !matches!(
            self,
            Entity::Person | Entity::Location | Entity::Organization
        )
    }

    /// Rank used to break ties between equally long, equally scored overlapping matches:
    /// lower wins. Custom kinds come after built-ins.
    pub(crate) fn rank(&self) -> usize {
        BUILTIN
            .iter()
            .position(|e| e == self)
            .unwrap_or(BUILTIN.len())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for e in BUILTIN.iter() {
            assert_eq!(Entity::builtin(e.as_str()).as_ref(), Some(e));
        }
        assert_eq!(Entity::builtin("NOPE"), None);
    }

    #[test]
    fn custom_labels_are_upper_snake() {
        assert!(is_valid_custom_label("EMPLOYEE_ID"));
        assert!(!is_valid_custom_label("employee_id"));
        assert!(!is_valid_custom_label("_X"));
        assert!(!is_valid_custom_label(""));
    }
}

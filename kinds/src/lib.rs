//! veil-kinds: the smallest shared layer. What kinds of personal data Veil knows (one table,
//! `kind`), what a token looks like for each and how it is minted and recognised (`token`),
//! and the check digits the token formats keep valid (`checksum`). The vault depends on this
//! crate alone; the detector, the filter and the CLI build on it.

pub mod checksum;
pub mod kind;
pub mod token;

pub use kind::{Entity, Kind, Tier, TokenForm, BUILTIN};

//! One wasm VM's state: its parsed configuration and the caches every exchange on it shares.
//! Envoy gives each worker its own VM, so nothing here is shared across threads; a new plugin
//! configuration builds a new `Vm` (new caches under new keys), while exchanges in flight keep
//! the one they started with.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use crate::scan_cache::ScanCache;
use crate::settings::Settings;
use crate::token_cache::TokenCache;

pub struct Vm {
    /// The configuration, or why it is invalid (every request then fails closed with 503).
    pub settings: Result<Arc<Settings>, String>,
    pub tokens: RefCell<TokenCache>,
    pub scans: RefCell<ScanCache>,
}

impl Vm {
    /// Before `on_configure`: every request fails closed.
    pub fn unconfigured() -> Vm {
        Vm {
            settings: Err("not configured".into()),
            tokens: RefCell::new(TokenCache::new([0; 32], 0, Duration::ZERO)),
            scans: RefCell::new(ScanCache::new(None)),
        }
    }

    /// A VM for this plugin configuration. `random` fills a buffer with random bytes, or says
    /// it cannot: a cache without a random key is off (a fixed key would let entries be
    /// matched across gateways and restarts), and that is logged.
    pub fn configure(config: &[u8], mut random: impl FnMut(&mut [u8]) -> bool) -> Vm {
        let settings = Settings::parse(config);
        let mut vm = Vm {
            settings,
            ..Vm::unconfigured()
        };
        match &vm.settings {
            Ok(s) => {
                let c = &s.gateway.token_cache;
                let mut salt = [0u8; 32];
                let entries = if random(&mut salt) {
                    c.max_entries
                } else {
                    log::warn!("veil: no randomness for the token cache's key; the cache is off");
                    0
                };
                vm.tokens = RefCell::new(TokenCache::new(
                    salt,
                    entries,
                    Duration::from_secs(c.ttl_seconds),
                ));
                let mut key = [0u8; 16];
                let key = random(&mut key).then_some(key);
                if key.is_none() {
                    log::warn!("veil: no randomness for the scan cache's key; the cache is off");
                }
                vm.scans = RefCell::new(ScanCache::new(key));
                for field in s.gateway.forgeable_sources() {
                    log::warn!("veil: {field} is a header the client controls (insecure_client_may_forge): any client can claim any identity there");
                }
            }
            // Loaded anyway: every request then fails closed (503) rather than passing unmasked.
            Err(e) => {
                log::error!(
                    "veil: {e}; every request will be rejected with 503 until this is fixed"
                )
            }
        }
        vm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &[u8] =
        br#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key": "k"}}}"#;

    #[test]
    fn a_bad_configuration_is_kept_as_its_error() {
        let vm = Vm::configure(br#"{"gateway": {"bogus": 1}}"#, |_| true);
        assert!(vm.settings.err().unwrap().contains("bogus"));
        assert!(Vm::unconfigured().settings.is_err());
    }

    #[test]
    fn without_randomness_the_caches_are_off() {
        let vm = Vm::configure(CONFIG, |_| false);
        assert!(vm.settings.is_ok());
        let now = std::time::SystemTime::now();
        vm.tokens
            .borrow_mut()
            .insert(now, "acme", None, "PERSON", "Jane", "Person_1");
        assert!(
            vm.tokens.borrow().is_empty(),
            "a keyless token cache keeps nothing"
        );
        let on = Vm::configure(CONFIG, |b| {
            b.fill(7);
            true
        });
        on.tokens
            .borrow_mut()
            .insert(now, "acme", None, "PERSON", "Jane", "Person_1");
        assert_eq!(on.tokens.borrow().len(), 1);
    }
}

//! Erasure that reaches backups (crypto-shredding). A copy of the embedded store is taken
//! before a scope is erased; afterwards that copy, opened with the live key store and the
//! same master keys, still holds the scope's mappings but cannot open one of their values,
//! while another scope's values in the same copy still open. With scope keys kept beside the
//! mappings (no separate key store) the same copy would restore everything: the case the docs
//! tell operators to avoid.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use common::*;
use veil_kinds::Entity;
use veil_vault::store::embedded::EmbeddedStore;
use veil_vault::store::Store;
use veil_vault::vault::{Item, Linkage, Status, Vault};

fn items() -> Vec<Item> {
    [
        (Entity::EmailAddress, "shred-me@corp-mail.com"),
        (Entity::Person, "Shredded Roe"),
        (Entity::UsSsn, "078-05-1120"),
    ]
    .into_iter()
    .map(|(entity, value)| Item {
        entity,
        value: value.to_string(),
    })
    .collect()
}

fn open(path: &Path) -> Arc<dyn Store> {
    Arc::new(EmbeddedStore::open(path).unwrap())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Tokenizes the items in scopes "alice" and "bob", copies the mappings' store, erases
/// "alice", and returns what the copy gives back for each scope's tokens.
async fn copy_then_erase(separate_key_store: bool) -> (Vec<Rehydrated>, Vec<Rehydrated>) {
    let dir = tempfile::tempdir().unwrap();
    let (data, keys_dir, copy) = (
        dir.path().join("store"),
        dir.path().join("keys"),
        dir.path().join("backup"),
    );
    let master = master_keys(KEYS_V1);
    let vault_on = |data: &Path| {
        let store = open(data);
        let vault = Vault::new(store, master.clone());
        if separate_key_store {
            vault.with_key_store(open(&keys_dir))
        } else {
            vault
        }
    };
    let (alice, bob) = {
        let v = vault_on(&data);
        let alice = v
            .tokenize("acme", "alice", Linkage::Scope, 3600, &items())
            .await
            .unwrap();
        let bob = v
            .tokenize("acme", "bob", Linkage::Scope, 3600, &items())
            .await
            .unwrap();
        (alice, bob)
    }; // closed: the directory is consistent on disk
    copy_dir(&data, &copy);
    {
        let v = vault_on(&data);
        assert_eq!(
            v.erase_scope("acme", "alice").await.unwrap(),
            items().len() as u64
        );
        let live = v
            .rehydrate("acme", "alice", &BTreeSet::new(), &alice)
            .await
            .unwrap();
        assert!(live
            .iter()
            .all(|r| r.status == Status::Unknown && r.value.is_none()));
    }
    let restored = vault_on(&copy);
    // The copy still holds alice's mappings: only their keys are gone.
    let scope = restored.scope_hash("acme", "alice").await.unwrap();
    let rows = restored.store().get("acme", &alice, &scope).await.unwrap();
    assert!(
        rows.iter().all(Option::is_some),
        "the copy predates the erasure"
    );
    let unmask_all: BTreeSet<String> = items()
        .iter()
        .map(|i| i.entity.as_str().to_string())
        .collect();
    let from_copy = restored
        .rehydrate("acme", "alice", &unmask_all, &alice)
        .await
        .unwrap();
    let bob_from_copy = restored
        .rehydrate("acme", "bob", &BTreeSet::new(), &bob)
        .await
        .unwrap();
    (
        from_copy.into_iter().map(Rehydrated::from).collect(),
        bob_from_copy.into_iter().map(Rehydrated::from).collect(),
    )
}

/// What a rehydration gave, for comparing.
#[derive(Debug, PartialEq)]
struct Rehydrated {
    status: Status,
    value: Option<String>,
}

impl From<veil_vault::vault::Rehydrated> for Rehydrated {
    fn from(r: veil_vault::vault::Rehydrated) -> Self {
        Rehydrated {
            status: r.status,
            value: r.value,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_taken_before_erasure_cannot_open_the_erased_scope() {
    let (alice, bob) = copy_then_erase(true).await;
    assert!(
        alice
            .iter()
            .all(|r| r.status == Status::Unknown && r.value.is_none()),
        "{alice:?}"
    );
    let expected: Vec<Option<String>> = items().into_iter().map(|i| Some(i.value)).collect();
    assert_eq!(
        bob.into_iter().map(|r| r.value).collect::<Vec<_>>(),
        expected
    );
}

/// A sealed value whose scope key record is missing (the key store lost, or another one
/// configured) is an integrity error, never "unknown": nothing pretends it was erased.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_scope_key_is_an_error_not_an_erasure() {
    let dir = tempfile::tempdir().unwrap();
    let master = master_keys(KEYS_V1);
    let data = open(&dir.path().join("store"));
    let v = Vault::new(data.clone(), master.clone()).with_key_store(open(&dir.path().join("keys")));
    let tokens = v
        .tokenize("acme", "s", Linkage::Scope, 3600, &items())
        .await
        .unwrap();
    drop(v);
    let elsewhere = Vault::new(data, master).with_key_store(open(&dir.path().join("other-keys")));
    let refused = elsewhere
        .rehydrate("acme", "s", &BTreeSet::new(), &tokens)
        .await;
    assert!(matches!(
        refused,
        Err(veil_vault::vault::VaultError::Integrity(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_scope_keys_beside_the_mappings_a_copy_still_restores() {
    let (alice, _) = copy_then_erase(false).await;
    let expected: Vec<Option<String>> = items().into_iter().map(|i| Some(i.value)).collect();
    assert_eq!(
        alice.into_iter().map(|r| r.value).collect::<Vec<_>>(),
        expected
    );
}

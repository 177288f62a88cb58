//! The vault as a network service, against real `veil-vault` processes: TLS with a CA the test
//! makes, client certificates when required, roles that bound each key, and the bounds on
//! slow and greedy clients (header and body timeouts, the concurrency limit).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use common::*;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedKey, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    SanType,
};

/// A CA, a server certificate for `localhost` and 127.0.0.1, and a client certificate, all
/// written as PEM into `dir`.
struct Pki {
    ca: String,
    client_cert: String,
    client_key: String,
}

fn pki(dir: &Path) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issue = |names: Vec<String>, purpose: ExtendedKeyUsagePurpose| {
        let mut params = CertificateParams::new(names).unwrap();
        params
            .subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
        params.extended_key_usages = vec![purpose];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        CertifiedKey {
            cert,
            key_pair: key,
        }
    };
    let server = issue(
        vec!["localhost".into()],
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let client = issue(
        vec!["veil-filter".into()],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("server.pem"), server.cert.pem()).unwrap();
    std::fs::write(dir.join("server-key.pem"), server.key_pair.serialize_pem()).unwrap();
    Pki {
        ca: ca.pem(),
        client_cert: client.cert.pem(),
        client_key: client.key_pair.serialize_pem(),
    }
}

/// A production config on the embedded store with `extra` top-level fields.
fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let store = format!(
        r#"{{"embedded": {{"path": "{}"}}}}"#,
        dir.join("store").display()
    );
    write_config(dir, &store, extra)
}

fn tls_client(pki: &Pki, with_certificate: bool) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca.as_bytes()).unwrap());
    if with_certificate {
        let identity = format!("{}{}", pki.client_cert, pki.client_key);
        builder = builder.identity(reqwest::Identity::from_pem(identity.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

async fn tokenize_status(client: &reqwest::Client, url: &str, key: &str) -> Result<u16, String> {
    client
        .post(url)
        .bearer_auth(key)
        .json(&serde_json::json!({"tenant": "acme", "scope": "u1", "entities": [{"type": "PERSON", "value": "Jane Roe"}]}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("{e:?}"))
}

#[tokio::test]
async fn the_vault_serves_tls_and_can_require_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki(dir.path());
    let tls = |client_ca: bool| {
        let d = dir.path().display();
        let ca = if client_ca {
            format!(r#", "client_ca_file": "{d}/ca.pem""#)
        } else {
            String::new()
        };
        format!(
            r#""tls": {{"cert_file": "{d}/server.pem", "key_file": "{d}/server-key.pem"{ca}}},"#
        )
    };

    let vault = config_vault(&config(dir.path(), &tls(false)));
    assert!(vault.stderr.lock().unwrap().contains("(https;"));
    let https = vault.url("/v1/tokenize").replace("http://", "https://");
    assert_eq!(
        tokenize_status(&tls_client(&pki, false), &https, "acme-key").await,
        Ok(200)
    );
    // Plain HTTP to a TLS port gets no answer.
    assert!(tokenize_status(
        &reqwest::Client::new(),
        &vault.url("/v1/tokenize"),
        "acme-key"
    )
    .await
    .is_err());
    drop(vault);

    let mutual = dir.path().join("mutual");
    std::fs::create_dir_all(&mutual).unwrap();
    let vault = config_vault(&config(&mutual, &tls(true)));
    assert!(vault
        .stderr
        .lock()
        .unwrap()
        .contains("client certificates required"));
    let https = vault.url("/v1/tokenize").replace("http://", "https://");
    assert!(
        tokenize_status(&tls_client(&pki, false), &https, "acme-key")
            .await
            .is_err(),
        "no client certificate, no connection"
    );
    assert_eq!(
        tokenize_status(&tls_client(&pki, true), &https, "acme-key").await,
        Ok(200)
    );
}

#[tokio::test]
async fn a_role_bounds_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let vault = config_vault(&config(dir.path(), ""));
    let erase = r#"{"tenant": "acme", "scope": "u1"}"#;
    let (status, body, _) = post(&vault.url("/v1/erase"), Some("acme-key"), erase).await;
    assert_eq!(status, 403, "the gateway's key cannot erase: {body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("filter"));
    let (status, _, _) = post(&vault.url("/v1/erase"), Some("acme-privacy"), erase).await;
    assert_eq!(status, 200);
    let tokenize = r#"{"tenant": "acme", "entities": [{"type": "PERSON", "value": "Jane Roe"}]}"#;
    let (status, _, _) = post(&vault.url("/v1/tokenize"), Some("acme-privacy"), tokenize).await;
    assert_eq!(status, 403, "an eraser cannot tokenize");
    let audit = vault.stdout.lock().unwrap().clone();
    assert!(
        audit.contains(r#""op":"erase","outcome":"forbidden""#),
        "{audit}"
    );
}

#[test]
fn a_key_configured_for_two_tenants_stops_the_vault_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = config(dir.path(), "");
    let text = std::fs::read_to_string(&path).unwrap();
    // globex's key made the same as acme's.
    let acme = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(b"acme-key"))
    };
    let globex = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(b"globex-key"))
    };
    std::fs::write(&path, text.replace(&globex, &acme)).unwrap();
    let out = std::process::Command::new(binary())
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tenants.globex.api_keys[0].sha256")
            && err.contains("tenants.acme.api_keys[0]"),
        "{err}"
    );
}

/// Reads from `stream` until the server closes it; what it sent first.
fn read_until_closed(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn slow_headers_and_slow_bodies_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let limits =
        r#""limits": {"header_timeout_ms": 300, "body_timeout_ms": 300, "idle_timeout_ms": 600},"#;
    let vault = config_vault(&config(dir.path(), limits));

    // Headers that never finish: the connection is closed, nothing answered.
    let mut slow = TcpStream::connect(vault.addr).unwrap();
    slow.write_all(b"POST /v1/tokenize HTTP/1.1\r\nhost: v\r\n")
        .unwrap();
    let answered = read_until_closed(&mut slow);
    assert!(!answered.contains("200"), "{answered}");

    // A body that stops half way: 408.
    let mut slow = TcpStream::connect(vault.addr).unwrap();
    slow.write_all(
        b"POST /v1/tokenize HTTP/1.1\r\nhost: v\r\nauthorization: Bearer acme-key\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"tenant\"",
    )
    .unwrap();
    let answered = read_until_closed(&mut slow);
    assert!(answered.starts_with("HTTP/1.1 408"), "{answered}");
    assert!(answered.contains("request_timeout"), "{answered}");

    // An idle keep-alive connection is closed too.
    let mut idle = TcpStream::connect(vault.addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: v\r\n\r\n")
        .unwrap();
    let answered = read_until_closed(&mut idle);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
}

#[tokio::test]
async fn past_the_concurrency_bound_requests_get_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let limits = r#""limits": {"max_concurrent_requests": 1, "body_timeout_ms": 20000},"#;
    let vault = config_vault(&config(dir.path(), limits));
    // One request in flight, waiting for the rest of its body.
    let mut held = TcpStream::connect(vault.addr).unwrap();
    held.write_all(
        b"POST /v1/tokenize HTTP/1.1\r\nhost: v\r\nauthorization: Bearer acme-key\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
    )
    .unwrap();
    // Until the vault has taken it in, a second request may still get through: ask until one
    // is refused (the first holds the only slot as long as its body is incomplete).
    let client = reqwest::Client::new();
    let mut refused = None;
    for _ in 0..200 {
        let r = client
            .post(vault.url("/v1/tokenize"))
            .bearer_auth("acme-key")
            .json(&serde_json::json!({"tenant": "acme", "entities": [{"type": "PERSON", "value": "Jane Roe"}]}))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 503 {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("a request past the bound is refused");
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "overloaded");
    drop(held);
}

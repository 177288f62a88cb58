//! TLS configuration for the vault's three connections: the one it serves (optionally asking
//! clients for a certificate: mutual TLS), and those it opens to PostgreSQL (Redis builds its
//! own from the CA file, in `store/redis.rs`). rustls with the ring provider throughout;
//! certificates and keys are PEM files, read once at start. A client always verifies the
//! server's chain and host name: there is no mode that skips it.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::config::TlsConfig;

/// ring rather than aws-lc-rs: a few C and assembly files (musl-gcc builds them for the
/// static image) where aws-lc-rs needs CMake and a C library build. rustls marks it
/// deprecated because it lacks the post-quantum hybrid key exchange; X25519 and the NIST
/// curves remain.
#[allow(deprecated)]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(path: &Path, field: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{field}: cannot read {}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{field}: {} is not PEM certificates: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{field}: {} holds no certificate", path.display()));
    }
    Ok(certs)
}

/// Trust anchors from a PEM file of CA certificates.
pub fn roots(path: &Path, field: &str) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in certs(path, field)? {
        roots
            .add(cert)
            .map_err(|e| format!("{field}: not a usable CA certificate: {e}"))?;
    }
    Ok(roots)
}

/// The system's trust anchors.
pub fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().unwrap_or_default() {
        let _ = roots.add(cert);
    }
    roots
}

/// What the vault serves with: its chain and key, and with `client_ca_file` a requirement
/// that clients present a certificate that CA signed.
pub fn server_config(tls: &TlsConfig) -> Result<Arc<ServerConfig>, String> {
    let chain = certs(&tls.cert_file, "tls.cert_file")?;
    let key = PrivateKeyDer::from_pem_file(&tls.key_file).map_err(|e| {
        format!(
            "tls.key_file: cannot read a PEM private key from {}: {e}",
            tls.key_file.display()
        )
    })?;
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?;
    let builder = match &tls.client_ca_file {
        Some(ca) => {
            let roots = Arc::new(roots(ca, "tls.client_ca_file")?);
            let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider())
                .build()
                .map_err(|e| format!("tls.client_ca_file: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls: the certificate and key do not form a usable pair: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What the vault connects to a server with: verified against `roots`.
pub fn client_config(roots: RootCertStore) -> Result<ClientConfig, String> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

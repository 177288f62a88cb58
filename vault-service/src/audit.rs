//! The audit trail: one JSON line per operation, to stdout (the default) or a file. It says
//! who did what to how many values of which types, and how it ended; it never holds a value,
//! a token or a scope name (scopes appear as their keyed hash).
//!
//! The trail proves itself: each line ends with `"hash"`, the SHA-256 of the line before's
//! hash and this line's own text, so a line removed, changed or moved breaks every hash after
//! it. Each process begins with an `audit_start` line naming the last hash before it (the
//! file's last line when it appends, `null` on a fresh file or stdout), so restarts and
//! rotated files chain too. `veil-vault audit verify FILE…` (`verify`) walks the chain and
//! names the first line that does not follow. Lines cut from the end leave no trace in the
//! file itself: ship the trail (or its last hash) somewhere the vault cannot write.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Serialize)]
pub struct Event<'a> {
    pub time: String,
    pub op: &'a str,
    pub outcome: &'a str,
    pub request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'a str>,
    /// Hex of the scope's keyed hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Entity counts by type.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub entities: BTreeMap<String, u64>,
    /// For rehydration: how many answers had each status.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub statuses: BTreeMap<&'a str, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
}

impl<'a> Event<'a> {
    pub fn new(op: &'a str, outcome: &'a str, request_id: &'a str) -> Self {
        Event {
            time: now(),
            op,
            outcome,
            request_id,
            tenant: None,
            role: None,
            scope: None,
            entities: BTreeMap::new(),
            statuses: BTreeMap::new(),
            removed: None,
        }
    }
}

impl<'a> Event<'a> {
    /// The event of a caller acting on a tenant.
    pub fn by(mut self, tenant: &'a str, role: &'a str) -> Self {
        self.tenant = Some(tenant);
        self.role = Some(role);
        self
    }
}

pub struct AuditSink {
    out: Mutex<Chain>,
}

/// The sink and the hash of the last line written to it.
struct Chain {
    out: Box<dyn Write + Send>,
    last: String,
}

/// The hash a chain starts from when nothing came before it.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `body` (one JSON object's text) as a chained line, after the line whose hash is `prev`:
/// the object with `"hash"` added last, and that hash.
fn chained(prev: &str, body: &str) -> (String, String) {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    let hash = hex::encode(h.finalize());
    let open = body.strip_suffix('}').unwrap_or(body);
    let sep = if open.ends_with('{') { "" } else { "," };
    (format!("{open}{sep}\"hash\":\"{hash}\"}}"), hash)
}

#[derive(Serialize)]
struct Start<'a> {
    time: String,
    op: &'a str,
    previous: Option<&'a str>,
}

impl AuditSink {
    pub fn stdout() -> Self {
        AuditSink::start(Box::new(std::io::stdout()), None)
    }

    /// Appends to `path`, chaining from its last line.
    pub fn file(path: &Path) -> std::io::Result<Self> {
        let previous = last_hash(path)?;
        let f = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditSink::start(Box::new(f), previous))
    }

    fn start(out: Box<dyn Write + Send>, previous: Option<String>) -> Self {
        let sink = AuditSink {
            out: Mutex::new(Chain {
                out,
                last: previous.clone().unwrap_or_else(|| GENESIS.to_string()),
            }),
        };
        let start = Start {
            time: now(),
            op: "audit_start",
            previous: previous.as_deref(),
        };
        sink.write(&serde_json::to_string(&start).expect("start records serialize"));
        sink
    }

    /// Writes one line; a failing sink is logged (without the event) and never fails the request.
    pub fn record(&self, event: &Event<'_>) {
        self.write(&serde_json::to_string(event).expect("events serialize"));
    }

    fn write(&self, body: &str) {
        let mut chain = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let (line, hash) = chained(&chain.last, body);
        chain.last = hash;
        let out = &mut chain.out;
        if let Err(e) = out
            .write_all(line.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .and_then(|_| out.flush())
        {
            tracing::error!(error = %e, "audit sink write failed");
        }
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The hash of the last line of an existing trail, if it has one.
fn last_hash(path: &Path) -> std::io::Result<Option<String>> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut last = None;
    for line in std::io::BufReader::new(f).lines() {
        let line = line?;
        if !line.trim().is_empty() {
            last = Some(line);
        }
    }
    Ok(last.and_then(|l| {
        serde_json::from_str::<serde_json::Value>(&l).ok()?["hash"]
            .as_str()
            .map(str::to_string)
    }))
}

/// Where a trail stops following its chain.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub why: &'static str,
}

/// Walks the trails in `files`, in order, as one chain: every line's hash must follow from
/// the line before, and each `audit_start` line must name the hash the trail before it
/// ended with. The number of lines on success; the first line that does not follow
/// otherwise (it, or a line just before it, was removed, changed or moved).
pub fn verify(files: &[&Path]) -> Result<usize, Broken> {
    let mut last: Option<String> = None;
    let mut lines = 0;
    for path in files {
        let file = path.display().to_string();
        let broken = |line: usize, why| Broken {
            file: file.clone(),
            line,
            why,
        };
        let text = std::fs::read_to_string(path).map_err(|_| broken(0, "cannot be read"))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let n = i + 1;
            let value: serde_json::Value =
                serde_json::from_str(line).map_err(|_| broken(n, "is not a JSON line"))?;
            let hash = value["hash"]
                .as_str()
                .filter(|h| h.len() == 64)
                .ok_or_else(|| broken(n, "has no hash"))?;
            let suffix = format!("\"hash\":\"{hash}\"}}");
            let body = line
                .strip_suffix(&suffix)
                .map(|b| format!("{}}}", b.strip_suffix(',').unwrap_or(b)))
                .ok_or_else(|| broken(n, "does not end with its hash"))?;
            let prev = if value["op"] == "audit_start" {
                let named = value["previous"].as_str();
                if last.is_some() && named != last.as_deref() {
                    return Err(broken(
                        n,
                        "starts a process but does not follow the line before (lines removed, or files out of order)",
                    ));
                }
                named.unwrap_or(GENESIS).to_string()
            } else {
                last.clone()
                    .ok_or_else(|| broken(n, "comes before any audit_start line"))?
            };
            if chained(&prev, &body).1 != hash {
                return Err(broken(
                    n,
                    "does not follow the line before: it, or a line before it, was removed, changed or moved",
                ));
            }
            last = Some(hash.to_string());
            lines += 1;
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("audit.jsonl");
        for run in 0..2 {
            let sink = AuditSink::file(&path).unwrap();
            for op in ["tokenize", "rehydrate", "erase"] {
                let mut e = Event::new(op, "ok", "rid").by("acme", "filter");
                e.removed = Some(run);
                sink.record(&e);
            }
        }
        path
    }

    #[test]
    fn an_untouched_trail_verifies_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = trail(dir.path());
        assert_eq!(verify(&[&path]), Ok(8), "two start lines and six events");
        let text = std::fs::read_to_string(&path).unwrap();
        let second_start = text.lines().nth(4).unwrap();
        assert!(
            second_start.contains(r#""op":"audit_start","previous":""#),
            "{second_start}"
        );
    }

    #[test]
    fn a_line_removed_changed_or_moved_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = trail(dir.path());
        let lines: Vec<String> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let write = |ls: &[String]| {
            let p = dir.path().join("tampered.jsonl");
            std::fs::write(&p, ls.join("\n") + "\n").unwrap();
            verify(&[&p]).unwrap_err().line
        };
        let mut removed = lines.clone();
        removed.remove(2);
        assert_eq!(write(&removed), 3, "the line after the gap");
        let mut changed = lines.clone();
        changed[2] = changed[2].replace(r#""op":"rehydrate""#, r#""op":"tokenize""#);
        assert_eq!(write(&changed), 3);
        let mut moved = lines.clone();
        moved.swap(5, 6);
        assert_eq!(write(&moved), 6);
        let mut restart_removed = lines.clone();
        restart_removed.remove(3);
        assert_eq!(
            write(&restart_removed),
            4,
            "a start line that does not follow"
        );
    }

    #[test]
    fn rotated_files_chain_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.jsonl");
        let sink = AuditSink::file(&first).unwrap();
        sink.record(&Event::new("tokenize", "ok", "r1"));
        drop(sink);
        // Rotation: the next file starts from the last hash of the one before.
        let previous = last_hash(&first).unwrap();
        let second = dir.path().join("b.jsonl");
        let f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&second)
            .unwrap();
        let sink = AuditSink::start(Box::new(f), previous);
        sink.record(&Event::new("rehydrate", "ok", "r2"));
        drop(sink);
        assert_eq!(verify(&[&first, &second]), Ok(4));
        assert_eq!(verify(&[&second, &first]).unwrap_err().line, 1);
    }
}

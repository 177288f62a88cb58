//! The audit trail: one JSON line per operation, to stdout (the default) or a file. It says
//! who did what to how many values of which types, and how it ended; it never holds a value,
//! a token or a scope name (scopes appear as their keyed hash).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
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
            time: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
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
    out: Mutex<Box<dyn Write + Send>>,
}

impl AuditSink {
    pub fn stdout() -> Self {
        AuditSink {
            out: Mutex::new(Box::new(std::io::stdout())),
        }
    }

    pub fn file(path: &Path) -> std::io::Result<Self> {
        let f = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditSink {
            out: Mutex::new(Box::new(f)),
        })
    }

    /// Writes one line; a failing sink is logged (without the event) and never fails the request.
    pub fn record(&self, event: &Event<'_>) {
        let mut line = serde_json::to_vec(event).expect("events serialize");
        line.push(b'\n');
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = out.write_all(&line).and_then(|_| out.flush()) {
            tracing::error!(error = %e, "audit sink write failed");
        }
    }
}

//! `veil mask` and `veil unmask`: text, files, one JSON document or JSON lines sent to the
//! vault's masking API, results on stdout in the input's order. Exit status: 0 done; 1 some
//! input could not be used (a bad JSON line) or, unmasking, some tokens stayed tokens (denied,
//! unknown, expired: counted on stderr); 2 a usage or input error (no key, unreadable file);
//! 3 the vault refused the request (4xx: key, role, tenant, body); 4 the vault could not be
//! reached or failed (5xx).

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Value};

/// Where the vault is and who the caller is.
pub struct Vault {
    pub url: String,
    pub key: String,
    pub tenant: String,
    pub scope: Option<String>,
}

/// Why a call failed, and the exit status it gives.
#[derive(Debug)]
pub enum Failure {
    Refused(String),
    Unavailable(String),
}

impl Failure {
    pub fn exit(&self) -> ExitCode {
        match self {
            Failure::Refused(_) => ExitCode::from(3),
            Failure::Unavailable(_) => ExitCode::from(4),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Refused(m) | Failure::Unavailable(m) => m,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Mask,
    Unmask { restore_in_urls: bool },
}

impl Vault {
    /// One call: `input` is `{"text": …}` or `{"json": …}`; the answer's same field, and the
    /// tokens the vault could not restore (unmask), by status.
    pub fn call(&self, op: Op, input: Value) -> Result<(Value, BTreeMap<String, u64>), Failure> {
        let (value, report) = self.call_full(op, input)?;
        let mut kept = BTreeMap::new();
        for t in &report {
            let status = t["status"].as_str().unwrap_or("ok");
            if status != "ok" {
                *kept.entry(status.to_string()).or_default() += 1;
            }
        }
        Ok((value, kept))
    }

    /// `call`, with the vault's report whole: the entities found (mask) or each token's
    /// status (unmask); never values.
    pub fn call_full(&self, op: Op, input: Value) -> Result<(Value, Vec<Value>), Failure> {
        let mut body = json!({"tenant": self.tenant});
        if let Some(s) = &self.scope {
            body["scope"] = json!(s);
        }
        let path = match op {
            Op::Mask => "/v1/mask",
            Op::Unmask { restore_in_urls } => {
                body["restore_in_urls"] = json!(restore_in_urls);
                "/v1/unmask"
            }
        };
        let field = if input.get("text").is_some() {
            "text"
        } else {
            "json"
        };
        body[field] = input[field].clone();
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Failure::Unavailable(format!("HTTP client: {e}")))?;
        let url = format!("{}{path}", self.url.trim_end_matches('/'));
        let response = client
            .post(&url)
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .map_err(|e| Failure::Unavailable(e.to_string()))?;
        let status = response.status();
        let answer: Value = response
            .json()
            .map_err(|_| Failure::Unavailable(format!("{url}: {status}, not a JSON answer")))?;
        if !status.is_success() {
            // The vault's messages name fields, never values.
            let message = answer["error"]["message"].as_str().unwrap_or("no message");
            let failure = format!("{url}: {status}: {message}");
            return Err(if status.is_client_error() {
                Failure::Refused(failure)
            } else {
                Failure::Unavailable(failure)
            });
        }
        let report = match op {
            Op::Mask => &answer["entities"],
            Op::Unmask { .. } => &answer["tokens"],
        };
        let report = report.as_array().cloned().unwrap_or_default();
        Ok((answer[field].clone(), report))
    }
}

/// What to send.
pub enum Inputs {
    /// One text given on the command line.
    Text(String),
    /// Files, each read as text (or, with `json`, as one JSON document).
    Files { paths: Vec<PathBuf>, json: bool },
    /// Standard input: one text, one JSON document, or JSON lines.
    Stdin { json: bool, lines: bool },
}

/// Runs `op` over `inputs`, writing each result to stdout in order.
pub fn run(vault: &Vault, op: Op, inputs: Inputs) -> ExitCode {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut kept: BTreeMap<String, u64> = BTreeMap::new();
    let mut bad = 0usize;
    let mut one = |input: Value, out: &mut dyn Write, line: bool| -> Result<(), ExitCode> {
        match vault.call(op, input) {
            Ok((value, k)) => {
                for (status, n) in k {
                    *kept.entry(status).or_default() += n;
                }
                // A text comes back as it was sent (ending in a newline or not), then one
                // newline unless it has one; JSON as one line.
                let mut text = match (&value, line) {
                    (Value::String(s), false) => s.clone(),
                    _ => value.to_string(),
                };
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                out.write_all(text.as_bytes())
                    .map_err(|_| ExitCode::from(2))
            }
            Err(f) => {
                eprintln!("veil: {}", f.message());
                Err(f.exit())
            }
        }
    };
    let text_or_json = |raw: String, json: bool, what: &str| -> Result<Value, String> {
        if json {
            serde_json::from_str::<Value>(&raw)
                .map(|v| json!({"json": v}))
                .map_err(|e| {
                    format!(
                        "{what}: not valid JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    )
                })
        } else {
            Ok(json!({"text": raw}))
        }
    };
    let result = (|| -> Result<(), ExitCode> {
        match inputs {
            Inputs::Text(t) => one(json!({"text": t}), &mut out, false),
            Inputs::Files { paths, json } => {
                for path in paths {
                    let raw = std::fs::read_to_string(&path).map_err(|e| {
                        eprintln!("veil: cannot read {}: {e}", path.display());
                        ExitCode::from(2)
                    })?;
                    let input =
                        text_or_json(raw, json, &path.display().to_string()).map_err(|m| {
                            eprintln!("veil: {m}");
                            ExitCode::from(2)
                        })?;
                    one(input, &mut out, json)?;
                }
                Ok(())
            }
            Inputs::Stdin { json, lines: false } => {
                let mut raw = String::new();
                io::stdin().read_to_string(&mut raw).map_err(|e| {
                    eprintln!("veil: reading stdin: {e}");
                    ExitCode::from(2)
                })?;
                let input = text_or_json(raw, json, "stdin").map_err(|m| {
                    eprintln!("veil: {m}");
                    ExitCode::from(2)
                })?;
                one(input, &mut out, json)
            }
            Inputs::Stdin { lines: true, .. } => {
                for (n, line) in io::stdin().lock().lines().enumerate() {
                    let line = line.map_err(|e| {
                        eprintln!("veil: reading stdin: {e}");
                        ExitCode::from(2)
                    })?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match text_or_json(line, true, &format!("line {}", n + 1)) {
                        Ok(input) => one(input, &mut out, true)?,
                        Err(m) => {
                            // The line is answered with an error line; the rest go on.
                            bad += 1;
                            eprintln!("veil: {m}");
                            writeln!(out, "{}", json!({"error": m}))
                                .map_err(|_| ExitCode::from(2))?;
                        }
                    }
                }
                Ok(())
            }
        }
    })();
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    if let Err(code) = result {
        return code;
    }
    if !kept.is_empty() {
        let counts: Vec<String> = kept.iter().map(|(s, n)| format!("{s} {n}")).collect();
        eprintln!("veil: tokens left as they were: {}", counts.join(", "));
    }
    if bad > 0 || !kept.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

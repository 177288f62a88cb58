//! The audit trail proves itself, through the real binary: a vault run twice on one audit
//! file leaves a chain `veil-vault audit verify` accepts; the same trail with a line deleted,
//! edited or moved is refused, naming the line.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn verify(files: &[&Path]) -> (i32, String) {
    let out = Command::new(binary())
        .args(["audit", "verify"])
        .args(files)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn a_tampered_trail_is_found_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let store = format!(
        r#"{{"embedded": {{"path": "{}"}}}}"#,
        dir.path().join("store").display()
    );
    let extra = format!(r#""audit_file": "{}","#, audit.display());
    let config = write_config(dir.path(), &store, &extra);
    for run in 0..2 {
        let vault = config_vault(&config);
        let tokens = tokenize(
            &vault,
            "acme-key",
            "acme",
            "s1",
            &[("EMAIL_ADDRESS", "audit.chain@corp-mail.com")],
        )
        .await;
        rehydrate(&vault, "acme-key", "acme", "s2", &tokens).await; // denied: audited
        let (status, _, _) = post(&vault.url("/v1/tokenize"), Some("wrong-key"), "{}").await;
        assert_eq!(status, 401, "run {run}");
    }
    let (code, out) = verify(&[&audit]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(lines.len() >= 10, "two runs of events: {}", lines.len());
    assert!(!lines.join("\n").contains("audit.chain@corp-mail.com"));
    let restart = lines
        .iter()
        .skip(1)
        .position(|l| l.contains(r#""op":"audit_start""#))
        .expect("the second run's start line")
        + 1;

    let tampered = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut ls = lines.clone();
        edit(&mut ls);
        let p = dir.path().join("tampered.jsonl");
        std::fs::write(&p, ls.join("\n") + "\n").unwrap();
        verify(&[&p])
    };
    let (code, out) = tampered(&|ls| {
        ls.remove(2);
    });
    assert_eq!(code, 1);
    assert!(out.contains("tampered.jsonl:3: "), "a line deleted: {out}");
    let (code, out) = tampered(&|ls| {
        ls[2] = ls[2]
            .replace(r#""outcome":"denied""#, r#""outcome":"ok""#)
            .replace(r#""outcome":"ok""#, r#""outcome":"error""#)
    });
    assert_eq!(code, 1);
    assert!(out.contains("tampered.jsonl:3: "), "a line edited: {out}");
    let (code, out) = tampered(&|ls| ls.swap(restart + 1, restart + 2));
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("tampered.jsonl:{}: ", restart + 2)),
        "lines moved: {out}"
    );
    let (code, out) = tampered(&|ls| {
        ls.remove(restart - 1);
    });
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "tampered.jsonl:{restart}: this line starts a process"
        )),
        "the line before a restart deleted: {out}"
    );
}

//! The `veil` binary end to end: stdin to stdout, line for line.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_veil"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn one_output_line_per_input_line_in_order() {
    let input = concat!(
        "{\"text\": \"ask jane@corp.com now\"}\n",
        "not json\n",
        "{\"text\": \"nothing here\", \"other\": 1}\n",
        "\n",
        "{\"text\": \"SSN 536-90-4399\"}\n",
    );
    let (code, stdout, stderr) = run(&["scan"], input.as_bytes());
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(
        lines[0],
        r#"{"spans":[{"end":17,"label":"EMAIL_ADDRESS","score":0.9,"start":4}]}"#
    );
    assert!(lines[1].starts_with("{\"error\":"));
    assert_eq!(lines[2], r#"{"spans":[]}"#);
    assert!(lines[3].starts_with("{\"error\":"));
    assert!(lines[4].contains("US_SSN"));
    assert!(
        stderr.contains("line 2:") && stderr.contains("line 4:"),
        "{stderr}"
    );
    assert_eq!(code, 1);
}

#[test]
fn text_mode_is_readable() {
    let (code, stdout, _) = run(&["scan", "--text", "card 4111 1111 1111 1111"], b"");
    assert_eq!(code, 0);
    assert!(
        stdout.contains("CREDIT_CARD") && stdout.contains("masked: card [CREDIT_CARD]"),
        "{stdout}"
    );
}

#[test]
fn config_is_applied_and_errors_name_the_field() {
    let dir = std::env::temp_dir().join(format!("veil-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"detection": {"entities": ["PHONE_NUMBER"], "allow_list": ["415-867-2301"]}}"#,
    )
    .unwrap();
    let (code, stdout, _) = run(
        &["scan", "--config", good.to_str().unwrap()],
        b"{\"text\": \"jane@corp.com 415-867-2301 212-349-8876\"}\n",
    );
    assert_eq!(code, 0);
    assert_eq!(
        stdout.trim(),
        r#"{"spans":[{"end":39,"label":"PHONE_NUMBER","score":0.7,"start":27}]}"#
    );

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"detection": {"thresholds": {"PHONE": 0.5}}}"#).unwrap();
    let (code, _, stderr) = run(&["scan", "--config", bad.to_str().unwrap()], b"");
    assert_eq!(code, 2);
    assert!(stderr.contains("detection.thresholds.PHONE"), "{stderr}");
}

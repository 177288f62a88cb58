//! `veil mask` and `veil unmask` against the real vault (dev mode, its administrator's key):
//! text, files, JSON and JSON lines round trip; another scope's unmask leaves tokens and
//! exits 1; each failure has its exit status, and no message carries a value.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use veil_testkit::VaultProcess;

const EMAIL: &str = "cli.canary@corp-mail.com";
const ADMIN: &str = "cli-admin-key-for-tests";

fn vault(dir: &std::path::Path) -> VaultProcess {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/veil-vault");
    let mut cmd = VaultProcess::dev_command(&bin, "127.0.0.1:0", dir, "cli-gateway-key");
    cmd.env("VEIL_DEV_ADMIN_KEY", ADMIN);
    VaultProcess::start(cmd)
}

fn veil(url: &str, args: &[&str], stdin: &str, key: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_veil"));
    cmd.args(args)
        .args(["--vault", url, "--tenant", "acme"])
        .env_remove("VEIL_API_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key {
        cmd.env("VEIL_API_KEY", k);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn mask_and_unmask_text_files_json_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(&dir.path().join("vault"));
    let url = v.url("");
    let key = Some(ADMIN);
    let text = format!("Write to {EMAIL} today");

    let (code, masked, err) = veil(&url, &["mask", "--scope", "s1", "--text", &text], "", key);
    assert_eq!(code, 0, "{err}");
    assert!(
        !masked.contains(EMAIL) && masked.contains("@example.com"),
        "{masked}"
    );
    let (code, back, err) = veil(&url, &["unmask", "--scope", "s1"], masked.trim_end(), key);
    assert_eq!((code, back.trim_end()), (0, text.as_str()), "{err}");

    // Another scope: the token stays, the count says why, exit 1.
    let (code, other, err) = veil(&url, &["unmask", "--scope", "s2"], masked.trim_end(), key);
    assert_eq!(code, 1);
    assert_eq!(other.trim_end(), masked.trim_end());
    assert!(err.contains("denied 1") && !err.contains(EMAIL), "{err}");

    // A text file keeps its lines, with no newline added to one that ends with one.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, format!("first {EMAIL}\nsecond line\n")).unwrap();
    let (code, out, err) = veil(
        &url,
        &["mask", "--scope", "s1", notes.to_str().unwrap()],
        "",
        key,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("\nsecond line\n") && !out.ends_with("\n\n") && !out.contains(EMAIL),
        "{out:?}"
    );

    // A JSON file, and JSON lines (a bad line answered with an error line, exit 1).
    let file = dir.path().join("ticket.json");
    std::fs::write(&file, format!(r#"{{"from": "{EMAIL}", "n": 1}}"#)).unwrap();
    let (code, out, err) = veil(
        &url,
        &["mask", "--scope", "s1", "--json", file.to_str().unwrap()],
        "",
        key,
    );
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["n"], 1);
    assert!(doc["from"].as_str().unwrap().ends_with("@example.com"));
    let lines = format!("{{\"a\": \"{EMAIL}\"}}\nnot json\n\"{EMAIL}\"\n");
    let (code, out, _) = veil(&url, &["mask", "--scope", "s1", "--jsonl"], &lines, key);
    assert_eq!(code, 1, "one bad line");
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), 3, "{out}");
    assert!(
        got[1].starts_with("{\"error\":") && !out.contains(EMAIL),
        "{out}"
    );
    let (code, back, _) = veil(
        &url,
        &["unmask", "--scope", "s1", "--jsonl"],
        &out.replace(got[1], ""),
        key,
    );
    assert_eq!(code, 0);
    assert!(
        back.contains(&format!("{{\"a\":\"{EMAIL}\"}}")) && back.contains(&format!("\"{EMAIL}\"")),
        "{back}"
    );
}

#[test]
fn failures_have_their_exit_status_and_name_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let v = vault(&dir.path().join("vault"));
    let url = v.url("");
    let text = format!("mail {EMAIL}");
    let (code, _, err) = veil(&url, &["mask", "--text", &text], "", None);
    assert_eq!(code, 2, "no key: {err}");
    let (code, _, err) = veil(&url, &["mask", "--text", &text], "", Some("wrong-key"));
    assert_eq!(code, 3, "refused: {err}");
    // The gateway's key has no mask right.
    let (code, _, err) = veil(
        &url,
        &["mask", "--text", &text],
        "",
        Some("cli-gateway-key"),
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("may not mask") && !err.contains(EMAIL),
        "{err}"
    );
    drop(v);
    let (code, _, err) = veil(&url, &["mask", "--text", &text], "", Some(ADMIN));
    assert_eq!(code, 4, "unreachable: {err}");
    assert!(!err.contains(EMAIL));
}

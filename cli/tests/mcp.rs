//! `veil mcp` with the official MCP Python client (`cli/tests/mcp_client.py`), over stdio and
//! over streamable HTTP, against the real vault: the tools listed and each called, a denied
//! unmask, a key without the mask right refused, a request without a key 401. Needs Python's
//! `mcp` package: `VEIL_REQUIRE_MCP=1` (CI) makes its absence a failure; elsewhere the test
//! says loudly that it skips.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use veil_testkit::VaultProcess;

const ADMIN: &str = "mcp-admin-key-for-tests";
const GATEWAY: &str = "mcp-gateway-key-for-tests";

fn python_mcp() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import mcp.client.streamable_http"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("VEIL_REQUIRE_MCP").as_deref() == Ok("1") {
            panic!("Python's mcp package is required (VEIL_REQUIRE_MCP=1) but not importable");
        }
        eprintln!(
            "\n*** SKIPPING: Python's mcp package is not installed; this test did NOT run. ***\n"
        );
    }
    ok
}

fn vault(dir: &std::path::Path) -> VaultProcess {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let mut cmd = VaultProcess::dev_command(
        &target.join("debug/veil-vault"),
        "127.0.0.1:0",
        dir,
        GATEWAY,
    );
    cmd.env("VEIL_DEV_ADMIN_KEY", ADMIN);
    VaultProcess::start(cmd)
}

fn client(args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(": ok"), "{stdout}");
}

#[test]
fn the_python_client_uses_every_tool_over_stdio_and_http() {
    if !python_mcp() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let v = vault(&dir.path().join("vault"));
    let url = v.url("");
    let veil = env!("CARGO_BIN_EXE_veil");
    client(&["stdio", veil, &url, ADMIN]);

    let mut server = Command::new(veil)
        .args([
            "mcp",
            "--http",
            "127.0.0.1:0",
            "--vault",
            &url,
            "--tenant",
            "acme",
        ])
        .env_remove("VEIL_API_KEY")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mcp_url = loop {
        let line = lines
            .next()
            .expect("veil mcp says where it listens")
            .unwrap();
        if let Some(u) = line.strip_prefix("veil mcp listening on ") {
            break u.to_string();
        }
    };
    // No key, no MCP: 401 before any tool runs.
    let status = reqwest::blocking::Client::new()
        .post(&mcp_url)
        .header("content-type", "application/json")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);
    client(&["http", &mcp_url, ADMIN, GATEWAY]);
    server.kill().unwrap();
    server.wait().unwrap();
}

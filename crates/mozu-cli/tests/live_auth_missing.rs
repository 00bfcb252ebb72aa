//! Without the `live-auth` feature `--verify-auth` still parses, and the
//! run stops at once with a message saying how to get it.
#![cfg(not(feature = "live-auth"))]

use std::process::Command;

#[test]
fn verify_auth_without_the_feature_fails_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_mozu"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(["mail", "scan", "--verify-auth", "testdata/mail"])
        .output()
        .expect("run mozu");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("built without live-auth; rebuild with --features live-auth"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing scanned");
}

//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario, by file name.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// Runs the real binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the tradeoff-sim binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Names in a folder, sorted (hidden ones included).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A command that succeeded: exit 0, or its stderr in the failure message.
pub fn assert_success(o: &Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what}: expected exit 0; stderr:\n{}",
        stderr(o)
    );
}

/// Whether CI asked that browser tests never skip (`.ci/run` sets it).
pub fn browser_required() -> bool {
    std::env::var("CI_REQUIRE_BROWSER").as_deref() == Ok("1")
}

/// A browser test's skip: loud on a machine without what it needs, a failure
/// where CI requires the browser tests.
pub fn skip_browser_test(test: &str, why: &str) {
    assert!(
        !browser_required(),
        "CI_REQUIRE_BROWSER=1 but {why} ({test})"
    );
    eprintln!("\n*** SKIPPED {test}: {why}; CI sets CI_REQUIRE_BROWSER=1 and never skips it ***\n");
}

/// Debian's Chromium on PATH, or the skip of `test` (see [`skip_browser_test`]).
pub fn chromium_for(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        skip_browser_test(
            test,
            "no chromium on PATH (install the Debian package `chromium`)",
        );
    }
    found
}

/// Chromium headless, off the network and out of the user's profile: the flags
/// every browser test starts it with.
pub fn headless_chromium(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

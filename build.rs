//! Fingerprints the source the binary is built from, as `TRADEOFF_SIM_SOURCE_HASH`
//! (16 hex digits), so that a shard records the build that made it and `merge`
//! refuses parts of different builds: the crate version stays the same across many
//! changes of the model. The fingerprint covers `src/`, the shipped scenarios built
//! into the binary (`scenarios/seed.toml`, `scenarios/reference.toml`), `Cargo.toml`
//! and `Cargo.lock`, ignoring carriage returns (a checkout with CRLF line ends is the
//! same build); it is FNV-1a, which tells builds apart and is no security measure.
//!
//! With feature `cli`, it also builds the live page's engine (`live/`) for
//! `wasm32-unknown-unknown` into `target/live-wasm` and copies the module to
//! `OUT_DIR/live.wasm`, setting `cfg(live_wasm)` so the report embeds it. When
//! the target is not installed, or that build fails, the binary is built without
//! it and the report says how to enable the panel; `TRADEOFF_SIM_LIVE=off`
//! skips it on purpose. `TRADEOFF_SIM_LIVE_MISSING` says which of the three it
//! was (`off`, `target`, `failed`), for the report's note.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&root, Path::new("src"), &mut files);
    files.sort();
    // The shipped scenarios a file may extend by name are built into the binary.
    files.push(PathBuf::from("scenarios/seed.toml"));
    files.push(PathBuf::from("scenarios/reference.toml"));
    files.push(PathBuf::from("Cargo.toml"));
    files.push(PathBuf::from("Cargo.lock"));
    let mut hash = Fnv::new();
    for file in &files {
        // A missing Cargo.lock (the crate built as a dependency) is skipped.
        let Ok(bytes) = std::fs::read(root.join(file)) else {
            continue;
        };
        let name = file.to_string_lossy().replace('\\', "/");
        hash.write(name.as_bytes());
        hash.write(&[0]);
        for &b in bytes.iter().filter(|&&b| b != b'\r') {
            hash.write(&[b]);
        }
        hash.write(&[0]);
    }
    println!("cargo:rustc-env=TRADEOFF_SIM_SOURCE_HASH={:016x}", hash.0);
    for watched in [
        "src",
        "scenarios/seed.toml",
        "scenarios/reference.toml",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "live/src",
        "live/Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    live_wasm(&root);
}

/// The live page's WebAssembly target.
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Set in the nested build of `live/`, so that its own run of this script (the
/// library is a dependency of `live/`) does not build it again.
const NESTED: &str = "TRADEOFF_SIM_LIVE_NESTED";

/// Builds `live/` for [`WASM_TARGET`] and hands the module to the crate, or says
/// why not.
fn live_wasm(root: &Path) {
    println!("cargo::rustc-check-cfg=cfg(live_wasm)");
    println!("cargo:rerun-if-env-changed=TRADEOFF_SIM_LIVE");
    if std::env::var_os(NESTED).is_some() || std::env::var_os("CARGO_FEATURE_CLI").is_none() {
        return;
    }
    let missing = |why: &str| {
        println!("cargo:rustc-env=TRADEOFF_SIM_LIVE_MISSING={why}");
    };
    if std::env::var("TRADEOFF_SIM_LIVE").is_ok_and(|v| v == "off") {
        missing("off");
        return;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let libdir = std::process::Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if !libdir.is_some_and(|d| d.is_dir()) {
        println!(
            "cargo:warning=the report's live panel is left out: the {WASM_TARGET} target is not installed (rustup target add {WASM_TARGET}, then build again)"
        );
        missing("target");
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = root.join("target").join("live-wasm");
    let mut command = std::process::Command::new(cargo);
    command
        .args([
            "build",
            "--quiet",
            "-p",
            "tradeoff-sim-live",
            "--profile",
            "live",
        ])
        .args(["--target", WASM_TARGET, "--target-dir"])
        .arg(&target_dir)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env(NESTED, "1")
        // The outer build's flags and wrappers (clippy's driver, coverage) are
        // for the host, not for this build.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR");
    let built = command.status().is_ok_and(|s| s.success());
    let wasm = target_dir
        .join(WASM_TARGET)
        .join("live")
        .join("tradeoff_sim_live.wasm");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("live.wasm");
    if built && std::fs::copy(&wasm, &out).is_ok() {
        println!("cargo:rustc-cfg=live_wasm");
    } else {
        println!(
            "cargo:warning=the report's live panel is left out: building live/ for {WASM_TARGET} failed"
        );
        missing("failed");
    }
}

/// Every file under `root/dir`, as paths relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = dir.join(entry.file_name());
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(root, &path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

//! Fingerprints the source the binary is built from, as `TRADEOFF_SIM_SOURCE_HASH`
//! (16 hex digits), so that a shard records the build that made it and `merge`
//! refuses parts of different builds: the crate version stays the same across many
//! changes of the model. The fingerprint covers `src/`, the shipped scenarios built
//! into the binary (`scenarios/seed.toml`, `scenarios/reference.toml`), `Cargo.toml`
//! and `Cargo.lock`, ignoring carriage returns (a checkout with CRLF line ends is the
//! same build); it is FNV-1a, which tells builds apart and is no security measure.

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
    ] {
        println!("cargo:rerun-if-changed={watched}");
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

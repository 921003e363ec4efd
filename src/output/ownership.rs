//! What in a folder is tradeoff-sim's: its files ([`OUTPUT_FILES`]), the charts its
//! manifest lists, temporary files of its atomic writes, staging folders, and nested
//! run folders; and the clean-up that removes only those. A nested run folder is a
//! result of its own: nothing here removes one.
//!
//! Must not decide whether a destination may be replaced (that is [`super::Staging`]'s)
//! nor write anything.

use std::fs;
use std::path::{Path, PathBuf};

use super::chart::chart_stems;
use super::manifest::read_header;
use super::{CHARTS, CHARTS_KEY, MANIFEST, OUTPUT_FILES, own_in_place_staging};

/// The chart stems `dir`'s manifest lists ([`CHARTS_KEY`]); none without a
/// manifest. A manifest written before the list existed (tradeoff-sim 0.1.0)
/// names none: its folder holds the charts of its kind, whose names have not
/// changed, so that an upgraded tool can replace the folder with `--force`.
pub(super) fn listed_charts(dir: &Path) -> Vec<String> {
    let Ok(bytes) = fs::read(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Vec::new();
    };
    let Some(listed) = value.get(CHARTS_KEY) else {
        return read_header(&bytes)
            .ok()
            .and_then(|header| header.kind.ok())
            .map(|kind| chart_stems(kind).into_iter().map(String::from).collect())
            .unwrap_or_default();
    };
    listed
        .as_array()
        .map(|stems| {
            stems
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The nested run folders of `dir` named like a file a result writes there
/// (`--out X/summary.csv`, then `--out X`): a result could take its place only by
/// removing it.
pub(super) fn run_folders_in_the_way(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = OUTPUT_FILES
        .iter()
        .filter(|name| is_run_folder(&dir.join(name)))
        .map(|name| format!("{name}/"))
        .collect();
    names.sort();
    names
}

/// Whether `manifest` is one tradeoff-sim wrote: JSON whose `tool` is this
/// crate's name and whose `version` is a string. Every manifest has had both.
pub(super) fn own_manifest(manifest: &Path) -> Result<(), String> {
    let bytes = fs::read(manifest).map_err(|e| format!("cannot read its {MANIFEST}: {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| format!("its {MANIFEST} is not JSON written by tradeoff-sim"))?;
    let tool = value.get("tool").and_then(|t| t.as_str());
    if tool != Some(env!("CARGO_PKG_NAME")) || !value.get("version").is_some_and(|v| v.is_string())
    {
        return Err(format!(
            "its {MANIFEST} does not say \"tool\": \"{}\"",
            env!("CARGO_PKG_NAME")
        ));
    }
    Ok(())
}

/// A folder tradeoff-sim wrote: its own manifest, and nothing foreign.
pub(super) fn is_run_folder(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && own_manifest(&dir.join(MANIFEST)).is_ok()
        && foreign_entries(dir).is_ok_and(|f| f.is_empty())
}

/// A temporary file of an atomic write of a file tradeoff-sim writes:
/// `.<name>.tmp-<pid>` or `.<name>.<pid>.tmp`, `<name>` one of [`OUTPUT_FILES`] or a
/// chart. Anything else that merely looks temporary (a user's `.draft.tmp`) is not
/// ours, so `--force` refuses the folder rather than delete it.
pub(super) fn is_temporary(name: &str, charts: &[String]) -> bool {
    let Some(hidden) = name.strip_prefix('.') else {
        return false;
    };
    let base = split_pid(hidden, ".tmp-")
        .or_else(|| split_pid(hidden.strip_suffix(".tmp")?, "."))
        .map(|(base, _)| base);
    base.is_some_and(|b| OUTPUT_FILES.contains(&b) || is_chart(b, charts))
}

/// `<base><mark><pid>`, a process id after the last `mark`: the base and the pid.
pub(super) fn split_pid<'a>(name: &'a str, mark: &str) -> Option<(&'a str, u32)> {
    let (base, pid) = name.rsplit_once(mark)?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, pid.parse().ok()?))
}

/// A staging folder, or an earlier result moved aside: `.<name>.partial-<pid>` or
/// `.<name>.old-<pid>` (a `check` stages `check/` inside its run folder).
pub(super) fn is_staging(name: &str) -> bool {
    let Some(hidden) = name.strip_prefix('.') else {
        return false;
    };
    [".partial-", ".old-"]
        .iter()
        .any(|mark| split_pid(hidden, mark).is_some())
}

/// A chart the folder's manifest lists (`charts`: its stems): `<stem>.png` or
/// `<stem>.svg` under `charts/`.
pub(super) fn is_chart(name: &str, charts: &[String]) -> bool {
    name.strip_suffix(".png")
        .or_else(|| name.strip_suffix(".svg"))
        .is_some_and(|stem| charts.iter().any(|c| c == stem))
}

/// The entries of `dir` tradeoff-sim did not write, as paths relative to it
/// (folders end in `/`). Symbolic links are never followed, and count as foreign.
pub(super) fn foreign_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let charts = listed_charts(dir);
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        let ours = if kind.is_dir() && name == own_in_place_staging() {
            true
        } else if kind.is_file() {
            OUTPUT_FILES.contains(&name.as_str()) || is_temporary(&name, &charts)
        } else if kind.is_dir() && name == CHARTS {
            for chart in fs::read_dir(entry.path())? {
                let chart = chart?;
                let file = chart.file_name().to_string_lossy().into_owned();
                if !(chart.file_type()?.is_file()
                    && (is_chart(&file, &charts) || is_temporary(&file, &charts)))
                {
                    foreign.push(format!("{CHARTS}/{file}"));
                }
            }
            true
        } else if kind.is_dir() && is_staging(&name) {
            foreign_entries(&entry.path()).is_ok_and(|f| f.is_empty())
        } else {
            kind.is_dir() && is_run_folder(&entry.path())
        };
        if !ours {
            foreign.push(if kind.is_dir() {
                format!("{name}/")
            } else {
                name
            });
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// The files of a run folder's own result (not of nested run folders), relative
/// to it: [`OUTPUT_FILES`] and charts.
pub(super) fn own_files(dir: &Path) -> Vec<PathBuf> {
    let charts = listed_charts(dir);
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_file() && OUTPUT_FILES.contains(&name.as_str()) {
            files.push(PathBuf::from(&name));
        } else if kind.is_dir() && name == CHARTS {
            for chart in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                let file = chart.file_name().to_string_lossy().into_owned();
                if chart.file_type().is_ok_and(|k| k.is_file()) && is_chart(&file, &charts) {
                    files.push(Path::new(CHARTS).join(file));
                }
            }
        }
    }
    files.sort();
    files
}

/// Removes what tradeoff-sim wrote in `dir` for its own result (its files, the
/// charts its manifest lists, temporary files, and staging folders of processes
/// that are gone), then `dir` itself if that left it empty. Nested run folders
/// (`check/`) are results of their own and stay, as does anything else.
pub(super) fn remove_own(dir: &Path) {
    let charts = listed_charts(dir);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_file() && (OUTPUT_FILES.contains(&name.as_str()) || is_temporary(&name, &charts))
        {
            let _ = fs::remove_file(entry.path());
        } else if kind.is_dir() && name == CHARTS {
            for chart in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                let file = chart.file_name().to_string_lossy().into_owned();
                if chart.file_type().is_ok_and(|k| k.is_file())
                    && (is_chart(&file, &charts) || is_temporary(&file, &charts))
                {
                    let _ = fs::remove_file(chart.path());
                }
            }
            let _ = fs::remove_dir(entry.path());
        } else if kind.is_dir()
            && split_pid(&name, ".partial-").is_some_and(|(_, pid)| !may_be_alive(pid))
        {
            remove_own(&entry.path());
        }
    }
    let _ = fs::remove_dir(dir);
}

/// Whether process `pid` may still be running. Linux answers through `/proc`;
/// where there is no `/proc`, every process counts as alive, so nothing of a
/// running process is ever removed.
pub(super) fn may_be_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Cleans up after runs to `target` that were killed (their process is gone): the
/// staging folders `<prefix><pid>` in `dir` lose what tradeoff-sim wrote in them,
/// and an earlier result such a run had moved aside (`.<name>.old-<pid>`) is put
/// back when `target` is missing. When `target` is there, the killed run had
/// swapped its result in: its last steps are done now (the earlier result's nested
/// run folders, `check/`, move into `target`; its own files go), and whatever
/// cannot be moved stays. When `target` is not a run folder, the earlier result is
/// left as it is. A result or a nested run folder is never removed.
pub(super) fn remove_stale(dir: &Path, prefix: &str, target: &Path) {
    let old_prefix = prefix.replace(".partial-", ".old-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let (staging, pid) = if let Some(pid) = name.strip_prefix(prefix) {
            (true, pid)
        } else if let Some(pid) = name.strip_prefix(old_prefix.as_str()) {
            (false, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !entry.file_type().is_ok_and(|k| k.is_dir()) || may_be_alive(pid) {
            continue;
        }
        if staging {
            remove_own(&entry.path());
        } else if !target.exists() {
            let _ = fs::rename(entry.path(), target);
        } else if is_run_folder(target) {
            keep_nested_runs(&entry.path(), target);
            remove_own(&entry.path());
        }
    }
}

/// Moves the run folders nested in a replaced result (`check/` inside a run
/// folder) into the new one, unless it has one of the same name: a `run --force`
/// replaces the run, not a `check` stored beside it. The staging folder of a
/// `check` still running (`.check.partial-<pid>`) moves too, so that the check
/// goes on writing where it expects to, at the same path.
pub(super) fn keep_nested_runs(old: &Path, new: &Path) {
    let Ok(entries) = fs::read_dir(old) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let target = new.join(entry.file_name());
        let live_staging = entry.file_type().is_ok_and(|k| k.is_dir())
            && name.starts_with('.')
            && split_pid(&name, ".partial-").is_some_and(|(_, pid)| may_be_alive(pid));
        if (live_staging || is_run_folder(&path)) && !target.exists() {
            let _ = fs::rename(&path, &target);
        }
    }
}

//! The run folder: where results go, written so that nothing is ever half-written
//! or clobbered by accident, and no file tradeoff-sim did not write is ever removed.
//!
//! A run writes into a hidden staging folder next to its destination
//! (`.<name>.partial-<pid>`). Only when every file is written does the staging
//! folder take the destination's place (with `--force`, the earlier result is
//! moved aside first and removed after the swap). A failed or interrupted run
//! removes its staging folder and leaves any earlier result untouched.
//!
//! What may be replaced: a folder is a run folder when its `manifest.json` says
//! `"tool": "tradeoff-sim"` and it holds nothing but files tradeoff-sim writes
//! ([`OUTPUT_FILES`], charts under `charts/`, and nested run folders such as
//! `check/`, which are kept). A folder with anything else in it is refused, even
//! with `--force`, and the refusal names what is foreign.
//!
//! - A destination that is a symbolic link is followed: the result is published
//!   into the folder it points to, and the link stays.
//! - A destination that cannot be swapped (the current folder or one holding it,
//!   `/`, a mount point) is published file by file instead: each file staged in a
//!   hidden folder inside it and renamed into place, `manifest.json` last, so a
//!   folder with a manifest always holds a complete result.
//! - A staging folder left by a killed run (`.<name>.partial-<pid>` whose process
//!   is gone) is removed by the next run to the same destination; one of a live
//!   process is left alone.

pub mod chart;
pub mod csv;
pub mod manifest;
pub mod report;
pub mod schema;
pub mod shard;
pub mod workbook;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The file that marks a folder as a tradeoff-sim run folder.
pub const MANIFEST: &str = schema::MANIFEST;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{}: a result is already there; pass --force to replace it, or --out to write elsewhere",
        path.display()
    )]
    AlreadyExists { path: PathBuf },
    #[error(
        "{}: exists and is not a tradeoff-sim run folder ({why}); refusing to replace it even with --force",
        path.display()
    )]
    NotARunFolder { path: PathBuf, why: String },
    #[error(
        "{}: holds files tradeoff-sim did not write ({}); refusing to replace it even with --force, so that nothing of yours is deleted: move them elsewhere, or give --out another folder",
        path.display(),
        list_names(names)
    )]
    ForeignFiles { path: PathBuf, names: Vec<String> },
    #[error(
        "{}: is a symbolic link to {}, which does not exist; create that folder, or give --out another path",
        path.display(),
        target.display()
    )]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error(
        "{}: another result appeared there while this one was computed, and is kept; this one was not written: run again with --force to replace it, or --out to write elsewhere",
        path.display()
    )]
    AppearedMeanwhile { path: PathBuf },
    #[error(
        "{}: is a mount point or in use, so it cannot be moved aside and replaced; give --out a new folder inside it",
        path.display()
    )]
    Busy { path: PathBuf },
    #[error("{}: is a file, not a folder; give --out a folder path", path.display())]
    NotAFolder { path: PathBuf },
    #[error(
        "{}: is a file, so the run folder {} cannot be created inside it; give --out a path under a folder",
        file.display(),
        destination.display()
    )]
    InsideAFile { file: PathBuf, destination: PathBuf },
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
}

/// `a, b, c` for the first few names, then how many more.
fn list_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

fn io(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        path,
        action,
        source,
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed and synced, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp, "cannot create file"))?;
        f.write_all(bytes).map_err(io(&tmp, "cannot write"))?;
        f.sync_all().map_err(io(&tmp, "cannot flush to disk"))?;
        fs::rename(&tmp, path).map_err(io(path, "cannot move into place"))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A writer that fails as soon as `stop` is raised, so that writing a large file
/// (`trials.csv`) ends promptly on Ctrl-C. The failure is [`is_interruption`].
pub struct StopWriter<'a, W> {
    inner: W,
    stop: &'a AtomicBool,
}

impl<'a, W: Write> StopWriter<'a, W> {
    pub fn new(inner: W, stop: &'a AtomicBool) -> Self {
        StopWriter { inner, stop }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

const STOPPED: &str = "interrupted";

fn stopped() -> std::io::Error {
    std::io::Error::other(STOPPED)
}

/// Whether an I/O error is a [`StopWriter`] giving up on an interrupt.
pub fn is_interruption(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Other && e.to_string() == STOPPED
}

impl<W: Write> Write for StopWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        self.inner.flush()
    }
}

/// Every file name tradeoff-sim writes at the top of a folder, whatever the
/// command (run, merge, check, sweep, compare, sensitivity, run --shard).
/// `--force` replaces a folder only when it holds nothing else (besides
/// [`CHARTS`] and nested run folders); [`Staging::commit`] checks that every
/// command's own output passes that test, so a new file must be added here.
pub const OUTPUT_FILES: &[&str] = &[
    MANIFEST,
    schema::SUMMARY,
    schema::COMPARISON,
    schema::HISTOGRAMS,
    schema::DECISION,
    schema::TRIALS,
    schema::CLAIMS,
    schema::SWEEP,
    schema::CROSSOVERS,
    schema::COMPARE,
    schema::TORNADO,
    schema::TORNADO_DECISION,
    schema::GLOBAL,
    shard::PARTIAL,
    schema::WHAT_IFS,
    report::REPORT_HTML,
    workbook::RESULTS_XLSX,
];

/// The folder of charts in a run folder: only `.png` and `.svg` files.
pub const CHARTS: &str = "charts";

/// The staging folder's name when a run is published file by file into its
/// destination (see [`Staging::begin`]): `<destination>/.tradeoff-sim.partial-<pid>`.
const IN_PLACE: &str = "tradeoff-sim";

/// This process's staging folder inside a destination published file by file.
fn own_in_place_staging() -> String {
    format!(".{IN_PLACE}.partial-{}", std::process::id())
}

/// How a finished run reaches its destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Publish {
    /// The staging folder, beside the destination, is renamed into its place.
    Swap,
    /// The destination cannot be renamed (it is the current folder, `/` or a mount
    /// point): each file is renamed from a staging folder inside it.
    InPlace,
}

/// A run folder being written. Dropped without [`Staging::commit`], it removes
/// everything it wrote.
#[derive(Debug)]
pub struct Staging {
    /// The destination as the user gave it: what messages and listings name.
    destination: PathBuf,
    /// Where the result goes: the destination, or the folder its symbolic link
    /// points to.
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
    force: bool,
    publish: Publish,
}

impl Staging {
    /// Checks that `destination` may be written (absent, empty, or a run folder
    /// and `force`), removes staging folders that killed runs left for it, then
    /// creates this run's staging folder.
    pub fn begin(destination: &Path, force: bool) -> Result<Staging, OutputError> {
        let target = resolve(destination)?;
        let parent = parent_of(&target);
        let name = folder_name(&target);
        if parent.is_dir() {
            remove_stale(&parent, &format!(".{name}.partial-"), &target);
        }
        if target.is_dir() {
            remove_stale(&target, &format!(".{IN_PLACE}.partial-"), &target);
        }
        check_destination(destination, &target, force)?;
        let publish = if target.is_dir() && !can_swap(&target) {
            Publish::InPlace
        } else {
            Publish::Swap
        };
        let dir = match publish {
            Publish::InPlace => target.join(own_in_place_staging()),
            Publish::Swap => {
                // A symbolic link on the way must lead somewhere: `--out latest/run`
                // with `latest` pointing to a folder that is gone.
                if let Some(link) = parent.ancestors().find(|a| {
                    fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink())
                        && fs::metadata(a).is_err()
                }) {
                    return Err(OutputError::DanglingLink {
                        path: link.to_path_buf(),
                        target: fs::read_link(link).unwrap_or_default(),
                    });
                }
                // The nearest existing ancestor must be a folder: `--out notes.txt/run`.
                if let Some(file) = parent
                    .ancestors()
                    .find(|a| a.exists())
                    .filter(|a| !a.is_dir())
                {
                    return Err(OutputError::InsideAFile {
                        file: file.to_path_buf(),
                        destination: destination.to_path_buf(),
                    });
                }
                fs::create_dir_all(&parent)
                    .map_err(io(&parent, "cannot create the output folder"))?;
                parent.join(format!(".{name}.partial-{}", std::process::id()))
            }
        };
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        let at = dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        fs::create_dir(&dir).map_err(io(
            &at,
            "cannot write in this folder (creating the run's staging folder)",
        ))?;
        Ok(Staging {
            destination: destination.to_path_buf(),
            target,
            dir,
            committed: false,
            force,
            publish,
        })
    }

    /// The staging folder, where files are written before the swap.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// Writes one file of the run.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
        let path = self.dir.join(name);
        write_atomic(&path, bytes)?;
        Ok(self.destination.join(name))
    }

    /// Moves the finished run into place; an earlier result (allowed by `force`
    /// when the staging began) is replaced only now.
    ///
    /// The destination is checked again first: a run takes minutes, and another
    /// run's result (or a folder of the user's) may have appeared there since the
    /// staging began. Without `force` that result is never replaced, and a folder
    /// that is not a run folder never is.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let own = foreign_entries(&self.dir).map_err(io(&self.dir, "cannot list"))?;
        if !own.is_empty() {
            // A command wrote a file missing from OUTPUT_FILES: a later --force
            // would refuse this very result, so it is not published.
            return Err(OutputError::Io {
                path: self.dir.clone(),
                action: "internal error: the run wrote files its --force would not recognise",
                source: std::io::Error::other(list_names(&own)),
            });
        }
        // Two runs publishing to one destination at once take turns: the check and
        // the publish happen under an exclusive lock on the folder that holds the
        // staging folder (the destination itself when published file by file), so a
        // result is never the mixture of two runs' files. The lock goes with the file
        // handle, at the end of this function or of the process. Best effort: a
        // folder that cannot be opened for reading, or a file system without locks,
        // publishes as before.
        let holder = self.dir.parent().unwrap_or(Path::new("."));
        let _lock = fs::File::open(holder).ok().filter(|f| f.lock().is_ok());
        if let Err(e) = check_destination(&self.destination, &self.target, self.force) {
            return Err(match e {
                OutputError::AlreadyExists { path } => OutputError::AppearedMeanwhile { path },
                other => other,
            });
        }
        match self.publish {
            Publish::Swap => self.swap()?,
            Publish::InPlace => self.file_by_file()?,
        }
        self.committed = true;
        Ok(self.destination.clone())
    }

    fn swap(&self) -> Result<(), OutputError> {
        let dest = &self.target;
        // Checked once: when it is absent now, nothing is moved aside below, and the
        // rename fails rather than replace a result that appears in between.
        let present = dest.exists();
        let old =
            self.dir
                .with_file_name(format!(".{}.old-{}", folder_name(dest), std::process::id()));
        if present && let Err(e) = fs::rename(dest, &old) {
            // A bind mount, or a folder another program holds, that the checks of
            // `can_swap` could not see.
            return Err(if e.kind() == std::io::ErrorKind::ResourceBusy {
                OutputError::Busy {
                    path: self.destination.clone(),
                }
            } else {
                io(&self.destination, "cannot move the earlier result aside")(e)
            });
        }
        if let Err(e) = fs::rename(&self.dir, dest) {
            if present {
                let _ = fs::rename(&old, dest);
            }
            return Err(io(
                &self.destination,
                "cannot move the new result into place",
            )(e));
        }
        if present {
            keep_nested_runs(&old, dest);
            remove_own(&old);
        }
        Ok(())
    }

    /// Publishes into the destination itself: the earlier result's manifest goes
    /// first (from then on the folder does not claim to hold a complete result),
    /// every new file is renamed into place, the earlier result's files that the
    /// new one does not have are removed, and the new manifest comes last. A folder
    /// with a manifest thus holds one whole result, never a mixture.
    fn file_by_file(&self) -> Result<(), OutputError> {
        let dest = &self.target;
        let earlier = own_files(dest);
        let manifest = dest.join(MANIFEST);
        if manifest.exists() {
            fs::remove_file(&manifest)
                .map_err(io(&manifest, "cannot remove the earlier result's manifest"))?;
        }
        let mut new = Vec::new();
        let staged = own_files(&self.dir);
        for relative in staged.iter().filter(|r| r.as_path() != Path::new(MANIFEST)) {
            let to = dest.join(relative);
            if let Some(folder) = to.parent() {
                fs::create_dir_all(folder).map_err(io(folder, "cannot create folder"))?;
            }
            fs::rename(self.dir.join(relative), &to).map_err(io(&to, "cannot move into place"))?;
            new.push(relative.clone());
        }
        new.push(PathBuf::from(MANIFEST));
        for relative in earlier.iter().filter(|r| !new.contains(r)) {
            let _ = fs::remove_file(dest.join(relative));
        }
        let _ = fs::remove_dir(dest.join(CHARTS));
        fs::rename(self.dir.join(MANIFEST), &manifest)
            .map_err(io(&manifest, "cannot move into place"))?;
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Where a result for `destination` goes: the destination itself, or, when it is
/// a symbolic link (or names `.` or `..`), the folder it resolves to.
fn resolve(destination: &Path) -> Result<PathBuf, OutputError> {
    match fs::symlink_metadata(destination) {
        Err(_) => Ok(destination.to_path_buf()),
        Ok(_) => match fs::canonicalize(destination) {
            Ok(target) => Ok(target),
            Err(_) => Err(OutputError::DanglingLink {
                path: destination.to_path_buf(),
                target: fs::read_link(destination).unwrap_or_default(),
            }),
        },
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into())
}

/// Whether the folder `target` (resolved) can be renamed aside and replaced: not
/// `/`, not the current folder or one holding it (the shell sitting in it would be
/// left in a deleted folder), not a mount point.
fn can_swap(target: &Path) -> bool {
    let Some(parent) = target.parent() else {
        return false;
    };
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize)
        && cwd.starts_with(target)
    {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(t), Ok(p)) = (fs::metadata(target), fs::metadata(parent))
            && t.dev() != p.dev()
        {
            return false;
        }
    }
    true
}

fn check_destination(destination: &Path, target: &Path, force: bool) -> Result<(), OutputError> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(OutputError::NotAFolder {
            path: destination.to_path_buf(),
        });
    }
    let not_a_run = |why: String| OutputError::NotARunFolder {
        path: destination.to_path_buf(),
        why,
    };
    let foreign = foreign_entries(target).map_err(io(destination, "cannot list"))?;
    let manifest = target.join(MANIFEST);
    if !manifest.exists() {
        // A folder that holds only other run folders (`output/seed/check/`, written by
        // `check` before any `run`), or staging folders, is as good as empty: they are
        // kept (see commit).
        if foreign.is_empty() && own_files(target).is_empty() {
            return Ok(());
        }
        return Err(not_a_run(format!("no {MANIFEST}")));
    }
    if let Err(why) = own_manifest(&manifest) {
        return Err(not_a_run(why));
    }
    if !foreign.is_empty() {
        return Err(OutputError::ForeignFiles {
            path: destination.to_path_buf(),
            names: foreign,
        });
    }
    if !force {
        return Err(OutputError::AlreadyExists {
            path: destination.to_path_buf(),
        });
    }
    Ok(())
}

/// Whether `manifest` is one tradeoff-sim wrote: JSON whose `tool` is this
/// crate's name and whose `version` is a string. Every manifest has had both.
fn own_manifest(manifest: &Path) -> Result<(), String> {
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
fn is_run_folder(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && own_manifest(&dir.join(MANIFEST)).is_ok()
        && foreign_entries(dir).is_ok_and(|f| f.is_empty())
}

/// A temporary file of an atomic write of a file tradeoff-sim writes:
/// `.<name>.tmp-<pid>` or `.<name>.<pid>.tmp`, `<name>` one of [`OUTPUT_FILES`] or a
/// chart. Anything else that merely looks temporary (a user's `.draft.tmp`) is not
/// ours, so `--force` refuses the folder rather than delete it.
fn is_temporary(name: &str) -> bool {
    let Some(hidden) = name.strip_prefix('.') else {
        return false;
    };
    let base = split_pid(hidden, ".tmp-")
        .or_else(|| split_pid(hidden.strip_suffix(".tmp")?, "."))
        .map(|(base, _)| base);
    base.is_some_and(|b| OUTPUT_FILES.contains(&b) || is_chart(b))
}

/// `<base><mark><pid>`, a process id after the last `mark`: the base and the pid.
fn split_pid<'a>(name: &'a str, mark: &str) -> Option<(&'a str, u32)> {
    let (base, pid) = name.rsplit_once(mark)?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, pid.parse().ok()?))
}

/// A staging folder, or an earlier result moved aside: `.<name>.partial-<pid>` or
/// `.<name>.old-<pid>` (a `check` stages `check/` inside its run folder).
fn is_staging(name: &str) -> bool {
    let Some(hidden) = name.strip_prefix('.') else {
        return false;
    };
    [".partial-", ".old-"]
        .iter()
        .any(|mark| split_pid(hidden, mark).is_some())
}

/// A file tradeoff-sim writes under `charts/`.
fn is_chart(name: &str) -> bool {
    !name.starts_with('.') && (name.ends_with(".png") || name.ends_with(".svg"))
}

/// The entries of `dir` tradeoff-sim did not write, as paths relative to it
/// (folders end in `/`). Symbolic links are never followed, and count as foreign.
fn foreign_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        let ours = if kind.is_dir() && name == own_in_place_staging() {
            true
        } else if kind.is_file() {
            OUTPUT_FILES.contains(&name.as_str()) || is_temporary(&name)
        } else if kind.is_dir() && name == CHARTS {
            for chart in fs::read_dir(entry.path())? {
                let chart = chart?;
                let file = chart.file_name().to_string_lossy().into_owned();
                if !(chart.file_type()?.is_file() && (is_chart(&file) || is_temporary(&file))) {
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
fn own_files(dir: &Path) -> Vec<PathBuf> {
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
                if chart.file_type().is_ok_and(|k| k.is_file()) && is_chart(&file) {
                    files.push(Path::new(CHARTS).join(file));
                }
            }
        }
    }
    files.sort();
    files
}

/// Removes what tradeoff-sim wrote in `dir` (its files, charts, temporary files
/// and nested run folders), then `dir` itself if that left it empty: anything else
/// stays where it is.
fn remove_own(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_file() && (OUTPUT_FILES.contains(&name.as_str()) || is_temporary(&name)) {
            let _ = fs::remove_file(entry.path());
        } else if kind.is_dir() && name == CHARTS {
            for chart in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                let file = chart.file_name().to_string_lossy().into_owned();
                if chart.file_type().is_ok_and(|k| k.is_file())
                    && (is_chart(&file) || is_temporary(&file))
                {
                    let _ = fs::remove_file(chart.path());
                }
            }
            let _ = fs::remove_dir(entry.path());
        } else if kind.is_dir() && (is_staging(&name) || is_run_folder(&entry.path())) {
            remove_own(&entry.path());
        }
    }
    let _ = fs::remove_dir(dir);
}

/// Whether process `pid` may still be running. Linux answers through `/proc`;
/// where there is no `/proc`, every process counts as alive, so nothing of a
/// running process is ever removed.
fn may_be_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Removes the folders `<prefix><pid>` in `dir` (staging folders of runs killed
/// before they could clean up) whose process is gone, and the matching
/// `.<name>.old-<pid>` folders (an earlier result moved aside just before a swap):
/// one is put back when `target` is missing, so a result is never lost. Only what
/// tradeoff-sim writes is removed from them.
fn remove_stale(dir: &Path, prefix: &str, target: &Path) {
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
        if !staging && !target.exists() && fs::rename(entry.path(), target).is_ok() {
            continue;
        }
        remove_own(&entry.path());
    }
}

/// Moves the run folders nested in a replaced result (`check/` inside a run
/// folder) into the new one, unless it has one of the same name: a `run --force`
/// replaces the run, not a `check` stored beside it. The staging folder of a
/// `check` still running (`.check.partial-<pid>`) moves too, so that the check
/// goes on writing where it expects to, at the same path.
fn keep_nested_runs(old: &Path, new: &Path) {
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

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
//! ([`OUTPUT_FILES`], the charts its manifest lists under `charts/` (see
//! [`CHARTS_KEY`]), and nested run folders such as `check/`, which are kept). A
//! folder with anything else in it is refused, even with `--force`, and the
//! refusal names what is foreign. A nested run folder is never removed: one whose
//! name a result file takes (`X/summary.csv/`) makes the folder refused.
//!
//! - A destination that is a symbolic link is followed: the result is published
//!   into the folder it points to, and the link stays.
//! - A destination that cannot be swapped (the current folder or one holding it,
//!   `/`, a mount point) is published file by file instead: each file staged in a
//!   hidden folder inside it and renamed into place, `manifest.json` last, so a
//!   folder with a manifest always holds a complete result.
//! - A staging folder left by a killed run (`.<name>.partial-<pid>` whose process
//!   is gone) is removed by the next run to the same destination; one of a live
//!   process is left alone. An earlier result a killed run had moved aside
//!   (`.<name>.old-<pid>`) is put back when the destination is missing; when the
//!   killed run had already swapped its result in, the next run finishes its work
//!   (nested run folders such as `check/` move into the result) and removes only the
//!   replaced result's own files. Nothing else in it is ever removed.
//! - A destination through a missing folder and `..` (`--out new/..`) is refused
//!   before anything is created; a trailing `.` (`--out new/.`) names the folder.

pub mod chart;
pub mod csv;
pub mod manifest;
pub mod report;
pub mod schema;
pub mod shard;
pub mod workbook;

mod ownership;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ownership::{
    foreign_entries, keep_nested_runs, own_files, own_manifest, remove_own, remove_stale,
    run_folders_in_the_way,
};

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
        "{}: is a symbolic link that leads back to itself (a loop of links); point it at a folder, or give --out another path",
        path.display()
    )]
    LinkLoop { path: PathBuf },
    #[error(
        "{}: names no folder: `..` follows {}, which does not exist; give --out the folder itself, or create {} first",
        path.display(),
        missing.display(),
        missing.display()
    )]
    ThroughMissing { path: PathBuf, missing: PathBuf },
    #[error(
        "{}: holds the run folder {}, named like a file a result writes there, so running here would replace it; move it elsewhere, or give --out another folder",
        path.display(),
        list_names(names)
    )]
    RunFolderInTheWay { path: PathBuf, names: Vec<String> },
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

/// The key of a manifest's list of its charts: file stems, each drawn as
/// `charts/<stem>.png` and `.svg`. Only the charts a folder's manifest lists are
/// tradeoff-sim's (a user's annotated copy beside them is not), and a manifest
/// without the list claims none.
pub const CHARTS_KEY: &str = "charts";

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
                for link in parent
                    .ancestors()
                    .filter(|a| fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()))
                {
                    if let Err(e) = fs::metadata(link) {
                        return Err(unfollowable(link, e));
                    }
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
            // Left by a killed process with this one's id: only what tradeoff-sim
            // wrote goes, and anything else makes `create_dir` below fail.
            remove_own(&dir);
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
        Err(_) => not_yet_there(destination),
        Ok(_) => fs::canonicalize(destination).map_err(|e| unfollowable(destination, e)),
    }
}

/// A destination that does not exist yet, as the folder to create: a `.` is
/// dropped (`new/.` is `new`), and `..` is allowed only after a folder that exists,
/// since `new/..` names nothing while `new` is missing (and creating `new` for it
/// would leave an empty folder behind).
fn not_yet_there(destination: &Path) -> Result<PathBuf, OutputError> {
    use std::path::Component;
    let mut target = PathBuf::new();
    for component in destination.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let before = if target.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    target.as_path()
                };
                if !before.is_dir() {
                    return Err(OutputError::ThroughMissing {
                        path: destination.to_path_buf(),
                        missing: before.to_path_buf(),
                    });
                }
                target.push(component);
            }
            other => target.push(other),
        }
    }
    if target.as_os_str().is_empty() {
        target.push(".");
    }
    Ok(target)
}

/// Why a symbolic link at `path` cannot be followed: it leads nowhere, in a loop,
/// or somewhere this process may not look.
fn unfollowable(path: &Path, e: std::io::Error) -> OutputError {
    // `ErrorKind::FilesystemLoop` (ELOOP) is not stable yet; its name is.
    if format!("{:?}", e.kind()) == "FilesystemLoop" {
        OutputError::LinkLoop {
            path: path.to_path_buf(),
        }
    } else if e.kind() == std::io::ErrorKind::NotFound {
        OutputError::DanglingLink {
            path: path.to_path_buf(),
            target: fs::read_link(path).unwrap_or_default(),
        }
    } else {
        io(path, "cannot follow this symbolic link")(e)
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
    let in_the_way = run_folders_in_the_way(target);
    if !in_the_way.is_empty() {
        return Err(OutputError::RunFolderInTheWay {
            path: destination.to_path_buf(),
            names: in_the_way,
        });
    }
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

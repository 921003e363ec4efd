//! The run folder: where results go, written so that nothing is ever half-written
//! or clobbered by accident.
//!
//! A run writes into a hidden staging folder next to its destination
//! (`.<name>.partial-<pid>`). Only when every file is written does the staging
//! folder take the destination's place (with `--force`, the earlier result is
//! moved aside first and removed after the swap). A failed or interrupted run
//! removes its staging folder and leaves any earlier result untouched.

pub mod chart;
pub mod csv;
pub mod manifest;
pub mod shard;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The file that marks a folder as a tradeoff-sim run folder.
pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{}: a result is already there; pass --force to replace it, or --out to write elsewhere",
        path.display()
    )]
    AlreadyExists { path: PathBuf },
    #[error(
        "{}: exists and is not a tradeoff-sim run folder (no manifest.json); refusing to replace it even with --force",
        path.display()
    )]
    NotARunFolder { path: PathBuf },
    #[error(
        "{}: another result appeared there while this one was computed, and is kept; this one was not written: run again with --force to replace it, or --out to write elsewhere",
        path.display()
    )]
    AppearedMeanwhile { path: PathBuf },
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

/// A run folder being written. Dropped without [`Staging::commit`], it removes
/// everything it wrote.
#[derive(Debug)]
pub struct Staging {
    destination: PathBuf,
    dir: PathBuf,
    committed: bool,
    force: bool,
    /// Whether the destination existed when the staging began.
    existed: bool,
}

impl Staging {
    /// Checks that `destination` may be written (absent, or a run folder and
    /// `force`), then creates the staging folder beside it.
    pub fn begin(destination: &Path, force: bool) -> Result<Staging, OutputError> {
        check_destination(destination, force)?;
        let parent = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
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
        fs::create_dir_all(&parent).map_err(io(&parent, "cannot create the output folder"))?;
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into());
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir(&dir).map_err(io(
            &parent,
            "cannot write in this folder (creating the run's staging folder)",
        ))?;
        Ok(Staging {
            destination: destination.to_path_buf(),
            dir,
            committed: false,
            force,
            existed: destination.exists(),
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
        let dest = self.destination.clone();
        // Checked once: when it is absent now, nothing is moved aside below, and the
        // rename fails rather than replace a result that appears in between.
        let present = dest.exists();
        if let Err(e) = check_destination(&dest, self.force) {
            return Err(match e {
                OutputError::AlreadyExists { path } if !self.existed => {
                    OutputError::AppearedMeanwhile { path }
                }
                other => other,
            });
        }
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            dest.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let replaced = if present {
            fs::rename(&dest, &old).map_err(io(&dest, "cannot move the earlier result aside"))?;
            true
        } else {
            false
        };
        if let Err(e) = fs::rename(&self.dir, &dest) {
            if replaced {
                let _ = fs::rename(&old, &dest);
            }
            return Err(io(&dest, "cannot move the new result into place")(e));
        }
        self.committed = true;
        if replaced {
            keep_nested_runs(&old, &dest);
            let _ = fs::remove_dir_all(&old);
        }
        Ok(dest)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn check_destination(destination: &Path, force: bool) -> Result<(), OutputError> {
    if !destination.exists() {
        return Ok(());
    }
    if !destination.is_dir() {
        return Err(OutputError::NotAFolder {
            path: destination.to_path_buf(),
        });
    }
    let is_run = destination.is_dir() && destination.join(MANIFEST).is_file();
    // A folder that holds only other run folders (`output/seed/check/`, written by
    // `check` before any `run`) is as good as empty: they are kept (see commit).
    let is_empty_dir = destination.is_dir()
        && fs::read_dir(destination)
            .map(|mut d| d.all(|e| e.is_ok_and(|e| e.path().join(MANIFEST).is_file())))
            .unwrap_or(false);
    if is_empty_dir {
        return Ok(());
    }
    if !is_run {
        return Err(OutputError::NotARunFolder {
            path: destination.to_path_buf(),
        });
    }
    if !force {
        return Err(OutputError::AlreadyExists {
            path: destination.to_path_buf(),
        });
    }
    Ok(())
}

/// Moves the run folders nested in a replaced result (`check/` inside a run
/// folder) into the new one, unless it has one of the same name: a `run --force`
/// replaces the run, not a `check` stored beside it.
fn keep_nested_runs(old: &Path, new: &Path) {
    let Ok(entries) = fs::read_dir(old) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let target = new.join(entry.file_name());
        if path.join(MANIFEST).is_file() && !target.exists() {
            let _ = fs::rename(&path, &target);
        }
    }
}

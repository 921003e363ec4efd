//! The one way a command publishes a result folder: stage (check the destination
//! and create a staging folder beside it), write the files, the manifest and the
//! charts into it, then commit (swap it into place). Between stages an interrupt
//! ends the command, and the staging folder is removed; an earlier result is
//! replaced only by the commit.
//!
//! Owns the order and the list of what was written; the bytes come from the
//! command (CSV and manifest from `output`, charts from `output::chart`). Must not
//! print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::{CliError, check_stop};
use crate::output::chart::{ChartError, ChartFormat};
use crate::output::{OutputError, Staging, StopWriter};

/// A result folder being written.
pub struct Publish<'a> {
    staging: Staging,
    /// Every file written so far, as the destination will hold it.
    written: Vec<PathBuf>,
    stop: &'a AtomicBool,
}

/// A committed result folder and the files in it, in the order written.
pub struct Published {
    pub folder: PathBuf,
    pub written: Vec<PathBuf>,
}

impl<'a> Publish<'a> {
    /// Refuses a destination that may not be written (an earlier result without
    /// `force`, a folder tradeoff-sim did not write), then creates the staging
    /// folder. Called before the simulation, so a refusal costs nothing.
    pub fn stage(destination: &Path, force: bool, stop: &'a AtomicBool) -> Result<Self, CliError> {
        Ok(Publish {
            staging: Staging::begin(destination, force)?,
            written: Vec::new(),
            stop,
        })
    }

    /// The staging folder, where charts are drawn from the files just written.
    pub fn dir(&self) -> &Path {
        self.staging.dir()
    }

    /// Writes one file of the result.
    pub fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), CliError> {
        check_stop(self.stop)?;
        self.written.push(self.staging.write(name, bytes)?);
        Ok(())
    }

    /// Writes one large file through `write`, which an interrupt stops mid-way;
    /// flushed to disk before it counts as written.
    pub fn stream(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        check_stop(self.stop)?;
        let path = self.staging.dir().join(name);
        let file = std::fs::File::create(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            action: "cannot create file",
            source,
        })?;
        let mut buffered = std::io::BufWriter::new(StopWriter::new(file, self.stop));
        write(&mut buffered)?;
        buffered
            .into_inner()
            .map(StopWriter::into_inner)
            .map_err(|e| OutputError::Io {
                path: path.clone(),
                action: "cannot write",
                source: std::io::Error::other(e.to_string()),
            })?
            .sync_all()
            .map_err(|source| OutputError::Io {
                path: path.clone(),
                action: "cannot flush to disk",
                source,
            })?;
        self.written.push(self.staging.destination().join(name));
        Ok(())
    }

    /// Writes `manifest.json`, the file that makes the folder a tradeoff-sim result.
    pub fn manifest(&mut self, json: &[u8]) -> Result<(), CliError> {
        self.file("manifest.json", json)
    }

    /// Draws the charts with `draw` (given the staging folder, which holds the
    /// files just written, exactly as `tradeoff-sim chart` would read them), unless
    /// `format` is `None` (`--charts none`).
    pub fn charts(
        &mut self,
        format: Option<ChartFormat>,
        draw: impl FnOnce(&Path, ChartFormat) -> Result<Vec<PathBuf>, ChartError>,
    ) -> Result<(), CliError> {
        let Some(format) = format else {
            return Ok(());
        };
        check_stop(self.stop)?;
        let dir = self.staging.dir();
        for path in draw(dir, format)? {
            if let Ok(relative) = path.strip_prefix(dir) {
                self.written.push(self.staging.destination().join(relative));
            }
        }
        Ok(())
    }

    /// Writes `report.html` and `results.xlsx` from the files written so far (the
    /// board pack; see [`crate::output::report`] and [`crate::output::workbook`]),
    /// with the charts inlined in the page when `charts`.
    pub fn report(
        &mut self,
        charts: bool,
        extras: &crate::output::report::Extras,
    ) -> Result<(), CliError> {
        check_stop(self.stop)?;
        use crate::output::{report, workbook};
        let html = report::run_report_html(self.staging.dir(), charts, extras)?;
        self.file(report::REPORT_HTML, &html)?;
        let facts = report::RunFacts::load(self.staging.dir())?;
        let xlsx = workbook::results_xlsx(&facts, extras).map_err(|e| OutputError::Io {
            path: self.staging.destination().join(workbook::RESULTS_XLSX),
            action: "cannot write the workbook",
            source: std::io::Error::other(e.to_string()),
        })?;
        self.file(workbook::RESULTS_XLSX, &xlsx)
    }

    /// The last point of no return: moves the result into place. After it the
    /// command has succeeded.
    pub fn commit(self) -> Result<Published, CliError> {
        check_stop(self.stop)?;
        let folder = self.staging.commit()?;
        Ok(Published {
            folder,
            written: self.written,
        })
    }
}

/// A manifest as written: pretty JSON and a final newline.
pub fn json_bytes(manifest: &impl serde::Serialize) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    json.push(b'\n');
    json
}

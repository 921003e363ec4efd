//! Reading a scenario file: refusing a folder, a huge file or one that is not
//! UTF-8, reading it once, and naming the scenario (its file stem, or its title
//! when it comes from a pipe), and reading once the files it `extends`
//! ([`super::extends`]). It hands the texts to the reader; it knows nothing of the
//! keys.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Override, Problem, ScenarioError, problems::line_column};
use crate::scenario::Scenario;
use crate::scenario::origin::BaseFile;

/// The largest scenario file read: the largest scenario allowed (64 strategies,
/// a long risk register and claims) is well under a megabyte.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads and validates the scenario at `path`. The scenario's name is the file stem.
pub fn from_path(path: &Path) -> Result<Scenario, ScenarioError> {
    from_path_with(path, &[])
}

/// Reads the scenario at `path` with `overrides` applied, then validates it.
pub fn from_path_with(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    from_path_keeping_bytes(path, overrides).map(|(scenario, _)| scenario)
}

/// [`from_path_with`], also returning the file's bytes as read: what a manifest
/// hashes and carries must be what was validated, and the file (a pipe, or one
/// being edited) is read only once.
pub fn from_path_keeping_bytes(
    path: &Path,
    overrides: &[Override],
) -> Result<(Scenario, Vec<u8>), ScenarioError> {
    let source = ScenarioSource::read(path)?;
    let scenario = source.parse(overrides)?;
    Ok((scenario, source.bytes))
}

/// A scenario file read once. A command that parses it several times (`check`
/// with its claim variants, every point of a `sweep`, every run of `sensitivity`)
/// parses these bytes, so a file edited during the command, or given as a pipe,
/// is still the one scenario the manifest records.
#[derive(Clone, Debug)]
pub struct ScenarioSource {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// The scenarios the file extends, nearest first, each read once.
    pub bases: Vec<BaseFile>,
    /// What is wrong with the file's `extends` chain, reported when it is parsed.
    chain_problems: Vec<Problem>,
}

impl ScenarioSource {
    /// Reads the file and every file it extends, refusing a folder and anything
    /// over [`MAX_SCENARIO_BYTES`].
    pub fn read(path: &Path) -> Result<ScenarioSource, ScenarioError> {
        let source = ScenarioSource::read_one(path)?;
        Ok(ScenarioSource::from_bytes(source.path, source.bytes))
    }

    /// A scenario's bytes as if read from `path`, with the files it extends read
    /// (relative to `path`'s folder).
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> ScenarioSource {
        let mut source = ScenarioSource {
            path,
            bytes,
            bases: Vec::new(),
            chain_problems: Vec::new(),
        };
        if let Ok(text) = std::str::from_utf8(&source.bytes) {
            match super::extends::resolve(text, Some(&source.path)) {
                Ok(bases) => source.bases = bases,
                Err(problems) => source.chain_problems = problems,
            }
        }
        source
    }

    /// Reads one file, refusing a folder and anything over [`MAX_SCENARIO_BYTES`];
    /// not the files it extends.
    pub(super) fn read_one(path: &Path) -> Result<ScenarioSource, ScenarioError> {
        if path.is_dir() {
            return Err(ScenarioError::IsFolder {
                path: path.to_path_buf(),
            });
        }
        let read_error = |source| ScenarioError::Read {
            path: path.to_path_buf(),
            source,
        };
        // Read at most one byte past the limit, so that a device or a huge file
        // (`/dev/zero`, a log given by mistake) is refused rather than read until
        // memory runs out.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes))
            .map_err(read_error)?;
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        Ok(ScenarioSource {
            path: path.to_path_buf(),
            bytes,
            bases: Vec::new(),
            chain_problems: Vec::new(),
        })
    }

    /// The scenario these bytes hold, with `overrides` applied.
    pub fn parse(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let (path, bytes) = (&self.path, &self.bytes);
        // The name becomes the default output folder, so a stem of only dots
        // (`..toml`) would name the folder itself or its parent.
        let descriptor = names_a_descriptor(path);
        let name = if descriptor {
            UNNAMED.to_string()
        } else {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.chars().all(|c| c == '.'))
                .unwrap_or_else(|| "scenario".to_string())
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let valid = err.valid_up_to();
                let prefix = String::from_utf8_lossy(&bytes[..valid]);
                let (line, column) = line_column(&prefix, prefix.len());
                return Err(ScenarioError::Invalid {
                    path: path.to_path_buf(),
                    problems: vec![Problem {
                        line,
                        column,
                        key: String::new(),
                        message: format!(
                            "the file is not valid UTF-8 (byte 0x{:02x} at offset {valid}); save it as UTF-8",
                            bytes[valid]
                        ),
                        origin: None,
                    }],
                });
            }
        };
        let invalid = |problems| ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems,
        };
        if !self.chain_problems.is_empty() {
            return Err(invalid(self.chain_problems.clone()));
        }
        let file = path.display().to_string();
        let mut scenario =
            super::read_with(text, &self.bases, &file, &name, overrides, true).map_err(invalid)?;
        scenario.source = Some(path.to_path_buf());
        if descriptor && let Some(slug) = slug(&scenario.title) {
            scenario.name = slug;
        }
        Ok(scenario)
    }
}

/// The name of a scenario read from a file descriptor (a pipe such as
/// `<(generate-scenario)`, or `/dev/stdin`) whose `title` gives no name.
pub const UNNAMED: &str = "unnamed-scenario";

/// Whether `path` names a file descriptor rather than a file: `/dev/stdin`,
/// `/dev/fd/N` or `/proc/<pid>/fd/N`, as a shell's process substitution
/// `<(...)` gives. Its stem (`63`) says nothing about the scenario.
pub(super) fn names_a_descriptor(path: &Path) -> bool {
    if path == Path::new("/dev/stdin") {
        return true;
    }
    let in_fd_folder = path
        .parent()
        .is_some_and(|p| p.file_name().is_some_and(|n| n == "fd"))
        && (path.starts_with("/dev") || path.starts_with("/proc"));
    in_fd_folder
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().chars().all(|c| c.is_ascii_digit()))
}

/// A folder name from a scenario's title: lower case, letters and digits kept,
/// every other run of characters one `-`, at most 60 characters. `None` when
/// nothing is left, or for the default title (the name itself).
pub(super) fn slug(title: &str) -> Option<String> {
    const LONGEST: usize = 60;
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(LONGEST).collect();
    let slug = slug.trim_end_matches('-');
    (!slug.is_empty() && slug != UNNAMED).then(|| slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn only_descriptor_paths_lose_their_file_name() {
        for path in [
            "/dev/fd/63",
            "/proc/self/fd/12",
            "/proc/4242/fd/3",
            "/dev/stdin",
        ] {
            assert!(names_a_descriptor(Path::new(path)), "{path}");
        }
        for path in [
            "seed.toml",
            "fd/63",
            "/home/me/fd/63.toml",
            "/dev/fd",
            "scenarios/63",
        ] {
            assert!(!names_a_descriptor(Path::new(path)), "{path}");
        }
    }

    #[test]
    pub(super) fn a_title_becomes_a_folder_name_of_lower_case_words_joined_by_dashes() {
        assert_eq!(
            slug("Peak season: Q4 plan").as_deref(),
            Some("peak-season-q4-plan")
        );
        assert_eq!(slug("  Étude -- v2 ").as_deref(), Some("étude-v2"));
        assert_eq!(slug("../../etc").as_deref(), Some("etc"), "never a path");
        assert_eq!(
            slug("?!").as_deref(),
            None,
            "nothing left: the fallback name"
        );
        assert_eq!(slug(UNNAMED).as_deref(), None, "the default title");
        let long = slug(&"word ".repeat(40)).expect("a name");
        assert!(long.chars().count() <= 60 && !long.ends_with('-'), "{long}");
    }
}

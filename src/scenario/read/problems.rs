//! The problems a reading collects: [`Problem`] (where, which key, what is wrong
//! and what is allowed), [`ScenarioError`] (why a file could not be loaded) and how
//! they are rendered, plus the [`Reader`] methods that locate, sort and report them,
//! including unknown and missing keys. It does not decide what is wrong: the table
//! readers do.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::values::Tbl;
use super::{MAX_SCENARIO_BYTES, Reader};

/// One thing wrong with a scenario, located in the file or in an override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (0 for a problem in an override).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Dotted key path, e.g. `strategies.ux_led.api_failure_rate`.
    pub key: String,
    pub message: String,
    /// `--set KEY=VALUE` when the problem lies in a command-line override.
    pub origin: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            return if self.key.is_empty() {
                write!(f, "{origin}: {}", self.message)
            } else {
                write!(f, "{origin}: {}: {}", self.key, self.message)
            };
        }
        if self.key.is_empty() {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.line, self.column, self.key, self.message
            )
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read the scenario file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: is a folder; give the path of a .toml scenario file", path.display())]
    IsFolder { path: PathBuf },
    #[error(
        "{}: is larger than {} MiB; a scenario file is a few kilobytes (is this the right file?)",
        path.display(),
        MAX_SCENARIO_BYTES >> 20
    )]
    TooLarge { path: PathBuf },
    #[error("{}", render_problems(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

pub(super) fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if p.origin.is_some() {
            out.push_str(&p.to_string());
        } else {
            out.push_str(&format!("{}:{p}", path.display()));
        }
    }
    let n = problems.len();
    out.push_str(&format!(
        "\n{} problem{} in {}",
        n,
        if n == 1 { "" } else { "s" },
        path.display()
    ));
    out
}

/// Where a base file's text sits in the reader's source (after the file's own).
pub(super) struct FileRegion {
    pub(super) start: usize,
    pub(super) end: usize,
    /// The file as problems name it.
    pub(super) file: String,
}

impl Reader<'_> {
    /// The base file holding byte `offset` of the source, if any: its index and
    /// the (line, column) of the offset within it.
    pub(super) fn in_base(&self, offset: usize) -> Option<(usize, usize, usize)> {
        if offset <= self.text_len {
            return None;
        }
        let i = self
            .files
            .iter()
            .position(|f| (f.start..=f.end).contains(&offset))?;
        let f = &self.files[i];
        let (line, column) = line_column(&self.src[f.start..f.end], offset - f.start);
        Some((i, line, column))
    }

    pub(super) fn problem(&mut self, span: Range<usize>, key: &str, message: String) {
        if let Some((i, line, column)) = self.in_base(span.start) {
            // A value written in a file this one extends: name that file.
            self.problems.push(Problem {
                line,
                column,
                key: key.to_string(),
                message,
                origin: Some(format!("{}:{line}:{column}", self.files[i].file)),
            });
            return;
        }
        if span.start > self.text_len {
            let origin = self
                .regions
                .iter()
                .find(|r| (r.start..=r.end).contains(&span.start))
                .map(|r| r.spec.clone())
                .unwrap_or_else(|| "--set".to_string());
            self.problems.push(Problem {
                line: 0,
                column: 0,
                key: key.to_string(),
                message,
                origin: Some(origin),
            });
            return;
        }
        let (line, column) = line_column(&self.src[..self.text_len], span.start);
        self.problems.push(Problem {
            line,
            column,
            key: key.to_string(),
            message,
            origin: None,
        });
    }

    pub(super) fn sort(&mut self) {
        // File problems in file order, then those of each base file, nearest first,
        // then override problems in command-line order.
        let (regions, files) = (self.regions, &self.files);
        self.problems.sort_by_key(|p| {
            let origin = p.origin.as_ref().map(|o| {
                files
                    .iter()
                    .position(|f| o.starts_with(&format!("{}:", f.file)))
                    .unwrap_or_else(|| {
                        files.len() + regions.iter().position(|r| &r.spec == o).unwrap_or(0)
                    })
            });
            (origin, p.line, p.column)
        });
        self.problems.dedup();
    }

    /// Reports keys of `t` that were never asked for.
    pub(super) fn finish(&mut self, t: Tbl<'_, '_>) {
        let Some(table) = t.table else { return };
        for (k, _) in table.iter() {
            let key = k.get_ref().as_ref();
            if !t.asked.contains(&key) {
                let mut allowed: Vec<&str> = t.asked.clone();
                allowed.sort_unstable();
                allowed.dedup();
                let hint = closest(key, &allowed)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.problem(
                    k.span(),
                    &t.key_path(key),
                    format!("unknown key{hint}; allowed here: {}", allowed.join(", ")),
                );
            }
        }
    }

    pub(super) fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, what: &str) {
        let where_ = if t.path.is_empty() {
            "at the top of the file".to_string()
        } else {
            format!("in [{}]", t.path)
        };
        self.problem(
            t.span.clone(),
            &t.key_path(key),
            format!("missing; add `{key} = ...` {where_} ({what})"),
        );
    }
}

/// (line, column), both 1-based, of a byte offset; column counts characters.
pub(super) fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let mut start = offset;
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    let before = &src[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The allowed key closest to a misspelt one, if any is close (edit distance <= 2).
pub(super) fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, a)| a)
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn line_and_column_count_characters() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, src.rfind('=').unwrap()), (2, 4));
    }

    #[test]
    pub(super) fn edit_distance_suggests_near_keys() {
        assert_eq!(
            closest("governence", &["governance", "label"]),
            Some("governance")
        );
        assert_eq!(closest("zzz", &["governance"]), None);
    }
}

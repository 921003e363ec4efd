//! A scenario read once and then read again under other overrides, quickly: what
//! a live what-if needs when a slider moves. The text and the files it extends
//! are parsed and merged once ([`Editor::new`]); each [`Editor::read`] applies
//! its `KEY=VALUE` overrides to a copy of that document and reads it, through the
//! same code as `--set` on the command line, so the scenario (and any problem)
//! is exactly the one `run --set KEY=VALUE` gets.
//!
//! This module owns no file access: the text and its bases are given.

use std::path::PathBuf;

use super::origin::BaseFile;
use super::read::Parsed;
use super::{Override, Scenario, ScenarioError};

/// A scenario's text and the files it extends, as one reading's source.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file's text followed by each base's.
    prefix: String,
    text_len: usize,
    bases: Vec<BaseFile>,
    /// The file as problems name it.
    file: String,
    /// The scenario's name (a file's stem).
    name: String,
}

impl Source {
    /// The scenario `text` of the file `file` (named `name`) over `bases`, the
    /// files it extends, nearest first, as a [`Scenario`]'s `bases` hold them.
    pub fn new(file: &str, name: &str, text: &str, bases: Vec<BaseFile>) -> Source {
        Source {
            prefix: Parsed::source_of(text, &bases),
            text_len: text.len(),
            bases,
            file: file.to_string(),
            name: name.to_string(),
        }
    }

    /// The file's own text.
    pub fn text(&self) -> &str {
        &self.prefix[..self.text_len]
    }
}

/// A [`Source`] parsed and merged once, to be read under any overrides.
pub struct Editor<'s> {
    source: &'s Source,
    parsed: Parsed<'s>,
}

impl<'s> Editor<'s> {
    /// Parses `source` and merges the files it extends (the costly part of a
    /// reading, done once).
    pub fn new(source: &'s Source) -> Editor<'s> {
        Editor {
            source,
            parsed: Parsed::new(&source.prefix, source.text_len, &source.bases, &source.file),
        }
    }

    /// The scenario with `overrides` applied, claims' overrides checked too:
    /// what reading the file with `--set` gives, errors included.
    pub fn read(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        self.read_checking(overrides, true)
    }

    /// [`Editor::read`]; without `check_claims`, the claims' own overrides are not
    /// read again (they change no figure of a run, only what `check` may refuse).
    pub fn read_checking(
        &self,
        overrides: &[Override],
        check_claims: bool,
    ) -> Result<Scenario, ScenarioError> {
        self.parsed
            .read(&self.source.name, overrides, check_claims)
            .map_err(|problems| ScenarioError::Invalid {
                path: PathBuf::from(&self.source.file),
                problems,
            })
    }
}

//! The scenario file format: every key, its default and its allowed range.
//!
//! The file is parsed with `toml`'s span-keeping document tree, then walked by hand
//! rather than through `#[derive(Deserialize)]`: serde stops at the first error,
//! while a consultant fixing a file wants every problem at once, each with its
//! line, column and key path. Unknown keys are errors (a typo must not silently
//! fall back to a default).
//!
//! One [`Reader`] walks the whole file and collects every problem; each child
//! module adds the part of it that reads one table or one kind of value:
//!
//! - `source`: reading the file (size, UTF-8, folder, pipe) and naming the scenario;
//! - `problems`: [`Problem`], [`ScenarioError`] and how problems are located, sorted
//!   and rendered; unknown and missing keys;
//! - `syntax`: TOML syntax errors and duplicate keys, made readable;
//! - `overrides`: `--set KEY.PATH=VALUE`, applied to the parsed file;
//! - `values`: numbers, whole numbers, booleans, strings and governance curves;
//! - `dists`: distributions and where their draws must fall;
//! - `names`: titles, labels and risk names shown on tables and charts;
//! - `meta`: the top level (title, currency, trials, seed) and the order tables are read in;
//! - `build`, `post_launch`, `costs`: the model's shared tables;
//! - `strategies`, `risks`, `claims`, `sensitivity`: the tables of the same names;
//! - `extends`: the chain of files a scenario extends, merged into one document
//!   before any value is read (MODEL.md §8.7);
//! - `provenance`: each file's `[provenance]`, giving every parameter its evidence
//!   class (§8.6);
//! - `unused`: warnings for values written that cannot change any output (§8.8);
//! - `limits`: counts refused before anything is read, and the work of one trial;
//! - `keys`: the catalogue of every key a scenario may set, as `scenarios/README.md`
//!   documents it; `key_labels`: each key's plain-language label;
//! - `report`, `decision`: the `[report]` and `[decision]` tables (presentation only).
//!
//! This module must not sample or simulate: it only reads and checks.

use toml::de::DeTable;

mod build;
mod claims;
mod costs;
mod decision;
mod dists;
mod events;
pub(crate) mod extends;
mod key_labels;
mod keys;
mod limits;
mod meta;
mod names;
mod overrides;
mod post_launch;
mod problems;
mod provenance;
mod report;
mod risks;
mod sensitivity;
mod source;
mod strategies;
mod support;
mod syntax;
mod unused;
mod values;

use std::path::Path;

use super::origin::BaseFile;
use super::{Parameter, Scenario};
use overrides::OverrideRegion;
use values::Tbl;

pub use decision::{DecisionSpec, DecisionStat};
pub use extends::{BUILTIN_SCENARIOS, MAX_EXTENDS_DEPTH, builtin_scenario};
pub use key_labels::{KeyNames, event_words, key_label, label_of_key};
pub use keys::{Key, KeyTable, keys};
pub use limits::{MAX_EVENTS_PER_TRIAL, horizon_rate_share};
pub use overrides::Override;
pub use problems::{MAX_SHOWN_PROBLEMS, Problem, ScenarioError};
pub use report::{Audience, MAX_REPORT_SUBTITLE_CHARS, ReportSpec};
pub use sensitivity::{DEFAULT_SWING, FRAMING_KEYS};
pub use source::{
    MAX_SCENARIO_BYTES, ScenarioSource, from_path, from_path_keeping_bytes, from_path_with,
    stop_reads_on,
};

/// The seed used when a scenario gives none: fixed, so that two runs of the same
/// file agree (never the clock).
pub const DEFAULT_SEED: u64 = 2026;
/// Most trials a scenario may ask for.
pub const MAX_TRIALS: u64 = 1_000_000_000;
/// Most strategies and risks a scenario may hold.
pub const MAX_STRATEGIES: usize = 64;
pub const MAX_RISKS: usize = 1000;
/// Most known peak events (`[[events]]`) a scenario may hold: each adds two metrics.
pub const MAX_EVENTS: usize = 32;
/// Most characters in a strategy's `label`: what the bar charts' category labels hold on
/// two lines and the tradeoff chart's point labels hold on one, at a readable size.
pub const MAX_LABEL_CHARS: usize = 48;
/// Most characters in the scenario's `title`, which heads the console tables and
/// every chart's subtitle (with the trial count and the seed).
pub const MAX_TITLE_CHARS: usize = 80;
/// Most characters in a risk's `name`, which names the risk in the sensitivity tables and
/// on the tornado charts' driver column.
pub const MAX_RISK_NAME_CHARS: usize = 64;
/// Most characters in a claim's `id`, the first column of the `check` table.
pub const MAX_CLAIM_ID_CHARS: usize = 48;

/// Parses and validates scenario text; `name` becomes the scenario's name.
/// On failure, returns every problem found, in file order.
pub fn from_str(text: &str, name: &str) -> Result<Scenario, Vec<Problem>> {
    from_str_with(text, name, &[])
}

/// [`from_str`] with `overrides` applied to the parsed file before validation.
/// An `extends` path is relative to the working folder (see [`from_text_at`]).
///
/// Each override is appended, as `KEY=VALUE`, to a copy of the text past its end,
/// and its value is parsed from there: every span then points either into the file
/// or into one override, and a problem names whichever it lies in.
pub fn from_str_with(
    text: &str,
    name: &str,
    overrides: &[Override],
) -> Result<Scenario, Vec<Problem>> {
    from_text(text, None, name, overrides)
}

/// [`from_str_with`] for text that was read from `path` (a shard's recorded
/// scenario): an `extends` path is relative to that file's folder.
pub fn from_text_at(
    text: &str,
    path: &Path,
    name: &str,
    overrides: &[Override],
) -> Result<Scenario, Vec<Problem>> {
    from_text(text, Some(path), name, overrides)
}

fn from_text(
    text: &str,
    path: Option<&Path>,
    name: &str,
    overrides: &[Override],
) -> Result<Scenario, Vec<Problem>> {
    let bases = extends::resolve(text, path)?;
    let file = path.map_or(name.to_string(), |p| p.display().to_string());
    read_with(text, &bases, &file, name, overrides, true)
}

/// Reads `text` (the file `file`) over the scenarios it extends (`bases`, nearest
/// first); with `claim_variants`, also reads it again under each claim's
/// overrides (`[[claims]] set = [...]`) and reports their problems at the claim.
///
/// The file's text comes first in the reader's source, then each base's, then the
/// overrides': every span points into exactly one of them, so a problem names the
/// file (or override) that holds the offending value.
fn read_with(
    text: &str,
    bases: &[BaseFile],
    file: &str,
    name: &str,
    overrides: &[Override],
    claim_variants: bool,
) -> Result<Scenario, Vec<Problem>> {
    let prefix = Parsed::source_of(text, bases);
    Parsed::new(&prefix, text.len(), bases, file).read(name, overrides, claim_variants)
}

/// A scenario's text and the files it extends, parsed and merged into one
/// document before any override is applied. [`Parsed::read`] reads it under a
/// list of overrides without parsing the text again: what `--set` on the command
/// line, each claim's `set`, and a live what-if (`scenario::edit`) all go
/// through, so a value set later is read exactly as one set on the command line.
pub(crate) struct Parsed<'t> {
    /// The file's text, then each base's, each followed by a newline
    /// ([`Parsed::source_of`]): the start of every reading's source.
    prefix: &'t str,
    /// Length of the file's own text within `prefix`.
    text_len: usize,
    bases: &'t [BaseFile],
    file: &'t str,
    layers: Layers<'t>,
}

/// What parsing and merging the layers gave.
enum Layers<'t> {
    /// A byte-order mark or a syntax error: every reading fails with these.
    Refused(Vec<Problem>),
    Merged {
        doc: toml::Spanned<DeTable<'t>>,
        provenance: Vec<Option<toml::Spanned<toml::de::DeValue<'t>>>>,
        /// Problems found while merging (a bad `extends` or `drop_*`), still to
        /// be located: a reading reports them with its own.
        problems: Vec<Problem>,
        unlocated: Vec<(usize, usize)>,
    },
}

impl<'t> Parsed<'t> {
    /// The source every reading of `text` over `bases` starts with.
    pub(crate) fn source_of(text: &str, bases: &[BaseFile]) -> String {
        let extra: usize = bases.iter().map(|b| b.text.len() + 1).sum();
        let mut all = String::with_capacity(text.len() + 1 + extra);
        all.push_str(text);
        all.push('\n');
        for base in bases {
            all.push_str(&base.text);
            all.push('\n');
        }
        all
    }

    /// Where each base's text sits in the source, after the file's own text.
    fn regions_of(text_len: usize, bases: &[BaseFile]) -> Vec<problems::FileRegion> {
        let mut start = text_len + 1;
        let mut files = Vec::with_capacity(bases.len());
        for base in bases {
            files.push(problems::FileRegion {
                start,
                end: start + base.text.len(),
                file: base.file.clone(),
            });
            start += base.text.len() + 1;
        }
        files
    }

    /// Parses `prefix` ([`Parsed::source_of`] of the file's `text_len` bytes of
    /// text and `bases`) and merges its layers.
    pub(crate) fn new(
        prefix: &'t str,
        text_len: usize,
        bases: &'t [BaseFile],
        file: &'t str,
    ) -> Parsed<'t> {
        let text = &prefix[..text_len];
        let mut reader = Reader::over(prefix, text_len, bases, file, &[]);
        let layers = 'layers: {
            if text.starts_with('\u{feff}') {
                reader.problem(
                    0..0,
                    "",
                    "the file starts with a byte-order mark; save it as UTF-8 without BOM"
                        .to_string(),
                );
                reader.sort();
                break 'layers Layers::Refused(reader.problems);
            }
            let (doc, errors) = DeTable::parse_recoverable(text);
            let mut syntax_errors = !errors.is_empty();
            if syntax_errors {
                reader.syntax(&errors);
            }
            let mut docs = vec![doc];
            for i in 0..reader.files.len() {
                let (start, end) = (reader.files[i].start, reader.files[i].end);
                let (doc, errors) = DeTable::parse_recoverable(&prefix[start..end]);
                if !errors.is_empty() {
                    reader.base_syntax(&errors, start);
                    syntax_errors = true;
                }
                docs.push(extends::shift_table(doc, start));
            }
            if syntax_errors {
                reader.sort();
                break 'layers Layers::Refused(reader.problems);
            }
            let (doc, provenance) = reader.merge_layers(docs);
            Layers::Merged {
                doc,
                provenance,
                problems: reader.problems,
                unlocated: reader.unlocated,
            }
        };
        Parsed {
            prefix,
            text_len,
            bases,
            file,
            layers,
        }
    }

    /// Reads the scenario (named `name`) with `overrides` applied to the merged
    /// document; with `claim_variants`, also reads it under each claim's
    /// overrides and reports their problems at the claim.
    pub(crate) fn read(
        &self,
        name: &str,
        overrides: &[Override],
        claim_variants: bool,
    ) -> Result<Scenario, Vec<Problem>> {
        let (doc, provenance, problems, unlocated) = match &self.layers {
            Layers::Refused(problems) => return Err(problems.clone()),
            Layers::Merged {
                doc,
                provenance,
                problems,
                unlocated,
            } => (doc, provenance, problems, unlocated),
        };
        let mut all = String::with_capacity(self.prefix.len() + 64 * overrides.len());
        all.push_str(self.prefix);
        let mut regions = Vec::with_capacity(overrides.len());
        for o in overrides {
            let start = all.len();
            all.push_str(&o.key);
            all.push('=');
            all.push_str(&o.value);
            regions.push(OverrideRegion {
                start,
                end: all.len(),
                spec: format!("--set {o}"),
            });
            all.push('\n');
        }
        let mut reader = Reader::over(&all, self.text_len, self.bases, self.file, &regions);
        reader.problems = problems.clone();
        reader.unlocated = unlocated.clone();
        let mut doc = doc.clone();
        reader.apply_overrides(&mut doc, &all, overrides, &regions);
        if reader.refuse_over_limit_counts(doc.get_ref()) {
            reader.sort();
            return Err(reader.problems);
        }
        reader.refuse_file_keys_set(doc.get_mut());
        let root = Tbl::new(String::new(), Some(doc.get_ref()), doc.span());
        let mut scenario = reader.scenario(root, name);
        scenario.bases = self.bases.to_vec();
        reader.governance_needed(doc.get_ref(), &scenario);
        if reader.problems.is_empty() {
            reader.bound_trial_work(doc.get_ref(), &scenario);
        }
        if reader.problems.is_empty() {
            reader.evidence(doc.get_ref(), provenance, &mut scenario);
            reader.unused_inputs(doc.get_ref(), &scenario);
        }
        if claim_variants && reader.problems.is_empty() {
            reader.claim_variants(self, name, overrides, &scenario);
        }
        if reader.problems.is_empty() {
            scenario.warnings = std::mem::take(&mut reader.warnings);
            Ok(scenario)
        } else {
            reader.sort();
            Err(reader.problems)
        }
    }
}

/// One reading of a scenario: the text, where each override sits in it, and every
/// problem found so far. Its methods, one child module per table or kind of value,
/// read the document top-down and report a problem rather than stop.
struct Reader<'s> {
    /// The file's text, followed by the overrides' text.
    src: &'s str,
    /// Length of the file's text within `src`.
    text_len: usize,
    /// Where each base's text sits in `src`, nearest base first.
    files: Vec<problems::FileRegion>,
    /// The file being read, as problems and warnings name it.
    file: &'s str,
    regions: &'s [OverrideRegion],
    problems: Vec<Problem>,
    /// (index in `problems`, byte offset) of each problem whose line and column
    /// are still to be found: all are found in one pass when the reading ends.
    unlocated: Vec<(usize, usize)>,
    /// Byte offset where each line of the file starts, once asked for.
    line_starts: Vec<usize>,
    /// Values that change nothing (MODEL.md §8.8), as `file:line: key: why`.
    warnings: Vec<String>,
    /// Every numeric key read so far (file value or default), in reading order:
    /// what a sensitivity analysis may swing and the range it must stay in.
    catalogue: Vec<Parameter>,
    /// Where each `[[claims]]` override was written.
    claim_overrides: Vec<claims::OverrideSite>,
    /// The metrics a run of the scenario reports, once its strategies and events
    /// are read: what a claim may name.
    reported: Vec<crate::metric::Metric>,
}

impl<'s> Reader<'s> {
    /// A reader of `src` (the file's `text_len` bytes of text, its bases', then
    /// the overrides' at `regions`) that has found nothing yet.
    fn over(
        src: &'s str,
        text_len: usize,
        bases: &[BaseFile],
        file: &'s str,
        regions: &'s [OverrideRegion],
    ) -> Reader<'s> {
        Reader {
            src,
            text_len,
            files: Parsed::regions_of(text_len, bases),
            file,
            regions,
            problems: Vec::new(),
            unlocated: Vec::new(),
            line_starts: Vec::new(),
            warnings: Vec::new(),
            catalogue: Vec::new(),
            claim_overrides: Vec::new(),
            reported: crate::metric::Metric::ALL.to_vec(),
        }
    }
}

//! The scenario file format: every key, its default and its allowed range.
//!
//! The file is parsed with `toml`'s span-keeping document tree, then walked by hand
//! rather than through `#[derive(Deserialize)]`: serde stops at the first error,
//! while a consultant fixing a file wants every problem at once, each with its
//! line, column and key path. Unknown keys are errors (a typo must not silently
//! fall back to a default).

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod claims;

use super::dist::Dist;
use super::{
    Allowed, Api, Build, Churn, Cost, Drivers, GovernanceCurve, Horizon, Incidents, ParamValue,
    Parameter, Risk, RiskEffects, Scenario, Strategy, Surges, WalkAway,
};

mod sensitivity;

pub use sensitivity::{DEFAULT_SWING, FRAMING_KEYS};

/// The seed used when a scenario gives none: fixed, so that two runs of the same
/// file agree (never the clock).
pub const DEFAULT_SEED: u64 = 2026;
/// Most trials a scenario may ask for.
pub const MAX_TRIALS: u64 = 1_000_000_000;
/// Most strategies and risks a scenario may hold.
pub const MAX_STRATEGIES: usize = 64;
pub const MAX_RISKS: usize = 1000;
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

/// What a name shown to people may hold: how long it may be, whether it is drawn on charts
/// (and so limited to what the chart font draws), and words for the messages.
#[derive(Clone, Copy)]
struct NameRule {
    max_chars: usize,
    on_charts: bool,
    /// Where it is shown: "it names the strategy on tables and charts".
    shown: &'static str,
    /// What the default is, for a problem with it: "the file name".
    default_is: &'static str,
}

impl NameRule {
    const TITLE: NameRule = NameRule {
        max_chars: MAX_TITLE_CHARS,
        on_charts: true,
        shown: "it heads the tables and every chart",
        default_is: "the file name",
    };
    const LABEL: NameRule = NameRule {
        max_chars: MAX_LABEL_CHARS,
        on_charts: true,
        shown: "it names the strategy on tables and charts",
        default_is: "the strategy's id",
    };
    const RISK_NAME: NameRule = NameRule {
        max_chars: MAX_RISK_NAME_CHARS,
        on_charts: true,
        shown: "it names the risk in sensitivity tables and charts",
        default_is: "",
    };
}

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

fn render_problems(path: &Path, problems: &[Problem]) -> String {
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

/// A `--set KEY.PATH=VALUE` override, applied to the file before validation, so
/// it is checked exactly like a line of the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Override {
    /// Dotted key path; `risks[0].probability` indexes an array of tables.
    pub key: String,
    /// A TOML value (`0.62`, `true`, `{ pert = [1, 2, 4] }`, `"text"`); text that is
    /// not TOML is taken as a string.
    pub value: String,
}

impl Override {
    /// Parses `KEY.PATH=VALUE`.
    pub fn parse(text: &str) -> Result<Override, String> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(Override {
                key: key.trim().to_string(),
                value: value.trim().to_string(),
            }),
            _ => Err(format!(
                "expected KEY.PATH=VALUE, e.g. strategies.hybrid.governance=0.62; got {text:?}"
            )),
        }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

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
}

impl ScenarioSource {
    /// Reads the file, refusing a folder and anything over [`MAX_SCENARIO_BYTES`].
    pub fn read(path: &Path) -> Result<ScenarioSource, ScenarioError> {
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
        let mut scenario =
            from_str_with(text, &name, overrides).map_err(|problems| ScenarioError::Invalid {
                path: path.to_path_buf(),
                problems,
            })?;
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
fn names_a_descriptor(path: &Path) -> bool {
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
fn slug(title: &str) -> Option<String> {
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

/// Parses and validates scenario text; `name` becomes the scenario's name.
/// On failure, returns every problem found, in file order.
pub fn from_str(text: &str, name: &str) -> Result<Scenario, Vec<Problem>> {
    from_str_with(text, name, &[])
}

/// Where an override's text sits in the reader's source (after the file's text).
struct OverrideRegion {
    start: usize,
    end: usize,
    spec: String,
}

/// [`from_str`] with `overrides` applied to the parsed file before validation.
///
/// Each override is appended, as `KEY=VALUE`, to a copy of the text past its end,
/// and its value is parsed from there: every span then points either into the file
/// or into one override, and a problem names whichever it lies in.
pub fn from_str_with(
    text: &str,
    name: &str,
    overrides: &[Override],
) -> Result<Scenario, Vec<Problem>> {
    read_with(text, name, overrides, true)
}

/// [`from_str_with`]; with `claim_variants`, also reads the file again under each
/// claim's overrides (`[[claims]] set = [...]`) and reports their problems at the
/// claim.
fn read_with(
    text: &str,
    name: &str,
    overrides: &[Override],
    claim_variants: bool,
) -> Result<Scenario, Vec<Problem>> {
    let mut all = String::with_capacity(text.len() + 64 * overrides.len());
    all.push_str(text);
    all.push('\n');
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
    let mut reader = Reader {
        src: &all,
        text_len: text.len(),
        regions: &regions,
        problems: Vec::new(),
        catalogue: Vec::new(),
        claim_overrides: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        reader.problem(
            0..0,
            "",
            "the file starts with a byte-order mark; save it as UTF-8 without BOM".to_string(),
        );
        return Err(reader.problems);
    }
    let (mut doc, errors) = DeTable::parse_recoverable(&all[..text.len()]);
    if !errors.is_empty() {
        reader.syntax(&errors);
        reader.sort();
        return Err(reader.problems);
    }
    for (o, region) in overrides.iter().zip(&regions) {
        let value_start = region.start + o.key.len() + 1;
        let value_text = &all[value_start..region.end];
        let value = match DeValue::parse(value_text) {
            Ok(v) => shift(v, value_start),
            Err(_) if value_text.is_empty() => {
                reader.problem(
                    region.start..region.end,
                    &o.key,
                    "no value after `=`".to_string(),
                );
                continue;
            }
            // Not TOML: take the text as a string, so `--set title=Q3 board` works.
            Err(_) => Spanned::new(
                value_start..region.end,
                DeValue::String(std::borrow::Cow::Borrowed(value_text)),
            ),
        };
        let key_span = region.start..region.start + o.key.len();
        if let Err(message) = apply_override(doc.get_mut(), &o.key, value, key_span) {
            reader.problem(region.start..region.end, &o.key, message);
        }
    }
    let root = Tbl::new(String::new(), Some(doc.get_ref()), doc.span());
    let scenario = reader.scenario(root, name);
    if claim_variants && reader.problems.is_empty() {
        reader.claim_variants(text, name, overrides, &scenario);
    }
    if reader.problems.is_empty() {
        Ok(scenario)
    } else {
        reader.sort();
        Err(reader.problems)
    }
}

/// A value parsed from a slice starting at `by`, with its spans made absolute.
fn shift(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = v.span();
    let span = span.start + by..span.end + by;
    let value = match v.into_inner() {
        DeValue::Table(t) => {
            let mut shifted = DeTable::new();
            for (k, v) in t {
                let ks = k.span();
                shifted.insert(
                    Spanned::new(ks.start + by..ks.end + by, k.into_inner()),
                    shift(v, by),
                );
            }
            DeValue::Table(shifted)
        }
        DeValue::Array(mut a) => {
            for item in a.iter_mut() {
                let owned = std::mem::replace(item, Spanned::new(0..0, DeValue::Boolean(false)));
                *item = shift(owned, by);
            }
            DeValue::Array(a)
        }
        other => other,
    };
    Spanned::new(span, value)
}

/// One step of an override's key path: `name` or `name[index]`.
fn parse_segment(segment: &str) -> Result<(&str, Option<usize>), String> {
    match segment.split_once('[') {
        None if !segment.is_empty() => Ok((segment, None)),
        Some((name, rest)) if !name.is_empty() => {
            let index = rest
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
                .ok_or_else(|| format!("`{segment}`: an index is written name[0]"))?;
            Ok((name, Some(index)))
        }
        _ => Err(format!("empty step in the key path (`{segment}`)")),
    }
}

/// Sets `path` in `table` to `value`, creating missing tables on the way (the
/// reader then reports any key that is not allowed there).
fn apply_override<'i>(
    table: &mut DeTable<'i>,
    path: &str,
    value: Spanned<DeValue<'i>>,
    key_span: Range<usize>,
) -> Result<(), String> {
    let steps: Vec<&str> = path.split('.').collect();
    let mut table = table;
    for (i, step) in steps.iter().enumerate() {
        let (name, index) = parse_segment(step)?;
        let last = i + 1 == steps.len();
        let so_far = steps[..=i].join(".");
        let exists = table.iter().any(|(k, _)| k.get_ref().as_ref() == name);
        if !exists {
            if index.is_some() {
                return Err(format!("`{}` does not exist, so it has no [index]", name));
            }
            // `strategies.hybird.governance=0.3`: a typo would otherwise make a new,
            // incomplete strategy, reported as a list of its missing keys.
            if i == 1 && steps[0] == "strategies" && !last {
                let ids: Vec<&str> = table.iter().map(|(k, _)| k.get_ref().as_ref()).collect();
                let hint = closest(name, &ids)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "no strategy `{name}` in this scenario{hint}; strategies: {}. A --set changes a value of a strategy; to add one, write its [strategies.{name}] table in the file",
                    ids.join(", ")
                ));
            }
            let fresh = if last {
                value.clone()
            } else {
                Spanned::new(key_span.clone(), DeValue::Table(DeTable::new()))
            };
            table.insert(
                Spanned::new(key_span.clone(), std::borrow::Cow::Owned(name.to_string())),
                fresh,
            );
            if last {
                return Ok(());
            }
        }
        let slot = table
            .iter_mut()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("cannot set `{so_far}`"))?;
        let slot = match index {
            None => slot,
            Some(n) => match slot.get_mut() {
                DeValue::Array(items) => {
                    let len = items.len();
                    items.get_mut(n).ok_or_else(|| {
                        format!("`{so_far}`: index {n} is out of range; there are {len}")
                    })?
                }
                other => {
                    return Err(format!(
                        "`{name}` is {}, not an array, so it has no [index]",
                        type_name(other)
                    ));
                }
            },
        };
        if last {
            *slot = value;
            return Ok(());
        }
        table = match slot.get_mut() {
            DeValue::Table(t) => t,
            other => {
                return Err(format!(
                    "cannot set `{path}`: `{so_far}` is {}, not a table",
                    type_name(other)
                ));
            }
        };
    }
    Ok(())
}

/// (line, column), both 1-based, of a byte offset; column counts characters.
fn line_column(src: &str, offset: usize) -> (usize, usize) {
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

/// The table header text of a line such as `[strategies.ux_led]` or `[[risks]]`,
/// without brackets or spaces.
fn header_of(line: &str) -> Option<String> {
    let t = line.trim();
    let t = t.split('#').next().unwrap_or("").trim();
    if !t.starts_with('[') || !t.ends_with(']') {
        return None;
    }
    let inner = t.trim_start_matches('[').trim_end_matches(']');
    Some(
        inner
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace('"', ""),
    )
}

/// The table that `offset` lies in, and whether it lies in the header itself.
fn section_at(src: &str, offset: usize) -> (String, bool) {
    let mut section = String::new();
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let end = pos + line.len();
        let header = header_of(line);
        if offset < end {
            return match header {
                Some(h) => (h, true),
                None => (section, false),
            };
        }
        if let Some(h) = header {
            section = h;
        }
        pos = end;
    }
    (section, false)
}

/// The 1-based line of the first header `[path]`.
fn first_header_line(src: &str, path: &str) -> Option<usize> {
    src.lines()
        .position(|l| header_of(l).as_deref() == Some(path))
        .map(|i| i + 1)
}

/// The 1-based line where `key` is first set inside table `section`.
fn first_key_line(src: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(h) = header_of(line) {
            current = h;
            continue;
        }
        let t = line.trim_start();
        if current == section
            && t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
        {
            return Some(i + 1);
        }
    }
    None
}

/// What a number must satisfy.
#[derive(Clone, Copy, Debug)]
enum Check {
    Any,
    Probability,
    NonNegative,
    Positive,
    Between(f64, f64),
}

impl Check {
    fn allows(self, v: f64) -> bool {
        match self {
            Check::Any => true,
            Check::Probability => (0.0..=1.0).contains(&v),
            Check::NonNegative => v >= 0.0,
            Check::Positive => v > 0.0,
            Check::Between(lo, hi) => (lo..=hi).contains(&v),
        }
    }

    /// The same condition as an interval, for the scenario's parameter catalogue.
    fn allowed(self) -> Allowed {
        let (lo, hi, lo_open) = match self {
            Check::Any => (f64::NEG_INFINITY, f64::INFINITY, false),
            Check::Probability => (0.0, 1.0, false),
            Check::NonNegative => (0.0, f64::INFINITY, false),
            Check::Positive => (0.0, f64::INFINITY, true),
            Check::Between(lo, hi) => (lo, hi, false),
        };
        Allowed { lo, hi, lo_open }
    }

    fn describe(self) -> String {
        match self {
            Check::Any => "any finite number".to_string(),
            Check::Probability => "a probability between 0 and 1".to_string(),
            Check::NonNegative => ">= 0".to_string(),
            Check::Positive => "> 0".to_string(),
            Check::Between(lo, hi) => format!("between {lo} and {hi}"),
        }
    }
}

/// A number as a reader would write it: plain where that is short, else in
/// exponent form (`1e308`, not three hundred digits; `1e-300`, not as many zeros).
fn readable(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Where a distribution's draws must fall.
#[derive(Clone, Copy, Debug)]
enum Support {
    NonNegative,
    Fraction,
    Positive,
}

impl Support {
    fn allows(self, (lo, hi): (f64, f64)) -> bool {
        match self {
            Support::NonNegative => lo >= 0.0,
            Support::Fraction => lo >= 0.0 && hi <= 1.0,
            Support::Positive => lo > 0.0 || (lo == 0.0 && hi > 0.0 && hi.is_infinite()),
        }
    }

    /// Where draws must fall, as an interval.
    fn allowed(self) -> Allowed {
        let (lo, hi, lo_open) = match self {
            Support::NonNegative => (0.0, f64::INFINITY, false),
            Support::Fraction => (0.0, 1.0, false),
            Support::Positive => (0.0, f64::INFINITY, true),
        };
        Allowed { lo, hi, lo_open }
    }

    fn describe(self) -> &'static str {
        match self {
            Support::NonNegative => {
                "draws must be >= 0 (use lognormal, lomax, or a normal with min = 0)"
            }
            Support::Fraction => "draws must lie between 0 and 1",
            Support::Positive => "draws must be > 0",
        }
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

/// A table being read: remembers which keys were asked for, so that any other key
/// is reported as unknown, with the list of allowed keys.
struct Tbl<'a, 'i> {
    path: String,
    table: Option<&'a DeTable<'i>>,
    span: Range<usize>,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn new(path: String, table: Option<&'a DeTable<'i>>, span: Range<usize>) -> Self {
        Tbl {
            path,
            table,
            span,
            asked: Vec::new(),
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value<'i>> {
        self.asked.push(key);
        self.table?
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
}

struct Reader<'s> {
    /// The file's text, followed by the overrides' text.
    src: &'s str,
    /// Length of the file's text within `src`.
    text_len: usize,
    regions: &'s [OverrideRegion],
    problems: Vec<Problem>,
    /// Every numeric key read so far (file value or default), in reading order:
    /// what a sensitivity analysis may swing and the range it must stay in.
    catalogue: Vec<Parameter>,
    /// Where each `[[claims]]` override was written.
    claim_overrides: Vec<claims::OverrideSite>,
}

impl Reader<'_> {
    fn problem(&mut self, span: Range<usize>, key: &str, message: String) {
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

    fn sort(&mut self) {
        // File problems in file order, then override problems in command-line order.
        let regions = self.regions;
        self.problems.sort_by_key(|p| {
            let origin = p
                .origin
                .as_ref()
                .map(|o| regions.iter().position(|r| &r.spec == o).unwrap_or(0));
            (origin, p.line, p.column)
        });
        self.problems.dedup();
    }

    /// Turns the parser's errors into problems a person can act on. A parser that
    /// recovers from one mistake reports many echoes of it (an unclosed array makes
    /// every later line look wrong), so only the first error is kept, plus every
    /// duplicate key, which is independent of the rest. Duplicates are named by
    /// their full key path and point at the first definition.
    fn syntax(&mut self, errors: &[toml::de::Error]) {
        let start = |e: &toml::de::Error| e.span().map_or(0, |s| s.start);
        let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
        errors.sort_by_key(|e| start(e));
        let mut duplicated_tables: Vec<String> = Vec::new();
        for e in errors.iter().filter(|e| e.message() == "duplicate key") {
            let span = e.span().unwrap_or(0..0);
            let key = self.src.get(span.clone()).unwrap_or("").trim_matches('"');
            let (section, in_header) = section_at(self.src, span.start);
            let path = if in_header {
                section.clone()
            } else if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            if duplicated_tables
                .iter()
                .any(|t| path.starts_with(&format!("{t}.")))
            {
                continue; // a key inside a table already reported as duplicated
            }
            let message = if in_header {
                duplicated_tables.push(path.clone());
                let first = first_header_line(self.src, &path)
                    .map(|l| format!(" first defined on line {l};"))
                    .unwrap_or_default();
                format!("duplicate table [{path}]:{first} merge the two tables into one")
            } else {
                let first = first_key_line(self.src, &section, key)
                    .map(|l| format!(" already set on line {l};"))
                    .unwrap_or_default();
                format!("duplicate key:{first} each key may appear once")
            };
            self.problem(span, &path, message);
        }
        if let Some(first) = errors.iter().find(|e| e.message() != "duplicate key") {
            let unclosed = errors
                .iter()
                .find(|e| e.message().starts_with("unclosed"))
                .map(|e| e.message());
            let message = match unclosed {
                Some(m) if !first.message().starts_with("unclosed") => format!(
                    "TOML syntax: {m} (a bracket or quote opened here or just before is never closed)"
                ),
                _ => format!("TOML syntax: {}", first.message()),
            };
            let more = errors.len() > 1;
            let hint = if more {
                "; fix this first: the parser's later complaints may only echo it"
            } else {
                ""
            };
            self.problem(first.span().unwrap_or(0..0), "", format!("{message}{hint}"));
        }
    }

    /// Reports keys of `t` that were never asked for.
    fn finish(&mut self, t: Tbl<'_, '_>) {
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

    /// A sub-table; a missing one reads as empty (every key then takes its default).
    fn table<'a, 'i>(&mut self, parent: &mut Tbl<'a, 'i>, key: &'static str) -> Tbl<'a, 'i> {
        let path = parent.key_path(key);
        match parent.get(key) {
            None => Tbl::new(path, None, parent.span.clone()),
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => Tbl::new(path, Some(t), v.span()),
                other => {
                    self.problem(
                        v.span(),
                        &path,
                        format!("expected a table, got {}", type_name(other)),
                    );
                    Tbl::new(path, None, v.span())
                }
            },
        }
    }

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, what: &str) {
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

    /// A number value (integer or float), checked to be finite and in range.
    fn number_value(&mut self, v: &Value<'_>, path: &str, check: Check) -> Option<f64> {
        let value = match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => n as f64,
                Err(_) => {
                    self.problem(
                        v.span(),
                        path,
                        format!(
                            "must be {}, got {} (out of range for a 64-bit number)",
                            check.describe(),
                            display_int(i.as_str(), i.radix())
                        ),
                    );
                    return None;
                }
            },
            DeValue::Float(f) => {
                let text = f.as_str();
                let lower = text.to_ascii_lowercase();
                if lower.contains("nan") || lower.contains("inf") {
                    self.problem(
                        v.span(),
                        path,
                        match check {
                            Check::Any => format!("must be a finite number, got {text}"),
                            _ => {
                                format!("must be a finite number, {}, got {text}", check.describe())
                            }
                        },
                    );
                    return None;
                }
                match text.replace('_', "").parse::<f64>() {
                    Ok(x) if x.is_finite() => x,
                    _ => {
                        self.problem(v.span(), path, format!("number out of range, got {text}"));
                        return None;
                    }
                }
            }
            other => {
                self.problem(
                    v.span(),
                    path,
                    format!(
                        "expected a number ({}), got {}",
                        check.describe(),
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        if !check.allows(value) {
            self.problem(
                v.span(),
                path,
                format!("must be {}, got {}", check.describe(), readable(value)),
            );
            return None;
        }
        Some(value)
    }

    fn number(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<f64>,
        check: Check,
    ) -> f64 {
        let path = t.key_path(key);
        let value = match t.get(key) {
            Some(v) => self.number_value(v, &path, check).unwrap_or(f64::NAN),
            None => match default {
                Some(d) => d,
                None => {
                    self.missing(t, key, &format!("a number, {}", check.describe()));
                    f64::NAN
                }
            },
        };
        self.record(path, ParamValue::Number(value), check.allowed());
        value
    }

    fn optional_number(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        check: Check,
    ) -> Option<f64> {
        let path = t.key_path(key);
        t.get(key).and_then(|v| self.number_value(v, &path, check))
    }

    fn whole_number(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> u64 {
        let path = t.key_path(key);
        let Some(v) = t.get(key) else { return default };
        let allowed = format!("a whole number between {min} and {max}");
        match v.get_ref() {
            DeValue::Integer(i) => match u64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) if (min..=max).contains(&n) => n,
                Ok(n) => {
                    self.problem(v.span(), &path, format!("must be {allowed}, got {n}"));
                    default
                }
                Err(_) => {
                    self.problem(
                        v.span(),
                        &path,
                        format!(
                            "must be {allowed}, got {}",
                            display_int(i.as_str(), i.radix())
                        ),
                    );
                    default
                }
            },
            other => {
                self.problem(
                    v.span(),
                    &path,
                    format!("expected {allowed}, got {}", type_name(other)),
                );
                default
            }
        }
    }

    fn boolean(&mut self, t: &mut Tbl<'_, '_>, key: &'static str, default: bool) -> bool {
        let path = t.key_path(key);
        match t.get(key) {
            None => default,
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => *b,
                other => {
                    self.problem(
                        v.span(),
                        &path,
                        format!("expected true or false, got {}", type_name(other)),
                    );
                    default
                }
            },
        }
    }

    fn string(&mut self, t: &mut Tbl<'_, '_>, key: &'static str, default: Option<&str>) -> String {
        let path = t.key_path(key);
        match t.get(key) {
            None => match default {
                Some(d) => d.to_string(),
                None => {
                    self.missing(t, key, "a string in quotes");
                    String::new()
                }
            },
            Some(v) => match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                other => {
                    self.problem(
                        v.span(),
                        &path,
                        format!("expected a string in quotes, got {}", type_name(other)),
                    );
                    String::new()
                }
            },
        }
    }

    /// A name shown on tables and charts (`title`, a strategy's `label`, a risk's
    /// `name`): a string that is not blank, holds no control character (a newline or
    /// tab would break the console tables and chart labels), is at most `rule.max_chars`
    /// characters (what its place on the charts holds) and, when `rule.on_charts`, holds
    /// only characters the chart font draws ([`crate::text::is_drawable`]). A default
    /// (the file name for `title`, the id for `label`) is held to the same rules, and a
    /// problem with it is reported at the table it belongs to.
    fn display_name(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<&str>,
        rule: NameRule,
    ) -> String {
        let text = self.string(t, key, default);
        let path = t.key_path(key);
        let given = t.get(key);
        let span = match given {
            Some(v) if matches!(v.get_ref(), DeValue::String(_)) => v.span(),
            // Not a string: `string` has reported it.
            Some(_) => return text,
            None if default.is_some() => t.span.clone(),
            None => return text,
        };
        // For a default, say where the text came from and how to replace it.
        let fix = match given {
            Some(_) => String::new(),
            None => format!(
                "; it is not given, so it is {}: add `{key} = \"...\"`{}",
                rule.default_is,
                if t.path.is_empty() {
                    " at the top of the file".to_string()
                } else {
                    format!(" in [{}]", t.path)
                }
            ),
        };
        let chars = text.chars().count();
        if text.trim().is_empty() {
            self.problem(
                span,
                &path,
                format!(
                    "must not be blank, got {text:?}; it names this on tables and charts{}",
                    if default.is_some() {
                        " (leave the key out for the default)"
                    } else {
                        ""
                    }
                ),
            );
        } else if let Some(c) = text.chars().find(|&c| crate::text::breaks_the_line(c)) {
            self.problem(
                span,
                &path,
                format!(
                    "must be one line of printable text, got {text:?} with the control character {:?}",
                    c
                ),
            );
        } else if chars > rule.max_chars {
            self.problem(
                span,
                &path,
                format!(
                    "at most {} characters, got {chars} ({:?}); {}, and a longer one does not fit there: shorten it{fix}",
                    rule.max_chars,
                    crate::text::truncate(&text, 40),
                    rule.shown,
                ),
            );
        } else if rule.on_charts {
            let bad = crate::text::undrawable(&text);
            if !bad.is_empty() {
                self.problem(
                    span,
                    &path,
                    format!(
                        "{text:?} has {} the charts cannot draw: {}; {}: write it with those (e.g. transliterated){fix}",
                        if bad.len() == 1 { "a character" } else { "characters" },
                        crate::text::describe_chars(&bad),
                        crate::text::DRAWABLE_IN_WORDS,
                    ),
                );
            }
        }
        text
    }

    /// A number, or `{ g0 = .., g1 = .., k = 1 }` for a value that depends on
    /// governance. Both ends must satisfy `check`; the curve lies between them.
    fn curve_value(&mut self, v: &Value<'_>, path: &str, check: Check) -> GovernanceCurve {
        const NAN: GovernanceCurve = GovernanceCurve {
            at_g0: f64::NAN,
            at_g1: f64::NAN,
            k: 1.0,
        };
        match v.get_ref() {
            DeValue::Table(table) => {
                let mut t = Tbl::new(path.to_string(), Some(table), v.span());
                let at_g0 = self.number(&mut t, "g0", None, check);
                let at_g1 = self.number(&mut t, "g1", None, check);
                let k = self.number(&mut t, "k", Some(1.0), Check::Positive);
                self.finish(t);
                GovernanceCurve { at_g0, at_g1, k }
            }
            DeValue::Integer(_) | DeValue::Float(_) => self
                .number_value(v, path, check)
                .map_or(NAN, GovernanceCurve::constant),
            other => {
                self.problem(
                    v.span(),
                    path,
                    format!(
                        "expected a number ({}) or a governance curve {{ g0 = .., g1 = .., k = 1 }}, got {}",
                        check.describe(),
                        type_name(other)
                    ),
                );
                NAN
            }
        }
    }

    fn curve(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<GovernanceCurve>,
        check: Check,
    ) -> GovernanceCurve {
        let path = t.key_path(key);
        let curve = match t.get(key) {
            Some(v) => self.curve_value(v, &path, check),
            None => match default {
                Some(d) => d,
                None => {
                    self.missing(
                        t,
                        key,
                        &format!(
                            "a number, {}, or {{ g0 = .., g1 = .. }} for a value that depends on governance",
                            check.describe()
                        ),
                    );
                    GovernanceCurve::constant(f64::NAN)
                }
            },
        };
        self.record(path, ParamValue::Curve(curve), check.allowed());
        curve
    }

    /// A list of exactly `names.len()` numbers, e.g. `[min, mode, max]`.
    fn numbers_list(&mut self, v: &Value<'_>, path: &str, names: &[&str]) -> Option<Vec<f64>> {
        let shape = format!("[{}]", names.join(", "));
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span(),
                path,
                format!("expected {shape}, got {}", type_name(v.get_ref())),
            );
            return None;
        };
        if items.len() != names.len() {
            self.problem(
                v.span(),
                path,
                format!(
                    "expected {shape}, {} numbers, got {}",
                    names.len(),
                    items.len()
                ),
            );
            return None;
        }
        let mut out = Vec::with_capacity(names.len());
        let mut ok = true;
        for (item, name) in items.iter().zip(names) {
            match self.number_value(item, &format!("{path} ({name})"), Check::Any) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A distribution: a bare number (a constant) or a table with one of the keys
    /// `constant`, `uniform`, `triangular`, `pert`, `lognormal`, `normal`, `beta`, `lomax`.
    fn dist_value(&mut self, v: &Value<'_>, path: &str, support: Support) -> Option<Dist> {
        const KINDS: &str = "constant, uniform, triangular, pert, lognormal, normal, beta, lomax";
        let table = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                let x = self.number_value(v, path, Check::Any)?;
                return self.checked_dist(Dist::constant(x), v, path, support);
            }
            DeValue::Table(table) => table,
            other => {
                self.problem(
                    v.span(),
                    path,
                    format!(
                        "expected a distribution such as {{ triangular = [min, mode, max] }} (one of {KINDS}), got {}",
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        if table.len() != 1 {
            self.problem(
                v.span(),
                path,
                format!(
                    "a distribution has exactly one kind key (one of {KINDS}), got {}",
                    table.len()
                ),
            );
            return None;
        }
        let (kind_key, inner) = table.iter().next()?;
        let kind = kind_key.get_ref().as_ref();
        let inner_path = format!("{path}.{kind}");
        let made = match kind {
            "constant" => {
                let x = self.number_value(inner, &inner_path, Check::Any)?;
                Dist::constant(x)
            }
            "uniform" => {
                let x = self.numbers_list(inner, &inner_path, &["low", "high"])?;
                Dist::uniform(x[0], x[1])
            }
            "triangular" => {
                let x = self.numbers_list(inner, &inner_path, &["min", "mode", "max"])?;
                Dist::triangular(x[0], x[1], x[2])
            }
            "pert" => {
                let x = self.numbers_list(inner, &inner_path, &["min", "mode", "max"])?;
                Dist::pert(x[0], x[1], x[2])
            }
            "lognormal" | "normal" | "beta" | "lomax" => {
                let DeValue::Table(params) = inner.get_ref() else {
                    let shape = match kind {
                        "lognormal" => "{ median = .., sigma = .. } or { p05 = .., p95 = .. }",
                        "normal" => {
                            "{ mean = .., std_dev = .., min = .., max = .. } (min and max optional)"
                        }
                        "beta" => "{ alpha = .., beta = .. }",
                        _ => "{ shape = .., scale = .. }",
                    };
                    self.problem(
                        inner.span(),
                        &inner_path,
                        format!("expected {shape}, got {}", type_name(inner.get_ref())),
                    );
                    return None;
                };
                let mut t = Tbl::new(inner_path.clone(), Some(params), inner.span());
                let made = match kind {
                    "lognormal" => {
                        let by_interval = params
                            .iter()
                            .any(|(k, _)| matches!(k.get_ref().as_ref(), "p05" | "p95"));
                        if by_interval {
                            let p05 = self.number(&mut t, "p05", None, Check::Positive);
                            let p95 = self.number(&mut t, "p95", None, Check::Positive);
                            Dist::lognormal_from_interval(p05, p95)
                        } else {
                            let median = self.number(&mut t, "median", None, Check::Positive);
                            let sigma = self.number(&mut t, "sigma", None, Check::NonNegative);
                            Dist::lognormal(median, sigma)
                        }
                    }
                    "normal" => {
                        let mean = self.number(&mut t, "mean", None, Check::Any);
                        let sd = self.number(&mut t, "std_dev", None, Check::NonNegative);
                        let min = self.optional_number(&mut t, "min", Check::Any);
                        let max = self.optional_number(&mut t, "max", Check::Any);
                        Dist::normal(mean, sd, min, max)
                    }
                    "beta" => {
                        let a = self.number(&mut t, "alpha", None, Check::Positive);
                        let b = self.number(&mut t, "beta", None, Check::Positive);
                        Dist::beta(a, b)
                    }
                    _ => {
                        let shape = self.number(&mut t, "shape", None, Check::Positive);
                        let scale = self.number(&mut t, "scale", None, Check::Positive);
                        Dist::lomax(shape, scale)
                    }
                };
                let before = self.problems.len();
                self.finish(t);
                if self.problems.len() > before {
                    return None;
                }
                made
            }
            other => {
                let hint = closest(other, &KINDS.split(", ").collect::<Vec<_>>())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.problem(
                    kind_key.span(),
                    &inner_path,
                    format!("unknown distribution{hint}; one of {KINDS}"),
                );
                return None;
            }
        };
        self.checked_dist(made, v, path, support)
    }

    fn checked_dist(
        &mut self,
        made: Result<Dist, super::DistError>,
        v: &Value<'_>,
        path: &str,
        support: Support,
    ) -> Option<Dist> {
        match made {
            Ok(d) => {
                if support.allows(d.support()) {
                    Some(d)
                } else {
                    let (lo, hi) = d.support();
                    self.problem(
                        v.span(),
                        path,
                        format!("{}; this one ranges from {lo} to {hi}", support.describe()),
                    );
                    None
                }
            }
            Err(e) => {
                // Arithmetic on NaN placeholders already reported elsewhere stays silent.
                if !matches!(e, super::DistError::NotFinite { value, .. } if value.is_nan()) {
                    self.problem(v.span(), path, e.to_string());
                }
                None
            }
        }
    }

    fn dist(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<Dist>,
        support: Support,
    ) -> Dist {
        let path = t.key_path(key);
        let fallback = Dist::Constant { value: f64::NAN };
        let dist = match t.get(key) {
            Some(v) => self.dist_value(v, &path, support).unwrap_or(fallback),
            None => match default {
                Some(d) => d,
                None => {
                    self.missing(
                        t,
                        key,
                        "a distribution such as { triangular = [min, mode, max] }",
                    );
                    fallback
                }
            },
        };
        self.record(path, ParamValue::Dist(dist.clone()), support.allowed());
        dist
    }

    fn optional_dist(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        support: Support,
    ) -> Option<Dist> {
        let path = t.key_path(key);
        let v = t.get(key)?;
        Some(
            self.dist_value(v, &path, support)
                .unwrap_or(Dist::Constant { value: f64::NAN }),
        )
    }

    fn scenario(&mut self, mut root: Tbl<'_, '_>, name: &str) -> Scenario {
        let title = self.display_name(&mut root, "title", Some(name), NameRule::TITLE);
        let description = self.string(&mut root, "description", Some(""));
        let currency = self.string(&mut root, "currency", Some("USD"));
        if let Some(v) = root.get("currency")
            && !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()))
            && matches!(v.get_ref(), DeValue::String(_))
        {
            self.problem(
                v.span(),
                "currency",
                format!(
                    "must be a three-letter ISO 4217 code such as USD, EUR or GBP, got {currency:?}"
                ),
            );
        }
        let trials = self.whole_number(&mut root, "trials", 100_000, 1, MAX_TRIALS);
        let seed = self.whole_number(&mut root, "seed", DEFAULT_SEED, 0, i64::MAX as u64);

        let horizon = {
            let mut t = self.table(&mut root, "horizon");
            let h = Horizon {
                weeks: self.number(&mut t, "weeks", Some(26.0), Check::Between(1.0, 520.0)),
                rate_window_weeks: self.number(
                    &mut t,
                    "rate_window_weeks",
                    Some(26.0),
                    Check::Between(1.0, 520.0),
                ),
            };
            self.finish(t);
            h
        };
        let drivers = {
            let mut t = self.table(&mut root, "drivers");
            let d = Drivers {
                complexity_on_build: self.number(
                    &mut t,
                    "complexity_on_build",
                    Some(0.10),
                    Check::Between(0.0, 3.0),
                ),
                complexity_on_frailty: self.number(
                    &mut t,
                    "complexity_on_frailty",
                    Some(0.35),
                    Check::Between(0.0, 3.0),
                ),
                frailty_shape: self.number(
                    &mut t,
                    "frailty_shape",
                    Some(1.5),
                    Check::Between(0.01, 1e6),
                ),
            };
            self.finish(t);
            d
        };
        let build = {
            let mut t = self.table(&mut root, "build");
            let b = Build {
                plan_weeks: self.number(&mut t, "plan_weeks", None, Check::Between(0.1, 1040.0)),
                estimate: self.dist(
                    &mut t,
                    "estimate",
                    Some(Dist::pert(0.90, 1.00, 1.35).expect("valid default")),
                    Support::Positive,
                ),
                seam_share: self.number(&mut t, "seam_share", Some(0.25), Check::Probability),
                seam_slowdown: self.number(
                    &mut t,
                    "seam_slowdown",
                    Some(2.5),
                    Check::Between(1.0, 100.0),
                ),
                matrix_onboarding_weeks: self.dist(
                    &mut t,
                    "matrix_onboarding_weeks",
                    Some(Dist::triangular(1.0, 2.0, 4.0).expect("valid default")),
                    Support::NonNegative,
                ),
                target_weeks: self.optional_number(&mut t, "target_weeks", Check::Positive),
            };
            self.finish(t);
            b
        };
        let api = {
            let mut t = self.table(&mut root, "api");
            let a = Api {
                decay_per_week: self.number(
                    &mut t,
                    "decay_per_week",
                    Some(0.10),
                    Check::Between(0.0, 10.0),
                ),
                fix_probability: self.number(
                    &mut t,
                    "fix_probability",
                    Some(0.9),
                    Check::Probability,
                ),
            };
            self.finish(t);
            a
        };
        let surges = {
            let mut t = self.table(&mut root, "surges");
            let s = Surges {
                events_per_window: self.number(
                    &mut t,
                    "events_per_window",
                    Some(1.0),
                    Check::Between(0.0, 1000.0),
                ),
                multiple: self.dist(
                    &mut t,
                    "multiple",
                    Some(Dist::lognormal(2.5, 0.6).expect("valid default")),
                    Support::NonNegative,
                ),
                failure_hours: self.dist(
                    &mut t,
                    "failure_hours",
                    Some(Dist::triangular(2.0, 6.0, 12.0).expect("valid default")),
                    Support::NonNegative,
                ),
                impact_fraction: self.dist(
                    &mut t,
                    "impact_fraction",
                    Some(Dist::uniform(0.2, 0.6).expect("valid default")),
                    Support::Fraction,
                ),
            };
            self.finish(t);
            s
        };
        let incidents = {
            let mut t = self.table(&mut root, "incidents");
            let i = Incidents {
                customer_facing_share: self.number(
                    &mut t,
                    "customer_facing_share",
                    Some(0.3),
                    Check::Probability,
                ),
                ttr_sigma: self.number(&mut t, "ttr_sigma", Some(1.2), Check::Between(0.0, 5.0)),
                impact_fraction: self.dist(
                    &mut t,
                    "impact_fraction",
                    Some(Dist::uniform(0.3, 1.0).expect("valid default")),
                    Support::Fraction,
                ),
                seam_crossing_probability: self.number(
                    &mut t,
                    "seam_crossing_probability",
                    Some(0.5),
                    Check::Probability,
                ),
                seam_ttr_factor: self.curve(
                    &mut t,
                    "seam_ttr_factor",
                    Some(GovernanceCurve {
                        at_g0: 2.5,
                        at_g1: 1.0,
                        k: 1.0,
                    }),
                    Check::Between(0.0, 100.0),
                ),
                matrix_ttr_factor: self.number(
                    &mut t,
                    "matrix_ttr_factor",
                    Some(0.67),
                    Check::Between(0.0, 10.0),
                ),
            };
            self.finish(t);
            i
        };
        let walk_away = {
            let mut t = self.table(&mut root, "walk_away");
            let w = WalkAway {
                at_week: self.dist(
                    &mut t,
                    "at_week",
                    Some(Dist::uniform(4.0, 22.0).expect("valid default")),
                    Support::NonNegative,
                ),
                degraded_fraction: self.dist(
                    &mut t,
                    "degraded_fraction",
                    Some(Dist::uniform(0.2, 0.5).expect("valid default")),
                    Support::Fraction,
                ),
            };
            self.finish(t);
            w
        };
        let churn = {
            let mut t = self.table(&mut root, "churn");
            let c = Churn {
                failed_checkouts_per_week: self.number(
                    &mut t,
                    "failed_checkouts_per_week",
                    Some(0.15),
                    Check::Between(0.0, 1000.0),
                ),
                loss_probability: self.number(
                    &mut t,
                    "loss_probability",
                    Some(0.25),
                    Check::Probability,
                ),
                baseline_share: self.number(
                    &mut t,
                    "baseline_share",
                    Some(0.20),
                    Check::Between(1e-6, 1.0),
                ),
                customers: self.number(&mut t, "customers", None, Check::Between(0.0, 1e12)),
                lifetime_value: self.number(
                    &mut t,
                    "lifetime_value",
                    None,
                    Check::Between(0.0, 1e9),
                ),
            };
            self.finish(t);
            c
        };
        let cost = {
            let mut t = self.table(&mut root, "cost");
            let c = Cost {
                downtime_loss_per_hour: self.number(
                    &mut t,
                    "downtime_loss_per_hour",
                    None,
                    Check::Between(0.0, 1e12),
                ),
                recaptured_share: self.number(
                    &mut t,
                    "recaptured_share",
                    Some(0.4),
                    Check::Probability,
                ),
                hourly_rate: self.number(&mut t, "hourly_rate", None, Check::Between(0.0, 1e6)),
                fix_effort_hours: self.dist(
                    &mut t,
                    "fix_effort_hours",
                    Some(Dist::triangular(16.0, 40.0, 80.0).expect("valid default")),
                    Support::NonNegative,
                ),
                war_room_week_cost: self.number(
                    &mut t,
                    "war_room_week_cost",
                    None,
                    Check::Between(0.0, 1e12),
                ),
                war_room_weeks: self.curve(
                    &mut t,
                    "war_room_weeks",
                    Some(GovernanceCurve {
                        at_g0: 52.0,
                        at_g1: 0.0,
                        k: 1.0,
                    }),
                    Check::Between(0.0, 520.0),
                ),
                war_room_spread: self.dist(
                    &mut t,
                    "war_room_spread",
                    Some(Dist::triangular(0.7, 1.0, 1.3).expect("valid default")),
                    Support::NonNegative,
                ),
                overrun_staffing_factor: self.number(
                    &mut t,
                    "overrun_staffing_factor",
                    Some(1.0),
                    Check::Between(0.0, 100.0),
                ),
            };
            self.finish(t);
            c
        };

        let strategies = self.strategies(&mut root);
        let risks = self.risks(&mut root, &strategies);
        let parameters = self.parameters();
        let sensitivity = self.sensitivity(&mut root, &parameters);
        let claims = self.claims(&mut root, &strategies);
        self.finish(root);

        Scenario {
            name: name.to_string(),
            title,
            description,
            currency,
            trials,
            seed,
            horizon,
            drivers,
            build,
            api,
            surges,
            incidents,
            walk_away,
            churn,
            cost,
            strategies,
            risks,
            parameters,
            sensitivity,
            claims,
            source: None,
        }
    }

    fn strategies(&mut self, root: &mut Tbl<'_, '_>) -> Vec<Strategy> {
        let mut out = Vec::new();
        let table = self.table(root, "strategies");
        let Some(entries) = table.table else {
            if root.get("strategies").is_none() {
                self.missing(
                    root,
                    "strategies",
                    "at least one [strategies.<id>] table, e.g. [strategies.backend_led]",
                );
            }
            return out;
        };
        if entries.is_empty() {
            self.problem(
                table.span.clone(),
                "strategies",
                "needs at least one strategy, e.g. [strategies.backend_led]".to_string(),
            );
        }
        if entries.len() > MAX_STRATEGIES {
            self.problem(
                table.span.clone(),
                "strategies",
                format!("at most {MAX_STRATEGIES} strategies, got {}", entries.len()),
            );
        }
        for (key, value) in entries.iter() {
            let id = key.get_ref().as_ref();
            let path = format!("strategies.{id}");
            if !valid_id(id) {
                self.problem(
                    key.span(),
                    &path,
                    "a strategy id is 1 to 64 lower-case letters, digits and underscores, starting with a letter (e.g. backend_led), and not g0, g1 or k".to_string(),
                );
            }
            let DeValue::Table(st) = value.get_ref() else {
                self.problem(
                    value.span(),
                    &path,
                    format!(
                        "expected a table of strategy parameters, got {}",
                        type_name(value.get_ref())
                    ),
                );
                continue;
            };
            let mut t = Tbl::new(path, Some(st), value.span());
            let label = self.display_name(&mut t, "label", Some(id), NameRule::LABEL);
            if let Some(earlier) = out.iter().find(|s: &&Strategy| s.label == label) {
                let span = t.get("label").map_or(key.span(), |v| v.span());
                self.problem(
                    span,
                    &format!("{}.label", t.path),
                    format!(
                        "{label:?} is already the label of strategies.{}; each strategy needs its own label to be told apart on tables and charts",
                        earlier.id
                    ),
                );
            }
            let governance = self.number(&mut t, "governance", None, Check::Probability);
            let s = Strategy {
                id: id.to_string(),
                label,
                governance,
                plan_multiplier: self.number(
                    &mut t,
                    "plan_multiplier",
                    Some(1.0),
                    Check::Between(0.01, 100.0),
                ),
                vendor_seam: self.boolean(&mut t, "vendor_seam", false),
                responsibility_matrix: self.boolean(&mut t, "responsibility_matrix", false),
                weekly_burn: self.number(&mut t, "weekly_burn", None, Check::Between(0.0, 1e12)),
                responders: self.number(&mut t, "responders", Some(5.0), Check::Between(0.0, 1e4)),
                api_failure_rate: self.curve(
                    &mut t,
                    "api_failure_rate",
                    None,
                    Check::Between(0.0, 1e4),
                ),
                other_fix_rate: self.curve(
                    &mut t,
                    "other_fix_rate",
                    None,
                    Check::Between(0.0, 1e4),
                ),
                headroom_median: self.curve(
                    &mut t,
                    "headroom_median",
                    None,
                    Check::Between(1e-6, 1e6),
                ),
                headroom_sigma: self.curve(
                    &mut t,
                    "headroom_sigma",
                    None,
                    Check::Between(0.0, 10.0),
                ),
                ttr_median_hours: self.curve(
                    &mut t,
                    "ttr_median_hours",
                    None,
                    Check::Between(1e-6, 1e5),
                ),
                walk_away_unresolved_probability: self.curve(
                    &mut t,
                    "walk_away_unresolved_probability",
                    None,
                    Check::Probability,
                ),
                walk_away_degraded_weeks: self.dist(
                    &mut t,
                    "walk_away_degraded_weeks",
                    None,
                    Support::NonNegative,
                ),
            };
            self.finish(t);
            out.push(s);
        }
        // Every key of [strategies] is a strategy id: there is no unknown key to report.
        out
    }

    fn risks(&mut self, root: &mut Tbl<'_, '_>, strategies: &[Strategy]) -> Vec<Risk> {
        let mut out: Vec<Risk> = Vec::new();
        let Some(v) = root.get("risks") else {
            return out;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span(),
                "risks",
                format!(
                    "expected an array of tables, written [[risks]], got {}",
                    type_name(v.get_ref())
                ),
            );
            return out;
        };
        if items.len() > MAX_RISKS {
            self.problem(
                v.span(),
                "risks",
                format!("at most {MAX_RISKS} risks, got {}", items.len()),
            );
        }
        for (index, item) in items.iter().enumerate() {
            let path = format!("risks[{index}]");
            let DeValue::Table(rt) = item.get_ref() else {
                self.problem(
                    item.span(),
                    &path,
                    format!(
                        "expected a table, written [[risks]], got {}",
                        type_name(item.get_ref())
                    ),
                );
                continue;
            };
            let mut t = Tbl::new(path.clone(), Some(rt), item.span());
            let name = self.display_name(&mut t, "name", None, NameRule::RISK_NAME);
            if !name.is_empty() && out.iter().any(|r| r.name == name) {
                let span = t.get("name").map_or(item.span(), |v| v.span());
                self.problem(
                    span,
                    &format!("{path}.name"),
                    format!("duplicate risk name {name:?}; each risk needs its own name"),
                );
            }
            let probability = self.risk_probability(&mut t, strategies);
            let build_extra_share =
                self.optional_dist(&mut t, "build_extra_share", Support::NonNegative);
            let delay_weeks = self.optional_dist(&mut t, "delay_weeks", Support::NonNegative);
            let tail_extra_share =
                self.optional_dist(&mut t, "tail_extra_share", Support::NonNegative);
            let tail_multiplier_cap = self.number(
                &mut t,
                "tail_multiplier_cap",
                Some(10.0),
                Check::Between(1.0, 1e6),
            );
            // A cap on a tail the risk does not have would do nothing: the consultant
            // meant to give tail_extra_share, or left a line behind.
            if let (Some(cap), None) = (t.get("tail_multiplier_cap"), t.get("tail_extra_share")) {
                self.problem(
                    cap.span(),
                    &format!("{path}.tail_multiplier_cap"),
                    "caps the fat tail of tail_extra_share, which this risk does not set, so it would do nothing; add tail_extra_share, or remove tail_multiplier_cap".to_string(),
                );
            }
            let api_failure_multiplier = self.number(
                &mut t,
                "api_failure_multiplier",
                Some(1.0),
                Check::Between(0.0, 1e4),
            );
            let walk_away = self.boolean(&mut t, "walk_away", false);
            let has_effect = build_extra_share.is_some()
                || delay_weeks.is_some()
                || tail_extra_share.is_some()
                || (t.get("api_failure_multiplier").is_some() && api_failure_multiplier != 1.0)
                || walk_away;
            if !has_effect {
                self.problem(
                    item.span(),
                    &path,
                    "a risk needs at least one effect: build_extra_share, delay_weeks, tail_extra_share, api_failure_multiplier other than 1, or walk_away = true".to_string(),
                );
            }

            self.finish(t);
            out.push(Risk {
                name,
                probability,
                effects: RiskEffects {
                    build_extra_share,
                    delay_weeks,
                    tail_extra_share,
                    tail_multiplier_cap,
                    api_failure_multiplier,
                    walk_away,
                },
            });
        }
        out
    }

    /// `probability = 0.1`, `probability = { g0 = .., g1 = .. }` (the same for every
    /// strategy), or a table with one entry per strategy id.
    fn risk_probability(
        &mut self,
        t: &mut Tbl<'_, '_>,
        strategies: &[Strategy],
    ) -> Vec<GovernanceCurve> {
        let path = t.key_path("probability");
        let nan = GovernanceCurve::constant(f64::NAN);
        let Some(v) = t.get("probability") else {
            self.missing(
                t,
                "probability",
                "a probability for every strategy, e.g. probability = { backend_led = 0.1, ux_led = 0.3 }",
            );
            return vec![nan; strategies.len()];
        };
        let per_strategy = match v.get_ref() {
            DeValue::Table(table) => !table
                .iter()
                .any(|(k, _)| matches!(k.get_ref().as_ref(), "g0" | "g1" | "k")),
            _ => false,
        };
        if !per_strategy {
            let c = self.curve_value(v, &path, Check::Probability);
            return vec![c; strategies.len()];
        }
        let DeValue::Table(table) = v.get_ref() else {
            return vec![nan; strategies.len()];
        };
        let mut out = Vec::with_capacity(strategies.len());
        for s in strategies {
            let found = table.iter().find(|(k, _)| k.get_ref().as_ref() == s.id);
            match found {
                Some((_, pv)) => {
                    out.push(self.curve_value(pv, &format!("{path}.{}", s.id), Check::Probability))
                }
                None => {
                    self.problem(
                        v.span(),
                        &format!("{path}.{}", s.id),
                        format!(
                            "missing the probability for strategy `{}`; every strategy needs one (0 if the risk does not apply)",
                            s.id
                        ),
                    );
                    out.push(nan);
                }
            }
        }
        for (k, _) in table.iter() {
            let id = k.get_ref().as_ref();
            if !strategies.iter().any(|s| s.id == id) {
                let ids: Vec<&str> = strategies.iter().map(|s| s.id.as_str()).collect();
                self.problem(
                    k.span(),
                    &format!("{path}.{id}"),
                    format!(
                        "no strategy `{id}` in this scenario; strategies: {}",
                        ids.join(", ")
                    ),
                );
            }
        }
        out
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(id, "g0" | "g1" | "k")
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn display_int(text: &str, radix: u32) -> String {
    match radix {
        16 => format!("0x{text}"),
        8 => format!("0o{text}"),
        2 => format!("0b{text}"),
        _ => text.to_string(),
    }
}

/// The allowed key closest to a misspelt one, if any is close (edit distance <= 2).
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
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
    fn line_and_column_count_characters() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, src.rfind('=').unwrap()), (2, 4));
    }

    #[test]
    fn edit_distance_suggests_near_keys() {
        assert_eq!(
            closest("governence", &["governance", "label"]),
            Some("governance")
        );
        assert_eq!(closest("zzz", &["governance"]), None);
    }

    #[test]
    fn only_descriptor_paths_lose_their_file_name() {
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
    fn a_title_becomes_a_folder_name_of_lower_case_words_joined_by_dashes() {
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

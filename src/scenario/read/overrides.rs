//! `--set KEY.PATH=VALUE` overrides: parsed from the command line (or a claim's
//! `set`), appended to a copy of the file's text so that every span points into the
//! file or into one override, and applied to the parsed document before it is read,
//! so an override is checked exactly like a line of the file. It does not check
//! values: the table readers do, after the override is applied.

use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Reader;
use super::problems::closest;
use super::values::{plain_number, type_name};

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

/// Where an override's text sits in the reader's source (after the file's text).
pub(super) struct OverrideRegion {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) spec: String,
}

impl Reader<'_> {
    /// Applies each override to `doc`; a problem with one (no value, a path that
    /// cannot be set) is reported at the override.
    pub(super) fn apply_overrides<'i>(
        &mut self,
        doc: &mut Spanned<DeTable<'i>>,
        all: &'i str,
        overrides: &[Override],
        regions: &[OverrideRegion],
    ) {
        for (o, region) in overrides.iter().zip(regions) {
            let value_start = region.start + o.key.len() + 1;
            let value_text = &all[value_start..region.end];
            let value = match DeValue::parse(value_text) {
                Ok(v) => shift(v, value_start),
                Err(_) if value_text.is_empty() => {
                    self.problem(
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
            match apply_override(doc.get_mut(), &o.key, value, key_span) {
                Err(message) => self.problem(region.start..region.end, &o.key, message),
                Ok(Replaced::TheSameValue) => self.changes_nothing(
                    region.start..region.end,
                    &o.key,
                    "the scenario already sets it to that value",
                ),
                Ok(Replaced::Other) => {}
            }
        }
    }
}

/// A value parsed from a slice starting at `by`, with its spans made absolute.
pub(super) fn shift(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
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
pub(super) fn parse_segment(segment: &str) -> Result<(&str, Option<usize>), String> {
    match segment.split_once('[') {
        None if !segment.is_empty() => Ok((segment, None)),
        Some((name, rest)) if !name.is_empty() => {
            let index = rest
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
                .ok_or_else(|| {
                    "an index is a whole number in brackets at the end of a step, e.g. risks[0]"
                        .to_string()
                })?;
            Ok((name, Some(index)))
        }
        _ => Err(
            "a step of the key path is empty; write names joined by dots, e.g. strategies.hybrid.governance"
                .to_string(),
        ),
    }
}

/// What an override replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Replaced {
    /// A value equal to its own: a number (`12` and `12.0` alike), string or
    /// boolean the scenario already had there.
    TheSameValue,
    /// Anything else: another value, a table, or nothing (a key the file left out).
    Other,
}

/// Whether two scalar values are the same setting.
fn same_scalar(old: &DeValue<'_>, new: &DeValue<'_>) -> bool {
    match (old, new) {
        (DeValue::String(a), DeValue::String(b)) => a == b,
        (DeValue::Boolean(a), DeValue::Boolean(b)) => a == b,
        _ => matches!((plain_number(old), plain_number(new)), (Some(a), Some(b)) if a == b),
    }
}

/// Sets `path` in `table` to `value`, creating missing tables on the way (the
/// reader then reports any key that is not allowed there), and says whether the
/// value was already there.
///
/// The error is reported after the override's key path, so it never states the
/// path again (`risks[4]: index 4 is out of range`); it names a step only when the
/// step, not the whole path, is at fault (`` `title` is a string, not a table ``).
pub(super) fn apply_override<'i>(
    table: &mut DeTable<'i>,
    path: &str,
    value: Spanned<DeValue<'i>>,
    key_span: Range<usize>,
) -> Result<Replaced, String> {
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
                return Ok(Replaced::Other);
            }
        }
        let slot = table
            .iter_mut()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| "cannot be set".to_string())?;
        let slot = match index {
            None => slot,
            Some(n) => match slot.get_mut() {
                DeValue::Array(items) => {
                    let len = items.len();
                    items
                        .get_mut(n)
                        .ok_or_else(|| format!("index {n} is out of range; there are {len}"))?
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
            let same = same_scalar(slot.get_ref(), value.get_ref());
            *slot = value;
            return Ok(if same {
                Replaced::TheSameValue
            } else {
                Replaced::Other
            });
        }
        table = match slot.get_mut() {
            DeValue::Table(t) => t,
            other => {
                return Err(format!(
                    "`{so_far}` is {}, not a table, so it has no keys",
                    type_name(other)
                ));
            }
        };
    }
    Ok(Replaced::Other)
}

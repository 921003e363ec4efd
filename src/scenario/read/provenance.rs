//! `[provenance]` (MODEL.md §8.6): each file's table of key patterns and the
//! evidence class behind the values that file writes, resolved into one class per
//! parameter.
//!
//! The rule: **a file's `[provenance]` describes the values written in that
//! file.** A value inherited from a base keeps the base's class; a value a file
//! writes itself takes that file's most specific matching entry, or `assumption`
//! when none matches (the base's evidence was for the base's number, not this
//! one). A value set by `--set` is a what-if, and a value nobody wrote is the
//! tool's default: both are `assumption`.
//!
//! Entries are `"PATTERN" = "class"` or `"PATTERN" = { class = "...", source =
//! "..." }`; `literature` needs its `source`. A pattern is a key path as `--set`
//! writes it, with `*` for any one step (a strategy id, a risk's name), and covers
//! the keys under it. This module reads no model value; it only classes them.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Reader;
use super::extends::find;
use super::problems::{closest, line_column};
use super::values::type_name;
use crate::scenario::Scenario;
use crate::scenario::origin::{
    Evidence, EvidenceClass, ParameterEvidence, pattern_match, provenance_name,
};

/// One entry of a file's `[provenance]`.
struct Entry {
    pattern: String,
    class: EvidenceClass,
    source: Option<String>,
    span: Range<usize>,
}

/// Who wrote a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Writer {
    /// The file being read (0) or its i-th base (i).
    Layer(usize),
    /// A `--set` override.
    Override,
    /// Nobody: the value is the key's default.
    Default,
}

/// The value at a dotted key path of `doc` (through tables only), or for a risk
/// `risks[i]`, that risk's probability.
pub(super) fn value_at<'a, 'i>(
    doc: &'a DeTable<'i>,
    key: &str,
) -> Option<&'a Spanned<DeValue<'i>>> {
    if let Some(index) = key
        .strip_prefix("risks[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        let DeValue::Array(items) = find(doc, "risks")?.get_ref() else {
            return None;
        };
        let item = items.get(index)?;
        return match item.get_ref() {
            DeValue::Table(t) => find(t, "probability").or(Some(item)),
            _ => Some(item),
        };
    }
    let mut table = doc;
    let steps: Vec<&str> = key.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        // `events[0]`: an element of an array of tables.
        let v = match step.strip_suffix(']').and_then(|s| s.split_once('[')) {
            Some((name, index)) => {
                let DeValue::Array(items) = find(table, name)?.get_ref() else {
                    return None;
                };
                items.get(index.parse::<usize>().ok()?)?
            }
            None => find(table, step)?,
        };
        if i + 1 == steps.len() {
            return Some(v);
        }
        match v.get_ref() {
            DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    None
}

/// Every key path a document writes through its tables (not inside arrays), for
/// telling a misspelt pattern from one that names a non-numeric key.
fn written_paths(table: &DeTable<'_>, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in table.iter() {
        let path = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        if let DeValue::Table(t) = v.get_ref() {
            written_paths(t, &path, out);
        }
        out.push(path);
    }
}

impl Reader<'_> {
    /// Who wrote the value whose span starts at `start` (`None`: nobody).
    pub(super) fn writer_of(&self, start: Option<usize>) -> Writer {
        match start {
            None => Writer::Default,
            Some(o) if o <= self.text_len => Writer::Layer(0),
            Some(o) => match self.in_base(o) {
                Some((i, _, _)) => Writer::Layer(i + 1),
                None => Writer::Override,
            },
        }
    }

    /// A value written by the file being read, or by `--set`, that changes no
    /// output: a warning `file:line: key: changes nothing because why`. Values of
    /// a base file are the base's business and are not reported.
    pub(super) fn changes_nothing(&mut self, span: Range<usize>, key: &str, why: &str) {
        self.warn(span, key, &format!("changes nothing because {why}"));
    }

    /// A warning `file:line: key: message` about a value written by the file being
    /// read, or by `--set`; values of a base file are not reported.
    pub(super) fn warn(&mut self, span: Range<usize>, key: &str, message: &str) {
        let place = match self.writer_of(Some(span.start)) {
            Writer::Layer(0) => {
                let (line, _) = line_column(&self.src[..self.text_len], span.start);
                format!("{}:{line}", self.file)
            }
            Writer::Override => self
                .regions
                .iter()
                .find(|r| (r.start..=r.end).contains(&span.start))
                .map_or("--set".to_string(), |r| r.spec.clone()),
            _ => return,
        };
        let warning = format!("{place}: {key}: {message}");
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The entries of one file's `[provenance]`, each checked.
    fn provenance_entries(&mut self, v: &Spanned<DeValue<'_>>) -> Vec<Entry> {
        let DeValue::Table(table) = v.get_ref() else {
            self.problem(
                v.span(),
                "provenance",
                format!(
                    "expected a table of key path = class, e.g. [provenance] \"strategies.*.weekly_burn\" = \"client\"; got {}",
                    type_name(v.get_ref())
                ),
            );
            return Vec::new();
        };
        let classes: Vec<&str> = EvidenceClass::ALL.iter().map(|c| c.id()).collect();
        let mut out = Vec::new();
        for (k, value) in table.iter() {
            let pattern = k.get_ref().to_string();
            let path = format!("provenance.{pattern:?}");
            if pattern.split('.').any(str::is_empty) && !pattern.starts_with("risks.") {
                self.problem(
                    k.span(),
                    &path,
                    "a key path is names joined by dots, `*` for any one step, e.g. \"strategies.*.weekly_burn\"".to_string(),
                );
                continue;
            }
            let (class_value, source) = match value.get_ref() {
                DeValue::Table(t) => {
                    for (field, fv) in t.iter() {
                        if !matches!(field.get_ref().as_ref(), "class" | "source") {
                            self.problem(
                                fv.span(),
                                &format!("{path}.{}", field.get_ref()),
                                "unknown key; allowed here: class, source".to_string(),
                            );
                        }
                    }
                    let source = match find(t, "source").map(|s| (s.get_ref(), s.span())) {
                        Some((DeValue::String(s), _)) if !s.trim().is_empty() => {
                            Some(s.to_string())
                        }
                        Some((other, span)) => {
                            self.problem(
                                span,
                                &format!("{path}.source"),
                                format!(
                                    "expected the reference in quotes, e.g. \"Little 2006\"; got {}",
                                    type_name(other)
                                ),
                            );
                            None
                        }
                        None => None,
                    };
                    (find(t, "class"), source)
                }
                _ => (Some(value), None),
            };
            let class = match class_value.map(|c| (c.get_ref(), c.span())) {
                Some((DeValue::String(s), span)) => match EvidenceClass::from_id(s) {
                    Some(c) => Some(c),
                    None => {
                        self.problem(
                            span,
                            &path,
                            format!(
                                "unknown evidence class {s:?}; allowed: {}",
                                classes.join(", ")
                            ),
                        );
                        None
                    }
                },
                Some((other, span)) => {
                    self.problem(
                        span,
                        &path,
                        format!(
                            "expected a class in quotes ({}) or {{ class = \"...\", source = \"...\" }}; got {}",
                            classes.join(", "),
                            type_name(other)
                        ),
                    );
                    None
                }
                None => {
                    self.problem(
                        value.span(),
                        &format!("{path}.class"),
                        format!("missing; add class = one of {}", classes.join(", ")),
                    );
                    None
                }
            };
            let Some(class) = class else { continue };
            if class == EvidenceClass::Literature && source.is_none() {
                self.problem(
                    value.span(),
                    &path,
                    "literature needs its reference: { class = \"literature\", source = \"Author Year\" }".to_string(),
                );
                continue;
            }
            out.push(Entry {
                pattern,
                class,
                source,
                span: k.span(),
            });
        }
        out
    }

    /// Gives every parameter and risk of `scenario` its evidence class, from each
    /// file's `[provenance]` (the file first, then its bases, nearest first).
    pub(super) fn evidence(
        &mut self,
        doc: &DeTable<'_>,
        provenance: &[Option<Spanned<DeValue<'_>>>],
        scenario: &mut Scenario,
    ) {
        let layers: Vec<Vec<Entry>> = provenance
            .iter()
            .map(|p| {
                p.as_ref()
                    .map_or(Vec::new(), |v| self.provenance_entries(v))
            })
            .collect();
        let mut keys: Vec<(String, Option<String>)> = scenario
            .parameters
            .iter()
            .filter(|p| {
                !["risks", "claims", "sensitivity"]
                    .iter()
                    .any(|k| p.key.starts_with(k))
            })
            .map(|p| (p.key.clone(), None))
            .collect();
        // The model's values that are not numbers (flags, a target, practices,
        // support hours) carry evidence too when a file writes them: the report's
        // assumptions show it.
        let mut other = vec!["surges.loss_scales_with_traffic".to_string()];
        if scenario.build.target_weeks.is_some() {
            other.push("build.target_weeks".to_string());
        }
        for s in &scenario.strategies {
            for key in [
                "governance",
                "vendor_seam",
                "responsibility_matrix",
                "support",
            ] {
                other.push(format!("strategies.{}.{key}", s.id));
            }
        }
        for key in other {
            if value_at(doc, &key).is_some() && !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, None));
            }
        }
        keys.extend(
            scenario
                .risks
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("risks[{i}]"), Some(r.name.clone()))),
        );
        let mut used = vec![false; layers.first().map_or(0, Vec::len)];
        let mut parameters = Vec::with_capacity(keys.len());
        for (key, risk) in keys {
            let name = provenance_name(&key, risk.as_deref());
            let writer = self.writer_of(value_at(doc, &key).map(|v| v.span().start));
            let (class, source, written_in) = match writer {
                Writer::Layer(w) => {
                    let best = layers[w]
                        .iter()
                        .enumerate()
                        .filter_map(|(i, e)| {
                            pattern_match(&e.pattern, &name).map(|score| (score, i))
                        })
                        .max_by_key(|(score, i)| (*score, std::cmp::Reverse(*i)));
                    let file = match w {
                        0 => self.file.to_string(),
                        i => self.files[i - 1].file.clone(),
                    };
                    match best {
                        Some((_, i)) => {
                            if w == 0 {
                                used[i] = true;
                            }
                            let e = &layers[w][i];
                            (e.class, e.source.clone(), file)
                        }
                        None => (EvidenceClass::Assumption, None, file),
                    }
                }
                Writer::Override => (EvidenceClass::Assumption, None, "--set".to_string()),
                Writer::Default => (EvidenceClass::Assumption, None, "default".to_string()),
            };
            parameters.push(ParameterEvidence {
                key,
                risk,
                class,
                source,
                written_in,
            });
        }
        // The file's own entries: a pattern that names nothing is a typo; one that
        // names only values this file does not write changes nothing.
        let mut known: Vec<String> = parameters
            .iter()
            .map(|p| provenance_name(&p.key, p.risk.as_deref()))
            .collect();
        written_paths(doc, "", &mut known);
        for (i, e) in layers.first().into_iter().flatten().enumerate() {
            if used[i] {
                continue;
            }
            let path = format!("provenance.{:?}", e.pattern);
            if known.iter().any(|k| pattern_match(&e.pattern, k).is_some()) {
                if parameters.iter().any(|p| {
                    pattern_match(&e.pattern, &provenance_name(&p.key, p.risk.as_deref())).is_some()
                }) {
                    self.changes_nothing(
                        e.span.clone(),
                        &path,
                        "this file writes no value it names: a class describes the values written in the same file (an inherited value keeps its base's class); write the value here to class it",
                    );
                }
                continue;
            }
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = closest(&e.pattern, &names)
                .map(|c| format!(" (did you mean {c:?}?)"))
                .unwrap_or_default();
            self.problem(
                e.span.clone(),
                &path,
                format!("names no key of this scenario{hint}; write a key path as --set does, with * for any strategy or risk, e.g. \"strategies.*.weekly_burn\""),
            );
        }
        scenario.evidence = Evidence {
            declared: provenance.iter().any(Option::is_some),
            parameters,
        };
    }
}

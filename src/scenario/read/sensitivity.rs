//! The `[sensitivity]` table and the catalogue of numeric keys it refers to.
//!
//! The reader records every numeric key it reads (number, governance curve or
//! distribution, with its default when the file leaves it out) together with the
//! interval it must lie in. That catalogue is what `tradeoff-sim sensitivity`
//! swings, and what a stated range is checked against: the key must be a numeric
//! model key of this scenario and both ends must be allowed values of it.

use toml::de::{DeTable, DeValue};

use super::Reader;
use super::problems::closest;
use super::values::{Check, Tbl, Value, type_name};
use crate::scenario::{Allowed, ParamValue, Parameter, SensitivityRange, SensitivitySpec};

/// The default one-at-a-time swing: x0.8 and x1.2 of a value.
pub const DEFAULT_SWING: f64 = 0.2;

/// Keys that frame the question rather than describe the project; a sensitivity
/// analysis does not swing them. The horizon sets what counts (a longer window
/// counts more failures by definition); the baseline churn only scales
/// `churn_uplift`.
pub const FRAMING_KEYS: [&str; 3] = [
    "horizon.weeks",
    "horizon.rate_window_weeks",
    "churn.baseline_share",
];

impl Reader<'_> {
    /// Adds a key to the catalogue, unless its value is missing or invalid
    /// (already reported).
    pub(super) fn record(&mut self, key: String, value: ParamValue, allowed: Allowed) {
        let valid = match &value {
            ParamValue::Number(x) => x.is_finite(),
            ParamValue::Curve(c) => c.at_g0.is_finite() && c.at_g1.is_finite(),
            ParamValue::Dist(d) => {
                !matches!(d, crate::dist::Dist::Constant { value } if value.is_nan())
            }
        };
        if valid {
            self.catalogue.push(Parameter {
                key,
                value,
                allowed,
            });
        }
    }

    /// The catalogue without the numbers read inside a curve or a distribution
    /// (`g0`, `median`, ...): those belong to their parent key.
    /// A key is left out when some curve's or distribution's key followed by a dot
    /// begins it: each of its dots is looked up in a set, so the time grows with the
    /// catalogue, not with its square.
    pub(super) fn parameters(&self) -> Vec<Parameter> {
        let parents: std::collections::HashSet<&str> = self
            .catalogue
            .iter()
            .filter(|p| !matches!(p.value, ParamValue::Number(_)))
            .map(|p| p.key.as_str())
            .collect();
        self.catalogue
            .iter()
            .filter(|p| {
                !p.key
                    .match_indices('.')
                    .any(|(i, _)| parents.contains(&p.key[..i]))
            })
            .cloned()
            .collect()
    }

    /// `[sensitivity]`: `swing = 0.2` and `ranges = { "KEY.PATH" = [low, high], ... }`.
    pub(super) fn sensitivity(
        &mut self,
        root: &mut Tbl<'_, '_>,
        parameters: &[Parameter],
    ) -> SensitivitySpec {
        let mut t = self.table(root, "sensitivity");
        let mut spec = SensitivitySpec::default();
        if let Some(v) = t.get("swing") {
            let check = Check::Between(0.0, 0.95);
            if let Some(x) = self.number_value(v, "sensitivity.swing", check) {
                spec.swing = x;
            }
        }
        if let Some(v) = t.get("ranges") {
            match v.get_ref() {
                DeValue::Table(table) => {
                    let mut entries = Vec::new();
                    flatten(table, "", &mut entries);
                    // One range per numeric key at most: refuse more at once, before
                    // looking each up.
                    if entries.len() > parameters.len() {
                        self.problem(
                            v.span(),
                            "sensitivity.ranges",
                            format!(
                                "at most one range per numeric key of the scenario ({}), got {} ranges",
                                parameters.len(),
                                entries.len()
                            ),
                        );
                        entries.clear();
                    }
                    for (key, value) in entries {
                        if let Some(range) = self.range(&key, value, parameters, &spec.ranges) {
                            spec.ranges.push(range);
                        }
                    }
                }
                other => self.problem(
                    v.span(),
                    "sensitivity.ranges",
                    format!(
                        "expected a table of key paths and [low, high], e.g. ranges = {{ \"strategies.hybrid.governance\" = [0.2, 0.9] }}, got {}",
                        type_name(other)
                    ),
                ),
            }
        }
        self.finish(t);
        spec
    }

    /// One stated range, checked against the catalogue.
    fn range(
        &mut self,
        key: &str,
        v: &Value<'_>,
        parameters: &[Parameter],
        earlier: &[SensitivityRange],
    ) -> Option<SensitivityRange> {
        let path = format!("sensitivity.ranges.\"{key}\"");
        let refuse = |reader: &mut Self, message: String| {
            reader.problem(v.span(), &path, message);
            None
        };
        if earlier.iter().any(|r| r.key == key) {
            return refuse(
                self,
                "a range for this key is already given; give one".to_string(),
            );
        }
        if key.starts_with("risks") {
            return refuse(
                self,
                "a risk is one driver of the tornado, switched off (probability 0) and forced on (probability 1); its probability and effects take no range".to_string(),
            );
        }
        if FRAMING_KEYS.contains(&key) {
            return refuse(
                self,
                format!(
                    "`{key}` frames the question (what counts, or how it is reported) and is not swung; run `tradeoff-sim sweep` over it instead"
                ),
            );
        }
        let Some(param) = parameters.iter().find(|p| p.key == key) else {
            let keys: Vec<&str> = parameters.iter().map(|p| p.key.as_str()).collect();
            let hint = closest(key, &keys)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return refuse(
                self,
                format!(
                    "no numeric key `{key}` in this scenario{hint}; a range names a number of the model, e.g. \"strategies.<id>.governance\" or \"cost.hourly_rate\""
                ),
            );
        };
        match &param.value {
            ParamValue::Number(_) => {}
            ParamValue::Curve(c) if c.at_g0 == c.at_g1 => {}
            ParamValue::Curve(_) => {
                return refuse(
                    self,
                    format!(
                        "`{key}` depends on governance ({{ g0 = .., g1 = .. }}), so a pair of numbers cannot replace it; give a range for the strategy's governance, or leave it to the default swing (both ends x (1 -/+ swing))"
                    ),
                );
            }
            ParamValue::Dist(_) => {
                return refuse(
                    self,
                    format!(
                        "`{key}` is a distribution: it is swung as one driver by scaling its location and scale by (1 -/+ swing); set `sensitivity.swing` instead of a range"
                    ),
                );
            }
        }
        let ends = self.numbers_list(v, &path, &["low", "high"])?;
        let (low, high) = (ends[0], ends[1]);
        let mut ok = true;
        for (name, x) in [("low", low), ("high", high)] {
            if !param.allowed.allows(x) {
                self.problem(
                    v.span(),
                    &path,
                    format!(
                        "the {name} end must be an allowed value of `{key}` ({}), got {x}",
                        describe(&param.allowed)
                    ),
                );
                ok = false;
            }
        }
        if ok && low >= high {
            return refuse(
                self,
                format!("low must be below high, got [{low}, {high}]; write [low, high]"),
            );
        }
        ok.then(|| SensitivityRange {
            key: key.to_string(),
            low,
            high,
        })
    }
}

/// `{ "a.b" = [..] }` and `[sensitivity.ranges] a.b = [..]` (a dotted key makes
/// nested tables) both give ("a.b", value).
fn flatten<'a, 'i>(table: &'a DeTable<'i>, prefix: &str, out: &mut Vec<(String, &'a Value<'i>)>) {
    for (k, v) in table.iter() {
        let key = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        match v.get_ref() {
            DeValue::Table(inner) => flatten(inner, &key, out),
            _ => out.push((key, v)),
        }
    }
}

fn describe(a: &Allowed) -> String {
    match (a.lo.is_finite(), a.hi.is_finite()) {
        (true, true) if a.lo == 0.0 && a.hi == 1.0 => "between 0 and 1".to_string(),
        (true, true) => format!("between {} and {}", a.lo, a.hi),
        (true, false) if a.lo_open => format!("> {}", a.lo),
        (true, false) => format!(">= {}", a.lo),
        _ => "a finite number".to_string(),
    }
}

//! Reading one value of a known kind: a number in its allowed range, a whole
//! number, a boolean, a string or a governance curve, each reported at its key path
//! with what is allowed when wrong, and each numeric key recorded in the catalogue
//! `sensitivity` swings. [`Tbl`] is a table being read: it remembers which keys were
//! asked for, so that any other key is reported as unknown. Which keys a table has
//! is for the table readers to say, not this module.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Reader;
use crate::scenario::{Allowed, GovernanceCurve, ParamValue};

/// What a number must satisfy.
#[derive(Clone, Copy, Debug)]
pub(super) enum Check {
    Any,
    Probability,
    NonNegative,
    Positive,
    Between(f64, f64),
}

impl Check {
    pub(super) fn allows(self, v: f64) -> bool {
        match self {
            Check::Any => true,
            Check::Probability => (0.0..=1.0).contains(&v),
            Check::NonNegative => v >= 0.0,
            Check::Positive => v > 0.0,
            Check::Between(lo, hi) => (lo..=hi).contains(&v),
        }
    }

    /// The same condition as an interval, for the scenario's parameter catalogue.
    pub(super) fn allowed(self) -> Allowed {
        let (lo, hi, lo_open) = match self {
            Check::Any => (f64::NEG_INFINITY, f64::INFINITY, false),
            Check::Probability => (0.0, 1.0, false),
            Check::NonNegative => (0.0, f64::INFINITY, false),
            Check::Positive => (0.0, f64::INFINITY, true),
            Check::Between(lo, hi) => (lo, hi, false),
        };
        Allowed { lo, hi, lo_open }
    }

    pub(super) fn describe(self) -> String {
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
pub(super) fn readable(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// A table being read: remembers which keys were asked for, so that any other key
/// is reported as unknown, with the list of allowed keys.
pub(super) struct Tbl<'a, 'i> {
    pub(super) path: String,
    pub(super) table: Option<&'a DeTable<'i>>,
    pub(super) span: Range<usize>,
    pub(super) asked: Vec<&'static str>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    pub(super) fn new(path: String, table: Option<&'a DeTable<'i>>, span: Range<usize>) -> Self {
        Tbl {
            path,
            table,
            span,
            asked: Vec::new(),
        }
    }

    pub(super) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(super) fn get(&mut self, key: &'static str) -> Option<&'a Value<'i>> {
        self.asked.push(key);
        self.table?
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
}

impl Reader<'_> {
    /// A sub-table; a missing one reads as empty (every key then takes its default).
    pub(super) fn table<'a, 'i>(
        &mut self,
        parent: &mut Tbl<'a, 'i>,
        key: &'static str,
    ) -> Tbl<'a, 'i> {
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

    /// A number value (integer or float), checked to be finite and in range.
    pub(super) fn number_value(&mut self, v: &Value<'_>, path: &str, check: Check) -> Option<f64> {
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
        if value != 0.0 && value.abs() < f64::MIN_POSITIVE {
            // Subnormal: what is computed from it (a logarithm, a product) loses its
            // digits or underflows to 0, and a run fails on it after validation.
            self.problem(
                v.span(),
                path,
                format!(
                    "{} is too small to compute with (closer to 0 than {:e}, the smallest full-precision number); write 0, or a number of a sensible unit",
                    readable(value),
                    f64::MIN_POSITIVE
                ),
            );
            return None;
        }
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

    pub(super) fn number(
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

    pub(super) fn optional_number(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        check: Check,
    ) -> Option<f64> {
        let path = t.key_path(key);
        t.get(key).and_then(|v| self.number_value(v, &path, check))
    }

    pub(super) fn whole_number(
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

    pub(super) fn boolean(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: bool,
    ) -> bool {
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

    pub(super) fn string(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<&str>,
    ) -> String {
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

    /// A number, or `{ g0 = .., g1 = .., k = 1 }` for a value that depends on
    /// governance. Both ends must satisfy `check`; the curve lies between them.
    pub(super) fn curve_value(
        &mut self,
        v: &Value<'_>,
        path: &str,
        check: Check,
    ) -> GovernanceCurve {
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

    pub(super) fn curve(
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
    pub(super) fn numbers_list(
        &mut self,
        v: &Value<'_>,
        path: &str,
        names: &[&str],
    ) -> Option<Vec<f64>> {
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
}

/// A TOML integer or float as a number, unchecked (`None` for anything else or
/// an integer out of range): for comparing values the reader checks elsewhere.
pub(super) fn plain_number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    }
}

pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
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

pub(super) fn display_int(text: &str, radix: u32) -> String {
    match radix {
        16 => format!("0x{text}"),
        8 => format!("0o{text}"),
        2 => format!("0b{text}"),
        _ => text.to_string(),
    }
}

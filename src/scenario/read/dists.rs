//! Reading a distribution (`{ triangular = [min, mode, max] }`, a bare constant,
//! ...) and checking that its draws fall where the key needs them (`>= 0`, a
//! fraction, `> 0`). The distributions themselves, and their sampling, live in
//! `scenario::dist`; this module only builds them from the file.

use toml::de::DeValue;

use super::Reader;
use super::problems::closest;
use super::values::{Check, Tbl, Value, type_name};
use crate::dist::{Dist, DistError};
use crate::scenario::{Allowed, ParamValue};

/// Where a distribution's draws must fall.
#[derive(Clone, Copy, Debug)]
pub(super) enum Support {
    NonNegative,
    Fraction,
    Positive,
}

impl Support {
    /// Whether every draw of `d` falls where this support needs it. For `> 0` the
    /// same rule holds for every family: the lowest value it can draw must be above
    /// 0. A lognormal is the one family whose support is open at 0 (its draws are
    /// all above 0); a lomax, or a normal cut at `min = 0`, draws values at 0 or
    /// next to it, most often there for the lomax.
    pub(super) fn allows(self, d: &Dist) -> bool {
        let (lo, hi) = d.support();
        match self {
            Support::NonNegative => lo >= 0.0,
            Support::Fraction => lo >= 0.0 && hi <= 1.0,
            Support::Positive => lo > 0.0 || (matches!(d, Dist::Lognormal(_)) && hi > 0.0),
        }
    }

    /// Where draws must fall, as an interval.
    pub(super) fn allowed(self) -> Allowed {
        let (lo, hi, lo_open) = match self {
            Support::NonNegative => (0.0, f64::INFINITY, false),
            Support::Fraction => (0.0, 1.0, false),
            Support::Positive => (0.0, f64::INFINITY, true),
        };
        Allowed { lo, hi, lo_open }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            Support::NonNegative => {
                "draws must be >= 0 (use lognormal, lomax, or a normal with min = 0)"
            }
            Support::Fraction => "draws must lie between 0 and 1",
            Support::Positive => {
                "draws must be > 0 (use a lognormal, or a distribution whose lowest value is above 0, e.g. a normal with min = 0.1)"
            }
        }
    }
}

impl Reader<'_> {
    /// A distribution: a bare number (a constant) or a table with one of the keys
    /// `constant`, `uniform`, `triangular`, `pert`, `lognormal`, `normal`, `beta`, `lomax`.
    pub(super) fn dist_value(
        &mut self,
        v: &Value<'_>,
        path: &str,
        support: Support,
    ) -> Option<Dist> {
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

    pub(super) fn checked_dist(
        &mut self,
        made: Result<Dist, DistError>,
        v: &Value<'_>,
        path: &str,
        support: Support,
    ) -> Option<Dist> {
        match made {
            Ok(d) => {
                if support.allows(&d) {
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
                if !matches!(e, DistError::NotFinite { value, .. } if value.is_nan()) {
                    self.problem(v.span(), path, e.to_string());
                }
                None
            }
        }
    }

    pub(super) fn dist(
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

    pub(super) fn optional_dist(
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
}

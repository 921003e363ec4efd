//! `[[risks]]`: the risk register. Each row's name, its probability for every
//! strategy (one number, one governance curve, or one per strategy id) and its
//! effects, at least one of which it must have.

use toml::de::DeValue;

use super::Reader;
use super::dists::Support;
use super::names::NameRule;
use super::values::{Check, Tbl, type_name};
use crate::scenario::{GovernanceCurve, Risk, RiskEffects, Strategy};

impl Reader<'_> {
    pub(super) fn risks(&mut self, root: &mut Tbl<'_, '_>, strategies: &[Strategy]) -> Vec<Risk> {
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
            if !name.is_empty() && out.iter().any(|r| r.name.trim() == name.trim()) {
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
    pub(super) fn risk_probability(
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

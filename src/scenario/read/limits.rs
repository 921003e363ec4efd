//! Limits that keep reading and simulating a scenario bounded: counts of
//! strategies, risks and claims refused before any of them is read (so a file of
//! 150,000 risks is refused at once, not after checking each), and the work of
//! one trial, refused when a strategy would expect more events in a trial than
//! any project has (so `validate` and `run` cannot be asked for hours per batch).
//! It judges counts and expectations only; each table's own keys are read by
//! their table's module.

use toml::de::{DeTable, DeValue};

use super::claims::MAX_CLAIMS;
use super::values::readable;
use super::{MAX_RISKS, MAX_STRATEGIES, Reader};
use crate::scenario::Scenario;

/// Most events (API failures, other emergency fixes and traffic surges) a
/// strategy may expect in one trial, on average over trials. One event costs a
/// few draws; a real project sees tens in its post-launch horizon, and this bounds
/// the time of a trial to about a millisecond per strategy on average.
pub const MAX_EVENTS_PER_TRIAL: f64 = 1000.0;

/// The share of a rate stated per `window_weeks` that falls within `horizon_weeks`
/// when arrivals decay as e^(-decay x t) (Goel-Okumoto); `horizon / window` without
/// decay. The model scales every failure, fix and surge rate by it.
pub fn horizon_rate_share(decay_per_week: f64, horizon_weeks: f64, window_weeks: f64) -> f64 {
    if decay_per_week <= 0.0 {
        horizon_weeks / window_weeks
    } else {
        (1.0 - (-decay_per_week * horizon_weeks).exp())
            / (1.0 - (-decay_per_week * window_weeks).exp())
    }
}

impl Reader<'_> {
    /// Refuses more strategies, risks or claims than allowed, before any is read:
    /// checking each of them first made the time grow with their number. Returns
    /// whether any count was refused.
    pub(super) fn refuse_over_limit_counts(&mut self, doc: &DeTable<'_>) -> bool {
        let mut refused = false;
        for (key, value) in doc.iter() {
            let name = key.get_ref().as_ref();
            let (count, most) = match (name, value.get_ref()) {
                ("strategies", DeValue::Table(t)) => (t.len(), MAX_STRATEGIES),
                ("risks", DeValue::Array(a)) => (a.len(), MAX_RISKS),
                ("claims", DeValue::Array(a)) => (a.len(), MAX_CLAIMS),
                _ => continue,
            };
            if count > most {
                self.problem(
                    value.span(),
                    name,
                    format!(
                        "at most {most} {name}, got {count}; the rest of the file is checked once this is fixed"
                    ),
                );
                refused = true;
            }
        }
        refused
    }

    /// Refuses a strategy that would expect more than [`MAX_EVENTS_PER_TRIAL`]
    /// events in one trial, naming the figures that multiply to it.
    ///
    /// The expectation is exact for the model (MODEL.md): the frailty has mean 1,
    /// each risk occurs on its own uniform draw, independently of the others, so the
    /// mean of the product of the multipliers of the risks that occur is the product
    /// of their means, 1 + p (m - 1) each. (The worst case, every risk at once, is
    /// no bound: 200 risks of x 1.2 would make it 10^15 for a register whose mean
    /// is a few times the rate.)
    pub(super) fn bound_trial_work(&mut self, doc: &DeTable<'_>, s: &Scenario) {
        /// Risks named in the message, largest factors first.
        const NAMED: usize = 5;
        let share = horizon_rate_share(
            s.api.decay_per_week,
            s.horizon.weeks,
            s.horizon.rate_window_weeks,
        );
        let surges = s.surges.events_per_window * share_without_decay(s);
        for (index, st) in s.strategies.iter().enumerate() {
            let g = st.governance;
            let mut mean_multiplier = 1.0;
            let mut raising = Vec::new();
            for (r, risk) in s.risks.iter().enumerate() {
                let m = risk.effects.api_failure_multiplier;
                let p = risk.probability.get(index).map_or(0.0, |c| c.at(g));
                let factor = 1.0 + p * (m - 1.0);
                mean_multiplier *= factor;
                if factor > 1.0 {
                    raising.push((factor, r, p, m));
                }
            }
            let api_rate = st.api_failure_rate.at(g);
            let api = api_rate * share * mean_multiplier;
            let other = st.other_fix_rate.at(g) * share;
            let total = api + other + surges;
            if total <= MAX_EVENTS_PER_TRIAL {
                continue;
            }
            let (key, at) = if api >= other.max(surges) {
                ("api_failure_rate", Some(st.id.as_str()))
            } else if other >= surges {
                ("other_fix_rate", Some(st.id.as_str()))
            } else {
                ("events_per_window", None)
            };
            raising.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut named: Vec<String> = raising
                .iter()
                .take(NAMED)
                .map(|&(_, r, p, m)| {
                    format!(
                        "risks[{r}] {:?} x {} with probability {}",
                        s.risks[r].name,
                        figure(m),
                        figure(p)
                    )
                })
                .collect();
            if raising.len() > NAMED {
                named.push(format!("{} more", raising.len() - NAMED));
            }
            let risks = if raising.is_empty() {
                String::new()
            } else {
                format!(
                    " x {} on average from the risks that raise it: {}",
                    figure(mean_multiplier),
                    named.join(", ")
                )
            };
            let message = format!(
                "one trial of this strategy would expect {} events on average, above the {} one trial may hold (no project has that many in {} weeks): {} API failures (api_failure_rate {} x {} for the horizon{risks}), {} other fixes and {} traffic surges; rates are per rate_window_weeks ({} weeks): lower them, or the risks' api_failure_multiplier",
                figure(total),
                MAX_EVENTS_PER_TRIAL,
                s.horizon.weeks,
                figure(api),
                figure(api_rate),
                figure(share),
                figure(other),
                figure(surges),
                s.horizon.rate_window_weeks,
            );
            let (span, path) = match at {
                Some(id) => (
                    value_span(doc, &["strategies", id, key])
                        .or_else(|| value_span(doc, &["strategies", id])),
                    format!("strategies.{}.{key}", id),
                ),
                None => (value_span(doc, &["surges", key]), format!("surges.{key}")),
            };
            self.problem(span.unwrap_or(0..0), &path, message);
        }
    }
}

/// A figure of the message: six significant digits at most (`3.9`, not
/// `3.9000000000000004`), written short.
fn figure(x: f64) -> String {
    match format!("{x:.5e}").parse::<f64>() {
        Ok(rounded) if x.is_finite() => readable(rounded),
        _ => readable(x),
    }
}

/// Surges arrive at a constant rate: `horizon / window`, whatever the decay.
fn share_without_decay(s: &Scenario) -> f64 {
    s.horizon.weeks / s.horizon.rate_window_weeks
}

/// Where the value at `path` (table keys from the top) was written.
fn value_span(doc: &DeTable<'_>, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (_, value) = doc.iter().find(|(k, _)| k.get_ref().as_ref() == *first)?;
    match (rest.is_empty(), value.get_ref()) {
        (true, _) => Some(value.span()),
        (false, DeValue::Table(t)) => value_span(t, rest),
        _ => None,
    }
}

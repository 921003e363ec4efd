//! Limits that keep reading and simulating a scenario bounded: counts of
//! strategies, risks and claims refused before any of them is read (so a file of
//! 150,000 risks is refused at once, not after checking each), and the work of
//! one trial, refused when a strategy would expect more events in one trial than
//! any project has (so `validate` and `run` cannot be asked for hours per batch).
//! It judges counts and expectations only; each table's own keys are read by
//! their table's module.

use toml::de::{DeTable, DeValue};

use super::claims::MAX_CLAIMS;
use super::values::readable;
use super::{MAX_RISKS, MAX_STRATEGIES, Reader};
use crate::scenario::Scenario;

/// Most events (API failures, other emergency fixes and traffic surges) a
/// strategy may expect in one trial, with every risk that multiplies its API
/// failures occurring. One event costs a few draws; a real project sees tens in
/// its post-launch horizon, and this bounds the time of one trial to about a
/// millisecond per strategy.
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
    /// events in one trial, with every risk that can raise its API failures
    /// occurring at once, naming the figures that multiply to it.
    pub(super) fn bound_trial_work(&mut self, doc: &DeTable<'_>, s: &Scenario) {
        let share = horizon_rate_share(
            s.api.decay_per_week,
            s.horizon.weeks,
            s.horizon.rate_window_weeks,
        );
        let surges = s.surges.events_per_window * share_without_decay(s);
        for (index, st) in s.strategies.iter().enumerate() {
            let g = st.governance;
            let mut worst_multiplier = 1.0;
            let mut raising = Vec::new();
            for (r, risk) in s.risks.iter().enumerate() {
                let m = risk.effects.api_failure_multiplier;
                let p = risk.probability.get(index).map_or(0.0, |c| c.at(g));
                if m > 1.0 && p > 0.0 {
                    worst_multiplier *= m;
                    raising.push(format!("risks[{r}] {:?} x {}", risk.name, figure(m)));
                }
            }
            let api_rate = st.api_failure_rate.at(g);
            let api = api_rate * share * worst_multiplier;
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
            let risks = if raising.is_empty() {
                String::new()
            } else {
                format!(
                    " x {} (the risks that raise it, all occurring: {})",
                    figure(worst_multiplier),
                    raising.join(", ")
                )
            };
            let message = format!(
                "one trial of this strategy would expect {} events, above the {} one trial may hold (no project has that many in {} weeks): {} API failures (api_failure_rate {} x {} for the horizon{risks}), {} other fixes and {} traffic surges; rates are per rate_window_weeks ({} weeks): lower them, or the risks' api_failure_multiplier",
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

//! Inputs that change nothing (MODEL.md §8.8): a value the file (or a `--set`)
//! writes that cannot reach any output of this scenario, reported as a warning
//! naming the key and why. Derived from the parsed scenario (which curves are
//! flat, which strategies have a vendor seam or a responsibility matrix, which
//! risks walk away), never from a list of examples.
//!
//! The cases, each following from MODEL.md §3:
//! - a strategy's `governance` when none of its values depends on g: every curve
//!   of the strategy and every risk probability for it is flat, and it has no
//!   vendor seam (whose coordination, seam TTR and war room use g);
//! - a curve's `k` when `g0` equals `g1` (a flat curve has no shape);
//! - the seam keys when no strategy has a vendor seam; the matrix keys when no
//!   strategy has a responsibility matrix;
//! - the walk-away keys when no risk can make a partner walk away (per strategy:
//!   its own walk-away keys when every walk-away risk is 0 for it).
//!
//! It only warns: such a value is valid, and may matter in a variant.

use toml::de::{DeTable, DeValue};

use super::Reader;
use super::extends::find;
use super::provenance::value_at;
use super::values::plain_number;
use crate::scenario::{GovernanceCurve, Scenario};

/// The governance of a strategy that does not give it because nothing of it
/// depends on g: any value gives the same outputs.
pub(super) const GOVERNANCE_UNUSED: f64 = 0.5;

/// A curve that does not depend on g; an invalid one (already reported) counts as
/// flat, so it raises no second problem.
fn flat(c: &GovernanceCurve) -> bool {
    c.at_g0 == c.at_g1 || !c.at_g0.is_finite() || !c.at_g1.is_finite()
}

/// Keys used only by a strategy with a vendor seam.
const SEAM_KEYS: [&str; 7] = [
    "build.seam_share",
    "build.seam_slowdown",
    "incidents.seam_crossing_probability",
    "incidents.seam_ttr_factor",
    "cost.war_room_week_cost",
    "cost.war_room_weeks",
    "cost.war_room_spread",
];

/// Keys used only by a strategy with a responsibility matrix.
const MATRIX_KEYS: [&str; 2] = [
    "build.matrix_onboarding_weeks",
    "incidents.matrix_ttr_factor",
];

/// Keys used only when a partner walks away.
const WALK_AWAY_KEYS: [&str; 2] = ["walk_away.at_week", "walk_away.degraded_fraction"];

/// A strategy's own keys used only when a partner walks away.
const STRATEGY_WALK_AWAY_KEYS: [&str; 2] = [
    "walk_away_unresolved_probability",
    "walk_away_degraded_weeks",
];

/// Whether anything of strategy `i` depends on its governance g: a curve of its
/// own, a risk probability for it, or its vendor seam.
fn governance_matters(scenario: &Scenario, i: usize) -> bool {
    let st = &scenario.strategies[i];
    let curves = [
        &st.api_failure_rate,
        &st.other_fix_rate,
        &st.headroom_median,
        &st.headroom_sigma,
        &st.ttr_median_hours,
        &st.walk_away_unresolved_probability,
    ];
    !curves.iter().all(|c| flat(c))
        || st.vendor_seam
        || scenario
            .risks
            .iter()
            .any(|r| r.probability.get(i).is_some_and(|p| !flat(p)))
}

impl Reader<'_> {
    /// A strategy may leave out `governance` only when nothing of it depends on g.
    pub(super) fn governance_needed(&mut self, doc: &DeTable<'_>, scenario: &Scenario) {
        for (i, st) in scenario.strategies.iter().enumerate() {
            let path = format!("strategies.{}", st.id);
            let Some(table) = value_at(doc, &path) else {
                continue;
            };
            if matches!(table.get_ref(), DeValue::Table(t) if find(t, "governance").is_none())
                && governance_matters(scenario, i)
            {
                self.problem(
                    table.span(),
                    &format!("{path}.governance"),
                    format!("missing; add `governance = ...` in [{path}] (a number between 0 and 1, the governance quality g): its curves, risk probabilities or vendor seam depend on it"),
                );
            }
        }
    }

    /// Warns about every written value of `scenario` that changes no output.
    pub(super) fn unused_inputs(&mut self, doc: &DeTable<'_>, scenario: &Scenario) {
        for (i, st) in scenario.strategies.iter().enumerate() {
            let depends = governance_matters(scenario, i);
            let key = format!("strategies.{}.governance", st.id);
            // Governance given as practices may also switch other things: only a
            // number is judged here.
            if !depends
                && let Some(v) = value_at(doc, &key)
                && matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_))
            {
                self.changes_nothing(
                    v.span(),
                    &key,
                    "none of this strategy's rates, probabilities or costs depends on governance (each is a plain number, not a { g0, g1 } curve, and it has no vendor seam)",
                );
            }
        }
        self.flat_curve_shapes(doc, "");
        let seam = scenario.strategies.iter().any(|s| s.vendor_seam);
        let matrix = scenario.strategies.iter().any(|s| s.responsibility_matrix);
        let walks = |i: usize| {
            scenario.risks.iter().any(|r| {
                r.effects.walk_away
                    && (r.probability[i].at_g0 > 0.0 || r.probability[i].at_g1 > 0.0)
            })
        };
        let any_walks = (0..scenario.strategies.len()).any(walks);
        let groups: [(&[&str], bool, &str); 3] = [
            (
                &SEAM_KEYS,
                seam,
                "no strategy has a vendor seam (vendor_seam = true)",
            ),
            (
                &MATRIX_KEYS,
                matrix,
                "no strategy has a responsibility matrix (responsibility_matrix = true)",
            ),
            (
                &WALK_AWAY_KEYS,
                any_walks,
                "no risk can make a partner walk away (walk_away = true with a probability above 0)",
            ),
        ];
        for (keys, used, why) in groups {
            if used {
                continue;
            }
            for key in keys {
                if let Some(v) = value_at(doc, key) {
                    self.changes_nothing(v.span(), key, why);
                }
            }
        }
        for (i, st) in scenario.strategies.iter().enumerate() {
            if walks(i) {
                continue;
            }
            for own in STRATEGY_WALK_AWAY_KEYS {
                let key = format!("strategies.{}.{own}", st.id);
                if let Some(v) = value_at(doc, &key) {
                    self.changes_nothing(
                        v.span(),
                        &key,
                        "no risk can make this strategy's partner walk away (every walk_away risk has probability 0 for it)",
                    );
                }
            }
        }
    }

    /// Every `{ g0, g1, k }` written with equal ends: its `k` shapes nothing.
    fn flat_curve_shapes(&mut self, table: &DeTable<'_>, path: &str) {
        for (k, v) in table.iter() {
            let here = if path.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{path}.{}", k.get_ref())
            };
            match v.get_ref() {
                DeValue::Table(t) => {
                    let end = |name: &str| find(t, name).and_then(|e| plain_number(e.get_ref()));
                    if let (Some(g0), Some(g1), Some(shape)) = (end("g0"), end("g1"), find(t, "k"))
                        && g0 == g1
                    {
                        self.changes_nothing(
                            shape.span(),
                            &format!("{here}.k"),
                            "g0 and g1 are equal, so the curve is flat and has no shape",
                        );
                    }
                    self.flat_curve_shapes(t, &here);
                }
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(t) = item.get_ref() {
                            self.flat_curve_shapes(t, &format!("{here}[{i}]"));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

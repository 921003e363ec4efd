//! The scenario compiled for fast trials: governance curves evaluated, products of
//! constants taken, distributions turned into [`Sampler`]s, and the client's
//! facts of MODEL.md §8 (vendor quotes and estimates, support calendars, known
//! events) laid out so that a trial reads plain numbers. Runs once per
//! [`Model`]; nothing here is on the hot path.

use rand_distr::Gamma;

use super::sampler::{Sampler, SmallBinomial};
use super::stream::{Key, shared};
use super::{Model, RiskDraws};
use crate::metric::{METRIC_COUNT, Metric};
use crate::scenario::{Scenario, SupportCalendar};

/// A strategy's parameters with governance already applied.
#[derive(Clone, Debug)]
pub(super) struct StrategyParams {
    /// The strategy's plan: the vendor's quote, or the reference plan x multiplier.
    pub(super) plan_weeks: f64,
    /// The vendor seam's slowdown of the build (1 without a seam): the build's
    /// base is plan x coordination.
    pub(super) coordination: f64,
    pub(super) matrix: bool,
    pub(super) seam: bool,
    pub(super) weekly_burn: f64,
    pub(super) responders: f64,
    /// Expected API failures in the horizon, at frailty 1, before risks.
    pub(super) api_rate: f64,
    pub(super) other_fix_rate: f64,
    /// ln of the median capacity headroom (surges are compared in logs).
    pub(super) log_headroom_median: f64,
    pub(super) headroom_sigma: f64,
    /// Median TTR, times the matrix factor when a responsibility matrix is in force.
    pub(super) ttr_base_hours: f64,
    /// The TTR factor of an incident that stays on one side of the vendor seam (1)
    /// and of one that crosses it.
    pub(super) seam_ttr_factors: [f64; 2],
    /// weekly burn x plan weeks.
    pub(super) planned_budget: f64,
    pub(super) unresolved_probability: f64,
    pub(super) degraded_weeks: Sampler,
    pub(super) war_room_weeks: f64,
    /// Per risk, the probability it occurs for this strategy.
    pub(super) risk_probability: Vec<f64>,
    /// Which of the trial's estimate draws the build uses ([`Model::estimates`]).
    pub(super) estimate_group: usize,
    /// The launch week `on_time` compares with.
    pub(super) target_weeks: f64,
    /// The support calendar, unless every hour is covered (then no incident waits
    /// and nothing is drawn).
    pub(super) support: Option<SupportCalendar>,
}

/// The scenario's distributions, compiled (see [`Sampler`]).
#[derive(Clone, Debug)]
pub(super) struct Samplers {
    pub(super) estimate: Sampler,
    pub(super) surge_multiple: Sampler,
    pub(super) walk_away_week: Sampler,
    pub(super) walk_away_fraction: Sampler,
    pub(super) matrix_onboarding_weeks: Sampler,
    pub(super) surge_failure_hours: Sampler,
    pub(super) surge_impact_fraction: Sampler,
    pub(super) incident_impact_fraction: Sampler,
    pub(super) war_room_spread: Sampler,
    pub(super) fix_effort_hours: Sampler,
    /// Failures that need an emergency fix, of the API and surge failures.
    pub(super) fixed: SmallBinomial,
    /// Customer-facing incidents, of the other fixes.
    pub(super) customer_facing: SmallBinomial,
}

/// A strategy's own estimate distribution, shared by every strategy that states
/// the same one: drawn once per trial from its own substream.
#[derive(Clone, Debug)]
pub(super) struct EstimateGroup {
    pub(super) sampler: Sampler,
    pub(super) key: Key,
}

/// A known peak event, compiled. The model meets events in week order.
#[derive(Clone, Debug)]
pub(super) struct EventDraws {
    pub(super) week: f64,
    pub(super) freeze_weeks: f64,
    pub(super) multiple: Sampler,
    pub(super) outage_hours: Sampler,
    /// The event's traffic multiple: one draw per trial, shared by every strategy.
    pub(super) multiple_key: Key,
    /// A strategy's outage draws during the event.
    pub(super) outage_key: Key,
    /// Where the event's live indicator is among a strategy's extra metrics
    /// (its failure indicator follows).
    pub(super) live_at: usize,
    /// The event's place in the file (and in the recorded drivers).
    pub(super) file_index: usize,
}

/// Where the metrics a scenario adds to [`Metric::ALL`] go among a strategy's
/// extra values (see `Scratch::extras`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Extras {
    /// Extra values per strategy.
    pub(super) count: usize,
    pub(super) on_time_at: Option<usize>,
    pub(super) freeze_wait_at: Option<usize>,
}

/// Products of scenario numbers the hot path would otherwise recompute per strategy.
#[derive(Clone, Debug)]
pub(super) struct Constants {
    /// loss probability x failed checkouts per week / hours per week.
    pub(super) churn_per_downtime_hour: f64,
    /// loss per hour x (1 - recaptured share).
    pub(super) net_loss_per_downtime_hour: f64,
    /// customers x lifetime value.
    pub(super) loss_per_churn_share: f64,
}

/// A distribution's identity for sharing draws: two strategies that state the
/// same estimate share its draw (common random numbers).
fn fingerprint(dist: &crate::dist::Dist) -> String {
    format!("{dist:?}")
}

impl Model {
    pub fn new(scenario: &Scenario) -> Model {
        let s = scenario;
        let rate_scale = crate::scenario::horizon_rate_share(
            s.api.decay_per_week,
            s.horizon.weeks,
            s.horizon.rate_window_weeks,
        );
        // Group 0 is the scenario's estimate, drawn from the shared estimate
        // substream as always; every other distinct estimate gets a substream
        // keyed by the distribution itself, so that it does not depend on which
        // or how many strategies state it.
        let global = fingerprint(&s.build.estimate);
        let mut fingerprints = vec![global];
        let mut estimates = vec![EstimateGroup {
            sampler: Sampler::new(&s.build.estimate),
            key: shared::ESTIMATE,
        }];
        let mut estimate_group = |st: &crate::scenario::Strategy| {
            let dist = st.estimate(&s.build);
            let print = fingerprint(dist);
            if let Some(i) = fingerprints.iter().position(|p| *p == print) {
                return i;
            }
            estimates.push(EstimateGroup {
                sampler: Sampler::new(dist),
                key: Key::named_for("estimate", &print),
            });
            fingerprints.push(print);
            estimates.len() - 1
        };
        let strategies = s
            .strategies
            .iter()
            .enumerate()
            .map(|(index, st)| {
                let g = st.governance;
                let plan_weeks = st.plan_weeks(&s.build);
                let coordination = if st.vendor_seam {
                    1.0 + s.build.seam_share * (s.build.seam_slowdown - 1.0) * (1.0 - g)
                } else {
                    1.0
                };
                StrategyParams {
                    plan_weeks,
                    coordination,
                    matrix: st.responsibility_matrix,
                    seam: st.vendor_seam,
                    weekly_burn: st.weekly_burn,
                    responders: st.responders,
                    api_rate: st.api_failure_rate.at(g) * rate_scale,
                    other_fix_rate: st.other_fix_rate.at(g) * rate_scale,
                    log_headroom_median: st.headroom_median.at(g).ln(),
                    headroom_sigma: st.headroom_sigma.at(g),
                    ttr_base_hours: st.ttr_median_hours.at(g)
                        * if st.responsibility_matrix {
                            s.incidents.matrix_ttr_factor
                        } else {
                            1.0
                        },
                    seam_ttr_factors: [1.0, s.incidents.seam_ttr_factor.at(g)],
                    planned_budget: st.weekly_burn * plan_weeks,
                    unresolved_probability: st.walk_away_unresolved_probability.at(g),
                    degraded_weeks: Sampler::new(&st.walk_away_degraded_weeks),
                    war_room_weeks: if st.vendor_seam {
                        s.cost.war_room_weeks.at(g)
                    } else {
                        0.0
                    },
                    risk_probability: s.risks.iter().map(|r| r.probability[index].at(g)).collect(),
                    estimate_group: estimate_group(st),
                    target_weeks: st.target_weeks(&s.build),
                    support: (!st.support.is_always()).then(|| st.support.clone()),
                }
            })
            .collect();
        let shape = s.drivers.frailty_shape;
        let samplers = Samplers {
            estimate: Sampler::new(&s.build.estimate),
            surge_multiple: Sampler::new(&s.surges.multiple),
            walk_away_week: Sampler::new(&s.walk_away.at_week),
            walk_away_fraction: Sampler::new(&s.walk_away.degraded_fraction),
            matrix_onboarding_weeks: Sampler::new(&s.build.matrix_onboarding_weeks),
            surge_failure_hours: Sampler::new(&s.surges.failure_hours),
            surge_impact_fraction: Sampler::new(&s.surges.impact_fraction),
            incident_impact_fraction: Sampler::new(&s.incidents.impact_fraction),
            war_room_spread: Sampler::new(&s.cost.war_room_spread),
            fix_effort_hours: Sampler::new(&s.cost.fix_effort_hours),
            fixed: SmallBinomial::new(s.api.fix_probability),
            customer_facing: SmallBinomial::new(s.incidents.customer_facing_share),
        };
        let risks = s
            .risks
            .iter()
            .map(|r| {
                let e = &r.effects;
                RiskDraws {
                    build_extra_share: e.build_extra_share.as_ref().map(Sampler::new),
                    delay_weeks: e.delay_weeks.as_ref().map(Sampler::new),
                    tail_extra_share: e.tail_extra_share.as_ref().map(Sampler::new),
                    tail_multiplier_cap: e.tail_multiplier_cap,
                    api_failure_multiplier: e.api_failure_multiplier,
                    walk_away: e.walk_away,
                    key: Key::named(&r.name),
                }
            })
            .collect();
        let metrics = s.metrics();
        let extra_at = |m: Metric| m.position_in(&metrics).map(|i| i - METRIC_COUNT);
        let extras = Extras {
            count: metrics.len() - METRIC_COUNT,
            on_time_at: extra_at(Metric::OnTime),
            freeze_wait_at: extra_at(Metric::FreezeWaitWeeks),
        };
        let mut events: Vec<EventDraws> = s
            .events
            .iter()
            .enumerate()
            .map(|(file_index, e)| EventDraws {
                week: e.week,
                freeze_weeks: e.freeze_weeks,
                multiple: Sampler::new(&e.multiple),
                outage_hours: Sampler::new(e.outage_hours(&s.surges)),
                multiple_key: Key::named_for("event multiple", &e.name),
                outage_key: Key::named_for("event outage", &e.name),
                live_at: extra_at(Metric::event_live(&e.name))
                    .expect("every event has its metrics"),
                file_index,
            })
            .collect();
        // Week order (stable: file order among events of the same week), so that
        // a wait for one freeze can move the launch into a later one.
        events.sort_by(|a, b| a.week.total_cmp(&b.week));
        Model {
            scenario: s.clone(),
            metrics,
            strategies,
            samplers,
            risks,
            estimates,
            events,
            extras,
            frailty_gamma: Gamma::new(shape, 1.0 / shape).expect("frailty shape validated > 0"),
            build_log_shift: -0.5 * s.drivers.complexity_on_build.powi(2),
            frailty_log_shift: -0.5 * s.drivers.complexity_on_frailty.powi(2),
            surge_events: s.surges.events_per_window * s.horizon.weeks
                / s.horizon.rate_window_weeks,
            constants: Constants {
                churn_per_downtime_hour: s.churn.loss_probability
                    * s.churn.failed_checkouts_per_week
                    / super::HOURS_PER_WEEK,
                net_loss_per_downtime_hour: s.cost.downtime_loss_per_hour
                    * (1.0 - s.cost.recaptured_share),
                loss_per_churn_share: s.churn.customers * s.churn.lifetime_value,
            },
        }
    }
}

//! The arithmetic after a strategy's draws: build weeks from their factors, then
//! churn, cost and every metric of the [`Outcome`]. [`Model::trial`] settles each
//! strategy through [`Model::settle`], and so does [`Model::resettled_column`] from a
//! recorded [`Drawn`]: a scenario that changes only numbers this arithmetic reads
//! (costs, burn, responders, churn values, plan multipliers: see
//! [`super::reuse`]) gets the outcomes a full trial would, bit for bit, without
//! drawing again.
//!
//! Must not draw: everything random is in [`Drawn`] before it is settled.

use super::compile::StrategyParams;
use super::{Model, Outcome, client};
use crate::math;
use crate::metric::Metric;

/// What one strategy's trial drew, as the arithmetic after the draws reads it.
/// A recording scratch keeps one per strategy and trial (`Scratch::take_drawn`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Drawn {
    /// The trial's estimate error for this strategy's estimate.
    pub(super) estimate: f64,
    /// exp(loading x Z), the latent complexity's effect on the build.
    pub(super) complexity: f64,
    /// The product of the risks' build multipliers.
    pub(super) multiplier: f64,
    /// The risks' delays and the onboarding weeks.
    pub(super) delay_weeks: f64,
    /// The product of the risks' (capped) tail multipliers.
    pub(super) tail: f64,
    pub(super) tail_capped: bool,
    pub(super) api_failures: u64,
    pub(super) surge_failures: u64,
    pub(super) emergency_fixes: u64,
    pub(super) incidents: u64,
    pub(super) incident_hours: f64,
    pub(super) downtime_hours: f64,
    /// What a surge failure loses beyond its hours x impact (MODEL.md §8.5).
    pub(super) surge_excess_hours: f64,
    /// The war-room spread drawn; 0 when the strategy has no war room.
    pub(super) war_room_spread: f64,
    pub(super) fix_effort_hours: f64,
}

/// A strategy's build in one trial, from its drawn factors.
#[derive(Clone, Copy, Debug)]
pub(super) struct Build {
    /// Build weeks over the plan.
    pub(super) slip: f64,
    /// The plan times the slip.
    pub(super) weeks: f64,
}

impl Model {
    /// The build from the drawn factors. The slip is (plan x coordination x the
    /// factors + delays) x tail / plan with the plan cancelled before any
    /// rounding, and the weeks are the plan times the slip: two strategies whose
    /// builds differ only in their plans then slip by exactly the same ratio, and
    /// comparison.csv counts a tie, not a difference in the last bit (computed as
    /// build / plan, half of such ties came out one bit apart).
    #[inline(always)]
    pub(super) fn build(p: &StrategyParams, d: &Drawn) -> Build {
        let slip = (p.coordination * d.estimate * d.complexity * d.multiplier
            + d.delay_weeks / p.plan_weeks)
            * d.tail;
        Build {
            slip,
            weeks: slip * p.plan_weeks,
        }
    }

    /// Fills `outcome` (and the on-time and freeze-wait values of `extra`) from a
    /// strategy's draws; `build` is [`Model::build`] of them and `launch_weeks`
    /// the launch it gives.
    #[inline(always)]
    pub(super) fn settle(
        &self,
        p: &StrategyParams,
        d: &Drawn,
        build: Build,
        launch_weeks: f64,
        outcome: &mut Outcome,
        extra: &mut [f64],
    ) {
        let s = &self.scenario;
        let k = &self.constants;
        let Build {
            slip,
            weeks: build_weeks,
        } = build;
        let downtime_hours = d.downtime_hours;
        // 7. Churn: failed checkouts per customer ~ Poisson(rate x outage weeks).
        // (No downtime, the common case for a strategy with few incidents, is
        // exactly 0 without the call.)
        let churn_share = if downtime_hours > 0.0 {
            -math::exp_m1(-k.churn_per_downtime_hour * downtime_hours)
        } else {
            0.0
        };
        // 8. Cost.
        let war_room_weeks = if p.war_room_weeks > 0.0 {
            p.war_room_weeks * d.war_room_spread
        } else {
            0.0
        };
        // Late projects add staff.
        let staffing = 1.0 + s.cost.overrun_staffing_factor * (slip - 1.0).max(0.0);
        let build_cost = p.weekly_burn * build_weeks * staffing;
        let ops_cost = p.responders * d.incident_hours * s.cost.hourly_rate
            + d.emergency_fixes as f64 * d.fix_effort_hours * s.cost.hourly_rate
            + war_room_weeks * s.cost.war_room_week_cost;
        let downtime_loss = (downtime_hours + d.surge_excess_hours) * k.net_loss_per_downtime_hour;
        let churn_loss = churn_share * k.loss_per_churn_share;

        use Metric as M;
        outcome[M::BuildWeeks.slot()] = build_weeks;
        outcome[M::ScheduleSlip.slot()] = slip;
        outcome[M::ApiFailure.slot()] = f64::from(d.api_failures + d.surge_failures > 0);
        outcome[M::ApiFailures.slot()] = d.api_failures as f64;
        outcome[M::SurgeFailures.slot()] = d.surge_failures as f64;
        outcome[M::EmergencyFixes.slot()] = d.emergency_fixes as f64;
        outcome[M::Incidents.slot()] = d.incidents as f64;
        outcome[M::IncidentHours.slot()] = d.incident_hours;
        outcome[M::DowntimeHours.slot()] = downtime_hours;
        outcome[M::ChurnShare.slot()] = churn_share;
        outcome[M::ChurnUplift.slot()] = churn_share / s.churn.baseline_share;
        outcome[M::WarRoomWeeks.slot()] = war_room_weeks;
        outcome[M::BuildCost.slot()] = build_cost;
        outcome[M::OpsCost.slot()] = ops_cost;
        outcome[M::DowntimeLoss.slot()] = downtime_loss;
        outcome[M::ChurnLoss.slot()] = churn_loss;
        outcome[M::TotalCost.slot()] = build_cost + ops_cost + downtime_loss + churn_loss;
        // The build's cost over its planned budget (weekly burn x plan weeks):
        // slip x staffing, with burn and plan cancelled, so that it ties where
        // the slips tie.
        outcome[M::BudgetOverrun.slot()] = if p.planned_budget > 0.0 {
            slip * staffing
        } else {
            slip
        };
        outcome[M::TailCapped.slot()] = f64::from(d.tail_capped);
        if let Some(at) = self.extras.on_time_at {
            extra[at] = f64::from(launch_weeks <= p.target_weeks);
        }
        if let Some(at) = self.extras.freeze_wait_at {
            extra[at] = launch_weeks - build_weeks;
        }
    }
}

impl Model {
    /// Strategy `strategy`'s values of `metric` in trials that drew `drawn`, one
    /// per [`Drawn`], by this model's arithmetic: what [`Model::trial`] gives when
    /// this model draws what the recording model drew (see
    /// [`super::Fingerprint::same_draws`]); where the arithmetic does not settle the metric, the
    /// recorded run's own values (`recorded`, the same trials), which depend on
    /// the draws alone.
    pub fn resettled_column<'a>(
        &self,
        strategy: usize,
        drawn: impl Iterator<Item = &'a Drawn>,
        metric: Metric,
        recorded: &[f64],
    ) -> Vec<f64> {
        let p = &self.strategies[strategy];
        let position = metric.position_in(&self.metrics);
        let settled = [self.extras.on_time_at, self.extras.freeze_wait_at];
        let count = crate::metric::METRIC_COUNT;
        let slot = match position {
            Some(i) if i < count || settled.contains(&Some(i - count)) => Some(i),
            _ => None,
        };
        let Some(slot) = slot else {
            return recorded.to_vec();
        };
        let mut outcome = [0.0; crate::metric::METRIC_COUNT];
        let mut extra = vec![0.0; self.extras.count];
        drawn
            .map(|d| {
                let build = Model::build(p, d);
                let launch_weeks = client::launch_weeks(&self.events, build.weeks);
                self.settle(p, d, build, launch_weeks, &mut outcome, &mut extra);
                if slot < count {
                    outcome[slot]
                } else {
                    extra[slot - count]
                }
            })
            .collect()
    }
}

//! Which trials of two models are the same, read from what the trial reads.
//!
//! A strategy's outcome on a trial is a function of three things: the shared
//! draws (the same for every strategy), the strategy's own draws (from its own
//! stream, keyed by its id), and the arithmetic after the draws
//! ([`Model::settle`]). [`Fingerprint`] writes down, per model, every number each
//! of them reads, split the same way:
//!
//! - the **draws**: every compiled sampler and rate, the risks, the events, the
//!   scenario numbers the trial reads while drawing, and a strategy's own
//!   parameters except those only the arithmetic reads;
//! - the **sums**: what only [`Model::settle`] reads: a strategy's plan, burn,
//!   responders, budget, target and war-room weeks (whether it has a war room is
//!   a draw), the build's base weeks when no known event waits on the launch (a
//!   launch in a freeze changes what is drawn), the cost and churn constants.
//!
//! Two strategies with the same draws and sums give the same outcomes on every
//! trial of the same seed; with the same draws only, the same [`super::Drawn`], so
//! one model's outcomes follow from the other's recorded draws by
//! [`Model::resettled_column`]. The prints are `Debug` texts (a float prints as the
//! shortest text that reads back to it, so two numbers print alike only when
//! they are equal).
//!
//! Must not decide anything itself: `analysis` asks, and keeps what it may reuse.

use super::Model;
use super::compile::StrategyParams;

/// What a model's trials read, split into draws and sums (see the module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    shared_draws: String,
    shared_sums: String,
    /// Per strategy: its draws, then its sums.
    strategies: Vec<(String, String)>,
}

impl Fingerprint {
    /// Whether strategy `i` of this model draws what strategy `j` of `other`
    /// draws on every trial of the same seed.
    pub fn same_draws(&self, i: usize, other: &Fingerprint, j: usize) -> bool {
        self.shared_draws == other.shared_draws && self.strategies[i].0 == other.strategies[j].0
    }

    /// Whether strategy `i` of this model has the same outcomes as strategy `j`
    /// of `other` on every trial of the same seed.
    pub fn same_outcomes(&self, i: usize, other: &Fingerprint, j: usize) -> bool {
        self.same_draws(i, other, j)
            && self.shared_sums == other.shared_sums
            && self.strategies[i].1 == other.strategies[j].1
    }

    /// What every strategy's outcomes depend on: the shared draws and sums.
    pub fn shared(&self) -> (&str, &str) {
        (&self.shared_draws, &self.shared_sums)
    }

    /// What strategy `i`'s outcomes depend on besides [`Fingerprint::shared`]:
    /// its own draws and sums. Equal shared parts and equal strategy parts, equal
    /// outcomes on the same seed.
    pub fn strategy(&self, i: usize) -> (&str, &str) {
        let (draws, sums) = &self.strategies[i];
        (draws, sums)
    }
}

impl Model {
    /// This model's [`Fingerprint`].
    pub fn fingerprint(&self) -> Fingerprint {
        let s = &self.scenario;
        let d = &self.samplers;
        // Every sampler but those only some strategies draw from (below, with them).
        let samplers = (
            &d.estimate,
            &d.surge_multiple,
            &d.walk_away_week,
            &d.walk_away_fraction,
            &d.surge_failure_hours,
            &d.surge_impact_fraction,
            &d.incident_impact_fraction,
            &d.fix_effort_hours,
            &d.fixed,
            &d.customer_facing,
        );
        let shared_draws = format!(
            "{:?}",
            (
                &self.metrics,
                samplers,
                &self.risks,
                &self.estimates,
                &self.events,
                &self.extras,
                &self.frailty_gamma,
                (
                    self.build_log_shift,
                    self.frailty_log_shift,
                    self.surge_events
                ),
                (
                    s.drivers.complexity_on_build,
                    s.drivers.complexity_on_frailty,
                    &s.surges.multiple,
                    s.surges.loss_scales_with_traffic,
                    s.horizon.weeks,
                    s.incidents.ttr_sigma,
                ),
            )
        );
        let shared_sums = format!(
            "{:?}",
            (
                &self.constants,
                s.cost.overrun_staffing_factor,
                s.cost.hourly_rate,
                s.cost.war_room_week_cost,
                s.churn.baseline_share,
            )
        );
        let events = !self.events.is_empty();
        let strategies = self
            .strategies
            .iter()
            .zip(&s.strategies)
            .map(|(p, st)| {
                let mut drawn = p.clone();
                let sums = neutral_sums(&mut drawn, events);
                // What only a seam, a matrix or a war room draws.
                let seam = p.seam.then_some(s.incidents.seam_crossing_probability);
                let matrix = p.matrix.then_some(&d.matrix_onboarding_weeks);
                let war_room = (p.war_room_weeks > 0.0).then_some(&d.war_room_spread);
                (
                    format!("{:?}", (&st.id, drawn, seam, matrix, war_room)),
                    sums,
                )
            })
            .collect();
        Fingerprint {
            shared_draws,
            shared_sums,
            strategies,
        }
    }
}

/// Takes the numbers only [`Model::settle`] reads out of `p` (setting them to 0,
/// or the war-room weeks to whether there is a war room), and returns them as text.
/// The plan and the coordination stay in `p` when `events`: they set the build
/// weeks, a known event's freeze moves the launch, and the launch decides what
/// the event draws.
fn neutral_sums(p: &mut StrategyParams, events: bool) -> String {
    let sums = format!(
        "{:?}",
        (
            (!events).then_some((p.plan_weeks, p.coordination)),
            p.weekly_burn,
            p.responders,
            p.planned_budget,
            p.target_weeks,
            p.war_room_weeks,
        )
    );
    if !events {
        p.plan_weeks = 0.0;
        p.coordination = 0.0;
    }
    p.weekly_burn = 0.0;
    p.responders = 0.0;
    p.planned_budget = 0.0;
    p.target_weeks = 0.0;
    p.war_room_weeks = f64::from(p.war_room_weeks > 0.0);
    sums
}

//! One simulated project: every strategy of a scenario on one trial's shared draws.
//!
//! Owns the mechanisms of MODEL.md §3 and §8.1-8.5 (the metric list of §4 is
//! [`crate::metric`]). Pure: given a generator, it fills one outcome per strategy, and
//! the metrics a scenario adds into [`Scratch::extras`]; no I/O, no allocation per
//! trial (the caller lends a [`Scratch`]). The scenario is compiled once, when the
//! [`Model`] is built (`compile`), so the hot path reads plain numbers; the client's
//! mechanisms (code freeze, known events, support calendar) are `client`.
//!
//! Common random numbers: the latent complexity, the incident frailty, the estimate
//! error (each distinct one a strategy states, too), each risk's uniform and the
//! size of its effects, the traffic surges, each known event's traffic multiple and
//! the walk-away timing are drawn once per trial and shared by every strategy, so
//! a difference between strategies on the same trial is the strategy's doing, not
//! luck. (A black swan that hits two strategies of one trial multiplies both
//! builds by the same factor.)
//!
//! Every driver draws from its own substream of the trial ([`stream`]), so a
//! parameter that changes how many numbers one driver draws moves nothing else:
//! a sweep or a tornado sees only the parameter's own effect.
//!
//! A strategy's trial draws first and settles after (`settle`: churn, cost and the
//! outcome, from what it drew, [`Drawn`]); [`Fingerprint`] (`reuse`) writes down
//! what each part reads, so that the what-if commands can tell which strategies a
//! setting leaves as they were, or changes only after the draws.

mod census;

pub use census::{DrawCensus, DrawKind, Tally};

mod client;
mod compile;
mod reuse;
mod sampler;
mod settle;

pub mod stream;

use compile::{Constants, EstimateGroup, EventDraws, Extras, Samplers, StrategyParams};
pub use reuse::Fingerprint;
use sampler::Sampler;
pub use sampler::SmallBinomial;
pub use settle::Drawn;
use stream::{Key, Substream, own, shared};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma};

use crate::dist::{Dist, poisson_count, standard_normal, unit};
use crate::math;
use crate::metric::{METRIC_COUNT, Metric};
use crate::scenario::Scenario;

/// Hours in a week, to turn degraded weeks into impact-weighted downtime hours.
const HOURS_PER_WEEK: f64 = 168.0;

/// One strategy's outcome on one trial, indexed by [`Metric`].
pub type Outcome = [f64; METRIC_COUNT];

/// The scenario, compiled for fast trials.
#[derive(Clone, Debug)]
pub struct Model {
    scenario: Scenario,
    /// The metrics a trial reports: [`Metric::ALL`], then the scenario's own.
    metrics: Vec<Metric>,
    strategies: Vec<StrategyParams>,
    samplers: Samplers,
    /// Per risk of the scenario, its effects with compiled samplers.
    risks: Vec<RiskDraws>,
    /// The estimate distributions the strategies' builds draw from: the
    /// scenario's first, then each distinct one a strategy states.
    estimates: Vec<EstimateGroup>,
    /// Known peak events, in week order.
    events: Vec<EventDraws>,
    extras: Extras,
    frailty_gamma: Gamma<f64>,
    /// Mean-one correction of exp(loading x Z): -loading^2 / 2.
    build_log_shift: f64,
    frailty_log_shift: f64,
    surge_events: f64,
    constants: Constants,
}

/// A risk's effects (`scenario::RiskEffects`) with compiled samplers.
#[derive(Clone, Debug)]
struct RiskDraws {
    build_extra_share: Option<Sampler>,
    delay_weeks: Option<Sampler>,
    tail_extra_share: Option<Sampler>,
    tail_multiplier_cap: f64,
    api_failure_multiplier: f64,
    walk_away: bool,
    /// The key of the risk's substream: its uniform, then its effects.
    key: Key,
}

/// A risk's effects in one trial, the same for every strategy it hits.
#[derive(Clone, Copy, Debug)]
struct RiskEffects {
    /// 1 + the build's extra share.
    build_multiplier: Option<f64>,
    delay_weeks: Option<f64>,
    /// 1 + the tail's extra share, before the cap.
    tail_multiplier: Option<f64>,
}

/// A risk's effects in the trial under way: the substream they are drawn from
/// until a strategy meets the risk, then the draws.
#[derive(Clone, Copy, Debug)]
enum TrialEffects {
    Pending(Substream),
    Drawn(RiskEffects),
}

impl TrialEffects {
    /// The effects of `risk`, drawn on the first call of the trial.
    #[inline]
    fn get<T: Tally>(&mut self, risk: &RiskDraws, tally: &mut T) -> RiskEffects {
        let rng = &mut match *self {
            TrialEffects::Drawn(effects) => return effects,
            TrialEffects::Pending(stream) => stream,
        };
        let mut draw = |d: &Option<Sampler>| {
            d.as_ref().map(|d| {
                tally.draw(d.kind);
                d.sample(rng)
            })
        };
        let effects = RiskEffects {
            build_multiplier: draw(&risk.build_extra_share).map(|x| 1.0 + x),
            delay_weeks: draw(&risk.delay_weeks),
            tail_multiplier: draw(&risk.tail_extra_share).map(|x| 1.0 + x),
        };
        *self = TrialEffects::Drawn(effects);
        effects
    }
}

/// What one batch lends to every trial: buffers, so a trial allocates nothing,
/// and one generator per strategy.
///
/// Each strategy draws its own noise from its own stream, seeded from the batch
/// seed and the strategy's id; only the shared drivers come from the batch's
/// shared stream. Every trial takes one word from each, which keys that trial's
/// substreams (see [`stream`]). A strategy's numbers therefore depend on its own parameters and
/// the shared ones only: changing another strategy (a sweep, an added strategy, a
/// new order) leaves them identical.
pub struct Scratch {
    risk_uniforms: Vec<f64>,
    /// Per risk, its effects in this trial: drawn, from the risk's substream, when
    /// the first strategy meets the risk, and reused by every other strategy it
    /// hits.
    risk_effects: Vec<TrialEffects>,
    surge_log_multiples: Vec<f64>,
    /// This trial's draw of each estimate distribution ([`Model::estimates`]).
    estimates: Vec<f64>,
    /// This trial's traffic multiple of each known event, in the model's event
    /// order: (S, ln S).
    event_multiples: Vec<(f64, f64)>,
    /// Per strategy, the values of the metrics the scenario adds to
    /// [`Metric::ALL`] (`Model::metrics` order), for the trial just run.
    extras: Vec<f64>,
    strategy_rngs: Vec<Xoshiro256PlusPlus>,
    /// When set, each trial appends its sampled drivers (see [`Model::drivers`]).
    /// Recording only reads values already drawn: the random streams are the same
    /// with or without it.
    drivers: Option<Vec<f64>>,
    /// When set, each trial appends what each strategy drew ([`Drawn`]), for
    /// [`Model::resettled_column`]. Like `drivers`, it only reads values already drawn.
    drawn: Option<Vec<Drawn>>,
}

impl Scratch {
    /// The scratch for a batch whose shared stream is seeded with `batch_seed`.
    pub fn new(model: &Model, batch_seed: u64) -> Scratch {
        Scratch {
            risk_uniforms: Vec::with_capacity(model.scenario.risks.len()),
            risk_effects: Vec::with_capacity(model.scenario.risks.len()),
            surge_log_multiples: Vec::new(),
            estimates: Vec::with_capacity(model.estimates.len()),
            event_multiples: Vec::with_capacity(model.events.len()),
            extras: vec![0.0; model.extras.count * model.strategies.len()],
            strategy_rngs: model
                .scenario
                .strategies
                .iter()
                .map(|st| Xoshiro256PlusPlus::seed_from_u64(strategy_seed(batch_seed, &st.id)))
                .collect(),
            drivers: None,
            drawn: None,
        }
    }

    /// A scratch that also records every trial's sampled drivers.
    pub fn recording(model: &Model, batch_seed: u64) -> Scratch {
        let mut scratch = Scratch::new(model, batch_seed);
        scratch.drivers = Some(Vec::new());
        scratch
    }

    /// The values of the last trial's metrics that the scenario adds to
    /// [`Metric::ALL`]: strategy-major, each strategy's in the order of
    /// [`Model::metrics`] after [`METRIC_COUNT`]. Empty for a scenario that adds none.
    pub fn extras(&self) -> &[f64] {
        &self.extras
    }

    /// A scratch that records what every strategy drew in every trial ([`Drawn`]),
    /// and the sampled drivers when `drivers` is set.
    pub fn recording_drawn(model: &Model, batch_seed: u64, drivers: bool) -> Scratch {
        let mut scratch = Scratch::new(model, batch_seed);
        scratch.drivers = drivers.then(Vec::new);
        scratch.drawn = Some(Vec::new());
        scratch
    }

    /// What the strategies drew so far: trial-major, one [`Drawn`] per strategy.
    pub fn take_drawn(&mut self) -> Vec<Drawn> {
        self.drawn.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The drivers recorded so far, trial-major in the layout of [`Model::drivers`].
    pub fn take_drivers(&mut self) -> Vec<f64> {
        self.drivers
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

/// A sampled driver of a trial, as a recording [`Scratch`] holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    pub name: String,
    /// The strategy it belongs to; `None` for a draw shared by every strategy.
    pub strategy: Option<usize>,
}

/// The shared drivers a recording scratch holds first in each trial.
const SHARED_DRIVERS: [&str; 7] = [
    "latent complexity Z",
    "incident frailty G",
    "estimate error",
    "traffic surges (count)",
    "largest surge multiple",
    "walk-away week",
    "walk-away degraded share",
];

/// The seed of a strategy's stream in a batch: the batch seed mixed with a hash
/// (FNV-1a) of the strategy id, so the stream follows the strategy, not its position.
pub fn strategy_seed(batch_seed: u64, id: &str) -> u64 {
    stream::mix(batch_seed ^ stream::fnv1a(id))
}

impl Model {
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn strategy_count(&self) -> usize {
        self.strategies.len()
    }

    /// The metrics a trial reports, in column order: [`Metric::ALL`] (a trial's
    /// [`Outcome`]), then those the scenario adds (`Scratch::extras`).
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// The drivers a recording [`Scratch`] holds per trial, in order: the shared
    /// draws (with each known event's traffic multiple, in file order, after
    /// the fixed ones), then for each strategy its capacity headroom H, its effort per fix,
    /// its war-room weeks and, per risk, whether the risk occurred (0 or 1).
    pub fn drivers(&self) -> Vec<Driver> {
        let events = self
            .scenario
            .events
            .iter()
            .map(|e| format!("event multiple: {}", e.name));
        let mut out: Vec<Driver> = SHARED_DRIVERS
            .iter()
            .map(|name| name.to_string())
            .chain(events)
            .map(|name| Driver {
                name,
                strategy: None,
            })
            .collect();
        for s in 0..self.strategies.len() {
            let own = [
                "capacity headroom H",
                "effort per fix (hours)",
                "war-room weeks",
            ];
            let risks = self
                .scenario
                .risks
                .iter()
                .map(|r| format!("risk: {}", r.name));
            for name in own.iter().map(|n| n.to_string()).chain(risks) {
                out.push(Driver {
                    name,
                    strategy: Some(s),
                });
            }
        }
        out
    }

    /// Simulates one trial for every strategy; `out[i]` receives strategy i's
    /// outcome. `rng` is the batch's shared stream; each strategy's own stream is
    /// in `scratch` (see [`Scratch::new`]).
    #[inline]
    pub fn trial<R: Rng + ?Sized>(&self, rng: &mut R, scratch: &mut Scratch, out: &mut [Outcome]) {
        self.trial_tallied(rng, scratch, out, &mut ());
    }

    /// [`Model::trial`], also counting every draw it makes by kind into `census`
    /// (for benchmarks: the floor of a trial is the sum of its draws' costs).
    pub fn trial_counted<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        scratch: &mut Scratch,
        out: &mut [Outcome],
        census: &mut DrawCensus,
    ) {
        self.trial_tallied(rng, scratch, out, census);
    }

    #[inline(always)]
    fn trial_tallied<R: Rng + ?Sized, T: Tally>(
        &self,
        rng: &mut R,
        scratch: &mut Scratch,
        out: &mut [Outcome],
        tally: &mut T,
    ) {
        let s = &self.scenario;
        let drivers = &s.drivers;
        let d = &self.samplers;

        // 1. Shared drivers, each from its own substream of the trial's one word
        // of the shared stream (see `stream`).
        let word = rng.next_u64();
        tally.draw(DrawKind::Word);
        let z = standard_normal(&mut Substream::new(word, shared::COMPLEXITY));
        tally.draw(DrawKind::Normal);
        let frailty = self
            .frailty_gamma
            .sample(&mut Substream::new(word, shared::FRAILTY))
            * math::exp(drivers.complexity_on_frailty * z + self.frailty_log_shift);
        tally.draw(DrawKind::Gamma);
        let complexity = math::exp(drivers.complexity_on_build * z + self.build_log_shift);
        let estimate = d
            .estimate
            .sample(&mut Substream::new(word, shared::ESTIMATE));
        tally.draw(d.estimate.kind);
        // A strategy's own estimate distributions (MODEL.md §8.1), each from its
        // own substream; the scenario's is the draw above.
        scratch.estimates.clear();
        scratch.estimates.push(estimate);
        for group in &self.estimates[1..] {
            scratch
                .estimates
                .push(group.sampler.sample(&mut Substream::new(word, group.key)));
            tally.draw(group.sampler.kind);
        }
        // Known peak events (§8.4): one traffic multiple each, shared by every strategy.
        scratch.event_multiples.clear();
        for e in &self.events {
            let multiple = e.multiple.sample(&mut Substream::new(word, e.multiple_key));
            tally.draw(e.multiple.kind);
            scratch.event_multiples.push((multiple, multiple.ln()));
        }

        scratch.risk_uniforms.clear();
        scratch.risk_effects.clear();
        for risk in &self.risks {
            // The uniform first, then the effects, drawn only if a strategy meets
            // the risk.
            let mut stream = Substream::new(word, risk.key);
            scratch.risk_uniforms.push(unit(&mut stream));
            tally.draw(DrawKind::Uniform);
            scratch.risk_effects.push(TrialEffects::Pending(stream));
        }
        let surge_draws = &mut Substream::new(word, shared::SURGES);
        let surges = poisson_count(surge_draws, self.surge_events);
        tally.poisson(self.surge_events);
        // Surge multiples are kept as logarithms: a surge fails when
        // ln S > ln H, and H is lognormal, so no exp is needed for either side.
        scratch.surge_log_multiples.clear();
        for _ in 0..surges {
            let log_multiple = match s.surges.multiple {
                Dist::Lognormal(ref multiple) => {
                    tally.draw(DrawKind::Normal);
                    multiple.median().ln() + multiple.sigma() * standard_normal(surge_draws)
                }
                _ => {
                    tally.draw(d.surge_multiple.kind);
                    d.surge_multiple.sample(surge_draws).ln()
                }
            };
            scratch.surge_log_multiples.push(log_multiple);
        }
        let walk_week = d
            .walk_away_week
            .sample(&mut Substream::new(word, shared::WALK_AWAY_WEEK));
        tally.draw(d.walk_away_week.kind);
        let walk_fraction = d
            .walk_away_fraction
            .sample(&mut Substream::new(word, shared::WALK_AWAY_FRACTION));
        tally.draw(d.walk_away_fraction.kind);
        if let Some(log) = scratch.drivers.as_mut() {
            let largest = scratch
                .surge_log_multiples
                .iter()
                .fold(None, |m: Option<f64>, &x| Some(m.map_or(x, |m| m.max(x))))
                .map_or(0.0, f64::exp);
            log.extend([
                z,
                frailty,
                estimate,
                surges as f64,
                largest,
                walk_week,
                walk_fraction,
            ]);
            let at = log.len();
            log.resize(at + self.events.len(), 0.0);
            for (e, &(multiple, _)) in self.events.iter().zip(&scratch.event_multiples) {
                log[at + e.file_index] = multiple;
            }
        }

        let Scratch {
            risk_uniforms,
            risk_effects,
            surge_log_multiples,
            estimates,
            event_multiples,
            extras,
            strategy_rngs,
            drivers,
            drawn: drawn_log,
        } = scratch;
        debug_assert_eq!(strategy_rngs.len(), self.strategies.len());
        let extra_count = self.extras.count;
        for (index, ((p, outcome), rng)) in self
            .strategies
            .iter()
            .zip(out.iter_mut())
            .zip(strategy_rngs.iter_mut())
            .enumerate()
        {
            // The strategy's one word of this trial, keying its own substreams.
            let word = rng.next_u64();
            tally.draw(DrawKind::Word);
            // 2-3. Build time with the risk register.
            let mut multiplier = 1.0;
            let mut delay_weeks = 0.0;
            let mut tail = 1.0;
            let mut tail_capped = false;
            let mut api_multiplier = 1.0;
            let mut walks = false;
            for (((e, &u), effects), &prob) in self
                .risks
                .iter()
                .zip(risk_uniforms.iter())
                .zip(risk_effects.iter_mut())
                .zip(&p.risk_probability)
            {
                if u >= prob {
                    continue;
                }
                let drawn = effects.get(e, tally);
                if let Some(m) = drawn.build_multiplier {
                    multiplier *= m;
                }
                if let Some(w) = drawn.delay_weeks {
                    delay_weeks += w;
                }
                if let Some(m) = drawn.tail_multiplier {
                    if m > e.tail_multiplier_cap {
                        tail_capped = true;
                        tail *= e.tail_multiplier_cap;
                    } else {
                        tail *= m;
                    }
                }
                api_multiplier *= e.api_failure_multiplier;
                walks |= e.walk_away;
            }
            if p.matrix {
                delay_weeks += d
                    .matrix_onboarding_weeks
                    .sample(&mut Substream::new(word, own::ONBOARDING));
                tally.draw(d.matrix_onboarding_weeks.kind);
            }
            let mut drawn = Drawn {
                estimate: estimates[p.estimate_group],
                complexity,
                multiplier,
                delay_weeks,
                tail,
                tail_capped,
                ..Drawn::default()
            };
            let build = Model::build(p, &drawn);
            // §8.4: a launch due in a code freeze waits until the week after the event.
            let launch_weeks = client::launch_weeks(&self.events, build.weeks);

            // 4. Traffic surges against this strategy's capacity headroom, in logs:
            // ln H = ln(median) + sigma x N(0, 1), so no exp is needed on either side.
            let log_headroom = p.log_headroom_median
                + p.headroom_sigma * standard_normal(&mut Substream::new(word, own::HEADROOM));
            tally.draw(DrawKind::Normal);
            let mut surge_failures = 0u64;
            let mut downtime_hours = 0.0;
            // §8.5: what a surge failure's downtime loses beyond its hours x
            // impact, when the loss scales with the traffic: hours x impact x (S - 1).
            let mut surge_excess_hours = 0.0;
            let scales = s.surges.loss_scales_with_traffic;
            let outages = &mut Substream::new(word, own::SURGE_OUTAGES);
            for &log_multiple in surge_log_multiples.iter() {
                if log_multiple > log_headroom {
                    surge_failures += 1;
                    let lost = d.surge_failure_hours.sample(outages)
                        * d.surge_impact_fraction.sample(outages);
                    downtime_hours += lost;
                    if scales {
                        surge_excess_hours += lost * (math::exp(log_multiple) - 1.0);
                    }
                    tally.draw(d.surge_failure_hours.kind);
                    tally.draw(d.surge_impact_fraction.kind);
                }
            }
            let extra = &mut extras[index * extra_count..(index + 1) * extra_count];
            if !self.events.is_empty() {
                let met = client::meet_events(
                    &self.events,
                    event_multiples,
                    launch_weeks,
                    s.horizon.weeks,
                    log_headroom,
                    word,
                    &d.surge_impact_fraction,
                    extra,
                    tally,
                );
                surge_failures += met.failures;
                downtime_hours += met.lost_hours;
                if scales {
                    surge_excess_hours += met.excess_hours;
                }
            }

            // 4-5. API failures and emergency fixes.
            let api_mean = frailty * p.api_rate * api_multiplier;
            let api_failures =
                poisson_count(&mut Substream::new(word, own::API_FAILURES), api_mean);
            tally.poisson(api_mean);
            let other_mean = frailty * p.other_fix_rate;
            let other_fixes =
                poisson_count(&mut Substream::new(word, own::OTHER_FIXES), other_mean);
            tally.poisson(other_mean);
            let fixable = api_failures + surge_failures;
            let emergency_fixes = d
                .fixed
                .sample(&mut Substream::new(word, own::FIXED), fixable)
                + other_fixes;
            tally.small_binomial(&d.fixed, fixable);

            // 6. Incidents and impact-weighted downtime.
            let incidents = api_failures
                + d.customer_facing
                    .sample(&mut Substream::new(word, own::CUSTOMER_FACING), other_fixes);
            tally.small_binomial(&d.customer_facing, other_fixes);
            let mut incident_hours = 0.0;
            let rng = &mut Substream::new(word, own::INCIDENTS);
            // §8.2: under a support calendar, an incident that starts outside the
            // covered hours waits for them; the wait is downtime, not TTR.
            let waits = &mut Substream::new(word, own::SUPPORT_WAIT);
            for _ in 0..incidents {
                let mut ttr =
                    p.ttr_base_hours * math::exp(s.incidents.ttr_sigma * standard_normal(rng));
                tally.draw(DrawKind::Lognormal);
                if p.seam {
                    tally.draw(DrawKind::Uniform);
                    // A coin toss at p = 0.5 in the seed: indexed, not branched on
                    // (x 1 leaves the time as it is, bit for bit).
                    let crosses = unit(rng) < s.incidents.seam_crossing_probability;
                    ttr *= p.seam_ttr_factors[usize::from(crosses)];
                }
                incident_hours += ttr;
                let impact = d.incident_impact_fraction.sample(rng);
                tally.draw(d.incident_impact_fraction.kind);
                let down = match p.support {
                    None => ttr,
                    Some(ref calendar) => {
                        tally.draw(DrawKind::Uniform);
                        ttr + client::wait_hours(calendar, waits)
                    }
                };
                downtime_hours += down * impact;
            }
            if walks && walk_week < s.horizon.weeks {
                let rng = &mut Substream::new(word, own::WALK_AWAY);
                tally.draw(DrawKind::Uniform);
                if unit(rng) < p.unresolved_probability {
                    let weeks = p
                        .degraded_weeks
                        .sample(rng)
                        .min(s.horizon.weeks - walk_week);
                    tally.draw(p.degraded_weeks.kind);
                    downtime_hours += weeks * HOURS_PER_WEEK * walk_fraction;
                }
            }

            drawn.war_room_spread = if p.war_room_weeks > 0.0 {
                tally.draw(d.war_room_spread.kind);
                d.war_room_spread
                    .sample(&mut Substream::new(word, own::WAR_ROOM))
            } else {
                0.0
            };
            drawn.fix_effort_hours = d
                .fix_effort_hours
                .sample(&mut Substream::new(word, own::FIX_EFFORT));
            tally.draw(d.fix_effort_hours.kind);
            drawn.api_failures = api_failures;
            drawn.surge_failures = surge_failures;
            drawn.emergency_fixes = emergency_fixes;
            drawn.incidents = incidents;
            drawn.incident_hours = incident_hours;
            drawn.downtime_hours = downtime_hours;
            drawn.surge_excess_hours = surge_excess_hours;
            // 7-8. Churn, cost and the outcome: arithmetic only (`settle`).
            self.settle(p, &drawn, build, launch_weeks, outcome, extra);
            if let Some(log) = drawn_log.as_mut() {
                log.push(drawn);
            }
            if let Some(log) = drivers.as_mut() {
                let war_room_weeks = outcome[Metric::WarRoomWeeks.slot()];
                log.extend([log_headroom.exp(), drawn.fix_effort_hours, war_room_weeks]);
                let occurred = risk_uniforms.iter().zip(&p.risk_probability);
                log.extend(occurred.map(|(u, prob)| f64::from(u < prob)));
            }
        }
    }
}

//! Scenarios: what a consultant writes in a TOML file, validated into types the
//! model can trust.
//!
//! `read` owns the file format (every key, default and allowed range) and turns a
//! file into a [`Scenario`], collecting every problem in one pass with its line,
//! column and key path; [`keys`] lists every key a file may set. The types here are already valid: the model never checks a
//! parameter again. This module must not sample or simulate.

pub mod claim;
pub mod edit;
pub mod origin;

mod calendar;
mod read;

use std::path::PathBuf;

use serde::Serialize;

use crate::dist::Dist;
use crate::metric::Metric;

pub use calendar::{HOURS_PER_WEEK, SupportCalendar};
pub use claim::Claim;
pub use origin::{BaseFile, Evidence, EvidenceClass, ParameterEvidence};

pub use read::{
    Audience, DecisionSpec, DecisionStat, KeyNames, MAX_REPORT_SUBTITLE_CHARS, ReportSpec,
    event_words, key_label, label_of_key,
};
pub use read::{BUILTIN_SCENARIOS, MAX_EXTENDS_DEPTH, builtin_scenario, from_text_at};
pub use read::{
    DEFAULT_SEED, DEFAULT_SWING, FRAMING_KEYS, Key, KeyTable, MAX_LABEL_CHARS, MAX_RISK_NAME_CHARS,
    MAX_STRATEGIES, MAX_TITLE_CHARS, MAX_TRIALS, Override, Problem, ScenarioError, ScenarioSource,
    from_path, from_path_keeping_bytes, from_path_with, from_str, from_str_with, keys,
};
pub use read::{MAX_EVENTS_PER_TRIAL, MAX_SHOWN_PROBLEMS, horizon_rate_share, stop_reads_on};

/// A value that may depend on a strategy's governance quality g in [0, 1]:
/// value(g) = at_g1 + (at_g0 - at_g1) (1 - g)^k. A plain number is a constant.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GovernanceCurve {
    pub at_g0: f64,
    pub at_g1: f64,
    pub k: f64,
}

impl GovernanceCurve {
    pub fn constant(value: f64) -> Self {
        GovernanceCurve {
            at_g0: value,
            at_g1: value,
            k: 1.0,
        }
    }

    /// The value at governance quality `g`.
    pub fn at(&self, g: f64) -> f64 {
        if self.at_g0 == self.at_g1 {
            return self.at_g1;
        }
        self.at_g1 + (self.at_g0 - self.at_g1) * (1.0 - g).powf(self.k)
    }
}

/// A whole scenario, valid by construction.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    /// Short name, from the file stem; names the default run folder. A scenario
    /// read from a pipe (`<(...)`, `/dev/stdin`) is named after its title instead
    /// (lower case, words joined by `-`), or `unnamed-scenario` without one.
    pub name: String,
    /// One-line title for tables and chart subtitles.
    pub title: String,
    pub description: String,
    /// Currency code of every money figure (ISO 4217, e.g. `USD`).
    pub currency: String,
    pub trials: u64,
    pub seed: u64,
    pub horizon: Horizon,
    pub drivers: Drivers,
    pub build: Build,
    pub api: Api,
    pub surges: Surges,
    pub incidents: Incidents,
    pub walk_away: WalkAway,
    pub churn: Churn,
    pub cost: Cost,
    pub strategies: Vec<Strategy>,
    pub risks: Vec<Risk>,
    /// Known peak events (`[[events]]`), in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Whether runs report `on_time`: the file states a target or a vendor quote
    /// (kept when an analysis runs a subset of the strategies).
    #[serde(skip)]
    pub reports_on_time: bool,
    /// Every numeric key of the model as read (file value or default), outside the
    /// risk register: what a sensitivity analysis swings. Not part of the model.
    #[serde(skip)]
    pub parameters: Vec<Parameter>,
    /// The optional `[sensitivity]` table: stated ranges and the default swing.
    pub sensitivity: SensitivitySpec,
    /// What the scenario claims its outcomes show (`[[claims]]`), for `check`.
    pub claims: Vec<Claim>,
    /// The optional `[report]` table: the board pack's title, subtitle and audience.
    #[serde(skip_serializing_if = "ReportSpec::is_default")]
    pub report: ReportSpec,
    /// The optional `[decision]` table: the statistic of total cost decided on.
    #[serde(skip_serializing_if = "DecisionSpec::is_default")]
    pub decision: DecisionSpec,
    /// Where the scenario came from (not part of the model).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// The scenarios it extends (`extends`), nearest first; empty for a scenario
    /// without `extends` (not part of the model).
    #[serde(skip)]
    pub bases: Vec<BaseFile>,
    /// The evidence class of every parameter (`[provenance]`; not part of the model).
    #[serde(skip)]
    pub evidence: Evidence,
    /// Values written that change no output, as `file:line: key: changes nothing
    /// because ...`, for the commands to print once (not part of the model).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// The post-launch window.
#[derive(Clone, Debug, Serialize)]
pub struct Horizon {
    /// Post-launch window in weeks over which failures, fixes and downtime count.
    pub weeks: f64,
    /// The window the failure, fix and surge rates are stated for. When `weeks`
    /// differs, rates are rescaled along the decaying arrival curve.
    pub rate_window_weeks: f64,
}

/// Shared drivers of one trial: latent complexity and incident frailty.
#[derive(Clone, Debug, Serialize)]
pub struct Drivers {
    /// Loading of the latent complexity Z ~ N(0, 1) on log build time.
    pub complexity_on_build: f64,
    /// Loading of Z on log incident frailty.
    pub complexity_on_frailty: f64,
    /// Gamma shape of the incident frailty (mean 1); smaller is more overdispersed.
    pub frailty_shape: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Build {
    /// The reference plan in weeks (a strategy's plan is this times its `plan_multiplier`).
    pub plan_weeks: f64,
    /// Estimation uncertainty, a multiplier on the plan.
    pub estimate: Dist,
    /// Share of work that crosses a vendor seam.
    pub seam_share: f64,
    /// How much longer cross-organisation work takes (2.5 = 2.5x).
    pub seam_slowdown: f64,
    /// Extra weeks of onboarding when a responsibility matrix is in force.
    pub matrix_onboarding_weeks: Dist,
    /// Optional target launch, in build weeks, drawn on the S-curve.
    pub target_weeks: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Api {
    /// Decay rate of the Goel-Okumoto arrival intensity, per week.
    pub decay_per_week: f64,
    /// Probability that an API or surge failure needs an emergency fix.
    pub fix_probability: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Surges {
    /// Expected peak-traffic events per rate window.
    pub events_per_window: f64,
    /// Surge multiple over normal traffic.
    pub multiple: Dist,
    /// Length of a surge failure in hours.
    pub failure_hours: Dist,
    /// Share of checkouts a surge failure hits.
    pub impact_fraction: Dist,
    /// The downtime loss of a surge failure is multiplied by the surge's traffic
    /// multiple (lost revenue scales with the traffic); churn is not.
    pub loss_scales_with_traffic: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Incidents {
    /// Share of other emergency fixes that are customer-facing incidents.
    pub customer_facing_share: f64,
    /// Log-scale spread of time to recovery.
    pub ttr_sigma: f64,
    /// Share of checkouts an incident hits.
    pub impact_fraction: Dist,
    /// Probability that an incident of a vendor-seam strategy crosses the seam.
    pub seam_crossing_probability: f64,
    /// TTR multiplier for an incident that crosses the seam (may depend on g).
    pub seam_ttr_factor: GovernanceCurve,
    /// TTR multiplier when a responsibility matrix is in force.
    pub matrix_ttr_factor: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct WalkAway {
    /// Week after launch at which a partner walks away.
    pub at_week: Dist,
    /// Share of checkouts degraded while an issue is unresolved.
    pub degraded_fraction: Dist,
}

#[derive(Clone, Debug, Serialize)]
pub struct Churn {
    /// Failed checkouts an active customer meets per week of full outage.
    pub failed_checkouts_per_week: f64,
    /// Probability that one failed checkout loses the customer.
    pub loss_probability: f64,
    /// Baseline churn share over the horizon, for `churn_uplift`.
    pub baseline_share: f64,
    pub customers: f64,
    /// Lifetime value of a customer, in the currency.
    pub lifetime_value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// Revenue lost per hour of full checkout outage.
    pub downtime_loss_per_hour: f64,
    /// Share of lost revenue recaptured later.
    pub recaptured_share: f64,
    /// Hourly rate of responders and fixers.
    pub hourly_rate: f64,
    /// Effort per emergency fix in hours; one draw per trial and strategy.
    pub fix_effort_hours: Dist,
    /// Cost of one war-room week.
    pub war_room_week_cost: f64,
    /// War-room weeks of a vendor-seam strategy (depends on g).
    pub war_room_weeks: GovernanceCurve,
    /// Spread multiplier on war-room weeks.
    pub war_room_spread: Dist,
    /// Late projects add people: build cost = burn x weeks x (1 + f max(0, slip - 1)).
    pub overrun_staffing_factor: f64,
}

/// One way of staffing the project.
#[derive(Clone, Debug, Serialize)]
pub struct Strategy {
    pub id: String,
    pub label: String,
    /// Governance quality g in [0, 1].
    pub governance: f64,
    /// The strategy's plan relative to `build.plan_weeks`.
    pub plan_multiplier: f64,
    /// Two vendors with a seam between them (coordination, war room, seam TTR).
    pub vendor_seam: bool,
    /// A shared responsibility matrix is in force.
    pub responsibility_matrix: bool,
    /// Build cost per week.
    pub weekly_burn: f64,
    /// People on an incident call.
    pub responders: f64,
    /// Expected API failures in the rate window, at frailty 1.
    pub api_failure_rate: GovernanceCurve,
    /// Expected other emergency fixes in the rate window, at frailty 1.
    pub other_fix_rate: GovernanceCurve,
    /// Median capacity headroom, as a multiple of normal traffic.
    pub headroom_median: GovernanceCurve,
    pub headroom_sigma: GovernanceCurve,
    /// Median time to recovery of an incident, in hours.
    pub ttr_median_hours: GovernanceCurve,
    /// Probability that a backend issue is open when the partner walks away.
    pub walk_away_unresolved_probability: GovernanceCurve,
    /// Weeks checkout stays degraded after a walk-away with an open issue.
    pub walk_away_degraded_weeks: Dist,
    /// The duration the vendor quoted: when given, the strategy's plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_weeks: Option<f64>,
    /// The strategy's own estimation error (actual / plan), in place of `build.estimate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Dist>,
    /// The launch date promised, in weeks from the start, for `on_time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_weeks: Option<f64>,
    /// The hours of the week in which incidents are worked on.
    #[serde(skip_serializing_if = "SupportCalendar::is_always")]
    pub support: SupportCalendar,
    /// The governance practices, when `governance` was given as them (g is their share).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practices: Option<Practices>,
}

impl Strategy {
    /// The strategy's own plan, in weeks: the vendor's quote, or the reference
    /// plan times the strategy's plan multiplier.
    pub fn plan_weeks(&self, build: &Build) -> f64 {
        self.quote_weeks
            .unwrap_or(build.plan_weeks * self.plan_multiplier)
    }

    /// The estimation error the strategy's build draws from.
    pub fn estimate<'a>(&'a self, build: &'a Build) -> &'a Dist {
        self.estimate.as_ref().unwrap_or(&build.estimate)
    }

    /// The launch week `on_time` compares with: the strategy's own target, else
    /// the scenario's, else the strategy's plan.
    pub fn target_weeks(&self, build: &Build) -> f64 {
        self.target_weeks
            .or(build.target_weeks)
            .unwrap_or_else(|| self.plan_weeks(build))
    }
}

/// The four governance practices of MODEL.md §2; g is the share in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Practices {
    /// A shared responsibility (RACI) matrix.
    pub raci: bool,
    /// A single owner of API contracts and versioning.
    pub api_owner: bool,
    /// Resolution-time operational-level agreements between the vendors.
    pub olas: bool,
    /// An integrator role.
    pub integrator: bool,
}

impl Practices {
    /// Governance quality g: the share of the four practices in place.
    pub fn governance(&self) -> f64 {
        let held = [self.raci, self.api_owner, self.olas, self.integrator]
            .iter()
            .filter(|&&p| p)
            .count();
        held as f64 / 4.0
    }
}

/// A known peak event (`[[events]]`), met when the platform is live for it.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// Id-like name; names the event's metrics (`event_live.<name>`).
    pub name: String,
    /// Calendar week of the event, counted from the project's start.
    pub week: f64,
    /// Traffic multiple during the event, drawn once per trial.
    pub multiple: Dist,
    /// Length of an outage during the event, in hours; `surges.failure_hours` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outage_hours: Option<Dist>,
    /// Weeks of code freeze before the event: a launch due in them waits until
    /// the week after the event.
    pub freeze_weeks: f64,
}

impl Event {
    /// The length of an outage during the event: its own, or that of a surge failure.
    pub fn outage_hours<'a>(&'a self, surges: &'a Surges) -> &'a Dist {
        self.outage_hours.as_ref().unwrap_or(&surges.failure_hours)
    }
}

impl Scenario {
    /// The metrics a run of this scenario reports, in order: [`Metric::ALL`],
    /// then `on_time` when the scenario reports it, then, with known
    /// events, `freeze_wait_weeks` and each event's live and failure indicators.
    pub fn metrics(&self) -> Vec<Metric> {
        Scenario::metrics_of(self.reports_on_time, &self.events)
    }

    /// Whether a scenario with this build and these strategies reports `on_time`:
    /// it states a target, or a strategy a target or a vendor quote.
    pub(crate) fn states_a_target(build: &Build, strategies: &[Strategy]) -> bool {
        build.target_weeks.is_some()
            || strategies
                .iter()
                .any(|s| s.target_weeks.is_some() || s.quote_weeks.is_some())
    }

    /// [`Scenario::metrics`] of a scenario's parts, as the reader has them.
    pub(crate) fn metrics_of(on_time: bool, events: &[Event]) -> Vec<Metric> {
        let mut out = Metric::ALL.to_vec();
        if on_time {
            out.push(Metric::OnTime);
        }
        if !events.is_empty() {
            out.push(Metric::FreezeWaitWeeks);
            for e in events {
                out.push(Metric::event_live(&e.name));
                out.push(Metric::event_failure(&e.name));
            }
        }
        out
    }

    /// Whether a run of this scenario reports `metric`; if not, why, in words.
    pub fn check_metric(&self, metric: Metric) -> Result<(), String> {
        if self.metrics().contains(&metric) {
            Ok(())
        } else {
            let names: Vec<&str> = self.events.iter().map(|e| e.name.as_str()).collect();
            Err(why_unreported(metric, &names))
        }
    }
}

/// Why a scenario whose events have these names does not report `metric` (one it may add).
pub(crate) fn why_unreported(metric: Metric, names: &[&str]) -> String {
    match metric {
        Metric::OnTime => format!(
            "{} is reported only when the scenario states a target or a vendor quote (build.target_weeks, or a strategy's target_weeks or quote_weeks)",
            metric.id()
        ),
        Metric::FreezeWaitWeeks => format!(
            "{} is reported only when the scenario has [[events]]",
            metric.id()
        ),
        _ => {
            let event = metric.event().unwrap_or_default();
            if names.is_empty() {
                format!(
                    "{}: this scenario has no [[events]], so no event metric",
                    metric.id()
                )
            } else {
                format!(
                    "{}: no event named {event:?}; the events are {}",
                    metric.id(),
                    names.join(", ")
                )
            }
        }
    }
}

/// One row of the risk register.
#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    pub name: String,
    /// Probability per strategy, in the order of `Scenario::strategies`.
    pub probability: Vec<GovernanceCurve>,
    pub effects: RiskEffects,
}

/// What a risk does when it occurs. Effects combine: several may be set.
#[derive(Clone, Debug, Serialize)]
pub struct RiskEffects {
    /// Build time x (1 + draw), before additive delays.
    pub build_extra_share: Option<Dist>,
    /// Weeks added to build time.
    pub delay_weeks: Option<Dist>,
    /// Build time x (1 + draw) after the delays (a fat tail), capped.
    pub tail_extra_share: Option<Dist>,
    /// Cap on the tail multiplier (1 + draw).
    pub tail_multiplier_cap: f64,
    /// Multiplier on the API-failure rate.
    pub api_failure_multiplier: f64,
    /// The partner walks away after launch.
    pub walk_away: bool,
}

/// The interval a number must lie in: [lo, hi], or (lo, hi] when `lo_open`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Allowed {
    pub lo: f64,
    pub hi: f64,
    pub lo_open: bool,
}

impl Allowed {
    pub fn allows(&self, v: f64) -> bool {
        v.is_finite() && v <= self.hi && (v > self.lo || (!self.lo_open && v == self.lo))
    }

    /// `v` moved into the interval (an open lower end is left to the caller: a
    /// scaled positive value stays positive).
    pub fn clamp(&self, v: f64) -> f64 {
        v.max(self.lo).min(self.hi)
    }
}

/// What a numeric key holds.
#[derive(Clone, Debug, Serialize)]
pub enum ParamValue {
    Number(f64),
    /// A value that may depend on governance (a plain number reads as a constant curve).
    Curve(GovernanceCurve),
    Dist(Dist),
}

/// One numeric key of a scenario, as the reader read it.
#[derive(Clone, Debug, Serialize)]
pub struct Parameter {
    /// Dotted key path, as `--set` writes it: `strategies.hybrid.governance`.
    pub key: String,
    pub value: ParamValue,
    /// Where the number (for a curve, both ends; for a distribution, its draws) must lie.
    pub allowed: Allowed,
}

/// The `[sensitivity]` table of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct SensitivitySpec {
    /// Stated low and high values of numeric keys, in file order.
    pub ranges: Vec<SensitivityRange>,
    /// The default one-at-a-time swing: a key without a range goes to
    /// value x (1 - swing) and value x (1 + swing), clamped to its allowed range.
    pub swing: f64,
}

impl Default for SensitivitySpec {
    fn default() -> Self {
        SensitivitySpec {
            ranges: Vec::new(),
            swing: DEFAULT_SWING,
        }
    }
}

/// A stated range for one key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SensitivityRange {
    pub key: String,
    pub low: f64,
    pub high: f64,
}

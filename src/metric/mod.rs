//! The metric vocabulary: the metrics a trial reports (MODEL.md §4), their units,
//! and the statistics one can ask of them ([`Stat`], [`Statistic`]). Their ids and
//! units are an interface: CSV files, charts and claims name them.
//!
//! A leaf: scenario, model, stats and everything above share these names, so this
//! module imports nothing from the crate, and holds names and units, never numbers
//! of a run.
//!
//! Every run reports the metrics of [`Metric::ALL`]. A scenario that states a
//! target or a vendor quote also reports [`Metric::OnTime`]; one with known peak
//! events reports [`Metric::FreezeWaitWeeks`] and, per event, its
//! [`Metric::EventLive`] and [`Metric::EventFailure`] (MODEL.md §8). Which of
//! these a run reports is the scenario's to say (`Scenario::metrics`); the names
//! are here.

mod statistic;

pub use statistic::{PairOp, Stat, Statistic};

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

/// One per-trial output. The metrics of [`Metric::ALL`] index a trial's outcome
/// (`model::Outcome`) by [`Metric::slot`]; the others follow them in the order
/// the scenario lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    BuildWeeks,
    ScheduleSlip,
    ApiFailure,
    ApiFailures,
    SurgeFailures,
    EmergencyFixes,
    Incidents,
    IncidentHours,
    DowntimeHours,
    ChurnShare,
    ChurnUplift,
    WarRoomWeeks,
    BuildCost,
    OpsCost,
    DowntimeLoss,
    ChurnLoss,
    TotalCost,
    BudgetOverrun,
    TailCapped,
    /// 1 when launch (build weeks + freeze wait) is no later than the target.
    OnTime,
    /// Weeks a launch waited for a code freeze to end.
    FreezeWaitWeeks,
    /// 1 when the platform is live for a known event; holds the metric id,
    /// `event_live.<event>`.
    EventLive(&'static str),
    /// 1 when the platform failed during a known event; holds the metric id,
    /// `event_failure.<event>`.
    EventFailure(&'static str),
}

/// The metrics every run reports: those of [`Metric::ALL`].
pub const METRIC_COUNT: usize = 19;

/// The prefixes of the per-event metric ids.
pub const EVENT_LIVE_PREFIX: &str = "event_live.";
pub const EVENT_FAILURE_PREFIX: &str = "event_failure.";

/// The metric ids a scenario may add to [`Metric::ALL`], as a help text lists them.
pub const SCENARIO_METRICS: &str =
    "on_time, freeze_wait_weeks, event_live.<event>, event_failure.<event>";

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// The one `&'static str` of an event metric's id: each distinct id is stored
/// once for the life of the process (a scenario has a few events, a process reads
/// a few scenarios), so that a [`Metric`] stays a plain copyable value.
fn intern(id: String) -> &'static str {
    static IDS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut ids = IDS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&known) = ids.get(id.as_str()) {
        return known;
    }
    let id: &'static str = Box::leak(id.into_boxed_str());
    ids.insert(id);
    id
}

/// The metrics a console summary leads with.
pub const HEADLINE: [Metric; 5] = [
    Metric::BuildWeeks,
    Metric::ApiFailure,
    Metric::EmergencyFixes,
    Metric::DowntimeHours,
    Metric::TotalCost,
];

/// How a metric's values are measured; money takes the scenario's currency code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Weeks,
    Hours,
    Ratio,
    Indicator,
    Count,
    Share,
    Money,
}

impl Metric {
    pub const ALL: [Metric; METRIC_COUNT] = [
        Metric::BuildWeeks,
        Metric::ScheduleSlip,
        Metric::ApiFailure,
        Metric::ApiFailures,
        Metric::SurgeFailures,
        Metric::EmergencyFixes,
        Metric::Incidents,
        Metric::IncidentHours,
        Metric::DowntimeHours,
        Metric::ChurnShare,
        Metric::ChurnUplift,
        Metric::WarRoomWeeks,
        Metric::BuildCost,
        Metric::OpsCost,
        Metric::DowntimeLoss,
        Metric::ChurnLoss,
        Metric::TotalCost,
        Metric::BudgetOverrun,
        Metric::TailCapped,
    ];

    /// `event_live.<event>` for the event named `event`.
    pub fn event_live(event: &str) -> Metric {
        Metric::EventLive(intern(format!("{EVENT_LIVE_PREFIX}{event}")))
    }

    /// `event_failure.<event>` for the event named `event`.
    pub fn event_failure(event: &str) -> Metric {
        Metric::EventFailure(intern(format!("{EVENT_FAILURE_PREFIX}{event}")))
    }

    /// The event a per-event metric belongs to.
    pub fn event(self) -> Option<&'static str> {
        match self {
            Metric::EventLive(id) => id.strip_prefix(EVENT_LIVE_PREFIX),
            Metric::EventFailure(id) => id.strip_prefix(EVENT_FAILURE_PREFIX),
            _ => None,
        }
    }

    /// The metric's index in [`Metric::ALL`] and in a trial's outcome, or None
    /// for a metric a scenario adds.
    #[inline(always)]
    pub const fn base_slot(self) -> Option<usize> {
        Some(match self {
            Metric::BuildWeeks => 0,
            Metric::ScheduleSlip => 1,
            Metric::ApiFailure => 2,
            Metric::ApiFailures => 3,
            Metric::SurgeFailures => 4,
            Metric::EmergencyFixes => 5,
            Metric::Incidents => 6,
            Metric::IncidentHours => 7,
            Metric::DowntimeHours => 8,
            Metric::ChurnShare => 9,
            Metric::ChurnUplift => 10,
            Metric::WarRoomWeeks => 11,
            Metric::BuildCost => 12,
            Metric::OpsCost => 13,
            Metric::DowntimeLoss => 14,
            Metric::ChurnLoss => 15,
            Metric::TotalCost => 16,
            Metric::BudgetOverrun => 17,
            Metric::TailCapped => 18,
            Metric::OnTime
            | Metric::FreezeWaitWeeks
            | Metric::EventLive(_)
            | Metric::EventFailure(_) => return None,
        })
    }

    /// The index of a metric of [`Metric::ALL`] in a trial's outcome (a metric a
    /// scenario adds has none: the model writes it elsewhere).
    #[inline(always)]
    pub const fn slot(self) -> usize {
        match self.base_slot() {
            Some(i) => i,
            None => METRIC_COUNT,
        }
    }

    /// Where `self` is in a run's list of metrics (which starts with
    /// [`Metric::ALL`]), if the run reports it.
    #[inline]
    pub fn position_in(self, metrics: &[Metric]) -> Option<usize> {
        match self.base_slot() {
            Some(i) => (i < metrics.len()).then_some(i),
            None => metrics
                .iter()
                .skip(METRIC_COUNT)
                .position(|&m| m == self)
                .map(|i| i + METRIC_COUNT),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Metric::BuildWeeks => "build_weeks",
            Metric::ScheduleSlip => "schedule_slip",
            Metric::ApiFailure => "api_failure",
            Metric::ApiFailures => "api_failures",
            Metric::SurgeFailures => "surge_failures",
            Metric::EmergencyFixes => "emergency_fixes",
            Metric::Incidents => "incidents",
            Metric::IncidentHours => "incident_hours",
            Metric::DowntimeHours => "downtime_hours",
            Metric::ChurnShare => "churn_share",
            Metric::ChurnUplift => "churn_uplift",
            Metric::WarRoomWeeks => "war_room_weeks",
            Metric::BuildCost => "build_cost",
            Metric::OpsCost => "ops_cost",
            Metric::DowntimeLoss => "downtime_loss",
            Metric::ChurnLoss => "churn_loss",
            Metric::TotalCost => "total_cost",
            Metric::BudgetOverrun => "budget_overrun",
            Metric::TailCapped => "tail_capped",
            Metric::OnTime => "on_time",
            Metric::FreezeWaitWeeks => "freeze_wait_weeks",
            Metric::EventLive(id) | Metric::EventFailure(id) => id,
        }
    }

    /// The metric an id names: one of [`Metric::ALL`], or one a scenario may add
    /// ([`SCENARIO_METRICS`]; an event's name is lower-case letters, digits and
    /// underscores, as the reader requires). Whether a scenario reports it is the
    /// scenario's to say.
    pub fn from_id(id: &str) -> Option<Metric> {
        if let Some(m) = Metric::ALL.into_iter().find(|m| m.id() == id) {
            return Some(m);
        }
        let event_name = |name: &str| {
            let mut chars = name.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && name.len() <= 64
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        match id {
            "on_time" => Some(Metric::OnTime),
            "freeze_wait_weeks" => Some(Metric::FreezeWaitWeeks),
            _ => {
                if let Some(name) = id.strip_prefix(EVENT_LIVE_PREFIX) {
                    event_name(name).then(|| Metric::event_live(name))
                } else if let Some(name) = id.strip_prefix(EVENT_FAILURE_PREFIX) {
                    event_name(name).then(|| Metric::event_failure(name))
                } else {
                    None
                }
            }
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::BuildWeeks | Metric::WarRoomWeeks | Metric::FreezeWaitWeeks => Unit::Weeks,
            Metric::IncidentHours | Metric::DowntimeHours => Unit::Hours,
            Metric::ScheduleSlip | Metric::ChurnUplift | Metric::BudgetOverrun => Unit::Ratio,
            Metric::ApiFailure
            | Metric::TailCapped
            | Metric::OnTime
            | Metric::EventLive(_)
            | Metric::EventFailure(_) => Unit::Indicator,
            Metric::ApiFailures
            | Metric::SurgeFailures
            | Metric::EmergencyFixes
            | Metric::Incidents => Unit::Count,
            Metric::ChurnShare => Unit::Share,
            Metric::BuildCost
            | Metric::OpsCost
            | Metric::DowntimeLoss
            | Metric::ChurnLoss
            | Metric::TotalCost => Unit::Money,
        }
    }

    /// The unit as written in CSV headers and rows.
    pub fn unit_label(self, currency: &str) -> String {
        match self.unit() {
            Unit::Weeks => "weeks".into(),
            Unit::Hours => "hours".into(),
            Unit::Ratio => "ratio".into(),
            Unit::Indicator => "indicator".into(),
            Unit::Count => "count".into(),
            Unit::Share => "share".into(),
            Unit::Money => currency.into(),
        }
    }

    /// Whether a higher value is the better one (`on_time`); on every other
    /// metric lower is better, or neither (being live for an event).
    pub fn higher_is_better(self) -> bool {
        self == Metric::OnTime
    }

    /// Whole-number metrics (counts and indicators).
    pub fn is_discrete(self) -> bool {
        matches!(self.unit(), Unit::Count | Unit::Indicator)
    }

    /// What the metric means, for the README and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Metric::BuildWeeks => "weeks from start to launch",
            Metric::ScheduleSlip => "build weeks / the strategy's plan (24 x plan_multiplier)",
            Metric::ApiFailure => {
                "1 if at least one API or surge failure in the horizon; its mean is the failure probability"
            }
            Metric::ApiFailures => "post-launch API failures in the horizon",
            Metric::SurgeFailures => "traffic surges that exceeded capacity headroom",
            Metric::EmergencyFixes => "emergency fixes in the horizon",
            Metric::Incidents => {
                "customer-facing incidents (API failures and customer-facing other fixes)"
            }
            Metric::IncidentHours => {
                "sum of incident times to recovery, hours (not impact-weighted)"
            }
            Metric::DowntimeHours => "impact-weighted downtime: hours x share of checkouts hit",
            Metric::ChurnShare => "share of customers lost to failed checkouts",
            Metric::ChurnUplift => "churn_share / the baseline churn share",
            Metric::WarRoomWeeks => "weeks of cross-vendor war room",
            Metric::BuildCost => "build cost including late-project staffing",
            Metric::OpsCost => "responders, emergency-fix effort and war room",
            Metric::DowntimeLoss => "revenue lost to downtime, net of recapture",
            Metric::ChurnLoss => "lifetime value of churned customers",
            Metric::TotalCost => "build + ops + downtime loss + churn loss",
            Metric::BudgetOverrun => "build cost / planned budget (weekly burn x plan)",
            Metric::TailCapped => "1 if a fat-tail build multiplier hit its cap",
            Metric::OnTime => {
                "1 if launch (build weeks + freeze wait) is no later than the target (default: the plan)"
            }
            Metric::FreezeWaitWeeks => {
                "weeks a launch waited for a code freeze before a known event to end"
            }
            Metric::EventLive(_) => "1 if the platform is live for the known event",
            Metric::EventFailure(_) => "1 if the platform failed during the known event",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_list_matches_the_slots() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.slot(), i);
            assert_eq!(Metric::from_id(m.id()), Some(*m));
        }
    }

    #[test]
    fn a_scenario_metric_is_named_by_its_id() {
        for m in [
            Metric::OnTime,
            Metric::FreezeWaitWeeks,
            Metric::event_live("black_friday"),
            Metric::event_failure("black_friday"),
        ] {
            assert_eq!(m.base_slot(), None);
            assert_eq!(Metric::from_id(m.id()), Some(m));
        }
        assert_eq!(
            Metric::event_live("black_friday").id(),
            "event_live.black_friday"
        );
        assert_eq!(
            Metric::event_failure("bf").event(),
            Some("bf"),
            "the event of a per-event metric"
        );
        assert_eq!(Metric::from_id("event_live.Black Friday"), None);
        assert_eq!(Metric::from_id("event_live."), None);
    }

    #[test]
    fn a_metric_is_found_in_a_run_list_by_position() {
        let mut list = Metric::ALL.to_vec();
        list.extend([Metric::OnTime, Metric::event_live("x")]);
        assert_eq!(Metric::TotalCost.position_in(&list), Some(16));
        assert_eq!(Metric::event_live("x").position_in(&list), Some(20));
        assert_eq!(Metric::event_failure("x").position_in(&list), None);
        assert_eq!(Metric::OnTime.position_in(&Metric::ALL), None);
    }
}

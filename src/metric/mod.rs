//! The metric vocabulary: the metrics a trial reports (MODEL.md §4), their units,
//! and the statistics one can ask of them ([`Stat`], [`Statistic`]). Their ids and
//! units are an interface: CSV files, charts and claims name them.
//!
//! A leaf: scenario, model, stats and everything above share these names, so this
//! module imports nothing from the crate, and holds names and units, never numbers
//! of a run.

mod statistic;

pub use statistic::{PairOp, Stat, Statistic};

use serde::Serialize;

/// One per-trial output. The discriminant indexes a trial's outcome (`model::Outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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
}

pub const METRIC_COUNT: usize = 19;

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
        }
    }

    pub fn from_id(id: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::BuildWeeks | Metric::WarRoomWeeks => Unit::Weeks,
            Metric::IncidentHours | Metric::DowntimeHours => Unit::Hours,
            Metric::ScheduleSlip | Metric::ChurnUplift | Metric::BudgetOverrun => Unit::Ratio,
            Metric::ApiFailure | Metric::TailCapped => Unit::Indicator,
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_list_matches_the_discriminants() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i);
            assert_eq!(Metric::from_id(m.id()), Some(*m));
        }
    }
}

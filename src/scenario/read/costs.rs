//! What outcomes cost: `[churn]` (customers lost to failed checkouts) and
//! `[cost]` (downtime, fixes, war rooms, overrun staffing). Every key's default
//! and allowed range is here; the model's use of them is not.

use super::Reader;
use super::dists::Support;
use super::values::{Check, Tbl};
use crate::dist::Dist;
use crate::scenario::{Churn, Cost, GovernanceCurve};

impl Reader<'_> {
    /// `[churn]`: how failed checkouts lose customers, and what a customer is worth.
    pub(super) fn churn(&mut self, root: &mut Tbl<'_, '_>) -> Churn {
        let mut t = self.table(root, "churn");
        let c = Churn {
            failed_checkouts_per_week: self.number(
                &mut t,
                "failed_checkouts_per_week",
                Some(0.15),
                Check::Between(0.0, 1000.0),
            ),
            loss_probability: self.number(
                &mut t,
                "loss_probability",
                Some(0.25),
                Check::Probability,
            ),
            baseline_share: self.number(
                &mut t,
                "baseline_share",
                Some(0.20),
                Check::Between(1e-6, 1.0),
            ),
            customers: self.number(&mut t, "customers", None, Check::Between(0.0, 1e12)),
            lifetime_value: self.number(&mut t, "lifetime_value", None, Check::Between(0.0, 1e9)),
        };
        self.finish(t);
        c
    }

    /// `[cost]`: the money side of downtime, fixes, war rooms and late projects.
    pub(super) fn cost(&mut self, root: &mut Tbl<'_, '_>) -> Cost {
        let mut t = self.table(root, "cost");
        let c = Cost {
            downtime_loss_per_hour: self.number(
                &mut t,
                "downtime_loss_per_hour",
                None,
                Check::Between(0.0, 1e12),
            ),
            recaptured_share: self.number(
                &mut t,
                "recaptured_share",
                Some(0.4),
                Check::Probability,
            ),
            hourly_rate: self.number(&mut t, "hourly_rate", None, Check::Between(0.0, 1e6)),
            fix_effort_hours: self.dist(
                &mut t,
                "fix_effort_hours",
                Some(Dist::triangular(16.0, 40.0, 80.0).expect("valid default")),
                Support::NonNegative,
            ),
            war_room_week_cost: self.number(
                &mut t,
                "war_room_week_cost",
                None,
                Check::Between(0.0, 1e12),
            ),
            war_room_weeks: self.curve(
                &mut t,
                "war_room_weeks",
                Some(GovernanceCurve {
                    at_g0: 52.0,
                    at_g1: 0.0,
                    k: 1.0,
                }),
                Check::Between(0.0, 520.0),
            ),
            war_room_spread: self.dist(
                &mut t,
                "war_room_spread",
                Some(Dist::triangular(0.7, 1.0, 1.3).expect("valid default")),
                Support::NonNegative,
            ),
            overrun_staffing_factor: self.number(
                &mut t,
                "overrun_staffing_factor",
                Some(1.0),
                Check::Between(0.0, 100.0),
            ),
        };
        self.finish(t);
        c
    }
}

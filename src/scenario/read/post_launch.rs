//! The post-launch tables: `[horizon]` (the window that counts), `[api]`,
//! `[surges]`, `[incidents]` and `[walk_away]`. Every key's default and allowed
//! range is here; the model's use of them is not.

use super::Reader;
use super::dists::Support;
use super::values::{Check, Tbl};
use crate::dist::Dist;
use crate::scenario::{Api, GovernanceCurve, Horizon, Incidents, Surges, WalkAway};

impl Reader<'_> {
    /// `[horizon]`: the post-launch window and the window rates are stated for.
    pub(super) fn horizon(&mut self, root: &mut Tbl<'_, '_>) -> Horizon {
        let mut t = self.table(root, "horizon");
        let h = Horizon {
            weeks: self.number(&mut t, "weeks", Some(26.0), Check::Between(1.0, 520.0)),
            rate_window_weeks: self.number(
                &mut t,
                "rate_window_weeks",
                Some(26.0),
                Check::Between(1.0, 520.0),
            ),
        };
        self.finish(t);
        h
    }

    /// `[api]`: the decay of API failures and how often one needs a fix.
    pub(super) fn api(&mut self, root: &mut Tbl<'_, '_>) -> Api {
        let mut t = self.table(root, "api");
        let a = Api {
            decay_per_week: self.number(
                &mut t,
                "decay_per_week",
                Some(0.10),
                Check::Between(0.0, 10.0),
            ),
            fix_probability: self.number(&mut t, "fix_probability", Some(0.9), Check::Probability),
        };
        self.finish(t);
        a
    }

    /// `[surges]`: traffic peaks, shared by all strategies of a trial.
    pub(super) fn surges(&mut self, root: &mut Tbl<'_, '_>) -> Surges {
        let mut t = self.table(root, "surges");
        let s = Surges {
            events_per_window: self.number(
                &mut t,
                "events_per_window",
                Some(1.0),
                Check::Between(0.0, 1000.0),
            ),
            multiple: self.dist(
                &mut t,
                "multiple",
                Some(Dist::lognormal(2.5, 0.6).expect("valid default")),
                Support::NonNegative,
            ),
            failure_hours: self.dist(
                &mut t,
                "failure_hours",
                Some(Dist::triangular(2.0, 6.0, 12.0).expect("valid default")),
                Support::NonNegative,
            ),
            impact_fraction: self.dist(
                &mut t,
                "impact_fraction",
                Some(Dist::uniform(0.2, 0.6).expect("valid default")),
                Support::Fraction,
            ),
            loss_scales_with_traffic: self.boolean(&mut t, "loss_scales_with_traffic", true),
        };
        self.finish(t);
        s
    }

    /// `[incidents]`: customer-facing incidents and their time to recovery.
    pub(super) fn incidents(&mut self, root: &mut Tbl<'_, '_>) -> Incidents {
        let mut t = self.table(root, "incidents");
        let i = Incidents {
            customer_facing_share: self.number(
                &mut t,
                "customer_facing_share",
                Some(0.3),
                Check::Probability,
            ),
            ttr_sigma: self.number(&mut t, "ttr_sigma", Some(1.2), Check::Between(0.0, 5.0)),
            impact_fraction: self.dist(
                &mut t,
                "impact_fraction",
                Some(Dist::uniform(0.3, 1.0).expect("valid default")),
                Support::Fraction,
            ),
            seam_crossing_probability: self.number(
                &mut t,
                "seam_crossing_probability",
                Some(0.5),
                Check::Probability,
            ),
            seam_ttr_factor: self.curve(
                &mut t,
                "seam_ttr_factor",
                Some(GovernanceCurve {
                    at_g0: 2.5,
                    at_g1: 1.0,
                    k: 1.0,
                }),
                Check::Between(0.0, 100.0),
            ),
            matrix_ttr_factor: self.number(
                &mut t,
                "matrix_ttr_factor",
                Some(0.67),
                Check::Between(0.0, 10.0),
            ),
        };
        self.finish(t);
        i
    }

    /// `[walk_away]`: when a partner walks away and what it degrades.
    pub(super) fn walk_away(&mut self, root: &mut Tbl<'_, '_>) -> WalkAway {
        let mut t = self.table(root, "walk_away");
        let w = WalkAway {
            at_week: self.dist(
                &mut t,
                "at_week",
                Some(Dist::uniform(4.0, 22.0).expect("valid default")),
                Support::NonNegative,
            ),
            degraded_fraction: self.dist(
                &mut t,
                "degraded_fraction",
                Some(Dist::uniform(0.2, 0.5).expect("valid default")),
                Support::Fraction,
            ),
        };
        self.finish(t);
        w
    }
}

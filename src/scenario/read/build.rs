//! `[drivers]` and `[build]`: what one trial's outputs share (latent complexity,
//! incident frailty) and how long the build takes. Every key's default and allowed
//! range is here; the model's use of them is not.

use super::Reader;
use super::dists::Support;
use super::values::{Check, Tbl};
use crate::dist::Dist;
use crate::scenario::{Build, Drivers};

impl Reader<'_> {
    /// `[drivers]`: the loadings of latent complexity and the frailty's shape.
    pub(super) fn drivers(&mut self, root: &mut Tbl<'_, '_>) -> Drivers {
        let mut t = self.table(root, "drivers");
        let d = Drivers {
            complexity_on_build: self.number(
                &mut t,
                "complexity_on_build",
                Some(0.10),
                Check::Between(0.0, 3.0),
            ),
            complexity_on_frailty: self.number(
                &mut t,
                "complexity_on_frailty",
                Some(0.35),
                Check::Between(0.0, 3.0),
            ),
            frailty_shape: self.number(
                &mut t,
                "frailty_shape",
                Some(1.5),
                Check::Between(0.01, 1e6),
            ),
        };
        self.finish(t);
        d
    }

    /// `[build]`: the reference plan, estimation error and the vendor seam.
    pub(super) fn build(&mut self, root: &mut Tbl<'_, '_>) -> Build {
        let mut t = self.table(root, "build");
        let b = Build {
            plan_weeks: self.number(&mut t, "plan_weeks", None, Check::Between(0.1, 1040.0)),
            estimate: self.dist(
                &mut t,
                "estimate",
                Some(Dist::pert(0.90, 1.00, 1.35).expect("valid default")),
                Support::Positive,
            ),
            seam_share: self.number(&mut t, "seam_share", Some(0.25), Check::Probability),
            seam_slowdown: self.number(
                &mut t,
                "seam_slowdown",
                Some(2.5),
                Check::Between(1.0, 100.0),
            ),
            matrix_onboarding_weeks: self.dist(
                &mut t,
                "matrix_onboarding_weeks",
                Some(Dist::triangular(1.0, 2.0, 4.0).expect("valid default")),
                Support::NonNegative,
            ),
            target_weeks: self.optional_number(&mut t, "target_weeks", Check::Positive),
        };
        self.finish(t);
        b
    }
}

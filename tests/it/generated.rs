//! Scenario text written by the tests: a [`Spec`] holds every key of the file
//! format, [`Spec::baseline`] is a plain valid scenario of any size, and
//! [`Spec::random`] draws every parameter within its documented range from a
//! stream of uniforms (so a property test's shrinking moves towards the lower ends
//! of the ranges). Rendering to TOML is [`Spec::to_toml`].

#![allow(dead_code)]

use std::fmt::Write;

/// A number as TOML reads it back exactly (`1.0`, `1e-7`).
pub fn num(x: f64) -> String {
    format!("{x:?}")
}

pub fn constant(x: f64) -> String {
    format!("{{ constant = {} }}", num(x))
}

pub fn curve(g0: f64, g1: f64, k: f64) -> String {
    format!("{{ g0 = {}, g1 = {}, k = {} }}", num(g0), num(g1), num(k))
}

#[derive(Clone, Debug)]
pub struct StrategySpec {
    pub id: String,
    pub governance: f64,
    pub plan_multiplier: f64,
    pub vendor_seam: bool,
    pub responsibility_matrix: bool,
    pub weekly_burn: f64,
    pub responders: f64,
    pub api_failure_rate: String,
    pub other_fix_rate: String,
    pub headroom_median: String,
    pub headroom_sigma: String,
    pub ttr_median_hours: String,
    pub walk_away_unresolved_probability: String,
    pub walk_away_degraded_weeks: String,
}

#[derive(Clone, Debug)]
pub struct RiskSpec {
    pub name: String,
    /// A curve, or an inline table of one curve per strategy id.
    pub probability: String,
    pub build_extra_share: Option<String>,
    pub delay_weeks: Option<String>,
    pub tail_extra_share: Option<String>,
    pub tail_multiplier_cap: f64,
    pub api_failure_multiplier: f64,
    pub walk_away: bool,
}

/// Every key of a scenario file; distributions and curves as TOML text.
#[derive(Clone, Debug)]
pub struct Spec {
    pub trials: u64,
    pub seed: u64,
    pub horizon_weeks: f64,
    pub rate_window_weeks: f64,
    pub complexity_on_build: f64,
    pub complexity_on_frailty: f64,
    pub frailty_shape: f64,
    pub plan_weeks: f64,
    pub estimate: String,
    pub seam_share: f64,
    pub seam_slowdown: f64,
    pub matrix_onboarding_weeks: String,
    pub decay_per_week: f64,
    pub fix_probability: f64,
    pub events_per_window: f64,
    pub surge_multiple: String,
    pub surge_failure_hours: String,
    pub surge_impact_fraction: String,
    pub customer_facing_share: f64,
    pub ttr_sigma: f64,
    pub incident_impact_fraction: String,
    pub seam_crossing_probability: f64,
    pub seam_ttr_factor: String,
    pub matrix_ttr_factor: f64,
    pub walk_away_at_week: String,
    pub walk_away_degraded_fraction: String,
    pub failed_checkouts_per_week: f64,
    pub loss_probability: f64,
    pub baseline_share: f64,
    pub customers: f64,
    pub lifetime_value: f64,
    pub downtime_loss_per_hour: f64,
    pub recaptured_share: f64,
    pub hourly_rate: f64,
    pub fix_effort_hours: String,
    pub war_room_week_cost: f64,
    pub war_room_weeks: String,
    pub war_room_spread: String,
    pub overrun_staffing_factor: f64,
    pub strategies: Vec<StrategySpec>,
    pub risks: Vec<RiskSpec>,
}

impl Spec {
    /// A valid scenario with `strategies` strategies (alternating backend-led,
    /// UX-led and two-vendor hybrids) and `risks` risks, near the seed's figures.
    pub fn baseline(strategies: usize, risks: usize, trials: u64) -> Spec {
        let strategies = (0..strategies)
            .map(|i| StrategySpec {
                id: format!("s{i}"),
                governance: (i % 11) as f64 / 10.0,
                plan_multiplier: 1.0 + (i % 3) as f64 * 0.1,
                vendor_seam: i % 3 == 2,
                responsibility_matrix: i % 6 == 5,
                weekly_burn: 50000.0 + 1000.0 * i as f64,
                responders: 5.0,
                api_failure_rate: curve(1.27, 0.37, 2.0),
                other_fix_rate: curve(13.3, 5.8, 1.5),
                headroom_median: curve(4.0, 15.0, 1.0),
                headroom_sigma: num(0.35),
                ttr_median_hours: curve(3.0, 1.5, 1.0),
                walk_away_unresolved_probability: num(0.5),
                walk_away_degraded_weeks: "{ triangular = [1, 2, 4] }".into(),
            })
            .collect();
        let risks = (0..risks)
            .map(|i| RiskSpec {
                name: format!("risk {i}"),
                probability: num(0.02 + (i % 7) as f64 * 0.01),
                build_extra_share: (i % 2 == 0).then(|| "{ triangular = [0.1, 0.15, 0.2] }".into()),
                delay_weeks: (i % 3 == 0).then(|| "{ uniform = [1, 4] }".into()),
                tail_extra_share: (i % 5 == 0)
                    .then(|| "{ lomax = { shape = 2, scale = 0.5 } }".into()),
                tail_multiplier_cap: 10.0,
                // A risk with no other effect gets a small one (a multiplier of 1
                // is no effect, and the reader refuses a risk without one).
                api_failure_multiplier: if i % 4 == 0 {
                    1.3
                } else if i % 2 != 0 && i % 3 != 0 && i % 5 != 0 && i % 9 != 0 {
                    1.1
                } else {
                    1.0
                },
                walk_away: i % 9 == 0,
            })
            .collect();
        Spec {
            trials,
            seed: 7,
            horizon_weeks: 26.0,
            rate_window_weeks: 26.0,
            complexity_on_build: 0.1,
            complexity_on_frailty: 0.35,
            frailty_shape: 1.5,
            plan_weeks: 24.0,
            estimate: "{ pert = [0.9, 1.0, 1.35] }".into(),
            seam_share: 0.25,
            seam_slowdown: 2.5,
            matrix_onboarding_weeks: "{ triangular = [1, 2, 4] }".into(),
            decay_per_week: 0.1,
            fix_probability: 0.9,
            events_per_window: 1.0,
            surge_multiple: "{ lognormal = { median = 2.5, sigma = 0.6 } }".into(),
            surge_failure_hours: "{ triangular = [2, 6, 12] }".into(),
            surge_impact_fraction: "{ uniform = [0.2, 0.6] }".into(),
            customer_facing_share: 0.3,
            ttr_sigma: 1.2,
            incident_impact_fraction: "{ uniform = [0.3, 1.0] }".into(),
            seam_crossing_probability: 0.5,
            seam_ttr_factor: curve(2.5, 1.0, 1.0),
            matrix_ttr_factor: 0.67,
            walk_away_at_week: "{ uniform = [4, 22] }".into(),
            walk_away_degraded_fraction: "{ uniform = [0.2, 0.5] }".into(),
            failed_checkouts_per_week: 0.15,
            loss_probability: 0.25,
            baseline_share: 0.2,
            customers: 400000.0,
            lifetime_value: 150.0,
            downtime_loss_per_hour: 11400.0,
            recaptured_share: 0.4,
            hourly_rate: 150.0,
            fix_effort_hours: "{ triangular = [16, 40, 80] }".into(),
            war_room_week_cost: 14500.0,
            war_room_weeks: curve(52.0, 0.0, 1.0),
            war_room_spread: "{ triangular = [0.7, 1.0, 1.3] }".into(),
            overrun_staffing_factor: 1.0,
            strategies,
            risks,
        }
    }

    /// Every parameter drawn within its documented range from `u` (uniforms in
    /// [0, 1)). Two bounds are tighter than the file format allows, to keep a case
    /// fast: event rates (the model's work per trial grows with the number of
    /// incidents) and the tails of duration distributions (see the README's
    /// limitations: a draw beyond double precision is refused at run time).
    pub fn random(
        strategies: usize,
        risks: usize,
        trials: u64,
        u: &mut dyn FnMut() -> f64,
    ) -> Spec {
        let mut s = Spec::baseline(strategies, risks, trials);
        s.seed = (u() * 1e15) as u64;
        s.horizon_weeks = range(u, 1.0, 104.0);
        s.rate_window_weeks = range(u, 1.0, 104.0);
        s.complexity_on_build = range(u, 0.0, 3.0);
        s.complexity_on_frailty = range(u, 0.0, 3.0);
        s.frailty_shape = log_range(u, 0.01, 1e6);
        s.plan_weeks = log_range(u, 0.1, 1040.0);
        s.estimate = dist(u, Support::Positive, 2.0);
        s.seam_share = u();
        s.seam_slowdown = log_range(u, 1.0, 100.0);
        s.matrix_onboarding_weeks = dist(u, Support::NonNegative, 10.0);
        s.decay_per_week = range(u, 0.0, 10.0);
        s.fix_probability = u();
        s.events_per_window = range(u, 0.0, 20.0);
        s.surge_multiple = dist(u, Support::NonNegative, 10.0);
        s.surge_failure_hours = dist(u, Support::NonNegative, 24.0);
        s.surge_impact_fraction = dist(u, Support::Fraction, 1.0);
        s.customer_facing_share = u();
        s.ttr_sigma = range(u, 0.0, 5.0);
        s.incident_impact_fraction = dist(u, Support::Fraction, 1.0);
        s.seam_crossing_probability = u();
        s.seam_ttr_factor = random_curve(u, 0.0, 100.0);
        s.matrix_ttr_factor = range(u, 0.0, 10.0);
        s.walk_away_at_week = dist(u, Support::NonNegative, 30.0);
        s.walk_away_degraded_fraction = dist(u, Support::Fraction, 1.0);
        s.failed_checkouts_per_week = log_range(u, 1e-3, 1000.0);
        s.loss_probability = u();
        s.baseline_share = log_range(u, 1e-6, 1.0);
        s.customers = log_range(u, 1.0, 1e12);
        s.lifetime_value = log_range(u, 1.0, 1e9);
        s.downtime_loss_per_hour = log_range(u, 1.0, 1e12);
        s.recaptured_share = u();
        s.hourly_rate = log_range(u, 1.0, 1e6);
        s.fix_effort_hours = dist(u, Support::NonNegative, 100.0);
        s.war_room_week_cost = log_range(u, 1.0, 1e12);
        s.war_room_weeks = random_curve(u, 0.0, 520.0);
        s.war_room_spread = dist(u, Support::NonNegative, 2.0);
        s.overrun_staffing_factor = range(u, 0.0, 100.0);
        for st in &mut s.strategies {
            let g = u();
            st.governance = pick(u, &[0.0, 1.0, g]);
            st.plan_multiplier = log_range(u, 0.01, 100.0);
            st.vendor_seam = u() < 0.5;
            st.responsibility_matrix = u() < 0.5;
            let burn = log_range(u, 1.0, 1e12);
            st.weekly_burn = pick(u, &[0.0, burn]);
            st.responders = range(u, 0.0, 1e4);
            st.api_failure_rate = random_curve(u, 0.0, 20.0);
            st.other_fix_rate = random_curve(u, 0.0, 20.0);
            st.headroom_median = random_curve(u, 1e-6, 1e6);
            st.headroom_sigma = random_curve(u, 0.0, 10.0);
            st.ttr_median_hours = random_curve(u, 1e-6, 1e5);
            st.walk_away_unresolved_probability = random_curve(u, 0.0, 1.0);
            st.walk_away_degraded_weeks = dist(u, Support::NonNegative, 10.0);
        }
        let ids: Vec<String> = s.strategies.iter().map(|st| st.id.clone()).collect();
        for r in &mut s.risks {
            r.probability = if u() < 0.5 {
                random_curve(u, 0.0, 1.0)
            } else {
                let per: Vec<String> = ids
                    .iter()
                    .map(|id| format!("{id} = {}", random_curve(u, 0.0, 1.0)))
                    .collect();
                format!("{{ {} }}", per.join(", "))
            };
            r.build_extra_share = (u() < 0.5).then(|| dist(u, Support::NonNegative, 1.0));
            r.delay_weeks = (u() < 0.5).then(|| dist(u, Support::NonNegative, 10.0));
            r.tail_extra_share = (u() < 0.3).then(|| dist(u, Support::NonNegative, 3.0));
            r.tail_multiplier_cap = log_range(u, 1.0, 1e6);
            r.api_failure_multiplier = range(u, 0.0, 3.0);
            r.walk_away = u() < 0.3;
            if r.build_extra_share.is_none()
                && r.delay_weeks.is_none()
                && r.tail_extra_share.is_none()
                && !r.walk_away
            {
                r.walk_away = true;
            }
        }
        s
    }

    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "title = \"generated\"\ntrials = {}\nseed = {}",
            self.trials, self.seed
        );
        let _ = writeln!(
            t,
            "[horizon]\nweeks = {}\nrate_window_weeks = {}",
            num(self.horizon_weeks),
            num(self.rate_window_weeks)
        );
        let _ = writeln!(
            t,
            "[drivers]\ncomplexity_on_build = {}\ncomplexity_on_frailty = {}\nfrailty_shape = {}",
            num(self.complexity_on_build),
            num(self.complexity_on_frailty),
            num(self.frailty_shape)
        );
        let _ = writeln!(
            t,
            "[build]\nplan_weeks = {}\nestimate = {}\nseam_share = {}\nseam_slowdown = {}\nmatrix_onboarding_weeks = {}",
            num(self.plan_weeks),
            self.estimate,
            num(self.seam_share),
            num(self.seam_slowdown),
            self.matrix_onboarding_weeks
        );
        let _ = writeln!(
            t,
            "[api]\ndecay_per_week = {}\nfix_probability = {}",
            num(self.decay_per_week),
            num(self.fix_probability)
        );
        let _ = writeln!(
            t,
            "[surges]\nevents_per_window = {}\nmultiple = {}\nfailure_hours = {}\nimpact_fraction = {}",
            num(self.events_per_window),
            self.surge_multiple,
            self.surge_failure_hours,
            self.surge_impact_fraction
        );
        let _ = writeln!(
            t,
            "[incidents]\ncustomer_facing_share = {}\nttr_sigma = {}\nimpact_fraction = {}\nseam_crossing_probability = {}\nseam_ttr_factor = {}\nmatrix_ttr_factor = {}",
            num(self.customer_facing_share),
            num(self.ttr_sigma),
            self.incident_impact_fraction,
            num(self.seam_crossing_probability),
            self.seam_ttr_factor,
            num(self.matrix_ttr_factor)
        );
        let _ = writeln!(
            t,
            "[walk_away]\nat_week = {}\ndegraded_fraction = {}",
            self.walk_away_at_week, self.walk_away_degraded_fraction
        );
        let _ = writeln!(
            t,
            "[churn]\nfailed_checkouts_per_week = {}\nloss_probability = {}\nbaseline_share = {}\ncustomers = {}\nlifetime_value = {}",
            num(self.failed_checkouts_per_week),
            num(self.loss_probability),
            num(self.baseline_share),
            num(self.customers),
            num(self.lifetime_value)
        );
        let _ = writeln!(
            t,
            "[cost]\ndowntime_loss_per_hour = {}\nrecaptured_share = {}\nhourly_rate = {}\nfix_effort_hours = {}\nwar_room_week_cost = {}\nwar_room_weeks = {}\nwar_room_spread = {}\noverrun_staffing_factor = {}",
            num(self.downtime_loss_per_hour),
            num(self.recaptured_share),
            num(self.hourly_rate),
            self.fix_effort_hours,
            num(self.war_room_week_cost),
            self.war_room_weeks,
            self.war_room_spread,
            num(self.overrun_staffing_factor)
        );
        for s in &self.strategies {
            let _ = writeln!(
                t,
                "[strategies.{}]\ngovernance = {}\nplan_multiplier = {}\nvendor_seam = {}\nresponsibility_matrix = {}\nweekly_burn = {}\nresponders = {}\napi_failure_rate = {}\nother_fix_rate = {}\nheadroom_median = {}\nheadroom_sigma = {}\nttr_median_hours = {}\nwalk_away_unresolved_probability = {}\nwalk_away_degraded_weeks = {}",
                s.id,
                num(s.governance),
                num(s.plan_multiplier),
                s.vendor_seam,
                s.responsibility_matrix,
                num(s.weekly_burn),
                num(s.responders),
                s.api_failure_rate,
                s.other_fix_rate,
                s.headroom_median,
                s.headroom_sigma,
                s.ttr_median_hours,
                s.walk_away_unresolved_probability,
                s.walk_away_degraded_weeks
            );
        }
        for r in &self.risks {
            let _ = writeln!(
                t,
                "[[risks]]\nname = \"{}\"\nprobability = {}\napi_failure_multiplier = {}\nwalk_away = {}",
                r.name,
                r.probability,
                num(r.api_failure_multiplier),
                r.walk_away
            );
            // The cap is refused on a risk without a tail to cap.
            if r.tail_extra_share.is_some() {
                let _ = writeln!(t, "tail_multiplier_cap = {}", num(r.tail_multiplier_cap));
            }
            for (key, d) in [
                ("build_extra_share", &r.build_extra_share),
                ("delay_weeks", &r.delay_weeks),
                ("tail_extra_share", &r.tail_extra_share),
            ] {
                if let Some(d) = d {
                    let _ = writeln!(t, "{key} = {d}");
                }
            }
        }
        t
    }
}

/// Where a distribution's draws must fall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Support {
    Positive,
    NonNegative,
    Fraction,
}

fn range(u: &mut dyn FnMut() -> f64, lo: f64, hi: f64) -> f64 {
    (lo + (hi - lo) * u()).clamp(lo, hi)
}

/// Log-uniform in [lo, hi]; lo > 0.
fn log_range(u: &mut dyn FnMut() -> f64, lo: f64, hi: f64) -> f64 {
    (lo.ln() + (hi.ln() - lo.ln()) * u()).exp().clamp(lo, hi)
}

fn pick(u: &mut dyn FnMut() -> f64, options: &[f64]) -> f64 {
    let i = ((u() * options.len() as f64) as usize).min(options.len() - 1);
    options[i]
}

/// A curve (plain number or g0/g1/k) with both ends in [lo, hi].
fn random_curve(u: &mut dyn FnMut() -> f64, lo: f64, hi: f64) -> String {
    let end = |u: &mut dyn FnMut() -> f64| {
        if lo > 0.0 {
            log_range(u, lo, hi)
        } else {
            let inside = range(u, lo, hi);
            pick(u, &[lo, hi, inside])
        }
    };
    if u() < 0.4 {
        num(end(u))
    } else {
        let (g0, g1) = (end(u), end(u));
        curve(g0, g1, log_range(u, 0.1, 10.0))
    }
}

/// A distribution whose draws fall in `support`, on a scale of about `scale`.
fn dist(u: &mut dyn FnMut() -> f64, support: Support, scale: f64) -> String {
    let top = if support == Support::Fraction {
        1.0
    } else {
        scale
    };
    let low = if support == Support::Positive {
        top * 1e-3
    } else {
        0.0
    };
    let three = |u: &mut dyn FnMut() -> f64| {
        let mut v = [range(u, low, top), range(u, low, top), range(u, low, top)];
        v.sort_by(f64::total_cmp);
        v
    };
    let kinds = if support == Support::Fraction { 6 } else { 9 };
    match ((u() * kinds as f64) as usize).min(kinds - 1) {
        0 => num(range(
            u,
            low.max(if support == Support::Positive {
                1e-3
            } else {
                0.0
            }),
            top,
        )),
        1 => {
            let v = three(u);
            format!("{{ uniform = [{}, {}] }}", num(v[0]), num(v[2]))
        }
        2 => {
            let v = three(u);
            format!(
                "{{ triangular = [{}, {}, {}] }}",
                num(v[0]),
                num(v[1]),
                num(v[2])
            )
        }
        3 => {
            let v = three(u);
            format!("{{ pert = [{}, {}, {}] }}", num(v[0]), num(v[1]), num(v[2]))
        }
        4 if support == Support::Fraction => format!(
            "{{ beta = {{ alpha = {}, beta = {} }} }}",
            num(log_range(u, 0.05, 50.0)),
            num(log_range(u, 0.05, 50.0))
        ),
        4 | 5 if support != Support::Fraction => {
            if u() < 0.5 {
                format!(
                    "{{ lognormal = {{ median = {}, sigma = {} }} }}",
                    num(log_range(u, top * 1e-3, top)),
                    num(range(u, 0.0, 2.0))
                )
            } else {
                let a = log_range(u, top * 1e-3, top);
                format!(
                    "{{ lognormal = {{ p05 = {}, p95 = {} }} }}",
                    num(a),
                    num(a * log_range(u, 1.0, 100.0))
                )
            }
        }
        5 => constant(u()),
        6 => {
            // A truncated normal whose mean lies inside its interval (enough mass).
            let min = if support == Support::Positive {
                top * 1e-3
            } else {
                0.0
            };
            format!(
                "{{ normal = {{ mean = {}, std_dev = {}, min = {} }} }}",
                num(range(u, min, top)),
                num(range(u, 0.0, top)),
                num(min)
            )
        }
        7 if support == Support::NonNegative => format!(
            "{{ lomax = {{ shape = {}, scale = {} }} }}",
            num(range(u, 1.0, 5.0)),
            num(log_range(u, top * 1e-3, top))
        ),
        _ => constant(range(u, low.max(1e-3), top)),
    }
}

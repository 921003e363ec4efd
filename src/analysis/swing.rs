//! How a driver is swung, written as a scenario would write it: a distribution
//! scaled in its location and scale, a governance curve at both ends, a number in
//! the shortest TOML that reads back to it; and the plain words a chart shows for
//! a key. Text only: the tornado itself is `sensitivity`.

use crate::dist::Dist;
use crate::scenario::GovernanceCurve;

/// Plain words for a key (a strategy's own key without `strategies.<id>.`), for
/// charts; `None` for a key this list does not know (the key is shown instead).
pub fn plain_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "drivers.complexity_on_build" => "complexity's pull on build time",
        "drivers.complexity_on_frailty" => "complexity's pull on incident rates",
        "drivers.frailty_shape" => "evenness of incident rates",
        "build.plan_weeks" => "planned build weeks",
        "build.estimate" => "estimation error",
        "build.seam_share" => "share of work across the vendor seam",
        "build.seam_slowdown" => "slowdown of cross-vendor work",
        "build.matrix_onboarding_weeks" => "responsibility-matrix onboarding",
        "api.decay_per_week" => "decay of post-launch failures",
        "api.fix_probability" => "failures that need a fix",
        "surges.events_per_window" => "traffic peaks per window",
        "surges.multiple" => "size of traffic surges",
        "surges.failure_hours" => "length of a surge outage",
        "surges.impact_fraction" => "checkouts hit by a surge outage",
        "incidents.customer_facing_share" => "fixes that reach customers",
        "incidents.ttr_sigma" => "spread of recovery times",
        "incidents.impact_fraction" => "checkouts hit by an incident",
        "incidents.seam_crossing_probability" => "incidents crossing the vendor seam",
        "incidents.seam_ttr_factor" => "recovery slowdown across the seam",
        "incidents.matrix_ttr_factor" => "recovery time with a matrix",
        "walk_away.at_week" => "week the partner walks away",
        "walk_away.degraded_fraction" => "checkouts degraded after a walk-away",
        "churn.failed_checkouts_per_week" => "failed checkouts per outage week",
        "churn.loss_probability" => "customers lost per failed checkout",
        "churn.customers" => "active customers",
        "churn.lifetime_value" => "customer lifetime value",
        "cost.downtime_loss_per_hour" => "revenue lost per outage hour",
        "cost.recaptured_share" => "lost revenue recaptured",
        "cost.hourly_rate" => "hourly rate",
        "cost.fix_effort_hours" => "effort per emergency fix",
        "cost.war_room_week_cost" => "cost of a war-room week",
        "cost.war_room_weeks" => "war-room weeks",
        "cost.war_room_spread" => "spread of war-room weeks",
        "cost.overrun_staffing_factor" => "staff added when late",
        "governance" => "governance quality",
        "plan_multiplier" => "plan length",
        "weekly_burn" => "weekly burn",
        "responders" => "responders per incident",
        "api_failure_rate" => "API failure rate",
        "other_fix_rate" => "other emergency-fix rate",
        "headroom_median" => "capacity headroom",
        "headroom_sigma" => "spread of capacity headroom",
        "ttr_median_hours" => "median time to recover",
        "walk_away_unresolved_probability" => "issue open at walk-away",
        "walk_away_degraded_weeks" => "weeks degraded after a walk-away",
        _ => return None,
    })
}

/// A number as TOML text that reads back to the same double.
pub(super) fn toml_number(x: f64) -> String {
    format!("{x:?}")
}

pub(super) fn curve_toml(c: &GovernanceCurve) -> String {
    format!(
        "{{ g0 = {}, g1 = {}, k = {} }}",
        toml_number(c.at_g0),
        toml_number(c.at_g1),
        toml_number(c.k)
    )
}

/// A distribution with its location and scale multiplied by `f`, as scenario
/// TOML. Shapes stay (lognormal sigma, lomax shape); a fraction's numbers are
/// kept within [0, 1]; a beta keeps its concentration and moves its mean.
pub fn scale_dist(d: &Dist, f: f64, fraction: bool) -> String {
    let x = |v: f64| {
        let v = v * f;
        toml_number(if fraction { v.clamp(0.0, 1.0) } else { v })
    };
    match d {
        Dist::Constant { value } => format!("{{ constant = {} }}", x(*value)),
        Dist::Uniform(d) => format!("{{ uniform = [{}, {}] }}", x(d.low()), x(d.high())),
        Dist::Triangular(d) => {
            format!(
                "{{ triangular = [{}, {}, {}] }}",
                x(d.min()),
                x(d.mode()),
                x(d.max())
            )
        }
        Dist::Pert(d) => {
            format!(
                "{{ pert = [{}, {}, {}] }}",
                x(d.min()),
                x(d.mode()),
                x(d.max())
            )
        }
        Dist::Lognormal(d) => format!(
            "{{ lognormal = {{ median = {}, sigma = {} }} }}",
            toml_number(d.median() * f),
            toml_number(d.sigma())
        ),
        Dist::Normal(d) => {
            let mut text = format!(
                "{{ normal = {{ mean = {}, std_dev = {}",
                x(d.location()),
                toml_number(d.std_dev() * f)
            );
            if let Some(m) = d.min() {
                text.push_str(&format!(", min = {}", x(m)));
            }
            if let Some(m) = d.max() {
                text.push_str(&format!(", max = {}", x(m)));
            }
            text.push_str(" } }");
            text
        }
        Dist::Beta(d) => {
            let (alpha, beta) = (d.alpha(), d.beta());
            let total = alpha + beta;
            let mean = (alpha / total * f).clamp(1e-3, 1.0 - 1e-3);
            format!(
                "{{ beta = {{ alpha = {}, beta = {} }} }}",
                toml_number(mean * total),
                toml_number((1.0 - mean) * total)
            )
        }
        Dist::Lomax(d) => format!(
            "{{ lomax = {{ shape = {}, scale = {} }} }}",
            toml_number(d.shape()),
            toml_number(d.scale() * f)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_distributions_keep_their_shape_and_support() {
        let tri = Dist::triangular(2.0, 4.0, 6.0).unwrap();
        assert_eq!(
            scale_dist(&tri, 1.5, false),
            "{ triangular = [3.0, 6.0, 9.0] }"
        );
        let share = Dist::uniform(0.3, 1.0).unwrap();
        assert_eq!(scale_dist(&share, 1.2, true), "{ uniform = [0.36, 1.0] }");
        let tail = Dist::lomax(3.0, 1.4).unwrap();
        assert_eq!(
            scale_dist(&tail, 0.5, false),
            "{ lomax = { shape = 3.0, scale = 0.7 } }"
        );
    }
}

//! Plain-language labels: one for every key of the catalogue (`keys`), in the
//! words a board reads on a chart or a table ("Target launch (weeks)"), and
//! [`key_label`], the one function that turns a key path of a scenario
//! (`strategies.hybrid.governance`, `risks[2]`, `events[0].week`) into its label
//! with the scenario's own strategy labels, risk names and event names.
//!
//! Key paths stay what an auditor reads (a column, a small line under a label);
//! labels are what titles, axes and row names show. Data only: this module must
//! not read a file.

use super::keys::keys;
use crate::scenario::Scenario;

/// The label of each catalogued key: (table as `KeyTable::name` writes it, key,
/// label). Lower-case first, so that a label reads after a strategy's name
/// ("Hybrid: governance strength"); [`key_label`] capitalises a label that
/// stands alone. A unit closes the label in parentheses where the key has one.
const LABELS: &[(&str, &str, &str)] = &[
    ("", "title", "scenario title"),
    ("", "description", "scenario description"),
    ("", "currency", "currency"),
    ("", "trials", "simulated projects per option"),
    ("", "seed", "random seed"),
    ("", "extends", "scenario it builds on"),
    (
        "",
        "drop_strategies",
        "options left out of the base scenario",
    ),
    ("", "drop_risks", "risks left out of the base scenario"),
    ("", "drop_claims", "claims left out of the base scenario"),
    ("", "drop_events", "events left out of the base scenario"),
    ("", "provenance", "evidence behind each value"),
    ("horizon", "weeks", "post-launch window (weeks)"),
    (
        "horizon",
        "rate_window_weeks",
        "window the rates are stated for (weeks)",
    ),
    (
        "drivers",
        "complexity_on_build",
        "complexity's pull on build time",
    ),
    (
        "drivers",
        "complexity_on_frailty",
        "complexity's pull on incident rates",
    ),
    ("drivers", "frailty_shape", "evenness of incident rates"),
    ("build", "plan_weeks", "planned build (weeks)"),
    ("build", "estimate", "estimation error (x plan)"),
    (
        "build",
        "seam_share",
        "share of work across the vendor seam",
    ),
    (
        "build",
        "seam_slowdown",
        "slowdown of cross-vendor work (x)",
    ),
    (
        "build",
        "matrix_onboarding_weeks",
        "responsibility-matrix onboarding (weeks)",
    ),
    ("build", "target_weeks", "target launch (weeks)"),
    (
        "api",
        "decay_per_week",
        "decay of post-launch failures (per week)",
    ),
    (
        "api",
        "fix_probability",
        "chance a failure needs an emergency fix",
    ),
    (
        "surges",
        "events_per_window",
        "traffic peaks per rate window",
    ),
    (
        "surges",
        "multiple",
        "size of a traffic surge (x normal traffic)",
    ),
    (
        "surges",
        "failure_hours",
        "length of a surge outage (hours)",
    ),
    (
        "surges",
        "impact_fraction",
        "share of checkouts a surge outage hits",
    ),
    (
        "surges",
        "loss_scales_with_traffic",
        "surge losses scale with traffic",
    ),
    (
        "incidents",
        "customer_facing_share",
        "share of fixes that reach customers",
    ),
    ("incidents", "ttr_sigma", "spread of recovery times"),
    (
        "incidents",
        "impact_fraction",
        "share of checkouts an incident hits",
    ),
    (
        "incidents",
        "seam_crossing_probability",
        "chance an incident crosses the vendor seam",
    ),
    (
        "incidents",
        "seam_ttr_factor",
        "recovery slowdown across the seam (x)",
    ),
    (
        "incidents",
        "matrix_ttr_factor",
        "recovery time with a responsibility matrix (x)",
    ),
    (
        "walk_away",
        "at_week",
        "week the partner walks away (after launch)",
    ),
    (
        "walk_away",
        "degraded_fraction",
        "share of checkouts degraded after a walk-away",
    ),
    (
        "churn",
        "failed_checkouts_per_week",
        "failed checkouts per customer per outage week",
    ),
    (
        "churn",
        "loss_probability",
        "chance a failed checkout loses the customer",
    ),
    ("churn", "baseline_share", "baseline churn over the window"),
    ("churn", "customers", "active customers"),
    ("churn", "lifetime_value", "customer lifetime value"),
    (
        "cost",
        "downtime_loss_per_hour",
        "revenue lost per outage hour",
    ),
    (
        "cost",
        "recaptured_share",
        "share of lost revenue recaptured",
    ),
    (
        "cost",
        "hourly_rate",
        "hourly rate of responders and fixers",
    ),
    (
        "cost",
        "fix_effort_hours",
        "effort per emergency fix (hours)",
    ),
    ("cost", "war_room_week_cost", "cost of a war-room week"),
    ("cost", "war_room_weeks", "war-room weeks"),
    ("cost", "war_room_spread", "spread of war-room weeks (x)"),
    ("cost", "overrun_staffing_factor", "staff added when late"),
    ("strategies.<id>", "label", "name on tables and charts"),
    ("strategies.<id>", "governance", "governance strength"),
    (
        "strategies.<id>",
        "plan_multiplier",
        "plan length (x planned build)",
    ),
    ("strategies.<id>", "vendor_seam", "two vendors with a seam"),
    (
        "strategies.<id>",
        "responsibility_matrix",
        "shared responsibility matrix",
    ),
    ("strategies.<id>", "weekly_burn", "weekly build cost"),
    (
        "strategies.<id>",
        "responders",
        "people on an incident call",
    ),
    (
        "strategies.<id>",
        "api_failure_rate",
        "API failures per rate window",
    ),
    (
        "strategies.<id>",
        "other_fix_rate",
        "other emergency fixes per rate window",
    ),
    (
        "strategies.<id>",
        "headroom_median",
        "capacity headroom (x normal traffic)",
    ),
    (
        "strategies.<id>",
        "headroom_sigma",
        "spread of capacity headroom",
    ),
    (
        "strategies.<id>",
        "ttr_median_hours",
        "median time to recover (hours)",
    ),
    (
        "strategies.<id>",
        "walk_away_unresolved_probability",
        "chance an issue is open at a walk-away",
    ),
    (
        "strategies.<id>",
        "walk_away_degraded_weeks",
        "weeks degraded after a walk-away",
    ),
    (
        "strategies.<id>",
        "quote_weeks",
        "vendor's quoted build (weeks)",
    ),
    (
        "strategies.<id>",
        "estimate",
        "own estimation error (x plan)",
    ),
    ("strategies.<id>", "target_weeks", "target launch (weeks)"),
    ("strategies.<id>", "support", "support hours for incidents"),
    ("risks", "name", "name"),
    ("risks", "probability", "chance it happens"),
    ("risks", "build_extra_share", "extra build time (share)"),
    ("risks", "delay_weeks", "delay (weeks)"),
    (
        "risks",
        "tail_extra_share",
        "fat-tail extra build time (share)",
    ),
    (
        "risks",
        "tail_multiplier_cap",
        "cap on the fat-tail multiplier (x)",
    ),
    (
        "risks",
        "api_failure_multiplier",
        "API-failure rate multiplier (x)",
    ),
    ("risks", "walk_away", "partner walks away after launch"),
    ("events", "name", "name"),
    ("events", "week", "week of the event (from the start)"),
    ("events", "multiple", "traffic during the event (x normal)"),
    (
        "events",
        "outage_hours",
        "length of an outage during the event (hours)",
    ),
    (
        "events",
        "freeze_weeks",
        "code freeze before the event (weeks)",
    ),
    ("claims", "id", "claim id"),
    ("claims", "text", "what the claim says"),
    ("claims", "source", "where the claim comes from"),
    ("claims", "metric", "metric the claim is about"),
    ("claims", "per", "metric it is taken per"),
    ("claims", "strategy", "option the claim is about"),
    ("claims", "strategies", "pair of options the claim compares"),
    ("claims", "statistic", "statistic the claim states"),
    ("claims", "threshold", "threshold of the share"),
    ("claims", "min", "lowest value that holds"),
    ("claims", "max", "highest value that holds"),
    ("claims", "target", "value claimed"),
    ("claims", "tolerance", "tolerance around the value claimed"),
    ("claims", "set", "changes for the claim's run"),
    ("claims", "set_a", "changes for the first option's run"),
    ("claims", "set_b", "changes for the second option's run"),
    ("sensitivity", "swing", "default swing of a driver (share)"),
    ("sensitivity", "ranges", "stated low and high values"),
    ("report", "title", "report title"),
    ("report", "subtitle", "report subtitle"),
    ("report", "audience", "report audience"),
    ("decision", "statistic", "decision statistic of total cost"),
];

/// The four practices of a governance table (MODEL.md §8.6), as labels.
const GOVERNANCE_PRACTICES: [(&str, &str); 4] = [
    ("raci", "RACI matrix agreed"),
    ("api_owner", "single API owner named"),
    ("olas", "resolution OLAs between vendors"),
    ("integrator", "integrator role staffed"),
];

/// The label of `key` in `table` (`KeyTable::name`: `build`, `strategies.<id>`,
/// `risks`; empty for the top level), lower-case first; `None` for a key the
/// catalogue does not hold.
pub fn label_of_key(table: &str, key: &str) -> Option<&'static str> {
    LABELS
        .iter()
        .find(|(t, k, _)| *t == table && *k == key)
        .map(|(_, _, label)| *label)
}

/// The names a key path refers to: each strategy's id and label, each risk's and
/// each event's name, in file order.
#[derive(Clone, Debug, Default)]
pub struct KeyNames {
    pub strategies: Vec<(String, String)>,
    pub risks: Vec<String>,
    pub events: Vec<String>,
}

impl KeyNames {
    pub fn of(scenario: &Scenario) -> KeyNames {
        KeyNames {
            strategies: scenario
                .strategies
                .iter()
                .map(|s| (s.id.clone(), s.label.clone()))
                .collect(),
            risks: scenario.risks.iter().map(|r| r.name.clone()).collect(),
            events: scenario.events.iter().map(|e| e.name.clone()).collect(),
        }
    }
}

/// The plain-language label of a key path, as a title, axis or row name shows
/// it: `strategies.hybrid.governance` reads "Hybrid (g = 0.5): governance
/// strength", `build.target_weeks` "Target launch (weeks)", `risks[2]` "Risk:
/// black swan" (the risk switched on or off), `risks[2].delay_weeks` "Black swan
/// (risk): delay (weeks)", `events[0].week` "Black Friday (event): week of the
/// event (from the start)". A number or practice inside a value is named after
/// it ("... at no governance (g = 0)", "... RACI matrix agreed"). A path the
/// catalogue does not know is returned as written.
pub fn key_label(path: &str, names: &KeyNames) -> String {
    label_lower(path, names).map_or_else(|| path.to_string(), |l| capitalise(&l))
}

fn label_lower(path: &str, names: &KeyNames) -> Option<String> {
    if let Some(rest) = path.strip_prefix("strategies.") {
        let (id, rest) = rest.split_once('.')?;
        let owner = names
            .strategies
            .iter()
            .find(|(i, _)| i == id)
            .map_or(id, |(_, label)| label.as_str());
        let (key, inner) = split_key(rest);
        let label = label_of_key("strategies.<id>", key)?;
        return Some(format!("{owner}: {label}{}", inner_words(key, inner)?));
    }
    for (table, list) in [("risks", &names.risks), ("events", &names.events)] {
        let Some(rest) = path.strip_prefix(table).and_then(|r| r.strip_prefix('[')) else {
            continue;
        };
        let (index, rest) = rest.split_once(']')?;
        let index: usize = index.parse().ok()?;
        let fallback = format!("{table}[{index}]");
        // Event names are ids (`black_friday`): read as words ("Black Friday").
        let name = list.get(index).map_or(fallback, |n| {
            if table == "events" {
                event_words(n)
            } else {
                n.clone()
            }
        });
        let kind = if table == "risks" { "risk" } else { "event" };
        if rest.is_empty() {
            return Some(format!("{kind}: {name}"));
        }
        let (key, inner) = split_key(rest.strip_prefix('.')?);
        let label = label_of_key(table, key)?;
        let inner = match inner {
            // A risk's probability for one strategy: `risks[0].probability.hybrid`.
            Some(id) if key == "probability" && !id.contains('.') => {
                match names.strategies.iter().find(|(i, _)| i == id) {
                    Some((_, label)) => format!(" for {label}"),
                    None => inner_words(key, Some(id))?,
                }
            }
            other => inner_words(key, other)?,
        };
        return Some(format!("{} ({kind}): {label}{inner}", capitalise(&name)));
    }
    let (table, rest) = match path.split_once('.') {
        Some((table, rest)) if keys().iter().any(|t| t.name() == table) => (table, rest),
        _ => ("", path),
    };
    let (key, inner) = split_key(rest);
    let label = label_of_key(table, key)?;
    Some(format!("{label}{}", inner_words(key, inner)?))
}

/// `governance.raci` -> (`governance`, Some(`raci`)).
fn split_key(rest: &str) -> (&str, Option<&str>) {
    match rest.split_once('.') {
        Some((key, inner)) => (key, Some(inner)),
        None => (rest, None),
    }
}

/// Words for a number or practice inside a key's value: a curve's end or shape,
/// a governance practice, a distribution's parameter.
fn inner_words(key: &str, inner: Option<&str>) -> Option<String> {
    let Some(inner) = inner else {
        return Some(String::new());
    };
    if key == "governance"
        && let Some((_, words)) = GOVERNANCE_PRACTICES.iter().find(|(p, _)| *p == inner)
    {
        return Some(format!(": {words}"));
    }
    Some(match inner {
        "g0" => " at no governance (g = 0)".to_string(),
        "g1" => " at full governance (g = 1)".to_string(),
        "k" => " curve shape (k)".to_string(),
        other => format!(" ({})", other.replace('.', " ")),
    })
}

/// An event's id as words: `black_friday` reads "Black Friday".
pub fn event_words(id: &str) -> String {
    id.split('_')
        .filter(|w| !w.is_empty())
        .map(capitalise)
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> KeyNames {
        KeyNames {
            strategies: vec![
                ("hybrid".into(), "Hybrid (g = 0.5)".into()),
                ("ux_led".into(), "UX-led".into()),
            ],
            risks: vec!["unclear API ownership".into(), "black swan".into()],
            events: vec!["black_friday".into()],
        }
    }

    #[test]
    fn every_catalogued_key_has_a_label_and_every_label_a_key() {
        for table in keys() {
            for key in table.keys {
                assert!(
                    label_of_key(table.name(), key.name).is_some(),
                    "no label for {}.{}",
                    table.name(),
                    key.name
                );
            }
        }
        for (table, key, _) in LABELS {
            assert!(
                keys()
                    .iter()
                    .any(|t| t.name() == *table && t.keys.iter().any(|k| k.name == *key)),
                "a label for {table}.{key}, which the catalogue does not hold"
            );
        }
    }

    #[test]
    fn key_paths_read_as_plain_words_with_the_scenarios_own_names() {
        let n = names();
        let cases = [
            (
                "strategies.hybrid.governance",
                "Hybrid (g = 0.5): governance strength",
            ),
            ("build.target_weeks", "Target launch (weeks)"),
            ("risks[1]", "Risk: black swan"),
            ("risks[1].delay_weeks", "Black swan (risk): delay (weeks)"),
            (
                "risks[0].probability.ux_led",
                "Unclear API ownership (risk): chance it happens for UX-led",
            ),
            (
                "events[0].week",
                "Black Friday (event): week of the event (from the start)",
            ),
            (
                "strategies.ux_led.api_failure_rate.g0",
                "UX-led: API failures per rate window at no governance (g = 0)",
            ),
            (
                "strategies.hybrid.governance.raci",
                "Hybrid (g = 0.5): governance strength: RACI matrix agreed",
            ),
            ("trials", "Simulated projects per option"),
            ("decision.statistic", "Decision statistic of total cost"),
            ("no.such_key", "no.such_key"),
        ];
        for (path, label) in cases {
            assert_eq!(key_label(path, &n), label, "{path}");
        }
    }
}

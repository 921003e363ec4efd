//! The files of `tradeoff-sim sensitivity`: `tornado.csv`, `tornado_decision.csv` and
//! `global.csv`, one flat row type each.

use crate::output::schema;
use serde::Serialize;

use super::{CsvError, to_bytes};
use crate::analysis::sensitivity::{Bar, Sensitivity};

#[derive(Serialize)]
struct TornadoRow<'a> {
    scenario: &'a str,
    strategy: &'a str,
    metric: &'static str,
    statistic: &'a str,
    unit: String,
    rank: usize,
    driver: &'a str,
    label: &'a str,
    kind: &'static str,
    setting_source: &'static str,
    base_setting: &'a str,
    low_setting: &'a str,
    high_setting: &'a str,
    base_value: f64,
    value_at_low: f64,
    value_at_high: f64,
    swing: f64,
    /// The evidence class of the driver's value, and its reference: columns only
    /// when the scenario declares evidence (`[provenance]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_source: Option<&'a str>,
}

/// The evidence class and reference of a bar's driver, when the scenario
/// declares evidence; `(None, None)` otherwise (no columns).
fn evidence<'a>(x: &'a Sensitivity, bar: &Bar) -> (Option<&'static str>, Option<&'a str>) {
    let evidence = &x.scenario.evidence;
    if !evidence.declared {
        return (None, None);
    }
    let key = &x.drivers[bar.driver].key;
    match evidence.of(key) {
        Some(p) => (Some(p.class.id()), Some(p.source.as_deref().unwrap_or(""))),
        None => (
            Some(crate::scenario::EvidenceClass::Assumption.id()),
            Some(""),
        ),
    }
}

fn source(x: &Sensitivity, bar: &Bar) -> &'static str {
    let d = &x.drivers[bar.driver];
    if d.from_range {
        "range"
    } else if d.kind == crate::analysis::sensitivity::DriverKind::Risk {
        "risk off/on"
    } else {
        "default swing"
    }
}

/// `tornado.csv`: per strategy, every driver ranked by swing (largest first).
pub fn tornado_csv(x: &Sensitivity) -> Result<Vec<u8>, CsvError> {
    let s = &x.scenario;
    let mut rows = Vec::new();
    for (i, st) in s.strategies.iter().enumerate() {
        for (rank, bar) in x.tornado(i).iter().enumerate() {
            let d = &x.drivers[bar.driver];
            rows.push(TornadoRow {
                scenario: &s.name,
                strategy: &st.id,
                metric: x.metric.id(),
                statistic: &x.stat,
                unit: x.metric.unit_label(&s.currency),
                rank: rank + 1,
                driver: &d.key,
                label: &d.label,
                kind: d.kind.id(),
                setting_source: source(x, bar),
                base_setting: &d.base_setting,
                low_setting: &d.low_setting,
                high_setting: &d.high_setting,
                base_value: bar.base,
                value_at_low: bar.at_low,
                value_at_high: bar.at_high,
                swing: bar.swing,
                evidence: evidence(x, bar).0,
                evidence_source: evidence(x, bar).1,
            });
        }
    }
    to_bytes(schema::TORNADO, rows)
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    // `label` names the strategy of a strategy's own key.
    scenario: &'a str,
    strategy_a: &'a str,
    strategy_b: &'a str,
    metric: &'static str,
    statistic: &'a str,
    unit: String,
    rank: usize,
    driver: &'a str,
    label: String,
    kind: &'static str,
    setting_source: &'static str,
    low_setting: &'a str,
    high_setting: &'a str,
    base_difference: f64,
    difference_at_low: f64,
    difference_at_high: f64,
    swing: f64,
    flips_choice: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_source: Option<&'a str>,
}

/// `tornado_decision.csv`: drivers ranked by how far they move the difference a - b of the
/// two strategies best at the base (a the better); `flips_choice` when b becomes
/// the better at either setting.
pub fn tornado_decision_csv(x: &Sensitivity) -> Result<Vec<u8>, CsvError> {
    let s = &x.scenario;
    let Some((a, b)) = x.best_pair() else {
        return to_bytes(schema::TORNADO_DECISION, Vec::<DecisionRow>::new());
    };
    let rows: Vec<DecisionRow> = x
        .decision(a, b)
        .iter()
        .enumerate()
        .map(|(rank, bar)| {
            let d = &x.drivers[bar.driver];
            DecisionRow {
                scenario: &s.name,
                strategy_a: &s.strategies[a].id,
                strategy_b: &s.strategies[b].id,
                metric: x.metric.id(),
                statistic: &x.stat,
                unit: x.metric.unit_label(&s.currency),
                rank: rank + 1,
                driver: &d.key,
                label: x.label(bar.driver, true),
                kind: d.kind.id(),
                setting_source: source(x, bar),
                low_setting: &d.low_setting,
                high_setting: &d.high_setting,
                base_difference: bar.base,
                difference_at_low: bar.at_low,
                difference_at_high: bar.at_high,
                swing: bar.swing,
                flips_choice: bar.at_low > 0.0 || bar.at_high > 0.0,
                evidence: evidence(x, bar).0,
                evidence_source: evidence(x, bar).1,
            }
        })
        .collect();
    to_bytes(schema::TORNADO_DECISION, rows)
}

#[derive(Serialize)]
struct GlobalRow<'a> {
    scenario: &'a str,
    strategy: &'a str,
    metric: &'static str,
    driver: &'a str,
    spearman_rho: f64,
    rank: usize,
}

/// `global.csv`: per strategy, each sampled driver's Spearman rank correlation
/// with the metric over the base run, ranked by its absolute value.
pub fn global_csv(x: &Sensitivity) -> Result<Vec<u8>, CsvError> {
    let s = &x.scenario;
    let mut rows = Vec::new();
    for (i, st) in s.strategies.iter().enumerate() {
        for (rank, c) in x.global[i].iter().enumerate() {
            rows.push(GlobalRow {
                scenario: &s.name,
                strategy: &st.id,
                metric: x.metric.id(),
                driver: &c.driver,
                spearman_rho: c.rho,
                rank: rank + 1,
            });
        }
    }
    to_bytes(schema::GLOBAL, rows)
}

//! The assumptions page: the resolved scenario of `manifest.json` flattened into
//! one row per key, with plain words, the value as a reader would say it, and
//! where it came from.

use serde_json::Value;

use crate::format;
use crate::scenario::{KeyNames, key_label, label_of_key};

/// One assumption: a scenario key and its value, per strategy for a
/// strategy's own key.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumption {
    /// The key path: `cost.hourly_rate`, or a strategy's own key (`governance`).
    pub key: String,
    /// Plain words: the key's label ([`key_label`]), the key itself when it has none.
    pub name: String,
    /// One value for a shared key; one per strategy (manifest order) for a
    /// strategy's own key.
    pub values: Vec<String>,
    /// Where the value came from: the scenario's evidence class for the key when
    /// it states one, else `unclassified`.
    pub evidence: String,
}

/// The evidence class the manifest states for `key` (`seed-article`,
/// `literature: MODEL.md §6`), or `unclassified`.
pub fn evidence_of(manifest: &Value, key: &str) -> String {
    manifest
        .get("evidence")
        .and_then(Value::as_array)
        .and_then(|entries| {
            entries
                .iter()
                .find(|e| e.get("key").and_then(Value::as_str) == Some(key))
        })
        .and_then(|e| e.get("class").and_then(Value::as_str))
        .map_or_else(|| "unclassified".to_string(), str::to_string)
}

/// Keys that frame the run rather than model it: shown in the method section.
const FRAMING: [&str; 10] = [
    "name",
    "title",
    "description",
    "currency",
    "trials",
    "seed",
    "claims",
    "sensitivity",
    "report",
    "decision",
];

/// Shared keys, then the strategies' own keys (one row per key, a value per
/// strategy), from the manifest's `scenario`.
pub fn assumptions_of(manifest: &Value) -> (Vec<Assumption>, Vec<Assumption>) {
    let mut shared = Vec::new();
    let mut own: Vec<Assumption> = Vec::new();
    let Some(scenario) = manifest.get("scenario").and_then(Value::as_object) else {
        return (shared, own);
    };
    let names = names_of(manifest);
    for (key, value) in scenario {
        if FRAMING.contains(&key.as_str()) || value.is_null() {
            continue;
        }
        if key == "events" {
            for (i, event) in value
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                shared.push(event_row(i, event));
            }
            continue;
        }
        if key == "risks" {
            for (i, risk) in value
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                shared.push(risk_row(i, risk));
            }
            continue;
        }
        if key == "strategies" {
            let strategies = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for (s, strategy) in strategies.iter().enumerate() {
                let Some(fields) = strategy.as_object() else {
                    continue;
                };
                for (field, v) in fields {
                    if field == "id" || field == "label" {
                        continue;
                    }
                    let row = match own.iter_mut().find(|a| a.key == *field) {
                        Some(row) => row,
                        None => {
                            own.push(own_row(field, vec![String::new(); strategies.len()]));
                            own.last_mut().expect("just pushed")
                        }
                    };
                    if let Some(slot) = row.values.get_mut(s) {
                        *slot = match field.as_str() {
                            "practices" => practices_text(v),
                            "support" => support_text(v),
                            _ => value_text(v),
                        };
                    }
                }
            }
            continue;
        }
        flatten(key, value, &names, &mut shared);
    }
    for a in &mut shared {
        a.evidence = match a
            .key
            .strip_suffix(']')
            .and_then(|k| k.strip_prefix("events["))
        {
            // An event's evidence is its week's (the fact a client knows).
            Some(i) => evidence_of(manifest, &format!("events[{i}].week")),
            None => evidence_of(manifest, &a.key),
        };
    }
    let ids: Vec<&str> = scenario
        .get("strategies")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|s| s.get("id")?.as_str()).collect())
        .unwrap_or_default();
    for a in own.iter_mut().filter(|a| a.key == "support") {
        // A strategy without the key is supported round the clock.
        for v in a.values.iter_mut().filter(|v| v.is_empty()) {
            *v = "24x7".to_string();
        }
    }
    for a in &mut own {
        // Practices are how the governance value is written.
        let key = if a.key == "practices" {
            "governance"
        } else {
            a.key.as_str()
        };
        // Only the options that have the value (a cell) have its evidence.
        let mut classes: Vec<String> = ids
            .iter()
            .zip(&a.values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(id, _)| evidence_of(manifest, &format!("strategies.{id}.{key}")))
            .collect();
        classes.sort();
        classes.dedup();
        a.evidence = classes.join(" / ");
        if a.evidence.is_empty() {
            a.evidence = "unclassified".to_string();
        }
    }
    (shared, own)
}

/// A risk of the register as one row: its name and its effects (its chance, a
/// value per strategy, is in the scenario file).
fn risk_row(i: usize, risk: &Value) -> Assumption {
    let name = risk.get("name").and_then(Value::as_str).unwrap_or("risk");
    let effects = risk
        .get("effects")
        .and_then(Value::as_object)
        .map(|e| {
            e.iter()
                .filter(|(_, v)| !v.is_null() && *v != &Value::Bool(false))
                .map(|(k, v)| format!("{} {}", k.replace('_', " "), value_text(v)))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let key = format!("risks[{i}]");
    Assumption {
        name: format!("Risk: {name}"),
        key,
        values: vec![effects],
        evidence: "unclassified".to_string(),
    }
}

/// A peak event as one row: its week, traffic, outage and freeze.
fn event_row(i: usize, event: &Value) -> Assumption {
    let name = event.get("name").and_then(Value::as_str).unwrap_or("event");
    let value = event
        .as_object()
        .map(|e| {
            e.iter()
                .filter(|(k, v)| *k != "name" && !v.is_null())
                .map(|(k, v)| format!("{} {}", k.replace('_', " "), value_text(v)))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let key = format!("events[{i}]");
    Assumption {
        name: format!("Peak event: {}", crate::scenario::event_words(name)),
        key,
        values: vec![value],
        evidence: "unclassified".to_string(),
    }
}

/// The names key paths refer to, from the manifest's scenario.
fn names_of(manifest: &Value) -> KeyNames {
    let list = |key: &str, field: &str| -> Vec<String> {
        manifest
            .pointer(&format!("/scenario/{key}"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.get(field)?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    KeyNames {
        strategies: list("strategies", "id")
            .into_iter()
            .zip(list("strategies", "label"))
            .collect(),
        risks: list("risks", "name"),
        events: list("events", "name"),
    }
}

fn row_of(key: &str, values: Vec<String>, names: &KeyNames) -> Assumption {
    let name = key_label(key, names);
    Assumption {
        name: if name == key {
            key.replace('_', " ")
        } else {
            name
        },
        key: key.to_string(),
        values,
        evidence: "unclassified".to_string(),
    }
}

/// A strategy's own key (`weekly_burn`), named by its label.
fn own_row(key: &str, values: Vec<String>) -> Assumption {
    let label = match key {
        "practices" => Some("governance practices in place"),
        _ => label_of_key("strategies.<id>", key),
    };
    let name = label.map_or_else(|| key.replace('_', " "), str::to_string);
    let mut chars = name.chars();
    Assumption {
        key: key.to_string(),
        name: chars
            .next()
            .map(|f| f.to_uppercase().chain(chars).collect())
            .unwrap_or_default(),
        values,
        evidence: "unclassified".to_string(),
    }
}

/// Support hours by their name (`business-hours`), or `hours of the week` with
/// the count of covered hours for a custom calendar; a strategy without the key
/// has round-the-clock support.
fn support_text(v: &Value) -> String {
    if let Some(name) = v.get("name").and_then(Value::as_str) {
        return name.to_string();
    }
    let hours: f64 = v
        .get("covered_hours")
        .and_then(Value::as_array)
        .map(|spans| {
            spans
                .iter()
                .filter_map(|s| Some(s.get(1)?.as_f64()? - s.get(0)?.as_f64()?))
                .sum()
        })
        .unwrap_or(f64::NAN);
    format!("{} covered hours a week", num(hours))
}

/// The four governance practices as a reader says them: `RACI yes, API owner
/// yes, OLAs no, integrator no`.
fn practices_text(v: &Value) -> String {
    let Some(map) = v.as_object() else {
        return value_text(v);
    };
    [
        ("raci", "RACI"),
        ("api_owner", "API owner"),
        ("olas", "OLAs"),
        ("integrator", "integrator"),
    ]
    .iter()
    .filter_map(|(k, words)| {
        map.get(*k).map(|x| {
            format!(
                "{words} {}",
                if x == &Value::Bool(true) { "yes" } else { "no" }
            )
        })
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// A table becomes one row per leaf; a distribution or a governance curve is a
/// leaf of its own.
fn flatten(key: &str, value: &Value, names: &KeyNames, out: &mut Vec<Assumption>) {
    match value {
        Value::Null => {}
        Value::Object(map) if !is_leaf(map) => {
            for (k, v) in map {
                flatten(&format!("{key}.{k}"), v, names, out);
            }
        }
        _ => out.push(row_of(key, vec![value_text(value)], names)),
    }
}

const DISTRIBUTIONS: [&str; 8] = [
    "constant",
    "uniform",
    "triangular",
    "pert",
    "lognormal",
    "normal",
    "beta",
    "lomax",
];

fn is_leaf(map: &serde_json::Map<String, Value>) -> bool {
    is_curve(map) || (map.len() == 1 && map.keys().all(|k| DISTRIBUTIONS.contains(&k.as_str())))
}

fn is_curve(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("at_g0") && map.contains_key("at_g1")
}

/// A value as a reader says it: `0.35`, `yes`, `PERT min 0.9, mode 1, max 1.35`,
/// `0.37 at no governance, 0.2 at full (k 1)`.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "not set".to_string(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), num),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) if is_curve(map) => {
            let at = |k: &str| map.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
            let (g0, g1) = (at("at_g0"), at("at_g1"));
            if g0 == g1 {
                num(g0)
            } else {
                format!(
                    "{} at no governance, {} at full (k {})",
                    num(g0),
                    num(g1),
                    num(at("k"))
                )
            }
        }
        Value::Object(map) => match map.iter().next() {
            Some((name, params)) if map.len() == 1 => {
                let params = match params {
                    Value::Object(p) => {
                        let mut params: Vec<_> = p.iter().collect();
                        params.sort_by_key(|(k, _)| PARAMETER_ORDER.iter().position(|o| o == k));
                        params
                            .iter()
                            .map(|(k, v)| format!("{k} {}", value_text(v)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                    other => value_text(other),
                };
                let name = match name.as_str() {
                    "pert" => "PERT".to_string(),
                    other => {
                        let mut c = other.chars();
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or_default()
                    }
                };
                format!("{name} {params}")
            }
            _ => map
                .iter()
                .map(|(k, v)| format!("{k} {}", value_text(v)))
                .collect::<Vec<_>>()
                .join(", "),
        },
    }
}

/// How a distribution's parameters are read aloud: lowest to highest.
const PARAMETER_ORDER: [&str; 9] = [
    "value", "low", "min", "mode", "median", "mean", "max", "high", "sigma",
];

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() >= 10_000.0 && x.abs() < 1e15 {
        let text = format::thousands(x.abs() as u64);
        return if x < 0.0 { format!("-{text}") } else { text };
    }
    format::significant_short(x, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_distribution_a_curve_and_a_flag_read_as_words() {
        let pert = serde_json::json!({"pert": {"min": 0.9, "mode": 1.0, "max": 1.35}});
        assert_eq!(value_text(&pert), "PERT min 0.9, mode 1, max 1.35");
        let curve = serde_json::json!({"at_g0": 0.37, "at_g1": 0.2, "k": 1.0});
        assert_eq!(
            value_text(&curve),
            "0.37 at no governance, 0.2 at full (k 1)"
        );
        let flat = serde_json::json!({"at_g0": 14.0, "at_g1": 14.0, "k": 1.0});
        assert_eq!(value_text(&flat), "14");
        assert_eq!(value_text(&serde_json::json!(false)), "no");
    }

    #[test]
    fn shared_keys_flatten_and_strategy_keys_get_one_column_per_strategy() {
        let manifest = serde_json::json!({"scenario": {
            "name": "x", "seed": 1,
            "cost": {"hourly_rate": 150.0, "fix_effort_hours": {"triangular": {"min": 1.0, "mode": 2.0, "max": 3.0}}},
            "strategies": [
                {"id": "a", "label": "A", "governance": 0.5},
                {"id": "b", "label": "B", "governance": 0.9}
            ]
        }});
        let (shared, own) = assumptions_of(&manifest);
        let keys: Vec<&str> = shared.iter().map(|a| a.key.as_str()).collect();
        // Keys in the manifest's (alphabetical) order.
        assert_eq!(keys, ["cost.fix_effort_hours", "cost.hourly_rate"]);
        assert_eq!(shared[1].name, "Hourly rate of responders and fixers");
        assert_eq!(shared[0].values, ["Triangular min 1, mode 2, max 3"]);
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].values, ["0.5", "0.9"]);
        assert_eq!(own[0].evidence, "unclassified");
    }

    #[test]
    fn evidence_comes_from_the_manifest_and_is_unclassified_otherwise() {
        let manifest = serde_json::json!({
            "evidence": [{"key": "cost.hourly_rate", "class": "client"}],
            "scenario": {"cost": {"hourly_rate": 150.0, "war_room_week_cost": 1.0}}
        });
        let (shared, _) = assumptions_of(&manifest);
        let class = |key: &str| {
            shared
                .iter()
                .find(|a| a.key == key)
                .map(|a| a.evidence.clone())
        };
        assert_eq!(class("cost.hourly_rate").as_deref(), Some("client"));
        assert_eq!(
            class("cost.war_room_week_cost").as_deref(),
            Some("unclassified")
        );
    }
}

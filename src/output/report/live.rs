//! The report's live what-if panel ("Try it"): the engine, built for
//! WebAssembly (`live/`, embedded by `build.rs`), and the run's scenario travel
//! inside `report.html`; sliders and switches set `--set` overrides, a Web
//! Worker runs the engine on them, and the page redraws the decision, the
//! headline tables and two charts with their Monte Carlo error. Works from
//! `file://` with no network: a Content-Security-Policy of `default-src 'none'`
//! lets the page load nothing.
//!
//! Owns the panel's markup, its controls (which keys a board may move, and in
//! what range) and its assets (`live.js`, `live.css`). Must not compute a
//! figure: every number the panel shows comes from the embedded engine. Screen
//! only: print hides the panel, so the printed pack is unchanged.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use super::html::escape;
use super::{Extras, RunFacts};
use crate::dist::Dist;
use crate::scenario::edit::{Editor, Source};
use crate::scenario::{Audience, KeyNames, Override, Scenario, ScenarioSource, key_label};

/// The panel's script, run in the page (and, as a Blob, in its worker).
const SCRIPT: &str = include_str!("live.js");
/// The panel's style sheet (screen only).
const STYLE: &str = include_str!("live.css");

/// The engine, when this build has it.
#[cfg(live_wasm)]
const ENGINE: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/live.wasm")));
#[cfg(not(live_wasm))]
const ENGINE: Option<&[u8]> = None;

/// Why this build has no engine (set by `build.rs`).
const MISSING: Option<&str> = option_env!("TRADEOFF_SIM_LIVE_MISSING");

/// Trials the page starts with at most: a change answers in a fraction of a
/// second at 20,000.
pub const START_TRIALS: u64 = 20_000;

/// How many of the tornado's drivers get a slider.
const TOP_DRIVERS: usize = 5;

/// The policy the page runs under: nothing from anywhere, only its own inline
/// style and scripts, the WebAssembly it carries, and a worker from a Blob.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline' 'wasm-unsafe-eval'; worker-src blob:";

/// `html` (the report of the run folder `dir`) with the live panel added after
/// its first page, or with a note saying why there is none.
pub fn with_panel(html: String, dir: &Path, facts: &RunFacts, extras: &Extras) -> String {
    with_engine(html, dir, facts, extras, ENGINE.ok_or(MISSING))
}

/// [`with_panel`] with `engine` (or why there is none) given: what a build
/// without the WebAssembly target writes, testable in one with it.
pub fn with_engine(
    html: String,
    dir: &Path,
    facts: &RunFacts,
    extras: &Extras,
    engine: Result<&[u8], Option<&str>>,
) -> String {
    if extras.no_live {
        return html;
    }
    let section = match engine {
        Ok(engine) => match inputs(dir, facts, extras.scenario.as_ref()) {
            Ok(inputs) => panel(engine, &inputs, extras, facts.data.manifest.audience),
            Err(why) => note(&format!(
                "The live what-if is left out of this report: {}.",
                escape(&why)
            )),
        },
        Err(why) => engine_missing(why),
    };
    let head = format!(
        "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    );
    let html = if section.contains("id=\"live-wasm\"") {
        html.replacen("<meta charset=\"utf-8\">", &head, 1)
    } else {
        html
    };
    // After the first page (the decision), so that the last page stays the
    // body's last child (the print style breaks after every page but the last).
    let first_page_end = "</footer></section>\n";
    match html
        .find(first_page_end)
        .map(|at| at + first_page_end.len())
        .or_else(|| html.rfind("</body>"))
    {
        Some(at) => format!("{}{section}{}", &html[..at], &html[at..]),
        None => html,
    }
}

/// The note a report carries when the binary was built without the engine, for
/// the reason `build.rs` gave: `off` (`TRADEOFF_SIM_LIVE=off`), `target` (the
/// WebAssembly target was not installed), `failed` (its build failed).
pub fn engine_missing(why: Option<&str>) -> String {
    let again =
        "build tradeoff-sim again (<code>cargo build --release</code>) and write the report again";
    let text = match why {
        Some("off") => format!(
            "This report has no live what-if panel: this copy of tradeoff-sim was built with <code>TRADEOFF_SIM_LIVE=off</code>, which leaves its WebAssembly engine out. To enable it, {again} without that setting."
        ),
        Some("failed") => format!(
            "This report has no live what-if panel: building its WebAssembly engine failed when this copy of tradeoff-sim was built (the build printed a warning). To enable it, {again}, and read the build's warnings if the panel is still missing."
        ),
        _ => format!(
            "This report has no live what-if panel: this copy of tradeoff-sim was built without its WebAssembly engine, as the wasm32-unknown-unknown target was not installed. To enable it, run <code>rustup target add wasm32-unknown-unknown</code>, {again}."
        ),
    };
    note(&text)
}

fn note(text: &str) -> String {
    format!(
        "<section class=\"live-note\" id=\"live\"><p>{text}</p></section>\n<style>\n{STYLE}</style>\n"
    )
}

/// A run's scenario file as the run read it: its name, bytes, and the files it
/// extends.
#[derive(Clone, Debug, Default)]
pub struct ScenarioText {
    pub file: String,
    pub bytes: Vec<u8>,
    pub bases: Vec<crate::scenario::origin::BaseFile>,
}

/// What the page needs of the run: the scenario as it was read, and the run's
/// seed, trials and overrides.
struct Inputs {
    scenario: Scenario,
    source: Value,
    overrides: Vec<String>,
    seed: u64,
    trials: u64,
}

/// The run's scenario: as the run handed it over, or (a report drawn again
/// from a folder) read again from a regular file; either way checked against
/// the SHA-256 in the manifest, and read with the run's overrides.
fn inputs(dir: &Path, facts: &RunFacts, given: Option<&ScenarioText>) -> Result<Inputs, String> {
    let m = &facts.manifest;
    let sha = m["scenario_sha256"].as_str().unwrap_or_default();
    let read_again;
    let source = match given {
        Some(s) => s,
        None => {
            let file = m["scenario_file"]
                .as_str()
                .ok_or("the run folder does not name its scenario file")?;
            let path = Path::new(file);
            // Only a regular file is read again: a pipe would wait for a writer.
            let missing = || {
                format!(
                    "the scenario file {file} is not where the run read it (from {})",
                    dir.display()
                )
            };
            if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
                return Err(missing());
            }
            let s = ScenarioSource::read(path).map_err(|_| missing())?;
            read_again = ScenarioText {
                file: file.to_string(),
                bytes: s.bytes,
                bases: s.bases,
            };
            &read_again
        }
    };
    let file = source.file.as_str();
    if crate::output::manifest::sha256_hex(&source.bytes) != sha {
        return Err(format!("the scenario file {file} changed since the run"));
    }
    let overrides: Vec<String> = m["overrides"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let parsed: Vec<Override> = overrides
        .iter()
        .filter_map(|o| Override::parse(o).ok())
        .collect();
    let text = std::str::from_utf8(&source.bytes).map_err(|_| "the scenario is not UTF-8")?;
    let name = Path::new(file)
        .file_stem()
        .map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned());
    let edit = Source::new(file, &name, text, source.bases.clone());
    let scenario = Editor::new(&edit)
        .read_checking(&parsed, false)
        .map_err(|e| format!("the scenario no longer reads: {e}"))?;
    let bases: Vec<Value> = source
        .bases
        .iter()
        .map(|b| json!({"file": b.file, "text": b.text, "builtin": b.builtin}))
        .collect();
    Ok(Inputs {
        source: json!({
            "file": file,
            "name": name,
            "text": text,
            "bases": bases,
        }),
        seed: m["seed"].as_u64().unwrap_or(scenario.seed),
        trials: m["trials"].as_u64().unwrap_or(scenario.trials),
        scenario,
        overrides,
    })
}

/// `v` as the shortest text that reads back as the same number.
fn number(v: f64) -> String {
    format!("{v}")
}

/// A slider over `[min, max]` in steps of `step` (whose decimals the values
/// keep), starting at the file's `value`; `template` is the override with `{}`
/// where the value goes.
fn slider(
    group: &str,
    label: &str,
    key: &str,
    template: &str,
    (min, max, step): (f64, f64, f64),
    value: f64,
    unit: &str,
) -> Value {
    json!({
        "group": group, "label": label, "key": key, "template": template,
        "kind": "range", "min": min, "max": max, "step": step, "value": value,
        "unit": unit,
    })
}

/// A step that gives round values across `span`: 1, 2 or 5 times a power of ten,
/// about a hundredth of it.
fn nice_step(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / 100.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    // Round the step itself to its own decimals (1e-1 * 2 is 0.2, not 0.20000000000000004).
    let decimals = (-step.log10().floor()).max(0.0) as i32;
    let scale = 10f64.powi(decimals);
    (step * scale).round() / scale
}

/// A range of `[low, high]` around `value`, in round steps, that holds `value`.
fn around(value: f64, low: f64, high: f64) -> (f64, f64, f64) {
    let step = nice_step(high - low);
    let min = (low / step).floor() * step;
    let max = (high / step).ceil() * step;
    let clean = |x: f64| number(x).parse::<f64>().unwrap_or(x);
    (clean(min.min(value)), clean(max.max(value)), step)
}

/// The controls a board asks about, in page order.
fn controls(scenario: &Scenario, extras: &Extras) -> Vec<Value> {
    let names = KeyNames::of(scenario);
    // A key's plain-language label, as the report's tables name it, without
    // the group's name the panel heads it with ("Hybrid (g = 0.5): ").
    let plain = |key: &str, group: &str| {
        let label = key_label(key, &names);
        let short = label
            .strip_prefix(group)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&label);
        // A practice's switch sits among the others: "RACI matrix agreed".
        let short = short.strip_prefix("governance strength: ").unwrap_or(short);
        // "Weekly build cost" reads on as "weekly build cost"; "RACI" stays.
        let mut chars = short.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if second.is_lowercase() => {
                first.to_lowercase().chain(short.chars().skip(1)).collect()
            }
            _ => short.to_string(),
        }
    };
    let mut out = Vec::new();
    for s in &scenario.strategies {
        let group = s.label.as_str();
        let base = format!("strategies.{}", s.id);
        if let Some(p) = s.practices {
            for (name, held) in [
                ("raci", p.raci),
                ("api_owner", p.api_owner),
                ("olas", p.olas),
                ("integrator", p.integrator),
            ] {
                let key = format!("{base}.governance.{name}");
                let label = plain(&key, group);
                out.push(json!({
                    "group": group, "label": label, "key": key, "template": "{}",
                    "kind": "switch", "value": held,
                }));
            }
        } else if scenario_sets_governance(scenario, &s.id) {
            let key = format!("{base}.governance");
            out.push(slider(
                group,
                &plain(&key, group),
                &key,
                "{}",
                (0.0, 1.0, 0.05),
                s.governance,
                "",
            ));
        }
        let burn = s.weekly_burn;
        let key = format!("{base}.weekly_burn");
        out.push(slider(
            group,
            &plain(&key, group),
            &key,
            "{}",
            around(burn, 0.5 * burn, 1.5 * burn),
            burn,
            "money",
        ));
        if let Some(q) = s.quote_weeks {
            let key = format!("{base}.quote_weeks");
            out.push(slider(
                group,
                &plain(&key, group),
                &key,
                "{}",
                around(q, 0.5 * q, 2.0 * q),
                q,
                "weeks",
            ));
        }
    }
    if let Some(c) = multiple(&scenario.surges.multiple, "Peak events", "surges.multiple") {
        out.push(c);
    }
    for (i, e) in scenario.events.iter().enumerate() {
        let key = format!("events[{i}].multiple");
        let group = format!("Peak event: {}", crate::scenario::event_words(&e.name));
        if let Some(c) = multiple(&e.multiple, &group, &key) {
            out.push(c);
        }
    }
    if let Some(flips) = &extras.flips {
        let mut added = 0;
        for d in &flips.drivers {
            if added == TOP_DRIVERS {
                break;
            }
            let taken = out.iter().any(|c| c["key"] == d.key.as_str());
            let parsed = [&d.low_setting, &d.high_setting, &d.base_setting]
                .map(|t| t.trim().parse::<f64>().ok());
            let [Some(low), Some(high), Some(base)] = parsed else {
                continue;
            };
            if taken || !(low.is_finite() && high.is_finite() && base.is_finite()) {
                continue;
            }
            out.push(slider(
                "Top decision drivers (tornado)",
                &d.name,
                &d.key,
                "{}",
                around(base, low.min(high), low.max(high)),
                base,
                "",
            ));
            added += 1;
        }
    }
    out
}

/// Whether the scenario gives strategy `id` a governance value of its own (a
/// strategy whose values depend on g); g = 0 stated in the file counts.
fn scenario_sets_governance(scenario: &Scenario, id: &str) -> bool {
    let key = format!("strategies.{id}.governance");
    scenario.parameters.iter().any(|p| p.key == key)
}

/// A slider on a peak multiple: its median when it is lognormal, its value when
/// constant; none for other shapes.
fn multiple(dist: &Dist, group: &str, key: &str) -> Option<Value> {
    match dist {
        Dist::Lognormal(l) => {
            let m = l.median();
            let template = format!(
                "{{ lognormal = {{ median = {{}}, sigma = {} }} }}",
                number(l.sigma())
            );
            Some(slider(
                group,
                "traffic multiple (median)",
                key,
                &template,
                around(m, 1.0, 3.0 * m),
                m,
                "x",
            ))
        }
        Dist::Constant { value } => Some(slider(
            group,
            "traffic multiple",
            key,
            "{}",
            around(*value, 1.0, 3.0 * value),
            *value,
            "x",
        )),
        _ => None,
    }
}

/// The panel: its markup, the configuration, the engine, the script.
fn panel(engine: &[u8], inputs: &Inputs, extras: &Extras, audience: Audience) -> String {
    // A board reads what the panel does; an analyst also how to check it.
    let lede = match audience {
        Audience::Board => {
            "Move a slider and the engine inside this file simulates the projects again, here, offline, on the same random numbers as the report. The command that gives the same numbers is at the end, for your analysts."
        }
        _ => {
            "Move a slider and the engine inside this file runs the scenario again, here, offline. The numbers equal <code>tradeoff-sim run</code> with the same <code>--set</code>, <code>--seed</code> and <code>--trials</code>, shown below."
        }
    };
    let config = json!({
        "scenario": inputs.source,
        "base_overrides": inputs.overrides,
        "seed": inputs.seed,
        "report_trials": inputs.trials,
        "start_trials": inputs.trials.min(START_TRIALS),
        "currency_prefix": crate::format::currency_prefix(&inputs.scenario.currency),
        "controls": controls(&inputs.scenario, extras),
        // The charts' colour for each option, so the panel's charts match the pack's.
        "colours": (0..inputs.scenario.strategies.len())
            .map(crate::output::chart::strategy_colour_hex)
            .collect::<Vec<_>>(),
    });
    // `</` never appears inside the script elements' text.
    let config = config.to_string().replace("</", "<\\/");
    let mut out = String::new();
    let _ = write!(
        out,
        "<section class=\"live\" id=\"live\" data-live-state=\"starting\">\n\
<h2>Try it: a live what-if</h2>\n\
<p class=\"live-lede\">{lede}</p>\n\
<div class=\"live-grid\"><form class=\"live-controls\" id=\"live-controls\" autocomplete=\"off\"></form>\n\
<div class=\"live-results\"><p class=\"live-status\" id=\"live-status\" role=\"status\">Starting the engine…</p>\n\
<p class=\"live-changed\" id=\"live-changed\"></p>\n\
<div id=\"live-output\"></div></div></div>\n\
<noscript><p>The live what-if needs JavaScript.</p></noscript>\n\
<script type=\"application/json\" id=\"live-config\">{config}</script>\n\
<script type=\"application/octet-stream\" id=\"live-wasm\">{}</script>\n\
<style>\n{STYLE}</style>\n<script>\n{SCRIPT}</script>\n</section>\n",
        base64(engine)
    );
    out
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }

    #[test]
    fn steps_are_round_and_ranges_hold_the_file_value() {
        assert_eq!(nice_step(55_000.0), 1000.0);
        assert_eq!(nice_step(30_000.0), 500.0);
        assert_eq!(nice_step(1.0), 0.01);
        assert_eq!(nice_step(5.0), 0.05);
        let (min, max, step) = around(2.5, 1.0, 7.5);
        assert!(min <= 2.5 && 2.5 <= max, "{min} {max}");
        assert_eq!(step, 0.1);
    }

    #[test]
    fn the_missing_engine_note_says_why_in_each_case() {
        for why in [None, Some("target")] {
            let n = engine_missing(why);
            assert!(n.contains("target was not installed"), "{n}");
            assert!(
                n.contains("rustup target add wasm32-unknown-unknown"),
                "{n}"
            );
            assert!(n.contains("cargo build --release"), "{n}");
        }
        let off = engine_missing(Some("off"));
        assert!(off.contains("TRADEOFF_SIM_LIVE=off"), "{off}");
        assert!(
            !off.contains("rustup"),
            "the target may be installed: {off}"
        );
        let failed = engine_missing(Some("failed"));
        assert!(failed.contains("failed"), "{failed}");
        assert!(!failed.contains("rustup"), "{failed}");
        // This build's own note (when it has no engine) is one of the three.
        if ENGINE.is_none() {
            assert!(
                matches!(MISSING, Some("off" | "target" | "failed")),
                "{MISSING:?}"
            );
        }
    }
}

//! The report's last pages: the scenario's claims (with their verdicts when
//! `tradeoff-sim report` judged them) and the method (version, command line,
//! seed, trials, scenario hash, Monte Carlo error, and for a board audience the
//! notes the charts leave out). Reads the run's facts; computes nothing.

use std::fmt::Write;

use super::html::{Source, escape, number_cell};
use super::pages::{decision_source, money, page, summary_source};
use super::{ClaimsChecked, DECISION_METRIC, Extras, RunFacts};
use crate::format;
use crate::output::schema;

pub(super) fn claims_pages(facts: &RunFacts, extras: &Extras) -> Vec<String> {
    if let Some(checked) = &extras.claims {
        return verdict_pages(checked);
    }
    claims_page(facts).into_iter().collect()
}

fn claims_page(facts: &RunFacts) -> Option<String> {
    let claims = facts.manifest.pointer("/scenario/claims")?.as_array()?;
    if claims.is_empty() {
        return None;
    }
    let mut out = page(
        "Claims the scenario makes",
        "<p class=\"note\">Verdicts (holds, fails, undecided) come from <code>tradeoff-sim check</code>, which judges each claim with its own confidence interval; <code>tradeoff-sim report</code> shows them here.</p>",
    );
    out.push_str("<table class=\"dense claims\">\n<thead><tr><th>Claim</th><th>Says</th><th>Source</th></tr></thead>\n<tbody>\n");
    let text = |c: &serde_json::Value, k: &str| {
        c.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    for c in claims.iter().take(24) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&text(c, "id")),
            escape(&text(c, "text")),
            escape(&text(c, "source"))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if claims.len() > 24 {
        let _ = write!(
            out,
            "<p class=\"note\">{} more claims: see the scenario file.</p>",
            claims.len() - 24
        );
    }
    Some(out)
}

/// Lines of the claims table on one page: a claim's text, then its source.
const CLAIM_LINES: usize = 30;

/// The claims with the figure the run gives, the bound each states and its
/// verdict, on as many pages as they need.
fn verdict_pages(checked: &ClaimsChecked) -> Vec<String> {
    let lines = |c: &&super::ClaimVerdict| {
        c.text.chars().count().div_ceil(80).max(1) + usize::from(!c.source.is_empty())
    };
    let claims: Vec<&super::ClaimVerdict> = checked.claims.iter().collect();
    let runs = super::pages::by_height(&claims, CLAIM_LINES, lines);
    let total = runs.len();
    runs.iter()
        .enumerate()
        .map(|(i, run)| verdicts_page(checked, run, i, total))
        .collect()
}

fn verdicts_page(
    checked: &ClaimsChecked,
    claims: &[&&super::ClaimVerdict],
    index: usize,
    pages: usize,
) -> String {
    let count = |v: &str| checked.claims.iter().filter(|c| c.verdict == v).count();
    let heading = if pages > 1 {
        format!("Claims and their verdicts ({} of {pages})", index + 1)
    } else {
        "Claims and their verdicts".to_string()
    };
    let mut out = page(
        &heading,
        &format!(
            "<p class=\"note\">{} of {} claims hold, {} fail, {} undecided. Each is judged as <code>tradeoff-sim check --trials {}</code> judges it: holds when its 95% interval lies within the bound, fails when it lies outside, undecided otherwise (more trials would decide it).</p>",
            count("holds"),
            checked.claims.len(),
            count("fails"),
            count("undecided"),
            checked.trials
        ),
    );
    out.push_str("<table class=\"dense claims\">\n<thead><tr><th>Claim</th><th>Says</th><th class=\"num\">Figure</th><th class=\"num\">Bound</th><th>Verdict</th></tr></thead>\n<tbody>\n");
    for c in claims {
        let _ = writeln!(
            out,
            "<tr class=\"verdict-{}\"><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&c.verdict),
            escape(&c.id),
            escape(&c.text),
            if c.source.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"source\">{}</span>", escape(&c.source))
            },
            escape(&c.figure),
            escape(&c.bound),
            escape(&c.verdict)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

pub(super) fn method_page(facts: &RunFacts, extras: &Extras) -> String {
    let m = &facts.data.manifest;
    let mut rows: Vec<(&str, String)> = vec![
        (
            "Tool",
            format!(
                "tradeoff-sim {} (build {})",
                facts.text("version").unwrap_or("?"),
                facts.text("build").unwrap_or("?")
            ),
        ),
        (
            "Command line",
            facts
                .manifest
                .get("command_line")
                .and_then(|c| c.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .map(shell_word)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default(),
        ),
        (
            "Scenario file",
            facts.text("scenario_file").unwrap_or("").to_string(),
        ),
        (
            "Scenario SHA-256",
            facts.text("scenario_sha256").unwrap_or("").to_string(),
        ),
        ("Seed", m.seed.to_string()),
        (
            "Decision statistic",
            format!("{} ({})", facts.stat().label(), facts.stat().meaning()),
        ),
        (
            "Trials",
            format!(
                "{} simulated projects per option",
                format::thousands(m.trials)
            ),
        ),
    ];
    let overrides = facts
        .manifest
        .get("overrides")
        .and_then(|o| o.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    if !overrides.is_empty() {
        rows.push(("Changed for this run (--set)", overrides));
    }
    if let Some(capped) = facts
        .manifest
        .get("tail_capped_trials")
        .and_then(|c| c.as_array())
    {
        let total: u64 = capped.iter().filter_map(|v| v.as_u64()).sum();
        if total > 0 {
            let per: Vec<String> = m
                .strategies
                .iter()
                .zip(capped)
                .filter_map(|(s, v)| {
                    Some(format!("{} {}", s.label, format::thousands(v.as_u64()?)))
                })
                .collect();
            rows.push((
                "Capped tails",
                format!(
                    "{} trials hit the cap on the fat-tail build multiplier (see MODEL.md): {}",
                    format::thousands(total),
                    per.join(" · ")
                ),
            ));
        }
    }
    if m.audience == crate::scenario::Audience::Board {
        rows.push((
            "Charts",
            "for a board: the seed, the trials, the capped tails and the trials behind each 95% interval (the trials per option) are stated here, not on the charts".to_string(),
        ));
    }
    let mut out = page(
        "Method",
        "<p>Each option is simulated on the same random numbers (common random numbers), so differences between options are not noise between runs. The same seed, trials and scenario give the same numbers on any machine.</p>",
    );
    out.push_str("<div class=\"columns\">\n<div>\n<table class=\"dense method\">\n<tbody>\n");
    // What a reader copies (the tool, command, file, digest, seed) in code type;
    // sentences in text type.
    const CODE: [&str; 5] = [
        "Tool",
        "Command line",
        "Scenario file",
        "Scenario SHA-256",
        "Seed",
    ];
    for (k, v) in rows {
        if k == "Command line" {
            // An option (`--out`) stays whole: a line never breaks after its
            // first hyphen, which would read as `- -out`.
            let words: Vec<String> = v
                .split(' ')
                .map(|w| {
                    if w.starts_with('-') {
                        format!("<span class=\"nobreak\">{}</span>", escape(w))
                    } else {
                        escape(w)
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td><code>{}</code></td></tr>",
                escape(k),
                words.join(" ")
            );
        } else if CODE.contains(&k) || k.starts_with("Changed") {
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td><code>{}</code></td></tr>",
                escape(k),
                escape(&v)
            );
        } else {
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(k),
                escape(&v)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n</div>\n<div>\n<table class=\"dense mc-error\">\n<thead><tr><th>Monte Carlo error</th><th class=\"num\">Mean total cost</th><th class=\"num\">± std. error</th><th class=\"num\">Regret ± std. error</th></tr></thead>\n<tbody>\n");
    for s in &m.strategies {
        let _ = write!(out, "<tr><td>{}</td>", escape(&s.label));
        if let Some(row) = facts
            .data
            .summary
            .get(&(DECISION_METRIC.to_string(), s.id.clone()))
        {
            number_cell(
                &mut out,
                &money(facts, row.mean),
                row.mean,
                &summary_source(DECISION_METRIC, &s.id, "mean"),
                "money",
            );
            number_cell(
                &mut out,
                &money(facts, row.std_err),
                row.std_err,
                &Source {
                    file: schema::SUMMARY,
                    key: format!("{DECISION_METRIC}/{}/std_err", s.id),
                },
                "money",
            );
        } else {
            out.push_str("<td></td><td></td>");
        }
        match facts.decision.iter().find(|d| d.strategy == s.id) {
            Some(d) => number_cell(
                &mut out,
                &money(facts, d.expected_regret_std_err),
                d.expected_regret_std_err,
                &decision_source(&s.id, "expected_regret_std_err"),
                "money",
            ),
            None => out.push_str("<td></td>"),
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if facts.stat() != crate::scenario::DecisionStat::Mean {
        // The interval the live what-if gives each option's decision statistic.
        let intervals: Vec<String> = m
            .strategies
            .iter()
            .map(|s| {
                let se = super::decision_std_err(facts, &s.id, m.trials as f64);
                format!(
                    "{} ±{}",
                    escape(&s.label),
                    money(facts, crate::stats::Z_975 * se)
                )
            })
            .collect();
        let _ = write!(
            out,
            "<p class=\"note\">The 95% Monte Carlo interval of each option's {}, read off the quantiles around it: {}.</p>",
            facts.stat().label(),
            intervals.join(" · ")
        );
    }
    if let Some(f) = &extras.flips {
        let _ = write!(
            out,
            "<p class=\"note\">The decision tornado ran {} trials per setting; a bar end's Monte Carlo error is about ±{}.</p>",
            format::thousands(f.trials),
            money(facts, super::gap_std_err(facts, f))
        );
    }
    out.push_str("<p class=\"note\">Every number in this report is read from the CSV files beside it (summary.csv, decision.csv and, for a report, what_ifs.csv and tornado_decision.csv); each table cell names its file and row.</p>\n</div>\n</div>\n");
    out
}

/// A command-line argument as a shell reads it back: in single quotes when it
/// holds a space or a character the shell would interpret.
fn shell_word(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

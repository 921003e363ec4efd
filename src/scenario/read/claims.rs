//! Reads `[[claims]]`: every key checked, every problem located, in the same pass
//! as the rest of the file. A child of `read`, so it shares its `Reader`.

use std::ops::Range;

use toml::de::DeValue;

use super::problems::closest;
use super::values::{Check, Tbl, Value, type_name};
use super::{MAX_CLAIM_ID_CHARS, Override, Problem, Reader};
use crate::metric::Metric;
use crate::metric::{Stat, Statistic};
use crate::scenario::claim::Claim;
use crate::scenario::{Scenario, Strategy};

/// Most claims a scenario may hold.
pub const MAX_CLAIMS: usize = 1000;

/// Where one claim override was written: its text, span and key path.
#[derive(Clone, Debug)]
pub(super) struct OverrideSite {
    pub spec: String,
    pub span: Range<usize>,
    pub key: String,
}

impl Reader<'_> {
    /// Reads the file again under each distinct list of claim overrides (after the
    /// command line's), and reports what is wrong with them at the claim that
    /// wrote them: `claims[3].set[0]: `KEY=VALUE`: key: message`.
    pub(super) fn claim_variants(
        &mut self,
        parsed: &super::Parsed<'_>,
        name: &str,
        outer: &[Override],
        scenario: &Scenario,
    ) {
        let mut seen: Vec<Vec<Override>> = Vec::new();
        for claim in &scenario.claims {
            for side in 0..claim.strategies.len() {
                let list = claim.overrides(side);
                if list.is_empty() || seen.contains(&list) {
                    continue;
                }
                seen.push(list.clone());
                let all: Vec<Override> = outer.iter().chain(&list).cloned().collect();
                let Err(problems) = parsed.read(name, &all, false) else {
                    continue;
                };
                for p in problems {
                    let site = p
                        .origin
                        .as_ref()
                        .and_then(|o| self.claim_overrides.iter().find(|s| &s.spec == o))
                        .cloned();
                    let what = if p.key.is_empty() {
                        p.message.clone()
                    } else {
                        format!("{}: {}", p.key, p.message)
                    };
                    match site {
                        Some(site) => {
                            let spec = site.spec.trim_start_matches("--set ").to_string();
                            self.problem(site.span, &site.key, format!("`{spec}`: {what}"));
                        }
                        None => self.problems.push(Problem {
                            line: claim.line,
                            column: 1,
                            key: format!("claims ({})", claim.id),
                            message: format!("with this claim's overrides: {p}"),
                            origin: None,
                        }),
                    }
                }
            }
        }
    }

    pub(super) fn claims(&mut self, root: &mut Tbl<'_, '_>, strategies: &[Strategy]) -> Vec<Claim> {
        let mut out: Vec<Claim> = Vec::new();
        let Some(v) = root.get("claims") else {
            return out;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span(),
                "claims",
                format!(
                    "expected an array of tables, written [[claims]], got {}",
                    type_name(v.get_ref())
                ),
            );
            return out;
        };
        for (index, item) in items.iter().enumerate() {
            let path = format!("claims[{index}]");
            let DeValue::Table(ct) = item.get_ref() else {
                self.problem(
                    item.span(),
                    &path,
                    format!(
                        "expected a table, written [[claims]], got {}",
                        type_name(item.get_ref())
                    ),
                );
                continue;
            };
            let mut t = Tbl::new(path.clone(), Some(ct), item.span());
            if let Some(claim) = self.claim(&mut t, index, strategies, &out) {
                out.push(claim);
            }
            self.finish(t);
        }
        out
    }

    /// A claim's `id` or `text`, shown on a line of the `check` table: one line, no
    /// control characters, and an id short enough for its column. Any script is fine:
    /// claims reach the console and claims.csv, never a chart.
    fn table_text(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        text: &str,
        max: Option<usize>,
    ) {
        let Some(v) = t.get(key) else {
            return;
        };
        if !matches!(v.get_ref(), DeValue::String(_)) {
            return;
        }
        let chars = text.chars().count();
        if text.trim().is_empty() {
            self.problem(
                v.span(),
                &t.key_path(key),
                format!("must not be blank, got {text:?}; it names the claim in the check table"),
            );
        } else if let Some(c) = text.chars().find(|&c| crate::text::breaks_the_line(c)) {
            self.problem(
                v.span(),
                &t.key_path(key),
                format!(
                    "must be one line of printable text, got {text:?} with the control character {c:?}; it is one line of the check table"
                ),
            );
        } else if let Some(max) = max.filter(|&m| chars > m) {
            self.problem(
                v.span(),
                &t.key_path(key),
                format!(
                    "at most {max} characters, got {chars}; the id is the first column of the check table: shorten it (e.g. C1) and keep the words for `text`"
                ),
            );
        }
    }

    fn claim(
        &mut self,
        t: &mut Tbl<'_, '_>,
        index: usize,
        strategies: &[Strategy],
        earlier: &[Claim],
    ) -> Option<Claim> {
        let before = self.problems.len();
        let default_id = format!("claim_{}", index + 1);
        let id = self.string(t, "id", Some(&default_id));
        if let Some(v) = t.get("id")
            && earlier.iter().any(|c| c.id == id)
        {
            self.problem(
                v.span(),
                &t.key_path("id"),
                format!("duplicate claim id {id:?}; each claim needs its own id"),
            );
        }
        self.table_text(t, "id", &id, Some(MAX_CLAIM_ID_CHARS));
        let text = self.string(t, "text", None);
        self.table_text(t, "text", &text, None);
        let source = self.string(t, "source", Some(""));
        let metric = self.metric(t, "metric", true);
        let per = self.metric(t, "per", false);
        let threshold = self.optional_number(t, "threshold", Check::Any);
        let statistic = self.statistic(t, threshold);
        let ids = self.claim_strategies(t, statistic, strategies);
        if let (Some(s), Some(_)) = (statistic, per)
            && s.stat() != Stat::Mean
        {
            let span = t.get("per").map_or(t.span.clone(), |v| v.span());
            self.problem(
                span,
                &t.key_path("per"),
                format!(
                    "`per` divides means (mean(metric) / mean(per)); it works with mean, ratio_of_means, difference_of_means or abs_difference_of_means, not {}",
                    s.label()
                ),
            );
        }
        let (min, max) = self.bounds(t);
        if let Some(Statistic::One(Stat::ShareAbove { .. } | Stat::ShareBelow { .. })) = statistic {
            // A share is 0 to 1: `min = 50` or `max = 30` read as percent would
            // make the claim fail, or hold, whatever the run.
            let target = min.zip(max).map(|(lo, hi)| 0.5 * (lo + hi));
            for (key, value) in [("min", min), ("max", max), ("target", target)] {
                if let (Some(v), Some(x)) = (t.get(key), value)
                    && !(0.0..=1.0).contains(&x)
                {
                    self.problem(
                        v.span(),
                        &t.key_path(key),
                        format!(
                            "a share is between 0 and 1 (0.5 for 50%), got {x}; the claim would fail or hold whatever the run"
                        ),
                    );
                }
            }
        }
        let set = self.overrides(t, "set");
        let set_a = self.overrides(t, "set_a");
        let set_b = self.overrides(t, "set_b");
        if let Some([a, b]) = ids.as_deref()
            && a == b
            && set_a == set_b
        {
            let span = t.get("strategies").map_or(t.span.clone(), |v| v.span());
            self.problem(
                span,
                &t.key_path("strategies"),
                format!(
                    "compares `{a}` with itself under the same settings, so the ratio is 1 and the difference 0 whatever the run; give set_a or set_b (the variant to compare), or two strategies"
                ),
            );
        }
        if statistic.is_some_and(|s| !s.is_pair()) {
            for key in ["set_a", "set_b"] {
                if let Some(v) = t.get(key) {
                    self.problem(
                        v.span(),
                        &t.key_path(key),
                        "set_a and set_b change one side of a pair; a one-strategy claim uses `set`"
                            .to_string(),
                    );
                }
            }
        }
        if self.problems.len() > before {
            return None;
        }
        // A claim inherited from a base file: its line in that file.
        let line = match self.in_base(t.span.start) {
            Some((_, line, _)) => line,
            None => self.line_of(t.span.start),
        };
        Some(Claim {
            id,
            text,
            metric: metric?,
            per,
            strategies: ids?,
            statistic: statistic?,
            min,
            max,
            source,
            set,
            set_a,
            set_b,
            line,
        })
    }

    /// A metric id; `None` (and a problem) when unknown, or when missing and required.
    fn metric(&mut self, t: &mut Tbl<'_, '_>, key: &'static str, required: bool) -> Option<Metric> {
        let ids: Vec<&str> = self.reported.iter().map(|m| m.id()).collect();
        let Some(v) = t.get(key) else {
            if required {
                self.missing(t, key, &format!("a metric id: {}", ids.join(", ")));
            }
            return None;
        };
        let DeValue::String(name) = v.get_ref() else {
            self.problem(
                v.span(),
                &t.key_path(key),
                format!(
                    "expected a metric id in quotes, got {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        let found = Metric::from_id(name);
        if let Some(m) = found
            && !self.reported.contains(&m)
        {
            let events: Vec<&str> = self
                .reported
                .iter()
                .filter_map(|m| {
                    matches!(m, Metric::EventLive(_))
                        .then(|| m.event())
                        .flatten()
                })
                .collect();
            let why = crate::scenario::why_unreported(m, &events);
            self.problem(v.span(), &t.key_path(key), why);
            return None;
        }
        if found.is_none() {
            let hint = closest(name, &ids)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            self.problem(
                v.span(),
                &t.key_path(key),
                format!("unknown metric `{name}`{hint}; metrics: {}", ids.join(", ")),
            );
        }
        found
    }

    fn statistic(&mut self, t: &mut Tbl<'_, '_>, threshold: Option<f64>) -> Option<Statistic> {
        let Some(v) = t.get("statistic") else {
            self.missing(t, "statistic", Statistic::ALLOWED);
            return None;
        };
        let path = t.key_path("statistic");
        let DeValue::String(name) = v.get_ref() else {
            self.problem(
                v.span(),
                &path,
                format!(
                    "expected a statistic in quotes, got {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        let parsed = Statistic::parse(name, threshold);
        match parsed {
            Ok(s) => {
                if s.stat().threshold().is_none()
                    && let Some(tv) = t.get("threshold")
                {
                    self.problem(
                        tv.span(),
                        &t.key_path("threshold"),
                        format!(
                            "`threshold` belongs to share_above and share_below (and their pair forms), not {name}"
                        ),
                    );
                }
                Some(s)
            }
            Err(true) => {
                if t.get("threshold").is_none() {
                    self.problem(
                        v.span(),
                        &path,
                        format!("{name} needs `threshold = x`: the share of trials with the metric beyond x"),
                    );
                }
                None
            }
            Err(false) => {
                self.problem(
                    v.span(),
                    &path,
                    format!(
                        "unknown statistic `{name}`; allowed: {}",
                        Statistic::ALLOWED
                    ),
                );
                None
            }
        }
    }

    /// `strategy = "id"` for a one-strategy statistic, `strategies = ["a", "b"]` for a pair.
    fn claim_strategies(
        &mut self,
        t: &mut Tbl<'_, '_>,
        statistic: Option<Statistic>,
        strategies: &[Strategy],
    ) -> Option<Vec<String>> {
        let known: Vec<&str> = strategies.iter().map(|s| s.id.as_str()).collect();
        let one = t.get("strategy");
        let pair = t.get("strategies");
        let mut ids: Vec<(String, Range<usize>, String)> = Vec::new();
        match (one, pair) {
            (Some(a), Some(_)) => {
                self.problem(
                    a.span(),
                    &t.key_path("strategy"),
                    "give either `strategy = \"id\"` (one strategy) or `strategies = [\"a\", \"b\"]` (a pair), not both".to_string(),
                );
                return None;
            }
            (None, None) => {
                self.missing(
                    t,
                    "strategy",
                    "`strategy = \"id\"`, or `strategies = [\"a\", \"b\"]` for a ratio or difference",
                );
                return None;
            }
            (Some(v), None) => match v.get_ref() {
                DeValue::String(s) => ids.push((s.to_string(), v.span(), t.key_path("strategy"))),
                other => {
                    self.problem(
                        v.span(),
                        &t.key_path("strategy"),
                        format!("expected a strategy id in quotes, got {}", type_name(other)),
                    );
                    return None;
                }
            },
            (None, Some(v)) => {
                let path = t.key_path("strategies");
                let DeValue::Array(items) = v.get_ref() else {
                    self.problem(
                        v.span(),
                        &path,
                        format!(
                            "expected a pair of strategy ids, [\"a\", \"b\"], got {}",
                            type_name(v.get_ref())
                        ),
                    );
                    return None;
                };
                if items.len() != 2 {
                    self.problem(
                        v.span(),
                        &path,
                        format!(
                            "expected a pair of strategy ids, [\"a\", \"b\"], got {} ids",
                            items.len()
                        ),
                    );
                    return None;
                }
                for (i, item) in items.iter().enumerate() {
                    match item.get_ref() {
                        DeValue::String(s) => {
                            ids.push((s.to_string(), item.span(), format!("{path}[{i}]")))
                        }
                        other => {
                            self.problem(
                                item.span(),
                                &format!("{path}[{i}]"),
                                format!(
                                    "expected a strategy id in quotes, got {}",
                                    type_name(other)
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        let mut ok = true;
        for (id, span, path) in &ids {
            if !known.contains(&id.as_str()) {
                ok = false;
                let hint = closest(id, &known)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                self.problem(
                    span.clone(),
                    path,
                    format!(
                        "no strategy `{id}` in this scenario{hint}; strategies: {}",
                        known.join(", ")
                    ),
                );
            }
        }
        if let Some(s) = statistic {
            let (span, path) = (ids[0].1.clone(), ids[0].2.clone());
            if s.is_pair() && ids.len() == 1 {
                ok = false;
                self.problem(
                    span,
                    &path,
                    format!(
                        "{} compares two strategies: write strategies = [\"a\", \"b\"] (a over or minus b)",
                        s.label()
                    ),
                );
            } else if !s.is_pair() && ids.len() == 2 {
                ok = false;
                self.problem(
                    span,
                    &path.replace("[0]", ""),
                    format!(
                        "{} is a statistic of one strategy: write strategy = \"id\", or use ratio_of_{}, difference_of_{} or abs_difference_of_{} for a pair",
                        s.label(),
                        s.stat().plural(),
                        s.stat().plural(),
                        s.stat().plural()
                    ),
                );
            }
        }
        ok.then(|| ids.into_iter().map(|(id, _, _)| id).collect())
    }

    /// `min` and/or `max`, or `target` with `tolerance`; inclusive.
    fn bounds(&mut self, t: &mut Tbl<'_, '_>) -> (Option<f64>, Option<f64>) {
        let min = self.optional_number(t, "min", Check::Any);
        let max = self.optional_number(t, "max", Check::Any);
        let target = self.optional_number(t, "target", Check::Any);
        let tolerance = self.optional_number(t, "tolerance", Check::NonNegative);
        let span = |t: &mut Tbl<'_, '_>, key: &'static str| t.get(key).map(|v| v.span());
        let given = |t: &mut Tbl<'_, '_>, key: &'static str| t.get(key).is_some();
        if given(t, "target") {
            if given(t, "min") || given(t, "max") {
                let s = span(t, "target").unwrap_or(t.span.clone());
                self.problem(
                    s,
                    &t.key_path("target"),
                    "give either `target` with `tolerance`, or `min` and/or `max`, not both"
                        .to_string(),
                );
                return (None, None);
            }
            if !given(t, "tolerance") {
                let s = span(t, "target").unwrap_or(t.span.clone());
                self.problem(
                    s,
                    &t.key_path("tolerance"),
                    "missing; `target` needs `tolerance = x` (the claim holds within target +- x)"
                        .to_string(),
                );
                return (None, None);
            }
            return match (target, tolerance) {
                // Rounded to 12 significant figures: 0.53 - 0.04 is 0.49, not 0.49000000000000005.
                (Some(x), Some(tol)) => (Some(tidy(x - tol)), Some(tidy(x + tol))),
                _ => (None, None),
            };
        }
        if let Some(s) = span(t, "tolerance") {
            self.problem(
                s,
                &t.key_path("tolerance"),
                "`tolerance` goes with `target`; add `target = x` or use `min` and `max`"
                    .to_string(),
            );
        }
        if !given(t, "min") && !given(t, "max") && !given(t, "tolerance") {
            self.problem(
                t.span.clone(),
                &t.key_path("min"),
                "missing bounds; add `min = x` and/or `max = y` (inclusive), or `target = x` with `tolerance = d`".to_string(),
            );
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            let s = span(t, "min").unwrap_or(t.span.clone());
            self.problem(
                s,
                &t.key_path("min"),
                format!("must be <= max ({hi}), got {lo}"),
            );
        }
        (min, max)
    }

    /// `set = ["KEY.PATH=VALUE", ...]`: overrides for the claim's own run. Each
    /// is checked for its form here; its key and value are checked later, by
    /// reading the file again with it applied (see `read_with`).
    fn overrides(&mut self, t: &mut Tbl<'_, '_>, key: &'static str) -> Vec<Override> {
        let mut out = Vec::new();
        let Some(v) = t.get(key) else { return out };
        let path = t.key_path(key);
        let items: Vec<&Value<'_>> = match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            other => {
                self.problem(
                    v.span(),
                    &path,
                    format!(
                        "expected a list of overrides, [\"KEY.PATH=VALUE\", ...], got {}",
                        type_name(other)
                    ),
                );
                return out;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let DeValue::String(s) = item.get_ref() else {
                self.problem(
                    item.span(),
                    &item_path,
                    format!(
                        "expected \"KEY.PATH=VALUE\" in quotes, got {}",
                        type_name(item.get_ref())
                    ),
                );
                continue;
            };
            match Override::parse(s) {
                Ok(o) if o.key == "trials" || o.key == "seed" => self.problem(
                    item.span(),
                    &item_path,
                    format!(
                        "`{o}`: every run of a check uses the same trials and seed, so a claim cannot change `{}`; use check --{} instead",
                        o.key, o.key
                    ),
                ),
                Ok(o) => {
                    self.claim_overrides.push(OverrideSite {
                        spec: format!("--set {o}"),
                        span: item.span(),
                        key: item_path,
                    });
                    out.push(o);
                }
                Err(e) => self.problem(item.span(), &item_path, e),
            }
        }
        out
    }
}

/// `x` rounded to 12 significant figures.
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

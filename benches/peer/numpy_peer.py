#!/usr/bin/env python3
"""Independent vectorised NumPy peer of the tradeoff-sim model (MODEL.md §3-4 and §8).

Written from the specification (MODEL.md, scenarios/README.md), not from the Rust
source: it is a benchmark baseline for the single run (issue 19) and a cross-check of
the simulator's results. It is not part of the product or of CI.

It reads a scenario (resolving `extends` chains: tables merge key by key, `[[risks]]` and
`[[events]]` by name, `drop_strategies`/`drop_risks`/`drop_events`), simulates every trial
of every strategy vectorised over trials, with the trial's shared draws (complexity Z,
frailty G, estimates, risk uniforms and effect draws, surges, walk-away, event multiples)
common to all strategies, and writes summary.csv and comparison.csv in the simulator's
layout. §8: vendor quotes, per-strategy estimates, targets (`on_time`), support
calendars, governance as practices, known peak events with code freezes
(`freeze_wait_weeks`, `event_live.*`, `event_failure.*`), the peak-aware surge loss.
Trials are split in halves over worker processes (independent seeds); the metric
arrays live in shared memory, and the statistics are computed in the same workers,
split by metric. Not read: `[provenance]`, `[[claims]]`, `[sensitivity]` (no effect on a run).
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing as mp
import os
import sys
import time
import tomllib
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]

METRICS = [
    ("build_weeks", "weeks"),
    ("schedule_slip", "ratio"),
    ("api_failure", "indicator"),
    ("api_failures", "count"),
    ("surge_failures", "count"),
    ("emergency_fixes", "count"),
    ("incidents", "count"),
    ("incident_hours", "hours"),
    ("downtime_hours", "hours"),
    ("churn_share", "share"),
    ("churn_uplift", "ratio"),
    ("war_room_weeks", "weeks"),
    ("build_cost", "USD"),
    ("ops_cost", "USD"),
    ("downtime_loss", "USD"),
    ("churn_loss", "USD"),
    ("total_cost", "USD"),
    ("budget_overrun", "ratio"),
    ("tail_capped", "indicator"),
]
METRIC_INDEX = {name: i for i, (name, _) in enumerate(METRICS)}
CHUNK_TRIALS = 1 << 14
QUANTILES = [0.05, 0.10, 0.25, 0.50, 0.75, 0.80, 0.90, 0.95, 0.99]

DEFAULTS = {
    "drivers": {"complexity_on_build": 0.10, "complexity_on_frailty": 0.35, "frailty_shape": 1.5},
    "horizon": {"weeks": 26, "rate_window_weeks": 26},
    "build": {
        "estimate": {"pert": [0.90, 1.00, 1.35]},
        "seam_share": 0.25,
        "seam_slowdown": 2.5,
        "matrix_onboarding_weeks": {"triangular": [1, 2, 4]},
    },
    "api": {"decay_per_week": 0.10, "fix_probability": 0.9},
    "surges": {
        "events_per_window": 1.0,
        "multiple": {"lognormal": {"median": 2.5, "sigma": 0.6}},
        "failure_hours": {"triangular": [2, 6, 12]},
        "impact_fraction": {"uniform": [0.2, 0.6]},
        "loss_scales_with_traffic": True,
    },
    "incidents": {
        "customer_facing_share": 0.3,
        "ttr_sigma": 1.2,
        "impact_fraction": {"uniform": [0.3, 1.0]},
        "seam_crossing_probability": 0.5,
        "seam_ttr_factor": {"g0": 2.5, "g1": 1.0},
        "matrix_ttr_factor": 0.67,
    },
    "walk_away": {"at_week": {"uniform": [4, 22]}, "degraded_fraction": {"uniform": [0.2, 0.5]}},
    "churn": {"failed_checkouts_per_week": 0.15, "loss_probability": 0.25, "baseline_share": 0.20},
    "cost": {
        "recaptured_share": 0.4,
        "fix_effort_hours": {"triangular": [16, 40, 80]},
        "war_room_weeks": {"g0": 52, "g1": 0},
        "war_room_spread": {"triangular": [0.7, 1.0, 1.3]},
        "overrun_staffing_factor": 1.0,
    },
}
STRATEGY_DEFAULTS = {"plan_multiplier": 1.0, "vendor_seam": False, "responsibility_matrix": False,
                     "responders": 5}


# ---------------------------------------------------------------- scenario

DIST_FAMILIES = {"uniform", "triangular", "pert", "lognormal", "lomax", "normal", "beta"}


def is_dist(value) -> bool:
    """A distribution's inline table (`{ pert = [...] }`): a value, replaced whole."""
    return isinstance(value, dict) and len(value) > 0 and set(value) <= DIST_FAMILIES


def is_value(value) -> bool:
    """A distribution or a governance curve (`{ g0 = .., g1 = .. }`): replaced whole."""
    return is_dist(value) or (isinstance(value, dict) and {"g0", "g1"} <= value.keys())


def merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if is_value(value) or is_value(out.get(key)):
            out[key] = value
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def merge_named(base: list, over: list) -> list:
    """[[risks]] and [[events]] merge by name: a known name changes only the keys it
    writes (a risk's per-strategy probability table merges by strategy); a new one is
    appended."""
    out = [dict(e) for e in base]
    index = {e["name"]: i for i, e in enumerate(out)}
    for e in over:
        if e["name"] in index:
            out[index[e["name"]]] = merge(out[index[e["name"]]], e)
        else:
            index[e["name"]] = len(out)
            out.append(dict(e))
    return out


def load_scenario(path: Path, depth: int = 0) -> dict:
    if depth > 8:
        raise SystemExit(f"{path}: extends chain deeper than 8 files (a cycle?)")
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    base_name = doc.pop("extends", None)
    if base_name is not None:
        shipped = REPO / "scenarios" / f"{base_name}.toml"
        base_path = shipped if base_name in ("seed", "reference") else path.parent / base_name
        base = load_scenario(base_path, depth + 1)
        base.pop("_name", None)
        risks = merge_named(base.pop("risks", []), doc.pop("risks", []))
        events = merge_named(base.pop("events", []), doc.pop("events", []))
        drop_s = set(doc.pop("drop_strategies", []))
        drop_r = set(doc.pop("drop_risks", []))
        drop_e = set(doc.pop("drop_events", []))
        doc = merge(base, doc)
        doc["strategies"] = {k: v for k, v in doc["strategies"].items() if k not in drop_s}
        doc["risks"] = [r for r in risks if r["name"] not in drop_r]
        doc["events"] = [e for e in events if e["name"] not in drop_e]
        for risk in doc["risks"]:
            prob = risk["probability"]
            if isinstance(prob, dict) and not {"g0", "g1"} <= prob.keys():
                risk["probability"] = {k: v for k, v in prob.items() if k not in drop_s}
    doc.setdefault("_name", path.stem)
    return doc


def curve(value, g):
    """value(g) = v1 + (v0 - v1)(1 - g)^k, or a plain number."""
    if isinstance(value, dict):
        if g is None:
            raise SystemExit(f"a governance curve {value} needs the strategy's governance")
        k = value.get("k", 1.0)
        return value["g1"] + (value["g0"] - value["g1"]) * (1.0 - g) ** k
    return float(value)


def sample(rng: np.random.Generator, dist, size):
    """Draws of a scenario distribution (a number is a constant)."""
    if not isinstance(dist, dict):
        return np.full(size, float(dist))
    (family, p), = dist.items()
    if family == "uniform":
        return rng.uniform(p[0], p[1], size)
    if family == "triangular":
        return rng.triangular(p[0], p[1], p[2], size)
    if family == "pert":
        a, m, b = p
        alpha = 1 + 4 * (m - a) / (b - a)
        beta = 1 + 4 * (b - m) / (b - a)
        return a + (b - a) * rng.beta(alpha, beta, size)
    if family == "lognormal":
        if "p05" in p:
            # 5% below p05 and 5% above p95: median sqrt(p05 p95), sigma from the 90% interval.
            median = (p["p05"] * p["p95"]) ** 0.5
            sigma = np.log(p["p95"] / p["p05"]) / (2 * 1.6448536269514722)
        else:
            median, sigma = p["median"], p["sigma"]
        return median * np.exp(sigma * rng.standard_normal(size))
    if family == "lomax":
        return p["scale"] * rng.pareto(p["shape"], size)
    raise SystemExit(f"distribution {family} is not supported by the peer")


def dist_mean(dist) -> float:
    if not isinstance(dist, dict):
        return float(dist)
    (family, p), = dist.items()
    if family == "triangular":
        return sum(p) / 3
    if family == "uniform":
        return (p[0] + p[1]) / 2
    raise SystemExit(f"mean of {family} not needed")


DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SUPPORT_PRESETS = {
    "24x7": [{"days": "mon-sun", "from": "00:00", "to": "24:00"}],
    "extended": [{"days": "mon-sat", "from": "07:00", "to": "23:00"}],
    "business-hours": [{"days": "mon-fri", "from": "09:00", "to": "17:00"}],
}


def parse_days(text: str) -> list[int]:
    days = []
    for part in text.split(","):
        if "-" in part:
            a, b = (DAYS.index(x.strip()) for x in part.split("-"))
            days += [(a + i) % 7 for i in range((b - a) % 7 + 1)]  # "fri-mon" wraps the weekend
        else:
            days.append(DAYS.index(part.strip()))
    return days


def support_intervals(support):
    """Covered hours of the week as sorted, merged [start, end) in hours from Monday 00:00;
    None for 24x7 (nothing is drawn)."""
    entries = SUPPORT_PRESETS[support] if isinstance(support, str) else support
    spans = []
    for e in entries:
        h = lambda t: int(t[:2]) + int(t[3:5]) / 60
        for d in parse_days(e["days"]):
            spans.append((24 * d + h(e["from"]), 24 * d + h(e["to"])))
    spans.sort()
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    if len(merged) == 1 and merged[0] == [0, 168]:
        return None
    return np.array(merged, dtype=float)


def support_wait(intervals: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Hours from a start t in [0, 168) to the next covered hour (0 when covered)."""
    starts, ends = intervals[:, 0], intervals[:, 1]
    i = np.searchsorted(starts, t, side="right") - 1
    covered = (i >= 0) & (t < ends[np.maximum(i, 0)])
    nxt = np.where(i + 1 < len(starts), starts[np.minimum(i + 1, len(starts) - 1)], starts[0] + 168.0)
    return np.where(covered, 0.0, nxt - t)


def prepare(doc: dict) -> dict:
    sc = {sec: merge(DEFAULTS.get(sec, {}), doc.get(sec, {})) for sec in
          ["drivers", "horizon", "build", "api", "surges", "incidents", "walk_away", "churn", "cost"]}
    sc["name"] = doc["_name"]
    sc["seed"] = int(doc.get("seed", 1))
    sc["risks"] = doc.get("risks", [])
    sc["shared_open_issue"] = True
    sc["shared_surge_outage"] = True
    sc["strategies"] = []
    report_on_time = "target_weeks" in sc["build"]
    for sid, s in doc["strategies"].items():
        s = merge(STRATEGY_DEFAULTS, s)
        s["id"] = sid
        gov = s.get("governance")
        if isinstance(gov, dict):  # the four practices of §2: g = the share in place
            s["g"] = sum(bool(gov[k]) for k in ("raci", "api_owner", "olas", "integrator")) / 4
            if "responsibility_matrix" not in doc["strategies"][sid]:
                s["responsibility_matrix"] = bool(gov["raci"])
        else:
            s["g"] = gov
        s["plan"] = (float(s["quote_weeks"]) if "quote_weeks" in s
                     else sc["build"]["plan_weeks"] * s["plan_multiplier"])
        s["target"] = float(s.get("target_weeks", sc["build"].get("target_weeks", s["plan"])))
        report_on_time |= "quote_weeks" in s or "target_weeks" in s
        s["support_intervals"] = support_intervals(s.get("support", "24x7"))
        sc["strategies"].append(s)
    sc["events"] = [dict(e) for e in doc.get("events", [])]
    for e in sc["events"]:
        e.setdefault("freeze_weeks", 0.0)
        e.setdefault("outage_hours", sc["surges"]["failure_hours"])
    extra = [("on_time", "indicator")] if report_on_time else []
    if sc["events"]:
        extra.append(("freeze_wait_weeks", "weeks"))
        for e in sc["events"]:
            extra += [(f"event_live.{e['name']}", "indicator"), (f"event_failure.{e['name']}", "indicator")]
    sc["metrics"] = METRICS + extra
    return sc


# ---------------------------------------------------------------- model

def canonical(value):
    """A distribution as a comparable value: 1 and 1.0 are the same number."""
    if isinstance(value, dict):
        return tuple(sorted((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(canonical(v) for v in value)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def estimate_key(sc: dict, s: dict) -> str:
    """Which estimate draw a strategy uses: the scenario's, or the one of the distribution
    it states (shared by every strategy stating it). With --stated-estimate shared, a
    strategy stating the scenario's own distribution shares the scenario's draw."""
    if "estimate" not in s:
        return "scenario"
    key = repr(canonical(s["estimate"]))
    if sc.get("stated_estimate_shared") and canonical(s["estimate"]) == canonical(sc["build"]["estimate"]):
        return "scenario"
    return key


def simulate(sc: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """Metric arrays of n trials: shape (strategies, metrics, n)."""
    dr, hz, bd, api, su = sc["drivers"], sc["horizon"], sc["build"], sc["api"], sc["surges"]
    inc, wa, ch, co = sc["incidents"], sc["walk_away"], sc["churn"], sc["cost"]
    strategies = sc["strategies"]
    out = np.empty((len(strategies), len(sc["metrics"]), n))

    # Shared drivers of the trial.
    z = rng.standard_normal(n)
    a_b, a_f = dr["complexity_on_build"], dr["complexity_on_frailty"]
    shape = dr["frailty_shape"]
    frailty = rng.gamma(shape, 1.0 / shape, n) * np.exp(a_f * z - a_f * a_f / 2)
    loading = np.exp(a_b * z - a_b * a_b / 2)
    # Estimation error: one draw per trial and distinct distribution, shared by the
    # strategies that state it (§8.1); "scenario" is the scenario's estimate.
    estimates = {"scenario": sample(rng, bd["estimate"], n) * loading}
    for s in strategies:
        key = estimate_key(sc, s)
        if key not in estimates:
            estimates[key] = sample(rng, s["estimate"], n) * loading
    onboarding = sample(rng, bd["matrix_onboarding_weeks"], n)

    # Horizon scaling of rates (Goel-Okumoto arrivals) and of surge events.
    b = api["decay_per_week"]
    weeks, window = hz["weeks"], hz["rate_window_weeks"]
    rate_scale = 1.0 if weeks == window else (
        (1 - math.exp(-b * weeks)) / (1 - math.exp(-b * window)) if b > 0 else weeks / window)

    # Risks: one uniform per trial and risk, shared; effect draws shared too.
    risk_draws = []
    for risk in sc["risks"]:
        d = {"u": rng.random(n)}
        for key in ("build_extra_share", "delay_weeks", "tail_extra_share"):
            if key in risk:
                d[key] = sample(rng, risk[key], n)
        risk_draws.append(d)

    # Surges: events per trial and their multiples, lengths and impacts, shared.
    n_events = rng.poisson(su["events_per_window"] * weeks / window, n)
    event_trial = np.repeat(np.arange(n), n_events)
    multiple = sample(rng, su["multiple"], event_trial.size)
    surge_hours_imp = sample(rng, su["failure_hours"], event_trial.size) * sample(
        rng, su["impact_fraction"], event_trial.size)
    surge_loss_weight = surge_hours_imp * (multiple if su["loss_scales_with_traffic"] else 1.0)

    # Walk-away: when, and how much checkout it degrades, shared.
    walk_at = sample(rng, wa["at_week"], n)
    walk_fraction = sample(rng, wa["degraded_fraction"], n)
    walk_u = rng.random(n)

    # Known peak events (§8.4): the multiple is the trial's, shared by every strategy.
    events = sorted(sc["events"], key=lambda e: e["week"])  # stable: declaration order on ties
    event_multiple = {e["name"]: sample(rng, e["multiple"], n) for e in events}
    event_outage = {e["name"]: sample(rng, e["outage_hours"], n) * sample(rng, su["impact_fraction"], n)
                    for e in events}
    metric_index = {name: i for i, (name, _) in enumerate(sc["metrics"])}

    loss_per_hour = co["downtime_loss_per_hour"] * (1 - co["recaptured_share"])
    rate = co["hourly_rate"]
    churn_k = ch["loss_probability"] * ch["failed_checkouts_per_week"] / 168.0

    for si, s in enumerate(strategies):
        g = s["g"]
        plan = s["plan"]
        build_base = estimates[estimate_key(sc, s)]
        seam = bool(s["vendor_seam"])
        matrix = bool(s["responsibility_matrix"])

        mult = np.ones(n)
        delay = np.zeros(n)
        tail = np.ones(n)
        capped = np.zeros(n, dtype=bool)
        api_mult = np.ones(n)
        walks = np.zeros(n, dtype=bool)
        for risk, d in zip(sc["risks"], risk_draws):
            prob = risk["probability"]
            if isinstance(prob, dict) and s["id"] in prob:
                prob = prob[s["id"]]
            hit = d["u"] < curve(prob, g)
            if "build_extra_share" in d:
                mult *= np.where(hit, 1 + d["build_extra_share"], 1.0)
            if "delay_weeks" in d:
                delay += np.where(hit, d["delay_weeks"], 0.0)
            if "tail_extra_share" in d:
                cap = risk.get("tail_multiplier_cap", 10.0)
                raw = 1 + d["tail_extra_share"]
                capped |= hit & (raw > cap)
                tail *= np.where(hit, np.minimum(raw, cap), 1.0)
            if "api_failure_multiplier" in risk:
                api_mult *= np.where(hit, risk["api_failure_multiplier"], 1.0)
            if risk.get("walk_away"):
                walks |= hit

        # Computed as the slip first, so that two strategies whose builds are equal
        # relative to their plans (no risk tells them apart) tie exactly, not to 1 ulp.
        coordination = 1 + bd["seam_share"] * (bd["seam_slowdown"] - 1) * (1 - g) if seam else 1.0
        slip = build_base * mult
        if seam:
            slip = slip * coordination
        if matrix:
            delay = delay + onboarding
        slip = (slip + delay / plan) * tail
        build = slip * plan

        # Post-launch failures.
        n_api = rng.poisson(frailty * curve(s["api_failure_rate"], g) * rate_scale * api_mult)
        n_other = rng.poisson(frailty * curve(s["other_fix_rate"], g) * rate_scale)
        headroom = curve(s["headroom_median"], g) * np.exp(
            curve(s["headroom_sigma"], g) * rng.standard_normal(n))
        failed = multiple > headroom[event_trial]
        n_surge = np.bincount(event_trial[failed], minlength=n)
        if not sc["shared_surge_outage"]:
            # Each strategy's own outage length and impact for every surge it fails in.
            surge_hours_imp = sample(rng, su["failure_hours"], event_trial.size) * sample(
                rng, su["impact_fraction"], event_trial.size)
            surge_loss_weight = surge_hours_imp * (
                multiple if su["loss_scales_with_traffic"] else 1.0)
        surge_down = np.bincount(event_trial, weights=surge_hours_imp * failed, minlength=n)
        surge_loss = np.bincount(event_trial, weights=surge_loss_weight * failed, minlength=n)

        # Launch: a launch inside an event's freeze [week - freeze, week) waits until
        # week + 1, in week order (a wait can land in a later event's freeze).
        launch = build  # np.where below makes new arrays; build is not changed
        for e in events:
            frozen = (launch >= e["week"] - e["freeze_weeks"]) & (launch < e["week"])
            launch = np.where(frozen, e["week"] + 1.0, launch)
        event_cols = {}
        for e in sc["events"]:
            live = (launch <= e["week"]) & (e["week"] < launch + weeks)
            fail = live & (event_multiple[e["name"]] > headroom)
            hours_imp = (event_outage[e["name"]] if sc["shared_surge_outage"] else
                         sample(rng, e["outage_hours"], n) * sample(rng, su["impact_fraction"], n))
            n_surge = n_surge + fail
            surge_down = surge_down + np.where(fail, hours_imp, 0.0)
            weight = hours_imp * (event_multiple[e["name"]] if su["loss_scales_with_traffic"] else 1.0)
            surge_loss = surge_loss + np.where(fail, weight, 0.0)
            event_cols[e["name"]] = (live, fail)

        fixes = rng.binomial(n_api + n_surge, api["fix_probability"]) + n_other
        incidents = n_api + rng.binomial(n_other, inc["customer_facing_share"])

        # Incidents: one TTR and impact per incident, summed per trial.
        inc_trial = np.repeat(np.arange(n), incidents)
        m = inc_trial.size
        ttr = curve(s["ttr_median_hours"], g) * np.exp(inc["ttr_sigma"] * rng.standard_normal(m))
        if seam:
            crosses = rng.random(m) < inc["seam_crossing_probability"]
            ttr *= np.where(crosses, curve(inc["seam_ttr_factor"], g), 1.0)
        if matrix:
            ttr *= inc["matrix_ttr_factor"]
        impact = sample(rng, inc["impact_fraction"], m)
        incident_hours = np.bincount(inc_trial, weights=ttr, minlength=n)
        if s["support_intervals"] is not None:
            # An incident starting outside the covered hours waits for the next one; the
            # wait is downtime (impact-weighted), not responders' hours.
            wait = support_wait(s["support_intervals"], rng.uniform(0.0, 168.0, m))
            incident_down = np.bincount(inc_trial, weights=(wait + ttr) * impact, minlength=n)
        else:
            incident_down = np.bincount(inc_trial, weights=ttr * impact, minlength=n)

        # Walk-away degradation, cut at the horizon.
        issue_u = walk_u if sc["shared_open_issue"] else rng.random(n)
        open_issue = walks & (issue_u < curve(s["walk_away_unresolved_probability"], g))
        degraded_weeks = np.minimum(sample(rng, s["walk_away_degraded_weeks"], n),
                                    np.maximum(weeks - walk_at, 0.0))
        walk_down = np.where(open_issue, degraded_weeks * 168.0 * walk_fraction, 0.0)

        downtime = incident_down + surge_down + walk_down
        churn = -np.expm1(-churn_k * downtime)

        # Costs.
        burn = s["weekly_burn"]
        overrun = slip * (1 + co["overrun_staffing_factor"] * np.maximum(slip - 1, 0.0))
        build_cost = burn * plan * overrun
        effort = sample(rng, co["fix_effort_hours"], n)
        war = (curve(co["war_room_weeks"], g) * sample(rng, co["war_room_spread"], n)
               if seam else np.zeros(n))
        ops = s["responders"] * incident_hours * rate + fixes * effort * rate + war * co["war_room_week_cost"]
        downtime_loss = (incident_down + walk_down + surge_loss) * loss_per_hour
        churn_loss = churn * ch["customers"] * ch["lifetime_value"]

        o = out[si]
        o[0] = build
        o[1] = slip
        o[2] = (n_api + n_surge) > 0
        o[3] = n_api
        o[4] = n_surge
        o[5] = fixes
        o[6] = incidents
        o[7] = incident_hours
        o[8] = downtime
        o[9] = churn
        o[10] = churn / ch["baseline_share"]
        o[11] = war
        o[12] = build_cost
        o[13] = ops
        o[14] = downtime_loss
        o[15] = churn_loss
        o[16] = build_cost + ops + downtime_loss + churn_loss
        o[17] = overrun
        o[18] = capped
        if "on_time" in metric_index:
            o[metric_index["on_time"]] = launch <= s["target"]
        if sc["events"]:
            o[metric_index["freeze_wait_weeks"]] = launch - build
            for name, (live, fail) in event_cols.items():
                o[metric_index[f"event_live.{name}"]] = live
                o[metric_index[f"event_failure.{name}"]] = fail
    return out


# ---------------------------------------------------------------- workers

_SC = None


def _attach(name, shape):
    shm = shared_memory.SharedMemory(name=name)
    return shm, np.ndarray(shape, dtype=np.float64, buffer=shm.buf)


def _simulate_part(args):
    name, shape, lo, hi, seed_seq = args
    shm, arr = _attach(name, shape)
    rng = np.random.Generator(np.random.PCG64(seed_seq))
    # Blocks of trials keep the temporaries small: cache-resident, and reused by the
    # allocator instead of page-faulted afresh (with 500,000-trial arrays the kernel's
    # page zeroing took more time than the arithmetic).
    for start in range(lo, hi, CHUNK_TRIALS):
        stop = min(start + CHUNK_TRIALS, hi)
        arr[:, :, start:stop] = simulate(_SC, stop - start, rng)
    del arr
    shm.close()
    return hi - lo


def summary_rows(x: np.ndarray):
    """n, mean, std, std_err, min, quantiles (linear interpolation, as np.quantile), max."""
    n = x.size
    mean = x.mean()
    std = x.std(ddof=1) if n > 1 else 0.0
    xs = np.sort(x)  # one sort is faster than np.quantile's multi-kth partition
    h = (n - 1) * np.asarray(QUANTILES)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    q = xs[lo] + (h - lo) * (xs[hi] - xs[lo])
    return [n, mean, std, std / math.sqrt(n), xs[0], *q, xs[-1]]


def _stats_part(args):
    name, shape, metric_ids = args
    shm, arr = _attach(name, shape)
    ids = [s["id"] for s in _SC["strategies"]]
    n = shape[2]
    summaries, comparisons = [], []
    for mi in metric_ids:
        data = arr[:, mi, :]
        for si in range(len(ids)):
            summaries.append((si, mi, summary_rows(data[si])))
        if mi >= len(METRICS):
            continue  # the pairwise comparisons cover the metrics of §4 only (§8.1)
        # P(best): lowest value of the trial, ties shared equally.
        lowest = data.min(axis=0)
        is_low = data == lowest
        p_best = (is_low / is_low.sum(axis=0)).mean(axis=1)
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                diff = data[a] - data[b]
                md = diff.mean()
                se = diff.std(ddof=1) / math.sqrt(n)
                better = np.count_nonzero(diff < 0) / n
                tie = np.count_nonzero(diff == 0) / n
                worse = np.count_nonzero(diff > 0) / n
                comparisons.append((mi, a, b, [n, better, tie, worse, md,
                                               md - 1.96 * se, md + 1.96 * se, p_best[a], p_best[b]]))
    del data, arr
    shm.close()
    return summaries, comparisons


def fmt(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


def main(argv=None) -> int:
    global _SC
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--trials", type=int, default=1_000_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, help="default: the scenario's seed")
    ap.add_argument("--out", type=Path, default=Path("peer-out"))
    ap.add_argument("--open-issue", choices=["shared", "per-strategy"], default="shared",
                    help="whether the draw 'a backend issue is open when the partner walks away' is "
                         "shared by the strategies of a trial (default) or drawn per strategy")
    ap.add_argument("--surge-outage", choices=["shared", "per-strategy"], default="shared",
                    help="a surge failure's length and impact: the surge's, shared by the strategies "
                         "that fail in it (default), or drawn by each failing strategy")
    ap.add_argument("--stated-estimate", choices=["shared", "own"], default="shared",
                    help="a strategy that states the scenario's own estimate distribution: shares "
                         "the draw of the strategies on the scenario's estimate (default), or draws "
                         "from that distribution's own substream")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    _SC = prepare(load_scenario(args.scenario))
    _SC["shared_open_issue"] = args.open_issue == "shared"
    _SC["shared_surge_outage"] = args.surge_outage == "shared"
    _SC["stated_estimate_shared"] = args.stated_estimate == "shared"
    seed = args.seed if args.seed is not None else _SC["seed"]
    strategies = _SC["strategies"]
    n = args.trials
    parts = max(1, args.processes)
    bounds = [n * i // parts for i in range(parts + 1)]
    seeds = np.random.SeedSequence(seed).spawn(parts)
    shape = (len(strategies), len(_SC["metrics"]), n)
    shm = shared_memory.SharedMemory(create=True, size=int(np.prod(shape)) * 8)
    try:
        ctx = mp.get_context("fork")
        with ctx.Pool(parts) as pool:
            pool.map(_simulate_part, [(shm.name, shape, bounds[i], bounds[i + 1], seeds[i])
                                      for i in range(parts)])
            t1 = time.perf_counter()
            groups = [list(range(len(_SC["metrics"])))[i::parts] for i in range(parts)]
            results = pool.map(_stats_part, [(shm.name, shape, g) for g in groups])
    finally:
        shm.close()
        shm.unlink()
    t2 = time.perf_counter()

    summaries = sorted((r for res in results for r in res[0]), key=lambda r: (r[0], r[1]))
    comparisons = sorted((r for res in results for r in res[1]), key=lambda r: (r[0], r[1], r[2]))
    args.out.mkdir(parents=True, exist_ok=True)
    name = _SC["name"]
    tmp = args.out / "summary.csv.tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["scenario", "strategy", "metric", "unit", "n", "mean", "std_dev", "std_err", "min",
                    *[f"p{round(q * 100):02d}" for q in QUANTILES], "max"])
        for si, mi, row in summaries:
            n_, mean, std, se, mn, *rest = row
            w.writerow([name, strategies[si]["id"], _SC["metrics"][mi][0], _SC["metrics"][mi][1],
                        *map(fmt, [n_, mean, std, se, mn, *rest])])
    os.replace(tmp, args.out / "summary.csv")
    tmp = args.out / "comparison.csv.tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["scenario", "metric", "unit", "strategy_a", "strategy_b", "n", "p_a_better", "p_tie",
                    "p_b_better", "mean_diff", "mean_diff_ci95_low", "mean_diff_ci95_high", "p_best_a",
                    "p_best_b"])
        for mi, a, b, row in comparisons:
            w.writerow([name, METRICS[mi][0], METRICS[mi][1], strategies[a]["id"], strategies[b]["id"],
                        *map(fmt, row)])
    os.replace(tmp, args.out / "comparison.csv")
    t3 = time.perf_counter()
    print(f"{n:,} trials x {len(strategies)} strategies, {parts} processes: simulate {t1 - t0:.2f} s, "
          f"statistics {t2 - t1:.2f} s, write {t3 - t2:.2f} s; wrote {args.out}/summary.csv, comparison.csv",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

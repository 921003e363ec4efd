//! The key catalogue: every key a scenario file may set, table by table, with its
//! type, default and allowed values in the words `scenarios/README.md` uses.
//!
//! It is what `init`, the documentation and plain-language labels read, so that a
//! key is listed in one place. Two tests hold it to the truth: the reader's
//! unknown-key messages list exactly these keys for each table, and the README's
//! key tables are exactly these rows (`tests/it/key_catalogue.rs`). The value
//! forms inside a key (a governance curve's `g0`, `g1`, `k`; a distribution's kind
//! and parameters) are types, described by the README's conventions, not keys.
//! This module holds data only: it must not read or check a file.

use serde::Serialize;

/// One key a scenario may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Key {
    /// The key within its table: `plan_weeks`.
    pub name: &'static str,
    /// What it holds: `number`, `integer`, `string`, `boolean`, `curve`,
    /// `dist, >= 0`, `dist, fraction`, ... (Markdown, as the README writes it).
    pub kind: &'static str,
    /// Its default, `required`, or `none` for an optional key without one (Markdown).
    pub default: &'static str,
    /// The values allowed, in words; empty when the kind says it all (Markdown).
    pub allowed: &'static str,
}

impl Key {
    const fn new(
        name: &'static str,
        kind: &'static str,
        default: &'static str,
        allowed: &'static str,
    ) -> Key {
        Key {
            name,
            kind,
            default,
            allowed,
        }
    }
}

/// The keys of one table of a scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KeyTable {
    /// The table's header as written in a file: `[build]`, `[strategies.<id>]`,
    /// `[[risks]]`; empty for the top level of the file.
    pub header: &'static str,
    pub keys: &'static [Key],
}

impl KeyTable {
    /// The table's key path without brackets: `build`, `strategies.<id>`, `risks`;
    /// empty for the top level.
    pub fn name(&self) -> &'static str {
        self.header.trim_start_matches('[').trim_end_matches(']')
    }
}

/// Every table a scenario file may hold and every key of each, in the order the
/// reader reads them (and `scenarios/README.md` lists them).
pub fn keys() -> &'static [KeyTable] {
    KEY_TABLES
}

const KEY_TABLES: &[KeyTable] = &[
    KeyTable {
        header: "",
        keys: &[
            Key::new(
                "title",
                "string",
                "file name",
                "not blank; no leading or trailing spaces; one line, no control characters; at most 80 characters; only characters the charts draw (see below)",
            ),
            Key::new("description", "string", "`\"\"`", ""),
            Key::new(
                "currency",
                "string",
                "`\"USD\"`",
                "three upper-case letters (ISO 4217)",
            ),
            Key::new("trials", "integer", "100000", "1 to 1,000,000,000"),
            Key::new("seed", "integer", "2026", "0 to 2^63 - 1"),
            Key::new(
                "extends",
                "string",
                "none",
                "a path relative to this file, or `\"seed\"` or `\"reference\"` (built in); no cycle; at most 8 files deep",
            ),
            Key::new(
                "drop_strategies",
                "array of strings",
                "`[]`",
                "ids of strategies of the extended scenario; only with `extends`",
            ),
            Key::new(
                "drop_risks",
                "array of strings",
                "`[]`",
                "names of risks of the extended scenario; only with `extends`",
            ),
            Key::new(
                "drop_claims",
                "array of strings",
                "`[]`",
                "ids of claims of the extended scenario; only with `extends`",
            ),
            Key::new(
                "drop_events",
                "array of strings",
                "`[]`",
                "names of events of the extended scenario; only with `extends`",
            ),
            Key::new(
                "provenance",
                "table of key path = class",
                "none",
                "class `client`, `literature` (with `source`), `seed-article` or `assumption`; not by `--set`",
            ),
        ],
    },
    KeyTable {
        header: "[horizon]",
        keys: &[
            Key::new("weeks", "number", "26", "1 to 520"),
            Key::new("rate_window_weeks", "number", "26", "1 to 520"),
        ],
    },
    KeyTable {
        header: "[drivers]",
        keys: &[
            Key::new("complexity_on_build", "number", "0.10", "0 to 3"),
            Key::new("complexity_on_frailty", "number", "0.35", "0 to 3"),
            Key::new("frailty_shape", "number", "1.5", "0.01 to 1e6"),
        ],
    },
    KeyTable {
        header: "[build]",
        keys: &[
            Key::new("plan_weeks", "number", "required", "0.1 to 1040"),
            Key::new(
                "estimate",
                "dist, > 0",
                "`{ pert = [0.90, 1.00, 1.35] }`",
                "lowest draw above 0 in every family: a lognormal, or a distribution whose minimum is above 0 (not a lomax, nor a normal with `min = 0`)",
            ),
            Key::new("seam_share", "number", "0.25", "0 to 1"),
            Key::new("seam_slowdown", "number", "2.5", "1 to 100"),
            Key::new(
                "matrix_onboarding_weeks",
                "dist, >= 0",
                "`{ triangular = [1, 2, 4] }`",
                "",
            ),
            Key::new("target_weeks", "number", "none", "> 0"),
        ],
    },
    KeyTable {
        header: "[api]",
        keys: &[
            Key::new("decay_per_week", "number", "0.10", "0 to 10"),
            Key::new("fix_probability", "number", "0.9", "0 to 1"),
        ],
    },
    KeyTable {
        header: "[surges]",
        keys: &[
            Key::new("events_per_window", "number", "1.0", "0 to 1000"),
            Key::new(
                "multiple",
                "dist, >= 0",
                "`{ lognormal = { median = 2.5, sigma = 0.6 } }`",
                "",
            ),
            Key::new(
                "failure_hours",
                "dist, >= 0",
                "`{ triangular = [2, 6, 12] }`",
                "",
            ),
            Key::new(
                "impact_fraction",
                "dist, fraction",
                "`{ uniform = [0.2, 0.6] }`",
                "",
            ),
            Key::new("loss_scales_with_traffic", "boolean", "true", ""),
        ],
    },
    KeyTable {
        header: "[incidents]",
        keys: &[
            Key::new("customer_facing_share", "number", "0.3", "0 to 1"),
            Key::new("ttr_sigma", "number", "1.2", "0 to 5"),
            Key::new(
                "impact_fraction",
                "dist, fraction",
                "`{ uniform = [0.3, 1.0] }`",
                "",
            ),
            Key::new("seam_crossing_probability", "number", "0.5", "0 to 1"),
            Key::new(
                "seam_ttr_factor",
                "curve",
                "`{ g0 = 2.5, g1 = 1.0 }`",
                "0 to 100",
            ),
            Key::new("matrix_ttr_factor", "number", "0.67", "0 to 10"),
        ],
    },
    KeyTable {
        header: "[walk_away]",
        keys: &[
            Key::new("at_week", "dist, >= 0", "`{ uniform = [4, 22] }`", ""),
            Key::new(
                "degraded_fraction",
                "dist, fraction",
                "`{ uniform = [0.2, 0.5] }`",
                "",
            ),
        ],
    },
    KeyTable {
        header: "[churn]",
        keys: &[
            Key::new("failed_checkouts_per_week", "number", "0.15", "0 to 1000"),
            Key::new("loss_probability", "number", "0.25", "0 to 1"),
            Key::new("baseline_share", "number", "0.20", "1e-6 to 1"),
            Key::new("customers", "number", "required", "0 to 1e12"),
            Key::new("lifetime_value", "number", "required", "0 to 1e9"),
        ],
    },
    KeyTable {
        header: "[cost]",
        keys: &[
            Key::new("downtime_loss_per_hour", "number", "required", "0 to 1e12"),
            Key::new("recaptured_share", "number", "0.4", "0 to 1"),
            Key::new("hourly_rate", "number", "required", "0 to 1e6"),
            Key::new(
                "fix_effort_hours",
                "dist, >= 0",
                "`{ triangular = [16, 40, 80] }`",
                "",
            ),
            Key::new("war_room_week_cost", "number", "required", "0 to 1e12"),
            Key::new(
                "war_room_weeks",
                "curve",
                "`{ g0 = 52, g1 = 0 }`",
                "0 to 520",
            ),
            Key::new(
                "war_room_spread",
                "dist, >= 0",
                "`{ triangular = [0.7, 1.0, 1.3] }`",
                "",
            ),
            Key::new("overrun_staffing_factor", "number", "1.0", "0 to 100"),
        ],
    },
    KeyTable {
        header: "[strategies.<id>]",
        keys: &[
            Key::new(
                "label",
                "string",
                "the id",
                "not blank; no leading or trailing spaces; one line, no control characters; unique among the strategies; at most 48 characters; only characters the charts draw (see below)",
            ),
            Key::new(
                "governance",
                "number, or a table of four booleans",
                "required when a value depends on g",
                "0 to 1, or `{ raci = .., api_owner = .., olas = .., integrator = .. }`, each `true` or `false` (g = the share true)",
            ),
            Key::new("plan_multiplier", "number", "1.0", "0.01 to 100"),
            Key::new("vendor_seam", "boolean", "false", ""),
            Key::new("responsibility_matrix", "boolean", "false", ""),
            Key::new("weekly_burn", "number", "required", "0 to 1e12"),
            Key::new("responders", "number", "5", "0 to 1e4"),
            Key::new("api_failure_rate", "curve", "required", "0 to 1e4"),
            Key::new("other_fix_rate", "curve", "required", "0 to 1e4"),
            Key::new("headroom_median", "curve", "required", "1e-6 to 1e6"),
            Key::new("headroom_sigma", "curve", "required", "0 to 10"),
            Key::new("ttr_median_hours", "curve", "required", "1e-6 to 1e5"),
            Key::new(
                "walk_away_unresolved_probability",
                "curve",
                "required",
                "0 to 1",
            ),
            Key::new("walk_away_degraded_weeks", "dist, >= 0", "required", ""),
            Key::new("quote_weeks", "number", "none", "0.1 to 1040"),
            Key::new("estimate", "dist, > 0", "`build.estimate`", ""),
            Key::new(
                "target_weeks",
                "number",
                "`build.target_weeks`, else the strategy's plan",
                "0.1 to 5200",
            ),
            Key::new(
                "support",
                "string, or array of tables",
                "`\"24x7\"`",
                "`\"24x7\"`, `\"extended\"`, `\"business-hours\"`, or `[{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }, ...]` with no hour twice",
            ),
        ],
    },
    KeyTable {
        header: "[[risks]]",
        keys: &[
            Key::new(
                "name",
                "string",
                "required",
                "unique; not blank; no leading or trailing spaces; one line, no control characters; at most 64 characters; only characters the charts draw (see below)",
            ),
            Key::new(
                "probability",
                "curve, or a table of one curve per strategy id",
                "required",
                "0 to 1",
            ),
            Key::new("build_extra_share", "dist, >= 0", "none", ""),
            Key::new("delay_weeks", "dist, >= 0", "none", ""),
            Key::new("tail_extra_share", "dist, >= 0", "none", ""),
            Key::new(
                "tail_multiplier_cap",
                "number",
                "10",
                "1 to 1e6; only with `tail_extra_share` (alone it would cap nothing, and is refused)",
            ),
            Key::new("api_failure_multiplier", "number", "1", "0 to 1e4"),
            Key::new("walk_away", "boolean", "false", ""),
        ],
    },
    KeyTable {
        header: "[[events]]",
        keys: &[
            Key::new(
                "name",
                "string",
                "required",
                "unique; 1 to 64 lower-case letters, digits and underscores, starting with a letter",
            ),
            Key::new("week", "number", "required", "0 to 5200"),
            Key::new("multiple", "dist, >= 0", "required", ""),
            Key::new("outage_hours", "dist, >= 0", "`surges.failure_hours`", ""),
            Key::new("freeze_weeks", "number", "0", "0 to 520"),
        ],
    },
    KeyTable {
        header: "[[claims]]",
        keys: &[
            Key::new(
                "id",
                "string",
                "`claim_<n>`",
                "not blank; unique; one line; at most 48 characters",
            ),
            Key::new("text", "string", "required", "not blank; one line"),
            Key::new("source", "string", "`\"\"`", ""),
            Key::new("metric", "string", "required", "a metric id"),
            Key::new(
                "per",
                "string",
                "none",
                "a metric id; only with a statistic of means",
            ),
            Key::new(
                "strategy",
                "string",
                "required, or `strategies`",
                "a strategy id of this scenario",
            ),
            Key::new(
                "strategies",
                "array of two strings",
                "required, or `strategy`",
                "two strategy ids of this scenario",
            ),
            Key::new(
                "statistic",
                "string",
                "required",
                "`mean`, `median`, `p1` ... `p99`, `share_above`, `share_below`, `variance_to_mean`, or a pair form such as `ratio_of_medians`",
            ),
            Key::new(
                "threshold",
                "number",
                "none",
                "only with `share_above`, `share_below` and their pair forms (which need it)",
            ),
            Key::new("min", "number", "none", "at most `max`; 0 to 1 for a share"),
            Key::new("max", "number", "none", "0 to 1 for a share"),
            Key::new(
                "target",
                "number",
                "none",
                "with `tolerance`, not with `min` or `max`",
            ),
            Key::new("tolerance", "number", "none", ">= 0; only with `target`"),
            Key::new(
                "set",
                "array of strings",
                "`[]`",
                "`KEY.PATH=VALUE` overrides, as `--set`; not `trials` or `seed`",
            ),
            Key::new(
                "set_a",
                "array of strings",
                "`[]`",
                "as `set`; only with a pair statistic",
            ),
            Key::new(
                "set_b",
                "array of strings",
                "`[]`",
                "as `set`; only with a pair statistic",
            ),
        ],
    },
    KeyTable {
        header: "[sensitivity]",
        keys: &[
            Key::new("swing", "number", "0.2", "0 to 0.95"),
            Key::new(
                "ranges",
                "table of key path = [low, high]",
                "none",
                "each end an allowed value of the key; low < high",
            ),
        ],
    },
    KeyTable {
        header: "[report]",
        keys: &[
            Key::new("title", "string", "the scenario's `title`", "as `title`"),
            Key::new(
                "subtitle",
                "string",
                "none",
                "as `title`, at most 160 characters",
            ),
            Key::new(
                "audience",
                "string",
                "`\"analyst\"`",
                "`\"analyst\"` or `\"board\"`",
            ),
        ],
    },
    KeyTable {
        header: "[decision]",
        keys: &[Key::new(
            "statistic",
            "string",
            "`\"p80\"`",
            "`\"p50\"`, `\"p80\"`, `\"p90\"`, `\"p95\"` or `\"mean\"`",
        )],
    },
];

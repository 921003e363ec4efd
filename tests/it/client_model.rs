//! A client's own facts (MODEL.md §8.1-8.5), each against a hand-computed value or
//! a closed form: vendor quotes and per-strategy estimates, `on_time`, support
//! calendars and the incident wait, governance from practices, known peak events
//! with code freezes, and surge losses that scale with the traffic.
//!
//! Most tests run a deterministic project: no latent complexity, a constant
//! estimate, no risks, no random surges, no API failures or other fixes, so that
//! every metric of every trial is a number one can work out by hand.

use std::sync::atomic::AtomicBool;

use tradeoff_sim::engine::{self, RunPlan};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::{self, Scenario};
use tradeoff_sim::stats::Samples;

use crate::common::{listing, root, run_in, stderr};

/// A project whose every number is known: build 40 weeks, no incidents, no
/// random surges; surge failures last 10 hours at half the checkouts.
const DETERMINISTIC: &str = r#"
trials = 4096
seed = 5

[drivers]
complexity_on_build = 0
complexity_on_frailty = 0

[build]
plan_weeks = 40
estimate = 1
matrix_onboarding_weeks = 0

[api]
fix_probability = 1

[surges]
events_per_window = 0
failure_hours = 10
impact_fraction = 0.5

[churn]
customers = 1000
lifetime_value = 100

[cost]
downtime_loss_per_hour = 1000
recaptured_share = 0.4
hourly_rate = 100
war_room_week_cost = 0
fix_effort_hours = 10

[strategies.solo]
governance = 0.5
weekly_burn = 10000
api_failure_rate = 0
other_fix_rate = 0
headroom_median = 14
headroom_sigma = 0
ttr_median_hours = 1
walk_away_unresolved_probability = 0
walk_away_degraded_weeks = 0
"#;

fn read(text: &str) -> Scenario {
    scenario::from_str(text, "client").unwrap_or_else(|p| panic!("a valid scenario: {p:#?}"))
}

fn simulate(s: &Scenario) -> Samples {
    let plan = RunPlan {
        trials: s.trials,
        seed: s.seed,
        threads: 1,
    };
    engine::simulate(&Model::new(s), &plan, &AtomicBool::new(false)).expect("a run")
}

/// The one value every trial of strategy `s` has for `metric` (the run is
/// deterministic in it), or a failure naming the spread.
fn only_value(samples: &Samples, s: usize, metric: Metric) -> f64 {
    let column = samples.column(s, metric);
    let first = column[0];
    assert!(
        column.iter().all(|&x| x.to_bits() == first.to_bits()),
        "{} varies across trials",
        metric.id()
    );
    first
}

/// `DETERMINISTIC` with `extra` appended to the strategy's table and `tail`
/// appended at the end of the file.
fn with(extra: &str, tail: &str) -> String {
    format!("{DETERMINISTIC}{extra}\n{tail}")
}

const BLACK_FRIDAY: &str = r#"
[[events]]
name = "black_friday"
week = 46
multiple = 20
"#;

#[test]
fn a_vendor_quote_is_the_plan_and_an_own_estimate_moves_only_its_strategy() {
    let s = read(&with("quote_weeks = 32", ""));
    let x = simulate(&s);
    assert_eq!(
        only_value(&x, 0, Metric::BuildWeeks),
        32.0,
        "quote x estimate 1"
    );
    assert_eq!(only_value(&x, 0, Metric::ScheduleSlip), 1.0);
    assert_eq!(only_value(&x, 0, Metric::BudgetOverrun), 1.0);
    assert_eq!(
        only_value(&x, 0, Metric::OnTime),
        1.0,
        "target = plan = quote"
    );

    // A vendor known to slip 25%: build 40 against a quote of 32.
    let s = read(&with("quote_weeks = 32\nestimate = 1.25", ""));
    let x = simulate(&s);
    assert_eq!(only_value(&x, 0, Metric::BuildWeeks), 40.0);
    assert_eq!(only_value(&x, 0, Metric::ScheduleSlip), 1.25);
    // Build cost = burn x weeks x (1 + (slip - 1)) = 10,000 x 40 x 1.25; budget 10,000 x 32.
    assert_eq!(only_value(&x, 0, Metric::BuildCost), 500_000.0);
    assert_eq!(
        only_value(&x, 0, Metric::BudgetOverrun),
        500_000.0 / 320_000.0
    );
    assert_eq!(
        only_value(&x, 0, Metric::OnTime),
        0.0,
        "40 weeks against 32"
    );

    let s = read(&with(
        "quote_weeks = 32\nestimate = 1.25\ntarget_weeks = 40",
        "",
    ));
    assert_eq!(
        only_value(&simulate(&s), 0, Metric::OnTime),
        1.0,
        "40 <= 40"
    );
}

#[test]
fn on_time_is_reported_only_when_a_target_or_a_quote_is_stated() {
    assert!(!read(DETERMINISTIC).metrics().contains(&Metric::OnTime));
    let global = DETERMINISTIC.replace("plan_weeks = 40", "plan_weeks = 40\ntarget_weeks = 39");
    let s = read(&global);
    assert!(s.metrics().contains(&Metric::OnTime));
    assert_eq!(only_value(&simulate(&s), 0, Metric::OnTime), 0.0, "40 > 39");
    assert!(
        read(&with("target_weeks = 50", ""))
            .metrics()
            .contains(&Metric::OnTime)
    );
}

/// A strategy with the same parameters as `solo` under another id.
fn twin(id: &str, extra: &str) -> String {
    let table = &DETERMINISTIC[DETERMINISTIC.find("[strategies.solo]").expect("solo")..];
    format!(
        "\n{}{extra}\n",
        table.replace("[strategies.solo]", &format!("[strategies.{id}]"))
    )
}

/// Strategies that state the same estimate share its draw (common random
/// numbers); a strategy on the scenario's estimate draws exactly what it drew
/// before any other strategy stated one.
#[test]
fn strategies_with_the_same_estimate_share_its_draw() {
    let global =
        DETERMINISTIC.replace("estimate = 1\n", "estimate = { pert = [0.9, 1.0, 1.35] }\n");
    let slip = "estimate = { pert = [1.0, 1.2, 1.5] }";
    let text = format!(
        "{global}{}{}{}",
        twin("forge", slip),
        twin("anvil", slip),
        twin("other", "estimate = { pert = [1.0, 1.1, 1.3] }")
    );
    let x = simulate(&read(&text));
    let build = |s: usize| x.column(s, Metric::BuildWeeks);
    assert_eq!(build(1), build(2), "forge and anvil share the draw");
    assert_ne!(build(1), build(3));
    let spread = build(1)
        .iter()
        .fold(0.0f64, |m, &b| m.max((b - build(1)[0]).abs()));
    assert!(spread > 1.0, "the shared estimate varies across trials");
    let alone = simulate(&read(&global));
    assert_eq!(
        build(0),
        alone.column(0, Metric::BuildWeeks),
        "solo keeps its draws"
    );
    // The shared draw does not depend on which strategies state it.
    let one = simulate(&read(&format!("{global}{}", twin("anvil", slip))));
    assert_eq!(build(2), one.column(1, Metric::BuildWeeks));
}

#[test]
fn governance_from_practices_is_their_share_and_raci_switches_the_matrix() {
    let practices = |raci: bool, rest: &str| {
        format!("{{ raci = {raci}, api_owner = true, olas = false, integrator = false }}{rest}")
    };
    let text = |governance: &str| {
        DETERMINISTIC.replace(
            "governance = 0.5\n",
            &format!("governance = {governance}\nvendor_seam = true\n"),
        )
    };
    let s = read(&text(&practices(true, "")));
    assert_eq!(s.strategies[0].governance, 0.5, "two of four practices");
    assert!(s.strategies[0].responsibility_matrix, "raci = true");
    let s = read(&text(&practices(false, "")));
    assert_eq!(s.strategies[0].governance, 0.25);
    assert!(!s.strategies[0].responsibility_matrix);
    let s = read(&text(&practices(true, "\nresponsibility_matrix = false")));
    assert!(
        !s.strategies[0].responsibility_matrix,
        "the strategy's own switch wins"
    );
    // g reaches the model: coordination C = 1 + 0.25 x (2.5 - 1) x (1 - 0.25).
    let s = read(&text(&practices(false, "")));
    let build = only_value(&simulate(&s), 0, Metric::BuildWeeks);
    assert!(
        (build - 40.0 * (1.0 + 0.25 * 1.5 * 0.75)).abs() < 1e-9,
        "{build}"
    );
    // A number stays allowed, and reads the same as the practices it equals.
    let number = simulate(&read(&text("0.25")));
    let from_practices = simulate(&read(&text(&practices(false, ""))));
    for m in Metric::ALL {
        assert_eq!(
            number.column(0, m),
            from_practices.column(0, m),
            "{}",
            m.id()
        );
    }
}

/// MODEL.md §8.2: the sampled wait of a customer-facing incident under business
/// hours has the closed-form mean 15.24 h. Two runs differ only in the calendar,
/// so every incident, recovery time and impact is the same in both; with every
/// incident hitting all checkouts, the downtime differs by exactly the waits.
#[test]
fn business_hours_add_the_closed_form_mean_wait_to_downtime_only() {
    let busy = DETERMINISTIC
        .replace("api_failure_rate = 0", "api_failure_rate = 20")
        .replace("[surges]", "[incidents]\nimpact_fraction = 1\n\n[surges]");
    let always = read(&busy);
    let business = read(&busy.replace(
        "ttr_median_hours = 1\n",
        "ttr_median_hours = 1\nsupport = \"business-hours\"\n",
    ));
    let (a, b) = (simulate(&always), simulate(&business));
    for m in [Metric::Incidents, Metric::IncidentHours, Metric::OpsCost] {
        assert_eq!(a.column(0, m), b.column(0, m), "{} counts TTR only", m.id());
    }
    let incidents: f64 = a.column(0, Metric::Incidents).iter().sum();
    let waits: f64 = b
        .column(0, Metric::DowntimeHours)
        .iter()
        .zip(a.column(0, Metric::DowntimeHours))
        .map(|(b, a)| b - a)
        .sum();
    let mean = waits / incidents;
    // The wait W of a uniform start: E[W] = sum L^2/2 / 168 = 15.238 h and
    // E[W^2] = sum L^3/3 / 168 over the gaps L (four of 16 h, one of 64 h).
    let closed = (4.0 * 16f64.powi(2) / 2.0 + 64f64.powi(2) / 2.0) / 168.0;
    let second = (4.0 * 16f64.powi(3) / 3.0 + 64f64.powi(3) / 3.0) / 168.0;
    let se = ((second - closed * closed) / incidents).sqrt();
    assert!(incidents > 50_000.0, "{incidents} incidents");
    assert!(
        (mean - closed).abs() < 4.5 * se,
        "mean wait {mean} h against {closed} h (se {se})"
    );
    // A calendar written out as business hours is business hours, and 24x7 is the default.
    let listed = read(&busy.replace(
        "ttr_median_hours = 1\n",
        "ttr_median_hours = 1\nsupport = [{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }]\n",
    ));
    let c = simulate(&listed);
    assert_eq!(
        c.column(0, Metric::DowntimeHours),
        b.column(0, Metric::DowntimeHours)
    );
    let explicit = read(&busy.replace(
        "ttr_median_hours = 1\n",
        "ttr_median_hours = 1\nsupport = \"24x7\"\n",
    ));
    assert_eq!(
        simulate(&explicit).column(0, Metric::DowntimeHours),
        a.column(0, Metric::DowntimeHours)
    );
}

/// MODEL.md §8.4-8.5 by hand: the platform launches at week 40, so Black Friday
/// (week 46) falls in its horizon; 20x traffic against a headroom of 14x fails,
/// for 10 hours at half the checkouts: 5 impact-weighted hours, one surge
/// failure, one emergency fix (fix probability 1) of 10 hours at 100 an hour.
#[test]
fn a_met_event_above_the_headroom_is_a_surge_failure_costed_at_its_traffic() {
    let s = read(&with("", BLACK_FRIDAY));
    let x = simulate(&s);
    let value = |m: Metric| only_value(&x, 0, m);
    assert_eq!(value(Metric::event_live("black_friday")), 1.0);
    assert_eq!(value(Metric::event_failure("black_friday")), 1.0);
    assert_eq!(value(Metric::FreezeWaitWeeks), 0.0);
    assert_eq!(value(Metric::SurgeFailures), 1.0);
    assert_eq!(value(Metric::ApiFailure), 1.0);
    assert_eq!(value(Metric::EmergencyFixes), 1.0);
    assert_eq!(value(Metric::DowntimeHours), 5.0);
    assert_eq!(value(Metric::OpsCost), 1000.0);
    // Loss = hours x impact x loss per hour x (1 - recaptured) x S = 5 x 1000 x 0.6 x 20.
    assert!((value(Metric::DowntimeLoss) - 60_000.0).abs() < 1e-6);
    // Churn counts the 5 hours, not the traffic.
    let churn = 1.0 - (-0.25 * 0.15 * 5.0 / 168.0f64).exp();
    assert!((value(Metric::ChurnShare) - churn).abs() < 1e-15);

    let unscaled = DETERMINISTIC.replace(
        "impact_fraction = 0.5\n",
        "impact_fraction = 0.5\nloss_scales_with_traffic = false\n",
    );
    let x = simulate(&read(&format!("{unscaled}{BLACK_FRIDAY}")));
    assert!((only_value(&x, 0, Metric::DowntimeLoss) - 3_000.0).abs() < 1e-9);

    // A headroom above the multiple: live, no failure, nothing lost.
    let x = simulate(&read(
        &with("", BLACK_FRIDAY).replace("headroom_median = 14", "headroom_median = 25"),
    ));
    assert_eq!(only_value(&x, 0, Metric::event_live("black_friday")), 1.0);
    assert_eq!(
        only_value(&x, 0, Metric::event_failure("black_friday")),
        0.0
    );
    assert_eq!(only_value(&x, 0, Metric::DowntimeHours), 0.0);
}

/// A launch due at week 40, inside an eight-week freeze before Black Friday
/// ([38, 46)), waits until week 47: seven weeks of calendar time that miss the
/// event, make a week-45 target late, and cost nothing.
#[test]
fn a_launch_in_a_code_freeze_waits_for_the_week_after_the_event() {
    let freeze = format!("{BLACK_FRIDAY}freeze_weeks = 8\n");
    let target = "target_weeks = 45";
    let x = simulate(&read(&with(target, &freeze)));
    let value = |m: Metric| only_value(&x, 0, m);
    assert_eq!(value(Metric::FreezeWaitWeeks), 7.0);
    assert_eq!(value(Metric::event_live("black_friday")), 0.0, "live at 47");
    assert_eq!(value(Metric::event_failure("black_friday")), 0.0);
    assert_eq!(value(Metric::OnTime), 0.0, "launch 47 against 45");
    assert_eq!(
        value(Metric::BuildWeeks),
        40.0,
        "the wait is not build time"
    );
    assert_eq!(value(Metric::ScheduleSlip), 1.0);
    assert_eq!(value(Metric::BuildCost), 400_000.0);
    // Without the freeze it launches at 40, on time, and meets the event.
    let x = simulate(&read(&with(target, BLACK_FRIDAY)));
    assert_eq!(only_value(&x, 0, Metric::OnTime), 1.0);
    assert_eq!(only_value(&x, 0, Metric::FreezeWaitWeeks), 0.0);
}

/// An event's multiple comes from its own substream: adding an event that never
/// fails changes no number of the seed scenario.
#[test]
fn adding_an_event_changes_no_other_draw() {
    let seed = std::fs::read_to_string(root().join("scenarios/seed.toml"))
        .expect("seed.toml")
        .replace("trials = 200000", "trials = 8192");
    let with_event = format!(
        "{seed}\n[[events]]\nname = \"harmless\"\nweek = 40\nmultiple = 0\nfreeze_weeks = 0\n"
    );
    let (a, b) = (simulate(&read(&seed)), simulate(&read(&with_event)));
    for s in 0..a.strategies() {
        for m in Metric::ALL {
            assert_eq!(a.column(s, m), b.column(s, m), "strategy {s}, {}", m.id());
        }
        let live: f64 = b.column(s, Metric::event_live("harmless")).iter().sum();
        assert!(live > 0.0, "the event is met in some trials");
    }
}

#[test]
fn a_scenario_without_the_new_keys_reports_only_the_base_metrics() {
    let seed = std::fs::read_to_string(root().join("scenarios/seed.toml")).expect("seed.toml");
    assert_eq!(read(&seed).metrics(), Metric::ALL.to_vec());
    let s = read(&with("", BLACK_FRIDAY));
    let ids: Vec<&str> = s.metrics()[Metric::ALL.len()..]
        .iter()
        .map(|m| m.id())
        .collect();
    assert_eq!(
        ids,
        [
            "freeze_wait_weeks",
            "event_live.black_friday",
            "event_failure.black_friday"
        ]
    );
}

/// Each bad value of a new key is refused at its line, with what is allowed.
#[test]
fn bad_client_facts_are_refused_at_their_key_and_line() {
    let cases: [(&str, &str, &str, &str); 10] = [
        (
            "support = \"weekends\"",
            "",
            "strategies.solo.support",
            "unknown support calendar",
        ),
        (
            "support = [{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }, { days = \"fri\", from = \"16:00\", to = \"20:00\" }]",
            "",
            "strategies.solo.support[1]",
            "covers hours that strategies.solo.support[0] covers too",
        ),
        (
            "support = [{ days = \"mon\", from = \"18:00\", to = \"09:00\" }]",
            "",
            "strategies.solo.support[0].to",
            "must be later in the day than `from`",
        ),
        (
            "support = [{ days = \"monday\", from = \"09:00\", to = \"17:00\" }]",
            "",
            "strategies.solo.support[0].days",
            "expected days such as",
        ),
        (
            "quote_weeks = 0",
            "",
            "strategies.solo.quote_weeks",
            "between 0.1 and 1040",
        ),
        (
            "estimate = { pert = [-1, 1, 2] }",
            "",
            "strategies.solo.estimate",
            "> 0",
        ),
        (
            "",
            "[[events]]\nname = \"Black Friday\"\nweek = 46\nmultiple = 12\n",
            "events[0].name",
            "lower-case letters",
        ),
        (
            "",
            "[[events]]\nname = \"bf\"\nmultiple = 12\n",
            "events[0].week",
            "missing",
        ),
        (
            "",
            "[[events]]\nname = \"bf\"\nweek = 46\nmultiple = 12\n[[events]]\nname = \"bf\"\nweek = 50\nmultiple = 3\n",
            "events[1].name",
            "duplicate event name",
        ),
        (
            "",
            "[surges]\nloss_scales_with_traffic = 1\n",
            "surges.loss_scales_with_traffic",
            "expected true or false",
        ),
    ];
    for (extra, tail, key, message) in cases {
        // `[surges]` twice is a TOML error: that case replaces the table's line instead.
        let text = if tail.starts_with("[surges]") {
            DETERMINISTIC.replace(
                "impact_fraction = 0.5\n",
                "impact_fraction = 0.5\nloss_scales_with_traffic = 1\n",
            )
        } else {
            with(extra, tail)
        };
        let problems = scenario::from_str(&text, "client").expect_err(key);
        let problem = problems
            .iter()
            .find(|p| p.key == key)
            .unwrap_or_else(|| panic!("no problem at {key}: {problems:#?}"));
        assert!(
            problem.message.contains(message),
            "{key}: {}",
            problem.message
        );
        let line = text
            .lines()
            .nth(problem.line - 1)
            .expect("the problem's line");
        let written = key.rsplit('.').next().unwrap_or(key);
        let written = written.split('[').next().unwrap_or(written);
        assert!(
            line.contains(written) || line.starts_with("[[events]]"),
            "{key}: line {} is {line:?}",
            problem.line
        );
    }
    let practices = DETERMINISTIC.replace(
        "governance = 0.5",
        "governance = { raci = true, api_owner = \"yes\", olas = false }",
    );
    let problems = scenario::from_str(&practices, "client").expect_err("bad practices");
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert!(
        keys.contains(&"strategies.solo.governance.api_owner")
            && keys.contains(&"strategies.solo.governance.integrator"),
        "{problems:#?}"
    );
}

/// On the command line: a bad calendar exits 2 with file:line:col and writes
/// nothing; `--metric on_time` on a scenario without a target or quote is refused.
#[test]
fn the_command_line_refuses_bad_facts_and_metrics_a_scenario_does_not_report() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = with("support = \"weekends\"", "");
    std::fs::write(dir.path().join("client.toml"), &text).expect("write");
    let before = listing(dir.path());
    let o = run_in(dir.path(), &["run", "client.toml", "--trials", "100"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let line = text
        .lines()
        .position(|l| l.starts_with("support"))
        .expect("the line")
        + 1;
    assert!(
        stderr(&o).contains(&format!(
            "client.toml:{line}:11: strategies.solo.support: unknown support calendar \"weekends\""
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(dir.path()), before, "nothing written");

    std::fs::write(dir.path().join("plain.toml"), DETERMINISTIC).expect("write");
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            "plain.toml",
            "--param",
            "strategies.solo.governance",
            "--values",
            "0.2,0.8",
            "--metric",
            "on_time",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("on_time is reported only when the scenario states a target"),
        "{}",
        stderr(&o)
    );
    let claim = format!(
        "{DETERMINISTIC}\n[[claims]]\ntext = \"x\"\nmetric = \"event_live.bf\"\nstrategy = \"solo\"\nstatistic = \"mean\"\nmin = 0\n"
    );
    let problems = scenario::from_str(&claim, "client").expect_err("an unreported metric");
    assert!(
        problems
            .iter()
            .any(|p| p.key == "claims[0].metric" && p.message.contains("no [[events]]")),
        "{problems:#?}"
    );
}

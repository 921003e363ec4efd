//! The compare chart holds up to 8 scenarios with long names: every name is in
//! the key in full (none cut, so no two read alike), every whisker label and
//! every key line has one type size, and no text leaves the page or overlaps.

use tradeoff_sim::output::chart::folder_text_boxes;

use crate::common::{assert_success, run_in, scenario};

const LONG_NAMES: [&str; 7] = [
    "Forge slips twenty percent on the build",
    "Weak hybrid governance across both vendors",
    "Two busy traffic peaks every six months",
    "Pixel agency charges a higher weekly burn",
    "Downtime costs double the revenue per hour",
    "More customers with higher lifetime value",
    "Ironclad hybrid gets a longer plan to build",
];

const SETTINGS: [&str; 7] = [
    "strategies.backend_led.plan_multiplier=1.58",
    "strategies.hybrid.governance=0.2",
    "surges.events_per_window=2",
    "strategies.ux_led.weekly_burn=60000",
    "cost.downtime_loss_per_hour=22800",
    "churn.customers=800000",
    "strategies.hybrid_ironclad.plan_multiplier=1.3",
];

#[test]
fn eight_scenarios_with_long_names_are_each_named_in_full_at_one_size() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let seed = scenario("seed.toml");
    let variants: Vec<String> = LONG_NAMES
        .iter()
        .zip(SETTINGS)
        .map(|(name, set)| format!("{name}: {set}"))
        .collect();
    let mut args = vec!["compare", seed.to_str().expect("a UTF-8 path")];
    for v in &variants {
        args.extend(["--variant", v.as_str()]);
    }
    args.extend(["--trials", "400", "--charts", "svg", "--out", "cmp"]);
    assert_success(&run_in(dir.path(), &args), "compare with 8 scenarios");
    let out = dir.path().join("cmp");
    let charts = folder_text_boxes(&out).expect("the compare charts lay out");
    assert_eq!(charts.len(), 4);
    for (chart, boxes) in charts {
        crate::charts::assert_text_fits(&chart, &boxes);
        let all: String = boxes
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for name in LONG_NAMES {
            assert!(all.contains(name), "{chart}: {name:?} is not named in full");
        }
        assert!(!all.contains('…'), "{chart}: a text is cut: {all}");
        // The key's tags and the whiskers' tags: A..H, each at one size.
        let tags: Vec<_> = boxes
            .iter()
            .filter(|b| b.text.len() == 1 && ("A"..="H").contains(&b.text.as_str()))
            .collect();
        assert!(tags.len() >= 8, "{chart}: tags {tags:?}");
        let sizes: std::collections::BTreeSet<u64> =
            tags.iter().map(|b| (b.size * 10.0) as u64).collect();
        assert!(
            sizes.len() <= 2,
            "{chart}: one size in the key, one on the whiskers: {sizes:?}"
        );
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{chart}.svg")))
            .expect("the SVG");
        for name in LONG_NAMES {
            assert!(svg.contains(name), "{chart}.svg lacks {name:?}");
        }
    }
}

//! The live page's reading of a slider's change (`scenario::edit`: the file
//! parsed once, each change applied to that document) gives exactly what
//! reading the file with `--set` gives: the same scenario, or the same problems,
//! in the same words and places.

use tradeoff_sim::scenario::edit::{Editor, Source};
use tradeoff_sim::scenario::{Override, ScenarioError, ScenarioSource, from_path_with};

use crate::common::scenario;

/// What a reading gave, comparable: the scenario (without the path it was
/// read from, which the editor never has) or the problems.
fn outcome(result: Result<tradeoff_sim::scenario::Scenario, ScenarioError>) -> String {
    match result {
        Ok(mut s) => {
            s.source = None;
            format!("{s:?}")
        }
        Err(ScenarioError::Invalid { problems, .. }) => format!("problems {problems:?}"),
        Err(e) => format!("error {e}"),
    }
}

#[test]
fn an_override_on_the_parsed_file_reads_as_the_command_line_reads_it_errors_too() {
    let cases: &[(&str, &[&str])] = &[
        ("seed.toml", &[]),
        ("seed.toml", &["strategies.hybrid.governance=0.7"]),
        (
            "seed.toml",
            &[
                "strategies.hybrid.governance=0.7",
                "strategies.ux_led.weekly_burn=57500",
            ],
        ),
        ("seed.toml", &["strategies.hybrid.governance=1.7"]),
        ("seed.toml", &["strategies.hybird.governance=0.3"]),
        ("seed.toml", &["risks[99].probability=0.1"]),
        (
            "seed.toml",
            &["surges.multiple={ lognormal = { median = 3.1, sigma = 0.6 } }"],
        ),
        ("seed.toml", &["surges.events_per_window=-1"]),
        ("seed.toml", &["title=Q3 board"]),
        ("seed.toml", &["strategies.hybrid.governance="]),
        ("peak-season.toml", &["strategies.ux_led.weekly_burn=40000"]),
        ("examples/northwind.toml", &[]),
        (
            "examples/northwind.toml",
            &[
                "strategies.hybrid.governance.raci=false",
                "events[0].multiple=6",
            ],
        ),
        ("examples/northwind.toml", &["events[0].multiple=-6"]),
    ];
    let mut refused = 0;
    for (file, specs) in cases {
        let path = scenario(file);
        let overrides: Vec<Override> = specs
            .iter()
            .map(|s| Override::parse(s).expect("KEY=VALUE"))
            .collect();
        let cli = outcome(from_path_with(&path, &overrides));
        let read = ScenarioSource::read(&path).expect("the file reads");
        let text = std::str::from_utf8(&read.bytes).expect("UTF-8");
        let stem = path.file_stem().expect("a stem").to_string_lossy();
        let source = Source::new(&path.display().to_string(), &stem, text, read.bases.clone());
        let editor = Editor::new(&source);
        // The same editor, read again and again, as a slider moves.
        for _ in 0..2 {
            let live = outcome(editor.read(&overrides));
            assert_eq!(live, cli, "{file} {specs:?}");
        }
        if cli.starts_with("problems") {
            refused += 1;
        }
    }
    assert!(refused >= 5, "only {refused} cases were refused");
}

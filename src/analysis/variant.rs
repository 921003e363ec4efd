//! What-if variants of one scenario: a name and the overrides that turn the
//! scenario (with its `--set`) into the variant, as `compare` and `sweep` take
//! them from `--variant "NAME: KEY=VALUE; KEY=VALUE"`.
//!
//! Owns the rules every variant obeys whatever the command (unique names, none
//! called [`BASE`], no `seed` or `trials`, since every variant runs on the base's
//! random numbers), and reading the scenario under a variant, with each problem
//! named by the variant it came from. The text syntax is parsed in `cli`; this
//! module must not parse command-line text, run the model or write anything.

use crate::scenario::{Override, Problem, Scenario, ScenarioError, ScenarioSource};

/// The name of the scenario as written (file and `--set`), beside its variants.
pub const BASE: &str = "base";

/// Most characters in a variant's name: it labels a column of the console table
/// and a marker or panel on the charts, like a strategy's label.
pub const MAX_NAME_CHARS: usize = crate::scenario::MAX_LABEL_CHARS;

/// Keys a variant may not set: every variant runs on the base's trials and seed
/// (common random numbers), so differences are the variant's doing, not noise.
pub const FIXED_KEYS: [&str; 2] = ["trials", "seed"];

/// One variant: the scenario with `overrides` applied after the command's
/// `--set`, in order, each checked like a line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// What the variant is called in tables, CSV and charts: the name the user
    /// gave, else its overrides ([`Variant::overrides_text`]).
    pub name: String,
    /// Whether the user gave the name.
    pub named: bool,
    /// At least one, no key twice.
    pub overrides: Vec<Override>,
}

impl Variant {
    /// The overrides as one line: `KEY=VALUE; KEY=VALUE`.
    pub fn overrides_text(&self) -> String {
        self.overrides
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// How messages name the variant: `--variant "Weak hybrid"`.
    pub fn origin(&self) -> String {
        format!("--variant {:?}", self.name)
    }
}

/// Refuses variants that could not be told apart, or that would not run on the
/// base's random numbers: a name given twice, a variant named [`BASE`], a
/// variant that sets `trials` or `seed`. The message is the whole sentence.
pub fn check(variants: &[Variant]) -> Result<(), String> {
    for (i, v) in variants.iter().enumerate() {
        if v.name == BASE {
            return Err(format!(
                "{}: `{BASE}` names the scenario without variants; give this variant another name",
                v.origin()
            ));
        }
        if variants[..i].iter().any(|w| w.name == v.name) {
            return Err(format!(
                "{}: two variants have this name; give each variant its own name (NAME: KEY=VALUE; ...)",
                v.origin()
            ));
        }
        if let Some(o) = v
            .overrides
            .iter()
            .find(|o| FIXED_KEYS.contains(&o.key.as_str()))
        {
            return Err(format!(
                "{}: sets {}; every variant runs on the base's trials and seed (common random numbers): set them for all with --{}",
                v.origin(),
                o.key,
                o.key
            ));
        }
    }
    Ok(())
}

/// The scenario of `source` under `base` (the command's `--set`), then the
/// variant's overrides, then `extra` (a sweep point's value), in that order.
///
/// A problem in one of the variant's overrides is named `--variant "NAME":
/// KEY=VALUE: key: problem`, as a `--set` problem is named `--set KEY=VALUE: ...`;
/// a problem the variant causes in the file keeps its `file:line:col`, followed
/// by `under --variant "NAME"`.
pub fn scenario_of(
    source: &ScenarioSource,
    base: &[Override],
    variant: &Variant,
    extra: &[Override],
) -> Result<Scenario, ScenarioError> {
    let mut overrides = base.to_vec();
    overrides.extend(variant.overrides.iter().cloned());
    overrides.extend(extra.iter().cloned());
    let mut scenario = source.parse(&overrides).map_err(|e| match e {
        ScenarioError::Invalid { path, problems } => {
            let problems = problems
                .into_iter()
                .map(|p| name_the_variant(p, &path, variant))
                .collect();
            ScenarioError::Invalid { path, problems }
        }
        other => other,
    })?;
    // The reader names an override `--set KEY=VALUE` in its warnings too; one of
    // the variant's own says which variant wrote it.
    for warning in &mut scenario.warnings {
        if let Some(o) = variant
            .overrides
            .iter()
            .find(|o| warning.starts_with(&format!("--set {o}: ")))
        {
            let rest = &warning[format!("--set {o}").len()..];
            *warning = if variant.named {
                format!("--variant {:?}: {o}{rest}", variant.name)
            } else {
                format!("--variant {o}{rest}")
            };
        }
    }
    Ok(scenario)
}

/// The warnings of a variant's reading that its base's reading did not give: what
/// the variant's own overrides write that changes nothing (MODEL.md §8.8).
pub fn own_warnings<'a>(base: &Scenario, variant: &'a Scenario) -> Vec<&'a str> {
    variant
        .warnings
        .iter()
        .filter(|w| !base.warnings.contains(w))
        .map(String::as_str)
        .collect()
}

/// Names `variant` in a problem that lies in one of its overrides or in the file.
fn name_the_variant(mut problem: Problem, path: &std::path::Path, variant: &Variant) -> Problem {
    match &problem.origin {
        Some(origin) => {
            // The reader names an override `--set KEY=VALUE`. The command reads the
            // base alone first, so a text in both --set and the variant failed as the
            // variant's; anything else (a sweep point's value) keeps its name.
            let own = variant
                .overrides
                .iter()
                .find(|o| *origin == format!("--set {o}"));
            if let Some(o) = own {
                problem.origin = Some(format!("{}: {o}", variant.origin()));
            }
        }
        None => {
            problem.origin = Some(format!(
                "{}:{}:{}: under {}",
                path.display(),
                problem.line,
                problem.column,
                variant.origin()
            ));
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(name: &str, sets: &[(&str, &str)]) -> Variant {
        Variant {
            name: name.to_string(),
            named: true,
            overrides: sets
                .iter()
                .map(|(k, v)| Override {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn variants_with_the_same_name_are_refused() {
        let a = variant("Slip", &[("cost.hourly_rate", "100")]);
        let b = variant("Slip", &[("cost.hourly_rate", "200")]);
        let err = check(&[a.clone(), b]).unwrap_err();
        assert!(err.starts_with("--variant \"Slip\": two variants"), "{err}");
        assert_eq!(check(&[a]), Ok(()));
    }

    #[test]
    fn a_variant_may_not_be_called_base_nor_set_the_seed_or_trials() {
        let err = check(&[variant(BASE, &[("cost.hourly_rate", "1")])]).unwrap_err();
        assert!(err.contains("names the scenario without variants"), "{err}");
        for key in FIXED_KEYS {
            let err = check(&[variant("x", &[(key, "7")])]).unwrap_err();
            assert!(err.contains(&format!("sets {key}; every variant")), "{err}");
        }
    }

    #[test]
    fn a_problem_names_the_variant_whose_override_or_file_line_it_lies_in() {
        let v = variant("X", &[("a", "1")]);
        let problem = |origin: Option<&str>| Problem {
            line: 12,
            column: 3,
            key: "k".to_string(),
            message: "m".to_string(),
            origin: origin.map(str::to_string),
        };
        let path = std::path::Path::new("seed.toml");
        let named = |p| name_the_variant(p, path, &v).to_string();
        assert_eq!(
            named(problem(Some("--set a=1"))),
            "--variant \"X\": a=1: k: m"
        );
        assert_eq!(
            named(problem(None)),
            "seed.toml:12:3: under --variant \"X\": k: m"
        );
        // A sweep point's value is not the variant's.
        assert_eq!(named(problem(Some("--param b=2"))), "--param b=2: k: m");
        assert_eq!(named(problem(Some("--set b=2"))), "--set b=2: k: m");
    }

    #[test]
    fn overrides_read_as_one_line() {
        let v = variant("x", &[("a.b", "1"), ("c", "\"d; e\"")]);
        assert_eq!(v.overrides_text(), "a.b=1; c=\"d; e\"");
        assert_eq!(v.origin(), "--variant \"x\"");
    }
}

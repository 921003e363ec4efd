//! Where a scenario's values come from: the files it extends (MODEL.md §8.7) and
//! the evidence behind each parameter (§8.6), as the reader resolved them.
//!
//! Owns the evidence classes, the `[provenance]` key patterns and how a pattern
//! matches a parameter; the reader (`read::extends`, `read::provenance`) fills
//! these types in. It must not read files or sample.

use serde::Serialize;

/// A scenario a file extends, read once: its text is what was validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseFile {
    /// The path as resolved from the file that extends it, or
    /// `<built-in reference.toml>` for a shipped scenario built into the binary.
    pub file: String,
    /// The file's text.
    #[serde(skip)]
    pub text: String,
    /// A shipped scenario built into the binary (`extends = "reference"`).
    pub builtin: bool,
}

/// What backs a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceClass {
    /// A fact the client gave (a quote, their traffic, their revenue).
    Client,
    /// A published source, named by the entry's `source`.
    Literature,
    /// The seed article's unsourced figures.
    SeedArticle,
    /// Nobody vouches for it: the default for anything unmarked.
    Assumption,
}

impl EvidenceClass {
    pub const ALL: [EvidenceClass; 4] = [
        EvidenceClass::Client,
        EvidenceClass::Literature,
        EvidenceClass::SeedArticle,
        EvidenceClass::Assumption,
    ];

    /// As a scenario file and every output write it.
    pub fn id(self) -> &'static str {
        match self {
            EvidenceClass::Client => "client",
            EvidenceClass::Literature => "literature",
            EvidenceClass::SeedArticle => "seed-article",
            EvidenceClass::Assumption => "assumption",
        }
    }

    pub fn from_id(id: &str) -> Option<EvidenceClass> {
        EvidenceClass::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Evidence too weak to let a decision rest on it alone.
    pub fn is_weak(self) -> bool {
        matches!(self, EvidenceClass::Assumption | EvidenceClass::SeedArticle)
    }
}

/// The evidence behind one parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParameterEvidence {
    /// The parameter's key path as `--set` writes it (`cost.hourly_rate`), or
    /// `risks[i]` for a risk of the register (one driver).
    pub key: String,
    /// A risk's name; `None` for any other parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    pub class: EvidenceClass,
    /// The reference given with the class (`Little 2006`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where the value was written: a file, `--set`, or `default`.
    pub written_in: String,
}

/// The evidence of every parameter of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Whether the scenario or a file it extends has a `[provenance]` table. When
    /// none does, every parameter is an assumption and outputs do not show classes.
    pub declared: bool,
    /// Every numeric parameter, in catalogue order, then the values that are not
    /// numbers that a file writes (flags, the target, governance practices, support
    /// hours), then every risk.
    pub parameters: Vec<ParameterEvidence>,
}

impl Evidence {
    /// The evidence of a parameter (`cost.hourly_rate`) or risk (`risks[2]`).
    pub fn of(&self, key: &str) -> Option<&ParameterEvidence> {
        self.parameters.iter().find(|p| p.key == key)
    }

    /// The class of a key; `assumption` for a key not listed.
    pub fn class_of(&self, key: &str) -> EvidenceClass {
        self.of(key).map_or(EvidenceClass::Assumption, |p| p.class)
    }
}

/// The name a `[provenance]` pattern matches a parameter by: its key path, or
/// `risks.<name>` for a risk of the register.
pub fn provenance_name(key: &str, risk: Option<&str>) -> String {
    match risk {
        Some(name) => format!("risks.{name}"),
        None => key.to_string(),
    }
}

/// How well `pattern` matches the parameter named `name` (see [`provenance_name`]):
/// `None` when it does not, else (steps written out, steps) so that a more specific
/// pattern beats a less specific one. A pattern is dot-separated steps, `*` being
/// any one step (a strategy id, a risk); a pattern that matches the first steps of
/// a key covers the whole key (`strategies.forge` covers every key of that
/// strategy). A risk's name is one step, dots and all: `risks.black swan`.
pub fn pattern_match(pattern: &str, name: &str) -> Option<(usize, usize)> {
    let steps = split_steps(name);
    let wanted = split_steps(pattern);
    if wanted.len() > steps.len() || wanted.iter().any(|w| w.is_empty()) {
        return None;
    }
    let mut literal = 0;
    for (w, s) in wanted.iter().zip(&steps) {
        if *w == "*" {
            continue;
        }
        if w != s {
            return None;
        }
        literal += 1;
    }
    Some((literal, wanted.len()))
}

/// The steps of a key path or pattern; after `risks.`, the rest is one step (a
/// risk's name may hold dots).
fn split_steps(path: &str) -> Vec<&str> {
    match path.strip_prefix("risks.") {
        Some(rest) => vec!["risks", rest],
        None => path.split('.').collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_matches_by_steps_with_a_star_for_any_one_step() {
        let key = "strategies.forge.weekly_burn";
        assert_eq!(pattern_match(key, key), Some((3, 3)));
        assert_eq!(pattern_match("strategies.*.weekly_burn", key), Some((2, 3)));
        assert_eq!(pattern_match("strategies.forge", key), Some((2, 2)));
        assert_eq!(pattern_match("*", key), Some((0, 1)));
        assert_eq!(pattern_match("strategies.*.responders", key), None);
        assert_eq!(
            pattern_match("strategies.for", key),
            None,
            "whole steps only"
        );
        assert_eq!(pattern_match("strategies..weekly_burn", key), None);
    }

    #[test]
    fn a_risk_name_is_one_step_even_with_dots() {
        let name = provenance_name("risks[1]", Some("defect (e.g. token refresh)"));
        assert_eq!(name, "risks.defect (e.g. token refresh)");
        assert_eq!(pattern_match("risks.*", &name), Some((1, 2)));
        assert_eq!(pattern_match(&name, &name), Some((2, 2)));
        assert_eq!(pattern_match("risks.defect (e", &name), None);
    }

    #[test]
    fn a_more_specific_pattern_scores_higher() {
        let key = "strategies.forge.weekly_burn";
        let exact = pattern_match(key, key);
        let star = pattern_match("strategies.*.weekly_burn", key);
        let prefix = pattern_match("strategies.forge", key);
        let any = pattern_match("*", key);
        assert!(exact > star && star > prefix && prefix > any);
    }

    #[test]
    fn classes_round_trip_and_weak_ones_are_named() {
        for c in EvidenceClass::ALL {
            assert_eq!(EvidenceClass::from_id(c.id()), Some(c));
        }
        assert!(EvidenceClass::Assumption.is_weak() && EvidenceClass::SeedArticle.is_weak());
        assert!(!EvidenceClass::Client.is_weak() && !EvidenceClass::Literature.is_weak());
        assert_eq!(EvidenceClass::from_id("guess"), None);
    }
}

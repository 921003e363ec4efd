//! `[strategies.<id>]`: one table per way of staffing the project, in file order
//! (the order of every output). Ids, labels and every strategy key are checked
//! here; the risk register and claims refer to these ids.

use toml::de::DeValue;

use super::Reader;
use super::dists::Support;
use super::names::{NameRule, valid_id};
use super::values::{Check, Tbl, type_name};
use crate::scenario::{ParamValue, Practices, Strategy};

/// The four governance practices of MODEL.md §2, as `governance = { ... }` names them.
const PRACTICES: [&str; 4] = ["raci", "api_owner", "olas", "integrator"];

impl Reader<'_> {
    pub(super) fn strategies(&mut self, root: &mut Tbl<'_, '_>) -> Vec<Strategy> {
        let mut out = Vec::new();
        let table = self.table(root, "strategies");
        let Some(entries) = table.table else {
            if root.get("strategies").is_none() {
                self.missing(
                    root,
                    "strategies",
                    "at least one [strategies.<id>] table, e.g. [strategies.backend_led]",
                );
            }
            return out;
        };
        if entries.is_empty() {
            self.problem(
                table.span.clone(),
                "strategies",
                "needs at least one strategy, e.g. [strategies.backend_led]".to_string(),
            );
        }
        for (key, value) in entries.iter() {
            let id = key.get_ref().as_ref();
            let path = format!("strategies.{id}");
            if !valid_id(id) {
                self.problem(
                    key.span(),
                    &path,
                    "a strategy id is 1 to 64 lower-case letters, digits and underscores, starting with a letter (e.g. backend_led), and not g0, g1 or k".to_string(),
                );
            }
            let DeValue::Table(st) = value.get_ref() else {
                self.problem(
                    value.span(),
                    &path,
                    format!(
                        "expected a table of strategy parameters, got {}",
                        type_name(value.get_ref())
                    ),
                );
                continue;
            };
            let mut t = Tbl::new(path, Some(st), value.span());
            let label = self.display_name(&mut t, "label", Some(id), NameRule::LABEL);
            if let Some(earlier) = out
                .iter()
                .find(|s: &&Strategy| s.label.trim() == label.trim())
            {
                let span = t.get("label").map_or(key.span(), |v| v.span());
                self.problem(
                    span,
                    &format!("{}.label", t.path),
                    format!(
                        "{label:?} is already the label of strategies.{}; each strategy needs its own label to be told apart on tables and charts",
                        earlier.id
                    ),
                );
            }
            let (governance, practices) = self.governance(&mut t);
            // Practices switch the responsibility matrix through `raci`, unless the
            // strategy sets the switch itself.
            let responsibility_matrix = match (t.get("responsibility_matrix"), practices) {
                (None, Some(p)) => p.raci,
                (Some(_), Some(p)) => {
                    let set = self.boolean(&mut t, "responsibility_matrix", false);
                    self.warn_raci_overruled(&mut t, p.raci, set);
                    set
                }
                _ => self.boolean(&mut t, "responsibility_matrix", false),
            };
            let s = Strategy {
                id: id.to_string(),
                label,
                governance,
                plan_multiplier: self.number(
                    &mut t,
                    "plan_multiplier",
                    Some(1.0),
                    Check::Between(0.01, 100.0),
                ),
                vendor_seam: self.boolean(&mut t, "vendor_seam", false),
                responsibility_matrix,
                weekly_burn: self.number(&mut t, "weekly_burn", None, Check::Between(0.0, 1e12)),
                responders: self.number(&mut t, "responders", Some(5.0), Check::Between(0.0, 1e4)),
                api_failure_rate: self.curve(
                    &mut t,
                    "api_failure_rate",
                    None,
                    Check::Between(0.0, 1e4),
                ),
                other_fix_rate: self.curve(
                    &mut t,
                    "other_fix_rate",
                    None,
                    Check::Between(0.0, 1e4),
                ),
                headroom_median: self.curve(
                    &mut t,
                    "headroom_median",
                    None,
                    Check::Between(1e-6, 1e6),
                ),
                headroom_sigma: self.curve(
                    &mut t,
                    "headroom_sigma",
                    None,
                    Check::Between(0.0, 10.0),
                ),
                ttr_median_hours: self.curve(
                    &mut t,
                    "ttr_median_hours",
                    None,
                    Check::Between(1e-6, 1e5),
                ),
                walk_away_unresolved_probability: self.curve(
                    &mut t,
                    "walk_away_unresolved_probability",
                    None,
                    Check::Probability,
                ),
                walk_away_degraded_weeks: self.dist(
                    &mut t,
                    "walk_away_degraded_weeks",
                    None,
                    Support::NonNegative,
                ),
                quote_weeks: self.recorded_number(
                    &mut t,
                    "quote_weeks",
                    Check::Between(0.1, 1040.0),
                ),
                estimate: self.recorded_dist(&mut t, "estimate", Support::Positive),
                target_weeks: self.recorded_number(
                    &mut t,
                    "target_weeks",
                    Check::Between(0.1, 5200.0),
                ),
                support: self.support(&mut t),
                practices,
            };
            self.finish(t);
            out.push(s);
        }
        // Every key of [strategies] is a strategy id: there is no unknown key to report.
        out
    }
}

impl Reader<'_> {
    /// Warns when a stated `raci` practice would switch the responsibility matrix
    /// one way and the strategy's `responsibility_matrix` (in this file or in one
    /// it extends) holds it the other: the switch wins, and a user who wrote
    /// `raci = false` under a base's matrix would otherwise not learn it stays on.
    fn warn_raci_overruled(&mut self, t: &mut Tbl<'_, '_>, raci: bool, matrix: bool) {
        if raci == matrix {
            return;
        }
        let Some(DeValue::Table(governance)) = t.get("governance").map(|v| v.get_ref()) else {
            return;
        };
        let Some(span) = governance
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == "raci")
            .map(|(_, v)| v.span())
        else {
            return;
        };
        let (raci_word, matrix_word) = if raci { ("on", "off") } else { ("off", "on") };
        self.warn(
            span,
            &format!("{}.governance.raci", t.path),
            &format!(
                "does not switch the responsibility matrix {raci_word}: this strategy's responsibility_matrix = {matrix} (here or in a file this one extends) keeps it {matrix_word}; set responsibility_matrix = {raci} to follow the practice"
            ),
        );
    }

    /// `governance`: a number in [0, 1], or the four practices
    /// `{ raci = true, api_owner = true, olas = false, integrator = false }`,
    /// giving g = the share in place. Only the number is a swingable parameter:
    /// the practices are facts, each true or false.
    fn governance(&mut self, t: &mut Tbl<'_, '_>) -> (f64, Option<Practices>) {
        let path = t.key_path("governance");
        // Required only when something of the strategy depends on g: checked once
        // the risks are read (`unused::governance_needed`).
        let Some(v) = t.get("governance") else {
            return (super::unused::GOVERNANCE_UNUSED, None);
        };
        let DeValue::Table(table) = v.get_ref() else {
            if matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
                return (self.number(t, "governance", None, Check::Probability), None);
            }
            self.problem(
                v.span(),
                &path,
                format!(
                    "expected a number between 0 and 1, or the four practices {{ raci = true, api_owner = true, olas = false, integrator = false }}, got {}",
                    type_name(v.get_ref())
                ),
            );
            return (f64::NAN, None);
        };
        let mut p = Tbl::new(path, Some(table), v.span());
        let mut held = [false; 4];
        for (slot, name) in held.iter_mut().zip(PRACTICES) {
            match p.get(name) {
                None => self.missing(
                    &p,
                    name,
                    "true or false: each of raci, api_owner, olas and integrator is stated",
                ),
                Some(_) => *slot = self.boolean(&mut p, name, false),
            }
        }
        self.finish(p);
        let practices = Practices {
            raci: held[0],
            api_owner: held[1],
            olas: held[2],
            integrator: held[3],
        };
        (practices.governance(), Some(practices))
    }

    /// An optional number, recorded as a swingable parameter when given.
    fn recorded_number(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        check: Check,
    ) -> Option<f64> {
        let value = self.optional_number(t, key, check)?;
        self.record(t.key_path(key), ParamValue::Number(value), check.allowed());
        Some(value)
    }

    /// An optional distribution, recorded as a swingable parameter when given.
    pub(super) fn recorded_dist(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        support: Support,
    ) -> Option<crate::dist::Dist> {
        let dist = self.optional_dist(t, key, support)?;
        self.record(
            t.key_path(key),
            ParamValue::Dist(dist.clone()),
            support.allowed(),
        );
        Some(dist)
    }
}

//! `[strategies.<id>]`: one table per way of staffing the project, in file order
//! (the order of every output). Ids, labels and every strategy key are checked
//! here; the risk register and claims refer to these ids.

use toml::de::DeValue;

use super::Reader;
use super::dists::Support;
use super::names::{NameRule, valid_id};
use super::values::{Check, Tbl, type_name};
use crate::scenario::Strategy;

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
            let governance = self.number(&mut t, "governance", None, Check::Probability);
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
                responsibility_matrix: self.boolean(&mut t, "responsibility_matrix", false),
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
            };
            self.finish(t);
            out.push(s);
        }
        // Every key of [strategies] is a strategy id: there is no unknown key to report.
        out
    }
}

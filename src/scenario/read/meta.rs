//! The top level of a scenario file: `title`, `description`, `currency`,
//! `trials` and `seed`, and the order in which every table is read (which is the
//! order of the parameter catalogue and of `sensitivity`'s drivers, so it must not
//! change). Each table has its own reader in a sibling module.

use toml::de::DeValue;

use super::names::NameRule;
use super::values::Tbl;
use super::{DEFAULT_SEED, MAX_TRIALS, Reader};
use crate::scenario::Scenario;

impl Reader<'_> {
    pub(super) fn scenario(&mut self, mut root: Tbl<'_, '_>, name: &str) -> Scenario {
        let title = self.display_name(&mut root, "title", Some(name), NameRule::TITLE);
        let description = self.string(&mut root, "description", Some(""));
        let currency = self.string(&mut root, "currency", Some("USD"));
        if let Some(v) = root.get("currency")
            && !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()))
            && matches!(v.get_ref(), DeValue::String(_))
        {
            self.problem(
                v.span(),
                "currency",
                format!(
                    "must be a three-letter ISO 4217 code such as USD, EUR or GBP, got {currency:?}"
                ),
            );
        }
        // Read before the tables by `extends` and `provenance` (and refused there
        // when set by --set); asked here so that they are listed as allowed.
        for key in [
            "extends",
            "drop_strategies",
            "drop_risks",
            "drop_claims",
            "drop_events",
            "provenance",
        ] {
            root.get(key);
        }
        let trials = self.whole_number(&mut root, "trials", 100_000, 1, MAX_TRIALS);
        let seed = self.whole_number(&mut root, "seed", DEFAULT_SEED, 0, i64::MAX as u64);

        let horizon = self.horizon(&mut root);
        let drivers = self.drivers(&mut root);
        let build = self.build(&mut root);
        let api = self.api(&mut root);
        let surges = self.surges(&mut root);
        let incidents = self.incidents(&mut root);
        let walk_away = self.walk_away(&mut root);
        let churn = self.churn(&mut root);
        let cost = self.cost(&mut root);

        let strategies = self.strategies(&mut root);
        let risks = self.risks(&mut root, &strategies);
        let events = self.events(&mut root);
        let reports_on_time = Scenario::states_a_target(&build, &strategies);
        self.reported = Scenario::metrics_of(reports_on_time, &events);
        let parameters = self.parameters();
        let sensitivity = self.sensitivity(&mut root, &parameters);
        let claims = self.claims(&mut root, &strategies);
        let report = self.report_spec(&mut root);
        let decision = self.decision_spec(&mut root);
        self.finish(root);

        Scenario {
            name: name.to_string(),
            title,
            description,
            currency,
            trials,
            seed,
            horizon,
            drivers,
            build,
            api,
            surges,
            incidents,
            walk_away,
            churn,
            cost,
            strategies,
            risks,
            events,
            reports_on_time,
            parameters,
            sensitivity,
            claims,
            report,
            decision,
            source: None,
            bases: Vec::new(),
            evidence: Default::default(),
            warnings: Vec::new(),
        }
    }
}

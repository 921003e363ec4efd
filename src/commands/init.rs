//! `tradeoff-sim init [FILE]`: writes a commented starter scenario for a client.
//! The file extends the shipped reference scenario (built into the binary), so it
//! holds only the client's facts: each with its unit and meaning, written when
//! given (as an option, or at a prompt on a terminal) and left commented out, with
//! the reference value, when not. The file is read back through the scenario
//! reader before it is written, so what `init` writes always validates.
//!
//! Orchestration and text only: the keys and their checks are the scenario
//! reader's.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::CliError;
use crate::cli::InitArgs;
use crate::scenario::{self, Scenario, ScenarioError};

/// One fact a client can give: a numeric key of the reference scenario.
struct Fact {
    /// The table and key: `("churn", "customers")`.
    table: &'static str,
    key: &'static str,
    /// Its unit; `{cur}` stands for the currency.
    unit: &'static str,
    meaning: &'static str,
}

const FACTS: [Fact; 5] = [
    Fact {
        table: "build",
        key: "plan_weeks",
        unit: "weeks",
        meaning: "the reference plan (the UX-led plan; a strategy's plan is this times its plan_multiplier)",
    },
    Fact {
        table: "churn",
        key: "customers",
        unit: "count",
        meaning: "active customers",
    },
    Fact {
        table: "churn",
        key: "lifetime_value",
        unit: "{cur} per customer",
        meaning: "lifetime value of a customer",
    },
    Fact {
        table: "cost",
        key: "downtime_loss_per_hour",
        unit: "{cur} per hour",
        meaning: "revenue lost per hour of full checkout outage",
    },
    Fact {
        table: "cost",
        key: "hourly_rate",
        unit: "{cur} per person-hour",
        meaning: "hourly rate of responders and fixers",
    },
];

/// One fact a client can give per strategy: (key, unit, meaning, a number?).
struct StrategyFact {
    key: &'static str,
    unit: &'static str,
    meaning: &'static str,
    number: bool,
}

const STRATEGY_FACTS: [StrategyFact; 3] = [
    StrategyFact {
        key: "weekly_burn",
        unit: "{cur} per week",
        meaning: "build cost per week",
        number: true,
    },
    StrategyFact {
        key: "quote_weeks",
        unit: "weeks",
        meaning: "the duration the vendor quoted (replaces plan_weeks x plan_multiplier)",
        number: true,
    },
    StrategyFact {
        key: "support",
        unit: "calendar",
        meaning: "hours the vendor answers incidents: \"24x7\", \"extended\" or \"business-hours\"",
        number: false,
    },
];

/// What the client said, fact by fact.
struct Answers {
    title: Option<String>,
    currency: Option<String>,
    /// Per fact of [`FACTS`], its value.
    facts: Vec<Option<f64>>,
    /// The reference strategies kept, with the client's label if given.
    strategies: Vec<(String, Option<String>)>,
    /// Per kept strategy and [`STRATEGY_FACTS`] entry, its value as TOML.
    burns: Vec<[Option<String>; 3]>,
}

pub fn init(args: &InitArgs) -> Result<String, CliError> {
    if args.file.exists() && !args.force {
        return Err(CliError::Usage(format!(
            "{}: already exists; give --force to replace it, or another file name",
            args.file.display()
        )));
    }
    let reference = reference()?;
    let mut answers = from_options(args, &reference)?;
    let given = args.title.is_some()
        || args.currency.is_some()
        || !args.strategies.is_empty()
        || !args.weekly_burns.is_empty()
        || !args.quote_weeks.is_empty()
        || !args.support.is_empty()
        || answers.facts.iter().any(Option::is_some);
    let interactive = args.prompt || (!args.no_prompt && !given && std::io::stdin().is_terminal());
    if interactive {
        ask(&mut answers, &reference)?;
    }
    let text = render(&answers, &reference);
    // Read back as the file it will be: what init writes always validates.
    let name = args
        .file
        .file_stem()
        .map_or("client".to_string(), |s| s.to_string_lossy().into_owned());
    scenario::from_text_at(&text, &args.file, &name, &[]).map_err(|problems| {
        CliError::Scenario(ScenarioError::Invalid {
            path: args.file.clone(),
            problems,
        })
    })?;
    write(&args.file, &text, args.force)?;
    let filled = answers.facts.iter().filter(|f| f.is_some()).count()
        + answers
            .burns
            .iter()
            .flatten()
            .filter(|b| b.is_some())
            .count();
    let open = FACTS.len() + STRATEGY_FACTS.len() * answers.burns.len() - filled;
    let f = args.file.display();
    Ok(format!(
        "wrote {f}: a client scenario extending the reference scenario, {filled} facts given, {open} commented out to fill in\nnext: tradeoff-sim validate {f}, then tradeoff-sim run {f}\n"
    ))
}

fn reference() -> Result<Scenario, CliError> {
    let text = scenario::builtin_scenario("reference").unwrap_or_default();
    scenario::from_str(text, "reference").map_err(|problems| {
        CliError::Scenario(ScenarioError::Invalid {
            path: "<built-in reference.toml>".into(),
            problems,
        })
    })
}

/// The answers the options give.
fn from_options(args: &InitArgs, reference: &Scenario) -> Result<Answers, CliError> {
    let ids: Vec<&str> = reference.strategies.iter().map(|s| s.id.as_str()).collect();
    let known = |id: &str, option: &str| -> Result<(), CliError> {
        if ids.contains(&id) {
            Ok(())
        } else {
            Err(CliError::Usage(format!(
                "{option}: no strategy `{id}` in the reference scenario; its strategies: {}",
                ids.join(", ")
            )))
        }
    };
    let mut strategies: Vec<(String, Option<String>)> = Vec::new();
    for spec in &args.strategies {
        let (id, label) = match spec.split_once('=') {
            Some((id, label)) => (id.trim(), Some(label.trim().to_string())),
            None => (spec.trim(), None),
        };
        known(id, "--strategy")?;
        if strategies.iter().any(|(s, _)| s == id) {
            return Err(CliError::Usage(format!("--strategy: `{id}` given twice")));
        }
        strategies.push((id.to_string(), label));
    }
    if strategies.is_empty() {
        strategies = ids.iter().map(|id| (id.to_string(), None)).collect();
    }
    let mut burns: Vec<[Option<String>; 3]> = vec![[None, None, None]; strategies.len()];
    let lists = [
        ("--weekly-burn", &args.weekly_burns, "backend_led=48000"),
        ("--quote-weeks", &args.quote_weeks, "backend_led=30"),
        ("--support", &args.support, "ux_led=business-hours"),
    ];
    for (slot, (option, specs, example)) in lists.into_iter().enumerate() {
        for spec in specs {
            let bad = || {
                CliError::Usage(format!(
                    "{option}: expected ID=VALUE, e.g. {example}; got {spec:?}"
                ))
            };
            let (id, value) = spec.split_once('=').ok_or_else(bad)?;
            let id = id.trim();
            known(id, option)?;
            let value = value.trim();
            let literal = if STRATEGY_FACTS[slot].number {
                let x: f64 = value.parse().map_err(|_| bad())?;
                format!("{x}")
            } else {
                quoted(value)
            };
            let index = strategies
                .iter()
                .position(|(s, _)| s == id)
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "{option}: `{id}` is not one of the strategies kept by --strategy"
                    ))
                })?;
            burns[index][slot] = Some(literal);
        }
    }
    let facts = vec![
        args.plan_weeks,
        args.customers,
        args.lifetime_value,
        args.downtime_loss_per_hour,
        args.hourly_rate,
    ];
    Ok(Answers {
        title: args.title.clone(),
        currency: args.currency.clone(),
        facts,
        strategies,
        burns,
    })
}

/// Asks, on stderr, for every fact not given; an empty answer leaves it out.
fn ask(answers: &mut Answers, reference: &Scenario) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut line = |prompt: &str| -> Result<String, CliError> {
        eprint!("{prompt}: ");
        let _ = std::io::stderr().flush();
        match lines.next() {
            Some(Ok(l)) => Ok(l.trim().to_string()),
            Some(Err(e)) => Err(CliError::Usage(format!("cannot read the answer: {e}"))),
            None => Ok(String::new()),
        }
    };
    eprintln!("The client's facts; press Enter to keep the reference value (left commented out).");
    if answers.title.is_none() {
        answers.title =
            Some(line("Title of the scenario").map(|t| t.to_string())?).filter(|t| !t.is_empty());
    }
    if answers.currency.is_none() {
        answers.currency =
            Some(line("Currency (ISO 4217, e.g. EUR) [USD]")?).filter(|t| !t.is_empty());
    }
    let currency = answers
        .currency
        .clone()
        .unwrap_or(reference.currency.clone());
    for (i, fact) in FACTS.iter().enumerate() {
        if answers.facts[i].is_some() {
            continue;
        }
        let unit = fact.unit.replace("{cur}", &currency);
        let current = reference_value(reference, fact);
        loop {
            let a = line(&format!("{} ({unit}) [{current}]", fact.meaning))?;
            if a.is_empty() {
                break;
            }
            match a.replace(['_', ','], "").parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    answers.facts[i] = Some(x);
                    break;
                }
                _ => eprintln!("  a number, please (e.g. {current})"),
            }
        }
    }
    for (i, (id, label)) in answers.strategies.iter_mut().enumerate() {
        if label.is_none() {
            let a = line(&format!("The client's name for strategy {id} [keep]"))?;
            *label = Some(a).filter(|a| !a.is_empty());
        }
        for (slot, fact) in STRATEGY_FACTS.iter().enumerate() {
            if answers.burns[i][slot].is_some() {
                continue;
            }
            let unit = fact.unit.replace("{cur}", &currency);
            loop {
                let a = line(&format!("{id}: {} ({unit}) [reference]", fact.meaning))?;
                if a.is_empty() {
                    break;
                }
                if !fact.number {
                    answers.burns[i][slot] = Some(quoted(&a));
                    break;
                }
                match a.replace(['_', ','], "").parse::<f64>() {
                    Ok(x) if x.is_finite() => {
                        answers.burns[i][slot] = Some(format!("{x}"));
                        break;
                    }
                    _ => eprintln!("  a number, please"),
                }
            }
        }
    }
    Ok(())
}

/// A fact's value in the reference scenario, as written.
fn reference_value(reference: &Scenario, fact: &Fact) -> String {
    let key = format!("{}.{}", fact.table, fact.key);
    reference
        .parameters
        .iter()
        .find(|p| p.key == key)
        .map_or(String::new(), |p| match p.value {
            scenario::ParamValue::Number(x) => format!("{x}"),
            _ => String::new(),
        })
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `key = value` with its comment aligned, or commented out when not given.
fn fact_line(key: &str, value: Option<f64>, comment: &str, reference: &str) -> String {
    match value {
        Some(x) => format!("{:<31} # {comment}\n", format!("{key} = {x}")),
        None => format!(
            "{:<31} # {comment} (reference: {reference})\n",
            format!("# {key} = {reference}")
        ),
    }
}

fn render(a: &Answers, reference: &Scenario) -> String {
    let currency = a.currency.clone().unwrap_or(reference.currency.clone());
    let mut out = String::new();
    out.push_str(
        "# A client scenario, written by `tradeoff-sim init`.\n\
         #\n\
         # It extends the shipped reference scenario (MODEL.md §6), so it states only the\n\
         # client's facts: every key this file leaves out keeps the reference value. A\n\
         # line starting with `# key =` is a fact still to fill in: remove the `#` and\n\
         # give the client's number. scenarios/README.md lists every key; `tradeoff-sim\n\
         # validate` checks the file.\n\n",
    );
    out.push_str("extends = \"reference\"\n");
    match &a.title {
        Some(t) => out.push_str(&format!("title = {}\n", quoted(t))),
        None => out
            .push_str("# title = \"Acme replatform\"       # one line on every table and chart\n"),
    }
    match &a.currency {
        Some(c) => out.push_str(&format!(
            "currency = {}                # of every money figure (ISO 4217)\n",
            quoted(c)
        )),
        None => {
            out.push_str("# currency = \"USD\"               # of every money figure (ISO 4217)\n")
        }
    }
    let dropped: Vec<String> = reference
        .strategies
        .iter()
        .filter(|s| !a.strategies.iter().any(|(id, _)| *id == s.id))
        .map(|s| quoted(&s.id))
        .collect();
    if !dropped.is_empty() {
        out.push_str(&format!(
            "drop_strategies = [{}]   # reference strategies this client does not consider\n",
            dropped.join(", ")
        ));
    }
    let any_number =
        a.facts.iter().any(Option::is_some) || a.burns.iter().flatten().any(Option::is_some);
    out.push_str(
        "\n# Evidence (MODEL.md §8.6): a class describes the values written in this file.\n\
         # Every value here is taken as the client's fact; mark one that is your own\n\
         # estimate, e.g. \"build.plan_weeks\" = \"assumption\". Inherited values keep\n\
         # the reference's classes (literature or seed-article).\n[provenance]\n",
    );
    out.push_str(if any_number {
        "\"*\" = \"client\"\n"
    } else {
        "# \"*\" = \"client\"\n"
    });
    let mut table = "";
    for (fact, value) in FACTS.iter().zip(&a.facts) {
        if fact.table != table {
            out.push_str(&format!("\n[{}]\n", fact.table));
            table = fact.table;
        }
        let unit = fact.unit.replace("{cur}", &currency);
        out.push_str(&fact_line(
            fact.key,
            *value,
            &format!("{unit}: {}", fact.meaning),
            &reference_value(reference, fact),
        ));
    }
    for ((id, label), burn) in a.strategies.iter().zip(&a.burns) {
        out.push_str(&format!("\n[strategies.{id}]\n"));
        if let Some(label) = label {
            out.push_str(&format!("label = {}\n", quoted(label)));
        }
        let st = reference.strategies.iter().find(|s| s.id == *id);
        for (fact, value) in STRATEGY_FACTS.iter().zip(burn) {
            let current = match (fact.key, st) {
                ("weekly_burn", Some(st)) => format!("{}", st.weekly_burn),
                ("support", _) => "\"24x7\"".to_string(),
                _ => String::new(),
            };
            let unit = fact.unit.replace("{cur}", &currency);
            let comment = format!("{unit}: {}", fact.meaning);
            out.push_str(&match value {
                Some(v) => format!("{:<31} # {comment}\n", format!("{} = {v}", fact.key)),
                None if current.is_empty() => {
                    format!(
                        "{:<31} # {comment} (reference: none)\n",
                        format!("# {} = ...", fact.key)
                    )
                }
                None => format!(
                    "{:<31} # {comment} (reference: {current})\n",
                    format!("# {} = {current}", fact.key)
                ),
            });
        }
    }
    out
}

/// Writes the file whole: a temporary file beside it, then renamed into place.
fn write(path: &Path, text: &str, force: bool) -> Result<(), CliError> {
    let fail =
        |e: std::io::Error| CliError::Usage(format!("{}: cannot write: {e}", path.display()));
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or("client.toml".into(), |n| n.to_string_lossy().into_owned());
    let temporary = folder.join(format!(".{name}.init-{}", std::process::id()));
    std::fs::write(&temporary, text).map_err(fail)?;
    if !force && path.exists() {
        let _ = std::fs::remove_file(&temporary);
        return Err(CliError::Usage(format!(
            "{}: already exists; give --force to replace it",
            path.display()
        )));
    }
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail(e)
    })
}

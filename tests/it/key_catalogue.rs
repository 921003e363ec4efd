//! The key catalogue (`tradeoff_sim::scenario::keys()`) is the one list of every
//! key a scenario may set: the reader accepts exactly its keys in each table, and
//! the key tables of `scenarios/README.md` document exactly its rows (key, type,
//! default, allowed), so a key cannot be added, renamed or removed in one place only.

use std::collections::BTreeSet;

use tradeoff_sim::scenario::{self, KeyTable, Override};

use crate::common::root;

/// One row of a key table: (table header, key, type, default, allowed).
type Row = (String, String, String, String, String);

const KEY_TABLE_HEADER: &str = "| key | type | default | allowed | meaning |";

/// The rows of every key table in `scenarios/README.md`. A table belongs to the
/// `##` heading above it: the first `[table]` in backticks, or the top level for
/// "Top level".
fn documented_rows() -> Vec<Row> {
    let readme = std::fs::read_to_string(root().join("scenarios").join("README.md"))
        .expect("read scenarios/README.md");
    let mut rows = Vec::new();
    let mut heading: Option<String> = None;
    let mut in_table = false;
    for (i, line) in readme.lines().enumerate() {
        if let Some(title) = line.strip_prefix("## ") {
            heading = if title.trim() == "Top level" {
                Some(String::new())
            } else {
                title
                    .split('`')
                    .nth(1)
                    .filter(|t| t.starts_with('['))
                    .map(str::to_string)
            };
            in_table = false;
        } else if line.trim() == KEY_TABLE_HEADER {
            assert!(
                heading.is_some(),
                "scenarios/README.md:{}: a key table under a heading that names no table",
                i + 1
            );
            in_table = true;
        } else if in_table && line.starts_with("| ---") {
        } else if in_table && line.starts_with('|') {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            assert_eq!(cells.len(), 5, "scenarios/README.md:{}: {line}", i + 1);
            let key = cells[0]
                .strip_prefix('`')
                .and_then(|k| k.strip_suffix('`'))
                .unwrap_or_else(|| panic!("scenarios/README.md:{}: key not in backticks", i + 1));
            rows.push((
                heading.clone().unwrap_or_default(),
                key.to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
            ));
        } else {
            in_table = false;
        }
    }
    rows
}

fn catalogued_rows() -> Vec<Row> {
    scenario::keys()
        .iter()
        .flat_map(|t| {
            t.keys.iter().map(move |k| {
                (
                    t.header.to_string(),
                    k.name.to_string(),
                    k.kind.to_string(),
                    k.default.to_string(),
                    k.allowed.to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn the_readme_key_tables_document_exactly_the_catalogue() {
    let documented = documented_rows();
    let catalogued = catalogued_rows();
    let doc_set: BTreeSet<&Row> = documented.iter().collect();
    let cat_set: BTreeSet<&Row> = catalogued.iter().collect();
    let undocumented: Vec<&&Row> = cat_set.difference(&doc_set).collect();
    let not_accepted: Vec<&&Row> = doc_set.difference(&cat_set).collect();
    assert!(
        undocumented.is_empty() && not_accepted.is_empty(),
        "scenarios/README.md and the key catalogue disagree\n\
         in the catalogue, not (or not so) in the README:\n{undocumented:#?}\n\
         in the README, not (or not so) in the catalogue:\n{not_accepted:#?}"
    );
    assert_eq!(documented, catalogued, "the same rows, in the same order");
}

#[test]
fn every_table_of_the_catalogue_has_keys_and_no_key_twice() {
    let mut headers = BTreeSet::new();
    for table in scenario::keys() {
        assert!(headers.insert(table.header), "{:?} twice", table.header);
        assert!(!table.keys.is_empty(), "{:?} has no keys", table.header);
        let names: BTreeSet<&str> = table.keys.iter().map(|k| k.name).collect();
        assert_eq!(
            names.len(),
            table.keys.len(),
            "a key twice in {:?}",
            table.header
        );
    }
}

/// An unknown key in `table` of `seed.toml`, by `--set`: the reader's problem lists
/// the keys it accepts there.
fn accepted_keys(text: &str, first_strategy: &str, table: &KeyTable) -> BTreeSet<String> {
    const UNKNOWN: &str = "zz_not_a_key";
    let prefix = match table.name() {
        "" => String::new(),
        "strategies.<id>" => format!("strategies.{first_strategy}."),
        name if table.header.starts_with("[[") => format!("{name}[0]."),
        name => format!("{name}."),
    };
    let key = format!("{prefix}{UNKNOWN}");
    let set = Override {
        key: key.clone(),
        value: "1".to_string(),
    };
    let problems = scenario::from_str_with(text, "seed", &[set]).expect_err("an unknown key");
    let problem = problems
        .iter()
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("no problem at {key}: {problems:?}"));
    let (_, allowed) = problem
        .message
        .split_once("allowed here: ")
        .unwrap_or_else(|| panic!("{key}: no list of allowed keys in {problem}"));
    allowed.split(", ").map(str::to_string).collect()
}

#[test]
fn the_reader_accepts_exactly_the_catalogued_keys_of_every_table() {
    let text = std::fs::read_to_string(root().join("scenarios").join("seed.toml"))
        .expect("read seed.toml");
    // An event to put an unknown key in (seed.toml has none).
    let text = format!("{text}\n[[events]]\nname = \"probe\"\nweek = 40\nmultiple = 5\n");
    let seed = scenario::from_str(&text, "seed").expect("seed.toml is valid");
    assert!(
        !seed.risks.is_empty() && !seed.claims.is_empty(),
        "seed.toml has a risk and a claim to put an unknown key in"
    );
    for table in scenario::keys() {
        let mut expected: BTreeSet<String> =
            table.keys.iter().map(|k| k.name.to_string()).collect();
        if table.header.is_empty() {
            // The top level also holds every table, by its first name.
            for t in scenario::keys().iter().filter(|t| !t.header.is_empty()) {
                let first = t.name().split('.').next().unwrap_or_default();
                expected.insert(first.to_string());
            }
        }
        let accepted = accepted_keys(&text, &seed.strategies[0].id, table);
        assert_eq!(
            accepted, expected,
            "the reader's keys of {:?} (left) and the catalogue's (right)",
            table.header
        );
    }
}

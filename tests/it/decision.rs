//! Decision metrics (`decision.csv`) against values computed by hand from the
//! trials of a tiny run (`trials.csv`).

use std::collections::BTreeMap;

use crate::common::{root, run_in, stderr};

const DECISION_HEADER: &str = "scenario,strategy,n,currency,planned_budget,p_lowest_total_cost,expected_regret,expected_regret_std_err,expected_regret_ci95_low,expected_regret_ci95_high,p_build_cost_above_1_2x_budget,p_build_cost_above_1_5x_budget";

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("a csv file");
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn decision_csv_matches_values_computed_by_hand_from_trials_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let file = root().join("tests/fixtures/claims/wrong_claim.toml");
    let out = tmp.path().join("run");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            &file.display().to_string(),
            "--trials",
            "9",
            "--trials-csv",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (th, trials) = read(&out.join("trials.csv"));
    let col = |name: &str| th.iter().position(|h| h == name).unwrap();
    let (cost, over) = (col("total_cost"), col("budget_overrun"));
    // total cost and overrun per strategy, in trial order.
    let mut by: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for row in &trials {
        by.entry(row[1].clone())
            .or_default()
            .push((row[cost].parse().unwrap(), row[over].parse().unwrap()));
    }
    let ids = ["backend_led", "ux_led"];
    let n = 9usize;
    let lowest: Vec<f64> = (0..n)
        .map(|t| {
            ids.iter()
                .map(|s| by[*s][t].0)
                .fold(f64::INFINITY, f64::min)
        })
        .collect();

    let (dh, rows) = read(&out.join("decision.csv"));
    assert_eq!(dh.join(","), DECISION_HEADER);
    assert_eq!(rows.len(), 2);
    let mut p_sum = 0.0;
    for (row, id) in rows.iter().zip(ids) {
        assert_eq!(row[1], id);
        let v = |i: usize| row[i].parse::<f64>().unwrap();
        let mine = &by[id];
        let wins: f64 = (0..n)
            .map(|t| {
                let tied = ids.iter().filter(|s| by[**s][t].0 == lowest[t]).count();
                if mine[t].0 == lowest[t] {
                    1.0 / tied as f64
                } else {
                    0.0
                }
            })
            .sum();
        let regrets: Vec<f64> = (0..n).map(|t| mine[t].0 - lowest[t]).collect();
        let mean = regrets.iter().sum::<f64>() / n as f64;
        let var = regrets.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let above = |x: f64| mine.iter().filter(|(_, o)| *o > x).count() as f64 / n as f64;
        assert!(
            close(v(5), wins / n as f64),
            "{id} p_lowest {} vs {}",
            v(5),
            wins / n as f64
        );
        assert!(close(v(6), mean), "{id} regret {} vs {mean}", v(6));
        assert!(close(v(7), (var / n as f64).sqrt()), "{id} regret se");
        assert!(close(v(10), above(1.2)), "{id} > 1.2x");
        assert!(close(v(11), above(1.5)), "{id} > 1.5x");
        p_sum += v(5);
    }
    assert!(close(p_sum, 1.0), "P(lowest) sums to 1");
    // planned budget = burn x plan: 55k x 24 x 1.32 and 50k x 24.
    assert!(close(rows[0][4].parse().unwrap(), 55_000.0 * 24.0 * 1.32));
    assert!(close(rows[1][4].parse().unwrap(), 50_000.0 * 24.0));
}

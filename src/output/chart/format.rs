//! Number formatting and tick choice for board-deck labels: `$2.1m`, `200,000`, `53.2%`.

/// A count with thousands separators: `200000` -> `200,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A non-negative float count, rounded, with thousands separators.
pub fn count(v: f64) -> String {
    if v.is_finite() && v >= 0.0 {
        thousands(v.round() as u64)
    } else {
        "?".to_string()
    }
}

/// The prefix money is written with: a symbol for the common currencies, else the code and a
/// space, so that an unknown currency is still named rather than shown as dollars.
pub fn currency_prefix(code: &str) -> String {
    match code.trim().to_ascii_uppercase().as_str() {
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        "" => String::new(),
        other => format!("{other} "),
    }
}

/// Money in the short form a board reads: `$2.1m`, `$450k`, `$4.5k`, `$950`, `$1.2bn`.
pub fn money(v: f64, prefix: &str) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let body = if a >= 999.5e6 {
        format!("{:.1}bn", a / 1e9)
    } else if a >= 99.95e6 {
        format!("{:.0}m", a / 1e6)
    } else if a >= 999.5e3 {
        format!("{:.1}m", a / 1e6)
    } else if a >= 9.995e3 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    format!("{sign}{prefix}{body}")
}

/// Tick labels for money, sharing one unit and one number of decimals so that a column of
/// ticks reads evenly (`$0`, `$0.5m`, `$1.0m`, ...).
pub fn money_ticks(ticks: &[f64], step: f64, prefix: &str) -> Vec<String> {
    let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
    let (unit, suffix) = if largest >= 1e9 {
        (1e9, "bn")
    } else if largest >= 1e6 {
        (1e6, "m")
    } else if largest >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let decimals = decimals_for(step / unit);
    ticks
        .iter()
        .map(|&t| {
            if t == 0.0 {
                format!("{prefix}0")
            } else {
                let sign = if t < 0.0 { "-" } else { "" };
                format!("{sign}{prefix}{:.*}{suffix}", decimals, t.abs() / unit)
            }
        })
        .collect()
}

/// Plain tick labels with the decimals the step needs and thousands separators.
pub fn plain_ticks(ticks: &[f64], step: f64) -> Vec<String> {
    let decimals = decimals_for(step);
    ticks.iter().map(|&t| number(t, decimals)).collect()
}

/// A number with `decimals` decimals and thousands separators in its integer part.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let int = int
        .parse::<u64>()
        .map(thousands)
        .unwrap_or_else(|_| int.clone());
    let negative = v < 0.0 && text.chars().any(|c| c != '0' && c != '.');
    let sign = if negative { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    }
}

/// A value with up to `max_decimals` decimals, trailing zeros dropped: `24.0` -> `24`.
pub fn short(v: f64, max_decimals: usize) -> String {
    let text = number(v, max_decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A probability as a percentage with one decimal; tiny non-zero values read `<0.1%` so that
/// "rare" is never shown as "never".
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "n/a".to_string();
    }
    let pct = p * 100.0;
    if pct > 0.0 && pct < 0.05 {
        "<0.1%".to_string()
    } else if pct < 100.0 && pct > 99.95 {
        ">99.9%".to_string()
    } else {
        format!("{pct:.1}%")
    }
}

/// The fewest decimals that write every multiple of `step` exactly (steps are 1, 2 or 5 x 10^k).
fn decimals_for(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    (0..=6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

/// A "nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over `span`.
pub fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span / target.max(1) as f64;
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A padded, finite range around `[lo, hi]`: a zero-width range (all values equal) widens so
/// the single value sits in the middle of a readable axis.
pub fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    if hi - lo > 1e-9 * lo.abs().max(hi.abs()).max(1e-300) {
        (lo, hi)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    }
}

/// Ticks covering `[lo, hi]` rounded out to whole steps: returns (lo, hi, step, ticks).
pub fn linear_ticks(lo: f64, hi: f64, target: usize) -> (f64, f64, f64, Vec<f64>) {
    let (lo, hi) = widen(lo, hi);
    let step = nice_step(hi - lo, target);
    let first = (lo / step - 1e-9).floor();
    let last = (hi / step + 1e-9).ceil();
    let (lo_r, hi_r) = (first * step, last * step);
    let count = ((last - first).max(0.0) as usize).min(200);
    let ticks = (0..=count)
        .map(|i| {
            let t = (first + i as f64) * step;
            if t.abs() < step * 1e-9 { 0.0 } else { t }
        })
        .collect();
    (lo_r, hi_r, step, ticks)
}

/// Decade ticks (with 2 and 5 between them when the range is short) covering `[lo, hi]`,
/// rounded out to whole decades; both bounds must be positive. Returns (lo, hi, ticks).
pub fn log_ticks(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1e-3 };
    let hi = if hi.is_finite() && hi > lo {
        hi
    } else {
        lo * 10.0
    };
    let d0 = (lo.log10() + 1e-9).floor() as i32;
    let d1 = ((hi.log10() - 1e-9).ceil() as i32).max(d0 + 1);
    let d1 = d1.min(d0 + 30);
    let mut ticks = Vec::new();
    let with_minor = d1 - d0 <= 4;
    for d in d0..=d1 {
        let base = 10f64.powi(d);
        ticks.push(base);
        if with_minor && d < d1 {
            ticks.push(2.0 * base);
            ticks.push(5.0 * base);
        }
    }
    (10f64.powi(d0), 10f64.powi(d1), ticks)
}

/// Wilson score 95% interval for a proportion `p` observed in `n` trials, clamped to [0, 1]:
/// unlike the normal approximation it stays inside [0, 1] and is not zero-width at p = 0.
pub fn wilson_95(p: f64, n: f64) -> Option<(f64, f64)> {
    if !(p.is_finite() && n.is_finite() && n >= 1.0) {
        return None;
    }
    let p = p.clamp(0.0, 1.0);
    let z = 1.959_963_984_540_054_f64;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound is exactly 0 (or 1); rounding would leave a speck above it.
    let lo = if p == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if p == 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_money_the_way_a_board_reads_it() {
        assert_eq!(money(2_100_000.0, "$"), "$2.1m");
        assert_eq!(money(450_000.0, "$"), "$450k");
        assert_eq!(money(4_500.0, "€"), "€4.5k");
        assert_eq!(money(999_999.0, "$"), "$1.0m");
        assert_eq!(money(1.2e9, "£"), "£1.2bn");
        assert_eq!(money(-2.1e6, "CHF "), "-CHF 2.1m");
        assert_eq!(money(950.0, "$"), "$950");
    }

    #[test]
    fn money_ticks_share_unit_and_decimals() {
        assert_eq!(
            money_ticks(&[0.0, 5e5, 1e6, 1.5e6], 5e5, "$"),
            vec!["$0", "$0.5m", "$1.0m", "$1.5m"]
        );
        assert_eq!(
            money_ticks(&[0.0, 2e6, 4e6], 2e6, "$"),
            vec!["$0", "$2m", "$4m"]
        );
    }

    #[test]
    fn separates_thousands() {
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(number(-1234.5, 1), "-1,234.5");
        assert_eq!(short(24.0, 1), "24");
    }

    #[test]
    fn percent_never_rounds_rare_to_never() {
        assert_eq!(percent(0.532), "53.2%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.0), "0.0%");
    }

    #[test]
    fn wilson_interval_is_not_zero_width_at_zero_failures() {
        let (lo, hi) = wilson_95(0.0, 1000.0).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.003 && hi < 0.005, "{hi}");
        let (lo, hi) = wilson_95(0.5, 100.0).unwrap();
        assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3);
        assert!(wilson_95(0.5, 0.0).is_none());
    }

    #[test]
    fn ticks_survive_a_zero_width_range() {
        let (lo, hi, _, ticks) = linear_ticks(5.0, 5.0, 6);
        assert!(lo < 5.0 && hi > 5.0 && !ticks.is_empty());
        let (lo, hi, _, _) = linear_ticks(0.0, 0.0, 6);
        assert!(lo < 0.0 && hi > 0.0);
        let (lo, hi, ticks) = log_ticks(0.3, 2000.0);
        assert_eq!((lo, hi), (0.1, 10_000.0));
        assert_eq!(ticks.len(), 6);
    }
}

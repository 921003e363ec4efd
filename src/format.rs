//! How every number reads, wherever it is shown: money with its currency (`$2.1m`), counts
//! with thousands separators (`200,000`), percentages (`53.2%`) and significant figures
//! (`26.41`). The console, the `check` report and the charts call these functions, so the
//! same value prints the same way everywhere.
//!
//! A leaf: it imports nothing from the crate and knows nothing of metrics, files or
//! drawing. It returns text; it never prints.
//!
//! One rule runs through the money and rounding functions: a value is written in the unit
//! it *rounds* to, so a value that rounds up to the next unit prints in the next unit
//! (`999,999` is `$1.0m`, never `$1000k`).
//!
//! Which function to call:
//! - money from a currency code (console): [`money`]; to the whole unit (claims beside
//!   their bounds): [`money_whole`]; with a prefix already worked out
//!   by [`currency_prefix`] (charts, many values): [`money_with_prefix`]; a column or axis of
//!   money sharing one unit: [`money_ticks`].
//! - a whole count: [`thousands`] (`u64`), [`count`] (non-negative `f64`), [`integer`] (any
//!   `f64`, signed).
//! - a number with fixed decimals and separators: [`number`]; trailing zeros dropped:
//!   [`short`]; one number of decimals for a set of values shown side by side:
//!   [`shared_decimals`]; a column or axis: [`plain_ticks`].
//! - a probability: [`percent`].
//! - significant figures: [`significant`] (trailing zeros kept: `1.200`) and
//!   [`significant_short`] (dropped: `1.2`).

/// The prefix money is written with: a symbol for the common currencies, else the code and a
/// space, so that an unknown currency is still named rather than shown as dollars:
/// `USD` -> `$`, `EUR` -> `€`, `GBP` -> `£`, `CHF` -> `CHF `, no code -> nothing.
pub fn currency_prefix(currency_code: &str) -> String {
    match currency_code.trim().to_ascii_uppercase().as_str() {
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        "" => String::new(),
        other => format!("{other} "),
    }
}

/// Money in the short form a board reads, for a currency code: `money(2.1e6, "USD")` is
/// `$2.1m`. See [`money_with_prefix`] for the rule.
pub fn money(value: f64, currency_code: &str) -> String {
    money_with_prefix(value, &currency_prefix(currency_code))
}

/// Money in the short form a board reads, after `prefix` (see [`currency_prefix`]):
/// `$950`, `$4.5k`, `$450k`, `$2.1m`, `$450m`, `$1.2bn`.
///
/// Below ten of a unit one decimal is shown, from ten on none; the unit is the one the
/// value *rounds* to at that precision, so `$999,999` is `$1.0m` and `$9,960` is `$10k`.
/// A value that rounds to zero has no minus sign. Not a number or infinite: `n/a`.
pub fn money_with_prefix(value: f64, prefix: &str) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let a = value.abs();
    // Each threshold is the smallest value that rounds up into the next form.
    let body = if a >= 999.5e6 {
        format!("{:.1}bn", a / 1e9)
    } else if a >= 99.95e6 {
        format!("{:.0}m", a / 1e6)
    } else if a >= 999.5e3 {
        format!("{:.1}m", a / 1e6)
    } else if a >= 9.95e3 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    let sign = if value < 0.0 && a >= 0.5 { "-" } else { "" };
    format!("{sign}{prefix}{body}")
}

/// Money to the whole unit, for a figure someone compares with a stated bound: the
/// currency prefix and thousands separators, `money_whole(-441890.4, "USD")` is
/// `-$441,890`. Not a number or infinite: `n/a`.
pub fn money_whole(value: f64, currency_code: &str) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let sign = if value <= -0.5 { "-" } else { "" };
    format!(
        "{sign}{}{}",
        currency_prefix(currency_code),
        integer(value.abs())
    )
}

/// Labels for a column or axis of money values `step` apart, sharing one unit and one
/// number of decimals so that they read evenly (`$0`, `$0.5m`, `$1.0m`, ...).
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

/// Labels for a column or axis of plain values `step` apart: the decimals the step needs,
/// thousands separators.
pub fn plain_ticks(ticks: &[f64], step: f64) -> Vec<String> {
    let decimals = decimals_for(step);
    ticks.iter().map(|&t| number(t, decimals)).collect()
}

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

/// A non-negative count held as a float, rounded, with thousands separators; `?` when it is
/// negative or not a number.
pub fn count(v: f64) -> String {
    if v.is_finite() && v >= 0.0 {
        thousands(v.round() as u64)
    } else {
        "?".to_string()
    }
}

/// Any value rounded to a whole number, with thousands separators and its sign:
/// `-1234567.4` -> `-1,234,567`. Not a number or infinite: `n/a`.
pub fn integer(v: f64) -> String {
    number(v, 0)
}

/// A number with `decimals` decimals and thousands separators in its integer part:
/// `-1234.5` -> `-1,234.5`. A value that rounds to zero has no minus sign. Not a number or
/// infinite: `n/a`.
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

/// A value with up to `max_decimals` decimals, trailing zeros dropped: `24.0` -> `24`,
/// `25.25` -> `25.3` at one decimal. Use [`shared_decimals`] and [`number`] instead when
/// values are shown side by side, so `32.0` does not read `32` next to `25.2`.
pub fn short(v: f64, max_decimals: usize) -> String {
    let text = number(v, max_decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The one number of decimals, at most `max_decimals`, for values shown side by side: the
/// fewest that write every value as precisely as `max_decimals` would. `[32.0, 25.2]` at one
/// decimal -> 1 (`32.0` and `25.2`); `[32.0, 25.0]` -> 0 (`32` and `25`).
pub fn shared_decimals(values: &[f64], max_decimals: usize) -> usize {
    values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| {
            let text = format!("{:.*}", max_decimals, v.abs());
            match text.split_once('.') {
                Some((_, frac)) => frac.trim_end_matches('0').len(),
                None => 0,
            }
        })
        .max()
        .unwrap_or(0)
}

/// A probability as a percentage with one decimal; tiny non-zero values read `<0.1%` and
/// near-certain ones `>99.9%`, so that "rare" is never shown as "never" nor "almost always"
/// as "always". Not a number or infinite: `n/a`.
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

/// The most decimals [`significant`] writes, so that a tiny value cannot produce a
/// hundred-character number.
pub const MAX_SIGNIFICANT_DECIMALS: usize = 12;

/// `x` to `figures` significant figures, trailing zeros kept, no thousands separators:
/// `significant(26.4149, 4)` -> `26.41`, `significant(1.2, 4)` -> `1.200`; a number with more
/// integer digits than `figures` keeps them all (`1234567`). At most
/// [`MAX_SIGNIFICANT_DECIMALS`] decimals. Zero: `0`; not a number: `n/a`; infinite: `inf` or
/// `-inf`.
pub fn significant(x: f64, figures: usize) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i64;
    let decimals =
        (figures as i64 - 1 - magnitude).clamp(0, MAX_SIGNIFICANT_DECIMALS as i64) as usize;
    format!("{x:.decimals$}")
}

/// [`significant`] with trailing zeros dropped: `significant_short(1.2, 4)` -> `1.2`,
/// `significant_short(11400.3, 4)` -> `11400`.
pub fn significant_short(x: f64, figures: usize) -> String {
    let text = significant(x, figures);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_way_a_board_reads_it() {
        assert_eq!(money(950.0, "USD"), "$950");
        assert_eq!(money(4_500.0, "EUR"), "€4.5k");
        assert_eq!(money(450_000.0, "USD"), "$450k");
        assert_eq!(money(2_100_000.0, "USD"), "$2.1m");
        assert_eq!(money(450_000_000.0, "USD"), "$450m");
        assert_eq!(money(1.2e9, "GBP"), "£1.2bn");
    }

    #[test]
    fn money_that_rounds_up_to_the_next_unit_prints_in_the_next_unit() {
        assert_eq!(money(999.0, "USD"), "$999");
        assert_eq!(money(999.5, "USD"), "$1.0k");
        assert_eq!(money(999_499.0, "USD"), "$999k");
        assert_eq!(money(999_999.0, "USD"), "$1.0m");
        assert_eq!(money(999_499_999.0, "USD"), "$999m");
        assert_eq!(money(999_999_999.0, "USD"), "$1.0bn");
    }

    #[test]
    fn money_that_rounds_up_to_ten_of_a_unit_drops_its_decimal() {
        assert_eq!(money(9_940.0, "USD"), "$9.9k");
        assert_eq!(money(9_960.0, "USD"), "$10k");
        assert_eq!(money(99_960_000.0, "USD"), "$100m");
    }

    #[test]
    fn money_names_an_unknown_currency_by_its_code_and_keeps_its_sign() {
        assert_eq!(money(-2.1e6, "CHF"), "-CHF 2.1m");
        assert_eq!(money(-441_890.0, "USD"), "-$442k");
        assert_eq!(money(-0.4, "USD"), "$0");
        assert_eq!(money(5.0, ""), "5");
        assert_eq!(money(f64::NAN, "USD"), "n/a");
        assert_eq!(money_with_prefix(2.1e6, "$"), money(2.1e6, "usd"));
    }

    #[test]
    fn money_ticks_share_one_unit_and_one_number_of_decimals() {
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
    fn counts_separate_thousands() {
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(count(1_234.6), "1,235");
        assert_eq!(count(-1.0), "?");
        assert_eq!(integer(-1_234_567.4), "-1,234,567");
        assert_eq!(integer(-0.4), "0");
    }

    #[test]
    fn numbers_keep_or_drop_their_decimals_as_asked() {
        assert_eq!(number(-1234.5, 1), "-1,234.5");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(short(24.0, 1), "24");
        assert_eq!(short(25.25, 2), "25.25");
    }

    #[test]
    fn values_side_by_side_share_one_number_of_decimals() {
        assert_eq!(shared_decimals(&[32.0, 25.2], 1), 1);
        assert_eq!(shared_decimals(&[32.0, 25.0], 1), 0);
        assert_eq!(shared_decimals(&[31.98, 25.0], 1), 0);
        assert_eq!(shared_decimals(&[1.25, 2.5], 2), 2);
        assert_eq!(shared_decimals(&[], 1), 0);
    }

    #[test]
    fn percent_never_rounds_rare_to_never_nor_almost_always_to_always() {
        assert_eq!(percent(0.532), "53.2%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.9999), ">99.9%");
        assert_eq!(percent(1.0), "100.0%");
    }

    #[test]
    fn significant_figures_keep_or_drop_trailing_zeros() {
        assert_eq!(significant(1.23249, 4), "1.232");
        assert_eq!(significant(0.089123, 4), "0.08912");
        assert_eq!(significant(26.4149, 4), "26.41");
        assert_eq!(significant(1.2, 4), "1.200");
        assert_eq!(significant(1_234_567.4, 4), "1234567");
        assert_eq!(significant(0.0, 4), "0");
        assert_eq!(significant(f64::NAN, 4), "n/a");
        assert_eq!(significant(f64::NEG_INFINITY, 4), "-inf");
        assert_eq!(significant(1e-20, 4), "0.000000000000");
        assert_eq!(significant_short(1.2, 4), "1.2");
        assert_eq!(significant_short(0.4, 3), "0.4");
        assert_eq!(significant_short(11_400.3, 4), "11400");
        assert_eq!(significant_short(0.0005, 4), "0.0005");
    }

    #[test]
    fn money_to_the_whole_unit_keeps_every_digit_with_the_currency() {
        assert_eq!(money_whole(-441_890.4, "USD"), "-$441,890");
        assert_eq!(money_whole(500_000.0, "EUR"), "€500,000");
        assert_eq!(money_whole(1_234.0, "CHF"), "CHF 1,234");
        assert_eq!(money_whole(-0.2, "USD"), "$0");
        assert_eq!(money_whole(f64::NAN, "USD"), "n/a");
    }
}

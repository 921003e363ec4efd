//! Axis arithmetic for the charts: a "nice" tick step, ticks covering a range (linear or
//! by decades), a range widened when all values are equal, and the Wilson interval a chart
//! draws around a proportion. How the tick values are written is [`crate::format`]'s job.

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

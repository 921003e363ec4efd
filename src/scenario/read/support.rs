//! A strategy's `support` key: the calendar in which its incidents are worked on
//! (MODEL.md §8.2). A name (`"24x7"`, `"extended"`, `"business-hours"`) or a list
//! of covered hours, each `{ days = "mon-fri", from = "09:00", to = "17:00" }`;
//! hours covered twice are refused, naming both entries.

use toml::de::DeValue;

use super::Reader;
use super::values::{Tbl, type_name};
use crate::scenario::{HOURS_PER_WEEK, SupportCalendar};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const FORMS: &str = "\"24x7\", \"extended\" (Mon-Sat 07:00-23:00), \"business-hours\" (Mon-Fri 09:00-17:00), or a list of covered hours such as [{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }]";

/// One entry's covered interval on one day: hours of the week, and the entry.
struct Covered {
    start: f64,
    end: f64,
    entry: usize,
}

impl Reader<'_> {
    /// `support`: the strategy's support calendar; `24x7` when absent.
    pub(super) fn support(&mut self, t: &mut Tbl<'_, '_>) -> SupportCalendar {
        let path = t.key_path("support");
        let Some(v) = t.get("support") else {
            return SupportCalendar::always();
        };
        let items = match v.get_ref() {
            DeValue::String(name) => {
                return match name.as_ref() {
                    "24x7" => SupportCalendar::always(),
                    "extended" => SupportCalendar::extended(),
                    "business-hours" => SupportCalendar::business_hours(),
                    other => {
                        self.problem(
                            v.span(),
                            &path,
                            format!("unknown support calendar {other:?}; one of {FORMS}"),
                        );
                        SupportCalendar::always()
                    }
                };
            }
            DeValue::Array(items) if !items.is_empty() => items,
            other => {
                self.problem(
                    v.span(),
                    &path,
                    format!("expected {FORMS}; got {}", describe(other)),
                );
                return SupportCalendar::always();
            }
        };
        let mut covered: Vec<Covered> = Vec::new();
        let mut ok = true;
        for (entry, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{entry}]");
            let DeValue::Table(table) = item.get_ref() else {
                self.problem(
                    item.span(),
                    &item_path,
                    format!(
                        "expected {{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }}, got {}",
                        type_name(item.get_ref())
                    ),
                );
                ok = false;
                continue;
            };
            let mut e = Tbl::new(item_path, Some(table), item.span());
            let days = self.text_of(
                &mut e,
                "days",
                "days such as \"mon-fri\", \"sat\" or \"mon,wed,fri\"",
                parse_days,
            );
            let from = self.text_of(
                &mut e,
                "from",
                "a time of day such as \"09:00\"",
                parse_time,
            );
            let to = self.text_of(
                &mut e,
                "to",
                "a time of day such as \"17:00\", or \"24:00\"",
                parse_time,
            );
            if let (Some(from), Some(to)) = (from, to)
                && from >= to
                && let Some(v) = e.get("to")
            {
                self.problem(
                    v.span(),
                    &e.key_path("to"),
                    format!(
                        "must be later in the day than `from` ({}); an interval across midnight is two entries, one ending \"24:00\" and one starting \"00:00\"",
                        clock(from)
                    ),
                );
                ok = false;
            }
            self.finish(e);
            match (days, from, to) {
                (Some(days), Some(from), Some(to)) if from < to => {
                    for day in days {
                        let base = 24.0 * day as f64;
                        covered.push(Covered {
                            start: base + from,
                            end: base + to,
                            entry,
                        });
                    }
                }
                _ => ok = false,
            }
        }
        if !ok {
            return SupportCalendar::always();
        }
        covered.sort_by(|a, b| a.start.total_cmp(&b.start));
        for pair in covered.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.start < a.end {
                let (first, later) = (a.entry.min(b.entry), a.entry.max(b.entry));
                let span = items[later].span();
                let message = if first == later {
                    "covers the same hours twice; list each day once".to_string()
                } else {
                    format!(
                        "covers hours that {path}[{first}] covers too ({} {}); give each hour of the week once",
                        DAYS[(b.start / 24.0) as usize % 7],
                        clock(b.start % 24.0)
                    )
                };
                self.problem(span, &format!("{path}[{later}]"), message);
                return SupportCalendar::always();
            }
        }
        let hours = covered.iter().map(|c| (c.start, c.end)).collect();
        let calendar = SupportCalendar::from_intervals("custom", hours);
        debug_assert!(calendar.covered_hours_per_week() <= HOURS_PER_WEEK);
        calendar
    }

    /// A string key parsed by `parse`, reported with `what` when missing or wrong.
    fn text_of<T>(
        &mut self,
        e: &mut Tbl<'_, '_>,
        key: &'static str,
        what: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Some(v) = e.get(key) else {
            self.missing(e, key, what);
            return None;
        };
        let parsed = match v.get_ref() {
            DeValue::String(text) => parse(text),
            _ => None,
        };
        if parsed.is_none() {
            self.problem(
                v.span(),
                &e.key_path(key),
                format!("expected {what}, got {}", describe(v.get_ref())),
            );
        }
        parsed
    }
}

/// A value as an error message quotes it: strings as written, others by type.
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("{:?}", s.as_ref() as &str),
        DeValue::Array(a) if a.is_empty() => "an empty list".to_string(),
        other => type_name(other).to_string(),
    }
}

/// `"mon-fri"`, `"sat"`, `"mon,wed,fri"`, `"fri-mon"` (through the weekend):
/// day indexes from Monday = 0, each once.
fn parse_days(text: &str) -> Option<Vec<usize>> {
    let day = |d: &str| {
        DAYS.iter()
            .position(|&x| x == d.trim().to_ascii_lowercase())
    };
    let mut out: Vec<usize> = Vec::new();
    for part in text.split(',') {
        let days: Vec<usize> = match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let n = (b + 7 - a) % 7 + 1;
                (0..n).map(|i| (a + i) % 7).collect()
            }
            None => vec![day(part)?],
        };
        for d in days {
            if out.contains(&d) {
                return None;
            }
            out.push(d);
        }
    }
    Some(out)
}

/// `"HH:MM"`, 00:00 to 24:00, as hours of the day.
fn parse_time(text: &str) -> Option<f64> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then(|| f64::from(h) + f64::from(m) / 60.0)
}

/// Hours of the day as `HH:MM`.
fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as u64;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_read_as_written() {
        assert_eq!(parse_days("mon-fri"), Some(vec![0, 1, 2, 3, 4]));
        assert_eq!(parse_days("sat"), Some(vec![5]));
        assert_eq!(parse_days("mon,wed,fri"), Some(vec![0, 2, 4]));
        assert_eq!(parse_days("fri-mon"), Some(vec![4, 5, 6, 0]));
        assert_eq!(parse_days("mon,mon"), None, "a day twice");
        assert_eq!(parse_days("monday"), None);
        assert_eq!(parse_time("09:30"), Some(9.5));
        assert_eq!(parse_time("24:00"), Some(24.0));
        assert_eq!(parse_time("24:30"), None);
        assert_eq!(parse_time("9"), None);
        assert_eq!(clock(17.5), "17:30");
    }
}

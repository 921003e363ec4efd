//! A strategy's support calendar (MODEL.md §8.2): the hours of the week in which
//! incidents are worked on, and how long an incident that starts outside them
//! waits. Pure data and arithmetic on it; the draw of an incident's start is the
//! model's.

use serde::Serialize;

/// Hours in a week; the calendar's clock runs from Monday 00:00 (hour 0) to the
/// next Monday 00:00 (hour 168).
pub const HOURS_PER_WEEK: f64 = 168.0;

/// The covered hours of a week: disjoint intervals `[start, end)`, in hours from
/// Monday 00:00, sorted, none touching the next (touching intervals are joined).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SupportCalendar {
    /// `24x7`, `extended`, `business-hours`, or `custom` for a list of intervals.
    pub name: String,
    pub covered_hours: Vec<(f64, f64)>,
}

impl SupportCalendar {
    /// Every hour covered: an incident never waits.
    pub fn always() -> SupportCalendar {
        SupportCalendar {
            name: "24x7".into(),
            covered_hours: vec![(0.0, HOURS_PER_WEEK)],
        }
    }

    /// Monday to Saturday, 07:00 to 23:00 (96 hours).
    pub fn extended() -> SupportCalendar {
        SupportCalendar::days("extended", 0..6, 7.0, 23.0)
    }

    /// Monday to Friday, 09:00 to 17:00 (40 hours).
    pub fn business_hours() -> SupportCalendar {
        SupportCalendar::days("business-hours", 0..5, 9.0, 17.0)
    }

    fn days(
        name: &str,
        days: std::ops::Range<u32>,
        from_hour: f64,
        to_hour: f64,
    ) -> SupportCalendar {
        let hours = days.map(|d| {
            let day = 24.0 * f64::from(d);
            (day + from_hour, day + to_hour)
        });
        SupportCalendar::from_intervals(name, hours.collect())
    }

    /// A calendar from covered intervals in hours of the week (each within
    /// [0, 168] with start < end, none overlapping another: the reader checks).
    /// Touching intervals are joined; a calendar covering the whole week is `24x7`.
    pub fn from_intervals(name: &str, mut hours: Vec<(f64, f64)>) -> SupportCalendar {
        hours.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut joined: Vec<(f64, f64)> = Vec::with_capacity(hours.len());
        for (start, end) in hours {
            match joined.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => joined.push((start, end)),
            }
        }
        if joined == [(0.0, HOURS_PER_WEEK)] {
            return SupportCalendar::always();
        }
        SupportCalendar {
            name: name.into(),
            covered_hours: joined,
        }
    }

    /// Whether every hour is covered (the default, `24x7`).
    pub fn is_always(&self) -> bool {
        self.covered_hours == [(0.0, HOURS_PER_WEEK)]
    }

    /// Covered hours per week.
    pub fn covered_hours_per_week(&self) -> f64 {
        self.covered_hours.iter().map(|(a, b)| b - a).sum()
    }

    /// How long an incident that starts at `hour` of the week (0 <= hour < 168)
    /// waits for the next covered hour: 0 inside a covered interval.
    pub fn wait_hours(&self, hour: f64) -> f64 {
        for &(start, end) in &self.covered_hours {
            if hour < start {
                return start - hour;
            }
            if hour < end {
                return 0.0;
            }
        }
        // After the last interval: the first one of next week.
        match self.covered_hours.first() {
            Some(&(start, _)) => start + HOURS_PER_WEEK - hour,
            None => 0.0,
        }
    }

    /// The mean wait of an incident whose start is uniform over the week: each
    /// uncovered gap of length L contributes L^2 / 2 of waiting over its hours,
    /// so the mean is the sum of L^2 / 2 over the gaps, divided by 168. For
    /// business hours: (4 x 16^2 / 2 + 64^2 / 2) / 168 = 15.2 hours.
    pub fn mean_wait_hours(&self) -> f64 {
        let Some(&(first, _)) = self.covered_hours.first() else {
            return 0.0;
        };
        let mut gaps = Vec::with_capacity(self.covered_hours.len());
        for pair in self.covered_hours.windows(2) {
            gaps.push(pair[1].0 - pair[0].1);
        }
        let last_end = self.covered_hours[self.covered_hours.len() - 1].1;
        // The gap across the week's end (Sunday night into Monday).
        gaps.push(first + HOURS_PER_WEEK - last_end);
        gaps.iter().map(|g| g * g / 2.0).sum::<f64>() / HOURS_PER_WEEK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_presets_cover_their_stated_hours() {
        assert_eq!(SupportCalendar::always().covered_hours_per_week(), 168.0);
        assert_eq!(SupportCalendar::extended().covered_hours_per_week(), 96.0);
        assert_eq!(
            SupportCalendar::business_hours().covered_hours_per_week(),
            40.0
        );
    }

    /// MODEL.md §8.2: business hours wait (4 x 16^2/2 + 64^2/2) / 168 = 15.24 h on
    /// average; extended hours (5 x 8^2/2 + 32^2/2) / 168 = 4.0 h; 24x7 never.
    #[test]
    fn mean_waits_are_the_closed_forms() {
        let business = (4.0 * 16.0 * 16.0 / 2.0 + 64.0 * 64.0 / 2.0) / 168.0;
        assert!((SupportCalendar::business_hours().mean_wait_hours() - business).abs() < 1e-12);
        assert!((business - 15.238).abs() < 1e-3);
        assert!((SupportCalendar::extended().mean_wait_hours() - 4.0).abs() < 1e-12);
        assert_eq!(SupportCalendar::always().mean_wait_hours(), 0.0);
    }

    #[test]
    fn an_incident_waits_for_the_next_covered_hour() {
        let b = SupportCalendar::business_hours();
        assert_eq!(b.wait_hours(10.0), 0.0, "Monday 10:00 is covered");
        assert_eq!(
            b.wait_hours(17.0),
            16.0,
            "Monday 17:00 waits to Tuesday 09:00"
        );
        assert_eq!(b.wait_hours(3.0), 6.0, "Monday 03:00 waits to 09:00");
        // Friday 17:00 (hour 4 x 24 + 17 = 113) waits to Monday 09:00 (168 + 9).
        assert_eq!(b.wait_hours(113.0), 64.0);
        assert_eq!(b.wait_hours(167.5), 9.5, "Sunday 23:30");
    }

    #[test]
    fn touching_intervals_join_and_a_full_week_is_24x7() {
        let c = SupportCalendar::from_intervals("custom", vec![(24.0, 48.0), (0.0, 24.0)]);
        assert_eq!(c.covered_hours, vec![(0.0, 48.0)]);
        let all = SupportCalendar::from_intervals("custom", vec![(0.0, 100.0), (100.0, 168.0)]);
        assert!(all.is_always());
    }
}

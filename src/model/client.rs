//! The per-trial mechanisms of a client's own facts (MODEL.md §8.2, §8.4): the
//! launch's wait for a code freeze, the known peak events a live platform meets,
//! and an incident's wait for the support calendar's next covered hour. Called
//! from `Model::trial`; pure, allocation-free, and drawing only from the
//! substreams they are given.

use rand::Rng;

use super::census::Tally;
use super::compile::EventDraws;
use super::sampler::Sampler;
use super::stream::Substream;
use crate::dist::unit;
use crate::scenario::{HOURS_PER_WEEK, SupportCalendar};

/// The launch week of a build that takes `build_weeks`: a launch that would land
/// in an event's freeze, [week - freeze_weeks, week), waits until week + 1.
/// Events are in week order, so a wait can move the launch into a later freeze.
#[inline]
pub(super) fn launch_weeks(events: &[EventDraws], build_weeks: f64) -> f64 {
    let mut launch = build_weeks;
    for e in events {
        if e.freeze_weeks > 0.0 && launch >= e.week - e.freeze_weeks && launch < e.week {
            launch = e.week + 1.0;
        }
    }
    launch
}

/// What the known events did to one strategy in one trial.
pub(super) struct Met {
    /// Events during which the platform failed (each one more surge failure).
    pub(super) failures: u64,
    /// Their impact-weighted outage hours.
    pub(super) lost_hours: f64,
    /// Their outage hours x impact x (S - 1): what a loss that scales with the
    /// traffic adds to the hours.
    pub(super) excess_hours: f64,
}

/// Meets every event with launch <= week < launch + horizon: live, and a
/// failure when its multiple exceeds the strategy's headroom (both in logs),
/// with an outage drawn from the event's own substream of the strategy's word.
/// Writes each event's live and failure indicators into `extra`.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(super) fn meet_events<T: Tally>(
    events: &[EventDraws],
    multiples: &[(f64, f64)],
    launch_weeks: f64,
    horizon_weeks: f64,
    log_headroom: f64,
    word: u64,
    impact_fraction: &Sampler,
    extra: &mut [f64],
    tally: &mut T,
) -> Met {
    let mut met = Met {
        failures: 0,
        lost_hours: 0.0,
        excess_hours: 0.0,
    };
    for (e, &(multiple, log_multiple)) in events.iter().zip(multiples) {
        let live = launch_weeks <= e.week && e.week < launch_weeks + horizon_weeks;
        let fails = live && log_multiple > log_headroom;
        extra[e.live_at] = f64::from(live);
        extra[e.live_at + 1] = f64::from(fails);
        if fails {
            let outage = &mut Substream::new(word, e.outage_key);
            let lost = e.outage_hours.sample(outage) * impact_fraction.sample(outage);
            tally.draw(e.outage_hours.kind);
            tally.draw(impact_fraction.kind);
            met.failures += 1;
            met.lost_hours += lost;
            met.excess_hours += lost * (multiple - 1.0);
        }
    }
    met
}

/// An incident's wait under `calendar`: its start is uniform over the week (one
/// uniform from `rng`), and it waits for the next covered hour.
#[inline]
pub(super) fn wait_hours<R: Rng + ?Sized>(calendar: &SupportCalendar, rng: &mut R) -> f64 {
    calendar.wait_hours(HOURS_PER_WEEK * unit(rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::stream::{Key, mix};

    fn event(week: f64, freeze_weeks: f64) -> EventDraws {
        let constant = Sampler::new(&crate::dist::Dist::Constant { value: 1.0 });
        EventDraws {
            week,
            freeze_weeks,
            multiple: constant.clone(),
            outage_hours: constant,
            multiple_key: Key::named("m"),
            outage_key: Key::named("o"),
            live_at: 0,
            file_index: 0,
        }
    }

    /// MODEL.md §8.4 by hand: Black Friday at week 46 with a 4-week freeze. A
    /// build of 43 weeks launches at 43; one of 42.5 lands in [42, 46) and waits
    /// until week 47; a Christmas freeze [48, 52) then catches a launch of 47 only
    /// if it starts before 52: a build of 45 waits to 47, then to 53.
    #[test]
    fn a_launch_in_a_freeze_waits_for_the_week_after_the_event() {
        let black_friday = event(46.0, 4.0);
        assert_eq!(
            launch_weeks(std::slice::from_ref(&black_friday), 41.9),
            41.9
        );
        assert_eq!(
            launch_weeks(std::slice::from_ref(&black_friday), 42.0),
            47.0
        );
        assert_eq!(
            launch_weeks(std::slice::from_ref(&black_friday), 45.99),
            47.0
        );
        assert_eq!(
            launch_weeks(std::slice::from_ref(&black_friday), 46.0),
            46.0,
            "a launch in the event's own week meets it"
        );
        let christmas = event(52.0, 5.0);
        let both = [black_friday, christmas];
        assert_eq!(
            launch_weeks(&both, 45.0),
            53.0,
            "moved into the next freeze"
        );
        assert_eq!(launch_weeks(&both, 40.0), 40.0);
        assert_eq!(launch_weeks(&[event(46.0, 0.0)], 45.0), 45.0, "no freeze");
    }

    /// The sampler of the wait against the closed forms of MODEL.md §8.2: the mean
    /// of 200,000 waits lies within 4.5 standard errors (from the sample's own
    /// standard deviation) of 15.24 h for business hours and 4.0 h for extended.
    #[test]
    fn sampled_waits_match_the_closed_form_means() {
        for (calendar, closed) in [
            (SupportCalendar::business_hours(), 2560.0 / 168.0),
            (SupportCalendar::extended(), 4.0),
        ] {
            assert!((calendar.mean_wait_hours() - closed).abs() < 1e-12);
            let n = 200_000;
            let mut rng = Substream::new(mix(7), Key::named("waits"));
            let (mut sum, mut squares) = (0.0, 0.0);
            for _ in 0..n {
                let w = wait_hours(&calendar, &mut rng);
                sum += w;
                squares += w * w;
            }
            let mean = sum / n as f64;
            let sd = ((squares - sum * mean) / (n as f64 - 1.0)).sqrt();
            let se = sd / (n as f64).sqrt();
            assert!(
                (mean - closed).abs() < 4.5 * se,
                "{}: mean wait {mean} against {closed} (se {se})",
                calendar.name
            );
        }
    }
}

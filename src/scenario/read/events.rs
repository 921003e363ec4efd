//! `[[events]]`: known peak events (MODEL.md §8.4), each a name, a calendar week
//! from the project's start, a traffic multiple, and optionally an outage length
//! and a code freeze. Names are ids: they name the metrics `event_live.<name>`
//! and `event_failure.<name>`.

use toml::de::DeValue;

use super::dists::Support;
use super::names::valid_id;
use super::values::{Check, Tbl, type_name};
use super::{MAX_EVENTS, Reader};
use crate::scenario::Event;

impl Reader<'_> {
    pub(super) fn events(&mut self, root: &mut Tbl<'_, '_>) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        let Some(v) = root.get("events") else {
            return out;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span(),
                "events",
                format!(
                    "expected an array of tables, written [[events]], got {}",
                    type_name(v.get_ref())
                ),
            );
            return out;
        };
        if items.len() > MAX_EVENTS {
            self.problem(
                v.span(),
                "events",
                format!("at most {MAX_EVENTS} events, got {}", items.len()),
            );
            return out;
        }
        for (index, item) in items.iter().enumerate() {
            let path = format!("events[{index}]");
            let DeValue::Table(et) = item.get_ref() else {
                self.problem(
                    item.span(),
                    &path,
                    format!(
                        "expected a table, written [[events]], got {}",
                        type_name(item.get_ref())
                    ),
                );
                continue;
            };
            let mut t = Tbl::new(path.clone(), Some(et), item.span());
            let name = self.event_name(&mut t, &out);
            let event = Event {
                name,
                week: self.number(&mut t, "week", None, Check::Between(0.0, 5200.0)),
                multiple: self.dist(&mut t, "multiple", None, Support::NonNegative),
                outage_hours: self.recorded_dist(&mut t, "outage_hours", Support::NonNegative),
                freeze_weeks: self.number(
                    &mut t,
                    "freeze_weeks",
                    Some(0.0),
                    Check::Between(0.0, 520.0),
                ),
            };
            self.finish(t);
            out.push(event);
        }
        out
    }

    /// An event's `name`: an id, unique among the events.
    fn event_name(&mut self, t: &mut Tbl<'_, '_>, earlier: &[Event]) -> String {
        let path = t.key_path("name");
        let Some(v) = t.get("name") else {
            self.missing(
                t,
                "name",
                "an id such as \"black_friday\": it names the event's metrics",
            );
            return String::new();
        };
        let DeValue::String(name) = v.get_ref() else {
            self.problem(
                v.span(),
                &path,
                format!("expected a name in quotes, got {}", type_name(v.get_ref())),
            );
            return String::new();
        };
        if !valid_id(name) {
            self.problem(
                v.span(),
                &path,
                format!(
                    "{name:?}: an event name is 1 to 64 lower-case letters, digits and underscores, starting with a letter (e.g. black_friday): it names the metrics event_live.<name> and event_failure.<name>"
                ),
            );
            return String::new();
        }
        if earlier.iter().any(|e| e.name == name.as_ref() as &str) {
            self.problem(
                v.span(),
                &path,
                format!("duplicate event name {name:?}; each event needs its own name"),
            );
        }
        name.to_string()
    }
}

//! `--variant "NAME: KEY=VALUE; KEY=VALUE"`: a what-if in one line, typed into an
//! [`analysis::variant::Variant`](crate::analysis::variant::Variant) as the
//! command line is parsed.
//!
//! The name is everything before the first `:` that comes before any `=`, so a
//! name holds neither, and a `:` inside a value (`"09:00"`) is the value's. The
//! name is optional: a variant without one is named by its overrides. Overrides
//! are split at each `;` outside quotes and brackets. Syntax only: the values are
//! checked with the scenario, like `--set`'s. Must not read files or print.

use crate::analysis::variant::{self, MAX_NAME_CHARS, Variant};
use crate::scenario::Override;

/// How a variant is written, for messages.
const SYNTAX: &str = "write NAME: KEY=VALUE; KEY=VALUE (the name is optional), e.g. \"Forge slips 20%: strategies.backend_led.plan_multiplier=1.58\"";

/// `--variant`: the name (if any) and the overrides, each a key path and a value.
pub fn parse_variant(text: &str) -> Result<Variant, String> {
    let bad = |what: String| format!("--variant {text:?}: {what}; {SYNTAX}");
    let (name, rest) = match (text.find(':'), text.find('=')) {
        (Some(colon), equals) if equals.is_none_or(|e| colon < e) => {
            (Some(text[..colon].trim()), &text[colon + 1..])
        }
        _ => (None, text),
    };
    if let Some(name) = name {
        if name.is_empty() {
            return Err(bad(
                "the name before ':' is empty (leave out the ':' to name the variant by its overrides)"
                    .to_string(),
            ));
        }
        if name.chars().any(crate::text::breaks_the_line) {
            return Err(bad(
                "the name holds a line break or a control character".to_string()
            ));
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(bad(format!(
                "the name has {chars} characters; at most {MAX_NAME_CHARS}, as it labels a column and a chart marker"
            )));
        }
    }
    let mut overrides: Vec<Override> = Vec::new();
    for segment in split_overrides(rest) {
        let segment = segment.trim();
        if segment.is_empty() {
            return Err(bad(if rest.trim().is_empty() {
                "no KEY=VALUE; a variant changes at least one key".to_string()
            } else {
                "an empty override (two ';' in a row, or one at the end)".to_string()
            }));
        }
        let o = Override::parse(segment).map_err(|e| bad(e.to_string()))?;
        if let Err(what) = check_key_path(&o.key) {
            return Err(bad(what));
        }
        if overrides.iter().any(|p| p.key == o.key) {
            return Err(bad(format!("sets {} twice; set each key once", o.key)));
        }
        overrides.push(o);
    }
    let mut v = Variant {
        name: String::new(),
        named: name.is_some(),
        overrides,
    };
    v.name = match name {
        Some(name) => name.to_string(),
        None => v.overrides_text(),
    };
    variant::check(std::slice::from_ref(&v))?;
    Ok(v)
}

/// `text` cut at each `;` that lies outside a quoted string (`"..."`, `'...'`)
/// and outside brackets and braces.
fn split_overrides(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut depth) = (0, 0i32);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                ';' if depth <= 0 => {
                    parts.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A key path as `--set` takes it: steps of letters, digits, `_` and `-`, split by
/// `.`, each with an optional `[index]`.
fn check_key_path(key: &str) -> Result<(), String> {
    let bare = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let step_ok = |step: &str| match step.split_once('[') {
        None => bare(step),
        Some((name, index)) => {
            bare(name)
                && index
                    .strip_suffix(']')
                    .is_some_and(|i| !i.is_empty() && i.chars().all(|c| c.is_ascii_digit()))
        }
    };
    if key.split('.').all(step_ok) {
        return Ok(());
    }
    if key.chars().any(char::is_whitespace) {
        Err(format!(
            "`{key}` is not a key path; is the ':' after the name missing?"
        ))
    } else {
        Err(format!(
            "`{key}` is not a key path such as strategies.hybrid.governance or risks[0].probability"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(v: &Variant) -> Vec<(String, String)> {
        v.overrides
            .iter()
            .map(|o| (o.key.clone(), o.value.clone()))
            .collect()
    }

    #[test]
    fn a_named_variant_is_its_name_then_its_overrides() {
        let v = parse_variant(
            "Weak hybrid: strategies.hybrid.governance=0.2; surges.events_per_window=2",
        )
        .unwrap();
        assert_eq!(v.name, "Weak hybrid");
        assert!(v.named);
        assert_eq!(
            sets(&v),
            [
                ("strategies.hybrid.governance".into(), "0.2".into()),
                ("surges.events_per_window".into(), "2".into())
            ]
        );
    }

    #[test]
    fn a_variant_without_a_name_is_named_by_its_overrides() {
        let v =
            parse_variant("strategies.hybrid.governance = 0.2;surges.events_per_window=2").unwrap();
        assert!(!v.named);
        assert_eq!(
            v.name,
            "strategies.hybrid.governance=0.2; surges.events_per_window=2"
        );
    }

    #[test]
    fn a_colon_inside_a_value_is_the_value_s_not_a_name() {
        let v = parse_variant("title=\"Q3: board\"").unwrap();
        assert!(!v.named);
        assert_eq!(sets(&v), [("title".into(), "\"Q3: board\"".into())]);
        let v = parse_variant("Late: title=Q3: board; cost.hourly_rate=9").unwrap();
        assert_eq!(v.name, "Late");
        assert_eq!(
            sets(&v),
            [
                ("title".into(), "Q3: board".into()),
                ("cost.hourly_rate".into(), "9".into())
            ]
        );
    }

    #[test]
    fn a_semicolon_inside_quotes_or_brackets_does_not_split() {
        let v = parse_variant("x: title=\"a; b\"; risks[0].impact={ pert = [1, 2, 3] }").unwrap();
        assert_eq!(
            sets(&v),
            [
                ("title".into(), "\"a; b\"".into()),
                ("risks[0].impact".into(), "{ pert = [1, 2, 3] }".into())
            ]
        );
    }

    #[test]
    fn bad_syntax_is_refused_saying_how_a_variant_is_written() {
        for (text, says) in [
            ("", "no KEY=VALUE"),
            ("Slip:", "no KEY=VALUE"),
            ("Slip: ", "no KEY=VALUE"),
            (": a=1", "the name before ':' is empty"),
            ("Slip: a=1;", "an empty override"),
            ("Slip: a=1;; b=2", "an empty override"),
            ("Slip: =1", "expected KEY.PATH=VALUE"),
            ("Slip: 0.5", "expected KEY.PATH=VALUE"),
            (
                "Forge slips strategies.a.b=1",
                "is the ':' after the name missing?",
            ),
            ("Slip: a..b=1", "is not a key path such as"),
            ("Slip: risks[x].probability=1", "is not a key path such as"),
            ("Slip: a=1; a=2", "sets a twice"),
            (
                "Slip: seed=7",
                "sets seed; every variant runs on the base's",
            ),
            ("Slip: trials=7", "sets trials"),
            ("base: a=1", "`base` names the scenario without variants"),
            ("Two\nlines: a=1", "line break"),
        ] {
            let err = parse_variant(text).unwrap_err();
            assert!(err.contains(says), "{text:?}: {err}");
            if !says.starts_with("sets ") && !says.starts_with('`') {
                assert!(err.contains("write NAME: KEY=VALUE"), "{text:?}: {err}");
            }
        }
        let long = format!("{}: a=1", "n".repeat(MAX_NAME_CHARS + 1));
        let err = parse_variant(&long).unwrap_err();
        assert!(err.contains(&format!("at most {MAX_NAME_CHARS}")), "{err}");
        let longest = format!("{}: a=1", "n".repeat(MAX_NAME_CHARS));
        assert!(parse_variant(&longest).is_ok());
    }
}

//! TOML syntax errors made readable: only the first parser error (the rest are
//! usually its echoes), and every duplicate key or table named by its full key path
//! with the line where it was first written. It reads no values.

use super::Reader;

impl Reader<'_> {
    /// Turns the parser's errors into problems a person can act on. A parser that
    /// recovers from one mistake reports many echoes of it (an unclosed array makes
    /// every later line look wrong), so only the first error is kept, plus every
    /// duplicate key, which is independent of the rest. Duplicates are named by
    /// their full key path and point at the first definition.
    pub(super) fn syntax(&mut self, errors: &[toml::de::Error]) {
        let start = |e: &toml::de::Error| e.span().map_or(0, |s| s.start);
        let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
        errors.sort_by_key(|e| start(e));
        let mut duplicated_tables: Vec<String> = Vec::new();
        for e in errors.iter().filter(|e| e.message() == "duplicate key") {
            let span = e.span().unwrap_or(0..0);
            let key = self.src.get(span.clone()).unwrap_or("").trim_matches('"');
            let (section, in_header) = section_at(self.src, span.start);
            let path = if in_header {
                section.clone()
            } else if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            if duplicated_tables
                .iter()
                .any(|t| path.starts_with(&format!("{t}.")))
            {
                continue; // a key inside a table already reported as duplicated
            }
            let message = if in_header {
                duplicated_tables.push(path.clone());
                let first = first_header_line(self.src, &path)
                    .map(|l| format!(" first defined on line {l};"))
                    .unwrap_or_default();
                format!("duplicate table [{path}]:{first} merge the two tables into one")
            } else {
                let first = first_key_line(self.src, &section, key)
                    .map(|l| format!(" already set on line {l};"))
                    .unwrap_or_default();
                format!("duplicate key:{first} each key may appear once")
            };
            self.problem(span, &path, message);
        }
        if let Some(first) = errors.iter().find(|e| e.message() != "duplicate key") {
            let unclosed = errors
                .iter()
                .find(|e| e.message().starts_with("unclosed"))
                .map(|e| e.message());
            let message = match unclosed {
                Some(m) if !first.message().starts_with("unclosed") => format!(
                    "TOML syntax: {m} (a bracket or quote opened here or just before is never closed)"
                ),
                _ => format!("TOML syntax: {}", first.message()),
            };
            let more = errors.len() > 1;
            let hint = if more {
                "; fix this first: the parser's later complaints may only echo it"
            } else {
                ""
            };
            self.problem(first.span().unwrap_or(0..0), "", format!("{message}{hint}"));
        }
    }
}

/// The table header text of a line such as `[strategies.ux_led]` or `[[risks]]`,
/// without brackets or spaces.
pub(super) fn header_of(line: &str) -> Option<String> {
    let t = line.trim();
    let t = t.split('#').next().unwrap_or("").trim();
    if !t.starts_with('[') || !t.ends_with(']') {
        return None;
    }
    let inner = t.trim_start_matches('[').trim_end_matches(']');
    Some(
        inner
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace('"', ""),
    )
}

/// The table that `offset` lies in, and whether it lies in the header itself.
pub(super) fn section_at(src: &str, offset: usize) -> (String, bool) {
    let mut section = String::new();
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let end = pos + line.len();
        let header = header_of(line);
        if offset < end {
            return match header {
                Some(h) => (h, true),
                None => (section, false),
            };
        }
        if let Some(h) = header {
            section = h;
        }
        pos = end;
    }
    (section, false)
}

/// The 1-based line of the first header `[path]`.
pub(super) fn first_header_line(src: &str, path: &str) -> Option<usize> {
    src.lines()
        .position(|l| header_of(l).as_deref() == Some(path))
        .map(|i| i + 1)
}

/// The 1-based line where `key` is first set inside table `section`.
pub(super) fn first_key_line(src: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(h) = header_of(line) {
            current = h;
            continue;
        }
        let t = line.trim_start();
        if current == section
            && t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
        {
            return Some(i + 1);
        }
    }
    None
}

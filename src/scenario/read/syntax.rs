//! TOML syntax errors made readable: only the first parser error (the rest are
//! usually its echoes), and every duplicate key or table named by its full key path
//! with the line where it was first written. It reads no values.

use std::collections::{HashMap, HashSet};

use super::Reader;

impl Reader<'_> {
    /// Turns the parser's errors into problems a person can act on. A parser that
    /// recovers from one mistake reports many echoes of it (an unclosed array makes
    /// every later line look wrong), so only the first error is kept, plus every
    /// duplicate key, which is independent of the rest. Duplicates are named by
    /// their full key path and point at the first definition. The file's lines are
    /// indexed once, so a file of many duplicates takes time in proportion to its size.
    pub(super) fn syntax(&mut self, errors: &[toml::de::Error]) {
        let start = |e: &toml::de::Error| e.span().map_or(0, |s| s.start);
        let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
        errors.sort_by_key(|e| start(e));
        let lines = Lines::new(self.src);
        let mut duplicated_tables: HashSet<String> = HashSet::new();
        for e in errors.iter().filter(|e| e.message() == "duplicate key") {
            let span = e.span().unwrap_or(0..0);
            let key = self.src.get(span.clone()).unwrap_or("").trim_matches('"');
            let (section, in_header) = lines.section_at(span.start);
            let path = if in_header {
                section.to_string()
            } else if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            // Inside a table already reported as duplicated: `path` starts with
            // one of them followed by a dot.
            let inside_duplicate = path
                .match_indices('.')
                .any(|(i, _)| duplicated_tables.contains(&path[..i]));
            if inside_duplicate {
                continue;
            }
            let message = if in_header {
                duplicated_tables.insert(path.clone());
                let first = lines
                    .first_header_line(&path)
                    .map(|l| format!(" first defined on line {l};"))
                    .unwrap_or_default();
                format!("duplicate table [{path}]:{first} merge the two tables into one")
            } else {
                let first = lines
                    .first_key_line(section, key)
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

/// The file's lines, read once: where each starts, the table each lies in, the
/// first line of each header and of each key within its table.
struct Lines {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// Per line: its table (the last header at or above it) and whether it is
    /// that header.
    sections: Vec<(usize, bool)>,
    /// Every header's text, in file order; `sections` indexes it (0 is the top).
    headers: Vec<String>,
    /// 1-based line of each header's first appearance.
    first_header: HashMap<String, usize>,
    /// 1-based line where each (table, key) is first set: the key is the line's
    /// text before its first `=` or `.`.
    first_key: HashMap<(String, String), usize>,
}

impl Lines {
    fn new(src: &str) -> Lines {
        let mut lines = Lines {
            starts: Vec::new(),
            sections: Vec::new(),
            headers: vec![String::new()],
            first_header: HashMap::new(),
            first_key: HashMap::new(),
        };
        let mut current = 0;
        let mut pos = 0;
        for (i, line) in src.split_inclusive('\n').enumerate() {
            lines.starts.push(pos);
            pos += line.len();
            if let Some(h) = header_of(line) {
                lines.first_header.entry(h.clone()).or_insert(i + 1);
                lines.headers.push(h);
                current = lines.headers.len() - 1;
                lines.sections.push((current, true));
                continue;
            }
            lines.sections.push((current, false));
            let t = line.trim_start();
            if let Some(end) = t.find(['=', '.']) {
                let key = t[..end].trim_end().to_string();
                let section = lines.headers[current].clone();
                lines.first_key.entry((section, key)).or_insert(i + 1);
            }
        }
        lines
    }

    /// The table that `offset` lies in, and whether it lies in the header itself.
    fn section_at(&self, offset: usize) -> (&str, bool) {
        let line = self.starts.partition_point(|&s| s <= offset);
        match line.checked_sub(1).and_then(|l| self.sections.get(l)) {
            Some(&(section, in_header)) => (&self.headers[section], in_header),
            None => (&self.headers[0], false),
        }
    }

    /// The 1-based line of the first header `[path]`.
    fn first_header_line(&self, path: &str) -> Option<usize> {
        self.first_header.get(path).copied()
    }

    /// The 1-based line where `key` is first set inside table `section`.
    fn first_key_line(&self, section: &str, key: &str) -> Option<usize> {
        self.first_key
            .get(&(section.to_string(), key.to_string()))
            .copied()
    }
}

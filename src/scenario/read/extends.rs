//! `extends = "..."` (MODEL.md §8.7): finding the chain of scenarios a file
//! extends, and merging their parsed documents into one before any value is read.
//!
//! - The chain: `extends` is a path relative to the file that writes it, or the
//!   name of a shipped scenario built into the binary (`"seed"`, `"reference"`).
//!   Each base is read once; a cycle is refused naming the chain, and so is a chain
//!   deeper than [`MAX_EXTENDS_DEPTH`]. A problem with the value is located in the
//!   file that wrote it.
//! - The merge: tables merge key by key (a file states only what it changes): the
//!   top-level tables, each `[strategies.<id>]` and `[sensitivity.ranges]`. Arrays
//!   of tables merge element by element by their name (`[[risks]]` and `[[events]]`
//!   by `name`, `[[claims]]` by `id`); a new name is appended. Within a risk, a
//!   per-strategy `probability` table merges by strategy. Any other value (a
//!   number, a distribution, a curve) is replaced whole.
//! - Drops: `drop_strategies`, `drop_risks`, `drop_claims` and `drop_events` remove
//!   an element of the base before the merge. A dropped strategy also leaves the
//!   base's per-strategy risk probabilities, its sensitivity ranges, and the base's
//!   claims that name it.
//!
//! `title` and `description` are not inherited: they describe their own file.
//!
//! Every value keeps the span of the file that wrote it, so every later problem
//! names that file, line and key. This module reads no value of the model.

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::problems::line_column;
use super::values::type_name;
use super::{Problem, Reader, ScenarioSource};
use crate::scenario::origin::BaseFile;

/// The deepest chain of `extends` read: a file, its base, and so on.
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// The shipped scenarios a file may extend by name, built into the binary.
pub const BUILTIN_SCENARIOS: [(&str, &str); 2] = [
    ("seed", include_str!("../../../scenarios/seed.toml")),
    (
        "reference",
        include_str!("../../../scenarios/reference.toml"),
    ),
];

/// The top-level keys this module reads and removes before the table readers run.
pub(super) const DROP_KEYS: [&str; 4] = [
    "drop_strategies",
    "drop_risks",
    "drop_claims",
    "drop_events",
];

/// The text of a shipped scenario built into the binary.
pub fn builtin_scenario(name: &str) -> Option<&'static str> {
    BUILTIN_SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The chain of scenarios `text` extends, nearest first, each read once. `path`
/// is the file `text` came from (a relative `extends` is relative to its folder);
/// `None` for text not read from a file (relative to the working folder).
pub(super) fn resolve(text: &str, path: Option<&Path>) -> Result<Vec<BaseFile>, Vec<Problem>> {
    let mut bases: Vec<BaseFile> = Vec::new();
    let child_name = path.map_or("the scenario".to_string(), |p| p.display().to_string());
    let mut seen: Vec<String> = vec![path.map_or(String::new(), identity)];
    let mut chain: Vec<String> = vec![child_name];
    let mut folder: Option<PathBuf> = path
        .filter(|p| !super::source::names_a_descriptor(p))
        .and_then(|p| p.parent().map(Path::to_path_buf));
    loop {
        let current = bases.last().map_or(text, |b| b.text.as_str());
        let Some((value, span)) = extends_value(current) else {
            return Ok(bases);
        };
        let layer = bases.len();
        let at = |message: String| vec![locate(layer, &bases, text, span.start, message)];
        if bases.len() >= MAX_EXTENDS_DEPTH {
            return Err(at(format!(
                "a chain of more than {MAX_EXTENDS_DEPTH} scenarios ({} -> ...); extend a scenario that extends fewer",
                chain.join(" -> ")
            )));
        }
        let (id, base) = match builtin_scenario(&value) {
            Some(builtin) => (
                format!("<built-in {value}>"),
                BaseFile {
                    file: format!("<built-in {value}.toml>"),
                    text: builtin.to_string(),
                    builtin: true,
                },
            ),
            None => {
                if value.trim().is_empty() {
                    return Err(at(
                        "is empty; give a path relative to this file, or \"seed\" or \"reference\" for a shipped scenario".to_string(),
                    ));
                }
                let file = match &folder {
                    Some(dir) if Path::new(&value).is_relative() => dir.join(&value),
                    _ => PathBuf::from(&value),
                };
                let source = ScenarioSource::read_one(&file).map_err(|e| {
                    at(format!(
                        "{e}; give a path relative to this file, or \"seed\" or \"reference\" for a shipped scenario"
                    ))
                })?;
                let Ok(text) = String::from_utf8(source.bytes) else {
                    return Err(at(format!(
                        "{}: the base scenario is not valid UTF-8; save it as UTF-8",
                        file.display()
                    )));
                };
                folder = file.parent().map(Path::to_path_buf);
                (
                    identity(&file),
                    BaseFile {
                        file: file.display().to_string(),
                        text,
                        builtin: false,
                    },
                )
            }
        };
        chain.push(base.file.clone());
        if seen.contains(&id) {
            return Err(at(format!(
                "a cycle of extends: {}; a scenario cannot extend itself, directly or through another",
                chain.join(" -> ")
            )));
        }
        seen.push(id);
        bases.push(base);
    }
}

/// A file's identity for finding a cycle: its canonical path when it exists.
fn identity(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The `extends` string of a document and its span; `None` when there is none, it
/// is not a string, or the text does not parse (the reader reports those).
fn extends_value(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    let doc = DeTable::parse(text).ok()?;
    let v = find(doc.get_ref(), "extends")?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span())),
        _ => None,
    }
}

/// A problem at byte `offset` of layer `layer` (0: the file being read, i: its
/// i-th base), located in that file.
fn locate(layer: usize, bases: &[BaseFile], text: &str, offset: usize, message: String) -> Problem {
    let (file, body) = match layer {
        0 => (None, text),
        i => (Some(bases[i - 1].file.as_str()), bases[i - 1].text.as_str()),
    };
    let (line, column) = line_column(body, offset);
    Problem {
        line,
        column,
        key: "extends".to_string(),
        message,
        origin: file.map(|f| format!("{f}:{line}:{column}")),
    }
}

/// The value of `key` in `table`.
pub(super) fn find<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

fn find_mut<'a, 'i>(table: &'a mut DeTable<'i>, key: &str) -> Option<&'a mut Spanned<DeValue<'i>>> {
    table
        .iter_mut()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

/// Removes `key` from `table`, returning its value.
pub(super) fn take<'i>(table: &mut DeTable<'i>, key: &str) -> Option<Spanned<DeValue<'i>>> {
    let k = table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, _)| k.clone())?;
    table.remove(&k)
}

/// A document parsed from a slice starting at `by`, with its spans made absolute.
pub(super) fn shift_table(doc: Spanned<DeTable<'_>>, by: usize) -> Spanned<DeTable<'_>> {
    let span = doc.span();
    let value = super::overrides::shift(Spanned::new(span, DeValue::Table(doc.into_inner())), by);
    let span = value.span();
    match value.into_inner() {
        DeValue::Table(t) => Spanned::new(span, t),
        _ => Spanned::new(span, DeTable::new()),
    }
}

/// The key naming an element of a top-level array of tables, for merging.
fn element_key(array: &str) -> Option<&'static str> {
    match array {
        "risks" | "events" => Some("name"),
        "claims" => Some("id"),
        _ => None,
    }
}

/// Whether the tables at `path` merge key by key rather than being replaced.
fn merges_by_key(path: &str) -> bool {
    match path.split_once('.') {
        None => true,
        Some(("strategies", id)) => !id.contains('.'),
        Some(("sensitivity", "ranges")) => true,
        _ => false,
    }
}

/// A per-strategy probability table (not a governance curve `{ g0, g1, k }`).
fn per_strategy(v: &DeValue<'_>) -> bool {
    matches!(v, DeValue::Table(t) if !t.iter().any(|(k, _)| matches!(k.get_ref().as_ref(), "g0" | "g1" | "k")))
}

/// `child` merged over `base`, key by key where [`merges_by_key`] says so.
fn merge_tables<'i>(base: &mut DeTable<'i>, child: DeTable<'i>, path: &str) {
    for (k, v) in child {
        let name = k.get_ref().to_string();
        let here = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let Some(slot) = find_mut(base, &name) else {
            base.insert(k, v);
            continue;
        };
        let span = v.span();
        match (slot.get_mut(), v.into_inner()) {
            (DeValue::Table(b), DeValue::Table(c)) if merges_by_key(&here) => {
                merge_tables(b, c, &here)
            }
            (DeValue::Array(b), DeValue::Array(c))
                if path.is_empty() && element_key(&name).is_some() =>
            {
                let key = element_key(&name).unwrap_or("name");
                merge_elements(b, c, key);
            }
            (_, value) => *slot = Spanned::new(span, value),
        }
    }
}

/// The name of an element of an array of tables.
fn element_name<'a>(item: &'a Spanned<DeValue<'_>>, key: &str) -> Option<&'a str> {
    match item.get_ref() {
        DeValue::Table(t) => match find(t, key)?.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// `child`'s elements merged into `base`'s by name; a new name is appended.
fn merge_elements<'i>(base: &mut DeArray<'i>, child: DeArray<'i>, key: &str) {
    for item in child.iter().cloned() {
        let name = element_name(&item, key).map(str::to_string);
        let target = name
            .as_deref()
            .and_then(|n| base.iter().position(|b| element_name(b, key) == Some(n)));
        let Some(index) = target else {
            base.push(item);
            continue;
        };
        let (DeValue::Table(b), DeValue::Table(c)) =
            (base.as_mut()[index].get_mut(), item.into_inner())
        else {
            continue;
        };
        for (k, v) in c {
            let field = k.get_ref().to_string();
            match find_mut(b, &field) {
                Some(slot)
                    if field == "probability"
                        && per_strategy(slot.get_ref())
                        && per_strategy(v.get_ref()) =>
                {
                    if let (DeValue::Table(bp), DeValue::Table(cp)) =
                        (slot.get_mut(), v.into_inner())
                    {
                        merge_tables(bp, cp, "risks.probability");
                    }
                }
                Some(slot) => *slot = v,
                None => {
                    b.insert(k, v);
                }
            }
        }
    }
}

/// What one file says about its base besides its values.
pub(super) struct LayerKeys<'i> {
    /// `drop_strategies`, ... as written, in [`DROP_KEYS`] order.
    pub(super) drops: Vec<Option<Spanned<DeValue<'i>>>>,
    /// The file's own `[provenance]` table.
    pub(super) provenance: Option<Spanned<DeValue<'i>>>,
}

impl<'s> Reader<'s> {
    /// Merges the documents of a file (first) and its bases (nearest first) into
    /// one, applying each file's drops to what it extends; returns it with each
    /// file's own `[provenance]`, in the same order.
    pub(super) fn merge_layers<'i>(
        &mut self,
        mut docs: Vec<Spanned<DeTable<'i>>>,
    ) -> (Spanned<DeTable<'i>>, Vec<Option<Spanned<DeValue<'i>>>>) {
        let mut layers: Vec<LayerKeys<'i>> = Vec::with_capacity(docs.len());
        let count = docs.len();
        for (i, doc) in docs.iter_mut().enumerate() {
            let table = doc.get_mut();
            if let Some(v) = take(table, "extends")
                && !matches!(v.get_ref(), DeValue::String(_))
            {
                self.problem(
                    v.span(),
                    "extends",
                    format!(
                        "expected a string: a path relative to this file, or \"seed\" or \"reference\" for a shipped scenario; got {}",
                        type_name(v.get_ref())
                    ),
                );
            }
            let drops: Vec<_> = DROP_KEYS.iter().map(|k| take(table, k)).collect();
            if i + 1 == count {
                for (key, v) in DROP_KEYS.iter().zip(&drops) {
                    if let Some(v) = v {
                        self.problem(
                            v.span(),
                            key,
                            "drops from the scenario this file extends, and it extends none; add `extends = \"...\"`, or remove it".to_string(),
                        );
                    }
                }
            }
            if i > 0 {
                // A title and description describe their own file: a scenario that
                // extends another is named by its own (or its file name).
                take(table, "title");
                take(table, "description");
            }
            layers.push(LayerKeys {
                drops,
                provenance: take(table, "provenance"),
            });
        }
        let root_span = docs[0].span();
        let mut merged = match docs.pop() {
            Some(doc) => doc.into_inner(),
            None => DeTable::new(),
        };
        while let Some(doc) = docs.pop() {
            let layer = docs.len();
            self.drop_from(&mut merged, &layers[layer].drops);
            merge_tables(&mut merged, doc.into_inner(), "");
        }
        let provenance = layers.into_iter().map(|l| l.provenance).collect();
        (Spanned::new(root_span, merged), provenance)
    }

    /// The names listed by one `drop_*` key: an array of strings.
    fn drop_names(
        &mut self,
        key: &str,
        v: &Spanned<DeValue<'_>>,
    ) -> Vec<(String, std::ops::Range<usize>)> {
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span(),
                key,
                format!(
                    "expected an array of names, e.g. {key} = [\"hybrid\"]; got {}",
                    type_name(v.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), item.span())),
                other => self.problem(
                    item.span(),
                    &format!("{key}[{i}]"),
                    format!("expected a name in quotes, got {}", type_name(other)),
                ),
            }
        }
        out
    }

    /// Removes what a file drops from the document it extends.
    fn drop_from(&mut self, base: &mut DeTable<'_>, drops: &[Option<Spanned<DeValue<'_>>>]) {
        let [strategies, risks, claims, events] =
            [0, 1, 2, 3].map(|i| drops.get(i).cloned().flatten());
        if let Some(v) = &strategies {
            for (id, span) in self.drop_names("drop_strategies", v) {
                let present = match find_mut(base, "strategies").map(|s| s.get_mut()) {
                    Some(DeValue::Table(t)) => take(t, &id).is_some(),
                    _ => false,
                };
                if !present {
                    let ids = ids_of(base);
                    self.problem(
                        span,
                        "drop_strategies",
                        format!("no strategy `{id}` in the scenario this file extends; its strategies: {}", ids.join(", ")),
                    );
                    continue;
                }
                forget_strategy(base, &id);
            }
        }
        if let Some(v) = &claims {
            for (id, span) in self.drop_names("drop_claims", v) {
                if !remove_element(base, "claims", "id", &id) {
                    self.problem(
                        span,
                        "drop_claims",
                        format!("no claim `{id}` in the scenario this file extends"),
                    );
                }
            }
        }
        if let Some(v) = &events {
            for (name, span) in self.drop_names("drop_events", v) {
                if !remove_element(base, "events", "name", &name) {
                    self.problem(
                        span,
                        "drop_events",
                        format!("no event {name:?} in the scenario this file extends"),
                    );
                }
            }
        }
        if let Some(v) = &risks {
            // The first place of the register that a drop renumbers.
            let mut first_moved: Option<usize> = None;
            for (name, span) in self.drop_names("drop_risks", v) {
                let at = position_of(base, "risks", "name", &name);
                if remove_element(base, "risks", "name", &name) {
                    if let Some(at) = at {
                        first_moved = Some(first_moved.map_or(at, |k| k.min(at)));
                    }
                } else {
                    self.problem(
                        span,
                        "drop_risks",
                        format!("no risk {name:?} in the scenario this file extends"),
                    );
                }
            }
            let numbered = first_moved.map_or_else(Vec::new, |k| claims_setting_risks(base, k));
            if !numbered.is_empty() {
                let quoted: Vec<String> = numbered.iter().map(|c| format!("{c:?}")).collect();
                self.problem(
                    v.span(),
                    "drop_risks",
                    format!(
                        "dropping a risk renumbers the risk register, and the claims {} of the scenario this file extends set risks by number (risks[i]); drop them as well: drop_claims = [{}]",
                        numbered.join(", "),
                        quoted.join(", ")
                    ),
                );
            }
        }
    }
}

/// The strategy ids of a document.
fn ids_of(doc: &DeTable<'_>) -> Vec<String> {
    match find(doc, "strategies").map(|s| s.get_ref()) {
        Some(DeValue::Table(t)) => t.iter().map(|(k, _)| k.get_ref().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The place of the element named `name` in the array of tables `array`.
fn position_of(doc: &DeTable<'_>, array: &str, key: &str, name: &str) -> Option<usize> {
    match find(doc, array).map(|a| a.get_ref()) {
        Some(DeValue::Array(items)) => items
            .iter()
            .position(|i| element_name(i, key) == Some(name)),
        _ => None,
    }
}

/// Removes the element named `name` from the array of tables `array`.
fn remove_element(doc: &mut DeTable<'_>, array: &str, key: &str, name: &str) -> bool {
    let Some(slot) = find_mut(doc, array) else {
        return false;
    };
    let DeValue::Array(items) = slot.get_ref() else {
        return false;
    };
    if !items.iter().any(|i| element_name(i, key) == Some(name)) {
        return false;
    }
    let mut kept = DeArray::new();
    for item in items.iter().filter(|i| element_name(i, key) != Some(name)) {
        kept.push(item.clone());
    }
    let span = slot.span();
    *slot = Spanned::new(span, DeValue::Array(kept));
    true
}

/// Removes a dropped strategy's traces from the rest of the base: its entry in
/// each per-strategy risk probability, its sensitivity ranges, and the claims that
/// name it or set one of its keys.
fn forget_strategy(doc: &mut DeTable<'_>, id: &str) {
    let own_key = format!("strategies.{id}.");
    if let Some(DeValue::Array(risks)) = find_mut(doc, "risks").map(|r| r.get_mut()) {
        for risk in risks.iter_mut() {
            if let DeValue::Table(t) = risk.get_mut()
                && let Some(p) = find_mut(t, "probability")
                && per_strategy(p.get_ref())
                && let DeValue::Table(per) = p.get_mut()
            {
                take(per, id);
            }
        }
    }
    if let Some(DeValue::Table(s)) = find_mut(doc, "sensitivity").map(|s| s.get_mut())
        && let Some(DeValue::Table(ranges)) = find_mut(s, "ranges").map(|r| r.get_mut())
    {
        let named: Vec<String> = ranges
            .iter()
            .map(|(k, _)| k.get_ref().to_string())
            .filter(|k| k.starts_with(&own_key))
            .collect();
        for k in named {
            take(ranges, &k);
        }
    }
    let naming: Vec<String> = match find(doc, "claims").map(|c| c.get_ref()) {
        Some(DeValue::Array(claims)) => claims
            .iter()
            .filter(|c| {
                strings_of(c)
                    .iter()
                    .any(|s| s == id || s.starts_with(&own_key))
            })
            .filter_map(|c| element_name(c, "id").map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    for claim in naming {
        remove_element(doc, "claims", "id", &claim);
    }
}

/// Every string a claim holds in `strategy`, `strategies` and its overrides.
fn strings_of(claim: &Spanned<DeValue<'_>>) -> Vec<String> {
    let DeValue::Table(t) = claim.get_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in ["strategy", "strategies", "set", "set_a", "set_b"] {
        match find(t, key).map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => out.push(s.to_string()),
            Some(DeValue::Array(items)) => {
                out.extend(items.iter().filter_map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                }))
            }
            _ => {}
        }
    }
    out
}

/// Ids of the claims whose overrides set a risk by a number at or after `from`:
/// a drop at `from` moves those risks (the ones before it keep their numbers).
fn claims_setting_risks(doc: &DeTable<'_>, from: usize) -> Vec<String> {
    // risks[i] with i at or after `from`: an unparsable index counts as moved.
    let moved = |s: &str| {
        s.strip_prefix("risks[").is_some_and(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().map_or(true, |i| i >= from)
        })
    };
    match find(doc, "claims").map(|c| c.get_ref()) {
        Some(DeValue::Array(claims)) => claims
            .iter()
            .filter(|c| strings_of(c).iter().any(|s| moved(s)))
            .filter_map(|c| element_name(c, "id").map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

impl Reader<'_> {
    /// A syntax error in a base file (parsed from byte `start` of the source): the
    /// first one, located in that file.
    pub(super) fn base_syntax(&mut self, errors: &[toml::de::Error], start: usize) {
        let first = errors
            .iter()
            .min_by_key(|e| e.span().map_or(0, |s| s.start));
        if let Some(e) = first {
            let at = start + e.span().map_or(0, |s| s.start);
            self.problem(at..at, "", format!("TOML syntax: {}", e.message()));
        }
    }

    /// `extends`, the drops and `[provenance]` describe a file, so an override
    /// cannot set them (the merge has removed the files' own).
    pub(super) fn refuse_file_keys_set(&mut self, doc: &mut DeTable<'_>) {
        for key in ["extends", "provenance"].iter().chain(DROP_KEYS.iter()) {
            if let Some(v) = take(doc, key) {
                self.problem(
                    v.span(),
                    key,
                    "describes the scenario file, so --set cannot change it; write it in the file"
                        .to_string(),
                );
            }
        }
    }
}

//! The layering rule of ARCHITECTURE.md: a module imports only from layers below
//! its own. Every `src/**/*.rs` is read; each `crate::X`, `tradeoff_sim::X` and
//! `super::` path that leaves its top-level module is resolved to the module it
//! names, and an import of the same layer or a higher one fails with `file:line`.
//!
//! Comments and string literals are skipped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import from lower layers only: not from
/// its own layer (siblings such as `model` and `stats` know nothing of each
/// other) and not from higher ones. ARCHITECTURE.md draws the same table.
const LAYERS: &[&[&str]] = &[
    &["text", "math", "metric"],
    &["dist", "format"],
    &["scenario"],
    &["model", "stats"],
    &["engine"],
    &["analysis"],
    &["output"],
    &["cli"],
    &["commands"],
    &["main"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module path of a source file: `src/stats/partial.rs` is `[stats, partial]`,
/// `src/stats/mod.rs` is `[stats]`, `src/main.rs` is `[main]`.
fn module_path(file: &str) -> Vec<String> {
    let rel = file.strip_prefix("src/").unwrap_or(file);
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The source with comments and string and character literals blanked out
/// (newlines kept, so offsets still give line numbers).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !is_ident(chars.get(i.wrapping_sub(1)))
        {
            // A raw string r"..." or r#"..."#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = chars[j + 1..].iter().collect();
            let end = rest.find(&close).map_or(chars.len(), |at| {
                j + 1 + rest[..at].chars().count() + close.chars().count()
            });
            for &ch in &chars[i..end.min(chars.len())] {
                out.push(blank(ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for &ch in &chars[i..(i + skip).min(chars.len())] {
                    out.push(blank(ch));
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{..}'); a lifetime has no closing quote.
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for _ in 0..skip.min(chars.len() - i) {
                    out.push(' ');
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
}

/// The identifier starting at `at` (after any whitespace), and where it ends.
fn ident_at(chars: &[char], mut at: usize) -> (String, usize) {
    while chars.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    let start = at;
    while is_ident(chars.get(at)) {
        at += 1;
    }
    (chars[start..at].iter().collect(), at)
}

/// The first segment of each item of a `{ a::b, c, d::{e, f} }` group starting at
/// `open` (the brace), with the offset where it starts.
fn group_heads(chars: &[char], open: usize) -> Vec<(String, usize)> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '{' => {
                depth += 1;
                item_start = depth == 1;
                i += 1;
            }
            '}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            ',' => {
                item_start = depth == 1;
                i += 1;
            }
            c if item_start && depth == 1 && !c.is_whitespace() => {
                let (name, end) = ident_at(chars, i);
                if !name.is_empty() {
                    heads.push((name, i));
                }
                item_start = false;
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
    heads
}

/// Every import in `source` (the text of `file`, a path under `src/`) that breaks
/// the layering rule, as `file:line: message`.
fn violations(file: &str, source: &str) -> Vec<String> {
    let path = module_path(file);
    let Some(own) = path.first().cloned() else {
        return Vec::new();
    };
    if own == "lib" {
        return Vec::new(); // the crate root declares the modules and imports nothing
    }
    let Some(own_layer) = layer_of(&own) else {
        return vec![format!(
            "{file}:1: module `{own}` has no layer: add it to LAYERS in tests/it/layers.rs and to ARCHITECTURE.md"
        )];
    };
    let code = code_only(source);
    let chars: Vec<char> = code.chars().collect();
    let line_of = |at: usize| chars[..at].iter().filter(|&&c| c == '\n').count() + 1;

    // Inline `mod name {` blocks, for resolving `super::`: (start line, end line).
    let mut inline_mods: Vec<(usize, usize)> = Vec::new();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (indent, start line)
    for (n, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let mod_at = words.iter().position(|w| *w == "mod");
        if mod_at.is_some_and(|m| m <= 1 && words.get(m + 2) == Some(&"{"))
            && trimmed.ends_with('{')
        {
            open.push((indent, n + 1));
        } else if trimmed == "}" && open.last().is_some_and(|&(i, _)| i == indent) {
            let (_, start) = open.pop().unwrap_or_default();
            inline_mods.push((start, n + 1));
        }
    }
    let depth_at = |line: usize| {
        // src/main.rs and src/lib.rs are crate roots: depth 0.
        let file_depth = if own == "main" { 0 } else { path.len() };
        file_depth
            + inline_mods
                .iter()
                .filter(|&&(s, e)| s < line && line < e)
                .count()
    };

    let mut found = Vec::new();
    let check = |target: &str, at: usize, found: &mut Vec<String>| {
        let line = line_of(at);
        if target == own {
            return;
        }
        match layer_of(target) {
            None => found.push(format!(
                "{file}:{line}: `{own}` refers to `{target}`, which has no layer in LAYERS"
            )),
            Some(t) if t >= own_layer => found.push(format!(
                "{file}:{line}: `{own}` (layer {own_layer}) imports `{target}` (layer {t}); a module may import only from lower layers"
            )),
            Some(_) => {}
        }
    };
    let mut i = 0;
    while i < chars.len() {
        if is_ident(i.checked_sub(1).and_then(|p| chars.get(p))) {
            i += 1;
            continue;
        }
        let rest = |p: &str| chars[i..].iter().take(p.len()).copied().eq(p.chars());
        let prefix_end = if rest("crate::") && own != "main" {
            i + "crate::".len()
        } else if rest("tradeoff_sim::") {
            i + "tradeoff_sim::".len()
        } else if rest("super::") {
            let mut k = 0;
            let mut j = i;
            while chars[j..].iter().take(7).copied().eq("super::".chars()) {
                k += 1;
                j += 7;
            }
            let escapes = k >= depth_at(line_of(i));
            if !escapes {
                i = j;
                continue;
            }
            j
        } else {
            i += 1;
            continue;
        };
        let mut at = prefix_end;
        while chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        if chars.get(at) == Some(&'{') {
            for (name, pos) in group_heads(&chars, at) {
                if name != "self" {
                    check(&name, pos, &mut found);
                }
            }
        } else {
            let (name, _) = ident_at(&chars, at);
            if !name.is_empty() {
                check(&name, i, &mut found);
            }
        }
        i = prefix_end;
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_its_own_layer_or_a_higher_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found only {} source files", files.len());
    let mut report = String::new();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(path).expect("a readable source file");
        for v in violations(&rel, &source) {
            writeln!(report, "{v}").expect("writing to a string");
        }
    }
    assert!(report.is_empty(), "upward or sideways imports:\n{report}");
}

#[test]
fn architecture_md_draws_the_same_layers() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    for (n, layer) in LAYERS.iter().enumerate() {
        let prefix = format!("layer {n} ");
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&prefix))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no line `{prefix}...`"));
        let drawn = line.trim_start()[prefix.len()..].trim_start();
        let names: Vec<&str> = drawn
            .split("  ")
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .collect();
        assert_eq!(&names, layer, "ARCHITECTURE.md: {line}");
    }
}

#[test]
fn catches_a_planted_upward_import() {
    let v = violations(
        "src/scenario/fake.rs",
        "//! fake\n\nuse crate::engine::Samples;\n",
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with("src/scenario/fake.rs:3: `scenario` (layer 2) imports `engine`"),
        "{v:?}"
    );
}

#[test]
fn allows_imports_from_lower_layers_and_within_the_module() {
    let source = "use crate::dist::Dist;\nuse crate::metric::Metric;\nuse super::census::DrawKind;\nuse crate::model::stream;\n";
    assert_eq!(
        violations("src/model/sampler.rs", source),
        Vec::<String>::new()
    );
}

#[test]
fn catches_an_upward_item_of_a_multi_line_group() {
    let source = "use crate::{\n    metric::Metric,\n    output::{csv, chart},\n};\n";
    let v = violations("src/stats/fake.rs", source);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].starts_with("src/stats/fake.rs:3:"), "{v:?}");
}

#[test]
fn catches_siblings_of_one_layer_and_paths_in_expressions() {
    let v = violations(
        "src/model/fake.rs",
        "fn f() -> usize {\n    crate::stats::exact_trials(2)\n}\n",
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains(":2: `model` (layer 3) imports `stats` (layer 3)"),
        "{v:?}"
    );
}

#[test]
fn resolves_super_to_the_crate_root_only_when_it_leaves_the_module() {
    let source = "use super::output::csv;\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::cli::Args;\n}\n";
    let v = violations("src/engine.rs", source);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[0].starts_with("src/engine.rs:1:") && v[0].contains("`output`"),
        "{v:?}"
    );
    assert!(
        v[1].starts_with("src/engine.rs:6:") && v[1].contains("`cli`"),
        "{v:?}"
    );
    let nested = "use super::super::output::csv;\nuse super::partial::Partial;\n";
    let v = violations("src/stats/histogram.rs", nested);
    assert_eq!(v.len(), 1, "{v:?}");
}

#[test]
fn ignores_comments_and_strings_but_not_the_library_name() {
    let source = "// crate::output is above\n/* crate::cli */\nconst S: &str = \"crate::output\";\nconst C: char = '\"';\nuse tradeoff_sim::cli::Args;\n";
    let v = violations("src/metric/fake.rs", source);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with("src/metric/fake.rs:5:") && v[0].contains("`cli`"),
        "{v:?}"
    );
}

#[test]
fn a_re_export_from_a_higher_layer_is_an_import_too() {
    assert_eq!(
        violations(
            "src/scenario/claim.rs",
            "pub use crate::analysis::check::*;
"
        )
        .len(),
        1
    );
}

#[test]
fn names_a_module_without_a_layer() {
    let v = violations("src/report/mod.rs", "use crate::stats::Summary;\n");
    assert_eq!(v, vec!["src/report/mod.rs:1: module `report` has no layer: add it to LAYERS in tests/it/layers.rs and to ARCHITECTURE.md".to_string()]);
    let v = violations("src/output/fake.rs", "use crate::report::Board;\n");
    assert!(v[0].contains("`report`, which has no layer"), "{v:?}");
}

#[test]
fn the_binary_may_use_the_library_from_the_top() {
    assert!(
        violations(
            "src/main.rs",
            "use tradeoff_sim::cli;\nuse tradeoff_sim::commands;\n"
        )
        .is_empty()
    );
}

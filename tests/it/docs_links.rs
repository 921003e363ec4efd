//! The user documentation holds together: every relative link in `README.md` and
//! `docs/*.md` points to a file that exists, and every `#anchor` to a heading of that
//! file (anchors as GitHub renders them). Links to web addresses are not followed.

use crate::common::root;
use std::path::{Path, PathBuf};

/// `README.md` and every Markdown file under `docs/`.
fn user_documents() -> Vec<PathBuf> {
    let root = root();
    let mut files = vec![root.join("README.md")];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("an entry of docs/").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    guides.sort();
    files.extend(guides);
    files
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            lines.push(line);
        }
    }
    lines
}

/// A line without its inline code spans (`` `a](b)` `` is not a link).
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The targets of the Markdown links and images of a text: `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        let line = without_code_spans(line);
        let mut rest = line.as_str();
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            if let Some(end) = rest.find(')') {
                targets.push(rest[..end].trim().to_string());
                rest = &rest[end + 1..];
            }
        }
    }
    targets
}

/// The anchor GitHub gives a heading: lower case, punctuation other than `-` and `_`
/// dropped, spaces turned into `-`.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor of a Markdown text; a repeated heading gets `-1`, `-2`, ... as on GitHub.
fn anchors(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let base = anchor_of(heading.trim_start_matches('#'));
        let mut anchor = base.clone();
        let mut n = 0;
        while found.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        found.push(anchor);
    }
    found
}

/// What is wrong with the links of `text`, a file in folder `dir`: one line per broken
/// link, empty when every link resolves.
fn broken_links(name: &str, text: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for target in link_targets(text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target.as_str(), None),
        };
        let linked_text = if path.is_empty() {
            text.to_string()
        } else {
            let file = dir.join(path);
            if !file.exists() {
                problems.push(format!("{name}: ({target}): no file {}", file.display()));
                continue;
            }
            if anchor.is_none() || file.is_dir() {
                continue;
            }
            match std::fs::read_to_string(&file) {
                Ok(linked) => linked,
                Err(e) => {
                    problems.push(format!("{name}: ({target}): {e}"));
                    continue;
                }
            }
        };
        if let Some(anchor) = anchor
            && !anchors(&linked_text).iter().any(|a| a == anchor)
        {
            problems.push(format!(
                "{name}: ({target}): no heading with anchor #{anchor}"
            ));
        }
    }
    problems
}

#[test]
fn every_relative_link_in_the_readme_and_the_guides_points_to_a_file_and_heading_that_exist() {
    let root = root();
    let mut problems = Vec::new();
    for file in user_documents() {
        let text = std::fs::read_to_string(&file).expect("a readable Markdown file");
        let name = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let dir = file.parent().unwrap_or(&root);
        problems.extend(broken_links(&name, &text, dir));
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_link_check_finds_a_missing_file_and_a_missing_heading() {
    let text = "# A guide\n\n## Exit codes\n\n\
                [ok](#exit-codes) [file](README.md) [gone](no-such-file.md) \
                [lost](#no-such-heading) [web](https://example.com) `[code](nowhere.md)`\n\
                ```\n[fenced](nowhere.md)\n```\n";
    let problems = broken_links("guide.md", text, &root());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("no-such-file.md"), "{problems:?}");
    assert!(problems[1].contains("#no-such-heading"), "{problems:?}");
}

#[test]
fn anchors_follow_github_headings() {
    assert_eq!(
        anchors("# Overrides: `--set`\n## Sweeps: `sweep`\n## Sweeps: `sweep`\n"),
        ["overrides---set", "sweeps-sweep", "sweeps-sweep-1"]
    );
}

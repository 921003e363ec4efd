//! The board pack in a real browser: headless Chromium prints `report.html` to
//! one 16:9 PDF page per section, takes a 1920x1080 screenshot, and finds no
//! text running out of its box. Without Chromium the test says loudly that it
//! skipped, unless `CI_REQUIRE_BROWSER=1`, where it fails.

use std::path::Path;
use std::process::Command;

use crate::common::{assert_success, chromium_for, headless_chromium, run_in, scenario};

/// Chromium with the shared flags, scrollbars hidden for the screenshot.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = headless_chromium(browser, profile);
    c.arg("--hide-scrollbars");
    c
}

/// Marks every page, cell and paragraph whose content is wider or taller than its box.
const OVERFLOW_SCRIPT: &str = r#"<script>
for (const el of document.querySelectorAll('section.page, section.page td, section.page th, section.page p, section.page h1, section.page h2')) {
  const tall = el.matches('section.page') && el.scrollHeight > el.clientHeight + 1;
  if (el.scrollWidth > el.clientWidth + 1 || tall) {
    el.setAttribute('data-overflow', (el.textContent || '').trim().slice(0, 60));
  }
}
document.body.setAttribute('data-checked', 'yes');
</script>"#;

#[test]
fn the_report_prints_one_page_per_section_and_no_text_overflows() {
    let Some(browser) = chromium_for("browser test") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let seed = scenario("seed.toml");
    let out = run_in(
        dir.path(),
        &[
            "report",
            seed.to_str().expect("a UTF-8 path"),
            "--trials",
            "20000",
            "--tornado-trials",
            "2000",
            "--charts",
            "none",
            "--variant",
            "Forge slips 20%: strategies.backend_led.plan_multiplier=1.58",
            "--out",
            "pack",
        ],
    );
    assert_success(&out, "report seed.toml");
    let html_path = dir.path().join("pack/report.html");
    let html = std::fs::read_to_string(&html_path).expect("report.html");
    let sections = html.matches("<section class=\"page\"").count();
    let profile = dir.path().join("profile");

    let pdf = dir.path().join("report.pdf");
    let printed = headless(&browser, &profile)
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("file://{}", html_path.display()))
        .output()
        .expect("chromium runs");
    assert!(
        pdf.is_file(),
        "no PDF: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("the PDF");
    let pages = bytes
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert_eq!(pages, sections, "one printed page per section");

    let shot = dir.path().join("screen.png");
    headless(&browser, &profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1920,1080")
        .arg(format!("file://{}", html_path.display()))
        .output()
        .expect("chromium runs");
    let png = std::fs::read(&shot).expect("a screenshot");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    assert_eq!((size(16), size(20)), (1920, 1080), "a 1920x1080 screenshot");

    let checked = dir.path().join("checked.html");
    std::fs::write(
        &checked,
        html.replace("</body>", &format!("{OVERFLOW_SCRIPT}</body>")),
    )
    .expect("a copy to check");
    let dom = headless(&browser, &profile)
        .args(["--dump-dom", "--virtual-time-budget=5000"])
        .arg(format!("file://{}", checked.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("data-checked=\"yes\""), "the check ran");
    let overflowing: Vec<&str> = dom
        .split("data-overflow=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or(""))
        .collect();
    assert!(
        overflowing.is_empty(),
        "text overflows its box: {overflowing:?}"
    );
}

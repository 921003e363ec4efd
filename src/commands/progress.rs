//! A progress bar on stderr while a run simulates: trials done, trials per
//! second, time left and, for `--precision`, the precision reached so far.
//! Drawn only when stderr is a terminal (indicatif hides it otherwise), so logs
//! and pipes get nothing but the final report.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar towards `trials` trials.
    pub fn new(trials: u64) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(trials), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {human_pos}/{human_len} trials  {rate}  {eta} left  {msg}",
        ) {
            bar.set_style(style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} trials/s", state.per_sec());
                },
            ));
        }
        Bar { bar }
    }

    /// `trials` more trials are done (called from the worker threads).
    pub fn advance(&self, trials: u64) {
        self.bar.inc(trials);
    }

    /// The precision reached at the end of a `--precision` step.
    pub fn precision(&self, worst: f64, target: f64) {
        self.bar.set_message(format!(
            "largest 95% half-width {worst:.4} (target {target})"
        ));
    }

    /// A `--precision` run goes on to `trials` trials.
    pub fn extend_to(&self, trials: u64) {
        self.bar.set_length(trials);
    }

    /// Prints a line on stderr above the bar (or alone, when there is no bar).
    pub fn note(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    /// Removes the bar, before the report is printed.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

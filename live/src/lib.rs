//! tradeoff-sim's engine as a WebAssembly module, for the live what-if panel of
//! `report.html`: built for `wasm32-unknown-unknown` by the main crate's build
//! script and embedded in the page, where a Web Worker drives it.
//!
//! The ABI is plain `extern "C"` functions, JSON in and JSON out, so the page
//! needs no generated glue: the caller gets a buffer with [`live_alloc`], writes
//! UTF-8 JSON into it, calls a function with its pointer and length (the buffer
//! is taken and freed), and reads the answer, `{"ok": ...}` or `{"error":
//! "..."}`, from [`live_output_ptr`] and the length the function returned.
//!
//! - `live_load(text)`: `{file, name, text, bases: [{file, text, builtin}]}`;
//! - `live_set(overrides)`: `["KEY=VALUE", ...]`, every override at once;
//! - `live_check()`: the claims' overrides read again, as `run --set` does;
//! - `live_run(request)`: `{seed, trials}` -> the tables and charts' data.
//!
//! One session per module instance (a worker holds one). This crate owns the
//! ABI and the session; the numbers all come from the `tradeoff-sim` library.

pub mod session;

use std::cell::RefCell;

use serde_json::{Value, json};

use session::{Loaded, RunRequest, Session};

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the caller to write its input into.
#[unsafe(no_mangle)]
pub extern "C" fn live_alloc(len: usize) -> *mut u8 {
    let mut buffer = vec![0u8; len].into_boxed_slice();
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Frees a buffer of [`live_alloc`] the caller did not pass to a function.
///
/// # Safety
/// `ptr` and `len` are a buffer [`live_alloc`] returned, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller passes back a buffer of `live_alloc` of that length.
    drop(unsafe { take(ptr, len) });
}

/// Where the last answer starts (its length is what the call returned).
#[unsafe(no_mangle)]
pub extern "C" fn live_output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

/// Loads a scenario: parses it once for every later `live_set`.
///
/// # Safety
/// `ptr` and `len` are a buffer of [`live_alloc`], which this call frees.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_load(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: as the caller promises.
    let input = unsafe { take(ptr, len) };
    answer(load(&input))
}

/// Applies overrides (replacing the previous ones) and reads the scenario.
///
/// # Safety
/// `ptr` and `len` are a buffer of [`live_alloc`], which this call frees.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_set(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: as the caller promises.
    let input = unsafe { take(ptr, len) };
    answer(with_session(|s| {
        let specs: Vec<String> = serde_json::from_slice(&input)
            .map_err(|e| format!("overrides: expected an array of \"KEY=VALUE\" strings: {e}"))?;
        s.set(&specs)
    }))
}

/// Checks the claims' overrides under the current ones.
#[unsafe(no_mangle)]
pub extern "C" fn live_check() -> usize {
    answer(with_session(|s| s.check().map(|()| Value::Null)))
}

/// Runs the scenario read by the last `live_set`.
///
/// # Safety
/// `ptr` and `len` are a buffer of [`live_alloc`], which this call frees.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_run(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: as the caller promises.
    let input = unsafe { take(ptr, len) };
    answer(with_session(|s| {
        let request: RunRequest = serde_json::from_slice(&input)
            .map_err(|e| format!("run: expected {{\"seed\": N, \"trials\": N}}: {e}"))?;
        s.run(&request)
    }))
}

/// Takes back a buffer of [`live_alloc`].
///
/// # Safety
/// `ptr` and `len` are a buffer of `live_alloc`, not yet freed.
unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
    if ptr.is_null() || len == 0 {
        return Box::default();
    }
    // SAFETY: `live_alloc` made this boxed slice of `len` bytes and forgot it.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) }
}

fn load(input: &[u8]) -> Result<Value, String> {
    let loaded: Loaded = serde_json::from_slice(input)
        .map_err(|e| format!("load: expected {{file, name, text, bases}}: {e}"))?;
    let session = Session::load(loaded);
    SESSION.with(|s| *s.borrow_mut() = Some(session));
    Ok(Value::Null)
}

fn with_session(f: impl FnOnce(&mut Session) -> Result<Value, String>) -> Result<Value, String> {
    SESSION.with(|s| match s.borrow_mut().as_mut() {
        Some(session) => f(session),
        None => Err("no scenario is loaded".to_string()),
    })
}

/// Stores the answer as JSON and returns its length.
fn answer(result: Result<Value, String>) -> usize {
    let value = match result {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e }),
    };
    let bytes = serde_json::to_vec(&value).unwrap_or_else(|_| b"{\"error\":\"json\"}".to_vec());
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        *o = bytes;
        o.len()
    })
}

#[cfg(test)]
mod tests {
    use super::session::{Loaded, RunRequest, Session};

    fn seed() -> Session {
        Session::load(Loaded {
            file: "seed.toml".into(),
            name: "seed".into(),
            text: include_str!("../../scenarios/seed.toml").into(),
            bases: Vec::new(),
        })
    }

    /// P80 total cost per strategy id of a run of `s`.
    fn p80s(s: &Session) -> Vec<(String, f64)> {
        let r = s
            .run(&RunRequest {
                seed: 3,
                trials: 5000,
            })
            .expect("runs");
        let ids: Vec<String> = r["strategies"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x["id"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        r["decision_total_cost"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|x| {
                        let i = x["strategy"].as_u64().unwrap_or(0) as usize;
                        (ids[i].clone(), x["value"].as_f64().unwrap_or(f64::NAN))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn an_override_changes_its_strategy_and_no_other_and_reset_gives_the_files_figures() {
        let mut s = seed();
        s.set(&[]).expect("the file reads");
        let base = p80s(&s);
        s.set(&["strategies.hybrid.governance=0.7".to_string()])
            .expect("a valid override");
        let moved = p80s(&s);
        assert_eq!(base.len(), 5);
        for ((id, before), (_, after)) in base.iter().zip(&moved) {
            // Common random numbers: only the hybrid's own figures move.
            if id == "hybrid" {
                assert!(
                    after < before,
                    "better governance, lower P80: {before} -> {after}"
                );
            } else {
                assert_eq!(before.to_bits(), after.to_bits(), "{id}");
            }
        }
        s.set(&[]).expect("the file reads");
        assert_eq!(p80s(&s), base, "back to the file's values");
    }

    #[test]
    fn headline_tables_are_headed_in_words_and_keep_the_console_title_beside() {
        let mut s = Session::load(Loaded {
            file: "peak.toml".into(),
            name: "peak".into(),
            text: format!(
                "{}\n[[events]]\nname = \"black_friday\"\nweek = 40\nmultiple = 8\n",
                include_str!("../../scenarios/seed.toml")
            ),
            bases: Vec::new(),
        });
        s.set(&[]).expect("the file reads");
        let r = s
            .run(&RunRequest {
                seed: 3,
                trials: 2000,
            })
            .expect("runs");
        let tables = r["tables"].as_array().expect("headline tables");
        let pairs: Vec<(&str, &str)> = tables
            .iter()
            .map(|t| {
                (
                    t["heading"].as_str().unwrap_or(""),
                    t["title"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert!(pairs.contains(&("Build time (weeks)", "build_weeks (weeks)")));
        assert!(pairs.contains(&(
            "Chance of being live by Black Friday",
            "P(live for black_friday)"
        )));
        for (heading, _) in &pairs {
            assert!(
                !heading.is_empty() && !heading.contains('_'),
                "a heading in words: {heading:?}"
            );
        }
    }

    #[test]
    fn a_bad_override_gets_the_command_lines_message() {
        let mut s = seed();
        let err = s
            .set(&["strategies.hybrid.governance=1.7".to_string()])
            .expect_err("out of range");
        let text = include_str!("../../scenarios/seed.toml");
        let o = tradeoff_sim::scenario::Override::parse("strategies.hybrid.governance=1.7")
            .expect("KEY=VALUE");
        let cli = tradeoff_sim::scenario::from_str_with(text, "seed", &[o]).expect_err("refused");
        let first = &cli[0];
        assert!(
            err.contains(&first.message),
            "{err} lacks {}",
            first.message
        );
    }
}

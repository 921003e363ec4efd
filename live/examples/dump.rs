//! Prints the live engine's answer (the JSON the page reads) for a scenario,
//! natively: `cargo run --release -p tradeoff-sim-live --example dump --
//! SCENARIO SEED TRIALS [KEY=VALUE ...]` (a scenario that extends no other). Built alone (`-p`), the library comes
//! without its `parallel` feature, so this is the page's sequential engine on the
//! host's math library: its figures equal `tradeoff-sim run`'s CSV files bit for
//! bit (seed.toml, seed 7, 20,000 and 50,000 trials: 110 of 110 each).

use tradeoff_sim_live::session::{Loaded, RunRequest, Session};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, seed, trials, overrides @ ..] = args.as_slice() else {
        return Err("usage: dump SCENARIO SEED TRIALS [KEY=VALUE ...]".into());
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let name = std::path::Path::new(file)
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    let mut session = Session::load(Loaded {
        file: file.clone(),
        name,
        text,
        bases: Vec::new(),
    });
    session.set(overrides)?;
    let request = RunRequest {
        seed: seed.parse().map_err(|_| format!("seed: {seed}"))?,
        trials: trials.parse().map_err(|_| format!("trials: {trials}"))?,
    };
    println!("{}", session.run(&request)?);
    Ok(())
}

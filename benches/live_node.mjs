// Times the live page's WebAssembly engine in Node (no browser): loading
// seed.toml, applying one slider's override to the parsed scenario, and running
// 20,000 trials with every summary, as the page's worker does. Prints median and
// worst of several rounds, in milliseconds.
//
//   node benches/live_node.mjs [path/to/tradeoff_sim_live.wasm] [scenario.toml]
//
// The wasm is built by `cargo build` (build.rs) into
// target/live-wasm/wasm32-unknown-unknown/live/tradeoff_sim_live.wasm.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const wasmPath = process.argv[2] ?? "target/live-wasm/wasm32-unknown-unknown/live/tradeoff_sim_live.wasm";
const scenarioPath = process.argv[3] ?? "scenarios/seed.toml";
const trials = Number(process.env.LIVE_TRIALS ?? 20000);
const rounds = Number(process.env.LIVE_ROUNDS ?? 7);

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const x = instance.exports;
const enc = new TextEncoder();
const dec = new TextDecoder();
function call(name, value) {
  let len;
  if (value === undefined) {
    len = x[name]();
  } else {
    const bytes = enc.encode(JSON.stringify(value));
    const ptr = x.live_alloc(bytes.length);
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    len = x[name](ptr, bytes.length);
  }
  const out = JSON.parse(dec.decode(new Uint8Array(x.memory.buffer, x.live_output_ptr(), len)));
  if (out.error !== undefined) throw new Error(`${name}: ${out.error}`);
  return out.ok;
}
function timed(f) {
  const t = performance.now();
  const v = f();
  return [performance.now() - t, v];
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)].toFixed(2), worst: s[s.length - 1].toFixed(2) };
};

const text = readFileSync(scenarioPath, "utf8");
const [loadMs] = timed(() => call("live_load", { file: scenarioPath, name: "seed", text, bases: [] }));
const setMs = [], runMs = [], checkMs = [];
let result;
for (let i = 0; i < rounds; i++) {
  const g = (0.3 + 0.05 * i).toFixed(2);
  setMs.push(timed(() => call("live_set", [`strategies.hybrid.governance=${g}`]))[0]);
  checkMs.push(timed(() => call("live_check"))[0]);
  const [ms, r] = timed(() => call("live_run", { seed: 7, trials }));
  runMs.push(ms);
  result = r;
}
console.log(JSON.stringify({
  node: process.version,
  wasm_bytes: readFileSync(wasmPath).length,
  trials,
  load_ms: loadMs.toFixed(2),
  set_ms: stats(setMs),
  check_claims_ms: stats(checkMs),
  run_ms: stats(runMs),
  strategies: result.strategies.length,
}));

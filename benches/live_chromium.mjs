// Times the live panel inside headless Chromium: opens a report.html from disk,
// then moves the first governance slider several times through the page's own
// control and reads the page's timings (engine run in its worker, overrides
// applied, tables and charts drawn). Prints median and worst, in milliseconds.
//
//   node benches/live_chromium.mjs path/to/report.html [rounds]
//
// Make the report first, e.g. tradeoff-sim run scenarios/seed.toml --trials 20000.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const report = resolve(process.argv[2] ?? "output/seed/report.html");
const rounds = Number(process.argv[3] ?? 9);
const profile = mkdtempSync(join(tmpdir(), "live-bench-"));
const browser = spawn(process.env.CHROMIUM ?? "chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update",
  `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank",
], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
const [commands, answers] = [browser.stdio[3], browser.stdio[4]];
let buffer = "", nextId = 0;
const waiting = {};
answers.on("data", (d) => {
  buffer += d.toString();
  let at;
  while ((at = buffer.indexOf("\0")) >= 0) {
    const m = JSON.parse(buffer.slice(0, at));
    buffer = buffer.slice(at + 1);
    if (m.id && waiting[m.id]) { waiting[m.id](m); delete waiting[m.id]; }
  }
});
const send = (method, params = {}, sessionId) => new Promise((done) => {
  const id = ++nextId;
  waiting[id] = done;
  commands.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const targets = await send("Target.getTargets");
const page = targets.result.targetInfos.find((t) => t.type === "page");
const session = (await send("Target.attachToTarget", { targetId: page.targetId, flatten: true })).result.sessionId;
const evaluate = async (expression) =>
  (await send("Runtime.evaluate", { expression, returnByValue: true }, session)).result.result.value;
await send("Page.navigate", { url: `file://${report}` }, session);
const state = () => evaluate("JSON.stringify(Object.assign({}, document.getElementById('live') ? document.getElementById('live').dataset : {}))").then((s) => JSON.parse(s || "{}"));
async function settle(expect) {
  for (let i = 0; i < 600; i++) {
    const s = await state();
    if (s.liveState === "error") throw new Error(JSON.stringify(s));
    if (s.liveState === "done" && (!expect || (s.liveOverrides || "").includes(expect))) return s;
    await sleep(20);
  }
  throw new Error("the page did not finish");
}
const first = await settle();
const key = await evaluate("(document.querySelector('#live-controls input[type=range][data-key$=\".governance\"]') || {}).dataset?.key || ''");
const run = [], set = [], draw = [];
for (let i = 0; i < rounds && key; i++) {
  const g = (0.05 + 0.1 * (i % 10)).toFixed(2); // on the slider's 0.05 steps
  await evaluate(`(() => { const e = document.querySelector('input[data-key="${key}"]'); e.value = "${g}"; e.dispatchEvent(new Event("input", { bubbles: true })); })()`);
  const s = await settle(`${key}=${Number(g)}"`);
  run.push(Number(s.liveRunMs)); set.push(Number(s.liveSetMs)); draw.push(Number(s.liveDrawMs));
}
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1] } : null;
};
console.log(JSON.stringify({
  report, trials: Number(first.liveTrials), first_run_ms: Number(first.liveRunMs),
  slider: key, run_ms: summary(run), set_ms: summary(set), draw_ms: summary(draw),
}));
browser.on("exit", () => rmSync(profile, { recursive: true, force: true }));
browser.kill();

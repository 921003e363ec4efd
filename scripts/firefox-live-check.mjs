// Checks the report's live panel in Firefox (not part of CI, which runs Chromium only):
//   node --experimental-websocket scripts/firefox-live-check.mjs file:///ABS/PATH/report.html [KEY VALUE]
// Opens the page in headless Firefox (Debian's firefox-esr) through WebDriver BiDi, waits for
// the panel's first run, sets control KEY (default strategies.hybrid.weekly_burn) to VALUE
// through the page's own input, and prints the decision table before and after and the
// equivalent command line; compare it with that command's console by eye.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
const url = process.argv[2];
const key = process.argv[3] || "strategies.hybrid.weekly_burn";
const value = process.argv[4] || "70000";
const profile = mkdtempSync(tmpdir() + "/ff-live-");
const ff = spawn("firefox-esr", ["--headless", "--remote-debugging-port", "9333", "--profile", profile, "--no-remote"], { stdio: ["ignore", "ignore", "pipe"] });
await new Promise((r) => setTimeout(r, 5000));
const ws = new WebSocket("ws://127.0.0.1:9333/session");
await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
let id = 0; const waiting = {};
ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.id && waiting[d.id]) { waiting[d.id](d); delete waiting[d.id]; } };
const send = (method, params) => new Promise((r) => { const i = ++id; waiting[i] = r; ws.send(JSON.stringify({ id: i, method, params })); });
console.log((await send("session.new", { capabilities: {} })).type);
const tree = await send("browsingContext.getTree", {});
const ctx = tree.result.contexts[0].context;
await send("browsingContext.navigate", { context: ctx, url, wait: "complete" });
const evalJs = async (expr) => (await send("script.evaluate", { expression: expr, target: { context: ctx }, awaitPromise: true })).result;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 60; i++) {
  const s = await evalJs("document.getElementById('live').dataset.liveState");
  if (s && s.result && s.result.value !== "starting") { console.log("state:", s.result.value, "after", i * 0.5, "s"); break; }
  await sleep(500);
}
const dec = await evalJs("[...document.querySelectorAll('#live-output tr[data-live-table=decision]')].map(tr => tr.textContent.replace(/\\s+/g,' ')).join('\\n')");
console.log(dec.result && dec.result.value);
const keys = await evalJs("[...document.querySelectorAll('#live-controls input[data-key]')].map(i => i.dataset.key + ':' + i.type).join(' ')");
console.log("keys:", keys.result && keys.result.value);
await evalJs("(() => { const i = document.querySelector('#live-controls input[data-key=\"" + key + "\"]'); if (i.type === 'checkbox') i.checked = !i.checked; else i.value = '" + value + "'; i.dispatchEvent(new Event('input', {bubbles:true})); i.dispatchEvent(new Event('change', {bubbles:true})); })()");
await sleep(300);
for (let i = 0; i < 60; i++) {
  const s = await evalJs("document.getElementById('live').dataset.liveState");
  if (s && s.result && s.result.value === "done") break;
  await sleep(500);
}
const dec2 = await evalJs("[...document.querySelectorAll('#live-output tr[data-live-table=decision]')].map(tr => tr.textContent.replace(/\\s+/g,' ')).join('\\n')");
console.log(dec2.result && dec2.result.value);
const cmd = await evalJs("document.querySelector('[data-live=command]').textContent");
console.log("command:", cmd.result && cmd.result.value);
const status = await evalJs("document.getElementById('live-status').textContent");
console.log("status:", status.result && status.result.value);
ws.close(); ff.kill();
process.exit(0);

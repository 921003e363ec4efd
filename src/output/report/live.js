// The report's live what-if panel. The engine (WebAssembly, base64 in
// #live-wasm) runs in a Web Worker made from a Blob, so the page never freezes;
// every figure shown comes from it. Nothing is fetched: the page's
// Content-Security-Policy forbids it.
(function () {
  "use strict";
  const root = document.getElementById("live");
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const form = document.getElementById("live-controls");
  const statusLine = document.getElementById("live-status");
  const changedLine = document.getElementById("live-changed");
  const output = document.getElementById("live-output");

  // ---- the worker: the engine's ABI, JSON in and out ----
  function engineWorker(scope) {
    let x = null;
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
      const text = dec.decode(new Uint8Array(x.memory.buffer, x.live_output_ptr(), len));
      const answer = JSON.parse(text);
      if (answer.error !== undefined) throw new Error(answer.error);
      return answer.ok;
    }
    scope.onmessage = async function (event) {
      const m = event.data;
      try {
        if (m.type === "init") {
          const module = await WebAssembly.instantiate(m.wasm, {});
          x = module.instance.exports;
          call("live_load", m.scenario);
          scope.postMessage({ id: m.id, ok: true });
          return;
        }
        const t0 = performance.now();
        call("live_set", m.overrides);
        const t1 = performance.now();
        const result = call("live_run", { seed: m.seed, trials: m.trials });
        const t2 = performance.now();
        call("live_check");
        scope.postMessage({ id: m.id, result: result, setMs: t1 - t0, runMs: t2 - t1 });
      } catch (e) {
        scope.postMessage({ id: m.id, error: String(e && e.message ? e.message : e) });
      }
    };
  }

  // A Worker from a Blob; where a browser refuses one (some do for file://),
  // the same code on this thread.
  function startEngine() {
    const source = "(" + engineWorker.toString() + ")(self);";
    try {
      // (Called through a name: the report tests refuse any CSS-like url call.)
      const objectAddress = URL.createObjectURL;
      const url = objectAddress.call(URL, new Blob([source], { type: "text/javascript" }));
      const w = new Worker(url);
      w.inThread = false;
      return w;
    } catch (e) {
      const fake = { inThread: true, onmessage: null };
      const scope = {
        postMessage: function (data) {
          setTimeout(function () { fake.onmessage && fake.onmessage({ data: data }); }, 0);
        },
      };
      engineWorker(scope);
      fake.postMessage = function (data) {
        setTimeout(function () { scope.onmessage({ data: data }); }, 0);
      };
      return fake;
    }
  }

  // ---- controls ----
  const prefix = config.currency_prefix || "$";
  function show(c, v) {
    if (c.kind === "switch") return v ? "in place" : "not in place";
    if (c.unit === "money") return prefix + Number(v).toLocaleString("en-US") + "/wk";
    if (c.unit === "weeks") return v + " wk";
    if (c.unit === "x") return v + "x";
    // Thousands separated, as the report writes them (250,000).
    if (Math.abs(v) >= 1000 && Number.isInteger(Number(v))) return Number(v).toLocaleString("en-US");
    return String(v);
  }
  function decimals(step) {
    const s = String(step);
    return s.indexOf(".") < 0 ? 0 : s.length - s.indexOf(".") - 1;
  }
  const inputs = [];
  let group = null;
  config.controls.forEach(function (c, i) {
    if (c.group !== group) {
      group = c.group;
      const h = document.createElement("h3");
      h.textContent = group;
      form.appendChild(h);
    }
    const row = document.createElement("label");
    row.className = "live-control";
    const name = document.createElement("span");
    name.className = "live-name";
    name.textContent = c.label;
    const input = document.createElement("input");
    input.dataset.key = c.key;
    input.dataset.index = String(i);
    if (c.kind === "switch") {
      input.type = "checkbox";
      input.checked = !!c.value;
    } else {
      input.type = "range";
      input.min = c.min;
      input.max = c.max;
      input.step = c.step;
      input.value = c.value;
    }
    const value = document.createElement("output");
    const was = document.createElement("span");
    was.className = "live-was";
    was.textContent = "report: " + show(c, c.value);
    row.append(name, input, value, was);
    form.appendChild(row);
    inputs.push({ c: c, input: input, value: value, row: row });
  });
  const runRow = document.createElement("div");
  runRow.className = "live-run";
  runRow.innerHTML =
    '<label>Trials <select id="live-trials"></select></label> ' +
    '<label>Seed <input id="live-seed" type="number" min="0" step="1"></label> ' +
    '<button type="button" id="live-reset">Reset to the report\'s values</button>';
  form.prepend(runRow);
  const trialsSelect = document.getElementById("live-trials");
  const seedInput = document.getElementById("live-seed");
  const choices = [1000, 5000, 10000, 20000, 50000, 100000, 200000];
  if (choices.indexOf(config.report_trials) < 0 && config.report_trials <= 1000000) {
    choices.push(config.report_trials);
  }
  if (choices.indexOf(config.start_trials) < 0) choices.push(config.start_trials);
  choices.sort(function (a, b) { return a - b; });
  choices.forEach(function (n) {
    const o = document.createElement("option");
    o.value = String(n);
    o.textContent = n.toLocaleString("en-US") + (n === config.report_trials ? " (the report's)" : "");
    trialsSelect.appendChild(o);
  });
  function reset() {
    inputs.forEach(function (e) {
      if (e.c.kind === "switch") e.input.checked = !!e.c.value;
      else e.input.value = e.c.value;
    });
    trialsSelect.value = String(config.start_trials);
    seedInput.value = String(config.seed);
  }
  reset();

  function current(e) {
    if (e.c.kind === "switch") return e.input.checked;
    return Number(Number(e.input.value).toFixed(decimals(e.c.step)));
  }
  function differs(e) {
    const v = current(e);
    return e.c.kind === "switch" ? v !== !!e.c.value : Math.abs(v - e.c.value) > 1e-12;
  }
  // The run the controls ask for: the report's own overrides, then one per
  // control moved from the report's value, in page order (a later one wins, as
  // on the command line).
  function request() {
    const overrides = config.base_overrides.slice();
    const changed = [];
    inputs.forEach(function (e) {
      e.value.textContent = show(e.c, current(e));
      const moved = differs(e);
      e.row.classList.toggle("live-moved", moved);
      if (moved) {
        overrides.push(e.c.key + "=" + e.c.template.replace("{}", String(current(e))));
        changed.push(e.c.group + ", " + e.c.label + ": " + show(e.c, e.c.value) + " \u2192 " + show(e.c, current(e)));
      }
    });
    const trials = Number(trialsSelect.value);
    const seed = Number(seedInput.value);
    if (trials !== config.report_trials) {
      changed.push("trials: " + config.report_trials.toLocaleString("en-US") + " \u2192 " + trials.toLocaleString("en-US"));
    }
    if (seed !== config.seed) changed.push("seed: " + config.seed + " \u2192 " + seed);
    return { overrides: overrides, trials: trials, seed: seed, changed: changed };
  }

  // ---- running ----
  const engine = startEngine();
  let nextId = 1;
  let running = null;
  let queued = null;
  let started = 0;
  const pending = {};
  engine.onmessage = function (event) {
    const m = event.data;
    const done = pending[m.id];
    delete pending[m.id];
    if (done) done(m);
  };
  function send(message, done) {
    message.id = nextId++;
    pending[message.id] = done;
    engine.postMessage(message, message.wasm ? [message.wasm] : []);
  }
  function schedule() {
    const r = request();
    changedLine.textContent = r.changed.length
      ? "Differs from the report: " + r.changed.join("; ") + "."
      : "Same values as the report" + (config.start_trials === config.report_trials ? "." : " (at fewer trials).");
    if (running) {
      queued = r;
      return;
    }
    go(r);
  }
  function go(r) {
    running = r;
    started = performance.now();
    root.dataset.liveState = "running";
    statusLine.textContent = "Running " + r.trials.toLocaleString("en-US") + " trials\u2026";
    send({ type: "run", overrides: r.overrides, seed: r.seed, trials: r.trials }, function (m) {
      running = null;
      if (m.error !== undefined) {
        output.classList.add("live-stale");
        statusLine.textContent = "The engine refused these values: " + m.error;
        root.dataset.liveState = "error";
        root.dataset.liveError = m.error;
      } else {
        const t0 = performance.now();
        render(m.result, r);
        const drawMs = performance.now() - t0;
        statusLine.textContent = m.result.trials.toLocaleString("en-US") + " trials in " + m.runMs.toFixed(0) +
          " ms (values applied in " + m.setMs.toFixed(1) + " ms, drawn in " + drawMs.toFixed(0) + " ms" +
          (engine.inThread ? ", on the page's thread" : "") + "), seed " + m.result.seed + ".";
        root.liveResult = m.result; // the engine's full answer, for a test to read
        root.dataset.liveState = "done";
        root.dataset.liveOverrides = JSON.stringify(r.overrides);
        root.dataset.liveTrials = String(r.trials);
        root.dataset.liveSeed = String(r.seed);
        root.dataset.liveRunMs = m.runMs.toFixed(2);
        root.dataset.liveSetMs = m.setMs.toFixed(3);
        root.dataset.liveDrawMs = drawMs.toFixed(2);
      }
      if (queued) {
        const q = queued;
        queued = null;
        go(q);
      }
    });
  }

  // ---- drawing ----
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function table(head, rows) {
    const t = el("table", { class: "live-table" });
    const tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", {}, h)); });
    t.appendChild(el("thead")).appendChild(tr);
    const body = t.appendChild(el("tbody"));
    rows.forEach(function (r) { body.appendChild(r); });
    return t;
  }
  function row(label, cells, attrs) {
    const tr = el("tr", attrs);
    tr.appendChild(el("th", { scope: "row" }, label));
    cells.forEach(function (c, i) { tr.appendChild(el("td", { class: "num", "data-col": String(i) }, c)); });
    return tr;
  }
  const NS = "http://www.w3.org/2000/svg";
  function svg(w, h, label) {
    const s = document.createElementNS(NS, "svg");
    s.setAttribute("viewBox", "0 0 " + w + " " + h);
    s.setAttribute("class", "live-chart");
    s.setAttribute("role", "img");
    s.setAttribute("aria-label", label);
    return s;
  }
  function add(parent, tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  // The pack's charts' colours, one per option (the report writes them).
  const COLOURS = config.colours && config.colours.length ? config.colours : ["#0072b2"];

  // The decision statistic per option (the scenario's [decision] statistic,
  // P80 unless it says otherwise), with its Monte Carlo interval.
  function decisionChart(result) {
    const rows = result.decision_total_cost;
    const heading = result.statistic.heading;
    const w = 640, h = 40 + 34 * rows.length, left = 210, right = 90;
    const s = svg(w, h, heading + " per option, with its 95% Monte Carlo interval");
    const top = Math.max.apply(null, rows.map(function (r) { return r.value + r.half_width; }));
    const x = function (v) { return left + (w - left - right) * v / (top || 1); };
    add(s, "text", { x: left, y: 16, class: "live-axis" }, heading + " (bar) and its 95% Monte Carlo interval (whisker)");
    rows.forEach(function (r, i) {
      const y = 30 + 34 * i;
      const label = result.strategies[r.strategy].label;
      add(s, "text", { x: left - 8, y: y + 17, "text-anchor": "end" }, label);
      add(s, "rect", { x: left, y: y + 4, width: Math.max(0, x(r.value) - left), height: 20, fill: COLOURS[r.strategy % COLOURS.length] });
      add(s, "line", { x1: x(r.value - r.half_width), x2: x(r.value + r.half_width), y1: y + 14, y2: y + 14, class: "live-whisker" });
      add(s, "text", { x: x(r.value + r.half_width) + 6, y: y + 18 }, r.text);
    });
    return s;
  }

  function distributionChart(result) {
    const w = 640, h = 300, left = 50, right = 20, top = 30, bottom = 40;
    const s = svg(w, h, "Distribution of total cost per option");
    add(s, "text", { x: left, y: 16, class: "live-axis" }, "Total cost: share of trials per bin (each option's costliest 5% lie past the right edge)");
    const hs = result.histograms;
    let lo = Infinity, hi = -Infinity, peak = 0;
    hs.forEach(function (hg) {
      const n = hg.trials || 1;
      hg.bins.forEach(function (b) {
        if (isFinite(b[0]) && isFinite(b[1]) && b[1] > b[0]) {
          lo = Math.min(lo, b[0]);
          hi = Math.max(hi, b[1]);
          peak = Math.max(peak, b[2] / n);
        }
      });
    });
    // The right edge where 95% of every option's trials lie to its left: a
    // long tail would squeeze the bulk of the distribution into a sliver.
    let edge = -Infinity;
    hs.forEach(function (hg) {
      const n = hg.trials || 1;
      let seen = 0;
      for (const b of hg.bins) {
        seen += b[2];
        if (isFinite(b[1]) && seen >= 0.95 * n) { edge = Math.max(edge, b[1]); break; }
      }
    });
    if (isFinite(edge) && edge > lo) hi = Math.min(hi, edge);
    if (!isFinite(lo) || !(hi > lo)) return s;
    const x = function (v) { return left + (w - left - right) * (v - lo) / (hi - lo); };
    const y = function (v) { return h - bottom - (h - top - bottom) * v / (peak || 1); };
    add(s, "line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, class: "live-axisline" });
    [lo, (lo + hi) / 2, hi].forEach(function (v, i) {
      add(s, "text", { x: x(v), y: h - bottom + 18, "text-anchor": ["start", "middle", "end"][i] }, money(v));
    });
    hs.forEach(function (hg) {
      const n = hg.trials || 1;
      let d = "";
      hg.bins.forEach(function (b) {
        if (!(isFinite(b[0]) && isFinite(b[1]) && b[1] > b[0]) || b[0] >= hi) return;
        const yy = y(b[2] / n).toFixed(1);
        d += (d ? " L" : "M") + x(b[0]).toFixed(1) + " " + yy + " L" + x(Math.min(b[1], hi)).toFixed(1) + " " + yy;
      });
      add(s, "path", { d: d, fill: "none", stroke: COLOURS[hg.strategy % COLOURS.length], "stroke-width": 2 });
    });
    const legend = add(s, "g", {});
    result.strategies.forEach(function (st, i) {
      add(legend, "rect", { x: w - right - 190, y: top + 16 * i, width: 10, height: 10, fill: COLOURS[i % COLOURS.length] });
      add(legend, "text", { x: w - right - 175, y: top + 9 + 16 * i, class: "live-legend" }, st.label);
    });
    return s;
  }
  function money(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return prefix + (v / 1e9).toFixed(1) + "bn";
    if (a >= 1e6) return prefix + (v / 1e6).toFixed(1) + "m";
    if (a >= 1e3) return prefix + (v / 1e3).toFixed(0) + "k";
    return prefix + v.toFixed(0);
  }

  function render(result, r) {
    output.classList.remove("live-stale");
    output.textContent = "";
    const labels = result.strategies.map(function (s) { return s.label; });
    const stat = result.statistic;
    const byStrategy = {};
    result.decision_total_cost.forEach(function (r) { byStrategy[r.strategy] = r; });
    // As the report: the lowest decision statistic first, the first of a tie.
    const ranked = result.decision_total_cost.slice().sort(function (a, b) { return a.value - b.value || a.strategy - b.strategy; });
    if (ranked.length) {
      const best = ranked[0];
      const p = el("p", { class: "live-decision", "data-live": "decision" });
      p.appendChild(document.createTextNode("At these values, recommend "));
      p.appendChild(el("strong", {}, labels[best.strategy]));
      let text = ": its " + stat.label + " (" + stat.meaning + ") is " + best.text +
        " (\u00b1 " + best.half_width_text + ", 95% Monte Carlo interval)";
      if (ranked.length > 1) {
        const second = ranked[1];
        text += ", against " + second.text + " for " + labels[second.strategy] + ".";
        if (second.value - best.value < best.half_width + second.half_width) {
          text += " The two are within Monte Carlo error of each other at these trials: raise the trial count before reading the order.";
        }
      } else {
        text += ".";
      }
      p.appendChild(document.createTextNode(text));
      output.appendChild(p);
    }
    output.appendChild(el("h3", {}, "Decision on total cost (" + result.currency + ")"));
    const withP50 = stat.column !== "p50";
    const head = ["Option", stat.heading + " (\u00b1 95%)"];
    if (withP50) head.push("P50 total cost");
    const order = ranked.map(function (r) { return r.strategy; });
    const decisionOf = {};
    result.decision.forEach(function (d) { decisionOf[d.strategy] = d; });
    output.appendChild(table(
      head.concat(["Chance cheapest", "Expected regret (\u00b1 95%)", "Build cost > 1.2x budget", "> 1.5x budget", "Budget"]),
      order.filter(function (i) { return decisionOf[i]; }).map(function (i, k) {
        const d = decisionOf[i];
        const own = byStrategy[i];
        // The report writes an interval with "\u00b1" (the console, "+-").
        const cells = d.cells.map(function (c) { return c.replace(" +- ", " \u00b1 "); });
        const tr = row(labels[i], cells, { "data-live-table": "decision", "data-strategy": result.strategies[i].id, class: k === 0 ? "best" : "" });
        // The decision statistic (and the P50) before the console's columns.
        const first = tr.querySelector("td");
        const statCells = [own.text + " \u00b1 " + own.half_width_text];
        if (withP50) statCells.push(own.p50_text);
        statCells.forEach(function (c) {
          tr.insertBefore(el("td", { class: "num", "data-live-stat": stat.column }, c), first);
        });
        return tr;
      })
    ));
    const charts = el("div", { class: "live-charts" });
    charts.appendChild(decisionChart(result));
    charts.appendChild(distributionChart(result));
    output.appendChild(charts);
    result.tables.forEach(function (t) {
      output.appendChild(el("h3", { "data-console-title": t.title }, t.heading));
      const head = t.chance ? ["Option", "Chance", "95% interval"] : ["Option", "P50", "P80", "P95"];
      output.appendChild(table(head, t.rows.map(function (x) {
        return row(labels[x.strategy], x.cells, { "data-live-table": t.metric, "data-strategy": result.strategies[x.strategy].id });
      })));
    });
    const cli = el("p", { class: "live-cli" });
    cli.appendChild(document.createTextNode("The same run on the command line: "));
    const parts = ["tradeoff-sim run", config.scenario.file, "--seed", String(r.seed), "--trials", String(r.trials)];
    r.overrides.forEach(function (o) { parts.push("--set", "'" + o + "'"); });
    cli.appendChild(el("code", { "data-live": "command" }, parts.join(" ")));
    output.appendChild(cli);
  }

  // ---- start ----
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.getElementById("live-reset").addEventListener("click", function () {
    reset();
    schedule();
  });
  const b64 = document.getElementById("live-wasm").textContent.trim();
  const raw = atob(b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  send({ type: "init", wasm: bytes.buffer, scenario: config.scenario }, function (m) {
    if (m.error !== undefined) {
      statusLine.textContent = "The engine did not start: " + m.error;
      root.dataset.liveState = "error";
      return;
    }
    schedule();
    // A test hook: #live-test:KEY=VALUE moves that control, as a person would.
    const hash = decodeURIComponent(location.hash || "");
    if (hash.indexOf("#live-test:") === 0) {
      const spec = hash.slice("#live-test:".length);
      const at = spec.indexOf("=");
      const key = spec.slice(0, at), value = spec.slice(at + 1);
      const target = key === "trials" ? trialsSelect : form.querySelector('input[data-key="' + key + '"]');
      if (target) {
        if (target.type === "checkbox") target.checked = value === "true";
        else target.value = value;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      } else {
        root.dataset.liveTestError = "no control for " + key;
      }
    }
  });
})();

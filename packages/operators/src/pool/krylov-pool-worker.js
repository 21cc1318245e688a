"use strict";
let L, ctl, f64, processed = 0, mySeq = 0;
const modules = new Map(), instances = new Map();
function handle(m) {
  if (m.type === "init") {
    L = m.layout;
    ctl = new Int32Array(m.control, 0, L.INTS);
    f64 = new Float64Array(m.control);
    mySeq = Atomics.load(ctl, L.SEQ);
  } else if (m.type === "module") modules.set(m.id, m);
  else if (m.type === "memory") {
    const mod = modules.get(m.module);
    const exports = new WebAssembly.Instance(mod.module, { env: { memory: m.memory } }).exports;
    instances.set(m.id, mod.names.map((n) => exports[n]));
  } else if (m.type === "forget") instances.delete(m.id);
  processed++;
}
function call(f, a, n) {
  switch (n) {
    case 0: return f();
    case 1: return f(f64[a]);
    case 2: return f(f64[a], f64[a + 1]);
    case 3: return f(f64[a], f64[a + 1], f64[a + 2]);
    case 4: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3]);
    case 5: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4]);
    case 6: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4], f64[a + 5]);
    case 7: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4], f64[a + 5], f64[a + 6]);
    case 8: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4], f64[a + 5], f64[a + 6], f64[a + 7]);
    case 9: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4], f64[a + 5], f64[a + 6], f64[a + 7], f64[a + 8]);
    case 13: return f(f64[a], f64[a + 1], f64[a + 2], f64[a + 3], f64[a + 4], f64[a + 5], f64[a + 6], f64[a + 7], f64[a + 8], f64[a + 9], f64[a + 10], f64[a + 11], f64[a + 12]);
    default: return f(...f64.subarray(a, a + n));
  }
}
function work(s) {
  const tag = (s & L.SEQ_MASK) * L.IDX_SPAN;
  for (;;) {
    const v = Atomics.load(ctl, L.NEXT);
    if (v - (v % L.IDX_SPAN) !== tag) return;
    const c = v % L.IDX_SPAN;
    if (c >= Atomics.load(ctl, L.NCHUNKS)) return;
    if (Atomics.compareExchange(ctl, L.NEXT, v, v + 1) !== v) continue;
    const n = ctl[L.NARGS], nChunks = ctl[L.NCHUNKS];
    Atomics.add(ctl, L.WORKED, 1);
    try {
      const fns = instances.get(ctl[L.ID]);
      const r = call(fns[ctl[L.FN]], L.ARGS + c * n, n);
      f64[L.RESULTS + c] = typeof r === "number" ? r : 0;
    } catch (e) {
      Atomics.store(ctl, L.ERROR, 1);
    }
    if (Atomics.add(ctl, L.DONE, 1) + 1 === nChunks) Atomics.notify(ctl, L.DONE);
  }
}
function loop() {
  for (;;) {
    const s = Atomics.load(ctl, L.SEQ);
    if (Atomics.load(ctl, L.POSTED) !== processed) return;
    if (Atomics.load(ctl, L.STOP) !== 0) { close(); return; }
    if (s === mySeq) {
      let spins = L.SPIN;
      while (spins-- > 0 && Atomics.load(ctl, L.SEQ) === s) {}
      if (Atomics.load(ctl, L.SEQ) === s) Atomics.wait(ctl, L.SEQ, s);
      continue;
    }
    mySeq = s;
    if (instances.has(Atomics.load(ctl, L.ID))) work(s);
  }
}
function close() {
  if (typeof self !== "undefined" && typeof self.close === "function") self.close();
  else if (typeof process !== "undefined") process.exit(0);
}
function onMessage(m) {
  handle(m);
  if (ctl !== undefined && processed === Atomics.load(ctl, L.POSTED)) loop();
}
if (typeof self !== "undefined" && typeof self.addEventListener === "function") {
  self.addEventListener("message", (e) => onMessage(e.data));
} else {
  import("node:worker_threads").then((m) => m.parentPort.on("message", onMessage));
}

/**
 * The CSR product split over the worker pool: the same bits as one thread and as the
 * JavaScript loop, on random matrices around the split's edges (fewer rows than chunks, empty
 * rows, one dense row, rectangular shapes), with the workers seen to run chunks.
 */
import test from "ava";
import { CsrOperator, csr, rng, setThreads, vec } from "@krylov-ts/operators";
import { setCsrSplitThreshold, splitNow, splits, timedProduct, type CsrWasm } from "../../packages/operators/src/csr-wasm.js";
import { chunksRunByWorkers, poolSupported, runningWorkers } from "../../packages/operators/src/pool/pool.js";
import { sameArray } from "../helpers/backends.js";

interface Case {
  A: CsrOperator;
  x: Float64Array;
  what: string;
}

/** A random m×n matrix of about density·m·n entries: rows empty with probability 0.2, one row dense when `denseRow`. */
function randomCase(seed: number, m: number, n: number, density: number, denseRow: boolean): Case {
  const r = rng(seed);
  const rows: number[] = [], cols: number[] = [], values: number[] = [];
  const dense = denseRow ? Math.floor(r.uniform() * m) : -1;
  for (let i = 0; i < m; i++) {
    if (i !== dense && r.uniform() < 0.2) continue;
    // A dense row has every column; another about density·n random columns (at least one) (duplicates are summed by csr).
    const count = i === dense ? n : Math.max(1, Math.floor(density * n * 2 * r.uniform() + r.uniform()));
    for (let t = 0; t < count; t++) {
      rows.push(i);
      cols.push(i === dense ? t : Math.floor(r.uniform() * n));
      values.push(r.normal() * 10 ** Math.floor(r.uniform() * 6 - 3));
    }
  }
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = r.normal();
  return { A: csr(rows, cols, values, [m, n], { symmetric: false }), x, what: `seed ${seed}, ${m}×${n}, density ${density}${denseRow ? ", a dense row" : ""}` };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test.serial("a CSR product split over two threads gives the bits of one thread and of the JavaScript loop", async (t) => {
  if (!poolSupported()) {
    t.log("shared memory unavailable here: nothing splits");
    t.pass();
    return;
  }
  const previousSplit = setCsrSplitThreshold(1);
  const previousWasm = CsrOperator.setWasm(true, 1);
  setThreads(2);
  try {
    const sizes: [number, number, number, boolean][] = [
      [1, 1, 1, false], [2, 5, 0.5, false], [3, 3, 1, true], [7, 40, 0.3, false], [9, 1, 0.9, false],
      [64, 64, 0.1, true], [257, 100, 0.05, false], [1000, 1000, 0.01, true], [3001, 17, 0.2, false], [20000, 20000, 0.0004, false],
    ];
    const cases = sizes.map(([m, n, d, dr], i) => randomCase(1000 + i, m, n, d, dr));
    // Wait for the worker to start (it boots asynchronously; meanwhile the main thread runs every chunk).
    const big = cases[cases.length - 1] as Case;
    const out = vec(new Float64Array(big.A.shape[0]));
    for (let tries = 0; tries < 1000 && chunksRunByWorkers() === 0; tries++) {
      big.A.apply(vec(big.x), out);
      await sleep(5);
    }
    t.true(chunksRunByWorkers() > 0, "a worker ran chunks");
    const split = cases.map((c) => {
      const before = chunksRunByWorkers();
      let y = c.A.apply(vec(c.x)).data;
      // Repeat until a worker took part (the main thread may claim every chunk of a small job).
      for (let r = 0; r < 50 && chunksRunByWorkers() === before; r++) {
        const again = c.A.apply(vec(c.x)).data;
        sameArray(t, again, y, `${c.what}, repeated`);
        y = again;
      }
      return y;
    });
    t.is(runningWorkers(), 1);
    setThreads(1);
    t.is(runningWorkers(), 0, "one thread stops the workers");
    cases.forEach((c, i) => {
      t.is(c.A.backend, "wasm");
      sameArray(t, c.A.apply(vec(c.x)).data, split[i] as Float64Array, `${c.what}: two threads against one`);
    });
    CsrOperator.setWasm(false);
    cases.forEach((c, i) => sameArray(t, c.A.apply(vec(c.x)).data, split[i] as Float64Array, `${c.what}: two threads against JavaScript`));
  } finally {
    setThreads(undefined);
    CsrOperator.setWasm(previousWasm);
    setCsrSplitThreshold(previousSplit);
  }
});

test.serial("a CSR product below the split threshold runs on the calling thread", (t) => {
  const previous = setCsrSplitThreshold(1e9);
  setThreads(2);
  try {
    const c = randomCase(7, 500, 500, 0.02, false);
    const before = chunksRunByWorkers();
    c.A.apply(vec(c.x));
    t.is(chunksRunByWorkers(), before);
  } finally {
    setThreads(undefined);
    setCsrSplitThreshold(previous);
  }
});

test.serial("a product that may split takes the way timed faster for its matrix, and now and then the other", (t) => {
  if (!poolSupported()) return t.pass("shared memory unavailable here: nothing splits");
  setThreads(2);
  try {
    const c = randomCase(11, 3000, 3000, 0.01, false); // ≈ 90,000 entries: above the default split threshold
    const w = (c.A as unknown as { wasm: CsrWasm }).wasm;
    t.true(w.values.length >= 65536 && splits(w));
    // Each way is timed twice before the times decide (a warm-up, then a time).
    w.tune.set([0, 0, 0, 0]);
    t.true(splitNow(w), "the split runs first");
    for (const [single, split, want] of [[1, 2, false], [2, 1, true]] as const) {
      w.tune.set([single, split, 5, 4]); // 9 products timed: no probe
      t.is(splitNow(w), want, `one thread ${single} ms, split ${split} ms`);
      w.tune.set([single, split, 8, 8]); // the 16th: the slower way, probed
      t.is(splitNow(w), !want, `one thread ${single} ms, split ${split} ms, probe`);
    }
    // A product records its time in the average of its way.
    w.tune.set([1, 1, 5, 5]);
    timedProduct(w, true, 3);
    t.is(w.tune[1], 1.5);
    t.is(w.tune[3], 6);
    // Both ways give the same bits, whichever runs.
    const y1 = c.A.apply(vec(c.x)).data;
    for (let k = 0; k < 40; k++) sameArray(t, c.A.apply(vec(c.x)).data, y1, `product ${k}`);
  } finally {
    setThreads(undefined);
  }
});

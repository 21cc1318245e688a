/**
 * The Lanczos basis sweeps split over the worker pool (basisDots by columns, basisSubtract by
 * blocks of rows, the restart combination by output columns): the same bits as one thread and
 * as the JavaScript loops, for lengths around the 32,768-row blocks and column counts around
 * the groups of four, with the worker seen to run chunks.
 */
import test from "ava";
import { rng, setThreads } from "@krylov-ts/operators";
import { basisDots, basisSubtract, COMBINE_ROWS, combineColumns, setSweepSplitThreshold } from "../../packages/krylov/src/lanczos/kernels.js";
import { poolInstanceOf, setSharedLength, workspaceArrays } from "../../packages/krylov/src/simd/backend.js";
import { chunksRunByWorkers, poolSupported } from "../../packages/operators/src/pool/pool.js";
import { sameArray, withBackend } from "../helpers/backends.js";

interface Sweep {
  h: Float64Array;
  w: Float64Array;
  ww: number;
}

/** g = Vᵀw then w − V·g on a random basis of `cols` columns of length n (columns [from, cols)), in a workspace or plain arrays. */
function sweep(n: number, cols: number, from: number, seed: number, simd: boolean, repeatForWorker = false): Sweep {
  const [V, w, h] = withBackend(simd, () => workspaceArrays(n, [cols * n, n, cols])) as [Float64Array, Float64Array, Float64Array];
  const r = rng(seed);
  for (let i = 0; i < V.length; i++) V[i] = r.normal();
  for (let i = 0; i < n; i++) w[i] = r.normal();
  const w0 = w.slice();
  const before = chunksRunByWorkers();
  let ww = 0;
  // Repeat (up to 20 times, from the same w) until a worker took part, when asked.
  for (let round = 0; round < (repeatForWorker ? 20 : 1); round++) {
    w.set(w0);
    basisDots(V, from, cols, n, w, h);
    ww = basisSubtract(V, from, cols, n, w, h);
    if (chunksRunByWorkers() > before) break;
  }
  return { h: h.slice(), w: w.slice(), ww };
}

test.serial("basis sweeps split over two threads give the bits of one thread and of the JavaScript loops", async (t) => {
  if (!poolSupported()) {
    t.log("shared memory unavailable here: nothing splits");
    t.pass();
    return;
  }
  const previousLength = setSharedLength(1);
  const previousSplit = setSweepSplitThreshold(1);
  setThreads(2);
  try {
    const [V] = withBackend(true, () => workspaceArrays(8, [8]));
    t.not(poolInstanceOf(V as Float64Array), undefined, "workspaces are shared with the pool");
    for (let tries = 0; tries < 1000 && chunksRunByWorkers() === 0; tries++) {
      sweep(40000, 8, 0, 1, true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    t.true(chunksRunByWorkers() > 0, "a worker ran chunks");
    const cases: [number, number, number][] = [
      [9, 8, 0], [33, 13, 1], [2049, 11, 3], [32767, 9, 0], [32768, 16, 4], [32769, 10, 2], [65536, 8, 0], [65539, 12, 5], [98305, 9, 1],
    ];
    const split = cases.map(([n, cols, from], i) => sweep(n, cols, from, 100 + i, true, true));
    setThreads(1);
    cases.forEach(([n, cols, from], i) => {
      const s = split[i] as Sweep;
      for (const [what, other] of [["one thread", sweep(n, cols, from, 100 + i, true)], ["JavaScript", sweep(n, cols, from, 100 + i, false)]] as const) {
        sameArray(t, s.h, other.h, `h, n = ${n}, columns [${from}, ${cols}), two threads against ${what}`);
        sameArray(t, s.w, other.w, `w, n = ${n}, columns [${from}, ${cols}), two threads against ${what}`);
        t.true(Object.is(s.ww, other.ww), `‖w‖², n = ${n}, columns [${from}, ${cols}): ${s.ww} against ${other.ww} (${what})`);
      }
    });
  } finally {
    setThreads(undefined);
    setSweepSplitThreshold(previousSplit);
    setSharedLength(previousLength);
  }
});

/** Y = V·S[:, picks] by combineColumns on a random basis (in a workspace or plain arrays); the number of chunks run by workers. */
function combine(n: number, used: number, picks: readonly number[], seed: number, simd: boolean): { Y: Float64Array; byWorkers: number } {
  const size = (COMBINE_ROWS + used) * picks.length;
  const [V, scratch] = withBackend(simd, () => workspaceArrays(n, [used * n, size])) as [Float64Array, Float64Array];
  const r = rng(seed);
  for (let i = 0; i < V.length; i++) V[i] = r.normal();
  const S = Float64Array.from({ length: used * used }, () => r.normal());
  const Y = new Float64Array(picks.length * n);
  const before = chunksRunByWorkers();
  combineColumns(V, n, used, S, used, picks, scratch, (c, r0, block) => Y.set(block, c * n + r0));
  return { Y, byWorkers: chunksRunByWorkers() - before };
}

test.serial("the restart combination split over two threads gives the bits of one thread and of the JavaScript loop", async (t) => {
  if (!poolSupported()) {
    t.pass();
    return;
  }
  const previousLength = setSharedLength(1);
  const previousSplit = setSweepSplitThreshold(1);
  setThreads(2);
  try {
    for (let tries = 0; tries < 1000 && chunksRunByWorkers() === 0; tries++) {
      combine(2049, 12, [0, 1, 2, 3], 1, true); // until the worker (booting asynchronously) takes part
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const cases: [number, number, number[]][] = [[5, 7, [6, 0, 3]], [513, 9, [8, 1, 2, 3, 4]], [2049, 12, [0, 11, 5, 6, 7, 2, 9]], [33333, 20, [19, 3, 4, 10]]];
    const split = cases.map(([n, used, picks], i) => combine(n, used, picks, 50 + i, true));
    // Repeat (up to 20 times) until a worker took part, each repetition giving the same bits.
    let byWorkers = split.reduce((s, c) => s + c.byWorkers, 0);
    for (let round = 0; round < 20 && byWorkers === 0; round++) {
      cases.forEach(([n, used, picks], i) => {
        const again = combine(n, used, picks, 50 + i, true);
        sameArray(t, again.Y, (split[i] as { Y: Float64Array }).Y, `n = ${n}: repeated`);
        byWorkers += again.byWorkers;
      });
    }
    t.true(byWorkers > 0, "a worker ran chunks");
    setThreads(1);
    cases.forEach(([n, used, picks], i) => {
      sameArray(t, (split[i] as { Y: Float64Array }).Y, combine(n, used, picks, 50 + i, true).Y, `n = ${n}, ${used} columns into ${picks.length}: two threads against one`);
      sameArray(t, (split[i] as { Y: Float64Array }).Y, combine(n, used, picks, 50 + i, false).Y, `n = ${n}, ${used} columns into ${picks.length}: two threads against JavaScript`);
    });
  } finally {
    setThreads(undefined);
    setSweepSplitThreshold(previousSplit);
    setSharedLength(previousLength);
  }
});

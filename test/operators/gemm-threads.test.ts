/**
 * The dense matrix product split over the worker pool: the same bits as one thread and as the
 * JavaScript reference, split by rows and by columns, in every transpose case, with beta 0 and
 * 1, offsets and row strides of C, in place in an arena and through the scratch memory, with
 * the workers seen to run parts (fast-check, fixed seed, sizes around the tile multiples).
 */
import test from "ava";
import fc from "fast-check";
import { gemm, gemmArena, gemmReference, rng, setKernelBackend, setThreads } from "@krylov-ts/operators";
import { setGemmSplitThreshold } from "../../packages/operators/src/gemm/split.js";
import { chunksRunByWorkers, poolSupported } from "../../packages/operators/src/pool/pool.js";

const SEED = 1204;

interface Case {
  m: number; n: number; k: number; tA: boolean; tB: boolean; pad: number; cOff: number; beta: 0 | 1; arena: boolean; seed: number;
}

/** One arena per case, made on its first product and refilled for the next (arenas alive are capped). */
const arenas = new WeakMap<Case, Float64Array[]>();

/** C after the product of case c (operands refilled from the case's seed each time), on the current thread count. */
function product(c: Case, reference = false): Float64Array {
  const r = rng(c.seed);
  const fill = (len: number): Float64Array => Float64Array.from({ length: len }, () => r.normal());
  const ldc = c.n + c.pad;
  let A = fill(c.m * c.k), B = fill(c.k * c.n), C = fill(c.cOff + c.m * ldc);
  if (c.arena && !reference) {
    let views = arenas.get(c);
    if (views === undefined) {
      views = gemmArena([A.length, B.length, C.length]);
      if (views === undefined) throw new Error("no arena");
      arenas.set(c, views);
    }
    const [a, b, cc] = views as [Float64Array, Float64Array, Float64Array];
    a.set(A); b.set(B); cc.set(C);
    A = a; B = b; C = cc;
  }
  const args = [c.m, c.n, c.k, A, 0, c.tA ? 1 : c.k, c.tA ? c.m : 1, B, 0, c.tB ? 1 : c.n, c.tB ? c.k : 1, C, c.cOff, ldc, c.beta] as const;
  if (reference) gemmReference(...args);
  else gemm(...args);
  return C.slice();
}

function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test.serial("a matrix product split over two threads gives the bits of one thread and of the JavaScript reference", async (t) => {
  if (!poolSupported()) {
    t.log("shared memory unavailable here: nothing splits");
    t.pass();
    return;
  }
  const previousBackend = setKernelBackend("simd", 0);
  const previousSplit = setGemmSplitThreshold(1);
  setThreads(2);
  try {
    // Let the worker start and take part (it boots asynchronously; meanwhile the main thread runs every part).
    const warm: Case = { m: 120, n: 40, k: 64, tA: false, tB: false, pad: 0, cOff: 0, beta: 0, arena: false, seed: 1 };
    for (let tries = 0; tries < 1000 && chunksRunByWorkers() === 0; tries++) {
      product(warm);
      await sleep(5);
    }
    t.true(chunksRunByWorkers() > 0, "a worker ran parts");
    const size = fc.integer({ min: 1, max: 40 });
    const cases = fc.sample(
      fc.record({
        m: size, n: size, k: fc.integer({ min: 0, max: 300 }), tA: fc.boolean(), tB: fc.boolean(), pad: fc.integer({ min: 0, max: 3 }),
        cOff: fc.integer({ min: 0, max: 3 }), beta: fc.constantFrom(0 as const, 1 as const), arena: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      { seed: SEED, numRuns: 60 },
    );
    cases.push(
      { m: 257, n: 10, k: 256, tA: false, tB: false, pad: 0, cOff: 0, beta: 0, arena: false, seed: 2 }, // the MLP's output layer: rows
      { m: 10, n: 257, k: 300, tA: true, tB: true, pad: 1, cOff: 2, beta: 1, arena: true, seed: 3 }, // columns
      { m: 100, n: 97, k: 513, tA: false, tB: true, pad: 0, cOff: 0, beta: 1, arena: false, seed: 4 }, // k over two KC blocks
    );
    let withWorker = 0;
    const split = cases.map((c) => {
      // Repeat (up to 20 times) until a worker took part: the main thread may claim every part of a small product.
      const before = chunksRunByWorkers();
      const first = product(c);
      for (let r = 0; r < 20 && chunksRunByWorkers() === before; r++) {
        t.is(firstDifference(product(c), first), -1, `case ${JSON.stringify(c)}: repeated`);
      }
      if (chunksRunByWorkers() > before) withWorker++;
      return first;
    });
    t.log(`${withWorker} of ${cases.length} products had a part run by the worker`);
    t.true(withWorker > 0);
    setThreads(1);
    cases.forEach((c, i) => {
      const what = `case ${JSON.stringify(c)} (fast-check seed ${SEED})`;
      t.is(firstDifference(product(c), split[i] as Float64Array), -1, `${what}: two threads against one`);
      t.is(firstDifference(product(c, true), split[i] as Float64Array), -1, `${what}: two threads against the reference`);
    });
  } finally {
    setThreads(undefined);
    setGemmSplitThreshold(previousSplit);
    setKernelBackend(previousBackend);
  }
});

test.serial("a product below the split threshold runs on the calling thread", (t) => {
  const previousBackend = setKernelBackend("simd", 0);
  setThreads(2);
  try {
    const before = chunksRunByWorkers();
    product({ m: 30, n: 30, k: 30, tA: false, tB: false, pad: 0, cOff: 0, beta: 0, arena: false, seed: 5 });
    t.is(chunksRunByWorkers(), before);
  } finally {
    setThreads(undefined);
    setKernelBackend(previousBackend);
  }
});

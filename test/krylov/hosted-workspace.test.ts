/**
 * Solver workspaces hosted in a CSR operator's shared WebAssembly memory (so that its products
 * read x and write y in place): cg, minres, gmres, bicgstab and idrs give the same bits as on the same matrix
 * behind a closure (whose products copy), on one and two threads and on every kernel backend;
 * a region is reused by the next solve; a product whose x and out are hosted, or overlap, gives
 * the bits of the copying path.
 */
import test from "ava";
import { asVec, availableKernelBackends, CsrOperator, csr, operator, rng, setKernelBackend, setThreads, vec, type LinearOperator } from "@krylov-ts/operators";
import { bicgstab, cg, gmres, idrs, minres } from "@krylov-ts/krylov";
import { setCsrSplitThreshold } from "../../packages/operators/src/csr-wasm.js";
import { hostedRegion } from "../../packages/operators/src/host.js";
import { poolSupported } from "../../packages/operators/src/pool/pool.js";
import { convectionDiffusionTriplets } from "../helpers/problems/convection-diffusion.js";
import { sameArray } from "../helpers/backends.js";

/** The 5-point Laplacian on an N×N grid (symmetric positive definite). */
function poisson(N: number): CsrOperator {
  const rows: number[] = [], cols: number[] = [], values: number[] = [];
  for (let a = 0; a < N; a++) {
    for (let c = 0; c < N; c++) {
      const i = a * N + c;
      const put = (j: number, v: number): void => void (rows.push(i), cols.push(j), values.push(v));
      if (a > 0) put(i - N, -1);
      if (c > 0) put(i - 1, -1);
      put(i, 4);
      if (c < N - 1) put(i + 1, -1);
      if (a < N - 1) put(i + N, -1);
    }
  }
  return csr(rows, cols, values, [N * N, N * N], { symmetric: true });
}

/** The same matrix behind a closure: its products copy x and y through the matrix's slots. */
function behindClosure(A: CsrOperator): LinearOperator {
  return operator(A.shape, (x, y) => void A.apply(x, y), { symmetric: A.symmetric });
}

/** The byte length of the memory A's arrays live in now (it grows when it hosts a workspace). */
function memoryBytes(A: CsrOperator): number {
  const region = hostedRegion(A, 8);
  region?.release();
  return region === undefined ? -1 : region.buffer.byteLength;
}

/** Runs fn with every matrix built inside placed in a shared memory (the split threshold lowered). */
function shared<T>(fn: () => T): T {
  const previous = setCsrSplitThreshold(1);
  try {
    return fn();
  } finally {
    setCsrSplitThreshold(previous);
  }
}

test.serial("cg, minres, gmres, bicgstab and idrs on a hosting CSR matrix give the bits of the copying path on every backend and thread count", (t) => {
  if (!poolSupported()) return t.pass("no shared memory here: nothing is hosted");
  const P = shared(() => poisson(40)); // n = 1,600
  const cd = convectionDiffusionTriplets(40, 2, 100);
  const C = shared(() => csr(cd.rows, cd.cols, cd.values, [cd.n, cd.n]));
  const bP = rng(7).normalVec(P.shape[0]);
  const bC = rng(8).normalVec(C.shape[0]);
  const runs: Array<[string, (A: LinearOperator) => Float64Array, CsrOperator]> = [
    ["cg", (A) => cg(A, bP, { rtol: 1e-10 }).x.data, P],
    ["gmres(20)", (A) => gmres(A, bC, { restart: 20, rtol: 1e-10 }).x.data, C],
    ["bicgstab", (A) => bicgstab(A, bC, { rtol: 1e-10 }).x.data, C],
    ["idrs(4)", (A) => idrs(A, bC, { s: 4, rtol: 1e-10 }).x.data, C],
    ["minres, shift 0.3", (A) => minres(A, bP, { shift: 0.3, rtol: 1e-10 }).x.data, P],
  ];
  const before = setKernelBackend("simd");
  try {
    for (const backend of availableKernelBackends()) {
      setKernelBackend(backend);
      for (const threads of [1, 2]) {
        setThreads(threads);
        for (const [name, solve, A] of runs) {
          const copied = solve(behindClosure(A));
          const hosted = solve(A);
          sameArray(t, hosted, copied, `${name}, ${backend}, ${threads} thread(s)`);
        }
      }
    }
  } finally {
    setKernelBackend(before);
    setThreads(undefined);
  }
});

test.serial("a solve hosts its workspace in the matrix's memory and the next solve reuses the region", (t) => {
  if (!poolSupported()) return t.pass("no shared memory here: nothing is hosted");
  const A = shared(() => poisson(30));
  const b = rng(3).normalVec(A.shape[0]);
  const start = memoryBytes(A);
  let inMemory = false;
  cg(A, b, {
    callback: (info) => {
      inMemory = info.x.data.buffer.byteLength >= start && info.x.data.buffer !== b.data.buffer && (info.x.data.buffer as unknown) instanceof SharedArrayBuffer;
    },
  });
  t.true(inMemory, "the iterate lives in a shared memory");
  const after = memoryBytes(A);
  t.true(after > 0);
  for (let k = 0; k < 4; k++) cg(A, b);
  for (let k = 0; k < 2; k++) gmres(A, b, { restart: 10 });
  const gmresGrew = memoryBytes(A);
  for (let k = 0; k < 4; k++) gmres(A, b, { restart: 10 });
  t.is(memoryBytes(A), gmresGrew, "repeated gmres solves grow the memory once");
  t.true(gmresGrew >= after);
});

test.serial("a product with x and out in a hosted region, apart or overlapping, gives the bits of the copying path", (t) => {
  if (!poolSupported()) return t.pass("no shared memory here: nothing is hosted");
  const cd = convectionDiffusionTriplets(20, 2, 10);
  const A = shared(() => csr(cd.rows, cd.cols, cd.values, [cd.n, cd.n]));
  const n = cd.n;
  const x = rng(5).normalVec(n).data;
  const want = A.apply(vec(x)).data;
  const region = hostedRegion(A, 3 * n * 8);
  if (region === undefined) return t.fail("a shared placement lends a region");
  try {
    const all = new Float64Array(region.buffer, region.offset, 3 * n);
    const placed = (A as unknown as { wasm: { xA: Float64Array; yA: Float64Array } }).wasm;
    const slots = { fill: (v: number) => (placed.xA.fill(v), placed.yA.fill(v)), every: (f: (v: number) => boolean) => placed.xA.every(f) && placed.yA.every(f) };
    for (const threads of [1, 2]) {
      setThreads(threads);
      // Apart: x at 0, out at 2n (asVec wraps without copying; the slots are spoiled to see that they are not read).
      all.fill(NaN);
      all.set(x, 0);
      slots.fill(NaN);
      const out = A.apply(asVec(all.subarray(0, n)), asVec(all.subarray(2 * n, 3 * n)));
      t.is(out.data.buffer, all.buffer);
      sameArray(t, out.data, want, `hosted x and out, ${threads} thread(s)`);
      sameArray(t, all.subarray(0, n), x, "x is left as it was");
      t.true(slots.every(Number.isNaN), "the product went through no slot");
      // Overlapping: out starts half-way into x (the product must read x whole before writing).
      all.fill(NaN);
      all.set(x, 0);
      const half = n >> 1;
      const outOverlap = A.apply(asVec(all.subarray(0, n)), asVec(all.subarray(half, half + n)));
      sameArray(t, outOverlap.data, want, `overlapping x and out, ${threads} thread(s)`);
      // Only x hosted, and only out hosted.
      all.set(x, 0);
      sameArray(t, A.apply(asVec(all.subarray(0, n))).data, want, "hosted x, plain out");
      sameArray(t, A.apply(vec(x), asVec(all.subarray(n, 2 * n))).data, want, "plain x, hosted out");
    }
  } finally {
    region.release();
    setThreads(undefined);
  }
});

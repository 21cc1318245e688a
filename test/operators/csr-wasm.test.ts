/**
 * The WebAssembly backend of the CSR products: the committed module matches csr.wat, both
 * backends give the same bits (random matrices with empty rows, n = 1, rectangular shapes,
 * offset and strided vectors, every shared SuiteSparse matrix), both agree with the dense
 * product, the switches fall back to JavaScript, and `values` stays the operator's storage.
 */
import test from "ava";
import ndarray from "ndarray";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import wabtInit from "wabt";
import { CsrOperator, csr, readMatrixMarket, rng, vec, type Vec } from "@krylov-ts/operators";
import { CSR_WASM_BASE64 } from "../../packages/operators/src/csr-wasm-bytes.js";
import { MAX_LIVE_MEMORIES } from "../../packages/operators/src/csr-wasm.js";
import { repoRoot, runModuleScript } from "../helpers/backends.js";

const matrices = path.resolve(repoRoot, "..", "shared", "data", "matrices");

/** Runs `fn` with the backend switched as given (every matrix placed when on), then restores it. */
function withWasm<T>(on: boolean, fn: () => T): T {
  const previous = CsrOperator.setWasm(on, 1);
  try {
    return fn();
  } finally {
    CsrOperator.setWasm(previous);
  }
}

interface Triplets {
  rows: number[];
  cols: number[];
  values: number[];
  shape: [number, number];
}

/** A random m×n matrix with about `density`·m·n entries, some rows left empty, duplicates included. */
function randomTriplets(seed: number, m: number, n: number, density: number): Triplets {
  const r = rng(seed);
  const t: Triplets = { rows: [], cols: [], values: [], shape: [m, n] };
  for (let i = 0; i < m; i++) {
    if (r.uniform() < 0.2) continue; // an empty row
    for (let j = 0; j < n; j++) {
      if (r.uniform() >= density) continue;
      t.rows.push(i);
      t.cols.push(j);
      t.values.push(r.normal() * 10 ** Math.floor(r.uniform() * 6 - 3));
    }
  }
  return t;
}

/** y = A x (or Aᵀx) through the dense matrix of the triplets: the reference. */
function denseProduct(t: Triplets, x: Float64Array, transpose: boolean): Float64Array {
  const [m, n] = t.shape;
  const A = new Float64Array(m * n);
  t.rows.forEach((i, k) => {
    const p = i * n + (t.cols[k] as number);
    A[p] = (A[p] as number) + (t.values[k] as number);
  });
  const y = new Float64Array(transpose ? n : m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const a = A[i * n + j] as number;
      if (transpose) y[j] = (y[j] as number) + a * (x[i] as number);
      else y[i] = (y[i] as number) + a * (x[j] as number);
    }
  }
  return y;
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    s = Math.max(s, Math.abs(b[i] as number));
  }
  return s === 0 ? d : d / s;
}

/** Whether two arrays hold the same bits (−0 and +0 told apart). */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function strided(values: Float64Array, stride: number, offset: number): Vec {
  const data = new Float64Array(offset + values.length * stride + 2).fill(-7);
  values.forEach((v, i) => (data[offset + i * stride] = v));
  return ndarray(data, [values.length], [stride], offset);
}

function read(v: Vec): Float64Array {
  const out = new Float64Array(v.shape[0] as number);
  for (let i = 0; i < out.length; i++) out[i] = v.get(i);
  return out;
}

/** A x and Aᵀ x on both backends of one placed operator, in plain, offset and strided vectors. */
function checkBackends(t: import("ava").ExecutionContext, A: CsrOperator, label: string, tri?: Triplets): void {
  const [m, n] = A.shape;
  const r = rng(m * 7 + n);
  for (const transpose of [false, true]) {
    const nIn = transpose ? m : n;
    const nOut = transpose ? n : m;
    const apply = (x: Vec, out?: Vec): Vec => (transpose ? A.applyTranspose!(x, out) : A.apply(x, out));
    const x = r.normalVec(nIn).data;
    const dir = `${label} ${transpose ? "Aᵀx" : "Ax"}`;
    const js = withWasm(false, () => {
      t.is(A.backend, "js");
      return apply(vec(x)).data;
    });
    const wasm = withWasm(true, () => {
      t.is(A.backend, "wasm", `${dir}: not placed in WebAssembly memory`);
      return apply(vec(x)).data;
    });
    t.true(sameBits(wasm, js), `${dir}: the backends differ (max rel. ${maxRelDiff(wasm, js)})`);
    if (tri !== undefined) {
      const want = denseProduct(tri, x, transpose);
      t.true(maxRelDiff(wasm, want) <= 1e-13, `${dir}: differs from the dense product by ${maxRelDiff(wasm, want)}`);
    }
    withWasm(true, () => {
      // Offset (contiguous) x and out: a subarray-like view into a longer buffer.
      const xo = ndarray(new Float64Array([9, 9, 9, ...x]), [nIn], [1], 3);
      const oo = ndarray(new Float64Array(nOut + 5).fill(NaN), [nOut], [1], 4);
      t.is(apply(xo, oo), oo);
      t.true(sameBits(read(oo), js), `${dir}: offset x/out differ`);
      t.true(Number.isNaN(oo.data[3] as number) && oo.data.subarray(0, 4).every(Number.isNaN), `${dir}: out's head was written`);
      // Strided x and out.
      const xs = strided(x, 3, 1);
      const xsBefore = Float64Array.from(xs.data);
      const os = strided(new Float64Array(nOut), 2, 2);
      t.is(apply(xs, os), os);
      t.true(sameBits(read(os), js), `${dir}: strided x/out differ`);
      t.true(sameBits(xs.data, xsBefore), `${dir}: strided x was modified`);
      for (let k = 0; k < os.data.length; k++) {
        if (k < 2 || (k - 2) % 2 !== 0 || k >= 2 + 2 * nOut) t.is(os.data[k], -7, `${dir}: out's gap ${k} was written`);
      }
      // Repeated: the slots hold no state between products.
      t.true(sameBits(apply(vec(x)).data, js), `${dir}: a second product differs`);
    });
  }
}

test("the committed module is csr.wat assembled by wabt", async (t) => {
  const wabt = await wabtInit();
  const module = wabt.parseWat("csr.wat", readFileSync(path.join(repoRoot, "packages/operators/src/csr.wat"), "utf8"), {});
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  module.destroy();
  t.is(Buffer.from(buffer).toString("base64"), CSR_WASM_BASE64);
});

test("both backends give the same bits as each other and the dense product on random matrices with empty rows", (t) => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 7, 0.6], [7, 1, 0.6], [13, 13, 0.3], [40, 25, 0.15], [25, 40, 0.15], [64, 64, 0.05], [300, 200, 0.03],
  ];
  shapes.forEach(([m, n, density], s) => {
    const tri = randomTriplets(100 + s, m, n, density);
    const A = withWasm(true, () => csr(tri.rows, tri.cols, tri.values, tri.shape));
    if (A.nnz === 0) return;
    checkBackends(t, A, `${m}×${n}, nnz ${A.nnz}`, tri);
  });
});

test("rows of every length from 0 to 12 entries (the unrolled passes and their tails) apply alike on both backends", (t) => {
  // Row i holds i entries (columns 0…i−1): each remainder modulo the kernel's four-entry pass.
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i <= 12; i++) {
    for (let j = 0; j < i; j++) {
      rows.push(i);
      cols.push(j);
      values.push(Math.sin(1 + 13 * i + j) * 10 ** ((i + j) % 7 - 3));
    }
  }
  const tri = { rows, cols, values, shape: [13, 13] as [number, number] };
  checkBackends(t, withWasm(true, () => csr(rows, cols, values, tri.shape, { symmetric: false })), "row i of i entries", tri);
});

test("a matrix whose entries are all in its last row, or whose first rows are empty, applies alike on both backends", (t) => {
  const last = { rows: [4, 4, 4], cols: [0, 2, 3], values: [1.5, -2, 3e-7], shape: [5, 4] as [number, number] };
  const A = withWasm(true, () => csr(last.rows, last.cols, last.values, last.shape));
  checkBackends(t, A, "last row only", last);
  const first = { rows: [0], cols: [0], values: [-0.5], shape: [1, 1] as [number, number] };
  checkBackends(t, withWasm(true, () => csr(first.rows, first.cols, first.values, first.shape)), "1×1", first);
});

test("every shared SuiteSparse matrix applies with the same bits on both backends", (t) => {
  const files = readdirSync(matrices).filter((f) => f.endsWith(".mtx"));
  t.true(files.length >= 5);
  for (const f of files) {
    const A = withWasm(true, () => readMatrixMarket(readFileSync(path.join(matrices, f), "utf8")));
    const { rowPointers: rp, colIndices: ci, values: v } = A;
    const tri: Triplets = { rows: [], cols: [], values: [], shape: [A.shape[0], A.shape[1]] };
    for (let i = 0; i < A.shape[0]; i++) {
      for (let k = rp[i] as number; k < (rp[i + 1] as number); k++) {
        tri.rows.push(i);
        tri.cols.push(ci[k] as number);
        tri.values.push(v[k] as number);
      }
    }
    checkBackends(t, A, f, tri);
  }
});

test("a large matrix is placed by default and a small one keeps plain arrays", (t) => {
  const previous = CsrOperator.setWasm(true);
  try {
    const n = 600;
    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const j of [i - 1, i, i + 1]) {
        if (j < 0 || j >= n) continue;
        rows.push(i);
        cols.push(j);
        values.push(j === i ? 2 : -1);
      }
    }
    const big = csr(rows, cols, values, [n, n]);
    t.true(big.nnz >= CsrOperator.wasmMinNnz);
    t.is(big.backend, "wasm");
    const small = csr([0, 1], [0, 1], [1, 2], [2, 2]);
    t.true(small.nnz < CsrOperator.wasmMinNnz);
    t.is(small.backend, "js");
    t.is(small.rowPointers.buffer.byteLength, small.rowPointers.byteLength);
  } finally {
    CsrOperator.setWasm(previous);
  }
});

test("with the backend off a new matrix keeps plain arrays and stays in JavaScript when it is switched on", (t) => {
  const A = withWasm(false, () => csr([0, 1, 2], [2, 1, 0], [1, 2, 3], [3, 3]));
  t.is(A.values.buffer.byteLength, A.values.byteLength); // its own plain array, not a memory
  withWasm(true, () => {
    t.is(A.backend, "js");
    t.deepEqual(Array.from(A.apply(vec([1, 10, 100])).data), [100, 20, 3]);
  });
});

test("values written into a placed operator take part in the next product on both backends", (t) => {
  const A = withWasm(true, () => csr([0, 1, 1], [0, 0, 1], [2, 1, 3], [2, 2]));
  withWasm(true, () => t.is(A.backend, "wasm"));
  A.values[2] = 5;
  for (const on of [true, false]) {
    withWasm(on, () => {
      t.deepEqual(Array.from(A.apply(vec([1, 1])).data), [2, 6]);
      t.deepEqual(Array.from(A.applyTranspose!(vec([1, 1])).data), [3, 5]);
    });
  }
  t.is(A.get(1, 1), 5);
});

test("beyond the cap of placed matrices alive, new ones keep plain arrays and apply alike", (t) => {
  withWasm(true, () => {
    const alive: CsrOperator[] = [];
    for (let k = 0; k <= MAX_LIVE_MEMORIES; k++) alive.push(csr([0, 1], [1, 0], [k, 1], [2, 2]));
    // Matrices of the other tests may still be alive (and counted) too.
    const placed = alive.filter((A) => A.backend === "wasm").length;
    t.true(placed <= MAX_LIVE_MEMORIES && placed > MAX_LIVE_MEMORIES - 100, `${placed} placed`);
    const last = alive[MAX_LIVE_MEMORIES] as CsrOperator;
    t.is(last.backend, "js");
    t.deepEqual(Array.from(last.apply(vec([2, 3])).data), [3 * MAX_LIVE_MEMORIES, 2]);
  });
});

test("KRYLOV_TS_NO_SIMD=1 turns the CSR WebAssembly backend off at load", (t) => {
  const script =
    `const { csr } = await import(${JSON.stringify(path.join(repoRoot, "packages/operators/src/index.ts"))});` +
    "const n = 2000; const i = Array.from({ length: n }, (_, k) => k);" +
    "console.log(csr(i, i, i.map((k) => k + 1), [n, n]).backend);";
  const run = (env: Record<string, string>): string => runModuleScript(t, script, env);
  t.is(run({ KRYLOV_TS_NO_SIMD: "1" }), "js");
  t.is(run({ KRYLOV_TS_NO_SIMD: "0" }), "wasm");
});

/**
 * The WebAssembly SIMD elementwise kernels of the plans (ops/elementwise.wat): the embedded bytes
 * are the .wat's, every layout of add, sub and mul, neg and the column sums give the same bits in
 * a plan arena (WebAssembly) as in plain arrays (JavaScript) and as the formula, and arrays outside
 * an arena, or the `'js'` backend, keep the JavaScript loops.
 */
import test from "ava";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import wabtInit from "wabt";
import { availableKernelBackends, gemmArena, rng, setKernelBackend } from "@krylov-ts/operators";
import { getOp, type Shape } from "../../packages/autodiff/src/graph.js";
import "../../packages/autodiff/src/ops/index.js";
import { ELEMENTWISE_WASM_BASE64 } from "../../packages/autodiff/src/ops/elementwise-wasm-bytes.js";
import { binaryWasm, MIN_WASM_ELEMENTS, negWasm, sumRowsWasm } from "../../packages/autodiff/src/ops/elementwise-wasm.js";
import { binaryLayout } from "../../packages/autodiff/src/ops/strided.js";
import { repoRoot, runModuleScript, sameArray } from "../helpers/backends.js";

const simd = availableKernelBackends().includes("simd");
const SEED = 20261204;
const numel = (s: Shape): number => s.reduce((p, d) => p * d, 1);

const CAPACITY = 4096;
let shared: Float64Array[] | undefined;
/** Views of the given lengths into one plan arena (made once), filled from `values`, the output last. */
function arena(values: readonly Float64Array[], outLength: number): Float64Array[] {
  shared ??= gemmArena([CAPACITY, CAPACITY, CAPACITY]);
  if (shared === undefined) throw new Error("no arena");
  const views = [...values.map((v) => v.length), outLength].map((len, i) => (shared as Float64Array[])[i]!.subarray(0, len));
  values.forEach((v, i) => (views[i] as Float64Array).set(v));
  (views[values.length] as Float64Array).fill(Number.NaN);
  return views;
}

/** Seeded values with some −0, ±∞ and NaN among them (the bits must agree on those too). */
function values(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const special = [-0, 0, Infinity, -Infinity, Number.NaN, 1e308, 5e-324];
  return Float64Array.from({ length: n }, (_, i) => (i % 23 === 5 ? (special[r.integer(special.length)] as number) : r.normal() * 10 ** r.integer(6)));
}

const formula: Record<"add" | "sub" | "mul", (x: number, y: number) => number> = { add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y };

/** Operand shapes for each broadcast layout of a [rows, cols] output. */
function layouts(rows: number, cols: number): Array<[Shape, Shape]> {
  return [
    [[rows, cols], [rows, cols]],
    [[], [rows, cols]],
    [[rows, cols], [1]],
    [[rows, cols], [cols]],
    [[cols], [rows, cols]],
    [[rows, cols], [rows, 1]],
    [[rows, 1], [rows, cols]],
  ];
}

/** out[i] by NumPy broadcasting of a and b to [rows, cols]. */
function broadcastRef(op: (x: number, y: number) => number, a: Float64Array, as: Shape, b: Float64Array, bs: Shape, rows: number, cols: number): Float64Array {
  const at = (v: Float64Array, s: Shape, r: number, c: number): number => {
    if (numel(s) === 1) return v[0] as number;
    if (s.length === 1) return v[c] as number;
    return v[(s[1] === 1 ? 0 : c) + (s[0] === 1 ? 0 : r) * (s[1] as number)] as number;
  };
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = op(at(a, as, r, c), at(b, bs, r, c));
  return out;
}

test("assembling elementwise.wat with wabt reproduces the embedded bytes exactly", async (t) => {
  const wabt = await wabtInit();
  const file = path.join(repoRoot, "packages/autodiff/src/ops/elementwise.wat");
  const module = wabt.parseWat("elementwise.wat", readFileSync(file, "utf8"), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  module.destroy();
  t.is(Buffer.from(buffer).toString("base64"), ELEMENTWISE_WASM_BASE64);
});

test("add, sub and mul give the same bits in an arena as in plain arrays and as the formula, in every layout", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  let wasmCalls = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 41 }), fc.integer(), (rows, cols, seed) => {
      for (const op of ["add", "sub", "mul"] as const) {
        const kernel = getOp(op).kernel;
        for (const [as, bs] of layouts(rows, cols)) {
          const out: Shape = [rows, cols];
          const a = values(numel(as), seed);
          const b = values(numel(bs), seed + 1);
          const plain = new Float64Array(rows * cols);
          kernel([a, b], [as, bs], plain, out, {});
          const [wa, wb, wo] = arena([a, b], rows * cols) as [Float64Array, Float64Array, Float64Array];
          kernel([wa, wb], [as, bs], wo, out, {});
          const ref = broadcastRef(formula[op], a, as, b, bs, rows, cols);
          for (let i = 0; i < ref.length; i++) {
            if (!Object.is(wo[i], plain[i]) || !Object.is(plain[i], ref[i])) {
              t.fail(`${op} ${JSON.stringify(as)} ${JSON.stringify(bs)} → [${rows}, ${cols}] at ${i}: arena ${wo[i]}, plain ${plain[i]}, formula ${ref[i]}`);
              return false;
            }
          }
          if (binaryWasm(op, binaryLayout(as, bs, out), wa, wb, wo)) wasmCalls++;
        }
      }
      return true;
    }),
    { seed: SEED, numRuns: 40, verbose: true },
  );
  t.true(wasmCalls > 0, "some calls took the WebAssembly path");
});

test("neg and the column sums give the same bits in an arena as in plain arrays", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 41 }), fc.integer(), (rows, cols, seed) => {
      const x = values(rows * cols, seed);
      const negPlain = new Float64Array(x.length);
      getOp("neg").kernel([x], [[rows, cols]], negPlain, [rows, cols], {});
      const [wx, wneg] = arena([x], x.length) as [Float64Array, Float64Array];
      getOp("neg").kernel([wx], [[rows, cols]], wneg, [rows, cols], {});
      for (let i = 0; i < x.length; i++) {
        if (!Object.is(wneg[i], negPlain[i]) || !Object.is(negPlain[i], -(x[i] as number))) return false;
      }
      const sumPlain = new Float64Array(cols);
      getOp("sum").kernel([x], [[rows, cols]], sumPlain, [cols], { axes: [0], keepDims: false });
      const [sx, ssum] = arena([x], cols) as [Float64Array, Float64Array];
      getOp("sum").kernel([sx], [[rows, cols]], ssum, [cols], { axes: [0], keepDims: false });
      const sumRef = new Float64Array(cols);
      for (let c = 0; c < cols; c++) {
        let s = x[c] as number;
        for (let r = 1; r < rows; r++) s += x[r * cols + c] as number;
        sumRef[c] = s;
      }
      for (let c = 0; c < cols; c++) if (!Object.is(ssum[c], sumPlain[c]) || !Object.is(sumPlain[c], sumRef[c])) return false;
      return true;
    }),
    { seed: SEED, numRuns: 40, verbose: true },
  );
  const [x, o] = arena([values(4 * MIN_WASM_ELEMENTS, 1)], 4 * MIN_WASM_ELEMENTS) as [Float64Array, Float64Array];
  t.true(negWasm(x, o));
  t.true(sumRowsWasm(x, 4, o.subarray(0, MIN_WASM_ELEMENTS)));
});

test("arrays outside an arena, short outputs and the 'js' backend take the JavaScript loops", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const n = 4 * MIN_WASM_ELEMENTS;
  const [a, b, o] = arena([values(n, 3), values(n, 4)], n) as [Float64Array, Float64Array, Float64Array];
  t.true(binaryWasm("mul", "same", a, b, o));
  t.false(binaryWasm("mul", "same", a, new Float64Array(n), o), "an operand in a plain array");
  t.false(binaryWasm("mul", "same", a, b, new Float64Array(n)), "the output in a plain array");
  const m = MIN_WASM_ELEMENTS - 1;
  t.false(binaryWasm("mul", "same", a.subarray(0, m), b.subarray(0, m), o.subarray(0, m)), "a short output");
  t.false(binaryWasm("sub", "aScalar", a.subarray(0, 1), b, o), "x − b (no SIMD loop)");
  const previous = setKernelBackend("js");
  try {
    t.false(binaryWasm("mul", "same", a, b, o));
    t.false(negWasm(a, o));
    t.false(sumRowsWasm(a, 4, o.subarray(0, MIN_WASM_ELEMENTS)));
  } finally {
    setKernelBackend(previous);
  }
  const plain = new Float64Array(n);
  const expect = Float64Array.from(a, (x, i) => x * (b[i] as number));
  getOp("mul").kernel([a, b], [[n], [n]], plain, [n], {});
  sameArray(t, plain, expect, "mul into a plain array");
});

test("without SharedArrayBuffer the arena is a plain memory and the kernels run there too, the same bits", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const out = runModuleScript(t, `delete globalThis.SharedArrayBuffer;
const { gemmArena } = await import("@krylov-ts/operators");
const { binaryWasm, negWasm } = await import("./packages/autodiff/src/ops/elementwise-wasm.ts");
const n = 1001;
const [a, b, o, p] = gemmArena([n, n, n, n]);
for (let i = 0; i < n; i++) { a[i] = Math.sin(i) * 1e3; b[i] = Math.cos(3 * i); }
const ran = binaryWasm("mul", "same", a, b, o) && negWasm(o, p);
let same = true;
for (let i = 0; i < n; i++) if (!Object.is(p[i], -(a[i] * b[i]))) same = false;
console.log(JSON.stringify({ buffer: a.buffer.constructor.name, ran, same }));`, {});
  t.deepEqual(JSON.parse(out), { buffer: "ArrayBuffer", ran: true, same: true });
});


/**
 * The dense matrix product on its three backends: the committed modules are gemm.wat and
 * gemm-relaxed.wat assembled (and the relaxed one is the SIMD one with fused multiply-adds),
 * the JavaScript reference agrees with a naive triple loop to 4·k·ε·(|A||B|)ᵢⱼ, the SIMD kernel
 * gives its bits in every transpose case, with offsets, row strides, beta = 1 and shapes that
 * cross every block size (property-based, fixed seed), in place in an arena and through the
 * scratch copies; relaxed SIMD (in a child process with the flag on Node 20) agrees to the
 * same tolerance; the switch refuses what is unavailable; bad strides get a RangeError.
 */
import test from "ava";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import wabtInit from "wabt";
import { availableKernelBackends, gemm, gemmArena, gemmReference, kernelBackend, rng, setKernelBackend, type KernelBackend } from "@krylov-ts/operators";
import { GEMM_WASM_BASE64 } from "../../packages/operators/src/gemm/gemm-bytes.js";
import { GEMM_RELAXED_WASM_BASE64 } from "../../packages/operators/src/gemm/gemm-relaxed-bytes.js";
import { repoRoot, runModuleScript } from "../helpers/backends.js";

const SEED = 20261204;
const watDir = path.join(repoRoot, "packages/operators/src/gemm");

/** One product: sizes, transposes, offsets, C's row stride, beta. */
interface Case {
  m: number; n: number; k: number; tA: boolean; tB: boolean; aOff: number; bOff: number; cOff: number; pad: number; beta: 0 | 1; seed: number;
}

/** The operands of a case, A stored m×k (k×m when tA), B k×n (n×k when tB), C with row stride n + pad. */
function operands(c: Case): { A: Float64Array; B: Float64Array; C: Float64Array; rsa: number; csa: number; rsb: number; csb: number; ldc: number } {
  const r = rng(c.seed);
  const fill = (len: number): Float64Array => Float64Array.from({ length: len }, () => r.normal());
  const ldc = c.n + c.pad;
  return {
    A: fill(c.aOff + c.m * c.k), B: fill(c.bOff + c.k * c.n), C: fill(c.cOff + Math.max(0, c.m * ldc)),
    rsa: c.tA ? 1 : c.k, csa: c.tA ? c.m : 1, rsb: c.tB ? 1 : c.n, csb: c.tB ? c.k : 1, ldc,
  };
}

/** C after the product of case c on `backend` (the inputs are fresh copies each time). */
function run(c: Case, backend: KernelBackend, inArena = false): Float64Array {
  const o = operands(c);
  const previous = setKernelBackend(backend, 0);
  try {
    let { A, B, C } = o;
    if (inArena) {
      const views = gemmArena([A.length, B.length, C.length]);
      if (views === undefined) throw new Error("no arena");
      [A, B, C] = views as [Float64Array, Float64Array, Float64Array];
      A.set(o.A); B.set(o.B); C.set(o.C);
    }
    gemm(c.m, c.n, c.k, A, c.aOff, o.rsa, o.csa, B, c.bOff, o.rsb, o.csb, C, c.cOff, o.ldc, c.beta);
    return Float64Array.from(C);
  } finally {
    setKernelBackend(previous);
  }
}

/** Naive triple loop and the error scale Σₚ|op(A)(i,p)|·|op(B)(p,j)| (+|C| when beta = 1). */
function naive(c: Case): { C: Float64Array; scale: Float64Array } {
  const o = operands(c);
  const C = Float64Array.from(o.C);
  const scale = new Float64Array(C.length);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < c.k; p++) {
        const x = (o.A[c.aOff + i * o.rsa + p * o.csa] as number) * (o.B[c.bOff + p * o.rsb + j * o.csb] as number);
        s += x;
        abs += Math.abs(x);
      }
      const at = c.cOff + i * o.ldc + j;
      scale[at] = abs + (c.beta === 1 ? Math.abs(C[at] as number) : 0);
      C[at] = c.beta === 1 ? (C[at] as number) + s : s;
    }
  }
  return { C, scale };
}

/** Asserts |x − ref| ≤ 4·(k+1)·ε·scale entrywise (entries outside C's rows equal). */
function closeTo(t: import("ava").ExecutionContext, x: Float64Array, ref: { C: Float64Array; scale: Float64Array }, c: Case, what: string): void {
  const tol = 4 * (c.k + 1) * Number.EPSILON;
  for (let i = 0; i < x.length; i++) {
    const err = Math.abs((x[i] as number) - (ref.C[i] as number));
    if (!(err <= tol * (ref.scale[i] as number))) {
      t.fail(`${what} ${JSON.stringify(c)}: entry ${i}: ${x[i]} vs ${ref.C[i]} (error ${err}, bound ${tol * (ref.scale[i] as number)})`);
      return;
    }
  }
  t.pass();
}

function sameBits(t: import("ava").ExecutionContext, x: Float64Array, y: Float64Array, what: string): boolean {
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) {
      t.fail(`${what}: entry ${i}: ${x[i]} ≠ ${y[i]}`);
      return false;
    }
  }
  return true;
}

const base = { aOff: 0, bOff: 0, cOff: 0, pad: 0, beta: 0 as const, seed: 1 };
/** Shapes with 0, 1, primes, past each block size (MR 6, NR 4, MC 96, KC 256, NC 512), and narrow ones. */
const shapes: Array<[number, number, number]> = [
  [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 5], [7, 1, 5], [5, 7, 1], [6, 4, 8], [13, 17, 19],
  [97, 5, 257], [5, 513, 3], [101, 31, 600], [193, 521, 37],
  // narrow: the 6×2 kernel (n = 10, 2) and op(A) read in place (transposed A, n ≤ 16), odd k
  [45, 10, 33], [64, 2, 7], [50, 16, 301],
];

test("the committed modules are gemm.wat and gemm-relaxed.wat assembled by wabt", async (t) => {
  const wabt = await wabtInit();
  for (const [file, expected, features] of [["gemm.wat", GEMM_WASM_BASE64, { simd: true }], ["gemm-relaxed.wat", GEMM_RELAXED_WASM_BASE64, { simd: true, relaxed_simd: true }]] as const) {
    const module = wabt.parseWat(file, readFileSync(path.join(watDir, file), "utf8"), features);
    module.validate();
    const { buffer } = module.toBinary({ write_debug_names: false });
    module.destroy();
    t.is(Buffer.from(buffer).toString("base64"), expected, file);
  }
});

test("gemm-relaxed.wat is gemm.wat with each micro-kernel multiply-add fused", (t) => {
  const code = (file: string): string => {
    const text = readFileSync(path.join(watDir, file), "utf8");
    return text.slice(text.indexOf("\n(module") + 1);
  };
  const madd = /\(local\.set (\$c\d\d) \(f64x2\.add \(local\.get \1\) \(f64x2\.mul \(local\.get (\$a)\) \(local\.get (\$b\d)\)\)\)\)/g;
  const plain = code("gemm.wat");
  t.is(plain.match(madd)?.length, 18); // 12 in the 6×4 kernel, 6 in the 6×2 one
  t.is(plain.replace(madd, "(local.set $1 (f64x2.relaxed_madd (local.get $2) (local.get $3) (local.get $1)))"), code("gemm-relaxed.wat"));
});

test("the JavaScript reference agrees with a triple loop to 4·k·ε·|A||B| in every transpose case", (t) => {
  shapes.forEach(([m, n, k], s) => {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const c: Case = { ...base, m, n, k, tA, tB, seed: 10 + s };
        closeTo(t, run(c, "js"), naive(c), c, "js");
      }
    }
  });
});

test("beta = 1 adds to C, and k = 0 writes zeros (beta 0) or leaves C (beta 1)", (t) => {
  for (const beta of [0, 1] as const) {
    for (const [m, n, k] of [[5, 6, 7], [9, 3, 300], [4, 4, 0]] as const) {
      const c: Case = { ...base, m, n, k, tA: false, tB: true, beta, pad: 2, cOff: 3 };
      closeTo(t, run(c, "js"), naive(c), c, "js");
    }
  }
  const c: Case = { ...base, m: 3, n: 2, k: 0, tA: false, tB: false };
  t.deepEqual([...run(c, "js")], [0, 0, 0, 0, 0, 0]);
});

const simd = availableKernelBackends().includes("simd");

test("the SIMD kernel gives the JavaScript bits in every transpose case and shape", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  shapes.forEach(([m, n, k], s) => {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const c: Case = { ...base, m, n, k, tA, tB, seed: 30 + s };
        sameBits(t, run(c, "simd"), run(c, "js"), `${m}×${n}×${k} tA ${tA} tB ${tB}`);
      }
    }
  });
  t.pass();
});

test("SIMD equals JavaScript bit for bit on random shapes, offsets, row strides and beta (property)", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const dim = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 90, max: 110 }), fc.integer({ min: 250, max: 270 }));
  const arb = fc.record({
    m: dim, n: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 505, max: 520 })), k: dim,
    tA: fc.boolean(), tB: fc.boolean(), aOff: fc.integer({ min: 0, max: 3 }), bOff: fc.integer({ min: 0, max: 3 }),
    cOff: fc.integer({ min: 0, max: 3 }), pad: fc.integer({ min: 0, max: 3 }), beta: fc.constantFrom<0 | 1>(0, 1), seed: fc.integer({ min: 1, max: 1e6 }),
    arena: fc.boolean(),
  }).filter((c) => c.m * c.n * c.k <= 2e6);
  const result = fc.check(fc.property(arb, (c) => {
    const x = run(c, "simd", c.arena);
    const y = run(c, "js");
    return x.every((v, i) => Object.is(v, y[i]));
  }), { seed: SEED, numRuns: 40 });
  t.false(result.failed, `seed ${SEED}: counterexample ${JSON.stringify(result.counterexample)}`);
});

test("the product runs in place in an arena with the bits of the scratch-copy path", (t) => {
  if (!simd) return t.pass("no WebAssembly SIMD here");
  const c: Case = { ...base, m: 200, n: 70, k: 300, tA: true, tB: false, aOff: 1, cOff: 2, pad: 1, beta: 1, seed: 5 };
  sameBits(t, run(c, "simd", true), run(c, "simd", false), "arena vs copies");
  const views = gemmArena([4]);
  t.true(views !== undefined && views[0]?.length === 4);
});

test("setKernelBackend switches, returns the previous backend and refuses an unavailable one", (t) => {
  const start = kernelBackend();
  const previous = setKernelBackend("js");
  t.is(previous, start);
  t.is(kernelBackend(), "js");
  setKernelBackend(start);
  t.is(kernelBackend(), start);
  if (!availableKernelBackends().includes("relaxed-simd")) {
    const e = t.throws(() => setKernelBackend("relaxed-simd"), { instanceOf: RangeError });
    t.regex(e?.message ?? "", /setKernelBackend: backend 'relaxed-simd' is not available here/);
  }
  t.throws(() => setKernelBackend("gpu" as KernelBackend), { instanceOf: RangeError });
});

test("gemm refuses strides and offsets outside its arrays, naming the operand and the sizes", (t) => {
  const A = new Float64Array(6);
  const B = new Float64Array(6);
  const C = new Float64Array(4);
  t.throws(() => gemm(2, 2, 4, A, 0, 4, 1, B, 0, 2, 1, C, 0, 2, 0), { instanceOf: RangeError, message: /gemm: A has length 6 but op\(A\) is 2×4/ });
  t.throws(() => gemm(2, 2, 3, A, 0, 3, 1, B, 1, 2, 1, C, 0, 2, 0), { instanceOf: RangeError, message: /gemm: B has length 6/ });
  t.throws(() => gemm(2, 2, 3, A, 0, 3, 1, B, 0, 2, 1, C, 1, 2, 0), { instanceOf: RangeError, message: /gemm: C has length 4/ });
  t.throws(() => gemm(2, 2, 3, A, 0, -3, 1, B, 0, 2, 1, C, 0, 2, 0), { instanceOf: RangeError, message: /gemm: rsa must be a non-negative integer, got -3/ });
  t.throws(() => gemm(2, 2, 1.5, A, 0, 3, 1, B, 0, 2, 1, C, 0, 2, 0), { instanceOf: RangeError, message: /gemm: k must be a non-negative integer/ });
  t.throws(() => gemm(2, 2, 3, A, 0, 3, 1, B, 0, 2, 1, C, 0, 2, 2 as 0), { instanceOf: RangeError, message: /gemm: beta must be 0 or 1/ });
  const M = new Float64Array(20);
  t.throws(() => gemm(2, 2, 2, M, 0, 2, 1, M, 10, 2, 1, M, 3, 2, 0), { instanceOf: RangeError, message: /gemm: C \(2×2 at offset 3\) overlaps A or B/ });
  t.throws(() => gemm(2, 2, 2, M.subarray(0, 4), 0, 2, 1, M.subarray(10), 0, 2, 1, M.subarray(12), 0, 2, 0), { instanceOf: RangeError, message: /overlaps/ });
  t.notThrows(() => gemm(2, 2, 2, M, 0, 2, 1, M, 4, 2, 1, M, 8, 2, 0));
  t.notThrows(() => gemmReference(2, 2, 3, A, 0, 3, 1, B, 0, 2, 1, C, 0, 2, 0));
});

test("relaxed SIMD (fused multiply-add) agrees with the triple loop to 4·k·ε·|A||B| in a child process", (t) => {
  const script = `
    import { availableKernelBackends, gemm, setKernelBackend } from "@krylov-ts/operators";
    const ok = availableKernelBackends().includes("relaxed-simd");
    let worst = 0;
    if (ok) {
      setKernelBackend("relaxed-simd", 0);
      let s = 7;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
      for (const [m, n, k] of [[1, 1, 1], [13, 17, 19], [97, 5, 257], [5, 513, 3], [101, 31, 600], [6, 4, 8]]) {
        for (const tA of [false, true]) for (const tB of [false, true]) {
          const A = Float64Array.from({ length: m * k }, rnd), B = Float64Array.from({ length: k * n }, rnd), C = new Float64Array(m * n);
          const rsa = tA ? 1 : k, csa = tA ? m : 1, rsb = tB ? 1 : n, csb = tB ? k : 1;
          gemm(m, n, k, A, 0, rsa, csa, B, 0, rsb, csb, C, 0, n, 0);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let x = 0, abs = 0;
            for (let p = 0; p < k; p++) { const v = A[i * rsa + p * csa] * B[p * rsb + j * csb]; x += v; abs += Math.abs(v); }
            worst = Math.max(worst, Math.abs(C[i * n + j] - x) / (4 * (k + 1) * Number.EPSILON * abs));
          }
        }
      }
    }
    console.log(JSON.stringify({ ok, worst }));
  `;
  // Node 20 has relaxed SIMD behind a V8 flag (not allowed in NODE_OPTIONS); Node ≥ 22 by default.
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  const flags = nodeMajor < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
  const p = spawnSync(process.execPath, [...flags, "--conditions=source", "--import=tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: repoRoot });
  t.is(p.status, 0, p.stderr);
  const out = JSON.parse(p.stdout.trim()) as { ok: boolean; worst: number };
  t.true(out.ok, "relaxed SIMD available in the child");
  t.true(out.worst <= 1, `worst error / bound ${out.worst}`);
});

test("KRYLOV_TS_NO_SIMD=1 makes JavaScript the default backend, still switchable", (t) => {
  const script = `
    import { availableKernelBackends, kernelBackend } from "@krylov-ts/operators";
    console.log(kernelBackend() + " " + availableKernelBackends().join(","));
  `;
  const [backend, list] = runModuleScript(t, script, { KRYLOV_TS_NO_SIMD: "1" }).split(" ");
  t.is(backend, "js");
  t.true((list ?? "").startsWith("js"));
  if (simd) t.not(runModuleScript(t, script, { KRYLOV_TS_NO_SIMD: "0" }).split(" ")[0], "js");
});

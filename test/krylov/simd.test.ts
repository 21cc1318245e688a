import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import wabtInit from "wabt";
import { dense, diagonal, operator, rng, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { cg, hutchinson, minres, powerIteration } from "@krylov-ts/krylov";
import {
  axpyN,
  cgStep,
  dotN,
  minresLanczos,
  minresUpdate,
  owned,
  scaleN,
  shiftedResidual,
  simdEnabled,
  simdSupported,
  subScaledNorm2,
  workspace,
  xpby,
} from "../../packages/krylov/src/kernels.js";
import { kernelsOf } from "../../packages/krylov/src/simd/backend.js";
import { KERNELS_WASM_BASE64 } from "../../packages/krylov/src/simd/kernels-wasm.js";
import { poisson2d, randomIndefinite, randomSPD, withSpectrum } from "../helpers/dense.js";
import { repoRoot, runModuleScript, sameArray, withBackend } from "../helpers/backends.js";

const simdDir = path.join(repoRoot, "packages", "krylov", "src", "simd");


/** Runs `fn` on both backends and returns [simd, js]. */
function both<T>(fn: () => T): [T, T] {
  return [withBackend(true, fn), withBackend(false, fn)];
}


test("assembling kernels.wat with wabt reproduces the embedded bytes exactly", async (t) => {
  const wabt = await wabtInit();
  const module = wabt.parseWat("kernels.wat", readFileSync(path.join(simdDir, "kernels.wat"), "utf8"), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  module.destroy();
  t.is(Buffer.from(buffer).toString("base64"), KERNELS_WASM_BASE64);
});

test("the SIMD module validates in this runtime and the backend is on unless KRYLOV_TS_NO_SIMD=1", (t) => {
  t.true(simdSupported());
  t.is(simdEnabled(), process.env.KRYLOV_TS_NO_SIMD !== "1");
});

test("KRYLOV_TS_NO_SIMD=1 turns the SIMD backend off at load", (t) => {
  const script =
    `const k = await import(${JSON.stringify(path.join(repoRoot, "packages/krylov/src/kernels.ts"))});` +
    "console.log(JSON.stringify([k.simdSupported(), k.simdEnabled(), k.workspace(4096, 2)[0].buffer.byteLength]));";
  const run = (env: Record<string, string>): string => runModuleScript(t, script, env);
  t.is(run({ KRYLOV_TS_NO_SIMD: "1" }), JSON.stringify([true, false, 4096 * 8]));
  t.is(run({ KRYLOV_TS_NO_SIMD: "0" }), JSON.stringify([true, true, 2 * 4096 * 8]));
});

test("a SIMD workspace is zeroed views into one WebAssembly memory, 64-byte aligned; with SIMD off, plain arrays", (t) => {
  const ws = withBackend(true, () => workspace(13, 3));
  t.is(ws.length, 3);
  for (const [j, a] of ws.entries()) {
    t.is(a.length, 13);
    t.is(a.buffer, (ws[0] as Float64Array).buffer);
    t.is(a.byteOffset, j * 128); // 13·8 bytes rounded up to 64
    t.true(a.every((x) => x === 0));
    t.not(kernelsOf(a), undefined);
  }
  const js = withBackend(false, () => workspace(13, 3));
  for (const a of js) {
    t.is(a.byteOffset, 0);
    t.is(a.buffer.byteLength, 13 * 8);
    t.is(kernelsOf(a), undefined);
  }
  // Short vectors stay plain under the default minimum length.
  t.is(kernelsOf(workspace(8, 2)[0] as Float64Array), undefined);
});

test("owned copies a workspace vector out of its memory and returns any other array as it is", (t) => {
  const [a] = withBackend(true, () => workspace(5, 1)) as [Float64Array];
  a.set([1, 2, 3, 4, 5]);
  const o = owned(a);
  t.not(o, a);
  t.deepEqual(Array.from(o), [1, 2, 3, 4, 5]);
  t.is(o.buffer.byteLength, 40);
  t.is(kernelsOf(o), undefined);
  const plain = new Float64Array(3);
  t.is(owned(plain), plain);
});

test("every kernel gives bit-identical results on both backends, for lengths 0 to 40 and 8-byte-aligned offsets", (t) => {
  const r = rng(7);
  for (let n = 0; n <= 40; n++) {
    for (const shift of [0, 1]) {
      // shift = 1: views starting 8 bytes into each slot, so not 16-byte aligned.
      const W = withBackend(true, () => workspace(n + 1, 6)).map((a) => a.subarray(shift, shift + n));
      const J = W.map(() => new Float64Array(n));
      for (let j = 0; j < 6; j++) {
        for (let i = 0; i < n; i++) {
          const value = r.normal();
          (W[j] as Float64Array)[i] = value;
          (J[j] as Float64Array)[i] = value;
        }
      }
      if (n > 0) t.not(kernelsOf(W[0] as Float64Array), undefined);
      const [a, b, c, d, e, f] = W as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      const [A, B, C, D, E, F] = J as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      const sums: [number, number][] = [
        [dotN(a, b, n), dotN(A, B, n)],
        [cgStep(a, b, c, d, 0.3, n), cgStep(A, B, C, D, 0.3, n)],
      ];
      xpby(a, 0.7, b, n);
      xpby(A, 0.7, B, n);
      axpyN(-0.2, c, d, n);
      axpyN(-0.2, C, D, n);
      scaleN(1.7, e, f, n);
      scaleN(1.7, E, F, n);
      sums.push([subScaledNorm2(a, 0.3, b, c, n), subScaledNorm2(A, 0.3, B, C, n)]);
      sums.push([shiftedResidual(a, b, c, 0.05, d, n), shiftedResidual(A, B, C, 0.05, D, n)]);
      sums.push([minresLanczos(a, b, c, 0.05, 0.9, n), minresLanczos(A, B, C, 0.05, 0.9, n)]);
      minresUpdate(a, b, c, d, e, 0.1, 0.2, 1.3, 0.4, 0.5, n);
      minresUpdate(A, B, C, D, E, 0.1, 0.2, 1.3, 0.4, 0.5, n);
      for (const [k, [simd, js]] of sums.entries()) {
        if (!Object.is(simd, js)) t.fail(`sum ${k} at n = ${n}, shift ${shift}: ${simd} ≠ ${js}`);
      }
      for (let j = 0; j < 6; j++) {
        for (let i = 0; i < n; i++) {
          if (!Object.is((W[j] as Float64Array)[i], (J[j] as Float64Array)[i])) {
            t.fail(`vector ${j}[${i}] at n = ${n}, shift ${shift}`);
            break;
          }
        }
      }
    }
  }
  t.pass();
});

test("the dot kernel matches a plainly summed dot product within rounding", (t) => {
  const n = 1003;
  const [a, b] = withBackend(true, () => workspace(n, 2)) as [Float64Array, Float64Array];
  const r = rng(3);
  let plain = 0, size = 0;
  for (let i = 0; i < n; i++) {
    a[i] = r.normal();
    b[i] = r.normal();
    plain += (a[i] as number) * (b[i] as number);
    size += Math.abs((a[i] as number) * (b[i] as number));
  }
  t.true(Math.abs(dotN(a, b, n) - plain) <= 1e-14 * size);
});

test("a kernel on arrays of different memories takes the JavaScript loop", (t) => {
  const [a] = withBackend(true, () => workspace(9, 1)) as [Float64Array];
  const b = new Float64Array(9);
  for (let i = 0; i < 9; i++) {
    a[i] = i + 1;
    b[i] = 2;
  }
  t.is(dotN(a, b, 9), 90);
  axpyN(1, b, a, 9); // a lives in a workspace, b does not
  t.deepEqual(Array.from(a), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

/** A 1-D Laplacian written with ndarray get/set, to show operators use workspace views as any Vec. */
function laplacian1d(n: number): LinearOperator {
  return operator(
    [n, n],
    (x: Vec, y: Vec) => {
      for (let i = 0; i < n; i++) {
        y.set(i, 2 * x.get(i) - (i > 0 ? x.get(i - 1) : 0) - (i < n - 1 ? x.get(i + 1) : 0));
      }
    },
    { symmetric: true },
  );
}

test("cg gives bit-identical results on both backends: plain, preconditioned, warm-started and trust-region", (t) => {
  const P = poisson2d(12);
  const n = 144;
  const b = rng(1).normalVec(n);
  const M = diagonal(Array.from({ length: n }, (_, i) => 1 / (4 + (i % 3))));
  const cases: [string, LinearOperator, Parameters<typeof cg>[2]][] = [
    ["poisson", P, { rtol: 1e-10, history: true }],
    ["preconditioned", P, { rtol: 1e-10, M }],
    ["warm start", P, { rtol: 1e-10, x0: rng(2).normalVec(n) }],
    ["trust region", P, { radius: 1 }],
    ["indefinite", randomIndefinite(30), {}],
    ["ndarray get/set operator", laplacian1d(97), { rtol: 1e-12 }],
  ];
  for (const [name, A, options] of cases) {
    const rhs = A.shape[0] === n ? b : rng(3).normalVec(A.shape[0]);
    const [s, j] = both(() => cg(A, rhs, options));
    sameArray(t, s.x.data, j.x.data, `${name} x`);
    t.is(s.stats.iterations, j.stats.iterations, name);
    t.is(s.stats.status, j.stats.status, name);
    t.is(s.stats.residualNorm, j.stats.residualNorm, name);
    t.deepEqual(s.stats.residualHistory, j.stats.residualHistory, name);
    t.deepEqual(s.estimates, j.estimates, name);
    if (s.direction !== undefined || j.direction !== undefined) sameArray(t, s.direction!.data, j.direction!.data, `${name} direction`);
    t.is(kernelsOf(s.x.data), undefined, `${name}: x is copied out of the workspace`);
    t.is(s.x.data.buffer.byteLength, A.shape[0] * 8);
  }
});

test("minres gives bit-identical results on both backends: shifted, preconditioned and warm-started", (t) => {
  const P = poisson2d(10);
  const n = 100;
  const b = rng(4).normalVec(n);
  const M = diagonal(Array.from({ length: n }, (_, i) => 1 / (3 + (i % 4))));
  const spectrum = Array.from({ length: 60 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** ((-6 * i) / 59));
  const illConditioned = dense(withSpectrum(spectrum, 3), [60, 60], { symmetric: true });
  const cases: [string, LinearOperator, Parameters<typeof minres>[2]][] = [
    ["shifted", P, { shift: 0.7, rtol: 1e-10, history: true }],
    ["preconditioned", P, { rtol: 1e-10, M }],
    ["warm start", P, { shift: 0.7, x0: rng(5).normalVec(n) }],
    ["ill-conditioned, indefinite", illConditioned, { rtol: 1e-10 }],
  ];
  for (const [name, A, options] of cases) {
    const rhs = A.shape[0] === n ? b : rng(6).normalVec(A.shape[0]);
    const [s, j] = both(() => minres(A, rhs, options));
    sameArray(t, s.x.data, j.x.data, `${name} x`);
    t.is(s.stats.iterations, j.stats.iterations, name);
    t.is(s.stats.status, j.stats.status, name);
    t.is(s.stats.residualNorm, j.stats.residualNorm, name);
    t.deepEqual(s.stats.residualHistory, j.stats.residualHistory, name);
    t.deepEqual(s.estimates, j.estimates, name);
    t.is(kernelsOf(s.x.data), undefined, `${name}: x is copied out of the workspace`);
  }
});

test("powerIteration and hutchinson give bit-identical results on both backends", (t) => {
  const A = randomSPD(80, 50, 9);
  const [ps, pj] = both(() => powerIteration(A, { k: 3, tol: 1e-8, maxIterations: 5000 }));
  sameArray(t, ps.values, pj.values, "values");
  sameArray(t, ps.residualNorms, pj.residualNorms, "residualNorms");
  for (let i = 0; i < 3; i++) {
    sameArray(t, (ps.vectors[i] as Vec).data, (pj.vectors[i] as Vec).data, `vector ${i}`);
    t.is(kernelsOf((ps.vectors[i] as Vec).data), undefined);
  }
  for (const method of ["hutchinson", "hutch++"] as const) {
    const [hs, hj] = both(() => hutchinson(A, { method, probes: 30, seed: 2 }));
    t.is(hs.trace, hj.trace, method);
    t.is(hs.standardError, hj.standardError, method);
  }
});

test("cg on a SIMD workspace still matches the dense solution on the Poisson operator", (t) => {
  const N = 24;
  const A = poisson2d(N);
  const b = rng(8).normalVec(N * N);
  const { x, stats } = withBackend(true, () => cg(A, b, { rtol: 1e-12 }));
  t.is(stats.status, "converged");
  const ax = A.apply(x);
  let num = 0, den = 0;
  for (let i = 0; i < N * N; i++) {
    num += ((b.data[i] as number) - (ax.data[i] as number)) ** 2;
    den += (b.data[i] as number) ** 2;
  }
  t.true(Math.sqrt(num / den) <= 1e-11);
});

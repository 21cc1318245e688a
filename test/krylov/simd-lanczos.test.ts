import test from "ava";
import { rng, type Vec } from "@krylov-ts/operators";
import { lanczos, lanczosProcess } from "@krylov-ts/krylov";
import { basisDots, basisSubtract, combineColumns, COMBINE_ROWS } from "../../packages/krylov/src/lanczos/kernels.js";
import { kernelsOf, workspaceArrays } from "../../packages/krylov/src/simd/backend.js";
import { poisson2d, randomSPD } from "../helpers/dense.js";
import { sameArray, withBackend } from "../helpers/backends.js";



/** A basis of `cols` columns of length n, w and h, in a SIMD workspace and as plain copies. */
function operands(n: number, cols: number, seed: number): { simd: Float64Array[]; js: Float64Array[] } {
  const simd = withBackend(true, () => workspaceArrays(n, [cols * n, n, cols]));
  const r = rng(seed);
  for (const a of simd.slice(0, 2)) for (let i = 0; i < a.length; i++) a[i] = r.normal();
  return { simd, js: simd.map((a) => a.slice()) };
}

test("workspaceArrays lays arrays of any lengths one after another in one memory, each 64-byte aligned", (t) => {
  const ws = withBackend(true, () => workspaceArrays(5, [15, 5, 3]));
  t.deepEqual(ws.map((a) => a.length), [15, 5, 3]);
  t.deepEqual(ws.map((a) => a.byteOffset), [0, 128, 192]);
  for (const a of ws) {
    t.is(a.buffer, (ws[0] as Float64Array).buffer);
    t.not(kernelsOf(a), undefined);
    t.true(a.every((x) => x === 0));
  }
  const js = withBackend(false, () => workspaceArrays(5, [15, 5, 3]));
  t.deepEqual(js.map((a) => a.length), [15, 5, 3]);
  for (const a of js) t.is(kernelsOf(a), undefined);
});

test("basisDots and basisSubtract give bit-identical results on both backends, odd lengths and column counts", (t) => {
  // Lengths within one and across the 32,768-row blocks (odd last blocks), column ranges with 0–3 columns past the fours.
  for (const n of [1, 2, 7, 33, 2049, 32769, 65539]) {
    for (const [from, to] of [[0, 1], [0, 5], [2, 9], [1, 4], [3, 3]] as const) {
      const { simd, js } = operands(n, 9, n + 10 * to);
      const [Vs, ws, hs] = simd as [Float64Array, Float64Array, Float64Array];
      const [Vj, wj, hj] = js as [Float64Array, Float64Array, Float64Array];
      t.not(kernelsOf(Vs), undefined);
      basisDots(Vs, from, to, n, ws, hs);
      basisDots(Vj, from, to, n, wj, hj);
      sameArray(t, hs, hj, `h at n = ${n}, [${from}, ${to})`);
      const ss = basisSubtract(Vs, from, to, n, ws, hs);
      const sj = basisSubtract(Vj, from, to, n, wj, hj);
      t.true(Object.is(ss, sj), `‖w‖² at n = ${n}, [${from}, ${to}): ${ss} ≠ ${sj}`);
      sameArray(t, ws, wj, `w at n = ${n}, [${from}, ${to})`);
    }
  }
});

test("basisDots and basisSubtract match plainly summed dot products and updates within rounding", (t) => {
  const n = 4099, cols = 7;
  for (const simd of [true, false]) {
    const [V, w, h] = withBackend(simd, () => workspaceArrays(n, [cols * n, n, cols])) as [Float64Array, Float64Array, Float64Array];
    const r = rng(5);
    for (let i = 0; i < V.length; i++) V[i] = r.normal();
    for (let i = 0; i < n; i++) w[i] = r.normal();
    const w0 = w.slice();
    basisDots(V, 0, cols, n, w, h);
    for (let c = 0; c < cols; c++) {
      let plain = 0, size = 0;
      for (let i = 0; i < n; i++) {
        plain += (V[c * n + i] as number) * (w0[i] as number);
        size += Math.abs((V[c * n + i] as number) * (w0[i] as number));
      }
      t.true(Math.abs((h[c] as number) - plain) <= 1e-14 * size, `simd ${simd}, column ${c}`);
    }
    const ww = basisSubtract(V, 0, cols, n, w, h);
    let plainNorm = 0, worst = 0;
    for (let i = 0; i < n; i++) {
      let x = w0[i] as number;
      for (let c = 0; c < cols; c++) x -= (h[c] as number) * (V[c * n + i] as number);
      plainNorm += x * x;
      worst = Math.max(worst, Math.abs(x - (w[i] as number)));
    }
    t.true(worst <= 1e-12, `simd ${simd}: w within ${worst}`);
    t.true(Math.abs(ww - plainNorm) <= 1e-12 * plainNorm, `simd ${simd}: ‖w‖²`);
  }
});

test("combineColumns gives bit-identical blocks on both backends, with partial and odd row blocks", (t) => {
  for (const [n, used] of [[5, 7], [67, 3], [131, 8], [514, 7], [771, 9]] as const) {
    const picks = [used - 1, 0, used >> 1];
    const size = (COMBINE_ROWS + used) * picks.length;
    const [V, scratch] = withBackend(true, () => workspaceArrays(n, [used * n, size])) as [Float64Array, Float64Array];
    const r = rng(n);
    for (let i = 0; i < V.length; i++) V[i] = r.normal();
    const S = new Float64Array(used * used);
    for (let i = 0; i < S.length; i++) S[i] = r.normal();
    const run = (basis: Float64Array, work: Float64Array): Float64Array => {
      const Y = new Float64Array(picks.length * n);
      combineColumns(basis, n, used, S, used, picks, work, (c, r0, block) => Y.set(block, c * n + r0));
      return Y;
    };
    t.not(kernelsOf(V), undefined);
    const ys = run(V, scratch);
    const yj = run(V.slice(), new Float64Array(size));
    sameArray(t, ys, yj, `n = ${n}`);
    // and equal to V·S[:, picks] summed plainly in order
    let worst = 0;
    for (const [c, p] of picks.entries()) {
      for (let i = 0; i < n; i++) {
        let a = 0;
        for (let l = 0; l < used; l++) a += (S[l * used + p] as number) * (V[l * n + i] as number);
        worst = Math.max(worst, Math.abs(a - (ys[c * n + i] as number)));
      }
    }
    t.is(worst, 0, `n = ${n}`);
  }
});

test("lanczos gives bit-identical results on both backends: full and partial reorthogonalization, with locking and restarts", (t) => {
  const cases: [string, Parameters<typeof lanczos>[0], Parameters<typeof lanczos>[1]][] = [
    ["poisson full", poisson2d(15), { k: 6, tol: 1e-10, maxBasis: 21 }],
    ["poisson partial", poisson2d(15), { k: 4, which: "both", valueTol: 1e-10, maxBasis: 19, reorthogonalization: "partial" }],
    ["spd many locked", randomSPD(97, 30, 4), { k: 11, which: "smallest", tol: 1e-9, maxBasis: 25 }],
  ];
  for (const [name, A, options] of cases) {
    const s = withBackend(true, () => lanczos(A, options));
    const j = withBackend(false, () => lanczos(A, options));
    t.is(s.stats.status, "converged", name);
    sameArray(t, s.values, j.values, `${name} values`);
    sameArray(t, s.residualNorms, j.residualNorms, `${name} residualNorms`);
    t.is(s.stats.matvecs, j.stats.matvecs, name);
    t.is(s.restarts, j.restarts, name);
    t.true(s.restarts > 1, `${name} restarts`);
    for (let i = 0; i < s.vectors.length; i++) {
      const v = (s.vectors[i] as Vec).data;
      sameArray(t, v, (j.vectors[i] as Vec).data, `${name} vector ${i}`);
      t.is(kernelsOf(v), undefined, `${name}: vector ${i} is copied out of the workspace`);
    }
  }
});

test("lanczosProcess gives bit-identical coefficients and basis on both backends", (t) => {
  const A = poisson2d(13);
  for (const reorthogonalization of ["full", "partial"] as const) {
    const options = { steps: 60, reorthogonalization, basis: true };
    const s = withBackend(true, () => lanczosProcess(A, options));
    const j = withBackend(false, () => lanczosProcess(A, options));
    sameArray(t, s.alpha, j.alpha, `${reorthogonalization} alpha`);
    sameArray(t, s.beta, j.beta, `${reorthogonalization} beta`);
    const bs = s.basis as Vec[];
    t.is(bs.length, (j.basis as Vec[]).length);
    for (let i = 0; i < bs.length; i++) {
      sameArray(t, (bs[i] as Vec).data, ((j.basis as Vec[])[i] as Vec).data, `${reorthogonalization} v${i}`);
      t.is(kernelsOf((bs[i] as Vec).data), undefined);
    }
  }
});

test("a basis kernel with one operand outside the basis's memory (a grown locked block) takes the JavaScript loop", (t) => {
  const n = 37, cols = 5;
  const { simd, js } = operands(n, cols, 3);
  const [Vs, ws, hs] = simd as [Float64Array, Float64Array, Float64Array];
  const [Vj, wj, hj] = js as [Float64Array, Float64Array, Float64Array];
  const plainV = Vs.slice(); // as L after it grows: a plain array, w and h still in the workspace
  basisDots(plainV, 0, cols, n, ws, hs);
  basisDots(Vj, 0, cols, n, wj, hj);
  sameArray(t, hs, hj, "h");
  t.true(Object.is(basisSubtract(plainV, 0, cols, n, ws, hs), basisSubtract(Vj, 0, cols, n, wj, hj)));
  sameArray(t, ws, wj, "w");
});

import test from "ava";
import { dense, diagonal, rng, vec, type Vec } from "@krylov-ts/operators";
import { lanczosProcess, tridiagonalEigen } from "@krylov-ts/krylov";
import { orthogonalityLoss, randomSPD, symmetricEigen, withSpectrum } from "../helpers/dense.js";

test("the full-reorthogonalized process satisfies A·Vₘ = Vₘ₊₁·Tₘ and VᵀV = I to 1e-12", (t) => {
  const n = 80;
  const A = randomSPD(n, 100, 5);
  const m = 40;
  const { alpha, beta, basis, stats } = lanczosProcess(A, { steps: m, basis: true, seed: 3 });
  const V = basis ?? [];
  t.is(alpha.length, m);
  t.is(V.length, m + 1);
  t.is(stats.matvecs, m);
  t.is(stats.status, "converged");
  t.true(orthogonalityLoss(V) < 1e-12);
  let worst = 0;
  for (let j = 0; j < m; j++) {
    const Av = A.apply(V[j] as Vec);
    for (let i = 0; i < n; i++) {
      // (A v_j)_i = β_{j−1} v_{j−1} + α_j v_j + β_j v_{j+1}
      let s = (alpha[j] as number) * (V[j] as Vec).get(i) + (beta[j] as number) * (V[j + 1] as Vec).get(i);
      if (j > 0) s += (beta[j - 1] as number) * (V[j - 1] as Vec).get(i);
      worst = Math.max(worst, Math.abs(Av.get(i) - s));
    }
  }
  t.true(worst < 1e-12 * 100); // ‖A‖ = 100
});

test("partial reorthogonalization keeps the basis semi-orthogonal and the Ritz values exact", (t) => {
  const n = 200;
  const ev = Array.from({ length: n }, (_, i) => 1 + (i * i) / 100);
  const A = dense(withSpectrum(ev, 3), [n, n], { symmetric: true });
  const { alpha, beta, basis } = lanczosProcess(A, { steps: 120, basis: true, reorthogonalization: "partial" });
  t.true(orthogonalityLoss(basis ?? []) < 1e-7);
  const ritz = tridiagonalEigen(alpha, beta.subarray(0, alpha.length - 1)).values;
  for (let j = 1; j <= 5; j++) t.true(Math.abs((ritz[ritz.length - j] as number) - (ev[n - j] as number)) < 1e-8);
});

test("without reorthogonalization ghost copies of converged eigenvalues appear, and full reorthogonalization has none", (t) => {
  const n = 200;
  const ev = Array.from({ length: n }, (_, i) => 1 + (i * i) / 100);
  const A = dense(withSpectrum(ev, 3), [n, n], { symmetric: true });
  const count = (values: Float64Array, target: number): number => values.filter((x) => Math.abs(x - target) < 1e-6).length;
  const ghosts = lanczosProcess(A, { steps: 120, reorthogonalization: "none" });
  const plain = tridiagonalEigen(ghosts.alpha, ghosts.beta.subarray(0, 119)).values;
  t.true(count(plain, ev[n - 1] as number) >= 2);
  const full = lanczosProcess(A, { steps: 120 });
  const clean = tridiagonalEigen(full.alpha, full.beta.subarray(0, 119)).values;
  t.is(count(clean, ev[n - 1] as number), 1);
  for (let i = 1; i < clean.length; i++) t.true((clean[i] as number) - (clean[i - 1] as number) > 1e-6);
});

test("an invariant subspace stops the process with status breakdown and exact Ritz values", (t) => {
  const d = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] as number);
  const r = lanczosProcess(diagonal(d), { steps: 10, basis: true });
  t.is(r.stats.status, "breakdown");
  t.true(r.stats.converged);
  t.is(r.alpha.length, 3);
  t.is(r.basis?.length, 3);
  const values = tridiagonalEigen(r.alpha, r.beta.subarray(0, 2)).values;
  t.deepEqual(Array.from(values, (x) => Math.round(x * 1e10) / 1e10), [1, 2, 5]);
});

test("the process is deterministic for a seed and leaves v0 unmodified", (t) => {
  const A = randomSPD(30, 10, 2);
  const a = lanczosProcess(A, { steps: 8, seed: 11 });
  const b = lanczosProcess(A, { steps: 8, seed: 11 });
  t.deepEqual(Array.from(a.alpha), Array.from(b.alpha));
  const v0 = rng(4).normalVec(30);
  const copy = Array.from(v0.data);
  lanczosProcess(A, { steps: 8, v0 });
  t.deepEqual(Array.from(v0.data), copy);
});

test("the Ritz values of a complete run equal the dense eigenvalues", (t) => {
  const n = 40;
  const A = randomSPD(n, 1000, 9);
  const r = lanczosProcess(A, { steps: n });
  const ritz = tridiagonalEigen(r.alpha, r.beta.subarray(0, r.alpha.length - 1)).values;
  const ref = symmetricEigen(A.data, n).values;
  for (let i = 0; i < n; i++) t.true(Math.abs((ritz[i] as number) - (ref[i] as number)) < 1e-9);
});

test("the callback and the signal stop the process with status stopped", (t) => {
  const A = randomSPD(30, 10, 2);
  const r = lanczosProcess(A, { steps: 20, callback: (info) => info.iteration === 4 });
  t.is(r.stats.status, "stopped");
  t.is(r.alpha.length, 4);
  const ac = new AbortController();
  ac.abort();
  t.is(lanczosProcess(A, { steps: 20, signal: ac.signal }).stats.status, "stopped");
});

test("bad input throws errors naming the function, the argument and the sizes", (t) => {
  const A = randomSPD(5, 10, 1);
  t.throws(() => lanczosProcess(A, { v0: vec(4) }), { message: /lanczosProcess: options.v0 has length 4 but A is 5×5/ });
  t.throws(() => lanczosProcess(A, { v0: vec(5) }), { message: /lanczosProcess: options.v0 is the zero vector/ });
  t.throws(() => lanczosProcess(A, { steps: 0 }), { message: /lanczosProcess: options.steps/ });
  t.throws(() => lanczosProcess(A, { reorthogonalization: "some" as never }), { message: /lanczosProcess: options.reorthogonalization/ });
  t.throws(() => lanczosProcess(dense([[1, 2, 3], [4, 5, 6]]), {}), { message: /lanczosProcess: A must be square but is 2×3/ });
  t.throws(() => lanczosProcess(dense([[1, 2], [0, 1]]), { checkSymmetric: true }), { message: /lanczosProcess: A \(2×2\) is not symmetric/ });
});

test("lanczosProcess refuses a basis option that is not a boolean", (t) => {
  const error = t.throws(() => lanczosProcess(diagonal([1, 2, 3]), { steps: 2, basis: "yes" as unknown as boolean }));
  t.regex(error?.message ?? "", /^lanczosProcess: options\.basis must be a boolean/);
});

test("lanczosProcess refuses more steps than A has rows unless it runs without reorthogonalization", (t) => {
  const A = diagonal(Float64Array.from({ length: 10 }, (_, i) => i + 1));
  for (const reorthogonalization of ["full", "partial"] as const) {
    t.throws(() => lanczosProcess(A, { steps: 11, reorthogonalization }), { instanceOf: RangeError, message: /^lanczosProcess: options\.steps is 11 but A is 10×10/ });
  }
  t.notThrows(() => lanczosProcess(A, { steps: 11, reorthogonalization: "none" }));
});

test("lanczosProcess 'partial' run for n steps ends on the exhausted Krylov space as an invariant-subspace breakdown", (t) => {
  const n = 60;
  const A = randomSPD(n, 1e4, 7);
  const r = lanczosProcess(A, { steps: n, reorthogonalization: "partial", basis: true });
  t.true(r.stats.converged);
  t.true(orthogonalityLoss(r.basis ?? []) < 1e-7);
  const ritz = tridiagonalEigen(r.alpha, r.beta.subarray(0, r.alpha.length - 1)).values;
  const ref = symmetricEigen(A.data, n).values;
  t.true(Math.abs((ritz[ritz.length - 1] as number) - (ref[n - 1] as number)) < 1e-9 * (ref[n - 1] as number));
});

test("lanczosProcess 'partial' keeps semi-orthogonality (loss ≤ √ε) on tight clusters and on condition 1e8", (t) => {
  const r = rng(11);
  const clusters = diagonal(Float64Array.from({ length: 225 }, (_, i) => (i % 2 ? -1.77 : 0.4) + (r.uniform() - 0.5) * 1e-6));
  const ill = randomSPD(150, 1e8, 2);
  for (const [name, A, steps] of [["clusters", clusters, 200], ["cond 1e8", ill, 120]] as const) {
    const p = lanczosProcess(A, { steps, reorthogonalization: "partial", basis: true });
    t.true(orthogonalityLoss(p.basis ?? []) <= Math.sqrt(Number.EPSILON), `${name}: ${orthogonalityLoss(p.basis ?? [])}`);
  }
});

/**
 * svds (IRLBA) against problems of known SVD (test/helpers/problems) and the dense one-sided
 * Jacobi SVD: largest and smallest triplets, tall and wide operators, the triplet relations
 * A v = σ u and Aᵀu = σ v, orthonormality, options and errors.
 */
import test from "ava";
import fc from "fast-check";
import { csr, dense, operator, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { svds } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { denseSvd, matvecRect, matvecTransposeRect } from "../helpers/dense-least-squares.js";

function arr(v: Vec): Float64Array {
  return Float64Array.from({ length: v.shape[0] ?? 0 }, (_, i) => v.get(i));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Checks values against `expected`, ‖Av − σu‖ and ‖Aᵀu − σv‖ from the dense matrix, and orthonormality of U and V. */
function checkTriplets(
  t: import("ava").ExecutionContext, a: Float64Array, m: number, n: number,
  r: ReturnType<typeof svds>, expected: ArrayLike<number>, tol: number,
): void {
  const s1 = Math.max(...Array.from(expected));
  t.is(r.values.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    t.true(Math.abs(r.values[i]! - (expected[i] as number)) <= tol * s1, `σ${i} ${r.values[i]} vs ${expected[i]}`);
    const u = arr(r.U[i]!);
    const v = arr(r.V[i]!);
    t.is(u.length, m);
    t.is(v.length, n);
    const av = matvecRect(a, m, n, v);
    const atu = matvecTransposeRect(a, m, n, u);
    const e1 = Math.sqrt(av.reduce((s, x, j) => s + (x - r.values[i]! * u[j]!) ** 2, 0));
    const e2 = Math.sqrt(atu.reduce((s, x, j) => s + (x - r.values[i]! * v[j]!) ** 2, 0));
    t.true(Math.max(e1, e2) <= 10 * tol * s1, `residual ${i}: ${e1}, ${e2}`);
    t.true(Math.abs(Math.max(e1, e2) - r.residuals[i]!) <= 1e-12 * s1);
    for (let j = 0; j <= i; j++) {
      const want = i === j ? 1 : 0;
      t.true(Math.abs(dot(u, arr(r.U[j]!)) - want) < 1e-8, `UᵀU ${i},${j}`);
      t.true(Math.abs(dot(v, arr(r.V[j]!)) - want) < 1e-8, `VᵀV ${i},${j}`);
    }
  }
}

test("svds finds the 5 largest singular triplets of a tall matrix of known SVD", (t) => {
  const sigma = Array.from({ length: 40 }, (_, i) => 10 / (1 + i) + (i === 0 ? 5 : 0));
  const p = leastSquaresProblem(120, 40, { sigma, seed: 31 });
  const r = svds(p.A, { k: 5, tol: 1e-10 });
  t.true(r.stats.converged);
  t.is(r.stats.status, "converged");
  checkTriplets(t, p.a, 120, 40, r, sigma.slice(0, 5), 1e-10);
});

test("svds works on a wide operator (m < n) through its transpose, U of length m and V of length n", (t) => {
  const sigma = Array.from({ length: 30 }, (_, i) => Math.pow(0.8, i));
  const p = leastSquaresProblem(30, 90, { sigma, seed: 32 });
  const r = svds(p.A, { k: 4 });
  t.true(r.stats.converged);
  checkTriplets(t, p.a, 30, 90, r, sigma.slice(0, 4), 1e-8);
});

test("svds finds the smallest singular values, ascending", (t) => {
  const sigma = Array.from({ length: 25 }, (_, i) => 1 + 2 * (24 - i)); // 49 … 1, gaps of 2
  const p = leastSquaresProblem(60, 25, { sigma, seed: 33 });
  const r = svds(p.A, { k: 3, which: "smallest", tol: 1e-9 });
  t.true(r.stats.converged, r.stats.message);
  checkTriplets(t, p.a, 60, 25, r, [1, 3, 5], 1e-9);
});

test("svds agrees with the dense SVD on random matrices (property, seeded)", (t) => {
  const seed = 4242;
  const result = fc.check(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (m, n, s) => {
      const g = leastSquaresProblem(m, n, { seed: s, cond: 50 });
      // a generic matrix: add a seeded perturbation so the singular values are not the generator's
      const a = Float64Array.from(g.a, (v, i) => v + 0.1 * Math.sin(i * 1.7 + s));
      const ref = denseSvd(a, m, n).sigma;
      const k = Math.min(3, Math.min(m, n));
      const r = svds(dense(a, [m, n]), { k, tol: 1e-10 });
      if (!r.stats.converged) return false;
      for (let i = 0; i < k; i++) if (Math.abs(r.values[i]! - ref[i]!) > 1e-8 * ref[0]!) return false;
      return true;
    }),
    { seed, numRuns: 40 },
  );
  t.false(result.failed, `seed ${seed}: counterexample ${JSON.stringify(result.counterexample)}`);
});

test("svds handles repeated singular values and a rank-deficient matrix (k beyond the rank gives zeros)", (t) => {
  const sigma = [3, 3, 3, 2, 1];
  const p = leastSquaresProblem(30, 20, { sigma, rank: 5, seed: 34 });
  const r = svds(p.A, { k: 6, tol: 1e-9 });
  t.true(r.stats.converged, r.stats.message);
  checkTriplets(t, p.a, 30, 20, r, [3, 3, 3, 2, 1, 0], 1e-8);
});

test("svds uses only apply and applyTranspose: a closure operator, and a CSR matrix", (t) => {
  const sigma = Array.from({ length: 15 }, (_, i) => 15 - i);
  const p = leastSquaresProblem(50, 15, { sigma, seed: 35 });
  const closure: LinearOperator = {
    shape: [50, 15],
    apply: (x, out) => p.A.apply(x, out),
    applyTranspose: (x, out) => (p.A.applyTranspose as (x: Vec, o?: Vec) => Vec)(x, out),
  };
  checkTriplets(t, p.a, 50, 15, svds(closure, { k: 2 }), [15, 14], 1e-8);
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 0; i < 50; i++) for (let j = 0; j < 15; j++) { rows.push(i); cols.push(j); vals.push(p.a[i * 15 + j]!); }
  checkTriplets(t, p.a, 50, 15, svds(csr(rows, cols, vals, [50, 15]), { k: 2 }), [15, 14], 1e-8);
});

test("svds reports products, restarts and stops on the callback, the signal and the product budget", (t) => {
  const sigma = Array.from({ length: 200 }, (_, i) => 1 / (1 + 0.05 * i));
  const p = leastSquaresProblem(220, 200, { sigma, seed: 36 });
  let calls = 0;
  const stopped = svds(p.A, { k: 3, maxBasis: 12, callback: (info) => { calls++; t.is(info.restart, calls); return calls === 2; } });
  t.is(stopped.stats.status, "stopped");
  t.is(calls, 2);
  t.is(stopped.values.length, 3);
  const ac = new AbortController();
  ac.abort();
  t.is(svds(p.A, { k: 3, signal: ac.signal }).stats.status, "stopped");
  const budget = svds(p.A, { k: 3, maxBasis: 12, maxMatvecs: 40, tol: 1e-14 });
  t.is(budget.stats.status, "maxIterations");
  t.false(budget.stats.converged);
  t.true(budget.stats.matvecs <= 40 + 6); // the budget, and the final measurement of the 3 triplets
});

test("svds rejects bad shapes and options with one-line errors", (t) => {
  const A = dense(new Float64Array(12), [4, 3]);
  t.throws(() => svds(A, { k: 4 }), { instanceOf: RangeError, message: "svds: options.k is 4 but A (4×3) has 3 singular values" });
  t.throws(() => svds(A, { k: 0 }), { instanceOf: RangeError, message: /options\.k/ });
  t.throws(() => svds(A, { which: "middle" as "largest" }), { instanceOf: RangeError, message: /options\.which/ });
  t.throws(() => svds(A, { v0: [1, 2] }), { instanceOf: RangeError, message: "svds: options.v0 has length 2 but A is 4×3 (it needs 3)" });
  t.throws(() => svds(A, { kk: 1 } as never), { instanceOf: TypeError, message: /unknown option 'kk'/ });
  t.throws(() => svds(operator([4, 3], (x, out) => out)), { instanceOf: TypeError, message: /applyTranspose/ });
});

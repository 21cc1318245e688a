import test from "ava";
import { dense, diagonal } from "@krylov-ts/operators";
import { lanczos, minres } from "@krylov-ts/krylov";
import { maxAbsDiff, symmetricEigen } from "../helpers/dense.js";

test("minres on a nonsingular system converges whatever the scale of b, and its normA stays a lower bound on ‖A‖_F", (t) => {
  // ‖Tₖ‖_F once summed β₁ = ‖b‖ in: with ‖b‖ ≫ ‖A‖ the least-squares test ‖Ar‖ ≤ rtol·‖Tₖ‖_F·‖r‖ then held at
  // once, and diag(1…10) with b = 1e10·1 stopped after one step as 'leastSquares' with a relative residual of 0.46.
  const d = Array.from({ length: 10 }, (_, i) => 1 + i);
  const normF = Math.sqrt(d.reduce((s, x) => s + x * x, 0));
  for (const scale of [1, 1e8, 1e10]) {
    const b = d.map(() => scale);
    const { x, stats, estimates } = minres(diagonal(d), b);
    t.is(stats.status, "converged", `scale ${scale}: ${stats.message ?? ""}`);
    t.true(stats.residualNorm <= Math.sqrt(Number.EPSILON) * scale * Math.sqrt(10), `scale ${scale}`);
    d.forEach((di, i) => t.true(Math.abs((x.data[i] as number) - scale / di) <= 1e-7 * (scale / di), `scale ${scale}, x[${i}]`));
    t.true(estimates.normA <= normF * (1 + 1e-12), `scale ${scale}: normA ${estimates.normA} > ‖A‖_F ${normF}`);
  }
});

test("minres with b in the null space of A stops at once with the least-squares solution x = 0", (t) => {
  // ‖Ar‖ = 0 at x = 0 meets ‖Ar‖ ≤ rtol·‖Tₖ‖_F·‖r‖ even when Tₖ = 0 (the zero operator): not a breakdown.
  for (const [d, b] of [[[0, 1, 2], [1, 0, 0]], [[0, 0, 0], [1, 2, 3]]] as const) {
    const { x, stats, estimates } = minres(diagonal(d), b);
    t.is(stats.status, "leastSquares", stats.message);
    t.true(stats.converged);
    t.deepEqual(Array.from(x.data), [0, 0, 0]);
    t.true(Math.abs(stats.residualNorm - Math.hypot(...b)) <= 1e-15 * Math.hypot(...b));
    t.is(estimates.normAr, 0);
  }
});

test("lanczos with tol 0 on a small matrix it solves exactly reports converged, not a breakdown of its rounding-level residuals", (t) => {
  // The Krylov space is exhausted, every residual estimate is 0 and the true residuals are rounding (~1e-14): the
  // check "true residual ≤ 100·tol·‖A‖" turned that into 'breakdown' for any tol below about 1e-16.
  const n = 6;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? 4 + i : 1 / (1 + i + j);
  const ref = symmetricEigen(a, n).values;
  for (const tol of [0, 1e-17]) {
    for (const reorthogonalization of ["full", "partial", "selective"] as const) {
      const r = lanczos(dense(a, [n, n], { symmetric: true }), { k: 2, tol, reorthogonalization });
      t.is(r.stats.status, "converged", `tol ${tol} ${reorthogonalization}: ${r.stats.message ?? ""}`);
      t.true(maxAbsDiff(r.values, ref.slice(n - 2)) < 1e-13);
      for (const res of r.residualNorms) t.true(res < 1e-13);
    }
  }
});

test("lanczos 'selective' and 'none' keep their restarted basis once more vectors are locked than a cycle has columns", (t) => {
  // The restart re-orthonormalization projected off the just-locked vectors with a coefficient workspace of the
  // basis's size, indexed by locked slot: past it the columns turned NaN and were all dropped, so every cycle
  // began again from a random vector (k = 40, maxBasis 8 on diag(1…300): 5,159 products against 1,039 for 'full').
  const n = 300;
  const d = Array.from({ length: n }, (_, i) => 1 + i);
  const run = (reorthogonalization: "full" | "selective" | "none") => lanczos(diagonal(d), { k: 40, maxBasis: 8, tol: 1e-8, reorthogonalization });
  const full = run("full");
  t.is(full.stats.status, "converged");
  for (const mode of ["selective", "none"] as const) {
    const r = run(mode);
    t.is(r.stats.status, "converged", mode);
    t.true(maxAbsDiff(r.values, d.slice(n - 40)) < 1e-9, mode);
    t.true(r.stats.matvecs <= 1.25 * full.stats.matvecs, `${mode}: ${r.stats.matvecs} products, 'full' ${full.stats.matvecs}`);
  }
});

test("minres with a loose rtol on a nonsingular system of condition 1e4 converges instead of stopping as least-squares", (t) => {
  // The least-squares test at a loose rtol, ‖Ar‖ ≤ 0.01·‖Tₖ‖_F·‖r‖, holds for any r near the small eigenvalues of a
  // matrix with cond > 1/rtol: diag(1…1e4) stopped after 17 steps as 'leastSquares' (converged) with ‖r‖/‖b‖ = 0.14,
  // calling b "not in the range of A". An inexact Newton step on such a Hessian is the common case.
  const n = 50;
  for (const top of [1e4, 1e6]) {
    const d = Array.from({ length: n }, (_, i) => 1 + (i * (top - 1)) / (n - 1));
    const b = d.map(() => 1);
    for (const rtol of [0.1, 1e-2, 1e-3]) {
      const { stats } = minres(diagonal(d), b, { rtol });
      t.is(stats.status, "converged", `cond ${top}, rtol ${rtol}: ${stats.message ?? ""}`);
      t.true(stats.residualNorm <= rtol * Math.sqrt(n), `cond ${top}, rtol ${rtol}`);
    }
  }
  // A singular inconsistent system with the same loose rtol still stops at a least-squares point, now to √ε.
  const d = [0, ...Array.from({ length: n - 1 }, (_, i) => 1 + i)];
  const { x, stats } = minres(diagonal(d), d.map(() => 1), { rtol: 0.1 });
  t.is(stats.status, "leastSquares", stats.message);
  for (let i = 1; i < n; i++) t.true(Math.abs((x.data[i] as number) - 1 / (d[i] as number)) <= 1e-6 / (d[i] as number));
});

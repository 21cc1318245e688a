/**
 * svds, golubKahan and lobpcg are scale-invariant at any scale float64 holds: on s·A, for s in
 * 1e±150 and 1e±300, they return s·(the singular values or eigenvalues on A), the same vectors
 * (up to sign) and the same status, as cg, minres and lanczos do (scale-invariance.test.ts,
 * lanczos-scale.test.ts): no sum of squares of the basis kernels overflows or underflows.
 */
import test from "ava";
import fc from "fast-check";
import { dense, type Vec } from "@krylov-ts/operators";
import { golubKahan, lobpcg, svds } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { withSpectrum } from "../helpers/dense.js";

const SCALES = [1e-300, 1e-150, 1e150, 1e300];

const relClose = (x: number, ref: number, s: number, tol: number): boolean => Math.abs(x / s - ref) <= tol * Math.abs(ref);

/** |⟨x, y⟩| for unit vectors: 1 when they agree up to sign. */
function alignment(x: Vec, y: Vec): number {
  let d = 0, nx = 0, ny = 0;
  for (let i = 0; i < (x.shape[0] ?? 0); i++) {
    d += x.get(i) * y.get(i);
    nx += x.get(i) ** 2;
    ny += y.get(i) ** 2;
  }
  return Math.abs(d) / Math.sqrt(nx * ny);
}

/** A rectangular problem of known, well-separated singular values 1 … 1/cond, and a scale. */
const rectangular = fc
  .record({ m: fc.integer({ min: 6, max: 30 }), n: fc.integer({ min: 6, max: 30 }), seed: fc.integer({ min: 1, max: 1 << 20 }), s: fc.constantFrom(...SCALES) })
  .map(({ m, n, seed, s }) => ({ m, n, s, seed, a: leastSquaresProblem(m, n, { seed, cond: 20 }).a }));

for (const which of ["largest", "smallest"] as const) {
  test(`svds ${which} on s·A returns s·(its values on A), the same vectors and status, and residuals s times as large`, (t) => {
    fc.assert(
      fc.property(rectangular, ({ m, n, s, a }) => {
        const k = 2;
        const opts = { k, which, tol: 1e-10, maxMatvecs: 20000 };
        const ref = svds(dense(a, [m, n]), opts);
        const run = svds(dense(a.map((v) => v * s), [m, n]), opts);
        if (ref.stats.status !== "converged" || run.stats.status !== ref.stats.status) return false;
        for (let i = 0; i < k; i++) {
          if (!relClose(run.values[i] as number, ref.values[i] as number, s, 1e-9)) return false;
          if (!(alignment(run.V[i] as Vec, ref.V[i] as Vec) > 1 - 1e-8)) return false;
          if (!((run.residuals[i] as number) <= 1e-10 * run.estimates.normA)) return false;
        }
        return relClose(run.estimates.normA, ref.estimates.normA, s, 1e-9);
      }),
      { seed: 9101, numRuns: 24 },
    );
    t.pass();
  });
}

test("golubKahan on s·A with b gives the same bases and s·(α, β) after β₁", (t) => {
  fc.assert(
    fc.property(rectangular, ({ m, n, s, a, seed }) => {
      const b = Float64Array.from({ length: m }, (_, i) => Math.sin(1 + i * 0.7 + seed));
      const steps = Math.min(m, n, 5);
      const ref = golubKahan(dense(a, [m, n]), b, { steps });
      const run = golubKahan(dense(a.map((v) => v * s), [m, n]), b, { steps });
      if (run.stats.status !== ref.stats.status || run.alpha.length !== ref.alpha.length) return false;
      if (!relClose(run.beta[0] as number, ref.beta[0] as number, 1, 1e-14)) return false; // β₁ = ‖b‖
      for (let i = 0; i < ref.alpha.length; i++) {
        if (!relClose(run.alpha[i] as number, ref.alpha[i] as number, s, 1e-9)) return false;
        if (i > 0 && !relClose(run.beta[i] as number, ref.beta[i] as number, s, 1e-9)) return false;
        if (!(alignment(run.V[i] as Vec, ref.V[i] as Vec) > 1 - 1e-9)) return false;
        if (!(alignment(run.U[i] as Vec, ref.U[i] as Vec) > 1 - 1e-9)) return false;
      }
      return true;
    }),
    { seed: 9102, numRuns: 24 },
  );
  t.pass();
});

test("lobpcg on s·A returns s·(its eigenvalues on A), the same vectors and status", (t) => {
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 8, max: 24 }), seed: fc.integer({ min: 1, max: 1 << 20 }), s: fc.constantFrom(...SCALES), which: fc.constantFrom("smallest" as const, "largest" as const) }),
      ({ n, seed, s, which }) => {
        const ev = Array.from({ length: n }, (_, i) => 1 + i);
        const a = withSpectrum(ev, seed);
        const opts = { k: 2, which, tol: 1e-9, maxIterations: 400, seed };
        const ref = lobpcg(dense(a, [n, n], { symmetric: true }), opts);
        const run = lobpcg(dense(a.map((v) => v * s), [n, n], { symmetric: true }), opts);
        if (ref.stats.status !== "converged" || run.stats.status !== ref.stats.status) return false;
        for (let i = 0; i < 2; i++) {
          if (!relClose(run.values[i] as number, ref.values[i] as number, s, 1e-9)) return false;
          if (!(alignment(run.vectors[i] as Vec, ref.vectors[i] as Vec) > 1 - 1e-8)) return false;
          if (!((run.residualNorms[i] as number) <= 1e-9 * 2 * n * s)) return false;
        }
        return true;
      },
    ),
    { seed: 9103, numRuns: 24 },
  );
  t.pass();
});

/**
 * eigs is scale-invariant at any scale float64 holds: on s·A, for s in 1e±50, 1e±150, 1e±300, it
 * returns s·(the eigenvalues of A) and s·(their residuals), with the same status: no norm, Gram–
 * Schmidt coefficient or small Schur form overflows or underflows.
 */
import test from "ava";
import fc from "fast-check";
import { dense } from "@krylov-ts/operators";
import { eigs } from "@krylov-ts/krylov";
import { randomNonsymmetric } from "../helpers/problems/index.js";

const SCALES = [1e-300, 1e-150, 1e-50, 1e50, 1e150, 1e300];

/** A random non-symmetric n×n problem (eigenvalues in the disc |λ − 3| ≲ 1) and a scale. */
const problem = fc
  .record({ n: fc.integer({ min: 4, max: 24 }), seed: fc.integer({ min: 1, max: 1 << 20 }), s: fc.constantFrom(...SCALES) })
  .map(({ n, seed, s }) => {
    const { a } = randomNonsymmetric(n, 3, seed);
    return { n, seed, s, a };
  });

const scaled = (a: Float64Array, s: number): Float64Array => a.map((v) => v * s);

test("eigs on s·A returns s·(the eigenvalues of A) and s·(their residuals), with the same status", (t) => {
  fc.assert(
    fc.property(problem, fc.constantFrom("largestMagnitude" as const, "largestReal" as const, "smallestReal" as const), ({ n, a, s }, which) => {
      const k = Math.min(3, n - 2);
      const ref = eigs(dense(a, [n, n]), { k, which, tol: 1e-10 });
      const run = eigs(dense(scaled(a, s), [n, n]), { k, which, tol: 1e-10 });
      if (ref.stats.status !== "converged" || run.stats.status !== ref.stats.status || run.re.length !== ref.re.length) return false;
      for (let j = 0; j < ref.re.length; j++) {
        const mag = Math.hypot(ref.re[j] as number, ref.im[j] as number);
        if (!(Math.hypot((run.re[j] as number) / s - (ref.re[j] as number), (run.im[j] as number) / s - (ref.im[j] as number)) <= 1e-8 * mag)) return false;
        if (!((run.residualNorms[j] as number) / s <= 1e-10 * mag * 1.0000001)) return false;
      }
      return true;
    }),
    { seed: 9102, numRuns: 30 },
  );
  t.pass();
});

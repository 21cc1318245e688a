/**
 * CG's 'converged' is a promise on the true residual ‖b − Ax‖, not on the recurrence one: a
 * property over ill-conditioned SPD systems (cond 1e6 … 1e10, rtol down to 1e-12), where the
 * recurrence residual drifts below what float64 attains.
 */
import test from "ava";
import fc from "fast-check";
import { dense, vec } from "@krylov-ts/operators";
import { cg } from "@krylov-ts/krylov";
import { matvec, withSpectrum } from "../helpers/dense.js";

const EPS = Number.EPSILON;

/** ‖b − Ax‖ through the operator itself (the same rounding as the solver's check). */
function operatorResidual(A: ReturnType<typeof dense>, b: Float64Array, x: Float64Array): number {
  const ax = A.apply(vec(Float64Array.from(x))).data;
  let s = 0;
  for (let i = 0; i < b.length; i++) s += ((b[i] as number) - (ax[i] as number)) ** 2;
  return Math.sqrt(s);
}

/** A random SPD problem: eigenvalues in [1, cond] (geometric, uniform or two clusters), a random b. */
const problem = fc
  .record({
    n: fc.integer({ min: 2, max: 40 }),
    logCond: fc.double({ min: 6, max: 10, noNaN: true }),
    shape: fc.constantFrom("geometric", "uniform", "clusters"),
    logRtol: fc.double({ min: -12, max: -8, noNaN: true }),
    seed: fc.integer({ min: 1, max: 1 << 20 }),
  })
  .map(({ n, logCond, shape, logRtol, seed }) => {
    const cond = 10 ** logCond;
    const ev = Array.from({ length: n }, (_, i) => {
      const t = n === 1 ? 0 : i / (n - 1);
      if (shape === "geometric") return cond ** t;
      if (shape === "uniform") return 1 + (cond - 1) * t;
      return t < 0.5 ? 1 + t * 1e-3 : cond * (1 - (1 - t) * 1e-3);
    });
    const a = withSpectrum(ev, seed);
    const b = new Float64Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      b[i] = s / 1073741824 - 1;
    }
    return { n, cond, a, b, rtol: 10 ** logRtol, shape, seed };
  });

test("cg's converged always holds on the true residual, and every exit reports the true residual of its x", (t) => {
  const statuses: Record<string, number> = {};
  fc.assert(
    fc.property(problem, ({ n, a, b, rtol }) => {
      const A = dense(a, [n, n], { symmetric: true });
      const { x, stats } = cg(A, b, { rtol, maxIterations: 30 * n });
      statuses[stats.status] = (statuses[stats.status] ?? 0) + 1;
      const bNorm = Math.hypot(...b);
      const target = rtol * bNorm;
      const exact = operatorResidual(A, b, x.data);
      // residualNorm is the true residual of the returned x, whatever the status.
      if (!(Math.abs(stats.residualNorm - exact) <= 1e-12 * exact + 1e-300)) return false;
      if (!["converged", "stagnated", "maxIterations"].includes(stats.status)) return false;
      if (stats.status === "converged") {
        // Through an independent dense product: equal up to the rounding of the product itself.
        const ax = matvec(a, n, n, x.data);
        const r = Math.hypot(...Array.from(b, (bi, i) => bi - (ax[i] as number)));
        const xNorm = Math.hypot(...x.data);
        const normA = Math.max(...Array.from({ length: n }, (_, i) => Math.abs(a[i * n + i] as number)));
        return stats.converged && exact <= target && r <= target + 4 * n * EPS * normA * xNorm * Math.sqrt(n);
      }
      return !stats.converged && exact > target;
    }),
    { seed: 20261204, numRuns: 40 },
  );
  t.log("statuses", JSON.stringify(statuses));
  t.true((statuses.converged ?? 0) > 0);
});

test("cg stops with 'stagnated' when rtol is below what float64 attains, returning its best point and true residual", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => 1e10 ** (i / (n - 1)));
  const a = withSpectrum(ev, 7);
  const A = dense(a, [n, n], { symmetric: true });
  const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const { x, stats } = cg(A, b, { rtol: 1e-15, maxIterations: 100 * n });
  t.is(stats.status, "stagnated");
  t.false(stats.converged);
  t.regex(stats.message ?? "", /no longer decreases/);
  const exact = operatorResidual(A, b, x.data);
  t.true(Math.abs(stats.residualNorm - exact) <= 1e-12 * exact);
  t.true(exact > 1e-15 * Math.hypot(...b));
  t.true(stats.iterations < 100 * n);
});

test("cg on a well-conditioned system converges with one product to verify, as before", (t) => {
  const n = 30;
  const ev = Array.from({ length: n }, (_, i) => 1 + i);
  const A = dense(withSpectrum(ev, 3), [n, n], { symmetric: true });
  const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const { stats } = cg(A, b, { rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.is(stats.matvecs, stats.iterations + 1);
  t.notRegex(stats.message ?? "", /restarted/);
});

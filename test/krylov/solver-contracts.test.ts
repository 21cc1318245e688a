/**
 * Every result of minres, powerIteration and hutchinson meets its contract or its status says
 * why not: fast-check properties over symmetric matrices of known spectrum (multiplicities 1–5,
 * ± pairs, clusters 1e-6 and 1e-12 wide, n 1–64, scales 1e±300), against dense references.
 * (CG's own property, on ill-conditioned SPD systems, is in cg-true-residual.test.ts.)
 */
import test from "ava";
import fc from "fast-check";
import { dense, vec, type DenseOperator } from "@krylov-ts/operators";
import { hutchinson, minres, powerIteration } from "@krylov-ts/krylov";
import { withSpectrum } from "../helpers/dense.js";

const SCALES = [1, 1e-300, 1e-150, 1e-50, 1e50, 1e150, 1e300];

/** A spectrum of n values built from a few distinct ones, with multiplicities, ± pairs and clusters. */
const spectrum = fc
  .record({
    n: fc.integer({ min: 1, max: 64 }),
    bases: fc.array(
      fc.record({
        logMagnitude: fc.double({ min: -3, max: 0, noNaN: true }),
        negative: fc.boolean(),
        multiplicity: fc.integer({ min: 1, max: 5 }),
        pair: fc.boolean(), // add −λ as well
        cluster: fc.constantFrom(0, 1e-6, 1e-12), // copies spread over this relative width
      }),
      { minLength: 1, maxLength: 12 },
    ),
    s: fc.constantFrom(...SCALES),
    seed: fc.integer({ min: 1, max: 1 << 20 }),
  })
  .map(({ n, bases, s, seed }) => {
    const values: number[] = [];
    while (values.length < n) {
      for (const { logMagnitude, negative, multiplicity, pair, cluster } of bases) {
        const l = (negative ? -1 : 1) * 10 ** logMagnitude;
        for (let c = 0; c < multiplicity; c++) {
          const v = l * (1 + cluster * c);
          values.push(v);
          if (pair) values.push(-v);
        }
      }
    }
    const ev = values.slice(0, n);
    const a = withSpectrum(ev, seed).map((v) => v * s);
    return { n, s, seed, ev: ev.map((v) => v * s), a };
  });

const op = (a: Float64Array, n: number): DenseOperator => dense(a, [n, n], { symmetric: true });

/** ‖y − (Ax)‖ with A applied through the operator; `lambda` subtracts λx instead of y. */
function residual(A: DenseOperator, x: Float64Array, y: Float64Array | undefined, lambda = 0): number {
  const ax = A.apply(vec(Float64Array.from(x))).data;
  let scale = 0;
  const r = Array.from(ax, (v, i) => (y === undefined ? v - lambda * (x[i] as number) : (y[i] as number) - v));
  for (const v of r) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return 0;
  return scale * Math.hypot(...r.map((v) => v / scale));
}

test("minres: 'converged' holds on ‖b − Ax‖, and residualNorm is the true residual of its x, whatever the status", (t) => {
  const statuses: Record<string, number> = {};
  fc.assert(
    fc.property(spectrum, ({ n, a, s, seed }) => {
      const A = op(a, n);
      const b = Float64Array.from({ length: n }, (_, i) => Math.sin(seed + i) * s);
      const rtol = 1e-10;
      const { x, stats } = minres(A, b, { rtol });
      statuses[stats.status] = (statuses[stats.status] ?? 0) + 1;
      const exact = residual(A, x.data, b);
      if (!(Math.abs(stats.residualNorm - exact) <= 1e-10 * exact + 1e-13 * rtol * Math.hypot(...b))) return false;
      if (stats.status === "converged") return stats.converged && exact <= rtol * Math.hypot(...b) * (1 + 1e-12);
      // The spectra are nonsingular (|λ| ≥ 1e-3·s): anything else must say why.
      return !stats.converged && stats.message !== undefined;
    }),
    { seed: 4242, numRuns: 60 },
  );
  t.log("statuses", JSON.stringify(statuses));
  t.true((statuses.converged ?? 0) >= 50);
});

test("powerIteration: a converged first pair is the largest |λ| to tol, and every residualNorm is the true ‖Av − λv‖", (t) => {
  const statuses: Record<string, number> = {};
  fc.assert(
    fc.property(spectrum, ({ n, a, ev }) => {
      const A = op(a, n);
      const k = Math.min(2, n);
      const tol = 1e-8;
      const { values, vectors, residualNorms, stats } = powerIteration(A, { k, tol, maxIterations: 1000 });
      statuses[stats.status] = (statuses[stats.status] ?? 0) + 1;
      const top = Math.max(...ev.map(Math.abs));
      for (let j = 0; j < values.length; j++) {
        const exact = residual(A, vectors[j]?.data as Float64Array, undefined, values[j] as number);
        if (!(Math.abs((residualNorms[j] as number) - exact) <= 1e-6 * exact + 1e-12 * top)) return false;
      }
      if (stats.status !== "converged") return !stats.converged && stats.message !== undefined;
      const l0 = values[0] as number;
      // ‖Av − λv‖ ≤ tol·|λ| puts λ within tol·|λ| of an eigenvalue; the largest |λ| unless a copy of ±top hides it.
      return (residualNorms[0] as number) <= tol * Math.abs(l0) * (1 + 1e-12) && Math.abs(Math.abs(l0) - top) <= 1e-6 * top;
    }),
    { seed: 4243, numRuns: 60 },
  );
  t.log("statuses", JSON.stringify(statuses));
  t.true((statuses.converged ?? 0) > 0);
});

test("hutchinson and hutch++ estimate tr(A) within a few standard errors, at every scale", (t) => {
  let outside = 0;
  let runs = 0;
  fc.assert(
    fc.property(spectrum, fc.constantFrom("hutchinson" as const, "hutch++" as const), ({ n, a, ev, s }, method) => {
      const { trace, standardError, stats } = hutchinson(op(a, n), { probes: 30, method, seed: 3 });
      if (stats.status !== "converged" || !Number.isFinite(trace)) return false;
      const truth = ev.reduce((x, y) => x + y, 0);
      runs++;
      // Exact when the probes span the range (Hutch++ with n ≤ its sketch, or a diagonal); else within the error bars.
      if (Math.abs(trace - truth) > 5 * standardError + 1e-9 * n * Math.abs(s)) outside++;
      return Number.isFinite(standardError) && standardError >= 0;
    }),
    { seed: 4244, numRuns: 60 },
  );
  t.true(outside <= 2, `${outside} of ${runs} estimates outside 5 standard errors`);
});

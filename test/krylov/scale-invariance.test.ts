/**
 * The solvers are scale-invariant at any scale float64 holds: on s·A (and s·b), for s in
 * 1e±50, 1e±150, 1e±300, cg, minres, powerIteration and hutchinson return s·(result on A) (or
 * the same x), with the same status: no norm or sum of squares overflows or underflows
 * (issue 9: MINRES broke down at 1e155 and said 'leastSquares' at 1e-200; power iteration
 * returned 0.43e-170 for 3e-170).
 */
import test from "ava";
import fc from "fast-check";
import { dense, diagonal } from "@krylov-ts/operators";
import { cg, hutchinson, minres, powerIteration } from "@krylov-ts/krylov";
import { relErr, withSpectrum } from "../helpers/dense.js";

const SCALES = [1e-300, 1e-150, 1e-50, 1e50, 1e150, 1e300];

/** A random symmetric problem: n, well-separated eigenvalues of either sign (or positive), b. */
function problem(definite: boolean) {
  return fc
    .record({
      n: fc.integer({ min: 2, max: 16 }),
      seed: fc.integer({ min: 1, max: 1 << 20 }),
      s: fc.constantFrom(...SCALES),
    })
    .map(({ n, seed, s }) => {
      // Eigenvalues 1…n with random signs (for MINRES) times a spread ≤ 10: cond ≤ 10n.
      let g = seed;
      const next = (): number => {
        g = (g * 1103515245 + 12345) % 2147483648;
        return g / 2147483648;
      };
      const ev = Array.from({ length: n }, (_, i) => (1 + i) * (1 + 9 * next()) * (definite || next() < 0.5 ? 1 : -1));
      const a = withSpectrum(ev, seed);
      const b = Float64Array.from({ length: n }, () => 2 * next() - 1);
      return { n, seed, s, a, b };
    });
}

const scaledMatrix = (a: Float64Array, s: number): Float64Array => a.map((v) => v * s);

test("cg on s·A with s·b returns the x of A and b, and on s·A with b returns x/s", (t) => {
  fc.assert(
    fc.property(problem(true), ({ n, a, b, s }) => {
      const ref = cg(dense(a, [n, n], { symmetric: true }), b, { rtol: 1e-12 });
      const both = cg(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), b.map((v) => v * s), { rtol: 1e-12 });
      const onlyA = cg(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), b, { rtol: 1e-12 });
      return (
        ref.stats.status === "converged" &&
        both.stats.status === "converged" &&
        onlyA.stats.status === "converged" &&
        relErr(both.x.data, ref.x.data) < 1e-9 &&
        relErr(onlyA.x.data.map((v) => v * s), ref.x.data) < 1e-9 &&
        Math.abs(both.stats.residualNorm / s - ref.stats.residualNorm) <= 1e-11 * Math.hypot(...b)
      );
    }),
    { seed: 9001, numRuns: 30 },
  );
  t.pass();
});

test("minres on s·A with s·b returns the x of A and b, and on s·A with b returns x/s", (t) => {
  fc.assert(
    fc.property(problem(false), ({ n, a, b, s }) => {
      const ref = minres(dense(a, [n, n], { symmetric: true }), b, { rtol: 1e-12 });
      const both = minres(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), b.map((v) => v * s), { rtol: 1e-12 });
      const onlyA = minres(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), b, { rtol: 1e-12 });
      return (
        ref.stats.status === "converged" &&
        both.stats.status === "converged" &&
        onlyA.stats.status === "converged" &&
        relErr(both.x.data, ref.x.data) < 1e-9 &&
        relErr(onlyA.x.data.map((v) => v * s), ref.x.data) < 1e-9 &&
        // normA is an estimate (‖Tₖ‖_F of the steps taken, whose number may differ by one): the same within 2×.
        both.estimates.normA / s <= 2 * ref.estimates.normA &&
        both.estimates.normA / s >= 0.5 * ref.estimates.normA
      );
    }),
    { seed: 9002, numRuns: 30 },
  );
  t.pass();
});

test("powerIteration on s·A returns s·(the eigenvalues of A) and the same vectors", (t) => {
  fc.assert(
    fc.property(problem(false), ({ n, a, s }) => {
      const k = Math.min(2, n);
      const ref = powerIteration(dense(a, [n, n], { symmetric: true }), { k, tol: 1e-10, maxIterations: 5000 });
      const run = powerIteration(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), { k, tol: 1e-10, maxIterations: 5000 });
      if (run.stats.status !== ref.stats.status || run.values.length !== ref.values.length) return false;
      for (let j = 0; j < ref.values.length; j++) {
        if (!(Math.abs((run.values[j] as number) / s - (ref.values[j] as number)) <= 1e-8 * Math.abs(ref.values[j] as number))) return false;
        if (!(Math.abs((run.residualNorms[j] as number) / s) <= 1e-8 * Math.abs(ref.values[j] as number))) return false;
        const u = run.vectors[j]?.data as Float64Array;
        const v = ref.vectors[j]?.data as Float64Array;
        let d = 0;
        for (let i = 0; i < n; i++) d += (u[i] as number) * (v[i] as number);
        if (!(Math.abs(Math.abs(d) - 1) < 1e-6)) return false;
      }
      return true;
    }),
    { seed: 9003, numRuns: 30 },
  );
  t.pass();
});

test("hutchinson and hutch++ on s·A return s·(trace estimate of A) and s·(standard error)", (t) => {
  fc.assert(
    fc.property(problem(false), fc.constantFrom("hutchinson" as const, "hutch++" as const), ({ n, a, s }, method) => {
      const ref = hutchinson(dense(a, [n, n], { symmetric: true }), { probes: 12, method, seed: 5 });
      const run = hutchinson(dense(scaledMatrix(a, s), [n, n], { symmetric: true }), { probes: 12, method, seed: 5 });
      const scale = Math.abs(ref.trace) + ref.standardError + 1e-300;
      return (
        run.stats.status === ref.stats.status &&
        Math.abs(run.trace / s - ref.trace) <= 1e-10 * scale + 1e-12 * n &&
        Math.abs(run.standardError / s - ref.standardError) <= 1e-8 * (ref.standardError + 1e-12 * n)
      );
    }),
    { seed: 9004, numRuns: 30 },
  );
  t.pass();
});

test("the issue's cases: minres at 1e155 and 1e-200, power iteration at 1e-170", (t) => {
  const d = [3, -2, 1, 0.5, -0.25, 2.5, 1.5, -1];
  const b = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const s of [1e155, 1e-200]) {
    const { x, stats } = minres(diagonal(d.map((v) => v * s)), b, { rtol: 1e-10 });
    t.is(stats.status, "converged", `s = ${s}`);
    const err = Math.max(...Array.from(x.data, (v, i) => Math.abs((v * (d[i] as number) * s) / (b[i] as number) - 1)));
    t.true(err < 1e-9, `s = ${s}: relative error ${err}`);
    t.true(stats.residualNorm <= 1e-10 * Math.hypot(...b));
  }
  const { values, stats } = powerIteration(diagonal(d.map((v) => v * 1e-170)), { k: 2, tol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(Math.abs((values[0] as number) / 3e-170 - 1) < 1e-8);
  t.true(Math.abs((values[1] as number) / 2.5e-170 - 1) < 1e-8);
});

test("the callbacks of cg and minres see the x (and r) of the problem as given, also when b is rescaled inside", (t) => {
  const d = [4, 3, 2, 1.5, 1];
  for (const s of [1e-300, 1e300]) {
    const b = d.map((v) => v * s);
    const seen: number[][] = [];
    const cgRun = cg(diagonal(d.map((v) => v * s)), b, {
      callback: (info) => {
        seen.push([info.x.get(0), info.residual.get(0) / s, info.residualNorm / s]);
      },
    });
    const ref: number[][] = [];
    cg(diagonal(d), d, { callback: (info) => void ref.push([info.x.get(0), info.residual.get(0), info.residualNorm]) });
    t.is(seen.length, ref.length);
    seen.forEach((row, k) => row.forEach((v, j) => t.true(Math.abs(v - (ref[k]?.[j] as number)) <= 1e-12 * (1 + Math.abs(ref[k]?.[j] as number)), `cg s ${s} step ${k} field ${j}`)));
    t.deepEqual(Array.from(cgRun.x.data, (v) => Math.round(v * 1e12) / 1e12), [1, 1, 1, 1, 1]);
    const xs: number[] = [];
    minres(diagonal(d.map((v) => v * s)), b, { callback: (info) => void xs.push(info.x.get(0)) });
    t.true(xs.length > 0 && xs.every((v) => Math.abs(v) < 10), `minres s ${s}: x₀ seen ${xs.join(", ")}`);
  }
});

test("powerIteration normalizes vectors whose norm is subnormal (1/‖w‖ would overflow)", (t) => {
  for (const s of [1e-305, 1e-310]) {
    const { values, stats } = powerIteration(diagonal([3, -2, 1, 0.5].map((v) => v * s)), { k: 2, tol: 1e-6 });
    t.is(stats.status, "converged", `s = ${s}`);
    t.true(Math.abs((values[0] as number) / (3 * s) - 1) < 1e-6 && Math.abs((values[1] as number) / (-2 * s) - 1) < 1e-6, `s = ${s}: ${values}`);
  }
});

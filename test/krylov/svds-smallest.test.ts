/**
 * svds at the small end (which: 'smallest'), with Ritz and harmonic Ritz restarts, against the
 * dense one-sided Jacobi SVD of test/helpers: clustered and tiny singular values, exact zeros of
 * a rank-deficient matrix, and a seeded property test; every 'converged' is checked on the true
 * residuals ‖Av − σu‖, ‖Aᵀu − σv‖ from the dense matrix.
 */
import test from "ava";
import fc from "fast-check";
import { dense, type Vec } from "@krylov-ts/operators";
import { svds } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { denseSvd, matvecRect, matvecTransposeRect } from "../helpers/dense-least-squares.js";

const RESTARTS = ["ritz", "harmonic"] as const;

function arr(v: Vec): Float64Array {
  return Float64Array.from({ length: v.shape[0] ?? 0 }, (_, i) => v.get(i));
}

/** The largest true residual max(‖Av − σu‖, ‖Aᵀu − σv‖) of the returned triplets, from the dense matrix. */
function trueResidual(a: Float64Array, m: number, n: number, r: ReturnType<typeof svds>): number {
  let worst = 0;
  r.values.forEach((s, i) => {
    const u = arr(r.U[i] as Vec), v = arr(r.V[i] as Vec);
    const av = matvecRect(a, m, n, v), atu = matvecTransposeRect(a, m, n, u);
    const e1 = Math.sqrt(av.reduce((acc, x, j) => acc + (x - s * (u[j] as number)) ** 2, 0));
    const e2 = Math.sqrt(atu.reduce((acc, x, j) => acc + (x - s * (v[j] as number)) ** 2, 0));
    worst = Math.max(worst, e1, e2);
  });
  return worst;
}

for (const restart of RESTARTS) {
  test(`svds smallest (${restart} restart) finds a cluster of small singular values and meets the tolerance on the true residuals`, (t) => {
    // 1e-3·(1, 1.001, 1.002, 1.003) under a spread 0.05…1: clustered, and tiny relative to ‖A‖.
    const sigma = Array.from({ length: 40 }, (_, i) => (i < 36 ? 1 - (0.95 * i) / 35 : 1e-3 * (1 + 0.001 * (39 - i))));
    const p = leastSquaresProblem(70, 40, { sigma, seed: 61 });
    const r = svds(p.A, { k: 3, which: "smallest", restart, tol: 1e-10, maxBasis: 30, maxMatvecs: 40000 });
    t.is(r.stats.status, "converged", r.stats.message);
    const want = [1e-3, 1.001e-3, 1.002e-3];
    for (let i = 0; i < 3; i++) t.true(Math.abs((r.values[i] as number) - (want[i] as number)) <= 1e-9, `σ${i} ${r.values[i]}`);
    const res = trueResidual(p.a, 70, 40, r);
    t.true(res <= 1e-10 * r.estimates.normA, `true residual ${res}`);
    t.true(Math.abs(res - Math.max(...r.residuals)) <= 1e-13);
  });

  test(`svds smallest (${restart} restart) returns the zero singular value of a rank-deficient matrix and the next ones`, (t) => {
    // rank 24 of 25: one zero. (A multiple zero is found once per Krylov space, as by any Krylov
    // method from one start vector: with rank 22, three zeros, 0 then 0.3 come back.)
    const sigma = Array.from({ length: 24 }, (_, i) => 2.6 - i / 10);
    const p = leastSquaresProblem(45, 25, { sigma, rank: 24, seed: 62 });
    const r = svds(p.A, { k: 3, which: "smallest", restart, tol: 1e-10, maxBasis: 20, maxMatvecs: 20000 });
    t.is(r.stats.status, "converged", r.stats.message);
    t.true(Math.abs(r.values[0] as number) <= 1e-9, `σ0 = ${r.values[0]}`);
    t.true(Math.abs((r.values[1] as number) - 0.3) <= 1e-9, `σ1 = ${r.values[1]}`);
    t.true(Math.abs((r.values[2] as number) - 0.4) <= 1e-9, `σ2 = ${r.values[2]}`);
    t.true(trueResidual(p.a, 45, 25, r) <= 1e-10 * 2.6);
  });
}

test("svds smallest: the harmonic restart is only for the small end", (t) => {
  const A = dense(new Float64Array(12).fill(1), [4, 3]);
  t.throws(() => svds(A, { restart: "harmonic" }), { instanceOf: RangeError, message: /options\.restart 'harmonic'.*which: 'smallest'/ });
  t.throws(() => svds(A, { which: "smallest", restart: "thick" as "ritz" }), { instanceOf: RangeError, message: /options\.restart/ });
});

test("svds smallest agrees with the dense SVD on random matrices, with both restarts (property, seeded)", (t) => {
  const seed = 6363;
  const result = fc.check(
    fc.property(
      fc.integer({ min: 3, max: 30 }), fc.integer({ min: 3, max: 30 }), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(...RESTARTS),
      (m, n, s, restart) => {
        const g = leastSquaresProblem(m, n, { seed: s, cond: 30 });
        const a = Float64Array.from(g.a, (v, i) => v + 0.1 * Math.sin(i * 1.3 + s));
        const ref = denseSvd(a, m, n).sigma; // descending
        const q = Math.min(m, n);
        const k = Math.min(2, q - 1);
        const r = svds(dense(a, [m, n]), { k, which: "smallest", restart, tol: 1e-10, maxMatvecs: 50000 });
        if (r.stats.status !== "converged") return false;
        for (let i = 0; i < k; i++) if (Math.abs((r.values[i] as number) - (ref[q - 1 - i] as number)) > 1e-8 * (ref[0] as number)) return false;
        return trueResidual(a, m, n, r) <= 1e-10 * r.estimates.normA * 1.000001;
      },
    ),
    { seed, numRuns: 40 },
  );
  t.false(result.failed, `seed ${seed}: counterexample ${JSON.stringify(result.counterexample)}`);
});

/**
 * lsqr, lsmr, svds and lobpcg give the same bits with their workspaces in WebAssembly memory (the SIMD
 * kernels, forced for every length) as with plain arrays (the JavaScript kernels).
 */
import test from "ava";
import { dense } from "@krylov-ts/operators";
import { lobpcg, lsmr, lsqr, svds } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { sameArray, withBackend } from "../helpers/backends.js";
import { randomSPD, withSpectrum } from "../helpers/dense.js";

const p = leastSquaresProblem(90, 37, { cond: 300, inconsistency: 0.4, seed: 61 });

for (const [name, solve] of [["lsqr", lsqr], ["lsmr", lsmr]] as const) {
  test(`${name} returns the same x, iterations and residual on the SIMD and the JavaScript kernels`, (t) => {
    const opts = { atol: 1e-11, btol: 1e-11, damp: 0.01, maxIterations: 1000 };
    const a = withBackend(true, () => solve(p.A, p.b, opts));
    const b = withBackend(false, () => solve(p.A, p.b, opts));
    t.true(a.stats.converged);
    t.is(a.stats.iterations, b.stats.iterations);
    t.is(a.stats.residualNorm, b.stats.residualNorm);
    sameArray(t, a.x.data, b.x.data, `${name} x`);
  });
}

test("svds returns the same values and vectors on the SIMD and the JavaScript kernels", (t) => {
  const a = withBackend(true, () => svds(p.A, { k: 4, tol: 1e-10 }));
  const b = withBackend(false, () => svds(p.A, { k: 4, tol: 1e-10 }));
  t.true(a.stats.converged);
  t.is(a.stats.matvecs, b.stats.matvecs);
  sameArray(t, a.values, b.values, "σ");
  for (let i = 0; i < 4; i++) sameArray(t, a.V[i]!.data, b.V[i]!.data, `v${i}`);
});

test("lobpcg returns the same values and vectors on the SIMD and the JavaScript kernels (generalized, preconditioned)", (t) => {
  const n = 45;
  const A = dense(withSpectrum(Array.from({ length: n }, (_, i) => 1 + i), 9), [n, n], { symmetric: true });
  const B = randomSPD(n, 10, 10);
  const M = randomSPD(n, 5, 11);
  const run = (): ReturnType<typeof lobpcg> => lobpcg(A, { k: 3, B, M, tol: 1e-10 });
  const a = withBackend(true, run);
  const b = withBackend(false, run);
  t.true(a.stats.converged);
  t.is(a.stats.iterations, b.stats.iterations);
  sameArray(t, a.values, b.values, "λ");
  for (let i = 0; i < 3; i++) sameArray(t, a.vectors[i]!.data, b.vectors[i]!.data, `x${i}`);
});

/**
 * lsqr, lsmr and svds give the same bits with their workspaces in WebAssembly memory (the SIMD
 * kernels, forced for every length) as with plain arrays (the JavaScript kernels).
 */
import test from "ava";
import { lsmr, lsqr, svds } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { sameArray, withBackend } from "../helpers/backends.js";

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

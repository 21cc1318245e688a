/**
 * gmres and fgmres are scale-invariant at any scale float64 holds: on s·A (and s·b), for s in
 * 1e±50, 1e±150, 1e±300, they return the same x (s·b) or x/s (b alone), s·(the residual) and the
 * same status; and with b scaled alone, s·x. No norm, Gram–Schmidt coefficient or Givens rotation
 * overflows or underflows.
 */
import test from "ava";
import fc from "fast-check";
import { dense } from "@krylov-ts/operators";
import { fgmres, gmres } from "@krylov-ts/krylov";
import { relErr } from "../helpers/dense.js";
import { randomNonsymmetric } from "../helpers/problems/index.js";

const SCALES = [1e-300, 1e-150, 1e-50, 1e50, 1e150, 1e300];

/** A random non-symmetric n×n problem (eigenvalues in the disc |λ − 3| ≲ 1), its b, and a scale. */
const problem = fc
  .record({ n: fc.integer({ min: 4, max: 24 }), seed: fc.integer({ min: 1, max: 1 << 20 }), s: fc.constantFrom(...SCALES) })
  .map(({ n, seed, s }) => {
    const { a } = randomNonsymmetric(n, 3, seed);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(seed + 7 * i));
    return { n, seed, s, a, b };
  });

const scaled = (a: Float64Array, s: number): Float64Array => a.map((v) => v * s);

for (const [name, solver] of [["gmres", gmres], ["fgmres", fgmres]] as const) {
  test(`${name} on s·A with s·b returns the x of A and b, and on s·A with b returns x/s, with the same status`, (t) => {
    fc.assert(
      fc.property(problem, ({ n, a, b, s }) => {
        const opts = { rtol: 1e-12, restart: 8 };
        const ref = solver(dense(a, [n, n]), b, opts);
        const both = solver(dense(scaled(a, s), [n, n]), b.map((v) => v * s), opts);
        const onlyA = solver(dense(scaled(a, s), [n, n]), b, opts);
        const onlyB = solver(dense(a, [n, n]), b.map((v) => v * s), opts);
        return (
          ref.stats.status === "converged" &&
          both.stats.status === ref.stats.status &&
          onlyA.stats.status === ref.stats.status &&
          relErr(both.x.data, ref.x.data) < 1e-9 &&
          relErr(onlyA.x.data.map((v) => v * s), ref.x.data) < 1e-9 &&
          Math.abs(both.stats.residualNorm / s - ref.stats.residualNorm) <= 1e-11 * Math.hypot(...b) &&
          onlyB.stats.status === ref.stats.status &&
          relErr(onlyB.x.data.map((v) => v / s), ref.x.data) < 1e-9
        );
      }),
      { seed: 9101, numRuns: 24 },
    );
    t.pass();
  });
}

test("gmres with x0 and a left or right preconditioner on s·A, s·b, s·x0 returns the same x and status for s = 1e±300", (t) => {
  const n = 20;
  const { a } = randomNonsymmetric(n, 3, 77);
  const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const x0 = Float64Array.from({ length: n }, (_, i) => 0.1 * Math.sin(3 * i));
  const jacobi = (s: number) => dense(Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 / (s * (a[k] as number)) : 0)), [n, n]);
  for (const side of ["left", "right"] as const) {
    const ref = gmres(dense(a, [n, n]), b, { rtol: 1e-12, restart: 6, x0, M: jacobi(1), side });
    t.is(ref.stats.status, "converged");
    for (const s of [1e300, 1e-300]) {
      // s·A x = s·b has the same x: x0 is the same too; M ≈ (s·A)⁻¹ scales by 1/s.
      const run = gmres(dense(scaled(a, s), [n, n]), b.map((v) => v * s), { rtol: 1e-12, restart: 6, x0, M: jacobi(s), side });
      t.is(run.stats.status, ref.stats.status, `${side} ${s}: ${run.stats.message ?? ""}`);
      t.true(relErr(run.x.data, ref.x.data) < 1e-9, `${side} ${s}`);
      t.is(run.stats.matvecs, ref.stats.matvecs + (x0 === undefined ? 0 : 1), `${side} ${s}: one product more to fix the scale from x0`);
    }
  }
});

import test from "ava";
import { diagonal } from "@krylov-ts/operators";
import { minres } from "@krylov-ts/krylov";

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

/**
 * An operator that returns NaN or ∞ (an overflowing Hessian) ends cg, minres, powerIteration
 * and hutchinson with status 'breakdown' and a NaN (or non-finite) residual: never 0, never
 * 'converged', never thrown.
 */
import test from "ava";
import { operator, type LinearOperator } from "@krylov-ts/operators";
import { cg, hutchinson, minres, powerIteration } from "@krylov-ts/krylov";

/** An n×n operator (promised symmetric) whose every product is `value`. */
function constantOperator(value: number, n = 6): LinearOperator {
  return operator([n, n], (_x, out) => {
    out!.data.fill(value);
    return out!;
  }, { symmetric: true });
}

/** The identity, except that products after the first `good` ones are NaN (a run that overflows midway). */
function failingLater(good: number, n = 6): LinearOperator {
  let calls = 0;
  return operator([n, n], (x, out) => {
    calls++;
    for (let i = 0; i < n; i++) out!.data[out!.offset + i] = calls > good ? NaN : (i + 1) * (x.get(i) as number);
    return out!;
  }, { symmetric: true });
}

const b = [1, 2, 3, 4, 5, 6];

for (const value of [NaN, Infinity]) {
  test(`cg, minres and powerIteration report an operator returning ${value} as a breakdown with a non-finite residual`, (t) => {
    const runs = {
      cg: cg(constantOperator(value), b).stats,
      minres: minres(constantOperator(value), b).stats,
      powerIteration: powerIteration(constantOperator(value)).stats,
    };
    for (const [name, stats] of Object.entries(runs)) {
      t.is(stats.status, "breakdown", name);
      t.false(stats.converged, name);
      t.false(Number.isFinite(stats.residualNorm), `${name}: residualNorm ${stats.residualNorm}`);
    }
  });
}

test("cg and minres report NaN products midway as a breakdown with a NaN residual, not the last finite one", (t) => {
  for (const [name, stats] of [["cg", cg(failingLater(3), b, { rtol: 1e-14 }).stats], ["minres", minres(failingLater(3), b, { rtol: 1e-14 }).stats]] as const) {
    t.is(stats.status, "breakdown", name);
    t.false(stats.converged, name);
    t.true(Number.isNaN(stats.residualNorm), `${name}: residualNorm ${stats.residualNorm}`);
  }
});

test("hutchinson reports a non-finite probe value as a breakdown, not as converged", (t) => {
  for (const method of ["hutchinson", "hutch++"] as const) {
    const result = hutchinson(constantOperator(NaN), { probes: 6, method });
    t.is(result.stats.status, "breakdown", method);
    t.false(result.stats.converged, method);
    t.regex(result.stats.message ?? "", /not finite/, method);
  }
});

test("minres without a preconditioner does not blame one when a product is not finite", (t) => {
  const A = operator([3, 3], (_x, out) => {
    out!.data.fill(NaN);
    return out!;
  }, { symmetric: true });
  const { stats } = minres(A, [1, 2, 3]);
  t.is(stats.status, "breakdown");
  t.notRegex(stats.message ?? "", /preconditioner/);
  t.regex(stats.message ?? "", /not finite/);
});

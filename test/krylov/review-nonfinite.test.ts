import test from "ava";
import { operator, type LinearOperator } from "@krylov-ts/operators";
import { hutchinson, lanczos, lanczosProcess, slq } from "@krylov-ts/krylov";

/** A 6×6 operator (promised symmetric) whose every product is NaN, as an overflowing Hessian gives. */
function nanOperator(n = 6): LinearOperator {
  return operator([n, n], (_x, out) => {
    out!.data.fill(NaN);
    return out!;
  }, { symmetric: true });
}

test("lanczosProcess reports a non-finite coefficient as an unconverged breakdown", (t) => {
  const run = lanczosProcess(nanOperator(), { steps: 3 });
  t.is(run.stats.status, "breakdown");
  t.false(run.stats.converged);
  t.regex(run.stats.message ?? "", /non-finite/);
});

test("lanczosProcess still counts an invariant subspace as a converged breakdown", (t) => {
  const zero = operator([4, 4], (_x, out) => {
    out!.data.fill(0);
    return out!;
  }, { symmetric: true });
  const run = lanczosProcess(zero, { steps: 3 });
  t.is(run.stats.status, "breakdown");
  t.true(run.stats.converged);
});

test("slq reports a non-finite product as a breakdown in stats instead of throwing", (t) => {
  const result = slq(nanOperator(), { probes: 2, steps: 3 });
  t.is(result.stats.status, "breakdown");
  t.false(result.stats.converged);
  t.regex(result.stats.message ?? "", /non-finite/);
});

test("lanczos reports a non-finite product as a breakdown in stats instead of throwing", (t) => {
  const result = lanczos(nanOperator(), { k: 1, maxBasis: 4 });
  t.is(result.stats.status, "breakdown");
  t.false(result.stats.converged);
  t.regex(result.stats.message ?? "", /non-finite/);
});

test("hutchinson reports a non-finite probe value as a breakdown, not as converged", (t) => {
  for (const method of ["hutchinson", "hutch++"] as const) {
    const result = hutchinson(nanOperator(), { probes: 6, method });
    t.is(result.stats.status, "breakdown", method);
    t.false(result.stats.converged, method);
    t.regex(result.stats.message ?? "", /not finite/, method);
  }
});

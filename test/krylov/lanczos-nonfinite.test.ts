import test from "ava";
import { diagonal, operator, type LinearOperator } from "@krylov-ts/operators";
import { lanczos, lanczosProcess, slq } from "@krylov-ts/krylov";

/** A 6×6 operator (promised symmetric) whose every product is NaN, as an overflowing Hessian gives. */
function nanOperator(n = 6): LinearOperator {
  return operator([n, n], (_x, out) => {
    out!.data.fill(NaN);
    return out!;
  }, { symmetric: true });
}

/** diag(1…n) whose products turn NaN from the `from`-th on (a Hessian that overflows once the iterate moves). */
function nanAfter(n: number, from: number): LinearOperator {
  const D = diagonal(Float64Array.from({ length: n }, (_, i) => i + 1));
  let count = 0;
  return operator([n, n], (x, out) => {
    D.apply(x, out!);
    if (++count >= from) out!.data.fill(NaN);
    return out!;
  }, { symmetric: true });
}

test("lanczosProcess reports a non-finite coefficient as an unconverged breakdown", (t) => {
  const run = lanczosProcess(nanOperator(), { steps: 3 });
  t.is(run.stats.status, "breakdown");
  t.false(run.stats.converged);
  t.regex(run.stats.message ?? "", /non-finite/);
  t.true(Number.isNaN(run.stats.residualNorm));
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

test("slq reports a non-finite product as a breakdown with residualNorm NaN instead of throwing", (t) => {
  const result = slq(nanOperator(), { probes: 2, steps: 3 });
  t.is(result.stats.status, "breakdown");
  t.false(result.stats.converged);
  t.regex(result.stats.message ?? "", /non-finite/);
  t.true(Number.isNaN(result.stats.residualNorm));
});

test("slq's residualNorm is NaN when a later probe meets a non-finite product", (t) => {
  const result = slq(nanAfter(30, 25), { probes: 3, steps: 10 });
  t.is(result.stats.status, "breakdown");
  t.true(Number.isNaN(result.stats.residualNorm));
});

for (const reorthogonalization of ["full", "partial", "selective", "none"] as const) {
  test(`lanczos '${reorthogonalization}' reports a non-finite product as a breakdown with residualNorm NaN, never 0`, (t) => {
    const result = lanczos(nanOperator(), { k: 1, maxBasis: 4, reorthogonalization });
    t.is(result.stats.status, "breakdown");
    t.false(result.stats.converged);
    t.regex(result.stats.message ?? "", /non-finite/);
    t.true(Number.isNaN(result.stats.residualNorm));
  });

  test(`lanczos '${reorthogonalization}' gives residualNorm NaN when the products turn NaN after some pairs were locked`, (t) => {
    const result = lanczos(nanAfter(200, 60), { k: 4, maxBasis: 10, reorthogonalization, maxMatvecs: 5000 });
    t.is(result.stats.status, "breakdown");
    t.false(result.stats.converged);
    t.true(Number.isNaN(result.stats.residualNorm));
  });
}

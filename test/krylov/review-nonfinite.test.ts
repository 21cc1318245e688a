import test from "ava";
import { operator, type LinearOperator } from "@krylov-ts/operators";
import { hutchinson } from "@krylov-ts/krylov";

/** A 6×6 operator (promised symmetric) whose every product is NaN, as an overflowing Hessian gives. */
function nanOperator(n = 6): LinearOperator {
  return operator([n, n], (_x, out) => {
    out!.data.fill(NaN);
    return out!;
  }, { symmetric: true });
}

test("hutchinson reports a non-finite probe value as a breakdown, not as converged", (t) => {
  for (const method of ["hutchinson", "hutch++"] as const) {
    const result = hutchinson(nanOperator(), { probes: 6, method });
    t.is(result.stats.status, "breakdown", method);
    t.false(result.stats.converged, method);
    t.regex(result.stats.message ?? "", /not finite/, method);
  }
});

import test from "ava";
import { diagonal, operator } from "@krylov-ts/operators";
import { lanczosProcess, minres } from "@krylov-ts/krylov";

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

test("lanczosProcess refuses a basis option that is not a boolean", (t) => {
  const error = t.throws(() => lanczosProcess(diagonal([1, 2, 3]), { steps: 2, basis: "yes" as unknown as boolean }));
  t.regex(error?.message ?? "", /^lanczosProcess: options\.basis must be a boolean/);
});

import test from "ava";
import { diagonal } from "@krylov-ts/operators";
import { lanczosProcess } from "@krylov-ts/krylov";

test("lanczosProcess refuses a basis option that is not a boolean", (t) => {
  const error = t.throws(() => lanczosProcess(diagonal([1, 2, 3]), { steps: 2, basis: "yes" as unknown as boolean }));
  t.regex(error?.message ?? "", /^lanczosProcess: options\.basis must be a boolean/);
});

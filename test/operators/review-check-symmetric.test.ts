import test from "ava";
import { checkSymmetric, identity } from "@krylov-ts/operators";

test("checkSymmetric refuses a non-finite seed with an error naming checkSymmetric and options.seed", (t) => {
  t.throws(() => checkSymmetric(identity(3), { seed: Number.NaN }), {
    instanceOf: RangeError,
    message: /^checkSymmetric: options\.seed must be a finite number, got NaN/,
  });
});

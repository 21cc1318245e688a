import test from "ava";
import { vec } from "@krylov-ts/operators";
import { params } from "@krylov-ts/autodiff";

test("pack leaves out untouched when a later parameter is missing", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  const out = vec([9, 9, 9, 9, 9, 9]);
  t.throws(() => P.pack({ W: [1, 2, 3, 4] } as never, out), { instanceOf: RangeError, message: /no value for parameter 'b'/ });
  t.deepEqual(Array.from(out.data), [9, 9, 9, 9, 9, 9]);
});

test("pack leaves out untouched when a later parameter has the wrong size", (t) => {
  const P = params({ W: [2, 2], b: [2] });
  const out = vec([9, 9, 9, 9, 9, 9]);
  t.throws(() => P.pack({ W: [1, 2, 3, 4], b: [1, 2, 3] }, out), { instanceOf: RangeError, message: /'b' \[2\] needs 2 values but got 3/ });
  t.deepEqual(Array.from(out.data), [9, 9, 9, 9, 9, 9]);
});

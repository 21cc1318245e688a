import test from "ava";
import { toDense, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";

test("toDense reads the vector a plain LinearOperator returns, not only what it writes into out", (t) => {
  // A user's operator that ignores `out` and returns a new vector, as the interface allows.
  const A: LinearOperator = {
    shape: [2, 3],
    apply: (x: Vec): Vec => vec([x.get(0) + 2 * x.get(1), 3 * x.get(2)]),
  };
  t.deepEqual(Array.from(toDense(A).data), [1, 2, 0, 0, 0, 3]);
});

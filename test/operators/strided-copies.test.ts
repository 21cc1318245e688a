/**
 * BaseOperator's copies of strided vectors are made once per direction: a rectangular operator
 * applied alternately as A x and Aᵀ x (as LSQR-like loops do) on strided vectors allocates no
 * new vector per product, and the products stay right.
 */
import test from "ava";
import ndarray from "ndarray";
import { csr, dense, type LinearOperator, type Vec } from "@krylov-ts/operators";

/** Runs `fn` counting the Float64Arrays constructed meanwhile (through the global constructor). */
function countFloat64Arrays(fn: () => void): number {
  const original = globalThis.Float64Array;
  let count = 0;
  globalThis.Float64Array = new Proxy(original, {
    construct(target, args, newTarget) {
      count++;
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  try {
    fn();
  } finally {
    globalThis.Float64Array = original;
  }
  return count;
}

function strided(n: number, stride: number): Vec {
  const v = ndarray(new Float64Array(n * stride), [n], [stride]);
  for (let i = 0; i < n; i++) v.set(i, i + 1);
  return v;
}

const operators: Array<[string, LinearOperator]> = [
  ["csr 3×5", csr([0, 0, 2, 2, 2], [1, 4, 0, 2, 4], [1, 2, 3, 4, 5], [3, 5])],
  ["dense 3×5", dense([[0, 1, 0, 0, 2], [0, 0, 0, 0, 0], [3, 0, 4, 0, 5]])],
];

for (const [name, A] of operators) {
  test(`${name}: alternating A x and Aᵀ x on strided vectors allocates no vector per product`, (t) => {
    const x = strided(5, 2);
    const y = strided(3, 3);
    const out3 = ndarray(new Float64Array(6), [3], [2]);
    const out5 = ndarray(new Float64Array(15), [5], [3]);
    const round = (): void => {
      A.apply(x, out3);
      A.applyTranspose!(y, out5);
    };
    round(); // the first products may make their copies
    t.is(countFloat64Arrays(() => { for (let r = 0; r < 10; r++) round(); }), 0);
    t.deepEqual([0, 1, 2].map((i) => out3.get(i)), [12, 0, 40]); // A [1..5]
    t.deepEqual([0, 1, 2, 3, 4].map((i) => out5.get(i)), [9, 1, 12, 0, 17]); // Aᵀ [1, 2, 3]
  });
}

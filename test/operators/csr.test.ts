import test from "ava";
import { csr, toDense, vec } from "@krylov-ts/operators";

test("csr sums duplicate triplets and sorts each row by column", (t) => {
  const A = csr([1, 0, 1, 1, 0], [2, 1, 0, 2, 1], [1, 2, 3, 4, 5], [2, 3]);
  t.deepEqual(Array.from(toDense(A).data), [0, 7, 0, 3, 0, 5]);
  t.is(A.nnz, 3);
  t.deepEqual(Array.from(A.rowPointers), [0, 1, 3]);
  t.deepEqual(Array.from(A.colIndices), [1, 0, 2]);
});

test("csr detects exact symmetry and honours a promise", (t) => {
  t.true(csr([0, 1, 0], [1, 0, 0], [2, 2, 1], [2, 2]).symmetric);
  t.false(csr([0, 1], [1, 0], [2, 2.5], [2, 2]).symmetric);
  t.false(csr([0], [1], [1], [2, 2]).symmetric);
  t.true(csr([0, 1], [1, 0], [2, 0], [2, 2], { symmetric: true }).symmetric);
  t.throws(() => csr([], [], [], [2, 3], { symmetric: true }), {
    instanceOf: RangeError,
    message: "csr: symmetric was promised but the matrix is 2×3",
  });
});

test("csr reads entries and its diagonal", (t) => {
  const A = csr([0, 1, 2, 2], [0, 1, 0, 2], [4, 5, 6, 7], [3, 3]);
  t.is(A.get(2, 0), 6);
  t.is(A.get(0, 2), 0);
  t.deepEqual(Array.from(A.getDiagonal()), [4, 5, 7]);
});

test("csr with empty rows and no entries applies as zero there", (t) => {
  const A = csr([2], [1], [3], [4, 2]);
  t.deepEqual(Array.from(A.apply(vec([1, 2])).data), [0, 0, 6, 0]);
  t.deepEqual(Array.from(A.applyTranspose!(vec([1, 1, 1, 1])).data), [0, 3]);
  t.deepEqual(Array.from(csr([], [], [], [0, 0]).apply(vec(0)).data), []);
});

test("csr leaves its triplet arrays unchanged", (t) => {
  const rows = [1, 0, 1];
  const cols = [0, 1, 0];
  const values = [1, 2, 3];
  csr(rows, cols, values, [2, 2]);
  t.deepEqual([rows, cols, values], [[1, 0, 1], [0, 1, 0], [1, 2, 3]]);
});

test("csr names the index, its value and the size when an index is out of range", (t) => {
  t.throws(() => csr([0, 3], [0, 0], [1, 1], [3, 2]), {
    instanceOf: RangeError,
    message: "csr: rows[1] = 3 is out of range for a 3×2 matrix (rows must be integers in 0…2)",
  });
  t.throws(() => csr([0], [-1], [1], [3, 2]), { instanceOf: RangeError, message: /csr: cols\[0\] = -1 is out of range for a 3×2 matrix/ });
  t.throws(() => csr([0.5], [0], [1], [3, 2]), { instanceOf: RangeError, message: /csr: rows\[0\] = 0.5/ });
});

test("csr names the arrays whose lengths differ and refuses bad shapes", (t) => {
  t.throws(() => csr([0, 1], [0], [1, 1], [2, 2]), { instanceOf: RangeError, message: "csr: cols has length 1 but rows has length 2" });
  t.throws(() => csr([0], [0], [1, 2], [2, 2]), { instanceOf: RangeError, message: "csr: values has length 2 but rows has length 1" });
  t.throws(() => csr([], [], [], [-1, 2]), { instanceOf: RangeError, message: "csr: shape must hold non-negative integers, got [-1, 2]" });
  t.throws(() => csr([], [], [], [NaN, 2]), { instanceOf: RangeError, message: /csr: shape must hold non-negative integers, got \[NaN, 2\]/ });
});

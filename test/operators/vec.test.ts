import test from "ava";
import { vec, dot, axpy, scal, nrm2, copy, fill, asVec, rng, dense, diagonal, toDense } from "@krylov-ts/operators";
import ndarray from "ndarray";

test("dot of contiguous vectors is the sum of products", (t) => {
  t.is(dot(vec([1, 2, 3]), vec([4, 5, 6])), 32);
});

test("dot and axpy agree on strided views with the contiguous path", (t) => {
  const data = Float64Array.from([1, 10, 2, 20, 3, 30]);
  const x = ndarray(data, [3], [2], 0);
  const y = vec([1, 1, 1]);
  t.is(dot(x, y), 6);
  axpy(2, x, y);
  t.deepEqual(Array.from(y.data), [3, 5, 7]);
});

test("nrm2 does not overflow for huge entries", (t) => {
  const r = nrm2(vec([1e200, 1e200]));
  t.true(Math.abs(r / (Math.SQRT2 * 1e200) - 1) < 1e-15);
  t.true(Math.abs(nrm2(vec([3e-200, 4e-200])) / 5e-200 - 1) < 1e-15);
});

test("scal, copy and fill write into out and return it", (t) => {
  const x = vec([1, 2]);
  const o = vec(2);
  t.is(scal(3, x, o), o);
  t.deepEqual(Array.from(o.data), [3, 6]);
  t.deepEqual(Array.from(x.data), [1, 2]);
  t.deepEqual(Array.from(copy(x).data), [1, 2]);
  t.deepEqual(Array.from(fill(7, o).data), [7, 7]);
});

test("a length mismatch names the kernel and both lengths", (t) => {
  t.throws(() => dot(vec(3), vec(4)), { instanceOf: RangeError, message: "dot: x has length 3 but y has length 4" });
});

test("asVec converts a number array", (t) => {
  t.deepEqual(Array.from(asVec([1, 2]).data), [1, 2]);
});

test("the seeded generator repeats its stream and draws standard normals", (t) => {
  const a = rng(7).normalVec(20000);
  const b = rng(7).normalVec(20000);
  t.deepEqual(a.data, b.data);
  let m = 0, v = 0;
  for (const x of a.data) m += x;
  m /= a.data.length;
  for (const x of a.data) v += (x - m) ** 2;
  v /= a.data.length;
  t.true(Math.abs(m) < 0.03 && Math.abs(v - 1) < 0.05);
});

test("dense and diagonal apply match their matrices", (t) => {
  const A = dense([[1, 2], [3, 4], [5, 6]]);
  t.deepEqual(Array.from(A.apply(vec([1, 1])).data), [3, 7, 11]);
  t.deepEqual(Array.from(A.applyTranspose!(vec([1, 0, 1])).data), [6, 8]);
  t.deepEqual(Array.from(toDense(diagonal([2, 3])).data), [2, 0, 0, 3]);
});

test("overlaps tells disjoint views of one buffer from overlapping ones", async (t) => {
  const { overlaps } = await import("@krylov-ts/operators");
  const buf = new Float64Array(10);
  const a = ndarray(buf, [4], [1], 0);
  const b = ndarray(buf, [4], [1], 4);
  const c = ndarray(buf, [4], [1], 3);
  const strided = ndarray(buf, [3], [3], 1); // elements 1, 4, 7
  t.false(overlaps(a, b));
  t.true(overlaps(a, c));
  t.true(overlaps(strided, b));
  t.false(overlaps(a, vec(4)));
  t.false(overlaps(ndarray(buf.subarray(0, 5), [5]), ndarray(buf.subarray(5), [5])));
});

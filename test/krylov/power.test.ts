import test from "ava";
import { dense, diagonal, rng, vec, zero } from "@krylov-ts/operators";
import { powerIteration } from "@krylov-ts/krylov";
import { matvec, randomSPD, symmetricEigen, withSpectrum } from "../helpers/dense.js";

test("powerIteration finds the top three eigenpairs of a random symmetric matrix", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i < 3 ? [10, 6, 3][i] as number : 1 - i / n));
  const a = withSpectrum(ev, 60);
  const reference = symmetricEigen(a, n).values;
  const { values, vectors, residualNorms, stats } = powerIteration(dense(a, [n, n]), { k: 3, tol: 1e-10 });
  t.is(stats.status, "converged");
  t.is(values.length, 3);
  for (let j = 0; j < 3; j++) {
    const expected = reference[n - 1 - j] as number;
    t.true(Math.abs((values[j] as number) - expected) < 1e-9 * expected);
    const v = (vectors[j] as { data: Float64Array }).data;
    const av = matvec(a, n, n, v);
    let res = 0, vv = 0;
    for (let i = 0; i < n; i++) {
      res += ((av[i] as number) - (values[j] as number) * (v[i] as number)) ** 2;
      vv += (v[i] as number) ** 2;
    }
    t.true(Math.abs(vv - 1) < 1e-12);
    t.true(Math.sqrt(res) <= 1e-8 * Math.abs(values[j] as number));
    t.true(Math.abs(Math.sqrt(res) - (residualNorms[j] as number)) < 1e-12);
  }
  t.is(stats.matvecs, stats.iterations);
});

test("powerIteration finds the eigenvalue of largest magnitude even when it is negative", (t) => {
  const { values } = powerIteration(diagonal([1, -5, 3, 0.5]), { k: 2, tol: 1e-10, seed: 3 });
  t.true(Math.abs((values[0] as number) + 5) < 1e-9);
  t.true(Math.abs((values[1] as number) - 3) < 1e-9);
});

test("powerIteration started on an eigenvector stops after one product", (t) => {
  const { values, stats } = powerIteration(diagonal([1, 4, 2]), { v0: [0, 1, 0] });
  t.is(stats.matvecs, 1);
  t.is(values[0], 4);
});

test("powerIteration reports maxIterations for nearly equal dominant eigenvalues", (t) => {
  const n = 20;
  const ev = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? 0.999 : 0.1));
  const { stats, values } = powerIteration(dense(withSpectrum(ev, 61), [n, n]), { tol: 1e-12, maxIterations: 30 });
  t.is(stats.status, "maxIterations");
  t.false(stats.converged);
  t.is(values.length, 1);
  t.is(stats.iterations, 30);
});

test("powerIteration on the zero operator returns the eigenvalue 0 with a zero residual", (t) => {
  const { values, residualNorms, stats } = powerIteration(zero(5), { k: 2 });
  t.deepEqual(Array.from(values), [0, 0]);
  t.deepEqual(Array.from(residualNorms), [0, 0]);
  t.is(stats.status, "converged");
});

test("powerIteration is deterministic for a seed", (t) => {
  const A = randomSPD(30, 100, 62);
  const a = powerIteration(A, { k: 2, seed: 9 });
  const b = powerIteration(A, { k: 2, seed: 9 });
  t.deepEqual(Array.from(a.values), Array.from(b.values));
  t.is(a.stats.matvecs, b.stats.matvecs);
});

test("powerIteration stops when the callback returns true or the signal has fired", (t) => {
  const A = randomSPD(30, 100, 63);
  const a = powerIteration(A, { tol: 1e-14, callback: (info) => info.iteration === 5 });
  t.is(a.stats.status, "stopped");
  t.is(a.stats.iterations, 5);
  t.is(a.values.length, 1);
  const controller = new AbortController();
  controller.abort();
  t.is(powerIteration(A, { signal: controller.signal }).stats.status, "stopped");
});

test("powerIteration leaves v0 unmodified and refuses a non-symmetric operator when asked", (t) => {
  const v0 = vec([1, 2, 3]);
  powerIteration(diagonal([3, 2, 1]), { v0 });
  t.deepEqual(Array.from(v0.data), [1, 2, 3]);
  t.throws(() => powerIteration(dense([[1, 2], [0, 1]]), { checkSymmetric: true }), {
    instanceOf: RangeError,
    message: /powerIteration: A .*not symmetric/,
  });
});

test("powerIteration throws errors naming the function, the argument and the sizes", (t) => {
  const A = diagonal([1, 2, 3]);
  t.throws(() => powerIteration(A, { k: 4 }), { instanceOf: RangeError, message: "powerIteration: options.k is 4 but A is 3×3" });
  t.throws(() => powerIteration(A, { k: 0 }), { instanceOf: RangeError, message: /powerIteration: options.k must be an integer ≥ 1/ });
  t.throws(() => powerIteration(A, { tol: -1 }), { instanceOf: RangeError, message: /powerIteration: options.tol/ });
  t.throws(() => powerIteration(A, { v0: [1, 2] }), { instanceOf: RangeError, message: "powerIteration: options.v0 has length 2 but A is 3×3" });
  t.throws(() => powerIteration(dense([[1, 2, 3]])), { instanceOf: RangeError, message: "powerIteration: A must be square but is 1×3" });
  t.throws(() => powerIteration(A, { maxIterations: 0 }), { instanceOf: RangeError, message: /powerIteration: options.maxIterations/ });
  void rng;
});

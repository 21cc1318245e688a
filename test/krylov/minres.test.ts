import test from "ava";
import { dense, diagonal, identity, rng, scaled, shift, vec, type LinearOperator } from "@krylov-ts/operators";
import { minres } from "@krylov-ts/krylov";
import { denseSolve, matvec, poisson2d, randomIndefinite, randomSPD, relErr, withSpectrum } from "../helpers/dense.js";

/** ‖b − (A − σI)x‖₂ with A applied through its operator (independent of the solver). */
function trueResidual(A: LinearOperator, x: Float64Array, b: Float64Array, sigma = 0): number {
  const ax = A.apply(vec(x));
  let s = 0;
  for (let i = 0; i < b.length; i++) s += ((b[i] as number) - (ax.data[i] as number) + sigma * (x[i] as number)) ** 2;
  return Math.sqrt(s);
}

function norm(b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (b[i] as number) ** 2;
  return Math.sqrt(s);
}

test("minres solves a random symmetric indefinite system and reports its true residual", (t) => {
  const n = 50;
  const A = randomIndefinite(n, 3);
  const b = rng(40).normalVec(n).data;
  const { x, stats } = minres(A, b, { rtol: 1e-10 });
  t.is(stats.status, "converged");
  const r = trueResidual(A, x.data, b);
  t.true(r <= 1e-10 * norm(b));
  t.true(Math.abs(stats.residualNorm - r) <= 1e-12 * norm(b));
  t.true(relErr(x.data, denseSolve(A.data, n, b)) < 1e-8);
  t.is(stats.matvecs, stats.iterations + 1);
});

test("minres with a shift solves (A − σI)x = b for σ inside the spectrum", (t) => {
  const n = 40;
  const A = randomSPD(n, 100, 5);
  const sigma = 7.3;
  const b = rng(41).normalVec(n).data;
  const { x, stats } = minres(A, b, { shift: sigma, rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(trueResidual(A, x.data, b, sigma) <= 1e-10 * norm(b));
  const shifted = Float64Array.from(A.data);
  for (let i = 0; i < n; i++) shifted[i * n + i] = (shifted[i * n + i] as number) - sigma;
  t.true(relErr(x.data, denseSolve(shifted, n, b)) < 1e-7);
});

test("minres with a shift agrees with minres on the explicitly shifted operator", (t) => {
  const n = 30;
  const A = randomIndefinite(n, 6);
  const b = rng(42).normalVec(n).data;
  const a = minres(A, b, { shift: 0.5, rtol: 1e-12 });
  const c = minres(shift(A, -0.5), b, { rtol: 1e-12 });
  t.true(relErr(a.x.data, c.x.data) < 1e-9);
});

test("minres solves a singular consistent indefinite system", (t) => {
  const n = 16;
  const ev = Array.from({ length: n }, (_, i) => (i < 2 ? 0 : (i % 2 ? -1 : 1) * i));
  const a = withSpectrum(ev, 43);
  const b = matvec(a, n, n, rng(44).normalVec(n).data);
  const A = dense(a, [n, n]);
  const { x, stats } = minres(A, b, { rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(trueResidual(A, x.data, b) <= 1e-10 * norm(b));
});

test("minres with a zero right-hand side returns zero without a product", (t) => {
  const { x, stats } = minres(randomIndefinite(6), new Float64Array(6));
  t.deepEqual(Array.from(x.data), [0, 0, 0, 0, 0, 0]);
  t.is(stats.matvecs, 0);
  t.is(stats.status, "converged");
});

test("minres with a zero right-hand side returns zero even from a warm start", (t) => {
  const { x, stats } = minres(randomIndefinite(6), new Float64Array(6), { x0: rng(57).normalVec(6) });
  t.deepEqual(Array.from(x.data), [0, 0, 0, 0, 0, 0]);
  t.is(stats.status, "converged");
  t.is(stats.matvecs, 0);
});

test("minres reaches a true relative residual of 1e-10 on a shifted 2-D Poisson operator", (t) => {
  const N = 32;
  const A = poisson2d(N);
  const b = rng(45).normalVec(N * N).data;
  const { x, stats } = minres(A, b, { shift: 0.05, rtol: 1e-10 });
  t.is(stats.status, "converged");
  const r = trueResidual(A, x.data, b, 0.05);
  t.true(r <= 1e-10 * norm(b));
  t.true(Math.abs(stats.residualNorm - r) <= 1e-3 * r);
});

test("minres meets its rtol on the true residual of an ill-conditioned indefinite system", (t) => {
  const n = 60;
  const ev = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * Math.pow(1e6, i / (n - 1)) * 1e-6); // cond 1e6
  const A = dense(withSpectrum(ev, 46), [n, n]);
  const b = rng(47).normalVec(n).data;
  const { x, stats } = minres(A, b, { rtol: 1e-10, maxIterations: 3000 });
  t.is(stats.status, "converged");
  t.true(trueResidual(A, x.data, b) <= 1e-10 * norm(b));
});

test("minres restarts from the true residual when the recurrence residual has drifted below it", (t) => {
  const n = 60;
  const ev = Array.from({ length: n }, (_, i) => ((i % 2 ? -1 : 1) * Math.pow(1e4, i / (n - 1))) / 1e4);
  const A = dense(withSpectrum(ev, 46), [n, n]);
  const b = rng(47).normalVec(n).data;
  const { x, stats, estimates } = minres(A, b, { rtol: 1e-12, maxIterations: 3000 });
  t.is(stats.status, "converged");
  t.true(estimates.restarts >= 1);
  t.is(stats.matvecs, stats.iterations + estimates.restarts + 1);
  t.true(trueResidual(A, x.data, b) <= 1e-12 * norm(b));
});

test("minres with a Jacobi preconditioner needs fewer iterations on a badly scaled indefinite matrix", (t) => {
  const n = 40;
  const base = randomIndefinite(n, 7);
  const d = Array.from({ length: n }, (_, i) => Math.pow(10, (3 * i) / (n - 1)));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (d[i] as number) * (base.data[i * n + j] as number) * (d[j] as number);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j] as number;
  const A = dense(a, [n, n]);
  const M = diagonal(d.map((v) => 1 / (v * v)));
  const b = rng(48).normalVec(n).data;
  const plain = minres(A, b, { rtol: 1e-10 });
  const pre = minres(A, b, { rtol: 1e-10, M });
  t.is(plain.stats.status, "converged");
  t.is(pre.stats.status, "converged");
  t.true(pre.stats.iterations < plain.stats.iterations);
  t.true(trueResidual(A, pre.x.data, b) <= 1e-10 * norm(b));
});

test("minres from a warm start converges to the same solution", (t) => {
  const n = 25;
  const A = randomIndefinite(n, 8);
  const b = rng(49).normalVec(n).data;
  const x0 = rng(50).normalVec(n).data;
  const { x, stats } = minres(A, b, { x0, rtol: 1e-11 });
  t.is(stats.status, "converged");
  t.true(relErr(x.data, denseSolve(A.data, n, b)) < 1e-8);
});

test("minres reports maxIterations with the true residual when the budget runs out", (t) => {
  const n = 30;
  const A = randomIndefinite(n, 9);
  const b = rng(51).normalVec(n).data;
  const { x, stats } = minres(A, b, { maxIterations: 3 });
  t.is(stats.status, "maxIterations");
  t.false(stats.converged);
  t.is(stats.iterations, 3);
  t.true(Math.abs(stats.residualNorm - trueResidual(A, x.data, b)) < 1e-12 * norm(b));
});

test("minres records a non-increasing residual history", (t) => {
  const n = 30;
  const { stats } = minres(randomIndefinite(n, 10), rng(52).normalVec(n), { history: true });
  const h = stats.residualHistory as number[];
  t.is(h.length, stats.iterations + 1);
  for (let i = 1; i < h.length; i++) t.true((h[i] as number) <= (h[i - 1] as number) * (1 + 1e-12));
});

test("minres stops when the callback returns true or the signal has fired", (t) => {
  const A = randomIndefinite(20, 11);
  const b = rng(53).normalVec(20);
  const a = minres(A, b, { callback: (info) => info.iteration === 4 });
  t.is(a.stats.status, "stopped");
  t.is(a.stats.iterations, 4);
  const controller = new AbortController();
  controller.abort();
  const c = minres(A, b, { signal: controller.signal });
  t.is(c.stats.status, "stopped");
  t.is(c.stats.iterations, 0);
});

test("minres reports a breakdown for an indefinite preconditioner", (t) => {
  const { stats } = minres(randomIndefinite(10, 12), rng(54).normalVec(10), { M: scaled(-1, identity(10)) });
  t.is(stats.status, "breakdown");
});

test("minres with checkSymmetric refuses a non-symmetric operator", (t) => {
  t.throws(() => minres(dense([[1, 2], [3, 4]]), [1, 1], { checkSymmetric: true }), {
    instanceOf: RangeError,
    message: /minres: A .*not symmetric/,
  });
});

test("minres leaves b and x0 unmodified", (t) => {
  const b = rng(55).normalVec(10);
  const x0 = rng(56).normalVec(10);
  const b0 = Array.from(b.data);
  const x00 = Array.from(x0.data);
  minres(randomIndefinite(10, 13), b, { x0, shift: 0.1 });
  t.deepEqual(Array.from(b.data), b0);
  t.deepEqual(Array.from(x0.data), x00);
});

test("minres throws errors naming the function, the argument and the sizes", (t) => {
  const A = randomIndefinite(4);
  t.throws(() => minres(A, [1, 2, 3]), { instanceOf: RangeError, message: "minres: b has length 3 but A is 4×4" });
  t.throws(() => minres(dense([[1, 2]]), [1]), { instanceOf: RangeError, message: "minres: A must be square but is 1×2" });
  t.throws(() => minres(A, [1, 2, 3, 4], { shift: Number.POSITIVE_INFINITY }), { instanceOf: RangeError, message: /minres: options.shift/ });
  t.throws(() => minres(A, [1, 2, 3, 4], { rtol: -1e-3 }), { instanceOf: RangeError, message: /minres: options.rtol/ });
  t.throws(() => minres(A, [1, 2, 3, 4], { maxIterations: -1 }), { instanceOf: RangeError, message: /minres: options.maxIterations/ });
  t.throws(() => minres(A, [1, 2, 3, 4], { x0: [1] }), { instanceOf: RangeError, message: "minres: options.x0 has length 1 but A is 4×4" });
  t.throws(() => minres(A, [1, 2, 3, 4], { M: identity(5) }), { instanceOf: RangeError, message: "minres: options.M is 5×5 but A is 4×4" });
});

test("minres on a nonsingular system converges whatever the scale of b, and its normA stays a lower bound on ‖A‖_F", (t) => {
  // ‖Tₖ‖_F once summed β₁ = ‖b‖ in: with ‖b‖ ≫ ‖A‖ the least-squares test ‖Ar‖ ≤ rtol·‖Tₖ‖_F·‖r‖ then held at
  // once, and diag(1…10) with b = 1e10·1 stopped after one step as 'leastSquares' with a relative residual of 0.46.
  const d = Array.from({ length: 10 }, (_, i) => 1 + i);
  const normF = Math.sqrt(d.reduce((s, x) => s + x * x, 0));
  for (const scale of [1, 1e8, 1e10]) {
    const b = d.map(() => scale);
    const { x, stats, estimates } = minres(diagonal(d), b);
    t.is(stats.status, "converged", `scale ${scale}: ${stats.message ?? ""}`);
    t.true(stats.residualNorm <= Math.sqrt(Number.EPSILON) * scale * Math.sqrt(10), `scale ${scale}`);
    d.forEach((di, i) => t.true(Math.abs((x.data[i] as number) - scale / di) <= 1e-7 * (scale / di), `scale ${scale}, x[${i}]`));
    t.true(estimates.normA <= normF * (1 + 1e-12), `scale ${scale}: normA ${estimates.normA} > ‖A‖_F ${normF}`);
  }
});

import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dense, diagonal, operator, readMatrixMarket, rng, scaled, identity, vec, type Vec } from "@krylov-ts/operators";
import { cg } from "@krylov-ts/krylov";
import { denseSolve, matvec, poisson2d, randomIndefinite, randomSPD, relErr, withSpectrum } from "../helpers/dense.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const matrices = path.resolve(repoRoot, "..", "shared", "data", "matrices");

/** ‖b − Ax‖ / ‖b‖ computed densely. */
function trueRelResidual(a: Float64Array, n: number, x: ArrayLike<number>, b: ArrayLike<number>): number {
  const ax = matvec(a, n, n, x);
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += ((b[i] as number) - (ax[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

/** Plain CG from the textbook (Hestenes–Stiefel), dense, for `steps` iterations from x = 0. */
function plainCg(a: Float64Array, n: number, b: Float64Array, steps: number): Float64Array {
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = r.reduce((s, v) => s + v * v, 0);
  for (let k = 0; k < steps; k++) {
    const q = matvec(a, n, n, p);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += (p[i] as number) * (q[i] as number);
    const alpha = rr / pq;
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + alpha * (p[i] as number);
      r[i] = (r[i] as number) - alpha * (q[i] as number);
    }
    const rrNew = r.reduce((s, v) => s + v * v, 0);
    for (let i = 0; i < n; i++) p[i] = (r[i] as number) + (rrNew / rr) * (p[i] as number);
    rr = rrNew;
  }
  return x;
}

test("cg solves a random SPD system to the requested relative residual", (t) => {
  const n = 60;
  const A = randomSPD(n, 1e3, 3);
  const b = rng(42).normalVec(n);
  const { x, stats } = cg(A, b, { rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(stats.converged);
  t.true(stats.residualNorm <= 1e-10 * Math.hypot(...b.data));
  t.true(trueRelResidual(A.data, n, x.data, b.data) < 1e-9);
  t.true(relErr(x.data, denseSolve(A.data, n, b.data)) < 1e-6);
  t.is(stats.matvecs, stats.iterations + 1); // one product per step, one to verify the true residual
});

test("cg after 1 and 3 iterations equals a plain dense CG", (t) => {
  const n = 20;
  const A = randomSPD(n, 50, 4);
  const b = rng(7).normalVec(n);
  for (const steps of [1, 3]) {
    const { x, stats } = cg(A, b, { maxIterations: steps });
    t.is(stats.iterations, steps);
    t.is(stats.status, "maxIterations");
    t.false(stats.converged);
    t.true(relErr(x.data, plainCg(A.data, n, Float64Array.from(b.data), steps)) < 1e-12);
  }
});

test("cg with a warm start at the solution stops after one product", (t) => {
  const n = 15;
  const A = randomSPD(n, 10, 5);
  const b = rng(8).normalVec(n);
  const x0 = denseSolve(A.data, n, b.data);
  const { stats } = cg(A, b, { x0, rtol: 1e-8 });
  t.is(stats.iterations, 0);
  t.is(stats.matvecs, 1);
  t.is(stats.status, "converged");
});

test("cg from a warm start converges to the same solution", (t) => {
  const n = 30;
  const A = randomSPD(n, 100, 6);
  const b = rng(9).normalVec(n);
  const x0 = rng(10).normalVec(n);
  const { x, stats } = cg(A, b, { x0, rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(relErr(x.data, denseSolve(A.data, n, b.data)) < 1e-7);
});

test("cg with a zero right-hand side returns zero without iterating", (t) => {
  const { x, stats } = cg(randomSPD(8), new Float64Array(8));
  t.deepEqual(Array.from(x.data), new Array(8).fill(0));
  t.is(stats.iterations, 0);
  t.is(stats.matvecs, 0);
  t.is(stats.status, "converged");
});

test("cg with a zero right-hand side returns zero even from a warm start", (t) => {
  const { x, stats } = cg(randomSPD(8), new Float64Array(8), { x0: rng(31).normalVec(8) });
  t.deepEqual(Array.from(x.data), new Array(8).fill(0));
  t.is(stats.status, "converged");
  t.is(stats.matvecs, 0);
});

test("cg solves a singular consistent positive semidefinite system", (t) => {
  const n = 12;
  const ev = Array.from({ length: n }, (_, i) => (i < 3 ? 0 : i));
  const a = withSpectrum(ev, 11);
  const b = matvec(a, n, n, rng(12).normalVec(n).data); // b in the range of A
  const { x, stats } = cg(dense(a, [n, n]), b, { rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(trueRelResidual(a, n, x.data, b) < 1e-9);
});

test("cg on the 2-D Poisson operator with repeated eigenvalues matches the dense solve", (t) => {
  const N = 10;
  const A = poisson2d(N);
  const b = rng(13).normalVec(N * N);
  const { x, stats } = cg(A, b, { rtol: 1e-12 });
  t.is(stats.status, "converged");
  const a = new Float64Array(N ** 4);
  const e = vec(N * N);
  for (let j = 0; j < N * N; j++) {
    e.data.fill(0);
    e.data[j] = 1;
    const col = A.apply(e);
    for (let i = 0; i < N * N; i++) a[i * N * N + j] = col.data[i] as number;
  }
  t.true(relErr(x.data, denseSolve(a, N * N, b.data)) < 1e-10);
});

test("cg detects negative curvature on an indefinite matrix and returns the direction", (t) => {
  const n = 20;
  const A = randomIndefinite(n, 3);
  const b = rng(14).normalVec(n);
  const result = cg(A, b);
  t.is(result.stats.status, "negativeCurvature");
  t.false(result.stats.converged);
  const d = result.direction as Vec;
  t.truthy(d);
  const Ad = matvec(A.data, n, n, d.data);
  let dAd = 0, dd = 0;
  for (let i = 0; i < n; i++) {
    dAd += (d.data[i] as number) * (Ad[i] as number);
    dd += (d.data[i] as number) ** 2;
  }
  t.true(dAd <= 0);
  t.true(Math.abs((result.curvature as number) - dAd / dd) < 1e-10 * Math.abs(dAd / dd));
});

test("cg detects negative curvature on a negative definite matrix at the first step", (t) => {
  const result = cg(diagonal([-1, -2, -3]), [1, 1, 1]);
  t.is(result.stats.status, "negativeCurvature");
  t.is(result.stats.iterations, 0);
  t.deepEqual(Array.from(result.x.data), [0, 0, 0]);
  t.deepEqual(Array.from((result.direction as Vec).data), [1, 1, 1]);
});

test("Steihaug cg stops on the trust-region boundary with ‖x‖ = radius", (t) => {
  const n = 25;
  const A = randomSPD(n, 100, 15);
  const b = rng(16).normalVec(n);
  const exact = denseSolve(A.data, n, b.data);
  const radius = 0.3 * Math.hypot(...exact);
  const { x, stats } = cg(A, b, { radius });
  t.is(stats.status, "boundary");
  t.true(stats.converged);
  t.true(Math.abs(Math.hypot(...x.data) - radius) < 1e-12 * radius);
});

test("Steihaug cg inside the radius behaves like plain cg", (t) => {
  const n = 25;
  const A = randomSPD(n, 100, 15);
  const b = rng(16).normalVec(n);
  const radius = 10 * Math.hypot(...denseSolve(A.data, n, b.data));
  const a = cg(A, b, { radius });
  const c = cg(A, b);
  t.is(a.stats.status, "converged");
  t.is(a.stats.iterations, c.stats.iterations);
  t.true(relErr(a.x.data, c.x.data) < 1e-8);
});

test("Steihaug cg on an indefinite matrix moves along negative curvature to the boundary", (t) => {
  const n = 20;
  const A = randomIndefinite(n, 5);
  const b = rng(17).normalVec(n);
  const radius = 2;
  const result = cg(A, b, { radius });
  t.true(result.stats.status === "negativeCurvature" || result.stats.status === "boundary");
  t.true(result.stats.converged);
  t.true(Math.abs(Math.hypot(...result.x.data) - radius) < 1e-12 * radius);
});

test("Jacobi-preconditioned cg converges in fewer iterations on 494_bus", (t) => {
  const A = readMatrixMarket(readFileSync(path.join(matrices, "494_bus.mtx"), "utf8"));
  const n = A.shape[0];
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) {
      if (A.colIndices[k] === i) inv[i] = 1 / (A.values[k] as number);
    }
  }
  const M = diagonal(inv);
  const b = rng(18).normalVec(n);
  const plain = cg(A, b, { rtol: 1e-8 });
  const jacobi = cg(A, b, { rtol: 1e-8, M });
  t.is(plain.stats.status, "converged");
  t.is(jacobi.stats.status, "converged");
  t.true(jacobi.stats.iterations < plain.stats.iterations);
  // The Ritz estimate of cond(A) from the unpreconditioned run: ≈ 2.4e6 (the matrices' README).
  const condition = plain.estimates?.condition ?? 0;
  t.true(condition > 2.2e6 && condition < 2.6e6, `condition estimate ${condition}`);
  const r = A.apply(jacobi.x);
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += ((b.data[i] as number) - (r.data[i] as number)) ** 2;
    den += (b.data[i] as number) ** 2;
  }
  t.true(Math.sqrt(num / den) < 1e-6);
});

test("cg estimates the extreme eigenvalues and the condition number from its coefficients", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => 1 + (99 * i) / (n - 1));
  const A = dense(withSpectrum(ev, 19), [n, n]);
  const { estimates, stats } = cg(A, rng(20).normalVec(n), { rtol: 1e-12 });
  t.is(stats.status, "converged");
  t.truthy(estimates);
  t.true(Math.abs((estimates?.lambdaMin ?? 0) - 1) < 1e-6);
  t.true(Math.abs((estimates?.lambdaMax ?? 0) - 100) < 1e-6 * 100);
  t.true(Math.abs((estimates?.condition ?? 0) - 100) < 1e-4);
});

test("cg records the recurrence residual history from the initial residual to the last", (t) => {
  const n = 30;
  const b = rng(21).normalVec(n);
  const { stats } = cg(randomSPD(n, 100, 22), b, { history: true });
  const h = stats.residualHistory as number[];
  t.is(h.length, stats.iterations + 1);
  t.true(Math.abs((h[0] as number) - Math.hypot(...b.data)) < 1e-12 * (h[0] as number));
  // The last entry is the recurrence ‖r‖, residualNorm the true ‖b − Ax‖: close on a well-conditioned system.
  t.true(Math.abs((h[h.length - 1] as number) - stats.residualNorm) < 1e-3 * stats.residualNorm);
});

test("cg stops when the callback returns true", (t) => {
  const seen: number[] = [];
  const { stats } = cg(randomSPD(30, 100, 23), rng(24).normalVec(30), {
    callback: (info) => {
      seen.push(info.iteration);
      return info.iteration === 2;
    },
  });
  t.deepEqual(seen, [1, 2]);
  t.is(stats.status, "stopped");
  t.is(stats.iterations, 2);
});

test("cg stops when its AbortSignal has fired", (t) => {
  const controller = new AbortController();
  controller.abort();
  const { stats } = cg(randomSPD(10), rng(25).normalVec(10), { signal: controller.signal });
  t.is(stats.status, "stopped");
  t.is(stats.matvecs, 0);
});

test("cg reports a breakdown for an indefinite preconditioner", (t) => {
  const { stats } = cg(randomSPD(10, 10, 26), rng(27).normalVec(10), { M: scaled(-1, identity(10)) });
  t.is(stats.status, "breakdown");
  t.regex(stats.message ?? "", /preconditioner/);
});

test("cg with checkSymmetric refuses a non-symmetric operator and counts its probes otherwise", (t) => {
  const nonsym = dense([[2, 1], [0, 2]]);
  t.throws(() => cg(nonsym, [1, 1], { checkSymmetric: true }), { instanceOf: RangeError, message: /cg: A .*not symmetric/ });
  const { stats } = cg(dense([[2, 1], [1, 2]]), [1, 1], { checkSymmetric: true });
  t.is(stats.matvecs, stats.iterations + 1 + 2); // the steps, the true residual, the probe
});

test("cg leaves b and x0 unmodified", (t) => {
  const b = rng(28).normalVec(12);
  const x0 = rng(29).normalVec(12);
  const b0 = Array.from(b.data);
  const x00 = Array.from(x0.data);
  cg(randomSPD(12, 10, 30), b, { x0 });
  cg(randomIndefinite(12, 31), b, { x0, radius: 100 });
  t.deepEqual(Array.from(b.data), b0);
  t.deepEqual(Array.from(x0.data), x00);
});

test("cg accepts a matrix-free operator and a plain number array", (t) => {
  const A = operator([3, 3], (x, out) => {
    for (let i = 0; i < 3; i++) out.data[out.offset + i] = (i + 1) * (x.data[x.offset + i] as number);
  }, { symmetric: true });
  const { x } = cg(A, [1, 2, 3], { rtol: 1e-14 });
  t.true(relErr(x.data, [1, 1, 1]) < 1e-13);
});

test("cg throws errors naming the function, the argument and the sizes", (t) => {
  const A = randomSPD(4);
  t.throws(() => cg(A, [1, 2, 3, 4, 5]), { instanceOf: RangeError, message: "cg: b has length 5 but A is 4×4" });
  t.throws(() => cg(dense([[1, 2, 3], [4, 5, 6]]), [1, 2]), { instanceOf: RangeError, message: "cg: A must be square but is 2×3" });
  t.throws(() => cg({} as never, [1]), { instanceOf: TypeError, message: /cg: A must be a LinearOperator/ });
  t.throws(() => cg(A, [1, 2, 3, 4], { x0: [1, 2] }), { instanceOf: RangeError, message: "cg: options.x0 has length 2 but A is 4×4" });
  t.throws(() => cg(A, [1, 2, 3, 4], { rtol: -1 }), { instanceOf: RangeError, message: /cg: options.rtol must be a finite number ≥ 0/ });
  t.throws(() => cg(A, [1, 2, 3, 4], { atol: Number.NaN }), { instanceOf: RangeError, message: /cg: options.atol/ });
  t.throws(() => cg(A, [1, 2, 3, 4], { maxIterations: 2.5 }), { instanceOf: RangeError, message: /cg: options.maxIterations must be an integer/ });
  t.throws(() => cg(A, [1, 2, 3, 4], { radius: 0 }), { instanceOf: RangeError, message: /cg: options.radius must be a finite number > 0/ });
  t.throws(() => cg(A, [1, 2, 3, 4], { radius: 1, x0: [2, 0, 0, 0] }), { instanceOf: RangeError, message: "cg: options.x0 has norm 2 but options.radius is 1" });
  t.throws(() => cg(A, [1, 2, 3, 4], { M: identity(3) }), { instanceOf: RangeError, message: "cg: options.M is 3×3 but A is 4×4" });
  t.throws(() => cg(A, [1, 2, 3, 4], { callback: 3 as never }), { instanceOf: TypeError, message: "cg: options.callback must be a function" });
  t.throws(() => cg(A, [1, 2, 3, 4], { signal: {} as never }), { instanceOf: TypeError, message: "cg: options.signal must be an AbortSignal" });
  t.throws(() => cg(A, [1, 2, 3, 4], { history: "yes" as never }), { instanceOf: TypeError, message: /cg: options.history must be a boolean/ });
  t.throws(() => cg(A, [1, 2, 3, 4], 5 as never), { instanceOf: TypeError, message: /cg: options must be an object/ });
  t.throws(() => cg(A, [1, 2, Number.NaN, 4]), { instanceOf: RangeError, message: "cg: b[2] is NaN, not a finite number" });
});

import test from "ava";
import fc from "fast-check";
import { dense, diagonal, rng, type LinearOperator } from "@krylov-ts/operators";
import { bicgstab } from "@krylov-ts/krylov";
import { denseSolve, relErr } from "../helpers/dense.js";
import { convectionDiffusion2d, randomNonsymmetric, randomSkew, rotationBlocks } from "../helpers/problems/index.js";
import { norm2, trueResidual } from "../helpers/residual.js";

function jacobi(A: ReturnType<typeof convectionDiffusion2d>): LinearOperator {
  const n = A.shape[0];
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) if (A.colIndices[k] === i) d[i] = 1 / (A.values[k] as number);
  }
  return diagonal(d);
}

test("bicgstab solves a random non-symmetric system to the dense LU solution, on the true residual", (t) => {
  const n = 40;
  const { a, op } = randomNonsymmetric(n, 3, 41);
  const b = rng(42).normalVec(n).data;
  const { x, stats } = bicgstab(op, b, { rtol: 1e-11 });
  t.is(stats.status, "converged");
  const r = trueResidual(op, x.data, b);
  t.true(r <= 1e-11 * norm2(b));
  t.true(Math.abs(stats.residualNorm - r) <= 1e-13 * norm2(b));
  t.true(relErr(x.data, denseSolve(a, n, b)) < 1e-9);
});

test("bicgstab converges on 2-D convection–diffusion at Péclet 100, with and without a Jacobi preconditioner", (t) => {
  const A = convectionDiffusion2d(24, { peclet: 100 });
  const b = new Float64Array(A.shape[0]).fill(1);
  const plain = bicgstab(A, b, { rtol: 1e-10, history: true });
  t.is(plain.stats.status, "converged");
  t.true(trueResidual(A, plain.x.data, b) <= 1e-10 * norm2(b));
  t.is(plain.stats.residualHistory?.length, plain.stats.iterations + 1);
  const pre = bicgstab(A, b, { rtol: 1e-10, M: jacobi(A) });
  t.is(pre.stats.status, "converged");
  t.true(trueResidual(A, pre.x.data, b) <= 1e-10 * norm2(b));
});

test("bicgstab meets its tolerance whenever it says converged (property, 60 random cases)", (t) => {
  const seed = 4242;
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0.3, max: 4, noNaN: true }), fc.boolean(), (n, s, shift, precond) => {
      const { a, op } = randomNonsymmetric(n, shift, s);
      const b = rng(s + 7).normalVec(n).data;
      const bCopy = Float64Array.from(b);
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = 1 / (a[i * n + i] as number);
      const { x, stats } = bicgstab(op, b, { rtol: 1e-9, maxIterations: 20 * n, ...(precond ? { M: diagonal(d) } : {}) });
      const r = trueResidual(op, x.data, b);
      if (stats.converged && r > 1e-9 * norm2(b) * (1 + 1e-12)) return false;
      if (Math.abs(r - stats.residualNorm) > 1e-12 * (norm2(b) + r)) return false;
      return b.every((v, i) => v === bCopy[i]);
    }),
    { seed, numRuns: 60 },
  );
  t.pass();
});

test("bicgstab on a skew-symmetric operator breaks down (r̂₀ᵀAr₀ = 0) and does not claim convergence", (t) => {
  const { op } = randomSkew(12, 9);
  const b = rng(10).normalVec(12).data;
  const { x, stats } = bicgstab(op, b);
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
  t.regex(stats.message ?? "", /pivot/);
  t.true(Math.abs(stats.residualNorm - trueResidual(op, x.data, b)) < 1e-12 * norm2(b));
});

test("bicgstab on a 90° rotation restarts its shadow when ρ = 0, then reports the pivot breakdown", (t) => {
  // A rotation by 90° maps every r to a vector orthogonal to it: r̂₀ᵀA r̂₀ = 0 from the start.
  const A = rotationBlocks([0], [1], { mix: "none" });
  const { stats } = bicgstab(A, [1, 0]);
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
  t.regex(stats.message ?? "", /pivot/);
});

test("bicgstab solves at the half step when b lies in an eigenvector direction", (t) => {
  const A = dense([[2, 1, 0], [0, 3, 1], [0, 0, 4]]);
  const b = [2, 0, 0]; // A e₁ = 2e₁
  const { x, stats } = bicgstab(A, b);
  t.is(stats.status, "converged");
  t.is(stats.iterations, 1);
  t.true(relErr(x.data, [1, 0, 0]) < 1e-15);
});

test("bicgstab returns x = 0 for b = 0 and converges at once from the exact x0", (t) => {
  const n = 10;
  const { a, op } = randomNonsymmetric(n, 3, 50);
  const zero = bicgstab(op, new Float64Array(n), { x0: new Float64Array(n).fill(1) });
  t.is(zero.stats.status, "converged");
  t.is(zero.stats.matvecs, 0);
  t.true(zero.x.data.every((v) => v === 0));
  const b = rng(51).normalVec(n).data;
  const exact = bicgstab(op, b, { x0: denseSolve(a, n, b) });
  t.is(exact.stats.status, "converged");
  t.is(exact.stats.iterations, 0);
});

test("bicgstab reports its budget, the callback and the signal", (t) => {
  const A = convectionDiffusion2d(16, { peclet: 10 });
  const b = new Float64Array(A.shape[0]).fill(1);
  const budget = bicgstab(A, b, { maxIterations: 3, rtol: 1e-14 });
  t.is(budget.stats.status, "maxIterations");
  t.is(budget.stats.iterations, 3);
  t.true(Math.abs(budget.stats.residualNorm - trueResidual(A, budget.x.data, b)) < 1e-12);
  const seen: number[] = [];
  const cb = bicgstab(A, b, { callback: (info) => (seen.push(info.iteration), info.iteration === 2) });
  t.is(cb.stats.status, "stopped");
  t.deepEqual(seen, [1, 2]);
  const controller = new AbortController();
  controller.abort();
  t.is(bicgstab(A, b, { signal: controller.signal }).stats.status, "stopped");
});

test("bicgstab refuses bad arguments with one-line errors", (t) => {
  const A = dense([[1, 2], [3, 4]]);
  t.throws(() => bicgstab(A, [1]), { instanceOf: RangeError, message: "bicgstab: b has length 1 but A is 2×2" });
  t.throws(() => bicgstab(A, [1, 2], { rtol: -1 }), { instanceOf: RangeError, message: /bicgstab: options\.rtol/ });
  t.throws(() => bicgstab(A, [1, 2], { x0: [1, 2, 3] }), { instanceOf: RangeError, message: "bicgstab: options.x0 has length 3 but A is 2×2" });
  t.throws(() => bicgstab(A, [1, 2], { restart: 3 } as unknown as { rtol: number }), { instanceOf: TypeError, message: /bicgstab: unknown option 'restart'/ });
});

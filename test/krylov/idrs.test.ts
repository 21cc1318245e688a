import test from "ava";
import fc from "fast-check";
import { dense, diagonal, rng } from "@krylov-ts/operators";
import { bicgstab, idrs } from "@krylov-ts/krylov";
import { denseSolve, relErr } from "../helpers/dense.js";
import { convectionDiffusion2d, convectionDiffusion3d, randomNonsymmetric, randomSkew } from "../helpers/problems/index.js";
import { norm2, trueResidual } from "../helpers/residual.js";

test("idrs solves a random non-symmetric system to the dense LU solution for s = 1, 2, 4, 8", (t) => {
  const n = 40;
  const { a, op } = randomNonsymmetric(n, 3, 61);
  const b = rng(62).normalVec(n).data;
  for (const s of [1, 2, 4, 8]) {
    const { x, stats } = idrs(op, b, { s, rtol: 1e-11 });
    t.is(stats.status, "converged", `s = ${s}`);
    const r = trueResidual(op, x.data, b);
    t.true(r <= 1e-11 * norm2(b), `s = ${s}`);
    t.true(Math.abs(stats.residualNorm - r) <= 1e-13 * norm2(b));
    t.true(relErr(x.data, denseSolve(a, n, b)) < 1e-9);
  }
});

test("idrs(4) converges on 3-D convection–diffusion and needs fewer products than bicgstab", (t) => {
  const A = convectionDiffusion3d(10, { peclet: 100 });
  const b = new Float64Array(A.shape[0]).fill(1);
  const r4 = idrs(A, b, { s: 4, rtol: 1e-10, history: true });
  t.is(r4.stats.status, "converged");
  t.true(trueResidual(A, r4.x.data, b) <= 1e-10 * norm2(b));
  t.is(r4.stats.residualHistory?.length, r4.stats.iterations + 1);
  const bi = bicgstab(A, b, { rtol: 1e-10 });
  t.true(r4.stats.matvecs <= bi.stats.matvecs, `idrs(4) ${r4.stats.matvecs} vs bicgstab ${bi.stats.matvecs}`);
});

test("idrs with a Jacobi preconditioner converges on the true residual", (t) => {
  const A = convectionDiffusion2d(20, { peclet: 100 });
  const n = A.shape[0];
  const d = new Float64Array(n).fill(1 / (A.values[0] as number)); // constant diagonal
  const b = rng(63).normalVec(n).data;
  const { x, stats } = idrs(A, b, { M: diagonal(d), rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(trueResidual(A, x.data, b) <= 1e-10 * norm2(b));
});

test("idrs meets its tolerance whenever it says converged (property, 60 random cases)", (t) => {
  const seed = 913;
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.3, max: 4, noNaN: true }), (n, seedA, s, shift) => {
      const { op } = randomNonsymmetric(n, shift, seedA);
      const b = rng(seedA + 3).normalVec(n).data;
      const bCopy = Float64Array.from(b);
      const { x, stats } = idrs(op, b, { s: Math.min(s, n), rtol: 1e-9, maxIterations: 30 * n });
      const r = trueResidual(op, x.data, b);
      if (stats.converged && r > 1e-9 * norm2(b) * (1 + 1e-12)) return false;
      if (Math.abs(r - stats.residualNorm) > 1e-12 * (norm2(b) + r)) return false;
      return b.every((v, i) => v === bCopy[i]);
    }),
    { seed, numRuns: 60 },
  );
  t.pass();
});

test("idrs(1) on a skew-symmetric operator stagnates (tᵀr = 0) and says breakdown", (t) => {
  const { op } = randomSkew(12, 19);
  const b = rng(20).normalVec(12).data;
  const { x, stats } = idrs(op, b, { s: 1 });
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
  t.true(Math.abs(stats.residualNorm - trueResidual(op, x.data, b)) < 1e-12 * norm2(b));
});

test("idrs returns x = 0 for b = 0, converges at once from the exact x0, and reports its budget", (t) => {
  const n = 10;
  const { a, op } = randomNonsymmetric(n, 3, 70);
  const zero = idrs(op, new Float64Array(n), { x0: new Float64Array(n).fill(2) });
  t.is(zero.stats.status, "converged");
  t.is(zero.stats.matvecs, 0);
  const b = rng(71).normalVec(n).data;
  t.is(idrs(op, b, { x0: denseSolve(a, n, b) }).stats.iterations, 0);
  const A = convectionDiffusion2d(16);
  const ones = new Float64Array(A.shape[0]).fill(1);
  const budget = idrs(A, ones, { maxIterations: 7, rtol: 1e-14 });
  t.is(budget.stats.status, "maxIterations");
  t.is(budget.stats.iterations, 7);
  t.true(Math.abs(budget.stats.residualNorm - trueResidual(A, budget.x.data, ones)) < 1e-12);
});

test("a callback returning true and an aborted signal stop idrs", (t) => {
  const A = convectionDiffusion2d(16);
  const b = new Float64Array(A.shape[0]).fill(1);
  const seen: number[] = [];
  const cb = idrs(A, b, { callback: (info) => (seen.push(info.iteration), info.iteration === 6) });
  t.is(cb.stats.status, "stopped");
  t.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  const controller = new AbortController();
  controller.abort();
  t.is(idrs(A, b, { signal: controller.signal }).stats.status, "stopped");
});

test("idrs refuses bad arguments with one-line errors", (t) => {
  const A = dense([[1, 2], [3, 4]]);
  t.throws(() => idrs(A, [1, 2], { s: 3 }), { instanceOf: RangeError, message: "idrs: options.s is 3 but A is 2×2 (s ≤ n)" });
  t.throws(() => idrs(A, [1, 2], { s: 0 }), { instanceOf: RangeError, message: /idrs: options\.s must be an integer ≥ 1/ });
  t.throws(() => idrs(A, [1, 2], { angle: 1.5 }), { instanceOf: RangeError, message: /idrs: options\.angle must be < 1/ });
  t.throws(() => idrs(A, [1, 2, 3]), { instanceOf: RangeError, message: "idrs: b has length 3 but A is 2×2" });
});

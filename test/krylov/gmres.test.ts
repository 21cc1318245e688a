import test from "ava";
import fc from "fast-check";
import { dense, diagonal, operator, rng, vec, copy, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { arnoldi, fgmres, gmres } from "@krylov-ts/krylov";
import { denseSolve, relErr } from "../helpers/dense.js";
import { convectionDiffusion2d, randomNonsymmetric, randomSkew, rotationBlocks } from "../helpers/problems/index.js";
import { norm2, trueResidual } from "../helpers/residual.js";

/** The cyclic shift e_i ↦ e_{i+1 mod n}: GMRES(m < n) from b = e₁ makes no progress at all. */
function cyclicShift(n: number): LinearOperator {
  return operator([n, n], (x: Vec, out: Vec) => {
    for (let i = 0; i < n; i++) out.data[out.offset + ((i + 1) % n)] = x.data[x.offset + i] as number;
  });
}

/** The inverse of the diagonal of a CSR matrix, as an operator (Jacobi preconditioner). */
function jacobi(A: ReturnType<typeof convectionDiffusion2d>): LinearOperator {
  const n = A.shape[0];
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) if (A.colIndices[k] === i) d[i] = 1 / (A.values[k] as number);
  }
  return diagonal(d);
}

test("gmres solves a random non-symmetric system to the dense LU solution", (t) => {
  const n = 40;
  const { a, op } = randomNonsymmetric(n, 2, 11);
  const b = rng(12).normalVec(n).data;
  for (const orthogonalization of ["mgs", "cgs2"] as const) {
    const { x, stats, restartResiduals } = gmres(op, b, { rtol: 1e-10, restart: 15, orthogonalization });
    t.is(stats.status, "converged");
    const r = trueResidual(op, x.data, b);
    t.true(r <= 1e-10 * norm2(b));
    t.is(stats.residualNorm, restartResiduals[restartResiduals.length - 1] as number);
    t.true(Math.abs(stats.residualNorm - r) <= 1e-13 * norm2(b));
    t.true(relErr(x.data, denseSolve(a, n, b)) < 1e-8);
    t.is(stats.matvecs, stats.iterations + restartResiduals.length); // one product per step and per restart check
  }
});

test("full GMRES (restart = n) converges in at most n steps on a 30×30 system", (t) => {
  const n = 30;
  const { op } = randomNonsymmetric(n, 0.2, 13); // eigenvalues around the origin: hard for restarted GMRES
  const b = rng(14).normalVec(n).data;
  const { stats } = gmres(op, b, { restart: n, rtol: 1e-9 });
  t.is(stats.status, "converged");
  t.true(stats.iterations <= n);
});

test("the Arnoldi process satisfies A·V_m = V_{m+1}·H̄_m and VᵀV = I with both Gram–Schmidt variants", (t) => {
  const A = convectionDiffusion2d(12, { peclet: 100 });
  const n = A.shape[0];
  const m = 25;
  for (const orthogonalization of ["mgs", "cgs2"] as const) {
    const { basis, H, steps, stats } = arnoldi(A, { steps: m, seed: 3, orthogonalization });
    t.is(steps, m);
    t.is(stats.status, "converged");
    t.is(basis.length, m + 1);
    let relation = 0;
    for (let j = 0; j < m; j++) {
      const av = A.apply(basis[j] as Vec);
      for (let i = 0; i < n; i++) {
        let s = av.data[i] as number;
        for (let l = 0; l <= m; l++) s -= (H[l * m + j] as number) * ((basis[l] as Vec).data[i] as number);
        relation = Math.max(relation, Math.abs(s));
      }
    }
    t.true(relation < 1e-12, `‖AV − VH̄‖∞ = ${relation}`);
    let loss = 0;
    for (let i = 0; i <= m; i++) {
      for (let j = 0; j <= m; j++) {
        let s = 0;
        for (let l = 0; l < n; l++) s += ((basis[i] as Vec).data[l] as number) * ((basis[j] as Vec).data[l] as number);
        loss = Math.max(loss, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    t.true(loss < 1e-13, `‖VᵀV − I‖ = ${loss}`);
    for (let i = 2; i <= m; i++) for (let j = 0; j < i - 1; j++) t.is(H[i * m + j], 0); // Hessenberg
  }
});

test("the Arnoldi process stops with a breakdown on an invariant subspace", (t) => {
  const A = rotationBlocks([1, 2, 3], [1, 1, 1], { mix: "none" }); // e₁, e₂ span an invariant subspace
  const { steps, stats, basis } = arnoldi(A, { v0: [1, 0, 0, 0, 0, 0], steps: 5 });
  t.is(stats.status, "breakdown");
  t.true(stats.converged);
  t.is(steps, 2);
  t.is(basis.length, 2);
});

test("gmres meets its tolerance on random systems whenever it says converged (property, 60 cases)", (t) => {
  const seed = 20261204;
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 25 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 25 }),
      fc.constantFrom("none", "left", "right"), fc.double({ min: 0.5, max: 4, noNaN: true }),
      (n, s, restart, precond, shift) => {
        const { a, op } = randomNonsymmetric(n, shift, s);
        const b = rng(s + 1).normalVec(n).data;
        const bCopy = Float64Array.from(b);
        const d = new Float64Array(n);
        for (let i = 0; i < n; i++) d[i] = 1 / (a[i * n + i] as number);
        const options = precond === "none" ? {} : { M: diagonal(d), side: precond as "left" | "right" };
        const { x, stats } = gmres(op, b, { rtol: 1e-8, restart, maxIterations: 40 * n, ...options });
        const r = trueResidual(op, x.data, b);
        if (stats.converged && r > 1e-8 * norm2(b) * (1 + 1e-12)) return false;
        if (Math.abs(r - stats.residualNorm) > 1e-12 * norm2(b) + 1e-12 * r) return false;
        return b.every((v, i) => v === bCopy[i]); // b untouched
      },
    ),
    { seed, numRuns: 60 },
  );
  t.pass();
});

test("left and right Jacobi preconditioning both converge on the true residual with fewer steps", (t) => {
  const A = convectionDiffusion2d(24, { peclet: 100 });
  const n = A.shape[0];
  const b = new Float64Array(n).fill(1);
  const M = jacobi(A);
  const plain = gmres(A, b, { restart: 20, rtol: 1e-9 });
  t.is(plain.stats.status, "converged");
  for (const side of ["left", "right"] as const) {
    const { x, stats } = gmres(A, b, { restart: 20, rtol: 1e-9, M, side });
    t.is(stats.status, "converged", side);
    t.true(trueResidual(A, x.data, b) <= 1e-9 * norm2(b), side);
    t.true(stats.iterations <= plain.stats.iterations, `${side}: ${stats.iterations} vs ${plain.stats.iterations}`);
  }
});

test("gmres converges in two steps when b lies in a 2-dimensional invariant subspace (lucky breakdown)", (t) => {
  const A = rotationBlocks([1, 2, 3], [1, 1, 1], { mix: "none" });
  const b = [3, -1, 0, 0, 0, 0];
  const { x, stats } = gmres(A, b, { restart: 5 });
  t.is(stats.status, "converged");
  t.is(stats.iterations, 2);
  t.true(trueResidual(A, x.data, b) <= 1e-14 * norm2(b));
});

test("GMRES(m) on the cyclic shift from e₁ stagnates and says breakdown, not converged", (t) => {
  const n = 8;
  const b = new Float64Array(n);
  b[0] = 1;
  const { stats } = gmres(cyclicShift(n), b, { restart: 4 });
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
  t.regex(stats.message ?? "", /stagnation/);
  const full = gmres(cyclicShift(n), b, { restart: n });
  t.is(full.stats.status, "converged");
  t.is(full.stats.iterations, n);
});

test("GMRES(1) on a skew-symmetric operator stagnates (xᵀAx = 0) and reports it", (t) => {
  const { op } = randomSkew(10, 5);
  const b = rng(6).normalVec(10).data;
  const { stats } = gmres(op, b, { restart: 1 });
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
});

test("gmres returns x = 0 for b = 0 without a product, whatever x0", (t) => {
  const { op } = randomNonsymmetric(5);
  const { x, stats } = gmres(op, [0, 0, 0, 0, 0], { x0: [1, 2, 3, 4, 5] });
  t.is(stats.status, "converged");
  t.is(stats.matvecs, 0);
  t.deepEqual(Array.from(x.data), [0, 0, 0, 0, 0]);
});

test("gmres from the exact solution as x0 converges after one residual check and leaves x0 untouched", (t) => {
  const n = 12;
  const { a, op } = randomNonsymmetric(n, 3, 21);
  const b = rng(22).normalVec(n).data;
  const x0 = denseSolve(a, n, b);
  const x0Copy = Float64Array.from(x0);
  const { stats } = gmres(op, b, { x0 });
  t.is(stats.status, "converged");
  t.is(stats.iterations, 0);
  t.is(stats.matvecs, 1);
  t.deepEqual(x0, x0Copy);
});

test("gmres records the residual history per inner step and reports the budget", (t) => {
  const A = convectionDiffusion2d(16, { peclet: 10 });
  const b = new Float64Array(A.shape[0]).fill(1);
  const { stats } = gmres(A, b, { restart: 10, maxIterations: 25, history: true, rtol: 1e-14 });
  t.is(stats.status, "maxIterations");
  t.false(stats.converged);
  t.is(stats.iterations, 25);
  t.is(stats.residualHistory?.length, 26);
  const h = stats.residualHistory as number[];
  for (let i = 2; i < 11; i++) t.true((h[i] as number) <= (h[i - 1] as number) * (1 + 1e-12)); // monotone within a cycle
});

test("a callback returning true and an aborted signal stop gmres with status 'stopped'", (t) => {
  const A = convectionDiffusion2d(16, { peclet: 10 });
  const b = new Float64Array(A.shape[0]).fill(1);
  const seen: number[] = [];
  const byCallback = gmres(A, b, { callback: (info) => (seen.push(info.iteration), info.iteration === 3) });
  t.is(byCallback.stats.status, "stopped");
  t.deepEqual(seen, [1, 2, 3]);
  t.is(byCallback.stats.iterations, 3);
  t.true(Math.abs(trueResidual(A, byCallback.x.data, b) - byCallback.stats.residualNorm) < 1e-12);
  const controller = new AbortController();
  controller.abort();
  const bySignal = gmres(A, b, { signal: controller.signal });
  t.is(bySignal.stats.status, "stopped");
  t.is(bySignal.stats.iterations, 0);
});

test("fgmres with an inner GMRES(3) preconditioner (a different M each step) converges on the true residual", (t) => {
  const A = convectionDiffusion2d(20, { peclet: 100 });
  const n = A.shape[0];
  const b = rng(30).normalVec(n).data;
  let calls = 0;
  const M = operator([n, n], (v: Vec, out: Vec) => {
    calls++;
    copy(gmres(A, v, { restart: 3, maxIterations: 3 }).x, out);
  });
  const { x, stats } = fgmres(A, b, { M, restart: 10, rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(trueResidual(A, x.data, b) <= 1e-10 * norm2(b));
  t.is(calls, stats.iterations);
  t.throws(() => fgmres(A, b, { M, side: "left" }), { message: /fgmres: options\.side must be 'right'/ });
});

test("fgmres with a preconditioner that alternates between two scalings still solves the system", (t) => {
  const n = 30;
  const { a, op } = randomNonsymmetric(n, 3, 31);
  const b = rng(32).normalVec(n).data;
  let k = 0;
  const M = operator([n, n], (v: Vec, out: Vec) => {
    const s = k++ % 2 === 0 ? 1 : 0.25;
    for (let i = 0; i < n; i++) out.data[out.offset + i] = (s * (v.data[v.offset + i] as number)) / (a[i * n + i] as number);
  });
  const { x, stats } = fgmres(op, b, { M, restart: 8, rtol: 1e-10 });
  t.is(stats.status, "converged");
  t.true(relErr(x.data, denseSolve(a, n, b)) < 1e-8);
});

test("gmres refuses bad arguments with one-line errors naming the argument and sizes", (t) => {
  const A = dense([[1, 2], [3, 4]]);
  t.throws(() => gmres(A, [1, 2, 3]), { instanceOf: RangeError, message: "gmres: b has length 3 but A is 2×2" });
  t.throws(() => gmres(A, [1, 2], { restart: 0 }), { instanceOf: RangeError, message: /gmres: options\.restart must be an integer ≥ 1/ });
  t.throws(() => gmres(A, [1, 2], { side: "up" as "left" }), { instanceOf: RangeError, message: /gmres: options\.side must be one of/ });
  t.throws(() => gmres(A, [1, 2], { M: diagonal([1, 2, 3]) }), { instanceOf: RangeError, message: "gmres: options.M is 3×3 but A is 2×2" });
  t.throws(() => gmres(dense([[1, 2, 3], [4, 5, 6]]), [1, 2]), { instanceOf: RangeError, message: /gmres: A/ });
  t.throws(() => gmres(A, [1, 2], { orthogonalization: "householder" as "mgs" }), { message: /gmres: options\.orthogonalization/ });
  t.throws(() => arnoldi(A, { steps: 0 }), { message: /arnoldi: options\.steps must be an integer ≥ 1/ });
  t.throws(() => gmres(A, [1, 2], { restrat: 5 } as unknown as { restart: number }), { instanceOf: TypeError, message: /gmres: unknown option 'restrat' \(did you mean 'restart'\?\)/ });
  void vec;
});

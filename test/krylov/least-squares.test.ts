/**
 * lsqr and lsmr against problems of known minimum-norm solution (test/helpers/problems) and the
 * dense SVD reference: consistent, inconsistent, rank-deficient, underdetermined, damped; the
 * true-residual promise of 'converged'; options, callback, signal and argument errors.
 */
import test from "ava";
import fc from "fast-check";
import { csr, dense, operator, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { lsmr, lsqr, type LeastSquaresOptions, type LsqrResult } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { denseLeastSquares, matvecRect, matvecTransposeRect } from "../helpers/dense-least-squares.js";

type Solver = (A: LinearOperator, b: ArrayLike<number> | Vec, options?: LeastSquaresOptions) => LsqrResult;
const solvers: Array<[string, Solver]> = [["lsqr", lsqr as Solver], ["lsmr", lsmr as Solver]];

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) ** 2;
  return Math.sqrt(s);
}

function relErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += ((x[i] as number) - (y[i] as number)) ** 2;
  return Math.sqrt(s) / Math.max(norm(y), 1e-300);
}

function arr(v: Vec): Float64Array {
  return Float64Array.from({ length: v.shape[0] ?? 0 }, (_, i) => v.get(i));
}

/** The true ‖r̄‖ and ‖Āᵀr̄‖ of x, from the dense matrix. */
function trueNorms(a: Float64Array, m: number, n: number, b: ArrayLike<number>, x: Float64Array, damp = 0): { r: number; ar: number; x: number } {
  const ax = matvecRect(a, m, n, x);
  const r = Float64Array.from(ax, (v, i) => (b[i] as number) - v);
  const atr = matvecTransposeRect(a, m, n, r);
  for (let j = 0; j < n; j++) atr[j] = (atr[j] as number) - damp * damp * (x[j] as number);
  return { r: Math.sqrt(norm(r) ** 2 + damp * damp * norm(x) ** 2), ar: norm(atr), x: norm(x) };
}

for (const [name, solve] of solvers) {
  test(`${name} solves a consistent overdetermined system (rule S1) to the known solution`, (t) => {
    const p = leastSquaresProblem(60, 20, { cond: 100, seed: 3 });
    const { x, stats, estimates } = solve(p.A, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(stats.converged);
    t.is(stats.status, "converged");
    t.is(estimates.rule, 1);
    t.true(relErr(arr(x), p.x) < 1e-9, `error ${relErr(arr(x), p.x)}`);
    const tr = trueNorms(p.a, p.m, p.n, p.b, arr(x));
    t.true(Math.abs(stats.residualNorm - tr.r) <= 1e-12 * norm(p.b));
    t.true(tr.r <= 1e-12 * norm(p.b) + 1e-12 * estimates.normA * tr.x);
  });

  test(`${name} finds the least-squares solution of an inconsistent system (rule S2) and its residual norm`, (t) => {
    const p = leastSquaresProblem(50, 15, { cond: 30, inconsistency: 0.7, seed: 4 });
    const { x, stats, estimates } = solve(p.A, p.b, { atol: 1e-10, btol: 1e-10 });
    t.true(stats.converged);
    t.is(estimates.rule, 2);
    t.true(relErr(arr(x), p.x) < 1e-7, `error ${relErr(arr(x), p.x)}`);
    t.true(Math.abs(stats.residualNorm - 0.7) < 1e-9);
    const tr = trueNorms(p.a, p.m, p.n, p.b, arr(x));
    t.true(tr.ar <= 1e-10 * estimates.normA * tr.r, `‖Aᵀr‖ ${tr.ar}`);
    t.true(Math.abs(estimates.normAr - tr.ar) <= 1e-12 * estimates.normA * tr.r);
    t.true(Math.abs(estimates.normX - tr.x) <= 1e-12 * tr.x);
  });

  test(`${name} returns the minimum-norm solution of a rank-deficient inconsistent problem`, (t) => {
    const p = leastSquaresProblem(40, 25, { rank: 10, cond: 20, inconsistency: 0.3, seed: 5 });
    const { x, stats } = solve(p.A, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(stats.converged);
    t.true(relErr(arr(x), p.x) < 1e-8, `error ${relErr(arr(x), p.x)}`);
    // the same as the dense pseudo-inverse
    t.true(relErr(arr(x), denseLeastSquares(p.a, p.m, p.n, p.b)) < 1e-8);
  });

  test(`${name} returns the minimum-norm solution of an underdetermined system`, (t) => {
    const p = leastSquaresProblem(12, 30, { cond: 50, seed: 6 });
    const { x, stats, estimates } = solve(p.A, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(stats.converged);
    t.is(estimates.rule, 1);
    t.true(relErr(arr(x), p.x) < 1e-9, `error ${relErr(arr(x), p.x)}`);
  });

  test(`${name} with damping λ solves min ‖Ax − b‖² + λ²‖x‖² (ridge regression)`, (t) => {
    const damp = 0.05;
    const p = leastSquaresProblem(45, 20, { cond: 1e3, inconsistency: 0.2, damp, seed: 7 });
    const { x, stats } = solve(p.A, p.b, { damp, atol: 1e-12, btol: 1e-12 });
    t.true(stats.converged);
    t.true(relErr(arr(x), p.x) < 1e-9, `error ${relErr(arr(x), p.x)}`);
    t.true(relErr(arr(x), denseLeastSquares(p.a, p.m, p.n, p.b, damp)) < 1e-9);
    const tr = trueNorms(p.a, p.m, p.n, p.b, arr(x), damp);
    t.true(Math.abs(stats.residualNorm - tr.r) < 1e-12);
  });

  test(`${name} agrees with the dense SVD solution on random problems (property, seeded)`, (t) => {
    const seed = 20261204;
    const result = fc.check(
      fc.property(
        fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }),
        (m, n, s, damped, lam) => {
          const p = leastSquaresProblem(m, n, { cond: 10, seed: s, rank: Math.max(1, Math.min(m, n) - (s % 3)) });
          const damp = damped ? lam : 0;
          const { x, stats } = solve(p.A, p.b, { damp, atol: 1e-13, btol: 1e-13, maxIterations: 20 * n });
          const ref = denseLeastSquares(p.a, m, n, p.b, damp, 1e-9);
          return stats.converged && relErr(arr(x), ref) < 1e-7;
        },
      ),
      { seed, numRuns: 60 },
    );
    t.false(result.failed, `seed ${seed}: counterexample ${JSON.stringify(result.counterexample)}`);
  });

  test(`${name} starts from x0 and leaves b and x0 unmodified`, (t) => {
    const p = leastSquaresProblem(30, 10, { cond: 10, inconsistency: 0.1, seed: 8 });
    const b = Float64Array.from(p.b);
    const x0 = Float64Array.from({ length: 10 }, (_, i) => p.x[i]! + 1e-3 * Math.sin(i));
    const x0c = Float64Array.from(x0);
    const cold = solve(p.A, b, { atol: 1e-10, btol: 1e-10 });
    const warm = solve(p.A, b, { x0, atol: 1e-10, btol: 1e-10 });
    t.deepEqual(b, Float64Array.from(p.b));
    t.deepEqual(x0, x0c);
    t.true(warm.stats.converged);
    t.true(relErr(arr(warm.x), p.x) < 1e-8);
    t.true(warm.stats.iterations <= cold.stats.iterations);
  });

  test(`${name} returns x = 0 at once for b = 0, and x0 when it already solves the problem`, (t) => {
    const p = leastSquaresProblem(8, 5, { seed: 9 });
    const zero = solve(p.A, new Float64Array(8));
    t.true(zero.stats.converged);
    t.is(zero.stats.iterations, 0);
    t.is(norm(arr(zero.x)), 0);
    const exact = solve(p.A, p.b, { x0: p.x });
    t.true(exact.stats.converged);
    t.true(exact.stats.iterations <= 1);
  });

  test(`${name} runs on a rectangular CSR matrix and a closure with a transpose`, (t) => {
    const p = leastSquaresProblem(20, 8, { seed: 10, inconsistency: 0.5 });
    const rows: number[] = [], cols: number[] = [], vals: number[] = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 8; j++) { rows.push(i); cols.push(j); vals.push(p.a[i * 8 + j]!); }
    const S = csr(rows, cols, vals, [20, 8]);
    const r1 = solve(S, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(relErr(arr(r1.x), p.x) < 1e-9);
    const D = dense(p.a, [20, 8]);
    const closure: LinearOperator = {
      shape: [20, 8],
      apply: (x, out) => D.apply(x, out),
      applyTranspose: (x, out) => (D.applyTranspose as (x: Vec, out?: Vec) => Vec)(x, out),
    };
    const r2 = solve(closure, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(relErr(arr(r2.x), p.x) < 1e-9);
  });

  test(`${name} reports 'illConditioned' when cond(A) passes conlim and no rule holds`, (t) => {
    const p = leastSquaresProblem(40, 20, { cond: 1e10, inconsistency: 0.5, seed: 11 });
    const { stats, estimates } = solve(p.A, p.b, { conlim: 100, atol: 1e-14, btol: 1e-14 });
    t.is(stats.status, "illConditioned");
    t.false(stats.converged);
    t.true(estimates.condA >= 100);
  });

  test(`${name} stops at maxIterations, with the true residual reported`, (t) => {
    const p = leastSquaresProblem(60, 30, { cond: 1e4, inconsistency: 0.5, seed: 12 });
    const { x, stats } = solve(p.A, p.b, { maxIterations: 3, atol: 1e-14, btol: 1e-14 });
    t.is(stats.status, "maxIterations");
    t.is(stats.iterations, 3);
    t.false(stats.converged);
    const tr = trueNorms(p.a, p.m, p.n, p.b, arr(x));
    t.true(Math.abs(stats.residualNorm - tr.r) < 1e-12);
  });

  test(`${name} records the history and stops when the callback asks or the signal fires`, (t) => {
    const p = leastSquaresProblem(30, 12, { cond: 100, inconsistency: 0.2, seed: 13 });
    let calls = 0;
    const r = solve(p.A, p.b, { history: true, callback: (info) => { calls++; t.is(info.iteration, calls); return info.iteration === 4; } });
    t.is(r.stats.status, "stopped");
    t.is(r.stats.iterations, 4);
    t.is(r.stats.residualHistory?.length, 5);
    const ac = new AbortController();
    ac.abort();
    const s = solve(p.A, p.b, { signal: ac.signal });
    t.is(s.stats.status, "stopped");
    t.is(s.stats.iterations, 0);
  });

  test(`${name} rejects bad shapes and options with one-line errors naming the argument`, (t) => {
    const A = dense(new Float64Array(12), [4, 3]);
    t.throws(() => solve(A, [1, 2, 3]), { instanceOf: RangeError, message: `${name}: b has length 3 but A is 4×3` });
    t.throws(() => solve(A, [1, 2, 3, 4], { x0: [1, 2, 3, 4] }), { instanceOf: RangeError, message: `${name}: options.x0 has length 4 but A is 4×3` });
    t.throws(() => solve(A, [1, 2, 3, 4], { damp: -1 }), { instanceOf: RangeError, message: /options\.damp/ });
    t.throws(() => solve(A, [1, 2, 3, 4], { conlim: 0 }), { instanceOf: RangeError, message: /options\.conlim/ });
    t.throws(() => solve(A, [1, NaN, 3, 4]), { instanceOf: RangeError, message: /b\[1\] is NaN/ });
    const noT = operator([4, 3], (x, out) => out);
    t.throws(() => solve(noT, [1, 2, 3, 4]), { instanceOf: TypeError, message: `${name}: A (4×3) must have applyTranspose (Aᵀ products are needed)` });
  });
}

for (const [name, solve] of solvers) {
  test(`${name} allocates its vectors once: every product writes into the same three workspace vectors`, (t) => {
    // A closure operator that records the buffer of each output vector: the solver must pass the same ones every time.
    const p = leastSquaresProblem(30, 10, { cond: 100, inconsistency: 0.2, seed: 14 });
    const outs = new Set<ArrayBufferLike>();
    let products = 0;
    const A: LinearOperator = {
      shape: [30, 10],
      apply: (x, out) => { products++; outs.add((out as Vec).data.buffer); return p.A.apply(x, out); },
      applyTranspose: (x, out) => { products++; outs.add((out as Vec).data.buffer); return (p.A.applyTranspose as (x: Vec, o?: Vec) => Vec)(x, out); },
    };
    solve(A, p.b, { atol: 1e-12, btol: 1e-12 });
    t.true(products > 10);
    // Av, Aᵀu and the first v: three vectors of the workspace, whatever the number of iterations.
    t.true(outs.size <= 3, `${outs.size} distinct output buffers`);
  });
}

/** The true ‖r‖ and ‖Aᵀr‖ after each iteration of `solve`, from the iterate the callback sees. */
function trueHistory(solve: Solver, p: ReturnType<typeof leastSquaresProblem>): Array<{ r: number; ar: number }> {
  const out: Array<{ r: number; ar: number }> = [];
  solve(p.A, p.b, {
    atol: 1e-14, btol: 1e-14, maxIterations: 40,
    callback: (info) => { out.push(trueNorms(p.a, p.m, p.n, p.b, arr(info.x))); },
  });
  return out;
}

test("lsqr's ‖rₖ‖ and lsmr's ‖Aᵀrₖ‖ decrease monotonically (their defining minimizations)", (t) => {
  const p = leastSquaresProblem(80, 40, { cond: 1e3, inconsistency: 1, seed: 21 });
  const hq = trueHistory(lsqr as Solver, p);
  const hm = trueHistory(lsmr as Solver, p);
  t.true(hq.length > 10 && hm.length > 10);
  for (let i = 1; i < hq.length; i++) t.true(hq[i]!.r <= hq[i - 1]!.r * (1 + 1e-12), `lsqr ‖r‖ step ${i}`);
  for (let i = 1; i < hm.length; i++) t.true(hm[i]!.ar <= hm[i - 1]!.ar * (1 + 1e-9), `lsmr ‖Aᵀr‖ step ${i}`);
  // both search the same Krylov space: LSMR's ‖rₖ‖ ≥ LSQR's, LSQR's ‖Aᵀrₖ‖ ≥ LSMR's (Fong & Saunders §3.3)
  for (let i = 0; i < Math.min(hq.length, hm.length, 20); i++) {
    t.true(hm[i]!.r >= hq[i]!.r * (1 - 1e-9), `‖r‖ step ${i}`);
  }
});

test("lsqr's and lsmr's estimates of ‖A‖ and cond(A) are bounded by the dense Frobenius ones before orthogonality is lost", (t) => {
  const p = leastSquaresProblem(50, 20, { cond: 200, inconsistency: 0.3, seed: 22 });
  const frob = Math.sqrt(Array.from(p.sigma).reduce((s, v) => s + v * v, 0));
  const condF = frob * Math.sqrt(Array.from(p.sigma).reduce((s, v) => s + 1 / (v * v), 0)); // ‖A‖_F‖A⁺‖_F
  for (const solve of [lsqr, lsmr] as Solver[]) {
    const { estimates } = solve(p.A, p.b, { maxIterations: 12 });
    t.true(estimates.normA <= frob * (1 + 1e-10) && estimates.normA >= 0.5 * frob, `normA ${estimates.normA} vs ${frob}`);
    t.true(estimates.condA <= condF * (1 + 1e-9) && estimates.condA >= 5, `condA ${estimates.condA}`);
  }
});

test("lsqr and lsmr never claim convergence the true residual does not confirm, and stop as stagnated (a transpose with 1e-7 noise)", (t) => {
  // Aᵀu carries a fresh relative error of 1e-7 at every call, so the recurrences reach their
  // test long before the true ‖Aᵀr‖ (measured with the same noisy Aᵀ) can meet atol = 1e-12:
  // each verification fails, the triggers tighten, and the runs stop once the measured excess no
  // longer falls, at the best point measured.
  const p = leastSquaresProblem(40, 15, { cond: 10, inconsistency: 0.5, seed: 81 });
  for (const solve of [lsqr, lsmr] as Solver[]) {
    let state = 12345;
    const noise = (): number => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648 - 0.5; };
    const A: LinearOperator = {
      shape: [40, 15],
      apply: (x, out) => p.A.apply(x, out),
      applyTranspose: (x, out) => {
        const y = (p.A.applyTranspose as (x: Vec, o?: Vec) => Vec)(x, out);
        let s = 0;
        for (let j = 0; j < 15; j++) s += y.get(j) ** 2;
        for (let j = 0; j < 15; j++) y.set(j, y.get(j) + 1e-7 * Math.sqrt(s) * noise());
        return y;
      },
    };
    const r = solve(A, p.b, { atol: 1e-12, btol: 1e-12, maxIterations: 2000 });
    t.false(r.stats.converged, r.stats.message);
    t.is(r.stats.status, "stagnated");
    t.true(r.estimates.failedChecks >= 3);
    t.true(r.stats.iterations < 2000);
    t.regex(r.stats.message ?? "", /stopped approaching the rules after \d+ failed verification\(s\)/);
    // the reported values are those of the returned x (measured with the exact Aᵀ here)
    const tr = trueNorms(p.a, p.m, p.n, p.b, arr(r.x));
    t.true(Math.abs(r.stats.residualNorm - tr.r) <= 1e-12 * tr.r);
  }
});

import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dense, diagonal, readMatrixMarket, rng, shift, toDense, type LinearOperator } from "@krylov-ts/operators";
import { minres } from "@krylov-ts/krylov";
import { matvec, poisson2d, poisson2dEigenvalues, symmetricEigen, withSpectrum } from "../helpers/dense.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const matrices = path.resolve(repoRoot, "..", "shared", "data", "matrices");

/**
 * The dense least-squares reference of a symmetric (A − σI)x ≈ b from its eigendecomposition:
 * P b (the range part of b), P_N b (the rest), A⁺b, the smallest nonzero |λ| and ‖A − σI‖₂.
 * Eigenvalues with |λ| ≤ 1e-10·‖A − σI‖₂ count as zero.
 */
function leastSquaresReference(a: Float64Array, n: number, b: Float64Array, sigma = 0) {
  const s = Float64Array.from(a);
  for (let i = 0; i < n; i++) s[i * n + i] = (s[i * n + i] as number) - sigma;
  const { values, vectors } = symmetricEigen(s, n);
  const normA = Math.max(...Array.from(values, Math.abs));
  const Pb = new Float64Array(n);
  const PNb = new Float64Array(n);
  const pinv = new Float64Array(n);
  const nullBasis: Float64Array[] = [];
  let lambdaMin = Infinity;
  for (let j = 0; j < n; j++) {
    const q = Float64Array.from({ length: n }, (_, i) => vectors[i * n + j] as number);
    const l = values[j] as number;
    const c = dot(q, b);
    if (Math.abs(l) <= 1e-10 * normA) {
      nullBasis.push(q);
      for (let i = 0; i < n; i++) PNb[i] = (PNb[i] as number) + c * (q[i] as number);
    } else {
      lambdaMin = Math.min(lambdaMin, Math.abs(l));
      for (let i = 0; i < n; i++) {
        Pb[i] = (Pb[i] as number) + c * (q[i] as number);
        pinv[i] = (pinv[i] as number) + (c / l) * (q[i] as number);
      }
    }
  }
  return { shifted: s, Pb, PNb, pinv, nullBasis, lambdaMin, normA };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

function diff(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => (a[i] as number) - (b[i] as number));
}

/** The component of x in the range of A (x minus its projection on the null basis). */
function rangePart(x: ArrayLike<number>, nullBasis: readonly Float64Array[]): Float64Array {
  const out = Float64Array.from(x);
  for (const q of nullBasis) {
    const c = dot(q, out);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - c * (q[i] as number);
  }
  return out;
}

/**
 * Runs minres on a singular inconsistent system and checks it against the dense reference:
 * the status, the least-squares test on the TRUE r = b − (A − σI)x, the reported residual, and
 * the a-posteriori bounds that the test implies. With e = x − A⁺b restricted to the range,
 * (A − σI)r = −(A − σI)(Ax − Pb) and Ax − Pb, e lie in the range, so
 * ‖Ax − Pb‖ ≤ ‖Ar‖/λ⁺ and ‖P_R x − A⁺b‖ ≤ ‖Ar‖/λ⁺² (λ⁺ the smallest nonzero |λ|).
 */
function checkLeastSquares(
  t: import("ava").ExecutionContext,
  a: Float64Array,
  n: number,
  A: LinearOperator,
  b: Float64Array,
  sigma: number,
  rtol = Math.sqrt(Number.EPSILON),
) {
  const ref = leastSquaresReference(a, n, b, sigma);
  t.true(norm(ref.PNb) > 0.1 * norm(b), "the problem is inconsistent");
  const maxIterations = 10 * n;
  const { x, stats, estimates } = minres(A, b, { shift: sigma, rtol, maxIterations });
  t.is(stats.status, "leastSquares", stats.message);
  t.true(stats.converged);
  t.is(stats.matvecs, stats.iterations + 2); // + the true residual + its product with A
  const Ax = matvec(ref.shifted, n, n, x.data);
  const r = diff(b, Ax);
  const Ar = matvec(ref.shifted, n, n, r);
  // The reported residual is the true one, and at a least-squares point it is ‖P_N b‖.
  t.true(Math.abs(stats.residualNorm - norm(r)) <= 1e-12 * norm(b));
  t.true(Math.abs(norm(r) - norm(ref.PNb)) <= 1e-8 * norm(b));
  // The stopping rule, on the true quantities (‖Tₖ‖_F is the ‖A‖ of the rule).
  t.true(norm(Ar) <= rtol * estimates.normA * norm(r) * (1 + 1e-8));
  t.true(Math.abs(estimates.normAr - norm(Ar)) <= 1e-6 * norm(Ar) + 1e-14 * ref.normA * norm(b));
  // (A − σI)x ≈ P b and the range part of x ≈ A⁺b, within the bounds the rule implies.
  const axErr = norm(diff(Ax, ref.Pb));
  const xErr = norm(diff(rangePart(x.data, ref.nullBasis), ref.pinv));
  t.true(axErr <= norm(Ar) / ref.lambdaMin + 1e-12 * ref.normA * norm(b));
  t.true(xErr <= norm(Ar) / ref.lambdaMin ** 2 + 1e-12 * norm(ref.pinv));
  // The null-space part of x (from x₀ = 0) is a multiple of P_N b: the Krylov space K(A, b) holds
  // b itself. So x − (xᵀr/rᵀr)·r is the minimum-norm solution A⁺b (the recipe of the TSDoc).
  const xNull = diff(x.data, rangePart(x.data, ref.nullBasis));
  const c = dot(xNull, ref.PNb) / dot(ref.PNb, ref.PNb);
  t.true(norm(diff(xNull, Float64Array.from(ref.PNb, (v) => c * v))) <= 1e-8 * norm(x.data));
  const xr = dot(x.data, r) / dot(r, r);
  const minNorm = Float64Array.from(x.data, (v, i) => v - xr * (r[i] as number));
  const minNormErr = norm(diff(minNorm, ref.pinv)) / norm(ref.pinv);
  // With d = Pb − Ax (so r = P_N b + d) and x = A⁺b + e + c·P_N b: minNorm − A⁺b =
  // e − (xᵀr/rᵀr)·d + (c − xᵀr/rᵀr)·P_N b, and |c − xᵀr/rᵀr|·‖P_N b‖ ≤ (|c|‖d‖² + ‖P_R x‖‖d‖)/‖P_N b‖.
  const d = axErr;
  const bound = xErr + Math.abs(xr) * d + (Math.abs(c) * d * d + norm(rangePart(x.data, ref.nullBasis)) * d) / norm(ref.PNb);
  t.true(minNormErr * norm(ref.pinv) <= bound * (1 + 1e-6) + 1e-12 * norm(x.data));
  t.true(stats.iterations <= maxIterations / 4);
  t.log(
    `n ${n}: ${stats.iterations} iterations of ${maxIterations}; ‖Ar‖/(‖A‖₂‖r‖) ${(norm(Ar) / (ref.normA * norm(r))).toExponential(2)}, ` +
      `‖Ax − Pb‖/‖b‖ ${(axErr / norm(b)).toExponential(2)}, ‖P_R x − A⁺b‖/‖A⁺b‖ ${(xErr / norm(ref.pinv)).toExponential(2)}, ` +
      `min-norm recipe ${minNormErr.toExponential(2)}`,
  );
}

test("minres stops with a least-squares solution on a singular indefinite system with b outside the range", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i < 2 ? 0 : (i % 2 ? -1 : 1) * (1 + i)));
  const a = withSpectrum(ev, 3);
  checkLeastSquares(t, a, n, dense(a, [n, n]), rng(103).normalVec(n).data, 0);
});

test("minres stops with a least-squares solution on a positive semidefinite matrix with five zero eigenvalues", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i < 5 ? 0 : 1 + i));
  const a = withSpectrum(ev, 4);
  checkLeastSquares(t, a, n, dense(a, [n, n]), rng(104).normalVec(n).data, 0);
});

test("minres with a shift equal to an eigenvalue stops with the least-squares solution of (A − σI)x ≈ b", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 3));
  const a = withSpectrum(ev, 5);
  checkLeastSquares(t, a, n, dense(a, [n, n]), rng(105).normalVec(n).data, ev[4] as number);
});

test("minres on the 2-D Poisson operator shifted by a double eigenvalue stops with its least-squares solution", (t) => {
  const N = 12;
  const n = N * N;
  const A = poisson2d(N); // matrix-free; the dense copy is only the reference
  const a = toDense(A).data;
  const sigma = 4 - 2 * Math.cos(Math.PI / (N + 1)) - 2 * Math.cos((2 * Math.PI) / (N + 1)); // λ₁₂ = λ₂₁
  const count = Array.from(poisson2dEigenvalues(N)).filter((l) => Math.abs(l - sigma) < 1e-12).length;
  t.is(count, 2);
  checkLeastSquares(t, a, n, A, rng(106).normalVec(n).data, sigma);
});

test("minres returns the exact least-squares iterate on a diagonal operator with a zero entry, its null part being Σ 1/λᵢ", (t) => {
  // b = 1: the Krylov space is exhausted after 6 steps (5 distinct nonzero eigenvalues and the
  // null vector e₀); the Ritz values are the eigenvalues, so x = p(A)b with p(λ) = (1 − q(λ))/λ
  // and q(λ) = ∏(1 − λ/λᵢ): x₀ = p(0) = Σ 1/λᵢ, xᵢ = 1/λᵢ.
  const d = [0, 1, 2, 3, 4, 5];
  const { x, stats } = minres(diagonal(d), [1, 1, 1, 1, 1, 1]);
  t.is(stats.status, "leastSquares");
  t.is(stats.iterations, 6);
  t.true(Math.abs((x.data[0] as number) - (1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5)) < 1e-12);
  for (let i = 1; i < 6; i++) t.true(Math.abs((x.data[i] as number) - 1 / (d[i] as number)) < 1e-12);
  t.true(Math.abs(stats.residualNorm - 1) < 1e-12);
});

test("minres skips a rank-deficient step instead of dividing by γ ≈ 0 and throwing x along the null vector", (t) => {
  // Step 2 meets T₂ = [[½, ½], [½, ½]] with β₃ = 0: γ₂ is rounding. Dividing by it sent x₁ to 3·10¹⁵.
  for (const d of [[1, 0], [1, 1e-17], [1, 0, 0, 2]]) {
    const b = d.map(() => 1);
    const { x, stats } = minres(diagonal(d), b);
    t.is(stats.status, "leastSquares");
    t.true(Math.max(...Array.from(x.data, Math.abs)) < 10, `x = ${Array.from(x.data).join(", ")}`);
    for (let i = 0; i < d.length; i++) if ((d[i] as number) > 0.5) t.true(Math.abs((x.data[i] as number) - 1 / (d[i] as number)) < 1e-12);
  }
});

test("minres with a preconditioner stops on the least-squares test in the M-norm", (t) => {
  const n = 30;
  const ev = Array.from({ length: n }, (_, i) => (i < 3 ? 0 : (i % 2 ? -1 : 1) * (2 + i)));
  const a = withSpectrum(ev, 7);
  const A = dense(a, [n, n]);
  const m = Array.from({ length: n }, (_, i) => 1 + (i % 5) / 4);
  const b = rng(107).normalVec(n).data;
  const { x, stats, estimates } = minres(A, b, { M: diagonal(m) });
  t.is(stats.status, "leastSquares", stats.message);
  t.true(stats.iterations < 3 * n);
  // min ‖b − Ax‖_M over x has A·M·r = 0 (not A·r = 0); check ‖M½AMr‖ ≤ rtol·‖Tₖ‖_F·‖r‖_M.
  const r = diff(b, matvec(a, n, n, x.data));
  const Mr = Float64Array.from(r, (v, i) => v * (m[i] as number));
  const AMr = matvec(a, n, n, Mr);
  const left = Math.sqrt(dot(AMr, Float64Array.from(AMr, (v, i) => v * (m[i] as number))));
  t.true(left <= Math.sqrt(Number.EPSILON) * estimates.normA * Math.sqrt(dot(r, Mr)) * (1 + 1e-8));
  t.true(Math.abs(stats.residualNorm - norm(r)) <= 1e-12 * norm(b));
});

test("minres still converges with the ordinary status on a consistent shifted singular system", (t) => {
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 3));
  const a = withSpectrum(ev, 8);
  const sigma = ev[6] as number;
  const ref = leastSquaresReference(a, n, rng(108).normalVec(n).data, sigma);
  const b = ref.Pb; // in the range of A − σI
  const { x, stats } = minres(dense(a, [n, n]), b, { shift: sigma, rtol: 1e-10 });
  t.is(stats.status, "converged");
  const r = diff(b, matvec(ref.shifted, n, n, x.data));
  t.true(norm(r) <= 1e-10 * norm(b));
});

test("minres reports the least-squares status through a shifted operator the same as through its shift option", (t) => {
  const n = 30;
  const ev = Array.from({ length: n }, (_, i) => 1 + i);
  const a = withSpectrum(ev, 9);
  const A = dense(a, [n, n]);
  const b = rng(109).normalVec(n).data;
  const p = minres(A, b, { shift: 7 });
  const q = minres(shift(A, -7), b);
  t.is(p.stats.status, "leastSquares");
  t.is(q.stats.status, "leastSquares");
  const { shifted } = leastSquaresReference(a, n, b, 7);
  t.true(norm(matvec(shifted, n, n, diff(p.x.data, q.x.data))) < 1e-6 * norm(b)); // the same (A − σI)x
});

test("minres with an unattainable rtol on an inconsistent system stops on stagnation instead of letting x diverge", (t) => {
  // Before the stagnation stop this run went on to maxIterations with ‖x‖ ≈ 10¹⁵ and ‖r‖ ≈ 10¹⁵.
  const n = 40;
  const ev = Array.from({ length: n }, (_, i) => (i < 2 ? 0 : (i % 2 ? -1 : 1) * (1 + i)));
  const a = withSpectrum(ev, 3);
  const b = rng(103).normalVec(n).data;
  const ref = leastSquaresReference(a, n, b);
  const { x, stats } = minres(dense(a, [n, n]), b, { rtol: 1e-12, maxIterations: 400 });
  t.is(stats.status, "breakdown");
  t.false(stats.converged);
  t.regex(stats.message ?? "", /least-squares stagnation/);
  t.true(stats.iterations < 100);
  const Ax = matvec(a, n, n, x.data);
  t.true(Math.abs(stats.residualNorm - norm(diff(b, Ax))) <= 1e-10 * norm(b));
  t.true(Math.abs(stats.residualNorm - norm(ref.PNb)) <= 1e-8 * norm(b));
  t.true(norm(diff(Ax, ref.Pb)) <= 1e-6 * norm(b));
});

test("minres with rtol 0 on an inconsistent system stops with a breakdown once r lies in the null space", (t) => {
  // The restart from the exact least-squares residual r = e₀ meets γ₁ ≈ 0 at once: nothing is left to do.
  const d = [0, 1, 2, 3, 4, 5];
  const { x, stats } = minres(diagonal(d), [1, 1, 1, 1, 1, 1], { rtol: 0, maxIterations: 1000 });
  t.is(stats.status, "breakdown");
  t.regex(stats.message ?? "", /null space|least-squares stagnation/);
  t.true(stats.iterations <= 8);
  for (let i = 1; i < 6; i++) t.true(Math.abs((x.data[i] as number) - 1 / (d[i] as number)) < 1e-12);
  t.true(Math.abs(stats.residualNorm - 1) < 1e-12);
});

test("minres's least-squares checks leave an ill-conditioned consistent system converging within its budget", (t) => {
  // LFAT5 − 0.5I (cond ≈ 5·10⁹): the recurrence ratio ‖Ar‖/(‖A‖‖r‖) drifts below √ε long before
  // the end; restarting on each failed check made the run miss its 10·n budget, going on does not.
  const A = readMatrixMarket(readFileSync(path.join(matrices, "LFAT5.mtx"), "utf8"));
  const n = A.shape[0];
  const b = rng(5).normalVec(n).data;
  for (const rtol of [1e-8, 1e-10]) {
    const { x, stats } = minres(A, b, { shift: 0.5, rtol });
    t.is(stats.status, "converged", `rtol ${rtol}: ${stats.message ?? ""}`);
    const a = toDense(A).data;
    for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) - 0.5;
    t.true(norm(diff(b, matvec(a, n, n, x.data))) <= rtol * norm(b));
  }
});

test("minres with b in the null space of A stops at once with the least-squares solution x = 0", (t) => {
  // ‖Ar‖ = 0 at x = 0 meets ‖Ar‖ ≤ rtol·‖Tₖ‖_F·‖r‖ even when Tₖ = 0 (the zero operator): not a breakdown.
  for (const [d, b] of [[[0, 1, 2], [1, 0, 0]], [[0, 0, 0], [1, 2, 3]]] as const) {
    const { x, stats, estimates } = minres(diagonal(d), b);
    t.is(stats.status, "leastSquares", stats.message);
    t.true(stats.converged);
    t.deepEqual(Array.from(x.data), [0, 0, 0]);
    t.true(Math.abs(stats.residualNorm - Math.hypot(...b)) <= 1e-15 * Math.hypot(...b));
    t.is(estimates.normAr, 0);
  }
});

test("minres with a loose rtol on a nonsingular system of condition 1e4 converges instead of stopping as least-squares", (t) => {
  // The least-squares test at a loose rtol, ‖Ar‖ ≤ 0.01·‖Tₖ‖_F·‖r‖, holds for any r near the small eigenvalues of a
  // matrix with cond > 1/rtol: diag(1…1e4) stopped after 17 steps as 'leastSquares' (converged) with ‖r‖/‖b‖ = 0.14,
  // calling b "not in the range of A". An inexact Newton step on such a Hessian is the common case.
  const n = 50;
  for (const top of [1e4, 1e6]) {
    const d = Array.from({ length: n }, (_, i) => 1 + (i * (top - 1)) / (n - 1));
    const b = d.map(() => 1);
    for (const rtol of [0.1, 1e-2, 1e-3]) {
      const { stats } = minres(diagonal(d), b, { rtol });
      t.is(stats.status, "converged", `cond ${top}, rtol ${rtol}: ${stats.message ?? ""}`);
      t.true(stats.residualNorm <= rtol * Math.sqrt(n), `cond ${top}, rtol ${rtol}`);
    }
  }
  // A singular inconsistent system with the same loose rtol still stops at a least-squares point, now to √ε.
  const d = [0, ...Array.from({ length: n - 1 }, (_, i) => 1 + i)];
  const { x, stats } = minres(diagonal(d), d.map(() => 1), { rtol: 0.1 });
  t.is(stats.status, "leastSquares", stats.message);
  for (let i = 1; i < n; i++) t.true(Math.abs((x.data[i] as number) - 1 / (d[i] as number)) <= 1e-6 / (d[i] as number));
});

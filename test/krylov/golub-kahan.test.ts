/**
 * The Golub–Kahan bidiagonalization: the relations A·Vₖ = Uₖ₊₁·Bₖ and
 * Aᵀ·Uₖ₊₁ = Vₖ·Bₖᵀ + αₖ₊₁vₖ₊₁eₖ₊₁ᵀ on dense matrices, orthonormality with and without
 * reorthogonalization, the first LSQR iterate from the same process, and the errors.
 */
import test from "ava";
import { dense, type Vec } from "@krylov-ts/operators";
import { golubKahan, lsqr } from "@krylov-ts/krylov";
import { leastSquaresProblem } from "../helpers/problems/index.js";
import { matvecRect, matvecTransposeRect } from "../helpers/dense-least-squares.js";

function arr(v: Vec): Float64Array {
  return Float64Array.from({ length: v.shape[0] ?? 0 }, (_, i) => v.get(i));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** max over columns of the two relations' residuals, relative to ‖A‖_F. */
function relations(a: Float64Array, m: number, n: number, r: ReturnType<typeof golubKahan>): { av: number; atu: number } {
  const k = r.stats.iterations;
  const U = r.U.map(arr), V = r.V.map(arr);
  const { alpha, beta } = r;
  let av = 0, atu = 0;
  // A vⱼ = αⱼuⱼ + βⱼ₊₁uⱼ₊₁ (column j of Bₖ), j < k
  for (let j = 0; j < k; j++) {
    const y = matvecRect(a, m, n, V[j]!);
    for (let i = 0; i < m; i++) y[i] = y[i]! - alpha[j]! * U[j]![i]! - beta[j + 1]! * U[j + 1]![i]!;
    av = Math.max(av, Math.hypot(...y));
  }
  // Aᵀuⱼ = βⱼvⱼ₋₁ + αⱼvⱼ (row j of Bₖ, and αₖ₊₁vₖ₊₁ for j = k), j ≤ k
  for (let j = 0; j <= k; j++) {
    const y = matvecTransposeRect(a, m, n, U[j]!);
    for (let i = 0; i < n; i++) y[i] = y[i]! - alpha[j]! * V[j]![i]! - (j > 0 ? beta[j]! * V[j - 1]![i]! : 0);
    atu = Math.max(atu, Math.hypot(...y));
  }
  const fro = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  return { av: av / fro, atu: atu / fro };
}

/** max |qᵢᵀqⱼ − δᵢⱼ| over the nonzero columns (a last v is zero when the bases exhausted the space). */
function orthogonality(Q: Vec[]): number {
  const c = Q.map(arr).filter((q) => dot(q, q) > 0);
  let worst = 0;
  for (let i = 0; i < c.length; i++) for (let j = 0; j <= i; j++) worst = Math.max(worst, Math.abs(dot(c[i]!, c[j]!) - (i === j ? 1 : 0)));
  return worst;
}

test("golubKahan satisfies A·Vₖ = Uₖ₊₁·Bₖ and Aᵀ·Uₖ₊₁ = Vₖ·Bₖᵀ + αₖ₊₁vₖ₊₁eₖ₊₁ᵀ with orthonormal U and V", (t) => {
  for (const [m, n] of [[50, 20], [20, 50]] as const) {
    const p = leastSquaresProblem(m, n, { cond: 1e4, seed: 71, inconsistency: m > n ? 0.3 : 0 });
    const r = golubKahan(p.A, p.b, { steps: 15 });
    t.is(r.stats.iterations, 15);
    t.is(r.U.length, 16);
    t.is(r.V.length, 16);
    t.true(Math.abs(r.beta[0]! - Math.hypot(...p.b)) <= 1e-15 * r.beta[0]!);
    const rel = relations(p.a, m, n, r);
    t.true(rel.av < 1e-14 && rel.atu < 1e-14, `${m}×${n}: ${rel.av}, ${rel.atu}`);
    t.true(orthogonality(r.U) < 1e-13 && orthogonality(r.V) < 1e-13);
  }
});

test("without reorthogonalization the relations still hold while U and V lose orthogonality", (t) => {
  const sigma = Array.from({ length: 60 }, (_, i) => Math.pow(10, -6 * i / 59));
  const p = leastSquaresProblem(80, 60, { sigma, seed: 72 });
  const plain = golubKahan(p.A, p.b, { steps: 60, reorthogonalize: false });
  const full = golubKahan(p.A, p.b, { steps: 60 });
  const rel = relations(p.a, 80, 60, plain);
  t.true(rel.av < 1e-13 && rel.atu < 1e-13, `${rel.av}, ${rel.atu}`);
  t.true(orthogonality(plain.V) > 1e-8, `plain ${orthogonality(plain.V)}`);
  t.true(orthogonality(full.V) < 1e-12, `full ${orthogonality(full.V)}`);
});

test("the first LSQR iterate is the minimizer over span(v₁): x₁ = (φ₁/ρ₁)v₁ from the process's α₁, β₁, β₂", (t) => {
  const p = leastSquaresProblem(30, 10, { cond: 10, seed: 73, inconsistency: 0.2 });
  const r = golubKahan(p.A, p.b, { steps: 1 });
  const [a1, b1, b2] = [r.alpha[0]!, r.beta[0]!, r.beta[1]!];
  const rho = Math.hypot(a1, b2);
  const x1 = arr(r.V[0]!).map((v) => (a1 * b1 / (rho * rho)) * v); // φ₁/ρ₁ = c·β₁/ρ₁ with c = α₁/ρ₁
  const one = lsqr(p.A, p.b, { maxIterations: 1 });
  for (let i = 0; i < 10; i++) t.true(Math.abs(one.x.get(i) - x1[i]!) < 1e-14);
});

test("golubKahan rejects a zero b, too many steps and a wrong length, naming the argument", (t) => {
  const A = dense(Float64Array.from({ length: 12 }, (_, i) => i + 1), [4, 3]);
  t.throws(() => golubKahan(A, [0, 0, 0, 0]), { instanceOf: RangeError, message: "golubKahan: b must be nonzero" });
  t.throws(() => golubKahan(A, [1, 2, 3, 4], { steps: 4 }), { instanceOf: RangeError, message: "golubKahan: options.steps is 4 but A (4×3) allows at most 3" });
  t.throws(() => golubKahan(A, [1, 2, 3]), { instanceOf: RangeError, message: "golubKahan: b has length 3 but A is 4×3" });
});

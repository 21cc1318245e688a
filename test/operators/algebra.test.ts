import test from "ava";
import {
  add, blockDiagonal, checkSymmetric, compose, counted, csr, dense, diagonal, identity, operator, power, projector,
  restrict, rng, scaled, shift, subtract, transpose, vec, CountedOperator, PowerOperator, ScaledOperator,
  ShiftOperator, type LinearOperator, type Vec,
} from "@krylov-ts/operators";
import { maxRelDiff, orthonormal, randomMat, randomSym } from "./reference.js";

const R = randomMat(5, 5, 21);
const Q = randomMat(5, 5, 22);
const A = dense(R.a, [5, 5]);
const B = csr([0, 1, 2, 3, 4, 0, 4], [0, 1, 2, 3, 4, 3, 1], [1, 2, 3, 4, 5, -1, 0.5], [5, 5]);
const C = dense(Q.a, [5, 5]);
const S = dense(randomSym(5, 23).a, [5, 5]);
const x = rng(24).normalVec(5);

function close(t: import("ava").ExecutionContext, a: Vec, b: Vec, tol = 1e-12): void {
  t.true(maxRelDiff(a.data, b.data) <= tol, `differ by ${maxRelDiff(a.data, b.data)}`);
}
const sum = (u: Vec, v: Vec, beta = 1): Vec => vec(u.data.map((ui, i) => ui + beta * (v.data[i] as number)));
const T = (M: LinearOperator, y: Vec): Vec => (M.applyTranspose as (y: Vec) => Vec)(y);

test("(A + B)x = Ax + Bx and (A − B)x = Ax − Bx", (t) => {
  close(t, add(A, B).apply(x), sum(A.apply(x), B.apply(x)));
  close(t, subtract(A, B).apply(x), sum(A.apply(x), B.apply(x), -1));
});

test("(AB)x = A(Bx) and (ABC)x = A(B(Cx))", (t) => {
  close(t, compose(A, B).apply(x), A.apply(B.apply(x)));
  close(t, compose(A, B, C).apply(x), A.apply(B.apply(C.apply(x))));
  close(t, compose(compose(A, B), C).apply(x), compose(A, compose(B, C)).apply(x));
});

test("(AB)ᵀ = BᵀAᵀ applied to a vector", (t) => {
  close(t, T(compose(A, B), x), compose(transpose(B), transpose(A)).apply(x));
});

test("(αA)x = α(Ax), (A + σI)x = Ax + σx and A³x = A(A(Ax))", (t) => {
  close(t, scaled(-3, A).apply(x), vec(A.apply(x).data.map((v) => -3 * v)));
  close(t, shift(A, 2).apply(x), sum(A.apply(x), x, 2));
  close(t, power(A, 3).apply(x), A.apply(A.apply(A.apply(x))), 1e-11);
});

test("the transpose of a transpose is the operator itself", (t) => {
  t.is(transpose(transpose(A)), A);
  t.is(transpose(transpose(B)), B);
});

test("a symmetric operator is its own transpose", (t) => {
  t.is(transpose(S), S);
  const D = diagonal([1, 2]);
  t.is(transpose(D), D);
});

test("a scale of a scale folds into one scale of the operator", (t) => {
  const s = scaled(2, scaled(-3, A));
  t.true(s instanceof ScaledOperator);
  t.is((s as ScaledOperator).alpha, -6);
  t.is((s as ScaledOperator).inner, A);
});

test("a shift of a shift and a power of a power fold", (t) => {
  const s = shift(shift(A, 1), 2.5) as ShiftOperator;
  t.true(s instanceof ShiftOperator);
  t.is(s.sigma, 3.5);
  t.is(s.inner, A);
  const p = power(power(A, 2), 3) as PowerOperator;
  t.is(p.k, 6);
  t.is(p.inner, A);
  t.is(power(A, 1), A);
});

test("symmetry propagates only where it holds", (t) => {
  t.true(add(S, S).symmetric === true);
  t.false(add(S, A).symmetric === true);
  t.true(scaled(2, S).symmetric);
  t.false(scaled(2, A).symmetric);
  t.true(shift(S, 1).symmetric);
  t.true(power(S, 3).symmetric);
  t.false(power(A, 3).symmetric);
  t.false(compose(S, diagonal([1, 2, 3, 4, 5])).symmetric === true);
  t.true(compose(S, S).symmetric === true);
  t.true(compose(transpose(A), A).symmetric === true);
  t.true(compose(A, transpose(A)).symmetric === true);
  t.true(blockDiagonal([S, diagonal([1])]).symmetric === true);
  t.false(blockDiagonal([S, A]).symmetric === true);
  t.true(restrict(S, [0, 2]).symmetric === true);
  t.false(restrict(S, [0, 2], [2, 0]).symmetric === true);
  t.false(restrict(A, [0, 2]).symmetric === true);
  t.true(projector([vec([1, 0])]).symmetric);
  t.true(counted(S).symmetric);
});

test("a projector is idempotent and removes the components along U", (t) => {
  const U = orthonormal(8, 3, 31);
  const P = projector(U);
  const y = rng(32).normalVec(8);
  const Py = P.apply(y);
  close(t, P.apply(Py), Py);
  for (const u of U) t.true(Math.abs(u.reduce((s, v, i) => s + v * (Py.data[i] as number), 0)) < 1e-14);
});

test("counted counts apply and applyTranspose calls and resets", (t) => {
  const K = counted(A);
  t.true(K instanceof CountedOperator);
  K.apply(x);
  K.apply(x, vec(5));
  T(K, x);
  t.is(K.applies, 2);
  t.is(K.transposeApplies, 1);
  t.is(K.count, 3);
  t.true(K.timeMs >= 0);
  K.reset();
  t.is(K.count, 0);
  t.is(K.timeMs, 0);
});

test("counted sees every application made by a composition over it", (t) => {
  const K = counted(B);
  power(K, 4).apply(x);
  t.is(K.count, 4);
});

test("checkSymmetric accepts symmetric operators and reports a tiny asymmetry", (t) => {
  const r = checkSymmetric(S, { probes: 4, seed: 3 });
  t.true(r.symmetric);
  t.is(r.probes, 4);
  t.true(r.worstRelativeAsymmetry < 1e-14);
  t.true(checkSymmetric(compose(transpose(A), A)).symmetric);
});

test("checkSymmetric refuses a non-symmetric operator, even one that claims symmetry", (t) => {
  const r = checkSymmetric(A);
  t.false(r.symmetric);
  t.true(r.worstRelativeAsymmetry > 1e-3);
  const liar = operator([5, 5], (v, out) => A.apply(v, out), { symmetric: true });
  t.false(checkSymmetric(liar).symmetric);
});

test("checkSymmetric honours rtol and reports a non-square operator as not symmetric", (t) => {
  const nearly = add(S, scaled(1e-9, A));
  t.false(checkSymmetric(nearly, { rtol: 1e-12 }).symmetric);
  t.true(checkSymmetric(nearly, { rtol: 1e-6 }).symmetric);
  const r = checkSymmetric(dense([[1, 2, 3]]));
  t.false(r.symmetric);
  t.is(r.probes, 0);
});

test("compositions allocate their temporaries once: repeated applies reuse the same out", (t) => {
  const P = compose(A, add(B, C), shift(S, 1));
  const out = vec(5);
  const first = Float64Array.from(P.apply(x, out).data);
  for (let k = 0; k < 3; k++) t.is(P.apply(x, out), out);
  t.deepEqual(out.data, first);
});

test("identity composes as a neutral element", (t) => {
  close(t, compose(identity(5), A, identity(5)).apply(x), A.apply(x));
});

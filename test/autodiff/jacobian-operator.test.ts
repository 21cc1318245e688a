/**
 * jacobianOperator / vjpOperator: the JVP and VJP against central finite differences of the
 * autodiff function, against analytic Jacobians, against each other (adjointness), and a
 * matrix-free Gauss–Newton fit through lsqr.
 */
import test from "ava";
import { rng, toDense, vec } from "@krylov-ts/operators";
import { lsqr } from "@krylov-ts/krylov";
import { add, constant, jacobianOperator, matmul, mul, reshape, vjpOperator, type Tensor } from "@krylov-ts/autodiff";
import { denseLeastSquares } from "../helpers/dense-least-squares.js";
import { evaluateVector, exponentialResiduals, finiteDifferenceJacobian, rosenbrockResiduals, twoLayerNet } from "../helpers/problems/index.js";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

function denseOf(A: { shape: readonly [number, number] } & Parameters<typeof toDense>[0]): Float64Array {
  return Float64Array.from(toDense(A).data);
}

const net = twoLayerNet().f;
const evalF = evaluateVector;

test("jacobianOperator's apply and applyTranspose match central finite differences of f", (t) => {
  const x0 = Float64Array.from({ length: 7 }, (_, i) => 0.3 * Math.sin(2 * i + 1));
  const J = jacobianOperator(net, x0);
  t.deepEqual(J.shape, [6, 7]);
  t.deepEqual([...J.outputShape], [2, 3]);
  const { J: fd } = finiteDifferenceJacobian(net, x0);
  const dense = denseOf(J);
  t.true(maxAbsDiff(dense, fd) < 1e-8, `JVP vs FD ${maxAbsDiff(dense, fd)}`);
  const dt = toDense({ shape: [7, 6], apply: (w, out) => (J.applyTranspose as NonNullable<typeof J.applyTranspose>)(w, out) }).data;
  const fdT = Float64Array.from({ length: 42 }, (_, k) => fd[(k % 6) * 7 + Math.floor(k / 6)] as number);
  t.true(maxAbsDiff(dt, fdT) < 1e-8, `VJP vs FD ${maxAbsDiff(dt, fdT)}`);
});

test("jacobianOperator of a linear map x ↦ Mx + c is M exactly, and of an elementwise map is diagonal", (t) => {
  const r = rng(5);
  const M = Float64Array.from({ length: 15 }, () => r.normal());
  const lin = (x: Tensor): Tensor => add(reshape(matmul(constant(M, [5, 3]), reshape(x, [3, 1])), [5]), 2);
  const J = jacobianOperator(lin, [1, -2, 3]);
  t.deepEqual(Float64Array.from(toDense(J).data), M);
  const D = jacobianOperator((x) => mul(x, x), [1, 2, -3]);
  t.deepEqual(Array.from(toDense(D).data, (v) => v + 0), [2, 0, 0, 0, 4, 0, 0, 0, -6]); // + 0: −0 (from −3·0) counts as 0
  t.deepEqual(Array.from(D.apply(vec([1, 1, 1])).data), [2, 4, -6]);
});

test("the JVP and VJP are adjoint: ⟨J u, w⟩ = ⟨u, Jᵀ w⟩ on random vectors", (t) => {
  const r = rng(7);
  const x0 = Float64Array.from({ length: 7 }, () => r.normal());
  const J = jacobianOperator(net, x0);
  for (let k = 0; k < 5; k++) {
    const u = vec(Float64Array.from({ length: 7 }, () => r.normal()));
    const w = vec(Float64Array.from({ length: 6 }, () => r.normal()));
    const ju = J.apply(u);
    const jtw = (J.applyTranspose as NonNullable<typeof J.applyTranspose>)(w);
    let a = 0, b = 0;
    for (let i = 0; i < 6; i++) a += ju.get(i) * w.get(i);
    for (let j = 0; j < 7; j++) b += u.get(j) * jtw.get(j);
    t.true(Math.abs(a - b) <= 1e-13 * (Math.abs(a) + 1));
  }
});

test("vjpOperator is the transposed Jacobian, and setPoint moves both to a new point", (t) => {
  const x0 = Float64Array.from({ length: 7 }, (_, i) => 0.1 * i);
  const x1 = Float64Array.from({ length: 7 }, (_, i) => -0.2 * i + 0.05);
  const J = jacobianOperator(net, x0);
  const Jt = vjpOperator(net, x0);
  t.deepEqual(Jt.shape, [7, 6]);
  const a = denseOf(J);
  const b = denseOf(Jt);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 7; j++) t.true(Math.abs(a[i * 7 + j]! - b[j * 6 + i]!) < 1e-15);
  J.setPoint(x1);
  const { J: fd1 } = finiteDifferenceJacobian(net, x1);
  t.true(maxAbsDiff(denseOf(J), fd1) < 1e-8);
  t.deepEqual(Array.from(J.value()), Array.from(evalF(net, x1)));
  t.true(maxAbsDiff(denseOf(jacobianOperator(net, x1)), denseOf(J)) === 0);
});

test("jacobianOperator rejects a bad f and a point of the wrong length, naming the function", (t) => {
  t.throws(() => jacobianOperator(3 as unknown as (x: Tensor) => Tensor, [1]), { instanceOf: TypeError, message: /^jacobianOperator: f must be a function/ });
  t.throws(() => jacobianOperator(() => 3 as unknown as Tensor, [1]), { instanceOf: TypeError, message: "jacobianOperator: f must return a Tensor" });
  t.throws(() => jacobianOperator((x) => reshape(x, [2, 2]), [1, 2, 3]), { instanceOf: RangeError, message: /^jacobianOperator: f failed on an input of shape \[3\]/ });
  const J = jacobianOperator((x) => mul(x, 2), [1, 2]);
  t.throws(() => J.setPoint([1, 2, 3]), { instanceOf: RangeError, message: "jacobianOperator.setPoint: x has length 3 but f takes 2 inputs" });
  t.throws(() => J.apply(vec([1, 2, 3])), { instanceOf: RangeError });
});

// Exponential-sum model y(t) = a₁e^(−b₁t) + a₂e^(−b₂t) on 200 points: residuals r(p) = model(p) − data.
const N = 200;
const T = Float64Array.from({ length: N }, (_, i) => (4 * i) / (N - 1));
const truth = [2, 1.5, 0.7, 0.2];
const data = Float64Array.from(T, (s) => truth[0]! * Math.exp(-truth[1]! * s) + truth[2]! * Math.exp(-truth[3]! * s));
const residual = exponentialResiduals(T, data).f;

test("a Gauss–Newton step by lsqr on jacobianOperator equals the dense step, and the fit converges to the true parameters", (t) => {
  const p = Float64Array.of(1.5, 1.2, 1, 0.3);
  const J = jacobianOperator(residual, p);
  const r = J.value();
  const { J: fd } = finiteDifferenceJacobian(residual, p, 1e-7);
  const step = lsqr(J, Float64Array.from(r, (v) => -v), { atol: 1e-14, btol: 1e-14 });
  t.true(step.stats.converged);
  const ref = denseLeastSquares(fd, N, 4, Float64Array.from(r, (v) => -v));
  t.true(maxAbsDiff(step.x.data, ref) < 1e-5 * Math.max(...Array.from(ref, Math.abs)), `step ${Array.from(step.x.data)} vs ${Array.from(ref)}`);
  // Full Gauss–Newton iterations (noise-free data: the minimum is the truth, with zero residual).
  for (let it = 0; it < 30; it++) {
    J.setPoint(p);
    const rr = J.value();
    const s = lsqr(J, Float64Array.from(rr, (v) => -v), { atol: 1e-14, btol: 1e-14 });
    for (let i = 0; i < 4; i++) p[i] = p[i]! + s.x.get(i);
    if (Math.hypot(...Array.from(s.x.data)) < 1e-13) break;
  }
  t.true(maxAbsDiff(p, truth) < 1e-8, `fit ${Array.from(p)}`);
  J.setPoint(p);
  t.true(Math.sqrt(sum2(J.value())) < 1e-9);
});

function sum2(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

test("jacobianOperator writes its products into the given out, from plans compiled once", (t) => {
  const J = jacobianOperator(net, new Float64Array(7));
  const out = vec(6);
  const u = vec(Float64Array.from({ length: 7 }, (_, i) => i));
  const first = J.apply(u, out);
  t.is(first, out);
  const d = J.describe();
  t.true(d.jvp.steps > 0 && d.vjp.steps > 0);
});

test("jacobianOperator of the Rosenbrock residuals equals their closed-form Jacobian", (t) => {
  const { f, n, jacobian } = rosenbrockResiduals(6);
  const x = Float64Array.from({ length: n }, (_, i) => 0.3 * i - 0.7);
  const J = jacobianOperator(f, x);
  t.deepEqual(J.shape, [10, 6]);
  t.true(maxAbsDiff(toDense(J).data, jacobian(x)) < 1e-14);
  t.true(maxAbsDiff(finiteDifferenceJacobian(f, x).J, jacobian(x)) < 1e-7);
});

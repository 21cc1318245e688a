/**
 * Vector-valued autodiff functions for the Jacobian tests, with a central-difference Jacobian to
 * check them against: a small two-layer network (7 inputs → a 2×3 output), the residuals of an
 * exponential-sum model, and the generalized Rosenbrock residuals (whose Jacobian is known in
 * closed form).
 */
import { add, compile, concat, constant, exp, input, matmul, mul, neg, reshape, sin, slice, sub, tanh, type Tensor } from "@krylov-ts/autodiff";

/** A vector-valued test function with the length of its input. */
export interface VectorProblem {
  f: (x: Tensor) => Tensor;
  n: number;
}

/** tanh(reshape(x₀…₃, 2×2)·W + ½x₄…₆) ⊙ sin(·) + 0.1, from 7 inputs to a 2×3 output. */
export function twoLayerNet(): VectorProblem {
  const W = constant(Float64Array.from({ length: 6 }, (_, i) => Math.cos(i + 1)), [2, 3]);
  const f = (x: Tensor): Tensor => {
    const h = tanh(add(matmul(reshape(slice(x, [0], [4]), [2, 2]), W), mul(slice(x, [4], [3]), 0.5)));
    return add(mul(h, sin(h)), 0.1);
  };
  return { f, n: 7 };
}

/** r(p) = p₀e^(−p₁t) + p₂e^(−p₃t) − y on the points t (4 parameters, t.length residuals). */
export function exponentialResiduals(t: Float64Array, y: Float64Array): VectorProblem {
  const tc = constant(t, [t.length]);
  const yc = constant(y, [y.length]);
  const f = (p: Tensor): Tensor => {
    const term = (k: number): Tensor => mul(slice(p, [2 * k], [1]), exp(neg(mul(slice(p, [2 * k + 1], [1]), tc))));
    return sub(add(term(0), term(1)), yc);
  };
  return { f, n: 4 };
}

/**
 * The generalized Rosenbrock residuals r₂ᵢ = 10(xᵢ₊₁ − xᵢ²), r₂ᵢ₊₁ = 1 − xᵢ, i < n − 1
 * (½‖r‖² is the Rosenbrock function), and their Jacobian in closed form (row-major 2(n−1)×n).
 */
export function rosenbrockResiduals(n: number): VectorProblem & { jacobian: (x: ArrayLike<number>) => Float64Array } {
  const f = (x: Tensor): Tensor => {
    const head = slice(x, [0], [n - 1]);
    const tail = slice(x, [1], [n - 1]);
    const a = mul(sub(tail, mul(head, head)), 10); // 10(xᵢ₊₁ − xᵢ²)
    const b = sub(1, head); // 1 − xᵢ
    return reshape(concat([reshape(a, [n - 1, 1]), reshape(b, [n - 1, 1])], 1), [2 * (n - 1)]); // interleaved
  };
  const jacobian = (x: ArrayLike<number>): Float64Array => {
    const J = new Float64Array(2 * (n - 1) * n);
    for (let i = 0; i < n - 1; i++) {
      J[2 * i * n + i] = -20 * (x[i] as number);
      J[2 * i * n + i + 1] = 10;
      J[(2 * i + 1) * n + i] = -1;
    }
    return J;
  };
  return { f, n, jacobian };
}

/** f evaluated at x, flattened. */
export function evaluateVector(f: (x: Tensor) => Tensor, x: Float64Array): Float64Array {
  const xi = input([x.length], "x");
  const y = f(xi);
  return Float64Array.from(compile([xi], [y.rank === 1 ? y : reshape(y, [y.size])]).run([x])[0] as Float64Array);
}

/** The m×n Jacobian of f at x by central differences of step h, row-major. */
export function finiteDifferenceJacobian(f: (x: Tensor) => Tensor, x: Float64Array, h = 1e-6): { J: Float64Array; m: number } {
  const n = x.length;
  const m = evaluateVector(f, x).length;
  const J = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] = (xp[j] as number) + h;
    xm[j] = (xm[j] as number) - h;
    const fp = evaluateVector(f, xp);
    const fm = evaluateVector(f, xm);
    for (let i = 0; i < m; i++) J[i * n + j] = ((fp[i] as number) - (fm[i] as number)) / (2 * h);
  }
  return { J, m };
}

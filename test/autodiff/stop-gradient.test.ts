import test from "ava";
import { input, constant, evaluate, grad, jvp, stopGradient, mul, sum, sin, pow, dot, Tensor } from "@krylov-ts/autodiff";

const xs = [0.3, -1.2, 0.8];

test("stopGradient passes its value through", (t) => {
  const x = input([3], "x");
  t.deepEqual(Array.from(evaluate(stopGradient(mul(x, 2)), [[x, xs]])), xs.map((v) => 2 * v));
});

test("stopGradient blocks reverse mode: only the unstopped factor is differentiated", (t) => {
  const x = input([3], "x");
  const [g] = grad(sum(mul(stopGradient(x), x)), [x]); // x̄ = stop(x), not 2x
  t.deepEqual(Array.from(evaluate(g!, [[x, xs]])), xs);
  const [g0] = grad(sum(stopGradient(x)), [x]);
  t.deepEqual(Array.from(evaluate(g0!)), [0, 0, 0]);
});

test("stopGradient blocks forward mode: its tangent is zero", (t) => {
  const x = input([3], "x");
  const [d] = jvp([mul(stopGradient(x), x)], [x], [constant([1, 1, 1])]);
  t.deepEqual(Array.from(evaluate(d!, [[x, xs]])), xs);
  const [d0] = jvp([stopGradient(sin(x))], [x], [constant([1, 1, 1])]);
  t.deepEqual(Array.from(evaluate(d0!)), [0, 0, 0]);
});

/**
 * The seed's point about v (DESIGN.md, H v = ∇ₓ[(∇ₓf)ᵀ v] with v held constant): for
 * f = Σ x⁴/4, H = diag(3x²); with v = sin(x) computed from x, the product must treat v as a
 * constant.
 */
test("H·v with v = stopGradient(v(x)) equals H·v, and without it an extra Jᵥᵀ∇f term appears", (t) => {
  const x = input([3], "x");
  const f = sum(mul(pow(x, 4), 0.25));
  const [g] = grad(f, [x]);
  const vOf = sin(x);
  const [hvStopped] = grad(dot(g!, stopGradient(vOf)), [x]);
  const [hvLeaky] = grad(dot(g!, vOf), [x]);
  const [a, b] = evaluate([hvStopped!, hvLeaky!] as Tensor[], [[x, xs]]);
  const hv = xs.map((v) => 3 * v * v * Math.sin(v)); // diag(3x²)·sin(x)
  const extra = xs.map((v) => Math.cos(v) * v ** 3); // Jᵥᵀ∇f = diag(cos x)·x³
  xs.forEach((_v, i) => {
    t.true(Math.abs((a![i] as number) - (hv[i] as number)) < 1e-14);
    t.true(Math.abs((b![i] as number) - (hv[i] as number) - (extra[i] as number)) < 1e-14);
  });
  t.true(Math.abs((b![0] as number) - (a![0] as number)) > 1e-3);
});

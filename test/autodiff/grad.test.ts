import test from "ava";
import { input, constant, evaluate, grad, add, mul, sin, cos, sum, pow, square, exp, matmul, tanh, dot, reshape, Tensor } from "@krylov-ts/autodiff";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - (b[i] as number)) <= tol * Math.max(1, Math.abs(b[i] as number)));

test("d³/dx³ x⁴ is 24x by three nested grads", (t) => {
  const x = input([4], "x");
  const [g1] = grad(sum(pow(x, 4)), [x]);
  const [g2] = grad(sum(g1!), [x]);
  const [g3] = grad(sum(g2!), [x]);
  const xs = [-1.5, 0, 0.5, 2];
  t.true(close(evaluate(g3!, [[x, xs]]), xs.map((v) => 24 * v)));
  t.true(close(evaluate(g2!, [[x, xs]]), xs.map((v) => 12 * v * v)));
});

test("repeated grad of e^{2x} gives 2ⁿ·e^{2x} up to the fourth derivative", (t) => {
  const x = input([], "x");
  let d: Tensor = exp(mul(x, 2)); // dⁿ/dxⁿ e^{2x} = 2ⁿ e^{2x}
  for (let n = 1; n <= 4; n++) {
    [d] = grad(d, [x]) as [Tensor];
    t.true(close(evaluate(d, [[x, [0.3]]]), [2 ** n * Math.exp(0.6)], 1e-13), `order ${n}`);
  }
});

test("contributions reaching a node along several paths are summed", (t) => {
  const x = input([3], "x");
  const y = sum(add(mul(x, x), sin(x)));
  const [g] = grad(y, [x]);
  const xs = [0.1, -0.7, 2];
  t.true(close(evaluate(g!, [[x, xs]]), xs.map((v) => 2 * v + Math.cos(v))));
});

test("an x that y does not depend on gets a zeros constant of its shape", (t) => {
  const x = input([2, 3], "x");
  const z = input([4], "z");
  const [gx, gz] = grad(sum(z), [x, z]);
  t.is(gx!.op, "constant");
  t.deepEqual(gx!.shape, [2, 3]);
  t.deepEqual(Array.from(evaluate(gx!)), [0, 0, 0, 0, 0, 0]);
  t.deepEqual(Array.from(evaluate(gz!, [[z, [1, 2, 3, 4]]])), [1, 1, 1, 1]);
});

test("grad with a cotangent is the vector–Jacobian product", (t) => {
  const x = input([2], "x");
  const y = mul(x, x); // J = diag(2x)
  const [g] = grad(y, [x], { cotangent: constant([3, -1]) });
  t.deepEqual(Array.from(evaluate(g!, [[x, [1, 5]]])), [6, -10]);
});

test("grad with respect to an intermediate node differentiates from that node on", (t) => {
  const x = input([2], "x");
  const h = square(x);
  const y = sum(cos(h));
  const [gh] = grad(y, [h]);
  const xs = [0.4, 1.1];
  t.true(close(evaluate(gh!, [[x, xs]]), xs.map((v) => -Math.sin(v * v))));
});

test("mixed second partials agree in either order", (t) => {
  const w = input([3, 2], "w");
  const v = input([2], "v");
  const f = sum(tanh(matmul(w, reshape(pow(add(v, 2), 3), [2, 1]))));
  const [gw] = grad(f, [w]);
  const [gv] = grad(f, [v]);
  const [dvdw] = grad(dot(gw!, constant([1, 0, 0, 0, 0, 0], [3, 2])), [v]); // ∂/∂v (∂f/∂w₀₀)
  const [dwdv] = grad(dot(gv!, constant([0, 1])), [w]); // ∂/∂w (∂f/∂v₁)
  const b: [Tensor, number[]][] = [
    [w, [0.1, -0.2, 0.3, 0.5, -0.4, 0.2]],
    [v, [0.7, -0.3]],
  ];
  const a = evaluate(dvdw!, b)[1] as number; // ∂²f/∂v₁∂w₀₀
  const c = evaluate(dwdv!, b)[0] as number; // ∂²f/∂w₀₀∂v₁
  t.true(Math.abs(a - c) < 1e-13 * Math.max(1, Math.abs(a)), `${a} vs ${c}`);
  t.not(a, 0);
});

test("grad of a non-scalar y without a cotangent names the shape", (t) => {
  const x = input([3], "x");
  t.throws(() => grad(mul(x, 2), [x]), { message: /grad: y has shape \[3\]; give a cotangent/ });
});

test("a cotangent of the wrong shape is refused with both shapes", (t) => {
  const x = input([3], "x");
  t.throws(() => grad(mul(x, 2), [x], { cotangent: constant([1, 2]) }), {
    message: "grad: the cotangent has shape [2] but y has shape [3]",
  });
});

test("grad leaves its graph unchanged and builds new nodes", (t) => {
  const x = input([2], "x");
  const y = sum(square(x));
  const before = y.inputs.length;
  const [g] = grad(y, [x]);
  t.is(y.inputs.length, before);
  t.true(g!.id > y.id);
});

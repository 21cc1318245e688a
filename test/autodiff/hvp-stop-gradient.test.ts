import test from "ava";
import { rng } from "@krylov-ts/operators";
import { evaluate, grad, hvp, input, mul, pow, stopGradient, sum, tanh, type Tensor } from "@krylov-ts/autodiff";
import { relErr } from "../helpers/dense.js";

// f(x) = Σ xᵢ⁴, so ∇f = 4x³ and H = diag(12x²). The direction v = tanh(x) is computed from x.
const f = (x: Tensor): Tensor => sum(pow(x, 4));

function setup(): { x: Tensor; xd: Float64Array; v: Tensor; g: Tensor; expected: Float64Array } {
  const r = rng(3);
  const xd = Float64Array.from({ length: 5 }, () => r.normal());
  const x = input([5], "x");
  const v = tanh(x);
  const g = grad(f(x), [x])[0] as Tensor;
  const expected = Float64Array.from(xd, (xi) => 12 * xi * xi * Math.tanh(xi));
  return { x, xd, v, g, expected };
}

test("with stopGradient(v), ∇ₓ⟨∇ₓf, v⟩ equals H·v for a v computed from x", (t) => {
  const { x, xd, v, g, expected } = setup();
  const hv = grad(sum(mul(g, stopGradient(v))), [x])[0] as Tensor;
  t.true(relErr(evaluate(hv, [[x, xd]]), expected) < 1e-14);
});

test("without stopGradient, the extra term (∂v/∂x)ᵀ∇f appears and the result is not H·v", (t) => {
  const { x, xd, v, g, expected } = setup();
  const wrong = evaluate(grad(sum(mul(g, v)), [x])[0] as Tensor, [[x, xd]]);
  // ∇ₓ⟨∇f, v(x)⟩ = H·v + (∂v/∂x)ᵀ∇f = 12x²·tanh(x) + (1 − tanh²x)·4x³
  const withExtra = Float64Array.from(xd, (xi, i) => (expected[i] as number) + (1 - Math.tanh(xi) ** 2) * 4 * xi ** 3);
  t.true(relErr(wrong, withExtra) < 1e-14);
  t.true(relErr(wrong, expected) > 1e-3);
});

test("hvp holds v constant itself, in both modes, even when v is computed from x", (t) => {
  const { x, xd, v, expected } = setup();
  for (const mode of ["reverse-over-reverse", "forward-over-reverse"] as const) {
    t.true(relErr(evaluate(hvp(f, x, v, { mode }), [[x, xd]]), expected) < 1e-14, mode);
  }
});

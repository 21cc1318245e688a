import test from "ava";
import { rng, toDense, vec } from "@krylov-ts/operators";
import {
  defaultHvpMode,
  evaluate,
  gradient,
  gradientFunction,
  hessian,
  hessianOperator,
  hvp,
  input,
  mul,
  pow,
  sum,
  add,
  slice,
  params,
  broadcastTo,
  constant,
  exp,
  greater,
  matmul,
  reshape,
  sin,
  tanh,
  transpose,
  where,
  square,
  type Tensor,
} from "@krylov-ts/autodiff";
import { relErr, randomData } from "../helpers/dense.js";

/** f(x) = Σ xᵢ⁴ + x₀x₁: H = diag(12xᵢ²) + (e₀e₁ᵀ + e₁e₀ᵀ). */
const quartic = (x: Tensor): Tensor => add(sum(pow(x, 4)), sum(mul(slice(x, [0], [1]), slice(x, [1], [1]))));

function quarticHessian(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 12 * (x[i] as number) ** 2;
  H[1] = 1;
  H[n] = 1;
  return H;
}

test("hessian returns the analytic n×n Hessian as an ndarray", (t) => {
  const x0 = randomData(5, 1);
  const H = hessian(quartic, x0);
  t.deepEqual(H.shape, [5, 5]);
  t.true(relErr(H.data, quarticHessian(x0)) < 1e-14);
});

test("hessianOperator is a symmetric square operator that applies H", (t) => {
  const x0 = randomData(4, 2);
  const H = hessianOperator(quartic, x0);
  t.deepEqual([...H.shape], [4, 4]);
  t.true(H.symmetric);
  t.is(H.mode, defaultHvpMode);
  const v = randomData(4, 3);
  const ref = quarticHessian(x0);
  const expected = Float64Array.from({ length: 4 }, (_, i) => ref.slice(i * 4, i * 4 + 4).reduce((s, a, j) => s + a * (v[j] as number), 0));
  t.true(relErr(H.apply(vec(v)).data, expected) < 1e-14);
  t.true(relErr((H.applyTranspose as (x: ReturnType<typeof vec>) => ReturnType<typeof vec>)(vec(v)).data, expected) < 1e-14);
});

test("hessianOperator writes into out and allocates no new output per apply", (t) => {
  const x0 = randomData(4, 2);
  const H = hessianOperator(quartic, x0);
  const out = vec(4);
  const r1 = H.apply(vec(randomData(4, 5)), out);
  const r2 = H.apply(vec(randomData(4, 6)), out);
  t.is(r1, out);
  t.is(r2, out);
});

test("hessianOperator copies x0: changing the caller's array later does not move the operator", (t) => {
  const x0 = randomData(3, 7);
  const keep = Float64Array.from(x0);
  const H = hessianOperator(quartic, x0);
  x0.fill(100);
  const e = vec([1, 0, 0]);
  t.true(Math.abs((H.apply(e).get(0) as number) - 12 * (keep[0] as number) ** 2) < 1e-12);
});

test("setPoint moves the operator to the Hessian at a new point", (t) => {
  const H = hessianOperator(quartic, randomData(3, 8));
  const x1 = randomData(3, 9);
  H.setPoint(x1);
  const e = vec([0, 0, 1]);
  t.true(Math.abs((H.apply(e).get(2) as number) - 12 * (x1[2] as number) ** 2) < 1e-12);
});

test("describe() reports the cost of one H·v, with the v-independent part counted apart", (t) => {
  const H = hessianOperator(quartic, randomData(4, 2));
  const d = H.describe();
  t.true(d.steps > 0);
  t.true(d.fixedSteps > 0);
  t.true(d.buffers > 0);
  t.true(d.bufferBytes > 0);
  t.true(d.after.nodes < d.before.nodes);
});

test("symbolic hvp builds a graph node equal to the numeric hvp", (t) => {
  const x = input([4], "x");
  const v = input([4], "v");
  const xd = randomData(4, 10);
  const vd = randomData(4, 11);
  for (const mode of ["forward-over-reverse", "reverse-over-reverse"] as const) {
    const hv = hvp(quartic, x, v, { mode });
    const sym = evaluate(hv, [
      [x, xd],
      [v, vd],
    ]);
    t.true(relErr(sym, hvp(quartic, xd, vd, { mode }).data) < 1e-14);
  }
});

test("gradient and gradientFunction return ∇f and f", (t) => {
  const x0 = randomData(4, 12);
  const expected = Float64Array.from(x0, (v, i) => 4 * v ** 3 + (i === 0 ? (x0[1] as number) : i === 1 ? (x0[0] as number) : 0));
  t.true(relErr(gradient(quartic, x0).data, expected) < 1e-14);
  const fg = gradientFunction(quartic, 4);
  const out = vec(4);
  const r = fg(x0, out);
  t.is(r.gradient, out);
  t.true(relErr(out.data, expected) < 1e-14);
  const value = x0.reduce((s, v) => s + v ** 4, 0) + (x0[0] as number) * (x0[1] as number);
  t.true(Math.abs(r.value - value) < 1e-13 * Math.abs(value));
  const fresh = fg(x0);
  t.not(fresh.gradient, out);
  t.true(relErr(fresh.gradient.data, expected) < 1e-14);
});

test("hessianOperator of a non-scalar f is refused with the shape", (t) => {
  t.throws(() => hessianOperator((x) => mul(x, 2), [1, 2, 3]), {
    instanceOf: RangeError,
    message: "hessianOperator: f must return a scalar but returned shape [3]",
  });
});

test("applying a hessianOperator to a vector of the wrong length is refused with the sizes", (t) => {
  const H = hessianOperator(quartic, [1, 2, 3]);
  t.throws(() => H.apply(vec(4)), { instanceOf: RangeError, message: "hessianOperator.apply: x has length 4 but the operator is 3×3" });
});

test("setPoint with an x of the wrong length is refused with the sizes", (t) => {
  const H = hessianOperator(quartic, [1, 2, 3]);
  t.throws(() => H.setPoint([1, 2]), { instanceOf: RangeError, message: /x has length 2 but the operator is 3×3/ });
});

test("an unknown mode is refused", (t) => {
  t.throws(() => hessianOperator(quartic, [1, 2], { mode: "sideways" as "forward-over-reverse" }), {
    instanceOf: RangeError,
    message: /mode must be 'reverse-over-reverse' or 'forward-over-reverse'/,
  });
});

test("hvp refuses a v whose length differs from x's", (t) => {
  t.throws(() => hvp(quartic, [1, 2, 3], [1, 2]), { instanceOf: RangeError, message: "hvp: v has length 2 but x has length 3" });
});

test("gradientFunction refuses an x of the wrong length", (t) => {
  const fg = gradientFunction(quartic, 3);
  t.throws(() => fg([1, 2]), { instanceOf: RangeError, message: "gradientFunction: x has length 2 but the function was compiled for 3" });
});

test("an x0 whose length does not fit the model's parameters is refused naming hessianOperator and the parameter views", (t) => {
  const P = params({ W: [2, 2] });
  const f = (x: Tensor): Tensor => sum(pow((P.views(x) as Record<"W", Tensor>).W, 2));
  t.throws(() => hessianOperator(f, [1, 2, 3, 4, 5]), {
    instanceOf: RangeError,
    message: "hessianOperator: f failed on an input of shape [5]: params.views: x has shape [5] but the parameters need [4]",
  });
});

/** A function of a 3×4 matrix exercising every batched rule: products with the batched matrix on either side and transposed, broadcasts, sums, transposes, elementwise ops. */
function manyOps(x: Tensor): Tensor {
  const r = rng(40);
  const c = (shape: number[]): Tensor => constant(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
  const W = reshape(x, [3, 4]);
  const terms = [
    sum(square(tanh(matmul(c([5, 3]), W)))),
    sum(exp(mul(matmul(W, c([4, 2])), 0.3))),
    sum(sin(matmul(transpose(W), c([3, 2])))),
    sum(square(matmul(c([2, 4]), W, { transposeB: true }))),
    sum(mul(tanh(transpose(W)), c([3]))),
    sum(mul(W, broadcastTo(sum(W, 1, true), [3, 4]))),
    sum(where(greater(W, 0), pow(W, 3), mul(W, 2))),
  ];
  return terms.reduce((a, b) => add(a, b));
}

test("hessian gives the same matrix for every block size, equal to the operator's columns", (t) => {
  const x0 = randomData(12, 41);
  const reference = toDense(hessianOperator(manyOps, x0)).data;
  for (const blockSize of [1, 5, 12, 32]) {
    t.true(relErr(hessian(manyOps, x0, { blockSize }).data, reference) < 1e-13, `blockSize ${blockSize}`);
  }
  t.true(relErr(hessian(manyOps, x0, { mode: "reverse-over-reverse", blockSize: 5 }).data, reference) < 1e-13);
});

test("hessian of a function linear in x is the zero matrix", (t) => {
  const H = hessian((x) => sum(mul(x, 3)), [1, 2, 3]);
  t.deepEqual([...H.data], new Array(9).fill(0));
});

test("a block size that is not a positive integer is refused", (t) => {
  t.throws(() => hessian(quartic, [1, 2], { blockSize: 0 }), { instanceOf: RangeError, message: "hessian: options.blockSize must be a positive integer, got 0" });
});

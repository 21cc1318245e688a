import test from "ava";
import {
  add,
  compile,
  constant,
  evaluate,
  exp,
  grad,
  input,
  matmul,
  mul,
  neg,
  reshape,
  sub,
  sum,
  tanh,
  transpose,
  broadcastTo,
  stopGradient,
  softmaxCrossEntropy,
  type Tensor,
} from "@krylov-ts/autodiff";
import { relErr, randomData } from "../helpers/dense.js";

/** A small two-layer network and its gradient: many ops, broadcasting, transposes. */
function network(): { x: Tensor; w: Tensor; outputs: Tensor[] } {
  const x = input([4, 3], "x");
  const w = input([3, 5], "w");
  const b = constant(randomData(5, 9), [5]);
  const h = tanh(add(matmul(x, w), b));
  const y = sum(mul(h, h));
  const [gx, gw] = grad(y, [x, w]) as [Tensor, Tensor];
  const z = softmaxCrossEntropy(h, constant(randomData(20, 4).map((v) => (v > 0 ? 1 : 0)), [4, 5]));
  return { x, w, outputs: [y, gx, gw, z, exp(transpose(h))] };
}

test("compiled outputs equal the reference interpreter's on a network and its gradient", (t) => {
  const { x, w, outputs } = network();
  const xd = randomData(12, 1);
  const wd = randomData(15, 2);
  const ref = evaluate(outputs, [
    [x, xd],
    [w, wd],
  ]);
  const got = compile([x, w], outputs).run([xd, wd]);
  ref.forEach((r, k) => t.true(relErr(got[k] as Float64Array, r) < 1e-14, `output ${k}`));
});

test("a product with a zeros constant leaves no mul in the plan and gives zeros", (t) => {
  const x = input([3], "x");
  const fn = compile([x], [add(mul(x, constant([0, 0, 0])), 1)]);
  const d = fn.describe();
  t.is(d.after.byOp.mul, undefined);
  t.is(d.before.byOp.mul, 1);
  t.is(d.steps, 0);
  t.deepEqual([...(fn.run([[1, 2, 3]])[0] as Float64Array)], [1, 1, 1]);
});

test("multiplying by ones of a larger shape becomes a broadcast, not a mul", (t) => {
  const x = input([3], "x");
  const y = mul(x, constant(new Float64Array(6).fill(1), [2, 3]));
  const fn = compile([x], [y]);
  t.is(fn.describe().after.byOp.mul, undefined);
  t.is(fn.describe().after.byOp.broadcastTo, 1);
  t.deepEqual([...(fn.run([[1, 2, 3]])[0] as Float64Array)], [1, 2, 3, 1, 2, 3]);
});

test("x + 0, x − 0, x·1, −(−x) and transpose(transpose(x)) compile to no kernel call at all", (t) => {
  const x = input([2, 3], "x");
  const y = transpose(transpose(neg(neg(mul(sub(add(x, 0), 0), 1)))));
  const fn = compile([x], [y]);
  t.is(fn.describe().steps, 0);
  t.true(fn.describe().before.nodes > fn.describe().after.nodes);
  const xd = randomData(6, 3);
  t.deepEqual([...(fn.run([xd])[0] as Float64Array)], [...xd]);
});

test("0 − x becomes a negation", (t) => {
  const x = input([2], "x");
  const fn = compile([x], [sub(0, x)]);
  t.deepEqual(fn.describe().byOp, { neg: 1 });
  t.deepEqual([...(fn.run([[1, -2]])[0] as Float64Array)], [-1, 2]);
});

test("a transpose feeding matmul becomes the matmul's transpose flag", (t) => {
  const a = input([3, 2], "a");
  const b = input([3, 4], "b");
  const y = matmul(transpose(a), b);
  const fn = compile([a, b], [y]);
  t.deepEqual(fn.describe().byOp, { matmul: 1 });
  const ad = randomData(6, 1);
  const bd = randomData(12, 2);
  const ref = evaluate(y, [
    [a, ad],
    [b, bd],
  ]);
  t.true(relErr(fn.run([ad, bd])[0] as Float64Array, ref) < 1e-15);
});

test("common subexpressions are computed once", (t) => {
  const x = input([5], "x");
  const y = add(tanh(mul(x, 2)), tanh(mul(x, 2)));
  const fn = compile([x], [y]);
  t.is(fn.describe().before.byOp.tanh, 2);
  t.deepEqual(fn.describe().byOp, { mul: 1, tanh: 1, add: 1 });
  const xd = randomData(5, 5);
  t.true(relErr(fn.run([xd])[0] as Float64Array, evaluate(y, [[x, xd]])) < 1e-15);
});

test("constants equal by value are merged and constant subgraphs are folded", (t) => {
  const x = input([2], "x");
  const c1 = exp(constant([1, 2]));
  const c2 = exp(constant([1, 2]));
  const fn = compile([x], [add(mul(x, c1), mul(x, c2))]);
  const d = fn.describe();
  t.is(d.after.byOp.exp, undefined);
  t.is(d.constants, 1);
  t.deepEqual(d.byOp, { mul: 1, add: 1 });
  const got = fn.run([[1, 1]])[0] as Float64Array;
  t.true(relErr(got, [2 * Math.exp(1), 2 * Math.exp(2)]) < 1e-15);
});

test("nodes no output depends on are dropped", (t) => {
  const x = input([3], "x");
  const unused = exp(tanh(x));
  const y = mul(x, 3);
  t.truthy(unused);
  const fn = compile([x], [y]);
  t.deepEqual(fn.describe().byOp, { mul: 1 });
});

test("stopGradient and reshape cost no kernel call", (t) => {
  const x = input([6], "x");
  const y = sum(reshape(stopGradient(x), [2, 3]), 0);
  const fn = compile([x], [y]);
  t.deepEqual(fn.describe().byOp, { sum: 1 });
  t.deepEqual([...(fn.run([[1, 2, 3, 4, 5, 6]])[0] as Float64Array)], [5, 7, 9]);
});

test("buffers are reused by liveness: fewer buffers than computed nodes", (t) => {
  const x = input([100], "x");
  let y: Tensor = x;
  for (let i = 0; i < 20; i++) y = tanh(add(y, i + 1));
  const fn = compile([x], [y]);
  t.is(fn.describe().steps, 40);
  t.true(fn.describe().buffers <= 3);
  const xd = randomData(100, 7);
  t.true(relErr(fn.run([xd])[0] as Float64Array, evaluate(y, [[x, xd]])) < 1e-15);
});

test("repeated runs return the same output buffers (nothing allocated after the first call)", (t) => {
  const { x, w, outputs } = network();
  const fn = compile([x, w], outputs);
  const first = fn.run([randomData(12, 1), randomData(15, 2)]);
  const xd = randomData(12, 3);
  const wd = randomData(15, 4);
  const second = fn.run([xd, wd]);
  first.forEach((o, k) => t.is(second[k], o));
  const ref = evaluate(outputs, [
    [x, xd],
    [w, wd],
  ]);
  ref.forEach((r, k) => t.true(relErr(second[k] as Float64Array, r) < 1e-14));
});

test("results are written into outs when given, and outs is returned", (t) => {
  const x = input([3], "x");
  const y = mul(x, x);
  const fn = compile([x], [y, x, y]);
  const outs = [new Float64Array(3), new Float64Array(3), new Float64Array(3)];
  const got = fn.run([[1, 2, 3]], outs);
  t.is(got, outs);
  t.deepEqual(outs.map((o) => [...o]), [
    [1, 4, 9],
    [1, 2, 3],
    [1, 4, 9],
  ]);
  // The plan's own buffers are untouched by a run into outs.
  const own = fn.run([[2, 2, 2]]);
  t.deepEqual([...(own[0] as Float64Array)], [4, 4, 4]);
  t.deepEqual([...(outs[0] as Float64Array)], [1, 4, 9]);
});

test("inputs are never modified", (t) => {
  const { x, w, outputs } = network();
  const xd = randomData(12, 1);
  const wd = randomData(15, 2);
  const xc = Float64Array.from(xd);
  const wc = Float64Array.from(wd);
  compile([x, w], outputs).run([xd, wd]);
  t.deepEqual(xd, xc);
  t.deepEqual(wd, wc);
});

test("fixed inputs: the part depending only on them runs once per bindFixed", (t) => {
  const x = input([4], "x");
  const v = input([4], "v");
  const hx = tanh(exp(x));
  const y = mul(hx, v);
  const fn = compile([v], [y, hx], { fixed: [x] });
  t.is(fn.describe().fixedSteps, 2);
  t.deepEqual(fn.describe().byOp, { mul: 1 });
  t.throws(() => fn.run([[1, 1, 1, 1]]), { message: /bindFixed must be called/ });
  const xd = randomData(4, 1);
  fn.bindFixed([xd]);
  for (const seed of [2, 3]) {
    const vd = randomData(4, seed);
    const [yo, ho] = fn.run([vd]) as [Float64Array, Float64Array];
    const ref = evaluate([y, hx], [
      [x, xd],
      [v, vd],
    ]);
    t.true(relErr(yo, ref[0] as Float64Array) < 1e-15);
    t.true(relErr(ho, ref[1] as Float64Array) < 1e-15);
  }
});

test("a wrong number of input values is refused", (t) => {
  const x = input([3], "x");
  const fn = compile([x], [mul(x, 2)]);
  t.throws(() => fn.run([]), { instanceOf: RangeError, message: "compile.run: expected 1 input values, got 0" });
});

test("an input of the wrong size is refused with its name and sizes", (t) => {
  const x = input([2, 3], "weights");
  const fn = compile([x], [mul(x, 2)]);
  t.throws(() => fn.run([new Float64Array(5)]), {
    instanceOf: RangeError,
    message: "compile.run: input 'weights' [2, 3] needs 6 values but got 5",
  });
});

test("an output depending on an unlisted input is refused", (t) => {
  const x = input([3], "x");
  const v = input([3], "v");
  t.throws(() => compile([x], [mul(x, v)]), { instanceOf: RangeError, message: /depend on input 'v' \[3\]/ });
});

test("a non-input tensor among the inputs is refused", (t) => {
  const x = input([3], "x");
  t.throws(() => compile([mul(x, 2)], [x]), { instanceOf: TypeError, message: /inputs\[0\] is a 'mul' node/ });
});

test("outs of the wrong size are refused", (t) => {
  const x = input([3], "x");
  const fn = compile([x], [mul(x, 2)]);
  t.throws(() => fn.run([[1, 2, 3]], [new Float64Array(2)]), { instanceOf: RangeError, message: /outs\[0\] must be a Float64Array of length 3/ });
});

test("an output may be a broadcast of a constant-only expression", (t) => {
  const x = input([2], "x");
  const y = add(broadcastTo(constant(2), [2]), mul(x, 0));
  const fn = compile([x], [y]);
  t.is(fn.describe().steps, 0);
  t.deepEqual([...(fn.run([[5, 6]])[0] as Float64Array)], [2, 2]);
});

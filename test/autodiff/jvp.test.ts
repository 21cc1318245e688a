import test from "ava";
import { rng } from "@krylov-ts/operators";
import {
  input,
  constant,
  evaluate,
  grad,
  jvp,
  add,
  mul,
  pow,
  sum,
  matmul,
  tanh,
  softmaxCrossEntropy,
  dot,
  Tensor,
} from "@krylov-ts/autodiff";
import { randomValues, scaledErr, flat } from "./ops-cases.js";

test("jvp of x³ along t is 3x²·t, and a jvp of that jvp is 6x·t²", (t) => {
  const x = input([3], "x");
  const tan = input([3], "t");
  const [d1] = jvp([pow(x, 3)], [x], [tan]);
  const [d2] = jvp([d1!], [x], [tan]);
  const b: [Tensor, number[]][] = [
    [x, [1, -2, 0.5]],
    [tan, [2, 1, -1]],
  ];
  t.deepEqual(Array.from(evaluate(d1!, b)), [6, 12, -0.75]);
  t.deepEqual(Array.from(evaluate(d2!, b)), [24, -12, 3]);
});

test("jvp returns one tangent per y, zeros for a y that does not depend on the xs", (t) => {
  const x = input([2], "x");
  const z = input([3], "z");
  const [dy, dz] = jvp([mul(x, 2), add(z, 1)], [x], [constant([1, -1])]);
  t.deepEqual(Array.from(evaluate(dy!, [[x, [0, 0]]])), [2, -2]);
  t.is(dz!.op, "constant");
  t.deepEqual(Array.from(evaluate(dz!)), [0, 0, 0]);
});

test("forward-over-reverse and reverse-over-reverse agree on a small MLP to 1e-12", (t) => {
  const r = rng(5);
  const w1 = input([4, 6], "w1");
  const b1 = input([6], "b1");
  const w2 = input([6, 3], "w2");
  const X = constant(randomValues(r, [5, 4]), [5, 4]);
  const Y = constant([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1], [5, 3]);
  const loss = softmaxCrossEntropy(matmul(tanh(add(matmul(X, w1), b1)), w2), Y);
  const xs = [w1, b1, w2];
  const vs = xs.map((p, i) => input(p.shape, `v${i}`));
  const gs = grad(loss, xs);
  let gv: Tensor = dot(gs[0]!, vs[0]!);
  for (let i = 1; i < xs.length; i++) gv = add(gv, dot(gs[i]!, vs[i]!));
  const rr = grad(gv, xs);
  const fr = jvp(gs, xs, vs);
  const b: [Tensor, Float64Array][] = [...xs, ...vs].map((p) => [p, randomValues(r, p.shape)]);
  const a = flat(evaluate(rr, b));
  const c = flat(evaluate(fr, b));
  t.true(scaledErr(a, c) < 1e-12, `${scaledErr(a, c)}`);
});

test("a tangent of the wrong shape is refused with both shapes", (t) => {
  const x = input([2, 3], "x");
  t.throws(() => jvp([sum(x)], [x], [constant([1, 2, 3])]), {
    message: "jvp: tangents[0] has shape [3] but xs[0] has shape [2, 3]",
  });
});

test("jvp refuses a different number of xs and tangents", (t) => {
  const x = input([2], "x");
  t.throws(() => jvp([sum(x)], [x], []), { message: "jvp: 1 xs but 0 tangents" });
});

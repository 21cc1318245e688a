/**
 * `sequential` models: parameter counts and layout, the same function as the layers written by
 * hand, seeded Glorot/He initializations within their bounds, and errors that name the layer.
 */
import test from "ava";
import {
  add, constant, conv2d, conv2dLayer, dense, evaluate, flatten, input, matmul, maxPool2d, pool2dLayer, relu, reshape, sequential, tanh,
} from "@krylov-ts/autodiff";
import { rng } from "@krylov-ts/operators";

const cnn = () =>
  sequential(
    [conv2dLayer(4, 3, { padding: "same", activation: relu }), pool2dLayer("max", 2), conv2dLayer(6, 3, { activation: tanh }), flatten(), dense(5)],
    [8, 8, 2],
  );

test("a small CNN has the parameters and output shape of its layers", (t) => {
  const m = cnn();
  // conv 3×3×2×4 + 4; pool → 4×4×4; conv 3×3×4×6 + 6 → 2×2×6; flatten 24; dense 24×5 + 5
  t.is(m.n, 3 * 3 * 2 * 4 + 4 + 3 * 3 * 4 * 6 + 6 + 24 * 5 + 5);
  t.deepEqual([...m.outputShape], [5]);
  t.deepEqual(m.layout.names, ["l0.kernel", "l0.bias", "l2.kernel", "l2.bias", "l4.kernel", "l4.bias"]);
});

test("the model is the composition of its layers written by hand", (t) => {
  const m = cnn();
  const theta = m.init(5);
  const x = rng(1).normalVec(3 * 8 * 8 * 2).data;
  const th = input([m.n], "theta");
  const X = constant(x, [3, 8, 8, 2]);
  const v = m.layout.views(th);
  const h1 = maxPool2d(relu(add(conv2d(X, v["l0.kernel"]!, { padding: "same" }), v["l0.bias"]!)), 2);
  const h2 = tanh(add(conv2d(h1, v["l2.kernel"]!), v["l2.bias"]!));
  const byHand = add(matmul(reshape(h2, [3, 24]), v["l4.kernel"]!), v["l4.bias"]!);
  const a = evaluate(m.apply(th, X), [[th, theta]]) as unknown as { data?: Float64Array };
  const b = evaluate(byHand, [[th, theta]]) as unknown as { data?: Float64Array };
  t.deepEqual(Array.from(a.data ?? (a as unknown as Float64Array)), Array.from(b.data ?? (b as unknown as Float64Array)));
});

test("initialization is seeded: Glorot uniform kernels within their limit, zero biases, He normal with its spread", (t) => {
  const m = cnn();
  t.deepEqual(Array.from(m.init(3)), Array.from(m.init(3)));
  t.notDeepEqual(Array.from(m.init(3)), Array.from(m.init(4)));
  const theta = m.init(3);
  const k0 = m.layout.entry("l0.kernel");
  const limit = Math.sqrt(6 / (9 * 2 + 9 * 4));
  const k = theta.subarray(k0.offset, k0.offset + k0.size);
  t.true(k.every((w) => Math.abs(w) <= limit) && k.some((w) => Math.abs(w) > 0.5 * limit));
  const b0 = m.layout.entry("l0.bias");
  t.true(theta.subarray(b0.offset, b0.offset + b0.size).every((b) => b === 0));
  const he = sequential([dense(2000, { init: "heNormal" })], [50]);
  const w = he.init(1).subarray(0, 50 * 2000);
  const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
  t.true(Math.abs(std - Math.sqrt(2 / 50)) < 0.01 * Math.sqrt(2 / 50));
});

test("a layer that does not fit its input is refused with a message naming it and the shape", (t) => {
  t.throws(() => sequential([dense(3)], [4, 4]), { message: /dense: input must be 1-D per sample \(flatten first\), got shape \[4, 4\]/ });
  t.throws(() => sequential([conv2dLayer(2, 5)], [3, 3, 1]), { message: /conv2dLayer: a 5×5 window .* does not fit an image of 3×3/ });
  t.throws(() => sequential([], [3]), { message: /sequential: layers must be a non-empty list/ });
});

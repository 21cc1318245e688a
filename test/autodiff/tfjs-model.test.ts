/**
 * TF.js Layers models loaded from model.json + weight bytes built here from the format's spec
 * (weightsManifest, float32 little-endian): the forward pass equals direct loops of Keras'
 * definitions, θ is the file's weights, the Hessian matches finite differences of the gradient,
 * and unsupported layers or options are refused by name.
 */
import test from "ava";
import {
  constant, evaluate, gradientFunction, hessianOperator, input, loadTfjsModel, softmaxCrossEntropy, type Tensor,
} from "@krylov-ts/autodiff";
import { rng, vec } from "@krylov-ts/operators";

type LayerJson = { class_name: string; config: Record<string, unknown> };
type W = { name: string; shape: number[]; values: Float64Array };

/** A model.json and its one weight file, the weights drawn as float32 from a seeded stream. */
function saved(layers: LayerJson[], shapes: [string, number[]][], seed = 1, paths = 1) {
  const r = rng(seed);
  const weights: W[] = shapes.map(([name, shape]) => ({ name, shape, values: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround(0.6 * r.normal())) }));
  const total = weights.reduce((s, w) => s + w.values.length, 0);
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of weights) for (const v of w.values) { view.setFloat32(at, v, true); at += 4; }
  // `paths` shards of (nearly) equal size, as TF.js splits large models.
  const cut = Math.ceil(bytes.length / paths / 4) * 4;
  const shards = Array.from({ length: paths }, (_, k) => bytes.slice(k * cut, Math.min((k + 1) * cut, bytes.length)));
  const json = {
    format: "layers-model",
    generatedBy: "test",
    modelTopology: { class_name: "Sequential", config: { name: "m", layers }, keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" },
    weightsManifest: [{ paths: shards.map((_, k) => `group1-shard${k + 1}of${paths}.bin`), weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" })) }],
  };
  return { json, shards, weights: Object.fromEntries(weights.map((w) => [w.name, w])) as Record<string, W> };
}

// ---- direct loops of Keras' layers (NHWC) ----
type Img = { h: number; w: number; c: number; data: Float64Array }; // one sample
const samePad = (size: number, k: number, s: number, d = 1) => {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
  return { out, before: Math.floor(total / 2) };
};
function convRef(x: Img, k: W, b: W | undefined, kh: number, kw: number, f: number, s: number, pad: "same" | "valid"): Img {
  const ph = pad === "same" ? samePad(x.h, kh, s) : { out: Math.floor((x.h - kh) / s) + 1, before: 0 };
  const pw = pad === "same" ? samePad(x.w, kw, s) : { out: Math.floor((x.w - kw) / s) + 1, before: 0 };
  const y = new Float64Array(ph.out * pw.out * f);
  for (let i = 0; i < ph.out; i++) for (let j = 0; j < pw.out; j++) for (let o = 0; o < f; o++) {
    let acc = b === undefined ? 0 : (b.values[o] as number);
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) for (let c = 0; c < x.c; c++) {
      const r = i * s + p - ph.before, t = j * s + q - pw.before;
      if (r < 0 || r >= x.h || t < 0 || t >= x.w) continue;
      acc += (x.data[(r * x.w + t) * x.c + c] as number) * (k.values[((p * kw + q) * x.c + c) * f + o] as number);
    }
    y[(i * pw.out + j) * f + o] = acc;
  }
  return { h: ph.out, w: pw.out, c: f, data: y };
}
function poolRef(x: Img, size: number, s: number, pad: "same" | "valid", kind: "max" | "avg"): Img {
  const ph = pad === "same" ? samePad(x.h, size, s) : { out: Math.floor((x.h - size) / s) + 1, before: 0 };
  const pw = pad === "same" ? samePad(x.w, size, s) : { out: Math.floor((x.w - size) / s) + 1, before: 0 };
  const y = new Float64Array(ph.out * pw.out * x.c);
  for (let i = 0; i < ph.out; i++) for (let j = 0; j < pw.out; j++) for (let c = 0; c < x.c; c++) {
    let m = -Infinity, sum = 0, count = 0;
    for (let p = 0; p < size; p++) for (let q = 0; q < size; q++) {
      const r = i * s + p - ph.before, t = j * s + q - pw.before;
      if (r < 0 || r >= x.h || t < 0 || t >= x.w) continue; // TF: padding neither wins a max nor counts in a mean
      const v = x.data[(r * x.w + t) * x.c + c] as number;
      m = Math.max(m, v); sum += v; count++;
    }
    y[(i * pw.out + j) * x.c + c] = kind === "max" ? m : sum / count;
  }
  return { h: ph.out, w: pw.out, c: x.c, data: y };
}
function denseRef(x: Float64Array, k: W, b: W | undefined): Float64Array {
  const [d, u] = k.shape as [number, number];
  return Float64Array.from({ length: u }, (_, o) => {
    let acc = b === undefined ? 0 : (b.values[o] as number);
    for (let i = 0; i < d; i++) acc += (x[i] as number) * (k.values[i * u + o] as number);
    return acc;
  });
}
const map = (a: Float64Array, f: (v: number) => number) => Float64Array.from(a, f);
const softmaxRef = (z: Float64Array) => { const m = Math.max(...z); const e = map(z, (v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return map(e, (v) => v / s); };
const maxRelErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) { e = Math.max(e, Math.abs((a[i] as number) - (b[i] as number))); s = Math.max(s, Math.abs(b[i] as number)); }
  return e / s;
};

/** A CNN on 6×5×2 images exercising 'same' padding with the odd pixel at the end, strides, both poolings and a softmax head. */
function cnnModel(paths = 1) {
  const layers: LayerJson[] = [
    { class_name: "InputLayer", config: { batch_input_shape: [null, 6, 5, 2], dtype: "float32", sparse: false, name: "input1" } },
    { class_name: "Conv2D", config: { name: "conv2d_Conv2D1", filters: 3, kernel_size: [2, 2], strides: [1, 1], padding: "same", data_format: "channels_last", dilation_rate: [1, 1], activation: "relu", use_bias: true } },
    { class_name: "MaxPooling2D", config: { name: "max_pooling2d_MaxPooling2D1", pool_size: [2, 2], padding: "same", strides: [2, 2], data_format: "channels_last" } },
    { class_name: "Conv2D", config: { name: "conv2d_Conv2D2", filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: "same", data_format: "channels_last", activation: "tanh", use_bias: true } },
    { class_name: "AveragePooling2D", config: { name: "average_pooling2d_AveragePooling2D1", pool_size: [2, 2], padding: "same", strides: [1, 1], data_format: "channels_last" } },
    { class_name: "Flatten", config: { name: "flatten_Flatten1" } },
    { class_name: "Dropout", config: { name: "dropout_Dropout1", rate: 0.5 } },
    { class_name: "Dense", config: { name: "dense_Dense1", units: 3, activation: "softmax", use_bias: true } },
    { class_name: "Dropout", config: { name: "dropout_Dropout2", rate: 0.1 } },
  ];
  // 6×5 →conv same→ 6×5×3 →pool 2 same→ 3×3×3 →conv 3 stride 2 same→ 2×2×4 →avg 2 stride 1 same→ 2×2×4 → 16 → 3
  return saved(layers, [["conv2d_Conv2D1/kernel", [2, 2, 2, 3]], ["conv2d_Conv2D1/bias", [3]], ["conv2d_Conv2D2/kernel", [3, 3, 3, 4]], ["conv2d_Conv2D2/bias", [4]], ["dense_Dense1/kernel", [16, 3]], ["dense_Dense1/bias", [3]]], 7, paths);
}
function cnnRef(w: Record<string, W>, x: Img): { logits: Float64Array; probs: Float64Array } {
  let h = convRef(x, w["conv2d_Conv2D1/kernel"]!, w["conv2d_Conv2D1/bias"], 2, 2, 3, 1, "same");
  h = { ...h, data: map(h.data, (v) => Math.max(v, 0)) };
  h = poolRef(h, 2, 2, "same", "max");
  h = convRef(h, w["conv2d_Conv2D2/kernel"]!, w["conv2d_Conv2D2/bias"], 3, 3, 4, 2, "same");
  h = { ...h, data: map(h.data, Math.tanh) };
  h = poolRef(h, 2, 1, "same", "avg");
  const logits = denseRef(h.data, w["dense_Dense1/kernel"]!, w["dense_Dense1/bias"]);
  return { logits, probs: softmaxRef(logits) };
}

const B = 3;
const images = () => rng(11).normalVec(B * 6 * 5 * 2).data;

test("a CNN's outputs equal direct loops of Keras' Conv2D, pooling ('same', odd sizes), Flatten and softmax Dense, whose logits leave the softmax out", (t) => {
  const { json, shards, weights } = cnnModel();
  const m = loadTfjsModel(json, shards[0]!);
  t.deepEqual([...m.inputShape], [6, 5, 2]);
  t.deepEqual([...m.outputShape], [3]);
  t.is(m.n, 2 * 2 * 2 * 3 + 3 + 3 * 3 * 3 * 4 + 4 + 16 * 3 + 3);
  t.is(m.outputActivation, "softmax");
  t.deepEqual(m.layers.map((l) => l.className), ["InputLayer", "Conv2D", "MaxPooling2D", "Conv2D", "AveragePooling2D", "Flatten", "Dropout", "Dense", "Dropout"]);
  const x = images();
  const th = input([m.n], "theta");
  const X = constant(x, [B, 6, 5, 2]);
  const [probs, logits] = evaluate([m.apply(th, X), m.logits(th, X)], [[th, m.theta]]) as Float64Array[];
  for (let s = 0; s < B; s++) {
    const ref = cnnRef(weights, { h: 6, w: 5, c: 2, data: x.subarray(s * 60, (s + 1) * 60) });
    t.true(maxRelErr(probs!.subarray(3 * s, 3 * s + 3), ref.probs) < 1e-14, `sample ${s} probabilities`);
    t.true(maxRelErr(logits!.subarray(3 * s, 3 * s + 3), ref.logits) < 1e-14, `sample ${s} logits`);
  }
});

test("θ is the file's float32 weights in layer order, named by the weightsManifest", (t) => {
  const { json, shards, weights } = cnnModel();
  const m = loadTfjsModel(json, shards[0]!);
  t.deepEqual(m.layout.names, ["conv2d_Conv2D1/kernel", "conv2d_Conv2D1/bias", "conv2d_Conv2D2/kernel", "conv2d_Conv2D2/bias", "dense_Dense1/kernel", "dense_Dense1/bias"]);
  for (const name of m.layout.names) {
    const e = m.layout.entry(name);
    t.deepEqual(Array.from(m.theta.subarray(e.offset, e.offset + e.size)), Array.from(weights[name]!.values));
  }
  t.deepEqual(Array.from(m.init(3)), Array.from(m.theta));
});

test("weights split over several shard files load the same as one buffer", (t) => {
  const one = cnnModel(1);
  const three = cnnModel(3);
  t.is(three.shards.length, 3);
  t.deepEqual(Array.from(loadTfjsModel(three.json, three.shards).theta), Array.from(loadTfjsModel(one.json, one.shards[0]!.buffer).theta));
});

test("cross-entropy on the logits equals −Σ y log of the softmax outputs, and H·v matches finite differences of the gradient", (t) => {
  const { json, shards } = cnnModel();
  const m = loadTfjsModel(json, shards[0]!);
  const X = constant(images(), [B, 6, 5, 2]);
  const Y = constant([1, 0, 0, 0, 0, 1, 0, 1, 0], [B, 3]);
  const f = (th: Tensor) => softmaxCrossEntropy(m.logits(th, X), Y);
  const th = input([m.n], "theta");
  const probs = evaluate(m.apply(th, X), [[th, m.theta]]);
  const y = [1, 0, 0, 0, 0, 1, 0, 1, 0];
  const ce = -y.reduce((s, yi, i) => s + yi * Math.log(probs[i] as number), 0) / B;
  t.true(Math.abs((evaluate(f(th), [[th, m.theta]])[0] as number) - ce) < 1e-14 * Math.abs(ce));
  // Central differences of the exact gradient: error O(h²) plus rounding O(ε/h).
  const g = gradientFunction(f, m.n);
  const H = hessianOperator(f, m.theta);
  const v = rng(5).normalVec(m.n);
  const hv = H.apply(v);
  const h = 1e-5;
  const plus = vec(m.theta), minus = vec(m.theta);
  for (let i = 0; i < m.n; i++) { plus.set(i, plus.get(i) + h * v.get(i)); minus.set(i, minus.get(i) - h * v.get(i)); }
  const gp = g(plus).gradient, gm = g(minus).gradient;
  const fd = Float64Array.from({ length: m.n }, (_, i) => ((gp.get(i) - gm.get(i)) / (2 * h)));
  t.true(maxRelErr(Array.from({ length: m.n }, (_, i) => hv.get(i)), fd) < 1e-6);
});

test("an MLP of Dense layers on a flat input, with Activation layers, no bias and elu, equals direct loops", (t) => {
  const { json, shards, weights } = saved(
    [
      { class_name: "Dense", config: { name: "d1", units: 4, activation: "tanh", use_bias: true, batch_input_shape: [null, 3] } },
      { class_name: "Activation", config: { name: "a1", activation: "sigmoid" } },
      { class_name: "Dense", config: { name: "d2", units: 5, activation: "elu", use_bias: true } },
      { class_name: "Dense", config: { name: "d3", units: 2, activation: "linear", use_bias: false } },
    ],
    [["d1/kernel", [3, 4]], ["d1/bias", [4]], ["d2/kernel", [4, 5]], ["d2/bias", [5]], ["d3/kernel", [5, 2]]],
    3,
  );
  const m = loadTfjsModel(json, shards[0]!);
  t.is(m.n, 12 + 4 + 20 + 5 + 10);
  t.is(m.outputActivation, "linear");
  const x = rng(2).normalVec(4 * 3).data;
  const th = input([m.n], "theta");
  const out = evaluate(m.apply(th, constant(x, [4, 3])), [[th, m.theta]]);
  for (let s = 0; s < 4; s++) {
    let h = map(denseRef(x.subarray(3 * s, 3 * s + 3), weights["d1/kernel"]!, weights["d1/bias"]), Math.tanh);
    h = map(h, (v) => 1 / (1 + Math.exp(-v)));
    h = map(denseRef(h, weights["d2/kernel"]!, weights["d2/bias"]), (v) => (v > 0 ? v : Math.expm1(v)));
    const ref = denseRef(h, weights["d3/kernel"]!, undefined);
    t.true(maxRelErr(out.subarray(2 * s, 2 * s + 2), ref) < 1e-14, `sample ${s}`);
  }
});

test("BatchNormalization uses its moving statistics as constants: θ holds only γ and β", (t) => {
  const { json, shards, weights } = saved(
    [
      { class_name: "Dense", config: { name: "d", units: 3, activation: "linear", batch_input_shape: [null, 2] } },
      { class_name: "BatchNormalization", config: { name: "bn", axis: -1, epsilon: 0.001, center: true, scale: true } },
    ],
    [["d/kernel", [2, 3]], ["d/bias", [3]], ["bn/gamma", [3]], ["bn/beta", [3]], ["bn/moving_mean", [3]], ["bn/moving_variance", [3]]],
    4,
  );
  // A variance must be positive.
  const varianceAt = 4 * (6 + 3 + 3 + 3 + 3);
  const bytes = shards[0]!;
  const dv = new DataView(bytes.buffer);
  weights["bn/moving_variance"]!.values.forEach((v, k) => { const p = Math.fround(Math.abs(v) + 0.5); dv.setFloat32(varianceAt + 4 * k, p, true); weights["bn/moving_variance"]!.values[k] = p; });
  const m = loadTfjsModel(json, bytes);
  t.deepEqual(m.layout.names, ["d/kernel", "d/bias", "bn/gamma", "bn/beta"]);
  const x = [0.3, -1.2];
  const th = input([m.n], "theta");
  const out = evaluate(m.apply(th, constant(x, [1, 2])), [[th, m.theta]]);
  const z = denseRef(Float64Array.from(x), weights["d/kernel"]!, weights["d/bias"]);
  const ref = z.map((v, k) => ((v - weights["bn/moving_mean"]!.values[k]!) / Math.sqrt(weights["bn/moving_variance"]!.values[k]! + 0.001)) * weights["bn/gamma"]!.values[k]! + weights["bn/beta"]!.values[k]!);
  t.true(maxRelErr(out, ref) < 1e-14);
});

test("unsupported layers, channels_first, an unknown activation and other model classes are refused with the layer named", (t) => {
  const conv = (extra: Record<string, unknown>) => saved([{ class_name: "Conv2D", config: { name: "c", filters: 1, kernel_size: 1, batch_input_shape: [null, 2, 2, 1], ...extra } }], [["c/kernel", [1, 1, 1, 1]], ["c/bias", [1]]]);
  const a = conv({ data_format: "channels_first" });
  t.throws(() => loadTfjsModel(a.json, a.shards[0]!), { instanceOf: RangeError, message: "loadTfjsModel: layer 'c' (Conv2D): data_format 'channels_first' is not supported (channels_last only)" });
  const b = conv({ activation: "hard_sigmoid" });
  t.throws(() => loadTfjsModel(b.json, b.shards[0]!), { instanceOf: TypeError, message: /^loadTfjsModel: layer 'c' \(Conv2D\): activation 'hard_sigmoid' is not supported; supported: linear, relu/ });
  const lstm = saved([{ class_name: "LSTM", config: { name: "lstm1", units: 2, batch_input_shape: [null, 3, 2] } }], []);
  t.throws(() => loadTfjsModel(lstm.json, lstm.shards[0]!), { instanceOf: TypeError, message: /^loadTfjsModel: layer 'lstm1' \(LSTM\): layer class 'LSTM' is not supported/ });
  const rnn = { ...a.json, modelTopology: { class_name: "RNN", config: {} } };
  t.throws(() => loadTfjsModel(rnn, a.shards[0]!), { instanceOf: TypeError, message: "loadTfjsModel: only Sequential models and functional chains are supported, got model class 'RNN'" });
});

test("a weight that is missing, of the wrong shape or beyond the bytes given is refused naming it", (t) => {
  const layer = [{ class_name: "Dense", config: { name: "d", units: 2, batch_input_shape: [null, 3] } }];
  const missing = saved(layer, [["d/kernel", [3, 2]]]);
  t.throws(() => loadTfjsModel(missing.json, missing.shards[0]!), { message: "loadTfjsModel: layer 'd' (Dense): the weightsManifest has no weight 'd/bias'" });
  const wrong = saved(layer, [["d/kernel", [2, 3]], ["d/bias", [2]]]);
  t.throws(() => loadTfjsModel(wrong.json, wrong.shards[0]!), { message: "loadTfjsModel: layer 'd' (Dense): weight 'd/kernel' has shape [2, 3], expected [3, 2]" });
  const ok = saved(layer, [["d/kernel", [3, 2]], ["d/bias", [2]]]);
  t.throws(() => loadTfjsModel(ok.json, ok.shards[0]!.subarray(0, 28)), { instanceOf: RangeError, message: "loadTfjsModel: the weight files hold 28 bytes but weight 'd/bias' [2] needs bytes 24 to 32" });
  const noShape = saved([{ class_name: "Dense", config: { name: "d", units: 2 } }], []);
  t.throws(() => loadTfjsModel(noShape.json, new Uint8Array(0)), { message: /does not declare a fixed input shape/ });
});

test("a functional model that is a chain loads as the Sequential one; a branching one is refused naming the layer", (t) => {
  const { json, shards } = cnnModel();
  const seq = json.modelTopology.config.layers;
  // Keras 2 / TF.js inbound_nodes: [[[name, nodeIndex, tensorIndex, kwargs]]].
  const layers = seq.map((l, i) => ({ ...l, name: l.config.name, inbound_nodes: i === 0 ? [] : [[[seq[i - 1]!.config.name, 0, 0, {}]]] }));
  const functional = { ...json, modelTopology: { class_name: "Functional", config: { name: "f", layers, input_layers: [["input1", 0, 0]], output_layers: [["dropout_Dropout2", 0, 0]] } } };
  const a = loadTfjsModel(json, shards[0]!);
  const b = loadTfjsModel(functional, shards[0]!);
  const X = constant(images(), [B, 6, 5, 2]);
  const th = input([a.n], "theta");
  t.deepEqual(Array.from(evaluate(b.apply(th, X), [[th, b.theta]])), Array.from(evaluate(a.apply(th, X), [[th, a.theta]])));
  // Keras 3's form: keras_history inside the node's args.
  const k3 = layers.map((l, i) => ({ ...l, inbound_nodes: i === 0 ? [] : [{ args: [{ class_name: "__keras_tensor__", config: { shape: [null], keras_history: [seq[i - 1]!.config.name, 0, 0] } }], kwargs: {} }] }));
  t.is(loadTfjsModel({ ...functional, modelTopology: { class_name: "Functional", config: { layers: k3 } } }, shards[0]!).n, a.n);
  const branching = layers.map((l, i) => (i === 3 ? { ...l, inbound_nodes: [[["input1", 0, 0, {}], ["max_pooling2d_MaxPooling2D1", 0, 0, {}]]] } : l));
  t.throws(() => loadTfjsModel({ ...functional, modelTopology: { class_name: "Functional", config: { layers: branching } } }, shards[0]!), {
    instanceOf: TypeError,
    message: "loadTfjsModel: layer 'conv2d_Conv2D2' (Conv2D) takes its input from [input1, max_pooling2d_MaxPooling2D1], not from the layer before it: only functional models that are a chain of layers are supported",
  });
});

test("Reshape, Dense on the last axis of a 2-D sample, and the selu, swish and softsign activations equal direct loops", (t) => {
  const { json, shards, weights } = saved(
    [
      { class_name: "Reshape", config: { name: "r", target_shape: [2, 3], batch_input_shape: [null, 6] } },
      { class_name: "Dense", config: { name: "d", units: 4, activation: "selu" } },
      { class_name: "Activation", config: { name: "a", activation: "swish" } },
      { class_name: "Flatten", config: { name: "f" } },
      { class_name: "Dense", config: { name: "e", units: 2, activation: "softsign" } },
    ],
    [["d/kernel", [3, 4]], ["d/bias", [4]], ["e/kernel", [8, 2]], ["e/bias", [2]]],
    9,
  );
  const m = loadTfjsModel(json, shards[0]!);
  t.deepEqual(m.layers.map((l) => [...l.outputShape]), [[2, 3], [2, 4], [2, 4], [8], [2]]);
  const x = rng(4).normalVec(2 * 6).data;
  const th = input([m.n], "theta");
  const out = evaluate(m.apply(th, constant(x, [2, 6])), [[th, m.theta]]);
  const selu = (v: number) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));
  for (let s = 0; s < 2; s++) {
    const h: number[] = [];
    for (let row = 0; row < 2; row++) {
      const z = denseRef(x.subarray(6 * s + 3 * row, 6 * s + 3 * row + 3), weights["d/kernel"]!, weights["d/bias"]);
      for (const v of z) h.push(selu(v) / (1 + Math.exp(-selu(v))));
    }
    const ref = map(denseRef(Float64Array.from(h), weights["e/kernel"]!, weights["e/bias"]), (v) => v / (1 + Math.abs(v)));
    t.true(maxRelErr(out.subarray(2 * s, 2 * s + 2), ref) < 1e-14, `sample ${s}`);
  }
});

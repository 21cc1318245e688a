/**
 * Models built and saved by TF.js itself (@tensorflow/tfjs, a devDependency, cpu backend) and
 * loaded by `loadTfjsModel` without it: outputs equal `model.predict`, the loss gradient equals
 * `tf.variableGrads` of the same loss (both to float32's precision), and our H·v equals central
 * differences of our gradient. Every weight (the batch-norm statistics included) and input is
 * drawn from a seeded stream, as float32.
 */
import test from "ava";
import type * as Tfjs from "@tensorflow/tfjs";
import {
  constant, gradientFunction, hessianOperator, input, evaluate, loadTfjsModel, mean, softmaxCrossEntropy, square, sub,
  type Tensor, type TfjsModel,
} from "@krylov-ts/autodiff";
import { rng, vec } from "@krylov-ts/operators";

type Tf = typeof Tfjs;
let tfPromise: Promise<Tf> | undefined;
/** TF.js on its cpu backend (imported once, on first use). */
function tfjs(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    return tf;
  })();
  return tfPromise;
}

/** The weights of `model` set from a seeded stream (variances positive), as float32. */
function setSeededWeights(tf: Tf, model: Tfjs.Sequential, seed: number): void {
  const r = rng(seed);
  model.setWeights(model.weights.map((w) => {
    const n = w.shape.reduce<number>((a, b) => a * (b as number), 1);
    const variance = w.name.endsWith("moving_variance");
    return tf.tensor(Float32Array.from({ length: n }, () => (variance ? 0.5 + r.uniform() : 0.5 * r.normal())), w.shape as number[]);
  }));
}

/** What `model.save('file://…')` writes: model.json (topology + weightsManifest) and the weight bytes, through JSON. */
async function saveAndLoad(tf: Tf, model: Tfjs.Sequential): Promise<TfjsModel> {
  let saved: Tfjs.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  if (saved === undefined || saved.weightData === undefined) throw new Error("TF.js saved nothing");
  const json = JSON.stringify({ format: saved.format, generatedBy: saved.generatedBy, modelTopology: saved.modelTopology, weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: saved.weightSpecs }] });
  const bytes = new Uint8Array(saved.weightData as ArrayBuffer).slice(); // as if read from the file
  return loadTfjsModel(JSON.parse(json), bytes);
}

/** ‖a − b‖ / ‖b‖. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return a.length === b.length ? Math.sqrt(num / den) : Infinity;
}

interface Case {
  readonly build: (tf: Tf) => Tfjs.Sequential;
  readonly inputShape: readonly number[];
  readonly outputs: number;
  /** 'ce': mean cross-entropy of the softmax outputs; 'mse': mean squared error of the outputs. */
  readonly loss: "ce" | "mse";
}

/**
 * Checks one model: TF.js's predictions and gradient against ours at the file's weights, and our
 * H·v against central differences of our gradient. Returns the three relative differences.
 */
async function compare(k: Case, seed: number): Promise<{ outputs: number; gradient: number; hv: number; layers: string[] }> {
  const tf = await tfjs();
  const model = k.build(tf);
  setSeededWeights(tf, model, seed);
  const m = await saveAndLoad(tf, model);
  const B = 4;
  const r = rng(seed + 100);
  const size = k.inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: B * size }, () => r.normal());
  const labels = new Float32Array(B * k.outputs);
  for (let s = 0; s < B; s++) {
    if (k.loss === "ce") labels[s * k.outputs + ((s * 7 + seed) % k.outputs)] = 1;
    else for (let j = 0; j < k.outputs; j++) labels[s * k.outputs + j] = r.normal();
  }

  // TF.js: predictions and the gradient of the same loss over the model's trainable variables.
  const xt = tf.tensor(x, [B, ...k.inputShape]);
  const yt = tf.tensor2d(labels, [B, k.outputs]);
  const theirs = (model.predict(xt) as Tfjs.Tensor).dataSync();
  const lossTf = (): Tfjs.Scalar => {
    const p = model.apply(xt, { training: false }) as Tfjs.Tensor;
    return k.loss === "ce" ? tf.neg(tf.mean(tf.sum(tf.mul(yt, tf.log(p)), -1))) : tf.mean(tf.square(tf.sub(p, yt)));
  };
  const { grads } = tf.variableGrads(lossTf);
  const gTf = new Float64Array(m.n);
  for (const name of m.layout.names) {
    const g = grads[name];
    if (g === undefined) throw new Error(`TF.js has no gradient for ${name}`);
    gTf.set(g.dataSync(), m.layout.entry(name).offset);
  }
  tf.dispose([xt, yt, ...Object.values(grads)]);
  model.dispose();

  // Ours, in float64 on the float32 weights and inputs.
  const X = constant(Float64Array.from(x), [B, ...k.inputShape]);
  const Y = constant(Float64Array.from(labels), [B, k.outputs]);
  const th = input([m.n], "theta");
  const ours = evaluate(m.apply(th, X), [[th, m.theta]]);
  const f = (t: Tensor): Tensor => (k.loss === "ce" ? softmaxCrossEntropy(m.logits(t, X), Y) : mean(square(sub(m.apply(t, X), Y))));
  const fg = gradientFunction(f, m.n);
  const g = fg(vec(m.theta)).gradient;
  const H = hessianOperator(f, m.theta);
  const v = rng(seed + 200).normalVec(m.n);
  const hv = H.apply(v);
  // Central differences of our gradient along v: error O(h²) + O(ε/h).
  const h = 1e-5;
  const plus = vec(m.theta);
  const minus = vec(m.theta);
  for (let i = 0; i < m.n; i++) {
    plus.set(i, plus.get(i) + h * v.get(i));
    minus.set(i, minus.get(i) - h * v.get(i));
  }
  const gp = fg(plus).gradient;
  const gm = fg(minus).gradient;
  const fd = Float64Array.from({ length: m.n }, (_, i) => (gp.get(i) - gm.get(i)) / (2 * h));
  return {
    outputs: relErr(ours, theirs),
    gradient: relErr(gTf, Array.from({ length: m.n }, (_, i) => g.get(i))),
    hv: relErr(Array.from({ length: m.n }, (_, i) => hv.get(i)), fd),
    layers: m.layers.map((l) => `${l.className}${l.activation === undefined ? "" : `:${l.activation}`}`),
  };
}

// float32 arithmetic in TF.js against float64 in ours: outputs within 6e-8 relative, gradients
// within 2.1e-7 (measured); the bounds leave a factor of fifteen or more. The tanh form of gelu
// where TF.js has erf would be off by ~1e-4.
const OUTPUT_TOL = 1e-6;
const GRADIENT_TOL = 1e-5;

test("a TF.js Dense model with gelu, gelu_new, tanh, swish, softplus and a softmax head: outputs, gradient and H·v agree", async (t) => {
  const res = await compare({
    build: (tf) => tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 7, activation: "gelu" }),
        tf.layers.dense({ units: 6, activation: "gelu_new" }),
        tf.layers.dense({ units: 6, activation: "tanh" }),
        tf.layers.dense({ units: 5, activation: "swish" }),
        tf.layers.dense({ units: 4, activation: "softplus" }),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    }),
    inputShape: [5],
    outputs: 3,
    loss: "ce",
  }, 1);
  t.deepEqual(res.layers, ["Dense:gelu", "Dense:gelu_new", "Dense:tanh", "Dense:swish", "Dense:softplus", "Dense:softmax"]);
  t.log(`relative differences: outputs ${res.outputs.toExponential(1)}, gradient ${res.gradient.toExponential(1)}, H·v vs FD ${res.hv.toExponential(1)}`);
  t.true(res.outputs < OUTPUT_TOL, `outputs ${res.outputs}`);
  t.true(res.gradient < GRADIENT_TOL, `gradient ${res.gradient}`);
  t.true(res.hv < 1e-6, `H·v ${res.hv}`);
});

test("a TF.js CNN (Conv2D 'same', MaxPooling2D, AveragePooling2D, Flatten, Dropout, softmax Dense): outputs, gradient and H·v agree", async (t) => {
  const res = await compare({
    build: (tf) => tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [7, 6, 2], filters: 3, kernelSize: 3, padding: "same", activation: "tanh" }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 4, kernelSize: 2, activation: "relu" }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    }),
    inputShape: [7, 6, 2],
    outputs: 3,
    loss: "ce",
  }, 2);
  t.deepEqual(res.layers, ["Conv2D:tanh", "MaxPooling2D", "Conv2D:relu", "AveragePooling2D", "Flatten", "Dropout", "Dense:softmax"]);
  t.log(`relative differences: outputs ${res.outputs.toExponential(1)}, gradient ${res.gradient.toExponential(1)}, H·v vs FD ${res.hv.toExponential(1)}`);
  t.true(res.outputs < OUTPUT_TOL, `outputs ${res.outputs}`);
  t.true(res.gradient < GRADIENT_TOL, `gradient ${res.gradient}`);
  t.true(res.hv < 1e-6, `H·v ${res.hv}`);
});

test("a TF.js model with BatchNormalization (its moving statistics as constants), an Activation layer and a linear head under MSE: outputs, gradient and H·v agree", async (t) => {
  const res = await compare({
    build: (tf) => tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 6 }),
        tf.layers.batchNormalization({}),
        tf.layers.activation({ activation: "sigmoid" }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 2 }),
      ],
    }),
    inputShape: [4],
    outputs: 2,
    loss: "mse",
  }, 3);
  t.deepEqual(res.layers, ["Dense:linear", "BatchNormalization", "Activation:sigmoid", "Dropout", "Dense:linear"]);
  t.log(`relative differences: outputs ${res.outputs.toExponential(1)}, gradient ${res.gradient.toExponential(1)}, H·v vs FD ${res.hv.toExponential(1)}`);
  t.true(res.outputs < OUTPUT_TOL, `outputs ${res.outputs}`);
  t.true(res.gradient < GRADIENT_TOL, `gradient ${res.gradient}`);
  t.true(res.hv < 1e-6, `H·v ${res.hv}`);
});

test("with AveragePooling2D 'same', our gradient is that of TF.js's own forward pass, whose border windows TF.js's gradient divides wrongly", async (t) => {
  // TF.js's avgPool leaves the padding out of a border window's mean (as TensorFlow), but its
  // gradient (4.22, cpu) divides by another count: on a 3×3 input, 2×2 windows at stride 1,
  // d Σ avgPool / dx is 1 at the bottom-right pixel instead of 1/4 + 1/2 + 1/2 + 1 = 2.25.
  const tf = await tfjs();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [5, 4, 2], filters: 3, kernelSize: 2, padding: "same", activation: "tanh" }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: "same" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  setSeededWeights(tf, model, 4);
  const m = await saveAndLoad(tf, model);
  const B = 3;
  const r = rng(104);
  const x = Float32Array.from({ length: B * 40 }, () => r.normal());
  const labels = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const xt = tf.tensor(x, [B, 5, 4, 2]);
  const yt = tf.tensor2d(labels, [B, 3]);
  const lossTf = (): Tfjs.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(yt, tf.log(model.apply(xt, { training: false }) as Tfjs.Tensor)), -1)));
  /** TF.js's loss (float32) at θ. */
  const tfLossAt = (theta: Float64Array): number => {
    model.setWeights(model.weights.map((w) => {
      const e = m.layout.entry(w.name);
      return tf.tensor(Float32Array.from(theta.subarray(e.offset, e.offset + e.size)), w.shape as number[]);
    }));
    return tf.tidy(() => lossTf().dataSync()[0] as number);
  };
  const { grads } = tf.variableGrads(lossTf);
  const X = constant(Float64Array.from(x), [B, 5, 4, 2]);
  const Y = constant(Float64Array.from(labels), [B, 3]);
  const ours = gradientFunction((th: Tensor) => softmaxCrossEntropy(m.logits(th, X), Y), m.n)(vec(m.theta)).gradient;
  // The conv bias: central differences of TF.js's float32 loss (h = 1e-2: truncation ~1e-4,
  // rounding ~1e-5) against both gradients.
  const biasName = m.layout.names[1] as string; // the layer's number depends on the models built before
  const bias = m.layout.entry(biasName);
  const theirs = (grads[biasName] as Tfjs.Tensor).dataSync();
  const h = 1e-2;
  let oursWorst = 0;
  let theirsWorst = 0;
  for (let j = 0; j < bias.size; j++) {
    const plus = m.theta.slice();
    const minus = m.theta.slice();
    plus[bias.offset + j] = (m.theta[bias.offset + j] as number) + h;
    minus[bias.offset + j] = (m.theta[bias.offset + j] as number) - h;
    const fd = (tfLossAt(plus) - tfLossAt(minus)) / (2 * h);
    oursWorst = Math.max(oursWorst, Math.abs(ours.get(bias.offset + j) - fd));
    theirsWorst = Math.max(theirsWorst, Math.abs((theirs[j] as number) - fd));
  }
  tf.dispose([xt, yt, ...Object.values(grads)]);
  model.dispose();
  t.log(`conv bias: |ours − FD of TF.js's loss| ≤ ${oursWorst.toExponential(1)}, |TF.js's gradient − FD| up to ${theirsWorst.toExponential(1)}`);
  t.true(oursWorst < 1e-3, `ours ${oursWorst}`);
});

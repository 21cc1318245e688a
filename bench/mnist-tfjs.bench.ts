/**
 * A real TF.js model through `loadTfjsModel` (issue 13): the CNN of `krylov hessian --model cnn`
 * (plus a Dropout and a softmax head) built and saved by TF.js itself (@tensorflow/tfjs 4.22,
 * `model.save` through a save handler: its modelTopology, weightSpecs and weight bytes, i.e. what
 * `file://` writes), loaded by us without TF.js. On the same MNIST images and the same float32
 * weights: TF.js's predictions and cross-entropy gradient (float32) against ours (float64), and
 * TF.js's nested `tf.grad` H·v against our exact H·v, with the time of each (TF.js on wasm and
 * cpu, ours at the default threads).
 *
 * `npm run bench -- mnist-tfjs` (KRYLOV_BENCH_MNIST_TFJS_IMAGES, default 100).
 */
import { constant, evaluate, gradientFunction, hessianOperator, input, loadTfjsModel, softmaxCrossEntropy, type Tensor } from "@krylov-ts/autodiff";
import { rng, vec } from "@krylov-ts/operators";
import { mnist } from "../packages/cli/src/mnist.js";
import { fmt, median } from "./lib.js";
import { loadText } from "./peers.js";

type Tf = typeof import("@tensorflow/tfjs");
const IMAGES = Number(process.env.KRYLOV_BENCH_MNIST_TFJS_IMAGES ?? 100);

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

export default async function main(): Promise<void> {
  const tf = (await import("@tensorflow/tfjs")) as Tf;
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("cpu");
  const loadStart = loadText();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: "same", activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 2 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 4 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
  // What model.save('file://…') writes: model.json = { modelTopology, weightsManifest: [{ paths, weights: weightSpecs }] } and the bytes.
  let saved: { modelTopology: unknown; weightSpecs: unknown[]; weightData: ArrayBuffer } | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a as unknown as typeof saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  if (saved === undefined) throw new Error("mnist-tfjs: TF.js saved nothing");
  const json = { format: "layers-model", modelTopology: saved.modelTopology, weightsManifest: [{ paths: ["weights.bin"], weights: saved.weightSpecs }] };
  const ours = loadTfjsModel(JSON.parse(JSON.stringify(json)), saved.weightData);

  const data = mnist(IMAGES);
  const X = constant(data.X, [IMAGES, 28, 28, 1]);
  const Y = constant(data.Y, [IMAGES, 10]);
  const th = input([ours.n], "theta");
  const oursProbs = evaluate(ours.apply(th, X), [[th, ours.theta]]);
  const xs = tf.tensor4d(Float32Array.from(data.X), [IMAGES, 28, 28, 1]);
  const ys = tf.tensor2d(Float32Array.from(data.Y), [IMAGES, 10]);
  const tfProbs = (model.predict(xs) as import("@tensorflow/tfjs").Tensor).dataSync();

  // TF.js's loss as a function of the flat θ in our layout (the weights in order, each reshaped).
  const shapes = ours.layout.names.map((k) => ours.layout.entry(k).shape as number[]);
  const f = (flat: import("@tensorflow/tfjs").Tensor): import("@tensorflow/tfjs").Scalar => {
    let at = 0;
    const w = shapes.map((s) => {
      const size = s.reduce((a, b) => a * b, 1);
      const t = flat.slice(at, size).reshape(s);
      at += size;
      return t;
    });
    let h = tf.tanh(tf.conv2d(xs, w[0] as import("@tensorflow/tfjs").Tensor4D, 1, "same").add(w[1]!));
    h = tf.maxPool(h as import("@tensorflow/tfjs").Tensor4D, 2, 2, "valid");
    h = tf.tanh(tf.conv2d(h as import("@tensorflow/tfjs").Tensor4D, w[2] as import("@tensorflow/tfjs").Tensor4D, 1, "same").add(w[3]!));
    h = tf.maxPool(h as import("@tensorflow/tfjs").Tensor4D, 2, 2, "valid");
    const z = h.reshape([IMAGES, 784]).matMul(w[4] as import("@tensorflow/tfjs").Tensor2D).add(w[5]!);
    return tf.losses.softmaxCrossEntropy(ys, z) as import("@tensorflow/tfjs").Scalar;
  };
  const loss = (t: Tensor) => softmaxCrossEntropy(ours.logits(t, X), Y);
  const fg = gradientFunction(loss, ours.n);
  const H = hessianOperator(loss, ours.theta);
  const v = rng(3).normalVec(ours.n);
  const g = fg(vec(ours.theta)).gradient.data.slice(0, ours.n);
  const hv = H.apply(v).data.slice(0, ours.n);
  const hvpTf = (flat: import("@tensorflow/tfjs").Tensor, vt: import("@tensorflow/tfjs").Tensor) =>
    tf.grad((x: import("@tensorflow/tfjs").Tensor) => tf.grad(f)(x).mul(vt).sum() as import("@tensorflow/tfjs").Scalar)(flat);
  const time = (fn: () => void, runs: number): number => {
    fn();
    const ts: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const rows: string[] = [];
  for (const backend of ["wasm", "cpu"]) {
    if (!(await tf.setBackend(backend))) {
      rows.push(`| tfjs-${backend} | — | — | — | backend unavailable |`);
      continue;
    }
    try {
      const flat = tf.tensor1d(Float32Array.from(ours.theta));
      const vt = tf.tensor1d(Float32Array.from(v.data.subarray(0, ours.n)));
      let gt: ArrayLike<number> = [];
      try {
        gt = tf.grad(f)(flat).dataSync();
      } catch (e) {
        rows.push(`| tfjs-${backend} gradient, float32 | — | — | — | ${(e as Error).message.split("\n")[0]} |`);
        continue;
      }
      rows.push(`| tfjs-${backend} tf.grad (gradient only), float32 | — | ${relErr(gt, g).toExponential(1)} | — | |`);
      const hvt = hvpTf(flat, vt).dataSync();
      const ms = time(() => tf.tidy(() => void hvpTf(flat, vt).dataSync()), 3);
      rows.push(`| tfjs-${backend} nested tf.grad, float32 | ${fmt(ms)} | ${relErr(gt, g).toExponential(1)} | ${relErr(hvt, hv).toExponential(1)} | |`);
    } catch (e) {
      rows.push(`| tfjs-${backend} nested tf.grad, float32 | — | — | — | ${(e as Error).message.split("\n")[0]} |`);
    }
  }
  const oursMs = time(() => void H.apply(v), 3);
  console.log(`\n### A TF.js-saved MNIST CNN (n = ${ours.n.toLocaleString("en")}) loaded by loadTfjsModel, ${IMAGES} images; load ${loadStart} → ${loadText()}\n`);
  console.log(`- layers as loaded: ${ours.layers.map((l) => `${l.className}${l.activation ? `(${l.activation})` : ""}`).join(" – ")}`);
  console.log(`- predictions, ours (float64 on the float32 weights) vs TF.js model.predict (float32, cpu): relative difference ${relErr(oursProbs, tfProbs).toExponential(2)}; argmax agreement ${Array.from({ length: IMAGES }, (_, i) => argmax(oursProbs, i) === argmax(tfProbs, i)).filter(Boolean).length}/${IMAGES}\n`);
  console.log("| H·v | median (ms) | gradient vs ours (rel.) | H·v vs ours (rel.) | note |");
  console.log("|---|---:|---:|---:|---|");
  console.log(`| krylov-ts hessianOperator.apply, float64 | ${fmt(oursMs)} | — | — | exact |`);
  for (const r of rows) console.log(r);
}

function argmax(p: ArrayLike<number>, i: number): number {
  let best = 0;
  for (let j = 1; j < 10; j++) if ((p[i * 10 + j] as number) > (p[i * 10 + best] as number)) best = j;
  return best;
}

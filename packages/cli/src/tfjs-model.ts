/**
 * `krylov hessian --model path/to/model.json`: a TF.js Layers model read from its files (the
 * weight files of its weightsManifest beside model.json) and its loss on a data set, whose
 * Hessian over the whole data set is streamed over minibatches.
 *
 * The model sees the data as it was trained on it: the CSV's raw feature values (not the
 * standardized ones the MLP of `--model mlp` uses), in the file's column order, reshaped to the
 * model's input shape. Class labels map to output units in sorted order (numerically when every
 * label is an integer, so labels 0, 1, …, c−1 are output units 0, …, c−1); a numeric column whose
 * values are integers from 0 to c−1 is read as class labels too when the model has c > 1 outputs.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  constant, datasetGradient, datasetHessianOperator, evaluate, loadTfjsModel, mean, reshape, softmaxCrossEntropy, square, sub, type Batch, type Tensor, type TfjsModel,
} from "@krylov-ts/autodiff";
import type { LinearOperator, Vec } from "@krylov-ts/operators";
import { UsageError } from "./args.js";
import type { Dataset } from "./data.js";
import type { Loss } from "./model.js";

/** Whether `--model` names a model file rather than a built-in architecture. */
export function isModelFile(model: string): boolean {
  return model.endsWith(".json");
}

/** Reads model.json and its weight files (paths relative to model.json's folder) and loads the model. */
export function readTfjsModel(path: string): TfjsModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`${path}: cannot read the TF.js model: ${(e as Error).message.split("\n")[0]}`);
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) throw new UsageError(`${path}: not a TF.js Layers model.json (no weightsManifest list)`);
  const files: Uint8Array[] = [];
  for (const group of manifest as { paths?: unknown }[]) {
    if (!Array.isArray(group?.paths)) throw new UsageError(`${path}: a weightsManifest entry has no paths list`);
    for (const p of group.paths) {
      const file = resolve(dirname(path), String(p));
      try {
        files.push(readFileSync(file));
      } catch (e) {
        throw new UsageError(`${path}: cannot read weight file ${String(p)}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
  }
  try {
    return loadTfjsModel(json, files);
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
}

/** The loaded model's loss on a data set: training loss, streamed Hessian and gradient, accuracy. */
export interface TfjsProblem {
  readonly model: TfjsModel;
  readonly loss: Loss;
  /** Samples × ∏inputShape raw inputs and samples × outputs targets (one-hot classes, or raw numbers). */
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
  /** The mean loss on the whole data set as one graph (full-batch training). */
  f(theta: Tensor): Tensor;
  /** The mean loss on one batch (inputs [B, …inputShape], targets [B, outputs]). */
  batchLoss(theta: Tensor, batch: Batch): Tensor;
  hessian(theta: Float64Array, batchSize: number): LinearOperator;
  gradient(batchSize: number): (theta: Vec | Float64Array) => { value: number; gradient: Vec };
  /** The fraction of samples classified right (classification), else undefined. */
  accuracy(theta: Float64Array): number | undefined;
  /** One line naming the layers, e.g. `Dense(8 tanh)–Dropout–Dense(3 softmax)`. */
  readonly description: string;
}

/**
 * The loss of `model` on `data`: cross-entropy for class labels (on the logits before a final
 * softmax, or on the outputs of a final linear layer, which are then logits), mean squared error
 * (1/(m·c))Σ(ŷ − y)² for numbers, or as `loss` says.
 */
export function tfjsProblem(path: string, model: TfjsModel, data: Dataset, loss: Loss | "auto"): TfjsProblem {
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  if (size !== data.features) {
    throw new UsageError(`${path}: the model's input [${model.inputShape.join(", ")}] takes ${size} values per sample, but ${data.name} has ${data.features} features`);
  }
  const c = model.outputShape.reduce((a, b) => a * b, 1);
  const m = data.samples;
  // Raw features: undo the standardization of loadDataset.
  const inputs = new Float64Array(m * size);
  for (let i = 0; i < m; i++) for (let j = 0; j < size; j++) inputs[i * size + j] = (data.X[i * size + j] as number) * (data.featureStd[j] as number) + (data.featureMean[j] as number);
  const rawTarget = (i: number) => (data.Y[i] as number) * (data.targetStd ?? 1) + (data.targetMean ?? 0);
  const integerClasses = data.task === "regression" && c > 1 && loss !== "mse" && Array.from({ length: m }, (_, i) => rawTarget(i)).every((v) => Math.abs(v - Math.round(v)) < 1e-9 && Math.round(v) >= 0 && Math.round(v) < c);
  const lossName: Loss = loss === "auto" ? (data.task === "classification" || integerClasses ? "cross-entropy" : "mse") : loss;
  let targets: Float64Array;
  if (lossName === "cross-entropy") {
    targets = new Float64Array(m * c);
    if (integerClasses) for (let i = 0; i < m; i++) targets[i * c + Math.round(rawTarget(i))] = 1;
    else if (data.task === "classification" && data.classes !== undefined) {
      const classes = data.classes;
      if (classes.length > c) throw new UsageError(`${path}: the model has ${c} outputs but column '${data.label}' has ${classes.length} classes`);
      const numeric = classes.every((k) => /^-?\d+$/.test(k.trim()));
      const sorted = [...classes].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
      if (numeric && !sorted.every((k) => Number(k) >= 0 && Number(k) < c)) throw new UsageError(`${path}: class labels must be 0 to ${c - 1} for a model of ${c} outputs, got ${sorted.join(", ")}`);
      const unit = classes.map((k) => (numeric ? Number(k) : sorted.indexOf(k)));
      const dc = data.outputs;
      for (let i = 0; i < m; i++) for (let k = 0; k < dc; k++) if (data.Y[i * dc + k] === 1) targets[i * c + (unit[k] as number)] = 1;
    } else throw new UsageError(`${path}: cross-entropy needs class labels, but column '${data.label}' of ${data.name} is numeric and not class indices 0 to ${c - 1}`);
    if (model.outputActivation !== "softmax" && model.outputActivation !== "linear") {
      throw new UsageError(`${path}: cross-entropy needs a final softmax or linear layer (logits), but the model ends in '${model.outputActivation}'`);
    }
  } else {
    if (data.task !== "regression" || c !== 1) throw new UsageError(`${path}: mse needs a numeric label and a model of 1 output; the model has ${c} outputs and column '${data.label}' is ${data.task === "regression" ? "numeric" : "class labels"}`);
    targets = Float64Array.from({ length: m }, (_, i) => rawTarget(i));
  }
  const out = (theta: Tensor, x: Tensor) => (lossName === "cross-entropy" ? model.logits(theta, x) : model.apply(theta, x));
  const batchLoss = (theta: Tensor, batch: Batch): Tensor => {
    const y = out(theta, batch.inputs);
    const z = y.rank === 2 ? y : reshape(y, [batch.inputs.shape[0] as number, c]);
    return lossName === "cross-entropy" ? softmaxCrossEntropy(z, batch.targets) : mean(square(sub(z, batch.targets)));
  };
  const set = { inputs, targets, inputShape: [...model.inputShape], targetShape: [c] };
  const X = constant(inputs, [m, ...model.inputShape]);
  const Y = constant(targets, [m, c]);
  return {
    model,
    loss: lossName,
    inputs,
    targets,
    f: (theta) => batchLoss(theta, { inputs: X, targets: Y }),
    batchLoss,
    hessian: (theta, batchSize) => datasetHessianOperator(batchLoss, theta, set, { batchSize }),
    gradient: (batchSize) => datasetGradient(batchLoss, model.n, set, { batchSize }),
    accuracy: (theta) => {
      if (lossName !== "cross-entropy") return undefined;
      const z = evaluate(model.logits(constant(theta, [model.n]), X), []);
      let right = 0;
      for (let i = 0; i < m; i++) {
        let best = 0;
        for (let j = 1; j < c; j++) if ((z[i * c + j] as number) > (z[i * c + best] as number)) best = j;
        if (targets[i * c + best] === 1) right++;
      }
      return right / m;
    },
    description: model.layers
      .filter((l) => l.className !== "InputLayer")
      .map((l) => (l.className === "Dense" || l.className === "Conv2D" ? `${l.className}(${l.outputShape[l.outputShape.length - 1]} ${l.activation ?? "linear"})` : l.className === "Activation" ? `Activation(${l.activation ?? "linear"})` : l.className))
      .join("–"),
  };
}
